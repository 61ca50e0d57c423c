import Report
import Testing
@testable import Workbench

// MARK: - :seed

@Suite struct SeedingTests {
    func seeded(_ commands: String) throws -> (Workbench, [Report]) {
        let wb = try Workbench()
        let reports = wb.run(libraryModel + "\n" + commands, sourceName: "<test>")
        for r in reports { expectOK(r) }
        return (wb, reports)
    }

    @Test func sameDataEveryTime() throws {
        let script = ":seed Author 20\n:seed Tag 5\n:seed Book 200\n:seed Profile 10\n:seed Employee 10"
        let (a, _) = try seeded(script)
        let (b, _) = try seeded(script)
        for table in ["author", "book", "book_tag", "profile", "employee"] {
            let dump = ":sql SELECT * FROM \(table) ORDER BY 1, 2"
            let left = try #require(a.run(dump).last), right = try #require(b.run(dump).last)
            #expect(tableRows(left) == tableRows(right))
            #expect(!tableRows(left).isEmpty)
        }
    }

    @Test func plausibleValuesAndUniqueEmails() throws {
        let (wb, reports) = try seeded(":seed Author 300")
        let report = try #require(reports.last)
        #expect(try scalar(wb, "SELECT COUNT(DISTINCT email) FROM author") == "300")
        #expect(try scalar(wb, "SELECT COUNT(*) FROM author WHERE email NOT LIKE '%@example.org' OR name NOT LIKE '% %'") == "0")
        #expect(try scalar(wb, "SELECT COUNT(*) FROM author WHERE born IS NOT NULL AND (born < 1900 OR born > 2005)") == "0")
        let first = try #require(tableRows(report).first)
        #expect(first == ["1", #""Arthur Woolf""#, #""arthur.woolf1@example.org""#, "1943"])
    }

    @Test func oneSummaryInsteadOfAFloodAndNoObjects() throws {
        let (wb, reports) = try seeded(":seed Author 3\n:seed Book 1000")
        let report = try #require(reports.last)
        #expect(dataSQL(report) == [
            #"SELECT COUNT(*), COALESCE(MAX("id"), 0) FROM "book""#,
            #"SELECT "id" FROM "author" ORDER BY "id""#,
            #"SELECT "id" FROM "tag" ORDER BY "id""#,
            #"INSERT INTO "book" ("title", "year", "price", "published", "released", "cover", "author_id") VALUES (?, ?, ?, ?, ?, ?, ?)"#,
        ])
        #expect(sqlTexts(report).first { $0.hasPrefix("SAVEPOINT") } == #"SAVEPOINT "seed""#)
        #expect(sqlTexts(report).last == #"RELEASE "seed""#)
        let insert = try #require(report.sql.first { $0.sql.hasPrefix("INSERT") })
        #expect(insert.rows == 1000)
        #expect(insert.cause == ":seed Book 1000: prepared once, run 1,000 times (values of the first row shown)")
        #expect(report.objects.isEmpty)
        #expect(wb.session.identityMapCount == 0)
        #expect(report.notes.contains { $0.message.hasPrefix("seeded 1,000 Book rows in ") })
        #expect(report.notes.contains { $0.message == "Tag has no rows yet, so no book_tag links: :seed Tag 20, then seed Book again to link them" })
        #expect(wb.session.log.entries.count < 30)
    }

    @Test func foreignKeysPointAtExistingRows() throws {
        let (wb, _) = try seeded(":seed Author 7\n:seed Book 500\n:seed Profile 7\n:seed Employee 50")
        #expect(try scalar(wb, "SELECT COUNT(*) FROM book WHERE author_id NOT IN (SELECT id FROM author)") == "0")
        #expect(try scalar(wb, "SELECT COUNT(DISTINCT author_id) FROM profile") == "7")
        #expect(try scalar(wb, "SELECT COUNT(*) FROM employee WHERE manager_id >= id") == "0")
        #expect(try scalar(wb, "SELECT COUNT(*) FROM employee WHERE manager_id IS NOT NULL") != "0")
        let check = try #require(wb.run(":sql PRAGMA foreign_key_check").last)
        #expect(tableRows(check).isEmpty)
    }

    @Test func manyToManyLinksAtASensibleRate() throws {
        let (wb, reports) = try seeded(":seed Author 5\n:seed Tag 10\n:seed Book 1000")
        let links = Int(try scalar(wb, "SELECT COUNT(*) FROM book_tag")) ?? 0
        #expect(links > 1000 && links < 2000)   // 0–3 distinct tags per book, 1.5 on average
        #expect(try scalar(wb, "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM book_tag GROUP BY book_id)") == "3")
        let summary = try #require(reports.last?.sql.first { $0.sql.hasPrefix(#"INSERT INTO "book_tag""#) })
        #expect(summary.rows == links)
    }

    @Test func requiredParentMustBeSeededFirst() throws {
        let reports = try runScript(libraryModel + "\n:seed Book 10\n:seed Profile 1\n:seed Author 2\n:seed Profile 3\n:seed Employee x\n:seed Nobody 3")
        let book = reports[5].diagnostics[0]
        #expect(book.message == "seed Author first: every Book needs an author (Book.author is required), and author has no rows")
        #expect(book.hint == ":seed Author 100, then :seed Book 10")
        #expect(reports[8].diagnostics[0].message == "only 2 Author rows have no Profile yet, and Profile.author is unique (one-to-one)")
        #expect(reports[9].diagnostics[0].message == "'x' is not a number of rows")
        #expect(reports[10].diagnostics[0].message == "unknown entity 'Nobody'")
    }

    @Test func loadedAssociationsAreExpired() throws {
        let wb = try Workbench()
        let reports = wb.run(libraryModel + "\n:seed Author 1\n:seed Book 2\nAuthor#1.books.count\n:seed Book 3\nAuthor#1.books.count")
        #expect(reports[7].value == .integer(2))
        #expect(reports[9].value == .integer(5))
        #expect(reports[8].notes.contains { $0.message.hasPrefix("loaded associations of 1 object were expired") })
    }

    @Test func fakeDataHelpers() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
        #expect(stableHash("Book") == stableHash("Book"))
        #expect(FakeData.dayString(daysAfter: 0, fromYear: 2000) == "2000-01-01")
        #expect(FakeData.dayString(daysAfter: 59, fromYear: 2000) == "2000-02-29")
        #expect(FakeData.dayString(daysAfter: 366, fromYear: 2000) == "2001-01-01")
        #expect(formatCount(100_000) == "100,000")
        #expect(formatCount(999) == "999")
    }
}
