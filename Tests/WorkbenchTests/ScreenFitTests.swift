import Render
import Report
import Testing
@testable import Workbench

// Issue 16: an N+1 report of 20 authors, made by running the product, fits an 80×24 terminal:
// the repeated SELECT is folded ("… 19 more like ②"); JSON keeps every statement.

/// 20 authors with a book each, then the classic N+1 loop; its report.
private func twentyAuthorsNPlusOne() throws -> Report {
    var script = "entity Author { name: String; books: [Book] }\nentity Book { title: String; author: Author }\n"
    for i in 1...20 { script += "insert Author(name: \"Author \(i)\")\n" }
    script += "save\n"
    for i in 1...20 { script += "insert Book(title: \"Book \(i)\", author: Author#\(i))\n" }
    script += "save\n:forget"
    let wb = try Workbench()
    for report in wb.run(script) { expectOK(report) }
    let report = try #require(wb.run("for a in Author.all { a.books.count }").last)
    expectOK(report)
    return report
}

@Suite struct ScreenFitTests {
    @Test func anNPlusOneOfTwentyAuthorsFitsEightyByTwentyFour() throws {
        let report = try twentyAuthorsNPlusOne()
        #expect(report.sql.count == 21)
        let lines = TerminalRenderer.render(report, options: RenderOptions(width: 80, height: 22)).split(separator: "\n", omittingEmptySubsequences: false)
        // (On a 24-line terminal the REPL passes 22: the typed command and the next prompt stay on the screen.)
        #expect(lines.count <= 22, "\(lines.count) lines:\n\(lines.joined(separator: "\n"))")
        #expect(lines.allSatisfy { displayWidth(String($0)) <= 80 })
        // The first SELECT of the run, then one fold line for the other 19.
        #expect(lines.contains { $0.contains(#"② SELECT "book".* FROM "book" WHERE "book"."author_id" = ?  -- ? = 1"#) })
        #expect(lines.contains { $0.hasPrefix("│ … 19 more like ②: ? = 2 … 20 · 19 rows · ") })
        #expect(!lines.contains { $0.contains("③") })
        #expect(lines.contains { $0.contains("⚠ N+1 queries: the same SELECT ran 20 times") })
        #expect(lines.contains { $0.contains("(shortened to fit the screen: :log, :more and :mapping show all)") })
        // The loop's table keeps its first rows and counts the rest.
        #expect(lines.contains { $0.contains("│ … 18 more ") })
        // JSON keeps every statement with its value.
        let json = JSONRenderer.render(report)
        for id in 1...20 { #expect(json.contains(#""params":[\#(id)]"#)) }
    }

    @Test func aReportWithoutPanesIsNeverShortened() throws {
        let wb = try Workbench()
        let help = try #require(wb.run(":help").last)
        let full = TerminalRenderer.render(help, options: RenderOptions(width: 80))
        #expect(full.split(separator: "\n").count > 10)
        #expect(TerminalRenderer.render(help, options: RenderOptions(width: 80, height: 10)) == full)
    }

    @Test func withoutAHeightTheRunIsFoldedAfterItsFirstTwo() throws {
        let report = try twentyAuthorsNPlusOne()
        let lines = TerminalRenderer.render(report, options: RenderOptions(width: 80)).split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("③ SELECT") })
        #expect(lines.contains { $0.hasPrefix("│ … 18 more like ②: ? = 3 … 20 · 18 rows · ") })
        #expect(!lines.contains { $0.contains("④") })
        #expect(!lines.contains { $0.contains("shortened") })
        // Plain text (pipes, diffs) lists every statement.
        #expect(PlainRenderer.render(report).contains("(21) SELECT"))
    }
}
