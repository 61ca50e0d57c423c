import Report
import Testing
@testable import Workbench

// MARK: - Aggregates, projections, pagination

@Suite struct AggregateAndPaginationTests {
    let setup = """
    entity Author { name: String; email: String unique; books: [Book] }
    entity Book { title: String; year: Int; price: Double; author: Author }
    :seed Author 3
    :seed Book 12
    """

    func last(_ command: String) throws -> Report {
        let report = try #require(try runScript(setup + "\n" + command).last)
        expectOK(report)
        return report
    }

    @Test(arguments: [
        ("Book.count", #"SELECT COUNT(*) FROM "book""#),
        ("Book.sum(price)", #"SELECT SUM("book"."price") FROM "book""#),
        ("Book.avg(year)", #"SELECT AVG("book"."year") FROM "book""#),
        ("Book.where(year > 2000).min(year)", #"SELECT MIN("book"."year") FROM "book" WHERE "book"."year" > ?"#),
        ("Book.max(year)", #"SELECT MAX("book"."year") FROM "book""#),
        ("Book.group(year).count", #"SELECT "book"."year", COUNT(*) FROM "book" GROUP BY "book"."year""#),
        ("Book.group(author).having(count > 2).count", #"SELECT "book"."author_id", COUNT(*) FROM "book" GROUP BY "book"."author_id" HAVING COUNT(*) > ?"#),
        ("Book.group(author.name).count", #"SELECT "author"."name", COUNT(*) FROM "book" LEFT JOIN "author" ON "author"."id" = "book"."author_id" GROUP BY "author"."name""#),
    ])
    func aggregateSQL(_ command: String, _ sql: String) throws {
        #expect(sqlTexts(try last(command)) == [sql])
    }

    @Test func groupingByAToOneShowsTheObjects() throws {
        let report = try last("Book.group(author).count")
        guard case .table(_, let header, let rows)? = report.blocks.first else { Issue.record("no table"); return }
        #expect(header == ["author", "count"])
        #expect(rows.map { $0[0] } == ["Author#1", "Author#2", "Author#3"])
        #expect(rows.map { Int($0[1]) ?? 0 }.reduce(0, +) == 12)
    }

    @Test func partialObjects() throws {
        let reports = try runScript(setup + "\nBook.select(title).limit(2)\nBook.select(title).first.year\nBook.select(title).first.title")
        let n = reports.count
        #expect(sqlTexts(reports[n - 3]) == [#"SELECT "book"."id", "book"."title" FROM "book" LIMIT ?"#])
        #expect(reports[n - 3].objects.map(\.state) == [.partial, .partial])
        #expect(reports[n - 3].objects[0].values.map(\.name) == ["title"])
        #expect(reports[n - 2].diagnostics.first?.message == "Book#1.year was not selected: this object is partial")
        expectOK(reports[n - 1])
    }

    @Test func limitOffsetAndKeyset() throws {
        #expect(sqlTexts(try last("Book.order(year desc).limit(5).offset(10)"))
                == [#"SELECT "book".* FROM "book" ORDER BY "book"."year" DESC LIMIT ? OFFSET ?"#])
        let keyset = try last("Book.after(Book#10).limit(5)")
        #expect(keyset.sql.last?.sql == #"SELECT "book".* FROM "book" WHERE "book"."id" > ? ORDER BY "book"."id" LIMIT ?"#)
        #expect(keyset.sql.last?.params == [.integer(10), .integer(5)])
        #expect(keyset.objects.map(\.ref) == ["Book#11", "Book#12"])
    }

    @Test func batchesRunOneKeysetQueryPerBatch() throws {
        let report = try last("for b in Book.all.batches(of: 5) { b.title }")
        #expect(report.sql.map(\.sql) == Array(repeating: #"SELECT "book".* FROM "book" WHERE "book"."id" > ? ORDER BY "book"."id" LIMIT ?"#, count: 3))
        #expect(report.sql.map(\.params) == [[.integer(0), .integer(5)], [.integer(5), .integer(5)], [.integer(10), .integer(5)]])
        #expect(report.sql.map(\.cause) == (1...3).map { "Book.all.batches(of: 5) batch \($0)" })
        #expect(report.objects.count + report.omittedObjects == 12)
    }
}
