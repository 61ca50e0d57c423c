import Render
import Report
import Testing
@testable import Workbench

// Issue 4: the ORM runtime made visible. Statement counts per loading strategy on the same data,
// identity-map hits, the N+1 and unused-eager-load notes, the unit of work.

@Suite struct UnitOfWorkTests {
    @Test func pendingShowsTheSQLASaveWouldRun() throws {
        let wb = try library()
        // Book#4 is loaded first: finding it later would autoflush the other changes.
        _ = wb.run("""
        Book#4
        Author#1.name = "U. K. Le Guin"
        insert Author(name: "Delany")
        delete Book#4
        """)
        let r = try #require(wb.run(":pending").first)
        #expect(r.objects.map(\.ref) == ["Author (new #4)", "Author#1", "Book#4"])
        #expect(r.objects.map(\.state) == [.new, .dirty, .deleted])
        guard case .code(let title, let lines) = try #require(r.blocks.first) else { Issue.record("no code block"); return }
        #expect(title == "save would run, in one transaction")
        #expect(lines == [
            "BEGIN",
            #"1. INSERT INTO "author" ("name") VALUES (?)  -- "Delany""#,
            "   ↳ Author (new #4) new",
            #"2. UPDATE "author" SET "name" = ? WHERE "id" = ?  -- "U. K. Le Guin", 1"#,
            "   ↳ Author#1 dirty (name)",
            #"3. DELETE FROM "book" WHERE "id" = ?  -- 4"#,
            "   ↳ Book#4 deleted",
            "COMMIT",
        ])
    }

    @Test func saveAfterOneAssignmentUpdatesThatColumnOnly() throws {
        let wb = try library()
        _ = wb.run("Book#1.year = 1975")
        let save = try #require(wb.run("save").first)
        #expect(sqlTexts(save) == ["BEGIN", #"UPDATE "book" SET "year" = ? WHERE "id" = ?"#, "COMMIT"])
        #expect(save.sql[1].params == [.integer(1975), .integer(1)])
        #expect(save.sql[1].cause == "save: Book#1 dirty (year)")
    }

    @Test func assigningTheOldValueBackIsCleanAgain() throws {
        let wb = try library()
        _ = wb.run("Book#1.year = 1975")
        let back = try #require(wb.run("Book#1.year = 1974").first)
        #expect(back.objects[0].state == .clean)
        let checked5 = try #require(wb.run("save").first)
        #expect(checked5.sql.isEmpty)
    }

    @Test func autoflushIsShownAndCanBeTurnedOff() throws {
        let wb = try library()
        _ = wb.run(#"insert Author(name: "Delany")"#)
        let count = try #require(wb.run("Author.count").first)
        #expect(dataSQL(count) == [#"INSERT INTO "author" ("name") VALUES (?)"#, #"SELECT COUNT(*) FROM "author""#])
        #expect(count.value == .integer(4))
        #expect(count.notes.contains { $0.kind == .autoflush })
        _ = wb.run("rollback")
        _ = wb.run(":set autoflush off")
        _ = wb.run(#"insert Author(name: "Delany")"#)
        let without = try #require(wb.run("Author.count").first)
        #expect(sqlTexts(without) == [#"SELECT COUNT(*) FROM "author""#])
        #expect(without.value == .integer(3))
    }

    @Test func rollbackRestoresObjectsAndDiscardsNewOnes() throws {
        let wb = try library()
        let reports = wb.run("""
        Author#1.name = "Changed"
        insert Author(name: "Delany")
        Author.count
        rollback
        Author#1.name
        Author.count
        """)
        #expect(reports[2].value == .integer(4))
        let restored = reports[3].objects
        #expect(restored.map(\.ref).contains("Author#1"))
        #expect(reports[4].value == .text("Le Guin"))
        #expect(reports[5].value == .integer(3))
    }

    @Test func rollbackShowsObjectsInTheOrderTheyChangedAndDetachesEveryCreatedOne() throws {
        let wb = try library()
        let reports = wb.run("""
        insert Author(name: "Delany")
        Author#1.name = "Changed"
        Author.count
        Author#4.name = "Samuel Delany"
        insert Author(name: "Butler")
        Author#2.name = "Also changed"
        rollback
        Author#4
        Author.count
        Author#1.name
        """)
        #expect(reports[2].value == .integer(4)) // the autoflush gave Delany id 4 (and the load of Author#2, Butler 5)
        let rollback = reports[6]
        expectOK(rollback)
        // Created objects (Delany even after its INSERT and a change) are detached, not restored;
        // loaded ones go back to their committed values; all in the order they first changed.
        #expect(rollback.objects.map(\.ref) == ["Author#4", "Author#1", "Author#5", "Author#2"])
        #expect(rollback.objects.map(\.state) == [.detached, .clean, .detached, .clean])
        #expect(!reports[7].ok) // Author#4 is gone with the rolled-back INSERT
        #expect(reports[8].value == .integer(3))
        #expect(reports[9].value == .text("Le Guin"))
    }

    @Test func rollbackDiscardsANewObjectChangedAfterAnAutoflush() throws {
        // Changed after the autoflush gave it an id, a new object is still "created since the
        // commit": rollback discards it rather than restoring a snapshot of it; objects come
        // back in the order they were first changed or created.
        let wb = try library()
        let reports = wb.run("""
        insert Author(name: "Delany")
        Author.count
        Author#4.name = "Samuel Delany"
        Author#2.name = "Octavia Butler"
        delete Author#4
        rollback
        Author#4
        Author.count
        Author#2.name
        """)
        #expect(reports[1].value == .integer(4))
        #expect(reports[5].objects.map(\.ref) == ["Author#4", "Author#2"])
        #expect(reports[5].objects.first?.state == .detached)
        #expect(!reports[6].ok)
        #expect(reports[7].value == .integer(3))
        #expect(reports[8].value == .text("Butler"))
    }

    @Test func failingSaveLeavesObjectsAndDatabaseAsTheyWere() throws {
        let wb = try library()
        let reports = wb.run("""
        Book#1.year = 1900
        insert Tag(name: "classic")
        save
        """)
        let failed = reports[2]
        #expect(!failed.ok)
        #expect(failed.diagnostics[0].message == #"cannot save Tag (new #3): name "classic" is already taken (tag.name is unique; Tag#1 holds it)"#)
        // The rollback, then the lookup that names the row holding the value.
        #expect(sqlTexts(failed).suffix(2) == ["ROLLBACK", #"SELECT "id" FROM "tag" WHERE "name" = ? LIMIT ?"#])
        // The unit of work is unchanged: still dirty, still new, and the database has the old values.
        let pending = try #require(wb.run(":pending").first)
        #expect(pending.objects.map(\.state) == [.new, .dirty])
        _ = wb.run(":set autoflush off")
        let year = try #require(wb.run(":sql SELECT year FROM book WHERE id = 1").first)
        guard case .table(_, _, let rows) = try #require(year.blocks.first) else { Issue.record("no table"); return }
        #expect(rows == [["1974"]])
        // Fixing the problem and saving again works.
        let fixed = wb.run("""
        rollback
        Book#1.year = 1900
        save
        """)
        #expect(fixed.allSatisfy { $0.ok })
    }

    @Test func deletingAParentWithChildrenIsExplainedInORMTerms() throws {
        let wb = try library()
        _ = wb.run("delete Author#1")
        let save = try #require(wb.run("save").first)
        #expect(!save.ok)
        #expect(save.diagnostics[0].message == "cannot delete Author#1: other rows still refer to it (Book.author; foreign key without an ON DELETE rule)")
        let checked6 = try #require(wb.run(":pending").first)
        #expect(checked6.objects.map(\.state) == [.deleted])
    }
}
