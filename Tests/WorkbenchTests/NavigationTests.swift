import Report
import Testing
@testable import Workbench

@Suite struct NavigationTests {
    func data() throws -> Workbench {
        let wb = try Workbench()
        for r in wb.run(everyKindData) { expectOK(r) }
        return wb
    }

    @Test func hasManyBelongsToHasOneManyToManySelf() throws {
        let wb = try data()
        let cases: [(String, [String], [String])] = [
            ("Author#1.books", [#"SELECT "author".* FROM "author" WHERE "author"."id" = ?"#, #"SELECT "book".* FROM "book" WHERE "book"."author_id" = ?"#], ["Book#1", "Book#2"]),
            ("Author#1.profile", [#"SELECT "profile".* FROM "profile" WHERE "profile"."author_id" = ?"#], ["Profile#1"]),
            ("Book#1.tags", [#"SELECT "book_tag"."book_id", "tag".* FROM "tag" JOIN "book_tag" ON "book_tag"."tag_id" = "tag"."id" WHERE "book_tag"."book_id" = ?"#], ["Tag#1"]),
            // Tag#1 was loaded by Book#1.tags: the identity map hands it back without a query.
            ("Tag#1.books", [#"SELECT "book_tag"."tag_id", "book".* FROM "book" JOIN "book_tag" ON "book_tag"."book_id" = "book"."id" WHERE "book_tag"."tag_id" = ?"#], ["Book#1"]),
            ("Employee#2.manager", [#"SELECT "employee".* FROM "employee" WHERE "employee"."id" = ?"#, #"SELECT "employee".* FROM "employee" WHERE "employee"."id" = ?"#], ["Employee#1"]),
            ("Employee#1.reports", [#"SELECT "employee".* FROM "employee" WHERE "employee"."manager_id" = ?"#], ["Employee#2"]),
        ]
        for (input, sql, refs) in cases {
            let r = try #require(wb.run(input).first)
            expectOK(r)
            #expect(sqlTexts(r) == sql, "\(input)")
            #expect(r.objects.map(\.ref) == refs, "\(input)")
        }
        // Book#1 and Author#1 are both in the identity map: navigating needs no query at all.
        let author = try #require(wb.run("Book#1.author").first)
        #expect(sqlTexts(author) == [])
        #expect(author.objects.map(\.ref) == ["Author#1"])
    }

    @Test func toOnePathBecomesAJoinAndToManyAnExists() throws {
        let wb = try data()
        let join = try #require(wb.run(#"Book.where(author.name == "Le Guin").order(author.name)"#).first)
        #expect(sqlTexts(join) == [#"SELECT "book".* FROM "book" JOIN "author" ON "author"."id" = "book"."author_id" WHERE "author"."name" = ? ORDER BY "author"."name""#])
        let exists = try #require(wb.run("Author.where(books.any(year > 1972))").first)
        #expect(sqlTexts(exists) == [#"SELECT "author".* FROM "author" WHERE EXISTS (SELECT 1 FROM "book" WHERE "book"."author_id" = "author"."id" AND "book"."year" > ?)"#])
        #expect(exists.objects.map(\.ref) == ["Author#1"])
        let selfJoin = try #require(wb.run(#"Employee.where(manager.name == "Boss")"#).first)
        #expect(sqlTexts(selfJoin) == [#"SELECT "employee".* FROM "employee" JOIN "employee" AS "manager" ON "manager"."id" = "employee"."manager_id" WHERE "manager"."name" = ?"#])
        #expect(selfJoin.objects.map(\.ref) == ["Employee#2"])
        let m2m = try #require(wb.run(#"Book.where(tags.any(name == "classic"))"#).first)
        #expect(sqlTexts(m2m) == [#"SELECT "book".* FROM "book" WHERE EXISTS (SELECT 1 FROM "tag" JOIN "book_tag" ON "book_tag"."tag_id" = "tag"."id" WHERE "book_tag"."book_id" = "book"."id" AND "tag"."name" = ?)"#])
        let toMany = try #require(wb.run("Author.where(books.year > 1)").first)
        #expect(!toMany.ok)
        #expect(toMany.diagnostics[0].hint == "to filter on it, ask whether any matches: books.any(title == ...)")
    }
}
