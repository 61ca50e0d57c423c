import Testing
import Report
@testable import Render

@Test func plainQueryShowsMappingSQLAndObjects() {
    #expect(PlainRenderer.render(Fixtures.query) == """
        -- mapping --
        Author → author
          id    → id INTEGER PRIMARY KEY
          name  → name TEXT NOT NULL
          born  → born INTEGER
          books → has-many Book
                  book.author_id → author.id
                  inverse of Book.author
          index author_name ON author(name)
        -- sql --
        ① SELECT "author".* FROM "author" WHERE "author"."born" < ? AND "author"."name" LIKE ?  -- ? = 1950, "U%"
          2 rows · 0.04 ms
          ↳ Author.where(born < 1950 and name like "U%")
        -- objects --
        Author#1  clean
          name  = "Ursula K. Le Guin"
          born  = 1929
          books = ⟨not loaded⟩
        Author#2  dirty  ⟲ identity map
          name  = "村上春樹 👍🏽" (was "Murakami")
          born  = 1949
          books = [Book#3, Book#4]
        1 statement · 2 rows · 2 objects (1 from the identity map)
        """)
}

@Test func plainDDLHasNoObjectsSection() {
    #expect(PlainRenderer.render(Fixtures.ddl) == """
        -- mapping --
        Author → author  (waiting for Book)
          id    → id INTEGER PRIMARY KEY
          name  → name TEXT NOT NULL
          born  → born INTEGER
          books → has-many Book
                  book.author_id → author.id
                  pending
          index author_name ON author(name)
        -- sql --
        ① CREATE TABLE "author" (
            "id" INTEGER PRIMARY KEY,
            "name" TEXT NOT NULL,
            "born" INTEGER
          )
          0 rows · 0.31 ms
          ↳ entity Author
        ② CREATE INDEX "author_name" ON "author"("name")
          0 rows · 0.10 ms
          ↳ entity Author
        2 statements · 0 rows
        """)
}

@Test func plainDiagnosticIsTheRenderedTextOnly() {
    #expect(PlainRenderer.render(Fixtures.diagnostic) == """
        error: unknown property 'nmae' on Author
         --> 1:14
          |
        1 | Author.where(nmae == "x")
          |              ^^^^
          = hint: did you mean 'name'?
        """)
}

@Test func plainNPlusOneShowsCountersValueAndWarnings() {
    #expect(PlainRenderer.render(Fixtures.nPlusOne) == """
        -- sql --
        ① SELECT "author".* FROM "author"
          3 rows · 0.05 ms
          full scan 1,000 steps · sort 1
          ↳ Author.all
        ② SELECT "book".* FROM "book" WHERE "book"."author_id" = ?  -- ? = 1
          1 row · 0.02 ms
          ↳ Author#1.books
        ③ SELECT "book".* FROM "book" WHERE "book"."author_id" = ?  -- ? = 2
          1 row · 0.02 ms
          ↳ Author#2.books
        ④ SELECT "book".* FROM "book" WHERE "book"."author_id" = ?  -- ? = 3
          1 row · 0.02 ms
          ↳ Author#3.books
        = 3
        4 statements · 6 rows
        warning: N+1: the loop over Author.all ran the same SELECT on book 3 times, once per author. Load the books up front with Author.include(books).
        note: Lazy loading runs a query the first time an association is touched.
        """)
}

@Test func plainHelpIsBlocksSeparatedByBlankLines() {
    #expect(PlainRenderer.render(Fixtures.help) == """
        ORMLab help
        Type a DSL statement to see its mapping, SQL and objects.
          :schema    the mapping and the DDL
          :quit      leave

        Example
          insert Author(name: "Ursula", email: "u@example.org")
          Author.all
        """)
}

@Test func plainTableIsPipeSeparatedWithNumbersRightAligned() {
    #expect(PlainRenderer.render(Fixtures.table) == """
        -- sql --
        ① SELECT id, name, born FROM author
          3 rows · 0.01 ms
          ↳ :sql
        1 statement · 3 rows

        | id  | name              | born |
        |----:|-------------------|-----:|
        |   1 | Ursula K. Le Guin | 1929 |
        |   2 | 村上春樹          | 1949 |
        |  10 | Octavia           |  nil |
        """)
}

@Test func plainIdentityMapHitShowsSummaryWithoutSQL() {
    let report = Report(input: "Author#1",
                        objects: [ObjectSnapshot(ref: "Author#1", entity: "Author", state: .clean,
                                                 values: [NamedValue("name", .text("Ursula"))], fromIdentityMap: true)],
                        notes: [Note(.identityMap, "Author#1 was already in the identity map: no SQL ran.")])
    #expect(PlainRenderer.render(report) == """
        -- objects --
        Author#1  clean  ⟲ identity map
          name = "Ursula"
        0 statements · 0 rows · 1 object (1 from the identity map)
        note: Author#1 was already in the identity map: no SQL ran.
        """)
}

@Test func plainEmptyReportIsEmpty() {
    #expect(PlainRenderer.render(Report(input: "")) == "")
}
