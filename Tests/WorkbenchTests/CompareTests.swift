import Report
import Testing
@testable import Workbench

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
