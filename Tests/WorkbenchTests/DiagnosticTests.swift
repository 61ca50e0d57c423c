import Foundation
import Render
import Report
import Testing
@testable import Workbench

@Suite struct DiagnosticTests {
    func diagnostic(_ script: String) throws -> DiagnosticRecord {
        let reports = try runScript(script)
        let failed = try #require(reports.first { !$0.ok })
        return try #require(failed.diagnostics.first)
    }

    @Test func unknownPropertyWithDidYouMean() throws {
        let d = try diagnostic("""
        entity Author { name: String }
        Author.where(nmae == "x")
        """)
        #expect(d.message == "unknown property 'nmae' on Author")
        #expect(d.line == 2)
        #expect(d.column == 14)
        #expect(d.hint == "did you mean 'name'?")
        #expect(d.rendered == """
        error: unknown property 'nmae' on Author
         --> <test>:2:14
          |
        2 | Author.where(nmae == "x")
          |              ^~~~
          = hint: did you mean 'name'?

        """)
    }

    @Test func unknownEntityWithDidYouMean() throws {
        let d = try diagnostic("""
        entity Author { name: String }
        Autor.all
        """)
        #expect(d.message == "unknown name 'Autor'")
        #expect((d.line, d.column) == (2, 1))
        #expect(d.hint == "did you mean 'Author'?")
    }

    @Test func typeMismatchIsNamed() throws {
        let d = try diagnostic("""
        entity Author { name: String; born: Int? }
        insert Author(name: "x", born: "1929")
        """)
        #expect(d.message == #"type mismatch: 'born' is Int, but "1929" is String"#)
        #expect((d.line, d.column) == (2, 32))
        #expect(d.hint == "write 1929 without quotes")
    }

    @Test func missingRequiredValue() throws {
        let d = try diagnostic("""
        entity Author { name: String; email: String }
        insert Author(name: "x")
        """)
        #expect(d.message == "missing value for 'email': required (NOT NULL, no default)")
        #expect(d.hint == "add email: ... to the insert")
    }

    @Test func syntaxErrorThenTheScriptGoesOn() throws {
        let reports = try runScript("""
        entity Author { name: String }
        Author.where(name == "x"
        insert Author(name: "after the error")
        Author.count
        """)
        #expect(reports.map(\.ok) == [true, false, true, true])
        #expect(reports[1].diagnostics[0].line == 2)
        #expect(reports[3].value == .integer(1))
    }

    @Test func errorsNeverLoseTheSession() throws {
        let wb = try Workbench()
        _ = wb.run("""
        entity Author { name: String }
        insert Author(name: "kept")
        save
        """)
        for bad in ["Author#99", "Author.where(name > )", ":nope", "delete 3", "Author#1.nope = 1", "for a in 3 { a }"] {
            let r = wb.run(bad)
            #expect(r.allSatisfy { !$0.ok } && !r.isEmpty, "\(bad) should fail")
        }
        let checked2 = try #require(wb.run("Author.count").first)
        #expect(checked2.value == .integer(1))
    }

    @Test func unknownWorkbenchCommandSuggestsTheNearest() throws {
        let d = try diagnostic(":pendng")
        #expect(d.message == "unknown command ':pendng'")
        #expect(d.hint == "did you mean ':pending'?")
    }
}
