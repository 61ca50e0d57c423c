import Report
@testable import Runtime
import SQLiteKit
import Testing
@testable import Workbench

// The hot paths measured by ormlab-bench keep their behaviour: insert order of the unit of work,
// reports with `buildsReports` off, the statement cache's fast path.

@Suite struct InsertOrderTests {
    /// A workbench with an Author/Book model and autoflush off, and the column of Book.author.
    func model() throws -> (Workbench, Int) {
        let wb = try Workbench()
        for r in wb.run("entity Author { name: String; books: [Book] }\nentity Book { title: String; author: Author }\n:set autoflush off") {
            expectOK(r)
        }
        let fk = try #require(wb.session.info("Book")?.mapping.columnIndex(named: "author_id"))
        return (wb, fk)
    }

    @Test func parentsCreatedLaterGoFirstAndTheRestKeepTheirOrder() throws {
        let (wb, fk) = try model()
        let s = wb.session
        // Created in the order b1 (→ a2), a1, a2, b2 (→ a1).
        let b1 = try s.insert(entity: "Book", values: [1: .text("B1")], references: [:])
        let a1 = try s.insert(entity: "Author", values: [1: .text("A1")], references: [:])
        let a2 = try s.insert(entity: "Author", values: [1: .text("A2")], references: [:])
        _ = try s.insert(entity: "Book", values: [1: .text("B2")], references: [fk: a1])
        try s.assign(b1, association: try #require(s.info("Book")?.mapping.association(named: "author")), to: a2)
        let reasons = try s.pendingStatements().map(\.reason)
        #expect(reasons == ["Author (new #1) new", "Author (new #2) new", "Book (new #2) new", "Book (new #1) new"])
    }

    @Test func aLongChainIsOrderedParentFirst() throws {
        let (wb, fk) = try model()
        let s = wb.session
        // Each book's author is created after it; the authors refer to nothing.
        var books: [ManagedObject] = []
        for n in 1...2_000 { books.append(try s.insert(entity: "Book", values: [1: .text("B\(n)")], references: [:])) }
        var authors: [ManagedObject] = []
        for n in 1...2_000 { authors.append(try s.insert(entity: "Author", values: [1: .text("A\(n)")], references: [:])) }
        let author = try #require(s.info("Book")?.mapping.association(named: "author"))
        for (book, a) in zip(books, authors) { try s.assign(book, association: author, to: a) }
        _ = fk
        let reasons = try s.pendingStatements().map(\.reason)
        #expect(reasons.count == 4_000)
        #expect(reasons.prefix(2) == ["Author (new #1) new", "Author (new #2) new"])
        #expect(reasons[2_000] == "Book (new #1) new")
        #expect(reasons.last == "Book (new #2000) new")
        let save = try #require(wb.run("save").first)
        expectOK(save)
        let count = try #require(wb.run("Book.where(author.name == \"A2000\").count").first)
        #expect(count.value == .integer(1))
    }

    @Test func chainsThroughNewObjectsTakeOnePassPerLink() throws {
        let wb = try Workbench()
        for r in wb.run("entity Person { name: String; mentor: Person? }\n:set autoflush off") { expectOK(r) }
        let s = wb.session
        let mentor = try #require(s.info("Person")?.mapping.association(named: "mentor"))
        // p1 → p3 → p2: p2 first, then p3, then p1.
        let p1 = try s.insert(entity: "Person", values: [1: .text("P1")], references: [:])
        let p2 = try s.insert(entity: "Person", values: [1: .text("P2")], references: [:])
        let p3 = try s.insert(entity: "Person", values: [1: .text("P3")], references: [:])
        try s.assign(p1, association: mentor, to: p3)
        try s.assign(p3, association: mentor, to: p2)
        #expect(try s.pendingStatements().map(\.reason) == ["Person (new #2) new", "Person (new #3) new", "Person (new #1) new"])
        // Closing the loop makes a cycle, which is explained.
        try s.assign(p2, association: mentor, to: p1)
        #expect(throws: ORMError("cannot order the inserts: these new objects refer to each other in a cycle: Person (new #1).mentor → Person (new #3); Person (new #2).mentor → Person (new #1); Person (new #3).mentor → Person (new #2)",
                                 hint: "save one of them first with the association set to nil, then assign it and save again")) {
            try s.pendingStatements()
        }
    }
}
