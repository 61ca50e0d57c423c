import Foundation
import Report
import SQLiteKit
import Testing
@testable import Workbench

// Raw SQL that changes the schema behind the mapping's back is detected (by SQLite's schema
// version, whatever the spelling) and explained; statements then stop with a diagnostic in ORM
// terms instead of hydrating wrong values or failing with SQLite's words.

@Suite("Schema drift", .timeLimit(.minutes(1)))
struct SchemaDriftTests {
    @Test("each kind of change behind the mapping's back is named, with the repair", arguments: [
        (":sql ALTER TABLE author DROP COLUMN born",
         "the table author no longer matches the mapping of Author (missing born)"),
        (":sql alter table author add column extra text",
         "the table author no longer matches the mapping of Author (unmapped extra)"),
        (":sql ALTER TABLE author RENAME COLUMN name TO full_name",
         "the table author no longer matches the mapping of Author (missing name; unmapped full_name)"),
        (":sql ALTER TABLE author RENAME TO writer",
         "the table author of Author is gone"),
        (":sql DROP TABLE book",
         "the table book of Book is gone"),
    ])
    func driftIsNamed(_ change: String, _ description: String) throws {
        let wb = try libraryWorkbench()
        let reports = wb.run(change)
        expectOK(reports[0])
        let note = try #require(reports[0].notes.first?.message)
        #expect(note.hasPrefix("warning: \(description): the SQL changed the schema behind the ORM's back"), "\(note)")
        #expect(note.contains("To fix:"))
    }

    @Test("columns in another order are named as such")
    func reorderedColumns() throws {
        let wb = try libraryWorkbench()
        let reports = wb.run("""
            :sql CREATE TABLE tag2 ("name" TEXT NOT NULL UNIQUE, "id" INTEGER PRIMARY KEY)
            :sql DROP TABLE tag
            :sql ALTER TABLE tag2 RENAME TO tag
            """)
        let note = try #require(reports[2].notes.first?.message)
        #expect(note.hasPrefix("warning: the table tag no longer matches the mapping of Tag (its columns are in another order): "), "\(note)")
    }

    @Test("after a dropped column, queries, inserts and saves stop with a diagnostic, and no wrong values appear")
    func statementsStop() throws {
        let wb = try libraryWorkbench()
        let reports = wb.run("""
            :sql ALTER TABLE author DROP COLUMN born
            :forget
            Author.all
            Author.where(born > 1).count
            insert Author(name: "B", born: 1)
            Book.where(author.name == "Ursula").count
            :schema
            :mapping Author
            """)
        for report in reports[2...5] {
            #expect(report.ok == false)
            #expect(report.sql.isEmpty, "\(report.input): \(report.sql.map(\.sql))")
            #expect(report.objects.isEmpty)
        }
        #expect(messages(reports[2]) == ["the table author no longer matches the mapping of Author (missing born): it was changed behind the ORM's back (with :sql or another tool)"])
        #expect(reports[2].diagnostics.first?.hint == "reading rows by this mapping would show wrong values, so statements stop until the table and the mapping agree; define Author again (as it is, or as the table now is) and the table is rebuilt to match, keeping the rows; or make the table match the mapping again with :sql ALTER TABLE author …: add or rename back born (:schema shows the CREATE TABLE the mapping expects)")
        // Workbench commands that only look still work.
        expectOK(reports[6])
        expectOK(reports[7])
    }

    @Test("undoing the change with :sql lets statements run again")
    func repair() throws {
        let wb = try libraryWorkbench()
        let reports = wb.run("""
            :sql ALTER TABLE author RENAME COLUMN born TO birth_year
            Author.count
            :sql ALTER TABLE author RENAME COLUMN birth_year TO born
            Author.where(born == 1929).count
            :sql DROP TABLE tag
            Tag.count
            :sql CREATE TABLE "tag" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL UNIQUE)
            Tag.count
            """)
        #expect(reports[1].ok == false)
        #expect(reports[2].notes.isEmpty)
        #expect(reports[3].value == .integer(1))
        #expect(reports[5].ok == false)
        #expect(reports[5].diagnostics.first?.hint?.hasSuffix(#":sql CREATE TABLE "tag" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL UNIQUE)"#) == true)
        #expect(reports[7].value == .integer(0))
    }

    @Test("defining the entity again rebuilds a changed table from the columns it has, keeping its rows")
    func repairByDefiningAgain() throws {
        let wb = try libraryWorkbench()
        let reports = wb.run("""
            Author#1
            :sql ALTER TABLE author DROP COLUMN born
            entity Author { name: String; born: Int?; rating: Double = 0; books: [Book] }
            Author#1
            Book.where(author.name == "Ursula").count
            """)
        expectAllOK(reports)
        #expect(reports[2].sql.map(\.sql) == [
            "PRAGMA foreign_keys = OFF",
            "BEGIN",
            #"CREATE TABLE "new_author" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "born" INTEGER, "rating" REAL NOT NULL DEFAULT 0)"#,
            #"INSERT INTO "new_author" ("id", "name", "rating") SELECT "id", "name", "rating" FROM "author""#,
            #"DROP TABLE "author""#,
            #"ALTER TABLE "new_author" RENAME TO "author""#,
            #"PRAGMA foreign_key_check("author")"#,
            "COMMIT",
            "PRAGMA foreign_keys = ON",
        ])
        #expect(reports[2].notes.map(\.message).contains("the table author no longer matched its mapping, so it is rebuilt from the columns it has: id, name, rating are copied"))
        // The object loaded before is not served from the identity map: its born is gone from the table.
        #expect(reports[3].sql.count == 1)
        #expect(value(try #require(reports[3].objects.first), "born") == .null)
        #expect(value(try #require(reports[3].objects.first), "name") == .text("Ursula"))
        #expect(reports[4].value == .integer(1))
    }

    @Test("defining the entity as the table now is needs no SQL; a dropped table is created again")
    func repairByFollowingTheTable() throws {
        let wb = try libraryWorkbench()
        let reports = wb.run("""
            :sql ALTER TABLE tag ADD COLUMN color TEXT
            entity Tag { name: String unique; books: [Book]; color: String? }
            Tag.where(color == nil).count
            :sql DROP TABLE tag
            entity Tag { name: String unique; books: [Book]; color: String? }
            Tag.count
            """)
        expectAllOK(reports)
        #expect(reports[1].sql.isEmpty)
        #expect(reports[1].notes.map(\.message).contains("the table tag already has the columns of the new definition: the mapping follows it, no SQL needed"))
        #expect(reports[2].value == .integer(1))
        #expect(reports[4].sql.map(\.sql).first == #"CREATE TABLE "tag" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL UNIQUE, "color" TEXT)"#)
        #expect(reports[5].value == .integer(0))
    }

    @Test("the entity the command names is reported first")
    func namedEntityFirst() throws {
        let wb = try libraryWorkbench()
        _ = wb.run(":sql ALTER TABLE author ADD COLUMN extra TEXT\n:sql DROP TABLE tag")
        let report = wb.run("Tag.count")[0]
        #expect(messages(report) == ["the table tag of Tag is gone: it was changed behind the ORM's back (with :sql or another tool)"])
        #expect(report.diagnostics.first?.hint?.hasSuffix(" (Author changed too)") == true)
    }

    @Test("rollback after a :sql change inside begin … rollback restores the schema and the session goes on")
    func rollbackUndoesDrift() throws {
        let wb = try libraryWorkbench()
        let reports = wb.run("""
            begin
            :sql ALTER TABLE author DROP COLUMN born
            Author.count
            rollback
            Author.where(born == 1929).count
            """)
        #expect(reports[2].ok == false)
        expectOK(reports[3])
        #expect(reports[4].value == .integer(1))
    }

    @Test("a file changed by another tool between sessions is detected when it is reopened")
    func driftBetweenSessions() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let db = directory.appendingPathComponent("d.db").path
        do {
            let wb = try Workbench(databasePath: db)
            expectAllOK(wb.run(librarySchema))
        }
        do {
            let other = try Connection(path: db)
            try other.execute("ALTER TABLE book ADD COLUMN isbn TEXT")
        }
        let wb = try Workbench(databasePath: db)
        let report = wb.run("Book.all")[0]
        #expect(messages(report) == ["the table book no longer matches the mapping of Book (unmapped isbn): it was changed behind the ORM's back (with :sql or another tool)"])
    }

    @Test("a change by another program during a session stops the next command that runs SQL, and what follows")
    func driftDuringASession() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let db = directory.appendingPathComponent("d.db").path
        let wb = try Workbench(databasePath: db)
        expectAllOK(wb.run(librarySchema))
        let other = try Connection(path: db)
        try other.execute("ALTER TABLE book ADD COLUMN isbn TEXT")
        let reports = wb.run("""
            insert Book(title: "Left Hand", year: 1969, author: Author#1)
            insert Tag(name: "classic")
            Tag.count
            save
            """)
        // The first insert looks up Author#1 (it runs SQL), so it sees the change and stops.
        #expect(messages(reports[0]) == ["the table book no longer matches the mapping of Book (unmapped isbn): it was changed behind the ORM's back (with :sql or another tool)"])
        // An insert of literals runs no SQL and checks what is known, which now includes the change.
        #expect(!reports[1].ok)
        #expect(!reports[2].ok)
        #expect(!reports[3].ok, "save runs SQL: it stops too, and nothing is written")
        #expect(try scalar("SELECT COUNT(*) FROM tag", in: db) == 1)
    }

    @Test(":sql explains that it runs one statement at a time; a schema change in any spelling is seen")
    func rawSQLForms() throws {
        let wb = try libraryWorkbench()
        let reports = wb.run("""
            :sql BEGIN; DROP TABLE book; COMMIT
            :sql CREATE INDEX "author_born" ON "author"("born")
            Author.where(born > 1).count
            :sql   drop   table "book"
            Author.where(born > 1).count
            """)
        #expect(messages(reports[0]) == [":sql runs one statement at a time"])
        // An index changes the schema version but not the mapping: nothing to warn about.
        expectOK(reports[1])
        #expect(reports[1].notes.isEmpty)
        #expect(reports[2].value == .integer(1))
        #expect(reports[3].notes.map(\.message).first?.hasPrefix("warning: the table book of Book is gone") == true)
        // Every statement stops while any table drifted: navigation could reach it from anywhere.
        #expect(messages(reports[4]) == ["the table book of Book is gone: it was changed behind the ORM's back (with :sql or another tool)"])
    }
}
