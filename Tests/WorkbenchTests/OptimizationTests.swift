import Report
import Testing
@testable import Workbench

/// Rows of the first table block of a report.
fileprivate func tableRows(_ report: Report) -> [[String]] {
    for case .table(_, _, let rows) in report.blocks { return rows }
    return []
}

/// `:sql` helper: the single value of a one-row, one-column query.
fileprivate func scalar(_ wb: Workbench, _ sql: String) throws -> String {
    let report = try #require(wb.run(":sql " + sql, sourceName: "<test>").last)
    expectOK(report)
    return try #require(tableRows(report).first?.first)
}

let libraryModel = """
entity Author { name: String; email: String unique; born: Int?; books: [Book] }
entity Book { title: String; year: Int; price: Double; published: Bool; released: Date?; cover: Data?; author: Author; tags: [Tag] }
entity Tag { name: String unique; books: [Book] }
entity Profile { bio: String; author: Author unique }
entity Employee { name: String; manager: Employee?; reports: [Employee] via manager }
"""

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

// MARK: - :compare

@Suite struct CompareTests {
    let setup = libraryModel + "\n:seed Author 5\n:seed Tag 4\n:seed Book 20\n"

    @Test func statementCountsLazyInJoin() throws {
        let wb = try Workbench()
        let reports = wb.run(setup + ":set lazy batch\n:compare Author.all.include(books)")
        let report = try #require(reports.last)
        expectOK(report)
        let rows = tableRows(report)
        #expect(rows.map { $0[0] } == ["lazy (touch each)", "include (IN)", "include, using: join"])
        #expect(rows.map { $0[1] } == ["6", "2", "1"])                       // 1 + N, 2, 1
        #expect(rows.map { $0[2] } == ["25", "25", "20"])                    // rows read
        #expect(rows.map { $0[3] } == ["—", "—", "15"])                      // JOIN: 20 rows → 5 authors
        #expect(rows.map { $0[4] } == ["25", "25", "25"])                    // objects
        #expect(sqlTexts(report) == [
            #"SELECT "author".* FROM "author""#,
            #"SELECT "book".* FROM "book" WHERE "book"."author_id" = ?"#,
            #"SELECT "author".* FROM "author""#,
            #"SELECT "book".* FROM "book" WHERE "book"."author_id" IN (?, ?, ?, ?, ?)"#,
            #"SELECT "author".*, "book".* FROM "author" LEFT JOIN "book" ON "book"."author_id" = "author"."id""#,
        ])
        #expect(report.sql[1].cause == "lazy: Author#1.books and 4 more like it: 5 statements, one per object (rows and time are their total)")
        #expect(report.sql[1].rows == 20)
        #expect(report.notes.filter { $0.kind == .nPlusOne }.count == 1)
        #expect(wb.session.identityMapCount == 0)
        #expect(wb.session.lazyPolicy == .batch)
        #expect(report.notes.contains { $0.message.hasSuffix("the identity map is left empty; lazy ran with :set lazy select, and your setting (batch) is restored") })
        #expect(report.notes.contains { $0.message.hasPrefix("book.author_id has no index, so each of the lazy statements reads the whole book table") })
    }

    @Test func nestedIncludeAndLimit() throws {
        let report = try #require(try runScript(setup + ":compare Author.include(books.tags).limit(2)").last)
        expectOK(report)
        let rows = tableRows(report)
        #expect(rows[1][1] == "3")
        #expect(rows[2][1] == "1")
        #expect(Set(rows.map { $0[4] }).count == 1)     // every strategy built the same objects
    }

    @Test func aSlowLazyRunIsStopped() throws {
        let wb = try Workbench()
        wb.compareLazyBudgetSeconds = 0
        let report = try #require(wb.run(setup + ":compare Author.all.include(books)").last)
        #expect(tableRows(report)[0][0] == "lazy (stopped at 0 of 5)")
        #expect(tableRows(report)[0][1] == "1")
        #expect(report.notes[0].message.hasPrefix("the lazy run was stopped after 0 s, at 0 of 5 objects"))
    }

    @Test func refusals() throws {
        let reports = try runScript(setup + """
        :compare Author.all
        :compare Book.count
        :compare Author.include(books).include(books.tags)
        insert Author(name: "x", email: "x@y")
        :compare Author.all.include(books)
        """)
        let n = reports.count
        #expect(reports[n - 5].diagnostics[0].message == ":compare needs the association to load: add include(...) to the query")
        #expect(reports[n - 5].diagnostics[0].hint == "for example :compare Author.all.include(books) compares loading books lazily, with IN and with JOIN")
        #expect(reports[n - 4].diagnostics[0].message == ":compare loads objects and their association; an aggregate loads none")
        #expect(reports[n - 3].diagnostics[0].message == ":compare compares one include at a time")
        #expect(reports[n - 1].diagnostics[0].message == ":compare empties the identity map before each run, which would discard pending changes")
    }
}

// MARK: - Schema changes keep the rows

@Suite struct SchemaChangeTests {
    let start = """
    entity Author { name: String; books: [Book] }
    entity Book { title: String; year: Int; author: Author }
    entity Publisher { name: String }
    :seed Author 3
    :seed Book 10
    """

    func redefine(_ book: String) throws -> (Report, Workbench) {
        let wb = try Workbench()
        let reports = wb.run(start + "\n" + book, sourceName: "<test>")
        for r in reports.dropLast() { expectOK(r) }
        return (try #require(reports.last), wb)
    }

    func rows(_ wb: Workbench) throws -> String { try scalar(wb, "SELECT COUNT(*) FROM book") }

    @Test func addingAnIndex() throws {
        let (report, wb) = try redefine("entity Book { title: String; year: Int; author: Author; index(year) }")
        expectOK(report)
        #expect(sqlTexts(report) == [#"CREATE INDEX "book_year" ON "book"("year")"#])
        #expect(try rows(wb) == "10")
    }

    @Test func addingAnOptionalPropertyAndOneWithADefault() throws {
        let (optional, wb) = try redefine("entity Book { title: String; year: Int; author: Author; pages: Int? }")
        expectOK(optional)
        #expect(sqlTexts(optional) == [#"ALTER TABLE "book" ADD COLUMN "pages" INTEGER"#])
        let withDefault = try #require(wb.run("entity Book { title: String; year: Int; author: Author; pages: Int?; price: Double = 9.5 }").last)
        expectOK(withDefault)
        #expect(sqlTexts(withDefault) == [#"ALTER TABLE "book" ADD COLUMN "price" REAL NOT NULL DEFAULT 9.5"#])
        #expect(try scalar(wb, "SELECT COUNT(*) FROM book WHERE price = 9.5 AND pages IS NULL") == "10")
    }

    @Test func aRequiredPropertyWithoutDefaultOnRowsIsRefused() throws {
        let (report, wb) = try redefine("entity Book { title: String; year: Int; author: Author; isbn: String }")
        #expect(!report.ok)
        let d = report.diagnostics[0]
        #expect(d.message == "Book has 10 rows, and the new required property 'isbn' has no value for them; the table rebuild was rolled back, nothing changed")
        #expect(d.hint == #"give it a default (isbn: String = "") or make it optional (isbn: String?)"#)
        #expect(d.column == 57)
        #expect(try rows(wb) == "10")
        let after = try #require(wb.run("Book#1.title").last)
        expectOK(after)
    }

    @Test func addingAnAssociation() throws {
        let (report, wb) = try redefine("entity Book { title: String; year: Int; author: Author; publisher: Publisher? }")
        expectOK(report)
        #expect(sqlTexts(report) == [#"ALTER TABLE "book" ADD COLUMN "publisher_id" INTEGER REFERENCES "publisher"("id")"#])
        #expect(try rows(wb) == "10")
        let required = try #require(wb.run("entity Book { title: String; year: Int; author: Author; editor: Publisher }").last)
        #expect(required.diagnostics.first?.message == "Book has 10 rows, and the new required property 'editor' has no value for them; the table rebuild was rolled back, nothing changed")
        #expect(try rows(wb) == "10")
    }

    @Test func removingAPlainPropertyUsesAlterTableDropColumn() throws {
        // (Until issue 16 this rebuilt the table: SQLite 3.35 drops a plain column in place.)
        let (report, wb) = try redefine("entity Book { title: String; author: Author }")
        expectOK(report)
        #expect(sqlTexts(report) == [#"ALTER TABLE "book" DROP COLUMN "year""#])
        #expect(report.notes.map(\.message) == ["column year dropped with ALTER TABLE DROP COLUMN: its values are lost"])
        #expect(try rows(wb) == "10")
        #expect(try scalar(wb, "SELECT COUNT(*) FROM book WHERE author_id NOT IN (SELECT id FROM author)") == "0")
    }

    @Test func addingAHasManyAssociationTouchesNoTable() throws {
        let wb = try Workbench()
        let reports = wb.run(start + "\nentity Review { stars: Int; book: Book }\nentity Book { title: String; year: Int; author: Author; reviews: [Review] }")
        let report = try #require(reports.last)
        expectOK(report)
        #expect(dataSQL(report).isEmpty)
        #expect(try rows(wb) == "10")
    }
}

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
