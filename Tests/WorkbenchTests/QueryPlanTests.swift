import Report
import Testing
@testable import Workbench

/// `:explain`: the plan tree, its explanations in ORM terms, and the index suggestions.
@Suite struct QueryPlanTests {
    let model = """
    entity Author { name: String; email: String unique; books: [Book] }
    entity Book { title: String; year: Int; author: Author }
    """

    /// The code block of a report whose title starts with `prefix`.
    func block(_ report: Report, _ prefix: String) -> [String]? {
        for case .code(let title?, let lines) in report.blocks where title.hasPrefix(prefix) { return lines }
        return nil
    }

    func explain(_ query: String, setup: String = "") throws -> (Report, Workbench) {
        let wb = try Workbench()
        let reports = wb.run(model + "\n" + setup + "\n:explain " + query, sourceName: "<test>")
        let report = try #require(reports.last)
        expectOK(report)
        return (report, wb)
    }

    // MARK: - The tree, as pure rendering

    @Test func scanRendering() {
        let plan = QueryPlan(rows: [(2, 0, "SCAN book"), (10, 0, "USE TEMP B-TREE FOR ORDER BY")])
        let explainer = PlanExplainer(schema: .init())
        #expect(plan.render(explaining: explainer.explain) == [
            "QUERY PLAN",
            "├─ SCAN book",
            "│    reads every row of book: a full scan, its cost grows with the table",
            "└─ USE TEMP B-TREE FOR ORDER BY",
            "     sorts the rows in a temporary B-tree: no index gives this order",
        ])
    }

    @Test func nestedSubqueryRendering() {
        let plan = QueryPlan(rows: [(2, 0, "SCAN author"), (4, 0, "CORRELATED SCALAR SUBQUERY 1"), (8, 4, "SCAN book")])
        #expect(plan.render(explaining: { _ in nil }) == [
            "QUERY PLAN",
            "├─ SCAN author",
            "└─ CORRELATED SCALAR SUBQUERY 1",
            "   └─ SCAN book",
        ])
    }

    @Test func planStepsAreRead() {
        #expect(PlanStep("SCAN book")?.access == .scan)
        #expect(PlanStep("SCAN TABLE book")?.table == "book")                       // SQLite before 3.36
        #expect(PlanStep("SEARCH book USING INDEX book_year (year>?)")?.access == .index("book_year", condition: "year>?", covering: false))
        #expect(PlanStep("SEARCH book USING INTEGER PRIMARY KEY (rowid=?)")?.access == .primaryKey("rowid=?"))
        #expect(PlanStep("SEARCH book USING AUTOMATIC COVERING INDEX (author_id=?) LEFT-JOIN")?.access == .automaticIndex(condition: "author_id=?"))
        #expect(PlanStep("SEARCH book USING AUTOMATIC COVERING INDEX (author_id=?) LEFT-JOIN")?.leftJoin == true)
        #expect(PlanStep("SCAN author USING COVERING INDEX sqlite_autoindex_author_1")?.access == .scanIndex("sqlite_autoindex_author_1", covering: true))
        #expect(PlanStep("USE TEMP B-TREE FOR ORDER BY") == nil)
    }

    // MARK: - Through the workbench

    @Test func scanWithIndexSuggestion() throws {
        let (report, _) = try explain("Book.where(year > 2000)")
        #expect(sqlTexts(report) == [#"EXPLAIN QUERY PLAN SELECT "book".* FROM "book" WHERE "book"."year" > ?"#])
        #expect(block(report, "Query plan of Book.where(year > 2000)") == [
            #"SELECT "book".* FROM "book" WHERE "book"."year" > ?"#,
            "",
            "QUERY PLAN",
            "└─ SCAN book",
            "     reads every row of the book table (Book): a full scan, its cost grows with the table",
        ])
        #expect(report.notes.map(\.message) == [
            "the query filters on year, and book.year has no index: add `index(year)` to entity Book (turns the scan into a search)",
            "checked: with index(year) (on an empty copy of the schema), SQLite's plan becomes SEARCH book USING INDEX book_year (year>?), with no full scan, automatic index or temporary sort",
        ])
        #expect(block(report, "To add the index, define Book again") == [
            "entity Book { title: String; year: Int; author: Author; index(year) }",
        ])
    }

    @Test func theSuggestedLineTurnsTheScanIntoASearch() throws {
        let (first, wb) = try explain("Book.where(year > 2000)")
        let redefinition = try #require(block(first, "To add the index")).joined(separator: "\n")
        let reports = wb.run(redefinition + "\n:explain Book.where(year > 2000)", sourceName: "<test>")
        #expect(reports.count == 2)
        expectOK(reports[0])
        #expect(sqlTexts(reports[0]) == [#"CREATE INDEX "book_year" ON "book"("year")"#])
        #expect(block(reports[1], "Query plan of") == [
            #"SELECT "book".* FROM "book" WHERE "book"."year" > ?"#,
            "",
            "QUERY PLAN",
            "└─ SEARCH book USING INDEX book_year (year>?)",
            "     jumps via index book_year to the rows of the book table (Book) with year>?: only matching rows are read",
        ])
        #expect(reports[1].notes.map(\.message) == [
            "no full scan, automatic index or temporary sort: every table is reached through an index or the primary key",
        ])
    }

    @Test func indexSearchByPrimaryKey() throws {
        let (report, _) = try explain("Book.where(id == 3)")
        #expect(block(report, "Query plan of") == [
            #"SELECT "book".* FROM "book" WHERE "book"."id" = ?"#,
            "",
            "QUERY PLAN",
            "└─ SEARCH book USING INTEGER PRIMARY KEY (rowid=?)",
            "     jumps straight to one row of the book table (Book) by its id (the primary key): no scan",
        ])
    }

    @Test func joinPlanSuggestsBothSides() throws {
        let (report, _) = try explain(#"Book.where(author.name == "x")"#)
        #expect(block(report, "Query plan of") == [
            #"SELECT "book".* FROM "book" JOIN "author" ON "author"."id" = "book"."author_id" WHERE "author"."name" = ?"#,
            "",
            "QUERY PLAN",
            "├─ SCAN book",
            "│    reads every row of the book table (Book): a full scan, its cost grows with the table",
            "└─ SEARCH author USING INTEGER PRIMARY KEY (rowid=?)",
            "     jumps straight to one row of the author table (Author) by its id (the primary key): no scan",
        ])
        #expect(report.notes.map(\.message) == [
            "the query filters on author.name, and author.name has no index: add `index(name)` to entity Author (turns the scan into a search)",
            "the filter on author.name goes through Book.author, and book.author_id has no index: add `index(author)` to entity Book (turns the scan into a search)",
            "checked: with index(name) and index(author) (on an empty copy of the schema), SQLite's plan becomes SEARCH author USING COVERING INDEX author_name (name=?); SEARCH book USING INDEX book_author_id (author_id=?), with no full scan, automatic index or temporary sort",
        ])
    }

    @Test func foreignKeySuggestionWorksWhenPasted() throws {
        let (first, wb) = try explain("Author.include(books)")
        #expect(first.notes.map(\.message) == [
            "include(books) looks up book.author_id for the Authors, and book.author_id has no index: add `index(author)` to entity Book (turns the scan into a search)",
            "checked: with index(author) (on an empty copy of the schema), SQLite's plan becomes SEARCH book USING INDEX book_author_id (author_id=?); still there: SCAN author (every row of author is read because the query asks for every Author)",
        ])
        let redefinition = try #require(block(first, "To add the index, define Book")).joined(separator: "\n")
        #expect(redefinition == "entity Book { title: String; year: Int; author: Author; index(author) }")
        let reports = wb.run(redefinition + "\n:explain Author.include(books)", sourceName: "<test>")
        expectOK(reports[0])
        let second = try #require(block(reports[1], "Query plan 2 of 2"))
        #expect(second.contains("└─ SEARCH book USING INDEX book_author_id (author_id=?)"))
    }

    @Test func existsAndJoinIncludeAreExplained() throws {
        let (exists, _) = try explain("Author.where(books.any(year > 2000))")
        #expect(block(exists, "Query plan of")?.suffix(4) == [
            "└─ CORRELATED SCALAR SUBQUERY 1",
            "   │ a subquery that depends on the outer row (an EXISTS from .any(...)): it runs once per outer row",
            "   └─ SCAN book",
            "        reads every row of the book table (Book): a full scan, its cost grows with the table",
        ])
        let (join, _) = try explain("Author.include(books, using: join)")
        #expect(block(join, "Query plan of")?.last
                == "     no index of the book table (Book) fits (author_id=?), so SQLite builds a throw-away index for this one statement, every time it runs (LEFT JOIN: rows without a match are kept)")
    }

    @Test func orderAndGroupSuggestIndexesThatSaveTheSort() throws {
        let (order, _) = try explain("Book.order(year desc).limit(10)")
        #expect(order.notes.map(\.message) == [
            "the query orders by year, and book.year has no index: add `index(year)` to entity Book (saves the sort)",
            "checked: with index(year) (on an empty copy of the schema), SQLite's plan becomes SCAN book USING INDEX book_year, with no temporary sort: the rows are read in index order (still every row)",
        ])
        let (group, _) = try explain("Book.group(author).count")
        #expect(sqlTexts(group) == [#"EXPLAIN QUERY PLAN SELECT "book"."author_id", COUNT(*) FROM "book" GROUP BY "book"."author_id""#])
        #expect(group.notes.map(\.message) == [
            "the query groups by author, and book.author_id has no index: add `index(author)` to entity Book (saves the sort)",
            "checked: with index(author) (on an empty copy of the schema), SQLite's plan becomes SCAN book USING COVERING INDEX book_author_id, with no temporary sort: the rows are read in index order (still every row)",
        ])
    }

    @Test func notesWhenNoIndexCanHelp() throws {
        let (all, _) = try explain("Book.all")
        #expect(all.notes.map(\.message) == ["the query reads every row because it asks for every row: an index helps only a where(...), order(...), group(...) or include"])
        let (like, _) = try explain(#"Book.where(title like "A%")"#)
        #expect(like.notes.map(\.message) == ["LIKE cannot use an ordinary index in SQLite (it is case-insensitive), so a filter with like reads every row"])
        let (unique, _) = try explain(#"Author.where(email == "a@b")"#)
        #expect(unique.notes.map(\.message) == ["no full scan, automatic index or temporary sort: every table is reached through an index or the primary key"])
    }

    @Test func explainDoesNotRunTheQuery() throws {
        let (report, wb) = try explain("Book.count", setup: ":seed Author 2\n:seed Book 5")
        #expect(sqlTexts(report) == [#"EXPLAIN QUERY PLAN SELECT COUNT(*) FROM "book""#])
        #expect(report.value == nil)
        #expect(wb.session.identityMapCount == 0)
    }

    // MARK: - One index per table: filter and order together (issue 16)

    @Test func filterAndOrderGetOneCompositeIndex() throws {
        let (report, wb) = try explain("Book.where(year == 2001).order(title)")
        #expect(block(report, "Query plan of")?.suffix(4) == [
            "├─ SCAN book",
            "│    reads every row of the book table (Book): a full scan, its cost grows with the table",
            "└─ USE TEMP B-TREE FOR ORDER BY",
            "     sorts the rows in a temporary B-tree: no index gives this order",
        ])
        #expect(report.notes.map(\.message) == [
            "the query filters on year and orders by title, and SQLite reads book through one index here, so one index must hold (year, title) in that order: add `index(year, title)` to entity Book (finds the matching rows already in title order: no scan and no sort)",
            "checked: with index(year, title) (on an empty copy of the schema), SQLite's plan becomes SEARCH book USING INDEX book_year_title (year=?), with no full scan, automatic index or temporary sort",
        ])
        let redefinition = try #require(block(report, "To add the index, define Book")).joined(separator: "\n")
        #expect(redefinition == "entity Book { title: String; year: Int; author: Author; index(year, title) }")
        // Pasted, the advice does what it said: a search, and no sort.
        let reports = wb.run(redefinition + "\n:explain Book.where(year == 2001).order(title)", sourceName: "<test>")
        expectOK(reports[0])
        #expect(block(reports[1], "Query plan of")?.suffix(2) == [
            "└─ SEARCH book USING INDEX book_year_title (year=?)",
            "     jumps via index book_year_title to the rows of the book table (Book) with year=?: only matching rows are read",
        ])
        #expect(reports[1].notes.map(\.message) == [
            "no full scan, automatic index or temporary sort: every table is reached through an index or the primary key",
        ])
    }

    @Test func anIndexOnTheFilterAloneGetsTheCompositeNotASecondIndex() throws {
        let (report, _) = try explain("Book.where(year == 2001).order(title)", setup: "entity Book { title: String; year: Int; author: Author; index(year) }")
        #expect(block(report, "Query plan of")?.suffix(4) == [
            "├─ SEARCH book USING INDEX book_year (year=?)",
            "│    jumps via index book_year to the rows of the book table (Book) with year=?: only matching rows are read",
            "└─ USE TEMP B-TREE FOR ORDER BY",
            "     sorts the rows in a temporary B-tree: no index gives this order",
        ])
        #expect(report.notes.map(\.message) == [
            "the query filters on year and orders by title, and SQLite reads book through one index here: index book_year on (year) alone leaves the rows to be sorted, so add `index(year, title)` to entity Book (finds the matching rows already in title order: no scan and no sort); it also serves every query book_year serves",
            "checked: with index(year, title) (on an empty copy of the schema), SQLite's plan becomes SEARCH book USING INDEX book_year_title (year=?), with no full scan, automatic index or temporary sort",
        ])
        // Two single-column indexes do not save the sort either: the advice stays the composite.
        let (both, _) = try explain("Book.where(year == 2001).order(title)",
                                    setup: "entity Book { title: String; year: Int; author: Author; index(year); index(title) }")
        #expect(both.notes.first?.message.contains("add `index(year, title)` to entity Book") == true)
        #expect(!both.notes.contains { $0.message.contains("indexed already") || $0.message.contains("`index(title)`") })
    }

    @Test func aRangeFilterNamesTheSortThatRemains() throws {
        let (report, _) = try explain("Book.where(year > 2000).order(title)")
        #expect(report.notes.map(\.message) == [
            "the query filters on year, and book.year has no index: add `index(year)` to entity Book (turns the scan into a search)",
            "checked: with index(year) (on an empty copy of the schema), SQLite's plan becomes SEARCH book USING INDEX book_year (year>?); still there: USE TEMP B-TREE FOR ORDER BY (the rows are still sorted: year is compared as a range, and an index on it gives the rows in title order only within one year value)",
        ])
        let (indexed, _) = try explain("Book.where(year > 2000).order(title)", setup: "entity Book { title: String; year: Int; author: Author; index(year) }")
        #expect(indexed.notes.map(\.message) == [
            "the plan still has USE TEMP B-TREE FOR ORDER BY (the rows are still sorted: year is compared as a range, and an index on it gives the rows in title order only within one year value)",
        ])
    }

    @Test func aScanInIndexOrderIsNotCalledReachedThroughAnIndex() throws {
        let (report, _) = try explain("Book.order(year)", setup: "entity Book { title: String; year: Int; author: Author; index(year) }")
        #expect(block(report, "Query plan of")?.suffix(2) == [
            "└─ SCAN book USING INDEX book_year",
            "     reads every row of the book table (Book) in the order of index book_year: still every row, but no sort",
        ])
        #expect(report.notes.map(\.message) == [
            "no full table scan, automatic index or temporary sort: book is read whole in the order of index book_year (every row, but no sort)",
        ])
    }

    @Test func anOrderAnIndexCannotGiveIsNamedAsTheSortThatRemains() throws {
        let (mixed, _) = try explain("Book.where(year == 2001).order(title, id desc)")
        #expect(mixed.notes.map(\.message) == [
            "the query filters on year and orders by title and id, and SQLite reads book through one index here, so one index must hold (year, title) in that order: add `index(year, title)` to entity Book (turns the scan into a search)",
            "checked: with index(year, title) (on an empty copy of the schema), SQLite's plan becomes SEARCH book USING INDEX book_year_title (year=?); still there: USE TEMP B-TREE FOR RIGHT PART OF ORDER BY (the index gives the first part of the order, and SQLite sorts the rest among rows that tie on it: the order mixes ascending and descending, and an ORMLab index is ascending)",
        ])
        let (elsewhere, _) = try explain("Book.where(year == 2001).order(author.name)")
        #expect(elsewhere.notes.last?.message == "checked: with index(year) (on an empty copy of the schema), SQLite's plan becomes SEARCH book USING INDEX book_year (year=?); still there: USE TEMP B-TREE FOR ORDER BY (the rows are still sorted: the order is on another table's column, which no index of book gives)")
    }

    @Test func mistakesInTheQueryPointIntoTheLine() throws {
        let reports = try runScript(model + "\n:explain Book.where(yaer > 1)\n:explain Book.where(year > 2000\n:explain\n:explain Book#1.title")
        let typo = reports[2].diagnostics[0]
        #expect(typo.message == "unknown property 'yaer' on Book")
        #expect((typo.line, typo.column) == (3, 21))
        #expect(reports[3].diagnostics[0].message.hasPrefix("expected ')'"))
        #expect(reports[4].diagnostics[0].message == ":explain needs a query")
        #expect(!reports[5].ok)
    }
}
