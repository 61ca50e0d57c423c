import Foundation
import Render
import Report
import Testing
@testable import Workbench

// Issue 16, item 8: the panes never teach something false (the N+1 fix of a nested loop,
// failed statements in the SQL pane, :save's file types). :explain's cases are in QueryPlanTests.

@Suite struct PaneTruthTests {
    @Test func aNestedNPlusOneGetsTheFullIncludePath() throws {
        let wb = try library()
        let report = try #require(wb.run("for a in Author.all { for b in a.books { b.tags.count } }").first)
        expectOK(report)
        let tags = #"SELECT "book_tag"."book_id", "tag".* FROM "tag" JOIN "book_tag" ON "book_tag"."tag_id" = "tag"."id" WHERE "book_tag"."book_id" = ?"#
        #expect(report.notes.filter { $0.kind == .nPlusOne }.map(\.message) == [
            #"N+1 queries: the same SELECT ran 3 times in this command, once per object (cause: a.books): SELECT "book".* FROM "book" WHERE "book"."author_id" = ?. Fix: include(books.tags) in the loop's query (Author.all.include(books.tags)), or :set lazy batch, loads each level with one more query."#,
            "N+1 queries: the same SELECT ran 4 times in this command, once per object (cause: b.tags): \(tags). Fix: include(books.tags) in the loop's query (Author.all.include(books.tags)), or :set lazy batch, loads each level with one more query.",
        ])
        #expect(PlainRenderer.render(report).contains("warning: N+1 queries: the same SELECT ran 4 times in this command, once per object (cause: b.tags): \(tags). Fix: include(books.tags) in the loop's query (Author.all.include(books.tags))"))
        // The advice, followed, leaves no N+1: one query per level.
        _ = wb.run(":forget")
        let fixed = try #require(wb.run("for a in Author.all.include(books.tags) { for b in a.books { b.tags.count } }").first)
        expectOK(fixed)
        #expect(fixed.sql.count == 3)
        #expect(!fixed.notes.contains { $0.kind == .nPlusOne })
    }

    @Test func aSingleLevelNPlusOneKeepsItsInclude() throws {
        let report = try #require(try library().run("for b in Book.all { b.tags.count }").first)
        #expect(report.notes.first { $0.kind == .nPlusOne }?.message.hasSuffix("Fix: include(tags) in the query, or :set lazy batch loads them all in one more query.") == true)
    }

    @Test func compareAndLogFoldLongINListsInTextOnly() throws {
        let wb = try Workbench()
        for r in wb.run(libraryModel + "\n:seed Author 12\n:seed Book 30\n:forget") { expectOK(r) }
        let compare = try #require(wb.run(":compare Author.all.include(books)").first)
        expectOK(compare)
        let inList = try #require(compare.sql.first { $0.sql.contains(" IN (") })
        #expect(inList.params.count == 12)                  // the report (and its JSON) keeps them all
        let text = PlainRenderer.render(compare)
        #expect(text.contains(#"SELECT "book".* FROM "book" WHERE "book"."author_id" IN (?, ?, … 12 values)  -- ? = 1, 2, … 12 values"#))
        #expect(!text.contains("IN (?, ?, ?"))
        let log = try #require(wb.run(":log").first)
        let logText = PlainRenderer.render(log)
        #expect(logText.contains(#"WHERE "book"."author_id" IN (?, ?, … 12 values)  -- 1, 2, … 12 values"#))
        #expect(!logText.contains("IN (?, ?, ?"))
    }

    // SPEC §16: `:save` writes what the extension promises (.orm script, .html page, .json
    // lines) and refuses every other extension, a missing folder and a folder, writing nothing.
    @Test func saveRefusesFilesItCannotWrite() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ormlab-save-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let wb = try Workbench()
        _ = wb.run("entity Author { name: String }")
        let d = directory.path
        let reports = wb.run(":save \(d)/s.txt\n:save \(d)/s.md\n:save \(d)/notes\n:save \(d)/missing/s.orm\n:save \(d)\n:save \(d)/s.ORM", sourceName: "<test>")
        #expect(reports.map(\.ok) == [false, false, false, false, false, true])
        let first = try #require(reports[0].diagnostics.first)
        #expect(first.message == ":save writes the session as an .orm script, an .html page or .json lines, not a .txt file; nothing was written")
        #expect(first.hint == "for example :save s.orm or :save s.html (:export swift writes Swift code)")
        #expect((first.line, first.column) == (1, 7))
        #expect(reports[1].diagnostics.first?.message == ":save writes the session as an .orm script, an .html page or .json lines, not a .md file; nothing was written")
        #expect(reports[2].diagnostics.first?.message == ":save writes the session as an .orm script, an .html page or .json lines, not a file without an extension; nothing was written")
        #expect(reports[3].diagnostics.first?.message == "cannot save to \(d)/missing/s.orm: the folder \(d)/missing does not exist; nothing was written")
        #expect(reports[3].diagnostics.first?.hint == "create the folder first, or save in the current one: :save s.orm")
        #expect(reports[4].diagnostics.first?.message.hasPrefix(":save writes the session as an .orm script") == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: d) == ["s.ORM"])
        #expect(PlainRenderer.render(reports[0]).contains("error: :save writes the session as an .orm script, an .html page or .json lines, not a .txt file; nothing was written\n --> <test>:1:7"))
    }

    @Test func aConstraintViolationShowsItsFailingStatement() throws {
        let wb = try Workbench()
        let reports = wb.run("""
            entity Author { name: String; email: String unique; books: [Book] }
            entity Book { title: String; author: Author }
            insert Author(name: "Ann", email: "a@x")
            save
            insert Author(name: "Bea", email: "a@x")
            save
            :pending
            """, sourceName: "<test>")
        let save = reports[5]
        #expect(!save.ok)
        #expect(sqlTexts(save) == ["BEGIN", #"INSERT INTO "author" ("name", "email") VALUES (?, ?)"#, "ROLLBACK",
                                   #"SELECT "id" FROM "author" WHERE "email" = ? LIMIT ?"#])
        #expect(save.sql[3].cause == #"which row holds email "a@x""#)
        let failed = save.sql[1]
        #expect(failed.params == [.text("Bea"), .text("a@x")])
        #expect(failed.cause == "save: Author (new #2) new")
        #expect(failed.error == #"cannot save Author (new #2): email "a@x" is already taken (author.email is unique; Author#1 holds it); SQLite: UNIQUE constraint failed: author.email"#)
        #expect(save.sql[0].error == nil && save.sql[2].error == nil)
        #expect(PlainRenderer.render(save).hasPrefix(#"""
            -- sql --
            ① BEGIN
              0 rows · 0.00 ms
              ↳ save
            ② INSERT INTO "author" ("name", "email") VALUES (?, ?)  -- ? = "Bea", "a@x"
              0 rows · 0.00 ms
              ↳ save: Author (new #2) new
              ✗ failed: cannot save Author (new #2): email "a@x" is already taken (author.email is unique; Author#1 holds it); SQLite: UNIQUE constraint failed: author.email
            ③ ROLLBACK
            """#))
        #expect(JSONRenderer.render(save).contains(#""cause":"save: Author (new #2) new","error":"cannot save Author (new #2): email \"a@x\" is already taken (author.email is unique; Author#1 holds it); SQLite: UNIQUE constraint failed: author.email"}"#))
        // The unit of work is as before the failed save: the new Author still pending, no row written.
        #expect(reports[6].objects.map(\.ref) == ["Author (new #2)"])
        #expect(wb.session.hasPendingWorkOrTransaction)
        var rows: Int64 = -1
        try wb.session.db.query("SELECT COUNT(*) FROM author") { rows = $0.int64(0) }
        #expect(rows == 1)
    }

    @Test func aRefusedDeleteShowsItsFailingStatement() throws {
        let wb = try Workbench()
        let reports = wb.run("""
            entity Author { name: String; books: [Book] }
            entity Book { title: String; author: Author }
            insert Author(name: "Ann")
            insert Book(title: "B", author: Author#1)
            save
            delete Author#1
            save
            """, sourceName: "<test>")
        let save = try #require(reports.last)
        #expect(!save.ok)
        let failed = try #require(save.sql.first { $0.error != nil })
        #expect(failed.sql == #"DELETE FROM "author" WHERE "id" = ?"#)
        #expect(failed.error?.hasPrefix("cannot delete Author#1: other rows still refer to it (Book.author; foreign key without an ON DELETE rule); SQLite: FOREIGN KEY constraint failed") == true)
    }
}
