import Report
import Testing
@testable import Workbench

// An insert reads labels through an `InsertPlan` made once per mapping. Its diagnostics must be
// those of reading the mapping directly, and a changed mapping must get a new plan.

private func diagnostic(_ script: String) throws -> DiagnosticRecord {
    let wb = try Workbench()
    let reports = wb.run(script)
    return try #require(reports.last?.diagnostics.first)
}

@Test func insertDiagnosticsNameTheLabel() throws {
    let entities = """
    entity Shelf { name: String }
    entity Author { name: String; books: [Book] }
    entity Book { title: String; author: Author; shelf: Shelf? }

    """
    var d = try diagnostic(entities + #"insert Book(title: "a", title: "b", author: nil)"#)
    #expect(d.message == "'title' is given twice")
    #expect((d.line, d.column) == (4, 25))
    d = try diagnostic(entities + #"insert Book(title: "a", shelf: nil, shelf: nil)"#)
    #expect(d.message == "'shelf' is given twice")
    #expect((d.line, d.column) == (4, 37))
    d = try diagnostic(entities + #"insert Book(titel: "a")"#)
    #expect(d.message == "unknown property 'titel' on Book")
    #expect(d.hint == "did you mean 'title'?")
    d = try diagnostic(entities + #"insert Book(title: "a", author: nil)"#)
    #expect(d.message == "Book.author is required")
    d = try diagnostic(entities + #"insert Author(name: "a", books: nil)"#)
    #expect(d.message == "books is a has-many association: its foreign key lives in Book")
    d = try diagnostic(entities + #"insert Book(title: 1, author: nil)"#)
    #expect(d.message.hasPrefix("type mismatch: 'title' is String"))
    d = try diagnostic(entities + #"insert Book(shelf: nil)"#)
    #expect(d.message == "missing values for 'title', 'author': required (NOT NULL, no default)")
}

@Test func aChangedMappingGetsANewInsertPlan() throws {
    let wb = try Workbench()
    for r in wb.run(#"""
    entity Author { name: String }
    insert Author(name: "a")
    save
    entity Author { name: String; born: Int = 0 }
    insert Author(name: "b", born: 1950)
    save
    """#) { expectOK(r) }
    let rows = wb.run("Author.all").last?.sql.last?.rows
    #expect(rows == 2)
    let d = try #require(wb.run(#"insert Author(name: "c", died: 2000)"#).last?.diagnostics.first)
    #expect(d.message == "unknown property 'died' on Author")
}
