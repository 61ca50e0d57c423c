import Render
import Report
import Testing
@testable import Workbench

// Issue 4: the ORM runtime made visible. Statement counts per loading strategy on the same data,
// identity-map hits, the N+1 and unused-eager-load notes, the unit of work.

let libraryData = """
entity Author { name: String; books: [Book] }
entity Book { title: String; year: Int; author: Author; tags: [Tag] }
entity Tag { name: String unique; books: [Book] }
insert Author(name: "Le Guin")
insert Author(name: "Butler")
insert Author(name: "Jemisin")
insert Book(title: "The Dispossessed", year: 1974, author: Author#1)
insert Book(title: "The Left Hand of Darkness", year: 1969, author: Author#1)
insert Book(title: "Kindred", year: 1979, author: Author#2)
insert Book(title: "The Fifth Season", year: 2015, author: Author#3)
insert Tag(name: "classic")
insert Tag(name: "award")
Book#1.tags.add(Tag#1)
Book#2.tags.add(Tag#1)
Book#2.tags.add(Tag#2)
save
:forget
"""

func library() throws -> Workbench {
    let wb = try Workbench()
    for r in wb.run(libraryData) { expectOK(r) }
    return wb
}

@Suite struct LoadingStrategyTests {
    @Test func lazyLoopRunsOnePlusN() throws {
        let r = try #require(try library().run("for a in Author.all { a.books.count }").first)
        expectOK(r)
        #expect(sqlTexts(r) == [
            #"SELECT "author".* FROM "author""#,
            #"SELECT "book".* FROM "book" WHERE "book"."author_id" = ?"#,
            #"SELECT "book".* FROM "book" WHERE "book"."author_id" = ?"#,
            #"SELECT "book".* FROM "book" WHERE "book"."author_id" = ?"#,
        ])
        #expect(r.sql.map(\.cause) == ["Author.all", "a.books", "a.books", "a.books"])
        #expect(r.sql.dropFirst().map(\.params) == [[.integer(1)], [.integer(2)], [.integer(3)]])
        let note = try #require(r.notes.first { $0.kind == .nPlusOne })
        #expect(note.message == #"N+1 queries: the same SELECT ran 3 times in this command, once per object (cause: a.books): SELECT "book".* FROM "book" WHERE "book"."author_id" = ?. Fix: include(books) in the query, or :set lazy batch loads them all in one more query."#)
        guard case .table(_, let header, let rows) = try #require(r.blocks.first) else { Issue.record("no table"); return }
        #expect(header == ["a", "a.books.count"])
        #expect(rows == [["Author#1", "2"], ["Author#2", "1"], ["Author#3", "1"]])
    }

    @Test func includeRunsTwo() throws {
        let r = try #require(try library().run("for a in Author.all.include(books) { a.books.count }").first)
        #expect(sqlTexts(r) == [
            #"SELECT "author".* FROM "author""#,
            #"SELECT "book".* FROM "book" WHERE "book"."author_id" IN (?, ?, ?)"#,
        ])
        #expect(r.sql.map(\.cause) == ["Author.all.include(books)", "include(books)"])
        #expect(!r.notes.contains { $0.kind == .nPlusOne })
    }

    @Test func joinRunsOneAndCollapsesRows() throws {
        let r = try #require(try library().run("Author.include(books, using: join)").first)
        #expect(sqlTexts(r) == [#"SELECT "author".*, "book".* FROM "author" LEFT JOIN "book" ON "book"."author_id" = "author"."id""#])
        #expect(r.sql[0].rows == 4)
        #expect(r.objects.map(\.ref) == ["Author#1", "Author#2", "Author#3"])
        #expect(r.objects[0].associations.first { $0.name == "books" }?.loaded == ["Book#1", "Book#2"])
        #expect(r.notes.contains { $0.message.hasPrefix("JOIN returned 4 rows, collapsed into 3 Author + 4 Book objects") })
    }

    @Test func batchLoadingRunsTwo() throws {
        let wb = try library()
        _ = wb.run(":set lazy batch")
        let r = try #require(wb.run("for a in Author.all { a.books.count }").first)
        #expect(sqlTexts(r) == [
            #"SELECT "author".* FROM "author""#,
            #"SELECT "book".* FROM "book" WHERE "book"."author_id" IN (?, ?, ?)"#,
        ])
        #expect(r.sql[1].cause == "a.books (batch: 3 Author objects at once)")
    }

    @Test func raisePolicyTurnsALazyLoadIntoADiagnostic() throws {
        let wb = try library()
        _ = wb.run(":set lazy raise")
        let r = try #require(wb.run("Author#1.books").first)
        #expect(!r.ok)
        #expect(r.diagnostics[0].message == "Author#1.books is not loaded, and lazy loading is set to raise")
        #expect(r.diagnostics[0].hint == "load it up front with include(books) in the query, or `:set lazy select` to allow lazy loading")
        let checked1 = try #require(wb.run("Author.include(books)").first)
        #expect(checked1.ok)
        let checked2 = try #require(wb.run("Author#1.books").first)
        #expect(checked2.sql.isEmpty)
    }

    @Test func identityMapHitsRunNothing() throws {
        let wb = try library()
        let checked3 = try #require(wb.run("Author#1").first)
        #expect(checked3.sql.count == 1)
        let again = try #require(wb.run("Author#1").first)
        #expect(again.sql.isEmpty)
        #expect(again.objects[0].fromIdentityMap)
        #expect(again.notes.map(\.message) == ["Author#1 came from the identity map: it is already loaded in this session, so no SQL ran (one object per row per session)"])
        // A belongs-to whose target is loaded needs no query either.
        _ = wb.run("Book#1")
        let author = try #require(wb.run("Book#1.author").first)
        #expect(author.sql.isEmpty)
        #expect(author.objects.map(\.ref) == ["Author#1"])
    }

    @Test func queryReturningLoadedObjectsReturnsTheSameObjects() throws {
        let wb = try library()
        _ = wb.run(#"Author#1.name = "Changed in memory""#)
        _ = wb.run(":set autoflush off")
        let r = try #require(wb.run("Author.all").first)
        #expect(r.objects[0].fromIdentityMap)
        #expect(value(r.objects[0], "name") == .text("Changed in memory"))
        #expect(r.objects[0].state == .dirty)
    }

    @Test func forgetEmptiesTheIdentityMap() throws {
        let wb = try library()
        _ = wb.run("Author#1")
        let forget = try #require(wb.run(":forget").first)
        #expect(forget.notes[0].message.hasPrefix("the identity map is empty: 1 object forgotten"))
        let checked4 = try #require(wb.run("Author#1").first)
        #expect(checked4.sql.count == 1)
    }

    @Test func nestedIncludeAndManyToMany() throws {
        let r = try #require(try library().run("Author.include(books.tags)").first)
        #expect(sqlTexts(r) == [
            #"SELECT "author".* FROM "author""#,
            #"SELECT "book".* FROM "book" WHERE "book"."author_id" IN (?, ?, ?)"#,
            #"SELECT "book_tag"."book_id", "tag".* FROM "tag" JOIN "book_tag" ON "book_tag"."tag_id" = "tag"."id" WHERE "book_tag"."book_id" IN (?, ?, ?, ?)"#,
        ])
        let nestedJoin = try #require(try library().run("Author.include(books.tags, using: join)").first)
        #expect(sqlTexts(nestedJoin) == [#"SELECT "author".*, "book".*, "tag".* FROM "author" LEFT JOIN "book" ON "book"."author_id" = "author"."id" LEFT JOIN "book_tag" ON "book_tag"."book_id" = "book"."id" LEFT JOIN "tag" ON "tag"."id" = "book_tag"."tag_id""#])
    }

    @Test func eagerLoadingOfAToOne() throws {
        let r = try #require(try library().run("Book.include(author)").first)
        #expect(sqlTexts(r) == [
            #"SELECT "book".* FROM "book""#,
            #"SELECT "author".* FROM "author" WHERE "author"."id" IN (?, ?, ?)"#,
        ])
        #expect(r.objects[0].associations.first { $0.name == "author" }?.loaded == ["Author#1"])
    }

    @Test func unusedEagerLoadIsPointedOut() throws {
        let r = try #require(try library().run("for a in Author.all.include(books) { a.name }").first)
        #expect(r.notes.contains { $0.kind == .unusedEagerLoad && $0.message == "unused eager load: include(books) loaded books for 3 objects, but the loop never touched it; remove the include to save a query" })
    }

    @Test func joinWithLimitCountsObjectsNotRows() throws {
        let r = try #require(try library().run("Author.include(books, using: join).limit(1)").first)
        #expect(sqlTexts(r) == [#"SELECT "author".*, "book".* FROM "author" LEFT JOIN "book" ON "book"."author_id" = "author"."id" WHERE "author"."id" IN (SELECT "author"."id" FROM "author" ORDER BY "author"."id" LIMIT ?)"#])
        #expect(r.objects.map(\.ref) == ["Author#1"])
        #expect(r.objects[0].associations.first { $0.name == "books" }?.loaded == ["Book#1", "Book#2"])
    }
}

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
        #expect(failed.diagnostics[0].message == #"cannot save Tag (new #3): name "classic" is already taken (tag.name is unique)"#)
        #expect(sqlTexts(failed).last == "ROLLBACK")
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

@Suite struct StatementLogTests {
    @Test func logGroupsSimilarAndDuplicateStatements() throws {
        let wb = try library()
        _ = wb.run("for a in Author.all { a.books.count }")
        _ = wb.run(":forget")
        _ = wb.run("Author#1.books")
        let log = try #require(wb.run(":log").first)
        let similar = log.blocks.compactMap { block -> [[String]]? in
            if case .table(let title?, _, let rows) = block, title.hasPrefix("Similar") { return rows }
            return nil
        }.first
        #expect(similar?.contains([ "4", "1", #"SELECT "book".* FROM "book" WHERE "book"."author_id" = ?"#]) == true)
    }

    @Test func statsCountsPerCommandAndSession() throws {
        let wb = try library()
        _ = wb.run("for a in Author.all { a.books.count }")
        let stats = try #require(wb.run(":stats").first)
        guard case .table(_, _, let rows) = try #require(stats.blocks.first) else { Issue.record("no table"); return }
        #expect(rows.last?[0] == "for a in Author.all { a.books.count }")
        #expect(rows.last?[1] == "4")
        #expect(rows.last?[3] == "3")
    }
}

@Suite struct SessionLogTrimTests {
    /// The session log is kept as one array per command and trimmed across them: it must read
    /// as the log appended to one array and trimmed by a tenth at the limit always did.
    @Test func sessionLogMatchesItsReportsWhenTrimmed() throws {
        let wb = try Workbench()
        wb.session.log.entryLimit = 20
        var model: [(command: Int, text: String, record: StatementRecord)] = []
        let reports = wb.run(libraryData + """
            for a in Author.all { a.books.count }
            insert Tag(name: "new")
            insert Tag(name: "newer")
            save
            Book.all.include(tags)
            """)
        for (i, report) in reports.enumerated() {
            for record in report.sql {
                if model.count >= 20 { model.removeFirst(model.count / 10) }
                model.append((i + 1, report.input, record))
            }
            // Each report reads the same records however it is read.
            #expect(report.sql.array == Array(report.sql))
            #expect(report.sql.indices.map(report.sql.sql(at:)) == report.sql.map(\.sql))
            #expect(report.sql.indices.map(report.sql.cause(at:)) == report.sql.map(\.cause))
            #expect(report.sql.indices(ofSQLWithPrefix: "SELECT") == report.sql.indices.filter { report.sql[$0].sql.hasPrefix("SELECT") })
            #expect(StatementRecords(report.sql.array).indices(ofSQLWithPrefix: "INSERT") == report.sql.indices(ofSQLWithPrefix: "INSERT"))
        }
        let entries = wb.session.log.entries
        #expect(entries.map(\.command) == model.map(\.command))
        #expect(entries.map(\.commandText) == model.map(\.text))
        #expect(entries.map(\.record) == model.map(\.record))
        // Causes made when read: a flush's new objects, with and without a prefix.
        #expect(reports.contains { $0.sql.contains { $0.cause == "save: Tag (new #4) new" } })
        #expect(reports.contains { $0.sql.contains { $0.cause == "autoflush before Book#1: Tag (new #2) new" } })
    }
}
