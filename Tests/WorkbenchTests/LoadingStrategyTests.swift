import Render
import Report
import Testing
@testable import Workbench

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
