import Report
import Testing
@testable import Workbench

// Issue 3: relationships. DDL of each association kind, navigation SQL, writes through
// associations, and errors in ORM terms.

@Suite struct AssociationWriteTests {
    func data() throws -> Workbench {
        let wb = try Workbench()
        for r in wb.run(everyKindData) { expectOK(r) }
        return wb
    }

    @Test func insertWithAReferenceAndAssigningAToOne() throws {
        let wb = try data()
        // Load what the writes refer to first, so no lookup autoflushes the pending changes.
        _ = wb.run("""
        insert Author(name: "Butler")
        save
        Author#2
        Book#1
        """)
        let insert = try #require(wb.run(#"insert Book(title: "Kindred", year: 1979, author: Author#2)"#).first)
        expectOK(insert)
        let assign = try #require(wb.run("Book#1.author = Author#2").first)
        expectOK(assign)
        #expect(assign.objects[0].state == .dirty)
        let save = try #require(wb.run("save").first)
        #expect(dataSQL(save) == [
            #"INSERT INTO "book" ("title", "year", "author_id") VALUES (?, ?, ?)"#,
            #"UPDATE "book" SET "author_id" = ? WHERE "id" = ?"#,
        ])
    }

    @Test func addAndRemoveOnManyToManyWriteTheJoinTable() throws {
        let wb = try data()
        _ = wb.run("""
        insert Tag(name: "new")
        save
        Book#1
        Book#2
        Tag#1
        Tag#2
        """)
        let reports = wb.run("""
        Book#2.tags.add(Tag#2)
        Book#1.tags.remove(Tag#1)
        save
        """)
        for r in reports { expectOK(r) }
        #expect(dataSQL(reports[2]) == [
            #"INSERT INTO "book_tag" ("book_id", "tag_id") VALUES (?, ?)"#,
            #"DELETE FROM "book_tag" WHERE "book_id" = ? AND "tag_id" = ?"#,
        ])
        #expect(reports[2].sql.first { $0.sql.hasPrefix("INSERT") }?.params == [.integer(2), .integer(2)])
    }

    @Test func addOnHasManySetsTheForeignKey() throws {
        let wb = try data()
        _ = wb.run(#"insert Author(name: "Butler")"#)
        let add = try #require(wb.run("Author#2.books.add(Book#1)").first)
        expectOK(add)
        let save = try #require(wb.run("save").first)
        #expect(dataSQL(save) == [#"UPDATE "book" SET "author_id" = ? WHERE "id" = ?"#])
        let remove = try #require(wb.run("Author#2.books.remove(Book#1)").first)
        #expect(!remove.ok)
        #expect(remove.diagnostics[0].message == "cannot remove Book#1 from Author#2.books: Book.author is required")
    }

    @Test func cascadeAndSetNullOnDelete() throws {
        let wb = try data()
        let reports = wb.run("""
        Author#1.books
        delete Author#1
        save
        Book.count
        Profile.count
        delete Employee#1
        save
        Employee#2.manager
        """)
        for r in reports { expectOK(r) }
        #expect(dataSQL(reports[2]) == [#"DELETE FROM "author" WHERE "id" = ?"#])
        #expect(reports[2].notes.map(\.message).contains("on delete cascade: SQLite also deleted Book#1, Book#2 whose book.author_id pointed at Author#1"))
        #expect(reports[2].notes.map(\.message).contains("on delete cascade: SQLite also deleted the Profile rows whose profile.author_id pointed at Author#1"))
        #expect(reports[3].value == .integer(0))
        #expect(reports[4].value == .integer(0))
        #expect(reports[6].notes.map(\.message).contains("on delete set null: SQLite set employee.manager_id to NULL in the Employee rows that pointed at Employee#1"))
        #expect(reports[7].objects.isEmpty)
    }

    @Test func deletesRunChildrenFirst() throws {
        let wb = try Workbench()
        let reports = wb.run("""
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        insert Author(name: "A")
        insert Book(title: "B", author: Author#1)
        save
        Author#1
        Book#1
        delete Author#1
        delete Book#1
        save
        """)
        let save = try #require(reports.last)
        expectOK(save)
        #expect(dataSQL(save) == [#"DELETE FROM "book" WHERE "id" = ?"#, #"DELETE FROM "author" WHERE "id" = ?"#])
    }

    @Test func referenceToAMissingObject() throws {
        let reports = try runScript("""
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        insert Book(title: "Orphan", author: Author#7)
        """)
        let d = try #require(reports.last?.diagnostics.first)
        #expect(d.message == "Author#7 does not exist")
        #expect((d.line, d.column) == (3, 38))
    }
}
