import Report
import Testing
import Workbench
@testable import LessonKit

@Suite struct CheckEvaluationTests {
    /// A saved library of two authors and three books; the last report of `script` is checked.
    func outcome(_ script: String, _ checks: [String]) throws -> [CheckResult] {
        let wb = try Workbench()
        let setup = wb.run("""
            entity Author { name: String; email: String unique; books: [Book] }
            entity Book { title: String; year: Int index; author: Author }
            insert Author(name: "Le Guin", email: "u@example.org")
            insert Author(name: "Butler", email: "o@example.org")
            insert Book(title: "Earthsea", year: 1968, author: Author#1)
            insert Book(title: "The Dispossessed", year: 1974, author: Author#1)
            insert Book(title: "Kindred", year: 1979, author: Author#2)
            save
            :forget
            """)
        #expect(setup.filter({ !$0[keyPath: \.ok] }).isEmpty)
        let report = try #require(wb.run(script).last)
        return try checks.map { try Check.parse($0).get().evaluate(report, in: wb) }
    }

    @Test func countsStatementsAndQueriesAndSeesTheNPlusOneNote() throws {
        let results = try outcome("for a in Author.all { a.books.count }",
                                  ["statements: 3", "queries: <= 2", "note: N+1", "sql contains: \"book\".\"author_id\" = ?", "rows: 5", "objects: 2"])
        #expect(results.map(\.passed) == [true, false, true, true, true, true])
        #expect(results[1].line == "✗ queries: <= 2 — 3 queries ran")
        #expect(results[0].line == "✓ statements: 3")
    }

    @Test func readsSQLShapeAndCounters() throws {
        let results = try outcome("Book.where(year == 1974)", ["sql contains: WHERE \"book\".\"year\" = ?", "counter full scans: 0", "sql not contains: JOIN"])
        #expect(results.filter({ !$0[keyPath: \.passed] }).isEmpty)
        let bound = try outcome("Book.where(year == 1974)", ["params: 1974", "params: 1975"])
        #expect(bound.map(\.line) == ["✓ params: 1974", "✗ params: 1975 — the bound values were: (1974)"])
        let scan = try outcome("Book.where(title == \"Kindred\")", ["counter full scans: 0"])
        #expect(scan[0].line == "✗ counter full scans: 0 — SQLite counted 2 full scans")
    }

    @Test func readsObjectStatesFromTheSessionWhenTheReportDoesNotShowThem() throws {
        let results = try outcome("Book#1\nAuthor#1.name = \"U\"\n:schema", ["object Author#1 is dirty", "Author#1.name == \"U\"", "object Book#1 is clean",
                                                                   "object Author#2 is clean", "Book#1.author_id == 1"])
        #expect(results.map(\.passed) == [true, true, true, false, true])
        #expect(results[3].detail == "Author#2 is not loaded in the session")
    }

    @Test func readsAssociationsLoadedOrNot() throws {
        let shown = try outcome("Author#1.books", ["shows: Book#1, Book#2", "shows: Book#3"])
        #expect(shown.map(\.line) == ["✓ shows: Book#1, Book#2", "✗ shows: Book#3 — it showed Book#1, Book#2, not Book#3"])
        let results = try outcome("Author.include(books)", ["Author#1.books loaded", "Author#2.books not loaded", "Author#1.books == [Book#1, Book#2]"])
        #expect(results.map(\.passed) == [true, false, true])
        #expect(results[1].detail == "Author#2.books is loaded")
    }

    @Test func readsDiagnosticsValuesAndFailure() throws {
        let bad = try outcome("Author#1.nmae", ["fails", "ok", "diagnostic: unknown property 'nmae'"])
        #expect(bad.map(\.passed) == [true, false, true])
        #expect(bad[1].detail == "`Author#1.nmae` failed: unknown property 'nmae' on Author")
        let count = try outcome("Book.count", ["value: 3", "value: 4"])
        #expect(count.map(\.passed) == [true, false])
        #expect(count[1].detail == "the value is 3")
    }

    @Test func readsTheMapping() throws {
        let results = try outcome(":mapping Book", ["table Book: book", "column Book.author: author_id INTEGER NOT NULL", "association Book.author: belongs-to",
                                                    "index: book_year ON book(year)", "column Author.email: UNIQUE", "association Author.books: many-to-many"])
        #expect(results.map(\.passed) == [true, true, true, true, true, false])
        #expect(results[5].detail.hasPrefix("Author.books is has-many · Book · "))
    }

    @Test func readsOutputBlocks() throws {
        let results = try outcome("Author#1.name = \"U\"\n:pending", ["output contains: UPDATE \"author\" SET \"name\" = ?", "output contains: DELETE"])
        #expect(results.map(\.passed) == [true, false])
    }
}
