import Render
import Report
import Testing
@testable import Workbench

// Issue 16: a one-line "why" where a learner is surprised, written once per session; and what
// the runtime says about what happened (rollback, identity-map hits) names what really happened.

@Suite struct WhyNoteTests {
    @Test func assigningTheSameValueSaysWhyTheObjectStaysClean() throws {
        let wb = try library()
        let first = try last(wb, #"Author#1.name = "Le Guin""#)
        #expect(first.objects.map(\.state) == [.clean])
        #expect(messages(first) == [#"Author#1.name already was "Le Guin": the value did not change, so Author#1 stays clean and no UPDATE will run"#])
        // Once per session: the second time, no note.
        let second = try last(wb, #"Author#2.name = "Butler""#)
        #expect(second.objects.map(\.state) == [.clean])
        #expect(messages(second) == [])
        let save = try last(wb, "save")
        #expect(save.sql.isEmpty)
        #expect(messages(save) == ["nothing to save: the unit of work is empty"])
    }

    @Test func assigningTheSavedValueBackSaysTheObjectIsCleanAgain() throws {
        let wb = try library()
        #expect(try last(wb, #"Author#1.name = "U. K. Le Guin""#).objects.map(\.state) == [.dirty])
        let back = try last(wb, #"Author#1.name = "Le Guin""#)
        #expect(back.objects.map(\.state) == [.clean])
        #expect(messages(back) == [#"Author#1.name is back to its saved value "Le Guin": nothing differs from the row any more, so Author#1 is clean again and no UPDATE will run"#])
        // The same to-one target again: named as the learner wrote it.
        let sameAuthor = try last(wb, "Book#1.author = Author#1")
        #expect(messages(sameAuthor) == ["Book#1.author already was Author#1: the value did not change, so Book#1 stays clean and no UPDATE will run"])
    }

    @Test func theSavepointInsideSaveIsExplainedOnce() throws {
        // (Not the library: its setup saved inside an autoflushed transaction already.)
        let wb = try Workbench()
        _ = try last(wb, "entity Author { name: String }")
        _ = try last(wb, #"insert Author(name: "Delany")"#)
        _ = try last(wb, "Author.count")            // autoflush: opens the transaction
        _ = try last(wb, #"insert Author(name: "Russ")"#)
        let save = try last(wb, "save")
        #expect(sqlTexts(save) == ["SAVEPOINT flush", #"INSERT INTO "author" ("name") VALUES (?)"#, "RELEASE flush", "COMMIT"])
        #expect(messages(save) == [
            "SAVEPOINT flush: a transaction was already open (an autoflush opened it; `save` commits it), so the unit of work wraps its writes in a savepoint: if one fails, ROLLBACK TO flush undoes just those writes and the unit of work is left as it was; RELEASE flush keeps them",
            "saved in one transaction: 1 inserted",
        ])
        // Inside begin … commit, the second savepoint of the session gets no second note.
        _ = try last(wb, "begin")
        _ = try last(wb, #"Author#1.name = "Ursula""#)
        let inner = try last(wb, "save")
        #expect(sqlTexts(inner) == ["SAVEPOINT flush", #"UPDATE "author" SET "name" = ? WHERE "id" = ?"#, "RELEASE flush"])
        #expect(messages(inner) == ["inside begin … commit, save flushes the changes; commit makes them permanent"])
    }

    @Test func anInsertExpiresTheLoadedOtherSideAndSaysWhy() throws {
        let wb = try library()
        #expect(try last(wb, "Author#1.books").objects.map(\.ref) == ["Book#1", "Book#2"])
        let insert = try last(wb, #"insert Book(title: "Lavinia", year: 2008, author: Author#1)"#)
        #expect(messages(insert).first == "Author#1.books was loaded, so it is expired (⟨not loaded⟩), not edited in memory: touching it reloads it from the database, after autoflush writes Book (new #5)")
        // Touching it again shows the new book: autoflush, then the reload.
        let again = try last(wb, "Author#1.books")
        #expect(dataSQL(again) == [#"INSERT INTO "book" ("title", "year", "author_id") VALUES (?, ?, ?)"#,
                                   #"SELECT "book".* FROM "book" WHERE "book"."author_id" = ?"#])
        #expect(again.objects.map(\.ref) == ["Book#1", "Book#2", "Book#5"])
    }

    @Test func withAutoflushOffTheNoteSaysTheReloadMissesTheNewObject() throws {
        let wb = try library()
        _ = try last(wb, ":set autoflush off")
        _ = try last(wb, "Author#1.books")
        let insert = try last(wb, #"insert Book(title: "Lavinia", year: 2008, author: Author#1)"#)
        #expect(messages(insert).first == "Author#1.books was loaded, so it is expired (⟨not loaded⟩), not edited in memory: touching it reloads it from the database, which does not have Book (new #5) before `save` (autoflush is off)")
        #expect(try last(wb, "Author#1.books").objects.map(\.ref) == ["Book#1", "Book#2"])
    }

    @Test func assigningAToOneExpiresBothLoadedSidesOnce() throws {
        let wb = try library()
        _ = try last(wb, "Author#1.books")
        _ = try last(wb, "Author#2.books")
        let move = try last(wb, "Book#1.author = Author#2")
        #expect(messages(move) == ["Author#1.books, Author#2.books were loaded, so they are expired (⟨not loaded⟩), not edited in memory: touching one reloads it from the database, after autoflush writes the change of Book#1.author"])
        #expect(try last(wb, "Author#2.books").objects.map(\.ref) == ["Book#1", "Book#3"])
        _ = try last(wb, "Author#1.books")
        #expect(messages(try last(wb, "Book#2.author = Author#2")) == [])   // explained already
    }

    @Test func theSameTargetAgainExpiresNothing() throws {
        let wb = try library()
        _ = try last(wb, "Author#1.books")
        let same = try last(wb, "Book#1.author = Author#1")
        #expect(messages(same) == ["Book#1.author already was Author#1: the value did not change, so Book#1 stays clean and no UPDATE will run"])
        let books = try last(wb, "Author#1.books")
        #expect(books.sql.isEmpty)                                    // still loaded
        #expect(messages(books) == ["Author#1.books was already loaded: no query ran"])
    }

    @Test func aNewTargetIsNeverCalledTheSameValue() throws {
        let wb = try Workbench()
        for r in wb.run("entity Author { name: String; books: [Book] }\nentity Book { title: String; author: Author? }\ninsert Book(title: \"Dhalgren\")\nsave") { expectOK(r) }
        _ = try last(wb, #"let delany = insert Author(name: "Delany")"#)
        let assign = try last(wb, "Book#1.author = delany")
        #expect(assign.objects.map(\.state) == [.dirty])
        #expect(!messages(assign).contains { $0.contains("already was") })
    }

    @Test func schemaStatementsShowNoFullScanCounter() throws {
        let wb = try library()
        let redefine = try last(wb, "entity Book { title: String; year: Int index; author: Author; tags: [Tag]; pages: Int? }")
        #expect(sqlTexts(redefine) == [#"ALTER TABLE "book" ADD COLUMN "pages" INTEGER"#, #"CREATE INDEX "book_year" ON "book"("year")"#])
        // SQLite counts its walk over sqlite_schema for the ALTER TABLE (JSON keeps the counter) …
        #expect((redefine.sql[0].counters?.fullScanSteps ?? 0) > 0)
        let rendered = TerminalRenderer.render(redefine, options: RenderOptions(width: 100))
        let lines = rendered.split(separator: "\n").map(String.init)
        let alter = try #require(lines.firstIndex { $0.contains("ALTER TABLE") })
        let index = try #require(lines.firstIndex { $0.contains("CREATE INDEX") })
        // … but the pane shows none under it; the index build's sort stays.
        #expect(!lines[alter..<index].contains { $0.contains("full scan") })
        #expect(lines[index...].contains { $0.contains("sort 1") })
        #expect(JSONRenderer.render(redefine).contains(#""full_scan_steps":"#))
    }
}
