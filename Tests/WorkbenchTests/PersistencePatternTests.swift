import Foundation
import Render
import Report
import Testing
@testable import Workbench

// Issue 19: Active Record beside Data Mapper. The same changes under each pattern, with the exact
// SQL and statement counts the learner sees; per-object save/destroy/reload/changes; no identity
// map under Active Record; `:compare pattern`.

@Suite struct PersistencePatternTests {
    /// `libraryData` (saved, forgotten) under Active Record.
    func activeRecordLibrary() throws -> Workbench {
        let wb = try library()
        expectOK(try last(wb, ":set pattern active-record"))
        return wb
    }

    @Test func insertUnderActiveRecordWritesAtOnceInItsOwnTransaction() throws {
        let wb = try activeRecordLibrary()
        let r = try last(wb, #"insert Author(name: "Delany")"#)
        #expect(sqlTexts(r) == ["BEGIN", #"INSERT INTO "author" ("name") VALUES (?)"#, "COMMIT"])
        #expect(r.sql[1].params == [.text("Delany")])
        #expect(r.sql[1].cause == "insert Author: Author (new #4) new")
        #expect(r.objects.map(\.ref) == ["Author#4"])
        #expect(r.objects[0].state == .clean)
        #expect(r.objects[0].activeRecordState == "persisted")
        #expect(r.notes.contains { $0.kind == .activeRecord && $0.message.hasPrefix("Author#4 created at once") })
        // Nothing is pending: :pending is empty, and bare save writes nothing.
        let save = try last(wb, "save")
        #expect(save.sql.isEmpty)
        #expect(messages(save).first?.hasPrefix("under Active Record there is no unit of work, so `save` alone writes nothing") == true)
    }

    @Test func insertUnderDataMapperWaitsForSave() throws {
        let wb = try library()
        let r = try last(wb, #"insert Author(name: "Delany")"#)
        #expect(r.sql.isEmpty)
        #expect(r.objects[0].state == .new)
        #expect(r.objects[0].activeRecordState == nil)
        let save = try last(wb, "save")
        #expect(sqlTexts(save) == ["BEGIN", #"INSERT INTO "author" ("name") VALUES (?)"#, "COMMIT"])
    }

    @Test func objectSaveWritesOnlyItsChangedColumnsInItsOwnTransaction() throws {
        let wb = try activeRecordLibrary()
        _ = try last(wb, "let b = Book#1")
        let assign = try last(wb, "b.year = 1975")
        #expect(assign.sql.isEmpty)
        #expect(assign.objects[0].activeRecordState == "persisted, changed")
        #expect(messages(assign).contains { $0.hasPrefix("Book#1 is changed; nothing is pending in any unit of work: b.save writes it") })
        _ = try last(wb, "let c = Book#2")
        _ = try last(wb, #"c.title = "Left Hand""#)
        let changes = try last(wb, "b.changes")
        #expect(changes.blocks == [.code(title: "Book#1.changes", lines: [#"{"year" => [1974, 1975]}"#])])
        let save = try last(wb, "b.save")
        #expect(sqlTexts(save) == ["BEGIN", #"UPDATE "book" SET "year" = ? WHERE "id" = ?"#, "COMMIT"])
        #expect(save.sql[1].params == [.integer(1975), .integer(1)])
        #expect(save.sql[1].cause == "Book#1.save: Book#1 dirty (year)")
        #expect(save.objects[0].activeRecordState == "persisted")
        // c is still changed: b.save wrote b alone.
        let other = try last(wb, "c.changes")
        #expect(other.blocks == [.code(title: "Book#2.changes", lines: [#"{"title" => ["The Left Hand of Darkness", "Left Hand"]}"#])])
        let again = try last(wb, "b.save")
        #expect(again.sql.isEmpty)
        #expect(messages(again).contains("Book#1 has no unsaved changes: save writes nothing and runs no SQL"))
    }

    @Test func pendingUnderActiveRecordListsEachObjectsOwnSave() throws {
        let wb = try activeRecordLibrary()
        let empty = try last(wb, ":pending")
        #expect(empty.blocks.isEmpty)
        #expect(empty.notes.first?.kind == .activeRecord)
        _ = try last(wb, "let b = Book#1")
        _ = try last(wb, "b.year = 1975")
        let r = try last(wb, ":pending")
        #expect(r.sql.isEmpty)
        #expect(r.objects.map(\.ref) == ["Book#1"])
        #expect(r.blocks == [.code(title: "each object's own save would run, each in its own transaction",
                                   lines: [#"Book#1.save: UPDATE "book" SET "year" = ? WHERE "id" = ?  -- 1975, 1"#])])
    }

    @Test func sameChangesCountStatementsPerPattern() throws {
        let script = """
        let a = Author#1
        let b = Book#1
        a.name = "U. K. Le Guin"
        b.year = 1975
        """
        // Data mapper: one save, one transaction, two UPDATEs.
        let mapper = try library()
        _ = runAll(mapper, script)
        let saved = try last(mapper, "save")
        #expect(sqlTexts(saved) == ["BEGIN", #"UPDATE "author" SET "name" = ? WHERE "id" = ?"#, #"UPDATE "book" SET "year" = ? WHERE "id" = ?"#, "COMMIT"])
        // Active Record: two saves, two transactions, six statements.
        let record = try activeRecordLibrary()
        _ = runAll(record, script)
        let first = try last(record, "a.save")
        let second = try last(record, "b.save")
        #expect(sqlTexts(first) + sqlTexts(second) == ["BEGIN", #"UPDATE "author" SET "name" = ? WHERE "id" = ?"#, "COMMIT",
                                                       "BEGIN", #"UPDATE "book" SET "year" = ? WHERE "id" = ?"#, "COMMIT"])
    }

    @Test func destroyDeletesAtOnce() throws {
        let wb = try activeRecordLibrary()
        _ = try last(wb, "let b = Book#4")
        let r = try last(wb, "b.destroy")
        #expect(sqlTexts(r) == ["BEGIN", #"DELETE FROM "book" WHERE "id" = ?"#, "COMMIT"])
        #expect(r.sql[1].params == [.integer(4)])
        #expect(r.objects[0].state == .detached)
        #expect(r.objects[0].activeRecordState == "destroyed")
        #expect(try scalar(wb, "SELECT count(*) FROM book") == "3")
        // Saving or destroying it again is an error at the method's name; nothing runs.
        let save = try #require(wb.run("b.save").first)
        #expect(!save.ok)
        #expect(save.sql.isEmpty)
        #expect(save.diagnostics.first?.message == "Book#4 was destroyed: its row is gone, so there is nothing to save")
        #expect(save.diagnostics.first?.column == 3)
        let again = try #require(wb.run("b.destroy").first)
        #expect(again.diagnostics.first?.message == "Book#4 was destroyed already")
    }

    @Test func destroyOnAnUnsavedObjectIsAnError() throws {
        let wb = try activeRecordLibrary()
        // A create that fails (Author.name is required) leaves a new record behind.
        _ = try last(wb, "entity Note { text: String unique }")
        _ = try last(wb, #"insert Note(text: "x")"#)
        let failed = try #require(wb.run(#"let n = insert Note(text: "x")"#).first)
        #expect(!failed.ok)
        // After the rollback, one lookup names the row that already holds the value.
        #expect(sqlTexts(failed) == ["BEGIN", #"INSERT INTO "note" ("text") VALUES (?)"#, "ROLLBACK",
                                     #"SELECT "id" FROM "note" WHERE "text" = ? LIMIT ?"#])
        let destroy = try #require(wb.run("n.destroy").first)
        #expect(!destroy.ok)
        #expect(destroy.diagnostics.first?.message == "Note (new #2) is a new record: it was never saved, so there is no row to destroy")
        // Fixed, it saves with an INSERT.
        _ = try last(wb, #"n.text = "y""#)
        let save = try last(wb, "n.save")
        #expect(sqlTexts(save) == ["BEGIN", #"INSERT INTO "note" ("text") VALUES (?)"#, "COMMIT"])
        #expect(save.objects.map(\.ref) == ["Note#2"])
    }

    @Test func linkChangesAreWrittenAtOnceUnderActiveRecord() throws {
        let wb = try activeRecordLibrary()
        _ = try last(wb, "let b = Book#3")
        _ = try last(wb, "let t = Tag#2")
        let r = try last(wb, "b.tags.add(t)")
        #expect(sqlTexts(r) == ["BEGIN", #"INSERT INTO "book_tag" ("book_id", "tag_id") VALUES (?, ?)"#, "COMMIT"])
        #expect(r.sql[1].params == [.integer(3), .integer(2)])
        #expect(r.notes.contains { $0.kind == .activeRecord })
        #expect(wb.session.pendingLinkCount == 0)
        #expect(try scalar(wb, "SELECT count(*) FROM book_tag WHERE book_id = 3") == "1")
    }

    @Test func hasManyAddSavesTheChildAtOnceUnderActiveRecord() throws {
        let wb = try activeRecordLibrary()
        _ = try last(wb, "let a = Author#2")
        _ = try last(wb, "let b = Book#1")
        let r = try last(wb, "a.books.add(b)")
        #expect(dataSQL(r).last == #"UPDATE "book" SET "author_id" = ? WHERE "id" = ?"#)
        #expect(sqlTexts(r).suffix(3) == ["BEGIN", #"UPDATE "book" SET "author_id" = ? WHERE "id" = ?"#, "COMMIT"])
        #expect(try scalar(wb, "SELECT author_id FROM book WHERE id = 1") == "2")
        #expect(wb.session.unsavedObjects.isEmpty)
    }

    @Test func dataMapperExplainsObjectSaveAndDestroy() throws {
        let wb = try library()
        _ = try last(wb, "Book#1.year = 1975")
        let save = try #require(wb.run("Book#1.save").first)
        #expect(!save.ok)
        #expect(save.sql.isEmpty)
        let text = save.diagnostics.map { $0.message + " " + ($0.hint ?? "") }.joined()
        #expect(text.contains("save"))
        #expect(text.contains("unit of work"))
        // The pending change is still there.
        let pending = try last(wb, ":pending")
        #expect(pending.objects.map(\.ref) == ["Book#1"])
    }

    @Test func reloadReadsTheRowAgainUnderBothPatterns() throws {
        for pattern in ["data-mapper", "active-record"] {
            let wb = try library()
            _ = try last(wb, ":set pattern \(pattern)")
            _ = try last(wb, "let b = Book#1")
            _ = try last(wb, "b.year = 2000")
            let r = try last(wb, "b.reload")
            #expect(sqlTexts(r) == [#"SELECT "book".* FROM "book" WHERE "book"."id" = ?"#])
            #expect(r.sql[0].cause == "Book#1.reload")
            #expect(value(r.objects[0], "year") == .integer(1974))
            #expect(r.objects[0].state == .clean)
            #expect(messages(r).contains { $0.contains("unsaved changes (year) were dropped") })
            // Nothing pending afterwards.
            #expect(try last(wb, "save").sql.isEmpty)
        }
    }

    @Test func noIdentityMapUnderActiveRecord() throws {
        let wb = try activeRecordLibrary()
        let first = try last(wb, "let a = Author#1")
        #expect(dataSQL(first) == [#"SELECT "author".* FROM "author" WHERE "author"."id" = ?"#])
        let second = try last(wb, "let b = Author#1")
        #expect(dataSQL(second).count == 1)
        #expect(second.objects.first?.fromIdentityMap == false)
        #expect(messages(second).contains { $0.hasPrefix("no identity map: Author#1 was loaded before, so this query builds a second, distinct Author#1 object") })
        _ = try last(wb, #"a.name = "U. K. Le Guin""#)
        let other = try last(wb, "b.name")
        #expect(other.value == .text("Le Guin"))
        #expect(wb.session.objectsLoadedTwice == 1)
        // With the identity map on, the second Author#1 is the first one, without a query.
        _ = try last(wb, "a.reload")
        _ = try last(wb, ":set identity-map on")
        _ = try last(wb, "Author#2")
        let hit = try last(wb, "Author#2")
        #expect(hit.sql.isEmpty)
        #expect(hit.objects.first?.fromIdentityMap == true)
    }

    @Test func switchingWithPendingChangesIsRefused() throws {
        let wb = try library()
        _ = try last(wb, "Book#1.year = 1975")
        let refused = try #require(wb.run(":set pattern active-record").first)
        #expect(!refused.ok)
        #expect(refused.diagnostics.first?.message.hasPrefix("cannot switch to active-record: the unit of work holds pending changes (Book#1)") == true)
        #expect(wb.session.pattern == .dataMapper)
        let pending = try last(wb, ":pending")
        #expect(pending.objects.map(\.ref) == ["Book#1"])
        // And back: an Active Record object with unsaved changes holds the switch too.
        _ = try last(wb, "save")
        _ = try last(wb, ":set pattern active-record")
        _ = try last(wb, "let b = Book#2")
        _ = try last(wb, "b.year = 1970")
        let back = try #require(wb.run(":set pattern data-mapper").first)
        #expect(!back.ok)
        #expect(back.diagnostics.first?.message == "cannot switch to data-mapper: Book#2 has unsaved changes, which no unit of work tracks")
        _ = try last(wb, "b.save")
        expectOK(try last(wb, ":set pattern data-mapper"))
    }

    @Test func switchingAfterAnAutoflushIsRefusedUntilSave() throws {
        let wb = try library()
        _ = try last(wb, #"insert Author(name: "Delany")"#)
        let query = try last(wb, "Author.all")   // autoflush: the INSERT is written, not committed
        #expect(sqlTexts(query).prefix(2) == ["BEGIN", #"INSERT INTO "author" ("name") VALUES (?)"#])
        let refused = try #require(wb.run(":set pattern active-record").first)
        #expect(refused.diagnostics.first?.message == "cannot switch to active-record: the unit of work holds pending changes (changes an autoflush wrote, not committed yet), which Active Record would never write")
        #expect(sqlTexts(try last(wb, "save")) == ["COMMIT"])
        expectOK(try last(wb, ":set pattern active-record"))
    }

    @Test func mappingPaneNamesWhoPersists() throws {
        let wb = try library()
        let set = try last(wb, ":set pattern active-record")
        #expect(set.mapping.map(\.persistedBy) == Array(repeating: PersistencePatternNames.activeRecord, count: 3))
        let mapping = try last(wb, ":mapping Book")
        #expect(mapping.mapping.first?.persistedBy == PersistencePatternNames.activeRecord)
        let text = PlainRenderer.render(mapping)
        #expect(text.contains("saved by each object itself"))
        _ = try last(wb, ":set pattern data-mapper")
        let back = try last(wb, ":mapping Book")
        #expect(back.mapping.first?.persistedBy?.hasPrefix("the session's unit of work") == true)
        // Without :set pattern, the pane is as before.
        let plain = try last(try library(), ":mapping Book")
        #expect(plain.mapping.first?.persistedBy == nil)
    }

    @Test func jsonCarriesActiveRecordStates() throws {
        let wb = try activeRecordLibrary()
        let r = try last(wb, "let b = Book#1")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(JSONRenderer.render(r).utf8)) as? [String: Any])
        let objects = try #require(json["objects"] as? [[String: Any]])
        #expect(objects.first?["active_record_state"] as? String == "persisted")
        #expect(objects.first?["state"] as? String == "clean")
    }

    @Test func comparePatternRunsAScriptBothWays() throws {
        try withTemporaryDirectory { directory in
            let script = directory.appendingPathComponent("changes.orm")
            try """
            let a = Author#1
            a.name = "U. K. Le Guin"
            let b = Book#1
            b.year = 1975
            insert Tag(name: "new")
            save
            a.save
            b.save
            Author#1
            """.write(to: script, atomically: true, encoding: .utf8)
            let wb = try library()
            let r = try last(wb, ":compare pattern \(script.path)")
            let rows = tableRows(r)
            #expect(rows.map { $0[0] } == ["statements (reads + writes)", "transactions", "round trips (all statements)", "time in SQL", "time in all",
                                           "objects loaded twice", "commands failed", "changes left unwritten"])
            // Data mapper: 2 finds (Author#1 again is an identity-map hit); Book#1 autoflushes
            // a's UPDATE (BEGIN), then save writes the rest in a savepoint and commits: 3 writes,
            // 1 transaction, 9 round trips.
            // Active Record: 3 finds; insert, a.save, b.save: 3 writes in 3 transactions.
            #expect(rows[0][1] == "5 (2 + 3)")
            #expect(rows[0][2] == "6 (3 + 3)")
            #expect(rows[1][1] == "1")
            #expect(rows[1][2] == "3")
            #expect(rows[2][1] == "9")
            #expect(rows[2][2] == "12")
            #expect(!r.notes.contains { $0.kind == .nPlusOne })
            #expect(rows[5][1] == "0")
            #expect(rows[5][2] == "1")
            // Under data mapper a.save and b.save fail (they are Active Record's).
            #expect(rows[6][1] == "2")
            #expect(rows[6][2] == "0")
            // The current database is untouched.
            #expect(try scalar(wb, "SELECT name FROM author WHERE id = 1") == #""Le Guin""#)
            #expect(try scalar(wb, "SELECT count(*) FROM tag") == "2")
        }
    }

    @Test func comparePatternRefusesAScriptThatComparesItselfAndPendingChanges() throws {
        try withTemporaryDirectory { directory in
            let script = directory.appendingPathComponent("self.orm")
            try ":compare pattern \(script.path)\n".write(to: script, atomically: true, encoding: .utf8)
            let wb = try library()
            let r = try last(wb, ":compare pattern \(script.path)")
            // Each run's one command failed: it would have run the script again.
            #expect(tableRows(r)[6] == ["commands failed", "1", "1"])
            _ = try last(wb, "Book#1.year = 1975")
            let refused = try #require(wb.run(":compare pattern \(script.path)").first)
            #expect(!refused.ok)
            #expect(refused.diagnostics.first?.message == ":compare pattern copies the database as saved, and pending changes would not be in the copies")
            #expect(try last(wb, ":pending").objects.map(\.ref) == ["Book#1"])
        }
    }
}

/// What the Mapping pane says under each pattern.
enum PersistencePatternNames {
    static let activeRecord = "each object itself (Book#1.save, Book#1.destroy; insert writes at once)"
}

/// `A#1.reload` finds the object, then reads its row again: two runs of one SELECT, but for one
/// object and not in a loop, so no N+1 note (it used to say "once per object" and advise batching).
@Test func aReloadIsNotAnNPlusOne() throws {
    for pattern in ["data-mapper", "active-record"] {
        let wb = try Workbench()
        runAll(wb, "entity Author { name: String }\ninsert Author(name: \"a\")\nsave\n:set pattern \(pattern)")
        let reload = runAll(wb, "Author#1.reload")[0]
        #expect(dataSQL(reload).count == (pattern == "data-mapper" ? 1 : 2))
        #expect(!reload.notes.contains { $0.kind == .nPlusOne })
    }
    // Two objects found in a loop still get the note.
    let wb = try Workbench()
    runAll(wb, "entity Author { name: String; books: [Book] }\nentity Book { title: String; author: Author }\ninsert Author(name: \"a\")\ninsert Author(name: \"b\")\nsave\ninsert Book(title: \"x\", author: Author#1)\ninsert Book(title: \"y\", author: Author#2)\nsave\n:forget")
    let loop = runAll(wb, "for b in Book.all { b.author.name }")[0]
    #expect(loop.notes.contains { $0.kind == .nPlusOne })
}
