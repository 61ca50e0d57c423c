import Report
import Testing
@testable import Workbench

// The SQL `:seed` runs for a unique foreign key (only the parents no row uses yet), a
// self-reference and a many-to-many's links: statement values rendered by the session's dialect.

@Suite struct SeedingSQLTests {
    @Test func aUniqueForeignKeyTakesOnlyTheParentsNotUsedYet() throws {
        let wb = try Workbench()
        let reports = wb.run(libraryModel + "\n:seed Author 5\n:seed Profile 3", sourceName: "<test>")
        for r in reports { expectOK(r) }
        let report = try #require(reports.last)
        #expect(dataSQL(report) == [
            #"SELECT COUNT(*), COALESCE(MAX("id"), 0) FROM "profile""#,
            #"SELECT "id" FROM "author" WHERE "id" NOT IN (SELECT "author_id" FROM "profile" WHERE "author_id" IS NOT NULL) ORDER BY "id""#,
            #"INSERT INTO "profile" ("bio", "author_id") VALUES (?, ?)"#,
        ])
        #expect(report.sql.allSatisfy { $0.params.isEmpty || $0.sql.hasPrefix("INSERT") })
    }

    @Test func selfReferenceAndLinks() throws {
        let wb = try Workbench()
        let reports = wb.run(libraryModel + "\n:seed Employee 4\n:seed Employee 4\n:seed Author 2\n:seed Tag 3\n:seed Book 5",
                             sourceName: "<test>")
        for r in reports { expectOK(r) }
        #expect(dataSQL(reports[reports.count - 4]).contains(#"SELECT "id" FROM "employee" ORDER BY "id""#))
        let books = try #require(reports.last)
        #expect(dataSQL(books).suffix(2) == [
            #"INSERT INTO "book" ("title", "year", "price", "published", "released", "cover", "author_id") VALUES (?, ?, ?, ?, ?, ?, ?)"#,
            #"INSERT INTO "book_tag" ("book_id", "tag_id") VALUES (?, ?)"#,
        ])
    }
}
