import Foundation
@testable import Render
import Report
import Testing
@testable import Workbench

// SPEC §16: `:save FILE.html` writes one self-contained page of the session (every command with
// its panes, notes and diagnostics, the diagram at the top, values escaped, nothing external);
// `:save FILE.json` the reports as JSON Lines; a file that cannot be written is a clear error,
// nothing is left behind and the session goes on.

private let session = """
    entity Author { name: String; books: [Book] }
    entity Book { title: String; author: Author }
    insert Author(name: "<script>alert('x')</script> & \\"Le Guin\\"")
    insert Book(title: "The Dispossessed", author: Author#1)
    save
    Author.whre(name == "x")
    Author.include(books)
    """

private func scratchDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ormlab-page-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct SessionPageTests {
    @Test func theHTMLPageHoldsEveryCommandEscapedAndNeedsNothingElse() throws {
        let d = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let wb = try Workbench()
        let reports = wb.run(session + "\n:save \(d)/s.html", sourceName: "<test>")
        let save = try #require(reports.last)
        expectOK(save)
        #expect(save.notes.map(\.message) == ["saved the page of 7 commands to \(d)/s.html; open it in a browser (no network needed)"])
        let page = try String(contentsOfFile: "\(d)/s.html", encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        // Every command, in order, with its number; the failed one marked and its diagnostic shown.
        #expect(page.components(separatedBy: "<section class=\"cmd").count - 1 == 7)
        #expect(page.contains("<section class=\"cmd failed\" id=\"c6\">"))
        #expect(page.contains("no method &#39;whre&#39;") || page.contains("whre"))
        // Values escaped: the learner's text never becomes markup.
        #expect(!page.contains("<script"))
        #expect(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; \\&quot;Le Guin\\&quot;"))
        // Nothing external: no scripts, no links or sources; the only URL is SVG's namespace.
        #expect(!page.contains(" src="))
        #expect(!page.contains("<link"))
        #expect(page.components(separatedBy: "http").count - 1 == page.components(separatedBy: "http://www.w3.org/2000/svg").count - 1)
        // The diagram at the top, then the panes with SQL highlighted as in the terminal.
        let diagram = try #require(page.range(of: "<section class=\"schema\">"))
        let first = try #require(page.range(of: "<section class=\"cmd"))
        #expect(diagram.lowerBound < first.lowerBound)
        #expect(page.contains("data-name=\"Author\"") && page.contains("data-name=\"Book\""))
        #expect(page.contains("<h3>SQL</h3>") && page.contains("<h3>Objects</h3>") && page.contains("<h3>Mapping</h3>"))
        #expect(page.contains("<span class=\"b c34\">INSERT INTO</span>") || page.contains(">INSERT</span>"))
        #expect(page.contains("Author#1"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: d) == ["s.html"])
    }

    @Test func jsonLinesHoldOneReportPerCommand() throws {
        let d = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let wb = try Workbench()
        let reports = wb.run(session + "\n:save \(d)/s.json", sourceName: "<test>")
        expectOK(try #require(reports.last))
        let lines = try String(contentsOfFile: "\(d)/s.json", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 7)
        let inputs = try lines.map { line -> String in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(object["input"] as? String)
        }
        #expect(inputs == reports.dropLast().map(\.input))
    }

    @Test func aFileThatCannotBeWrittenIsAnErrorAndTheSessionGoesOn() throws {
        let d = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let wb = try Workbench()
        // /proc exists but no file can be created in it, not even by root.
        let reports = wb.run(session + "\n:save /proc/ormlab-page.html\n:save \(d)/missing/s.html\nAuthor.count", sourceName: "<test>")
        let unwritable = try #require(reports[7].diagnostics.first)
        #expect(unwritable.message.hasPrefix("cannot write /proc/ormlab-page.html: "))
        #expect(unwritable.message.hasSuffix("; nothing was written"))
        #expect((unwritable.line, unwritable.column) == (8, 7))
        #expect(reports[8].diagnostics.first?.message == "cannot save to \(d)/missing/s.html: the folder \(d)/missing does not exist; nothing was written")
        #expect(reports[9].ok)
        #expect(reports[9].value == .integer(1))
        #expect(!FileManager.default.fileExists(atPath: "/proc/ormlab-page.html"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: d).isEmpty)
    }

    @Test func aLongSessionKeepsItsFirstReportsAndSaysHowManyMore() throws {
        let d = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let wb = try Workbench()
        wb.transcriptLimit = 3
        let reports = wb.run("entity Tag { label: String }\n" + (1...5).map { "insert Tag(label: \"t\($0)\")" }.joined(separator: "\n") + "\n:save \(d)/s.html", sourceName: "<test>")
        #expect(reports.last?.notes.map(\.message) == ["saved the page of 3 commands (the first 3; 3 later ones are not kept) to \(d)/s.html; open it in a browser (no network needed)"])
        let page = try String(contentsOfFile: "\(d)/s.html", encoding: .utf8)
        #expect(page.contains("3 later commands are not on this page."))
    }

    @Test func ansiColoursBecomeClassesAndTextIsEscaped() {
        #expect(SessionPage.ansiToHTML("\u{1B}[1;34mSELECT\u{1B}[0m * FROM \"a<b\"") == "<span class=\"b c34\">SELECT</span> * FROM &quot;a&lt;b&quot;")
        #expect(SessionPage.ansiToHTML("plain & simple") == "plain &amp; simple")
    }
}
