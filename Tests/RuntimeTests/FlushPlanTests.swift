import DatabaseKit
import DSL
import Mapping
@testable import Runtime
import Testing

// The unit of work's plan, through `Session` directly: the order a flush writes in (inserts
// parents first, then updates, link changes, deletes children first), and `:pending`'s
// statements being the very ones the flush then runs.

let libraryModel = """
entity Author { name: String unique; books: [Book] }
entity Book { title: String; author: Author; tags: [Tag] }
entity Tag { name: String; books: [Book] }
"""

/// A session on a new in-memory database with the entities of `source` defined, autoflush off
/// (so reading never writes the pending changes behind the test's back).
func makeSession(_ source: String) throws -> Session {
    let session = try Session.open(path: ":memory:")
    for command in Parser.parse(SourceFile(text: source)).commands {
        guard case .entity(let decl) = command else { continue }
        let change = session.define(decl, source: source)
        let errors = change.diagnostics.filter { $0.severity == .error }.map(\.message)
        #expect(errors.isEmpty, "defining \(decl.name.name): \(errors)")
    }
    session.autoflush = false
    return session
}

/// The library model with two authors, three books and two tags saved, Book#1 tagged Tag#2;
/// and handles on what a test changes next.
struct Library {
    let session: Session
    let author1: ManagedObject, author2: ManagedObject
    let book1: ManagedObject, book2: ManagedObject, book3: ManagedObject
    let tag1: ManagedObject, tag2: ManagedObject

    init() throws {
        let s = try makeSession(libraryModel)
        session = s
        author1 = try s.insert(entity: "Author", values: [1: .text("Ann")], references: [:])
        author2 = try s.insert(entity: "Author", values: [1: .text("Bob")], references: [:])
        let fk = try Library.column("author_id", of: "Book", in: s)
        book1 = try s.insert(entity: "Book", values: [1: .text("One")], references: [fk: author1])
        book2 = try s.insert(entity: "Book", values: [1: .text("Two")], references: [fk: author1])
        book3 = try s.insert(entity: "Book", values: [1: .text("Three")], references: [fk: author2])
        tag1 = try s.insert(entity: "Tag", values: [1: .text("red")], references: [:])
        tag2 = try s.insert(entity: "Tag", values: [1: .text("blue")], references: [:])
        s.link(book1, try association("tags", of: "Book"), tag2, add: true)
        _ = try s.save()
    }

    static func column(_ name: String, of entity: String, in session: Session) throws -> Int {
        try #require(session.info(entity)?.mapping.columnIndex(named: name))
    }

    func association(_ name: String, of entity: String) throws -> Association {
        try #require(session.info(entity)?.mapping.association(named: name))
    }

    /// Pending: a new book created before its new author, a renamed author, a link added from a
    /// saved book and one from the new book, a link removed, and an author deleted after its book
    /// was (the DELETEs run children first anyway).
    func changeEverything() throws {
        let s = session
        let book = try s.insert(entity: "Book", values: [1: .text("Four")], references: [:])
        let author = try s.insert(entity: "Author", values: [1: .text("Cy")], references: [:])
        try s.assign(book, association: try association("author", of: "Book"), to: author)
        s.assign(author1, column: try Library.column("name", of: "Author", in: s), value: .text("Ann B."))
        let tags = try association("tags", of: "Book")
        s.link(book1, tags, tag1, add: true)
        s.link(book, tags, tag2, add: true)
        s.link(book1, tags, tag2, add: false)
        try s.delete(author2)
        try s.delete(book3)
    }
}

@Suite struct FlushPlanOrderTests {
    @Test func insertsRunParentsFirstThenUpdatesLinkChangesAndDeletesChildrenFirst() throws {
        let library = try Library()
        try library.changeEverything()
        #expect(try library.session.pendingStatements().map(\.reason) == [
            "Author (new #3) new",
            "Book (new #4) new",
            "Author#1 dirty (name)",
            "Book#1.tags.add(Tag#1)",
            "Book (new #4).tags.add(Tag#2)",
            "Book#1.tags.remove(Tag#2)",
            "Book#3 deleted",
            "Author#2 deleted",
        ])
    }

    @Test func eachStatementIsRenderedByTheSessionsDialect() throws {
        let library = try Library()
        try library.changeEverything()
        let pending = try library.session.pendingStatements()
        #expect(pending.map(\.sql) == [
            #"INSERT INTO "author" ("name") VALUES (?)"#,
            #"INSERT INTO "book" ("title", "author_id") VALUES (?, ?)"#,
            #"UPDATE "author" SET "name" = ? WHERE "id" = ?"#,
            #"INSERT INTO "book_tag" ("book_id", "tag_id") VALUES (?, ?)"#,
            #"INSERT INTO "book_tag" ("book_id", "tag_id") VALUES (?, ?)"#,
            #"DELETE FROM "book_tag" WHERE "book_id" = ? AND "tag_id" = ?"#,
            #"DELETE FROM "book" WHERE "id" = ?"#,
            #"DELETE FROM "author" WHERE "id" = ?"#,
        ])
        // An id still to come is named by its object.
        #expect(pending.map(\.params) == [
            [#""Cy""#], [#""Four""#, "⟨id of Author (new #3)⟩"], [#""Ann B.""#, "1"],
            ["1", "1"], ["⟨id of Book (new #4)⟩", "2"], ["1", "2"], ["3"], ["2"],
        ])
    }

    @Test func pendingShowsTheStatementsTheFlushRuns() throws {
        let library = try Library()
        try library.changeEverything()
        let s = library.session
        let pending = try s.pendingStatements()
        s.beginCommand("save")
        let result = try s.save()
        let ran = Array(s.log.current)
        // BEGIN, the planned writes in the planned order, COMMIT.
        #expect(ran.first?.sql == "BEGIN")
        #expect(ran.last?.sql == "COMMIT")
        let writes = Array(ran.dropFirst().dropLast())
        #expect(writes.map(\.sql) == pending.map(\.sql))
        #expect(writes.map(\.cause) == pending.map { "save: " + $0.reason })
        // The values as planned; an id still to come is the one its INSERT got.
        for (statement, planned) in zip(writes, pending) {
            let bound = statement.params.map(\.display)
            for (value, plannedValue) in zip(bound, planned.params) where !plannedValue.hasPrefix("⟨id of") {
                #expect(value == plannedValue, "\(planned.reason)")
            }
        }
        #expect(writes[1].params.map(\.display) == [#""Four""#, "3"])
        #expect(writes[4].params.map(\.display) == ["4", "2"])
        #expect(result.inserted.map(\.ref) == ["Author#3", "Book#4"])
        #expect(result.updated.map(\.ref) == ["Author#1"])
        #expect(result.deleted.map(\.ref) == ["Book#3", "Author#2"])
        #expect(result.links == 3)
        #expect(try s.pendingStatements().isEmpty)
    }

    @Test func aFailedInsertIsExplainedAndTheUnitOfWorkKept() throws {
        let library = try Library()
        let s = library.session
        _ = try s.insert(entity: "Author", values: [1: .text("Ann")], references: [:])
        let before = try s.pendingStatements().map(\.reason)
        s.beginCommand("save")
        #expect(throws: ORMError("cannot save Author (new #3): name \"Ann\" is already taken (author.name is unique; Author#1 holds it)",
                                 hint: "use another value, or change the existing object; nothing was saved")) {
            try s.save()
        }
        // (After the rollback, one lookup names the row that holds the value.)
        #expect(s.log.current.map(\.sql) == ["BEGIN", #"INSERT INTO "author" ("name") VALUES (?)"#, "ROLLBACK",
                                              #"SELECT "id" FROM "author" WHERE "name" = ? LIMIT ?"#])
        #expect(try s.pendingStatements().map(\.reason) == before)
    }

    @Test func linkingAPairTwiceIsExplainedAsTheLinkThatFailed() throws {
        let library = try Library()
        let s = library.session
        // Book#1 is tagged Tag#2 already: the same pair again breaks the join table's key.
        s.link(library.book1, try library.association("tags", of: "Book"), library.tag2, add: true)
        s.beginCommand("save")
        #expect(throws: ORMError("cannot save Book#1.tags.add(Tag#2): the pair is linked already (book_tag has that row)",
                                 hint: "drop the add (`rollback` discards the pending changes); nothing was saved")) {
            try s.save()
        }
    }

    @Test func aCycleOfNewObjectsCannotBePlanned() throws {
        let s = try makeSession("entity Person { name: String; mentor: Person? }")
        let mentor = try #require(s.info("Person")?.mapping.association(named: "mentor"))
        let p1 = try s.insert(entity: "Person", values: [1: .text("P1")], references: [:])
        let p2 = try s.insert(entity: "Person", values: [1: .text("P2")], references: [:])
        try s.assign(p1, association: mentor, to: p2)
        try s.assign(p2, association: mentor, to: p1)
        let error = ORMError("cannot order the inserts: these new objects refer to each other in a cycle: Person (new #1).mentor → Person (new #2); Person (new #2).mentor → Person (new #1)",
                             hint: "save one of them first with the association set to nil, then assign it and save again")
        #expect(throws: error) { try s.pendingStatements() }
        s.beginCommand("save")
        #expect(throws: error) { try s.save() }
        #expect(s.log.current.isEmpty)   // planned before anything ran
    }
}
