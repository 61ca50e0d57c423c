import Report
import Testing
@testable import Workbench

// Issue 20: `soft delete` (delete becomes an UPDATE of deleted_at; queries, counts, includes
// and any(...) skip such rows; with_deleted, only_deleted) and `scope NAME = where(...)`.

private func softLibrary() throws -> Workbench {
    let wb = try Workbench()
    wb.session.now = { "2024-05-01T12:00:00" }
    runAll(wb, """
    entity Author { name: String; books: [Book] }
    entity Book { title: String; year: Int; author: Author; soft delete; scope recent = where(year > 2000); scope titled = order(title) }
    insert Author(name: "A")
    insert Book(title: "x", year: 1990, author: Author#1)
    insert Book(title: "y", year: 2010, author: Author#1)
    insert Book(title: "z", year: 2020, author: Author#1)
    save
    """)
    return wb
}

@Suite struct SoftDeleteTests {
    @Test func deleteBecomesAnUpdateOfDeletedAt() throws {
        let wb = try softLibrary()
        runAll(wb, "delete Book#1")
        let save = try #require(wb.run("save").first)
        #expect(dataSQL(save) == [#"UPDATE "book" SET "deleted_at" = ? WHERE "id" = ?"#])
        #expect(save.sql[1].params == [.text("2024-05-01T12:00:00"), .integer(1)])
        #expect(save.sql[1].cause == "save: Book#1 deleted (soft: deleted_at set)")
        #expect(save.lifecycle.first?.steps.first == "SQL: UPDATE deleted_at (soft delete: the row stays, queries skip it)")
    }

    @Test func queriesCountsIncludesAndAnySkipDeletedRows() throws {
        let wb = try softLibrary()
        runAll(wb, "delete Book#1; save")
        #expect(sqlTexts(try #require(wb.run("Book.all").first)) == [#"SELECT "book".* FROM "book" WHERE "book"."deleted_at" IS NULL"#])
        #expect(wb.run("Book.count").first?.value == .integer(2))
        #expect(wb.run("Book.with_deleted.count").first?.value == .integer(3))
        let only = try #require(wb.run("Book.only_deleted").first)
        #expect(sqlTexts(only) == [#"SELECT "book".* FROM "book" WHERE "book"."deleted_at" IS NOT NULL"#])
        #expect(only.objects.map(\.ref) == ["Book#1"])
        let lazy = try #require(wb.run("Author#1.books").first)
        #expect(sqlTexts(lazy) == [#"SELECT "book".* FROM "book" WHERE "book"."author_id" = ? AND "book"."deleted_at" IS NULL"#])
        let join = try #require(wb.run("Author.include(books, using: join)").first)
        #expect(join.sql[0].sql.hasSuffix(#"LEFT JOIN "book" ON "book"."author_id" = "author"."id" AND "book"."deleted_at" IS NULL"#))
        let any = try #require(wb.run(#"Author.where(books.any(title == "x"))"#).first)
        #expect(any.objects.isEmpty)
        let notSoft = try #require(wb.run("Author.with_deleted").first)
        #expect(notSoft.diagnostics.first?.message == "Author has no soft delete, so no row is hidden: with_deleted changes nothing")
    }

    @Test func bulkDeleteOfASoftDeletingEntityIsOneUpdate() throws {
        let wb = try softLibrary()
        let r = try #require(wb.run("Book.where(year < 2015).delete()").first)
        #expect(sqlTexts(r) == [#"UPDATE "book" SET "deleted_at" = ? WHERE "deleted_at" IS NULL AND "year" < ?"#])
        #expect(r.sql[0].rows == 2)
        #expect(wb.run("Book.count").first?.value == .integer(1))
    }
}

@Suite struct ScopeTests {
    @Test func scopesChainWithEachOtherAndWithQueryMethods() throws {
        let wb = try softLibrary()
        let r = try #require(wb.run("Book.where(title != \"z\").recent.titled").first)
        #expect(sqlTexts(r) == [#"SELECT "book".* FROM "book" WHERE "book"."deleted_at" IS NULL AND "book"."title" != ? AND "book"."year" > ? ORDER BY "book"."title""#])
        #expect(r.sql[0].cause == #"Book.where(title != "z").recent.titled"#)
        #expect(r.objects.map(\.ref) == ["Book#2"])
        #expect(wb.run("Book.recent.count").first?.value == .integer(2))
    }

    @Test func aScopeThatDoesNotResolveIsRefusedAtItsDefinition() throws {
        let wb = try Workbench()
        let bad = try #require(wb.run("entity A { n: Int; scope n = where(n > 1) }").first)
        #expect(bad.diagnostics.first?.message == "scope 'n' has the name of a property of A")
        runAll(wb, "entity B { n: Int; scope big = where(m > 1) }")
        let use = try #require(wb.run("B.big").first)
        #expect(use.diagnostics.first?.message == "scope big of B: unknown property 'm' on B")
        #expect(use.diagnostics.first?.column == 3)
    }
}

@Suite struct SoftDeletedFindTests {
    @Test func findingASoftDeletedObjectSaysWhereItIs() throws {
        let wb = try Workbench()
        runAll(wb, """
        entity Note { text: String; soft delete }
        insert Note(text: "x"); save
        delete Note#1; save
        """)
        let r = try #require(wb.run("Note#1").first)
        #expect(r.diagnostics.first?.message == "Note#1 does not exist (or is soft-deleted)")
        #expect(r.diagnostics.first?.hint == "Note skips soft-deleted rows; Note.with_deleted.where(id == 1) finds it if it is one")
        #expect(wb.run("Note.with_deleted.where(id == 1)").first?.objects.map(\.ref) == ["Note#1"])
    }
}
