import DSL
import Foundation
import Render
import Report
import Testing
@testable import Workbench

// MARK: - Characters

@Suite("Control characters, NUL, long lines, non-UTF-8", .timeLimit(.minutes(1)))
struct CharacterTests {
    @Test("NUL and other control characters inside strings are kept and bound, not truncated")
    func controlCharactersInStrings() throws {
        let wb = try libraryWorkbench()
        // Escapes, and the same characters typed raw inside the quotes.
        let escaped = "insert Author(name: \"a\\0b\\u{1}\\u{1b}[2J\\u{7f}\\r\\t\")"
        let raw = "insert Author(name: \"c\u{0}d\u{1}\u{1b}[2J\u{7f}\u{85}\u{2028}\")"
        let reports = wb.run(escaped + "\n" + raw + "\nsave\n:forget\nAuthor#2.name\nAuthor#3.name\nAuthor.where(name == \"c\\0d\\u{1}\\u{1b}[2J\\u{7f}\\u{85}\\u{2028}\").count")
        expectAllOK(reports)
        #expect(reports[4].value == .text("a\u{0}b\u{1}\u{1b}[2J\u{7f}\r\t"))
        #expect(reports[5].value == .text("c\u{0}d\u{1}\u{1b}[2J\u{7f}\u{85}\u{2028}"))
        #expect(reports[6].value == .integer(1))
    }

    @Test("control characters outside strings are one diagnostic each, naming the character")
    func controlCharactersInSource() throws {
        let wb = try libraryWorkbench()
        let reports = wb.run("Author\u{0}.all\nAuthor.count\u{7}\n\u{1b}[2J\nAuthor.count")
        #expect(messages(reports[0]) == ["unexpected character U+0000"])
        #expect(messages(reports[1]) == ["unexpected character U+0007"])
        #expect(messages(reports[2]) == ["unexpected character U+001B"])
        #expect(reports[3].value == .integer(1))
    }

    @Test("rendered reports contain no raw control characters when colour is off")
    func renderersEscapeControlCharacters() throws {
        let wb = try libraryWorkbench()
        let reports = wb.run("""
            :sql SELECT '\u{1b}[2J' AS "\u{7}x", 1 AS "\u{9b}y"
            :sql SELECT 1 -- \u{1b}[2J
            :log
            insert Author(name: "\\u{1b}[31mred\\u{7}\\u{0}\\u{9b}2J\\u{8}")
            save
            Author.where(name like "\\u{1b}%").first
            Author.where(name == "\\u{1b}")\u{1b}[2J
            """)
        for report in reports {
            for text in [PlainRenderer.render(report), TerminalRenderer.render(report, options: RenderOptions(width: 120, color: false))] {
                let controls = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
                #expect(controls.isEmpty, "\(report.input): \(controls.map { String($0.value, radix: 16) })")
            }
        }
    }

    @Test("a 1 MB line of 50,000 commands runs in linear time")
    func veryLongLine() throws {
        let wb = try libraryWorkbench()
        let line = String(repeating: "Author.count; ", count: 50_000)
        let start = Date()
        let reports = wb.run(line)
        #expect(reports.count == 50_000)
        #expect(reports.allSatisfy { $0.value == .integer(1) })
        #expect(Date().timeIntervalSince(start) < 30)
    }

    @Test("a script with 10,000 mistakes renders each diagnostic quickly (no quadratic rendering)")
    func manyDiagnostics() throws {
        let wb = try libraryWorkbench()
        let script = Array(repeating: "Author.nme", count: 10_000).joined(separator: "\n")
        let start = Date()
        let reports = wb.run(script)
        #expect(reports.count == 10_000)
        #expect(reports.last?.diagnostics.first?.rendered.contains("10000 | Author.nme") == true)
        #expect(Date().timeIntervalSince(start) < 20)
    }

    @Test("non-UTF-8 bytes on standard input: diagnostics and exit code 1, no crash")
    func nonUTF8OnStandardInput() throws {
        var input = Data("entity Author { name: String }\ninsert Author(name: \"ok\")\n".utf8)
        input += Data([0xFF, 0xFE, 0x41, 0xC3, 0x28, 0x0A])                       // stray invalid bytes
        input += Data("insert Author(name: \"".utf8) + Data([0xE2, 0x82, 0x0A])    // truncated sequence in a string
        input += Data("insert Author(name: \"in".utf8) + Data([0xC0, 0xAF]) + Data("side\")\nsave\nAuthor.count\n".utf8)
        let result = try runORMLab([], stdin: input)
        #expect(!result.killedBySignal)
        #expect(result.status == 1)
        #expect(result.stdout.contains("error: unexpected character '\u{FFFD}'"))
        #expect(result.stdout.contains("error: unterminated string literal"))
        #expect(result.stdout.contains("= 2"))   // "ok" and "in��side" were saved
        #expect(result.stderr.isEmpty)
    }
}
