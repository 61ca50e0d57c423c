import DSL
import Report
import Testing
@testable import Workbench

// A line starting with `.` continues only a query (issue 16, item 8).
@Suite struct DotLineTests {
    @Test(arguments: [
        ("entity Author { name: String }\n.\nAuthor.all", "an entity definition"),
        ("entity Author { name: String }\n  .limit(3)\nAuthor.all", "an entity definition"),
        ("entity Author { name: String }\nsave\n.limit(3)\nAuthor.all", "a transaction command"),
        ("entity Author { name: String }\ninsert Author(name: \"x\")\n// a comment\n\n.all\nAuthor.all", "an insert"),
        ("entity Author { name: String }\n:schema\n.all\nAuthor.all", "a ':' command"),
    ])
    func aDotLineAfterANonQueryIsItsOwnDiagnostic(_ script: String, _ before: String) throws {
        let reports = try runScript(script)
        let failed = reports.filter { !$0.ok }
        #expect(failed.count == 1)
        let diagnostic = try #require(failed.first?.diagnostics.first)
        #expect(diagnostic.message == "a line that starts with '.' continues a query on the line before, and the line before is \(before)")
        #expect(diagnostic.hint == "write the query whole, as in Author.all.limit(3); the line before stays as it was")
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
        let dotLine = try #require(lines.firstIndex { $0.drop { $0 == " " }.hasPrefix(".") })
        #expect(diagnostic.line == dotLine + 1)
        #expect(diagnostic.column == lines[dotLine].prefix { $0 == " " }.count + 1)
        // The entity survived: the first command succeeded and the query after runs on it.
        #expect(reports.first?.ok == true)
        let last = try #require(reports.last)
        expectOK(last)
        #expect(last.input == "Author.all")
    }

    @Test func aDotLineStillContinuesAQuery() throws {
        let reports = try runScript("entity Author { name: String }\nAuthor.all\n  .order(name desc)\n  .limit(3)")
        #expect(reports.count == 2)
        for r in reports { expectOK(r) }
        #expect(sqlTexts(reports[1]) == ["SELECT \"author\".* FROM \"author\" ORDER BY \"author\".\"name\" DESC LIMIT ?"])
    }
}
