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
        ① SELECT "author".* FROM "author" WHERE "author"."born" < ? AND "author"."name" LIKE ?  -- ? = 1950, "%u%"
          2 rows · 0.04 ms
          full scan 1 step
          ↳ Author.where(born < 1950 and name like "%u%")
        -- objects --
        Author#1  clean
          name  = "Ursula K. Le Guin"
          born  = 1929
          books = ⟨not loaded⟩
        Author#2  dirty  ⟲ identity map
          name  = "村上春樹 👍🏽" (was "Murakami")
          born  = 1949
          books = [Book#1, Book#2]
        1 statement · 2 rows · 2 objects (1 from the identity map)
        note: 1 of 2 objects were already in the identity map: the row was read, but the same object came back (its in-memory state wins)
        """)
}

@Test func plainDDLHasNoObjectsSection() {
    #expect(PlainRenderer.render(Fixtures.ddl) == """
        -- mapping --
        Author → author
          id   → id INTEGER PRIMARY KEY
          name → name TEXT NOT NULL
          born → born INTEGER
          index author_name ON author(name)
        -- sql --
        ① CREATE TABLE "author" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "born" INTEGER)
          0 rows · 0.31 ms
          ↳ entity Author
        ② CREATE INDEX "author_name" ON "author"("name")
          0 rows · 0.10 ms
          sort 1
          ↳ entity Author
        2 statements · 0 rows
        note: Author maps to table author
        """)
}

@Test func plainDiagnosticIsTheRenderedTextOnly() {
    #expect(PlainRenderer.render(Fixtures.diagnostic) == """
        error: unknown property 'nmae' on Author
         --> <repl>:1:14
          |
        1 | Author.where(nmae == "x")
          |              ^~~~
          = hint: did you mean 'name'?
        """)
}

@Test func plainNPlusOneShowsCountersObjectsWarningAndTable() {
    #expect(PlainRenderer.render(Fixtures.nPlusOne) == """
        -- mapping --
        Author → author
          id    → id INTEGER PRIMARY KEY
          name  → name TEXT NOT NULL
          books → has-many Book
                  book.author_id → author.id
                  inverse of Book.author
        -- sql --
        ① SELECT "author".* FROM "author" ORDER BY "author"."name"
          3 rows · 0.05 ms
          full scan 2 steps · sort 1
          ↳ Author.all.order(name)
        ② SELECT "book".* FROM "book" WHERE "book"."author_id" = ?  -- ? = 2
          1 row · 0.02 ms
          full scan 2 steps
          ↳ a.books
        ③ SELECT "book".* FROM "book" WHERE "book"."author_id" = ?  -- ? = 3
          1 row · 0.02 ms
          full scan 2 steps
          ↳ a.books
        ④ SELECT "book".* FROM "book" WHERE "book"."author_id" = ?  -- ? = 1
          1 row · 0.02 ms
          full scan 2 steps
          ↳ a.books
        -- objects --
        Author#2  clean
          name  = "Butler"
          books = [Book#2]
        Author#3  clean
          name  = "Jemisin"
          books = [Book#3]
        Author#1  clean
          name  = "Le Guin"
          books = [Book#1]
        4 statements · 6 rows · 3 objects
        warning: N+1 queries: the same SELECT ran 3 times in this command, once per object (cause: a.books): SELECT "book".* FROM "book" WHERE "book"."author_id" = ?. Fix: include(books) in the query, or :set lazy batch loads them all in one more query.

        for a in Author.all.order(name)
        | a        | a.books.count |
        |----------|--------------:|
        | Author#2 |             1 |
        | Author#3 |             1 |
        | Author#1 |             1 |
        """)
}

@Test func plainValueFollowsTheSQL() {
    #expect(PlainRenderer.render(Fixtures.value) == """
        -- sql --
        ① SELECT "author".* FROM "author" WHERE "author"."id" = ?  -- ? = 1
          1 row · 0.01 ms
          ↳ Author#1
        ② SELECT "book".* FROM "book" WHERE "book"."author_id" = ?  -- ? = 1
          1 row · 0.01 ms
          ↳ Author#1.books
        = 1
        2 statements · 2 rows
        """)
}

@Test func plainHelpIsBlocksSeparatedByBlankLines() {
    #expect(PlainRenderer.render(Fixtures.help) == """
        identity: the identity map: one object per row per session
        The session keeps one object per row (the identity map). Finding an object that is
        already loaded runs no SQL, and a query that returns a loaded row returns the same
        object, whose in-memory state wins. :forget empties the identity map, like starting a
        new request.

        Example (runs as written)
          entity Author { name: String }
          insert Author(name: "Le Guin")
          save
          Author#1
          Author#1
          :forget
          Author#1
        """)
}

@Test func plainTableIsPipeSeparatedWithNumbersRightAligned() {
    // (The columns are Author's whole row, so `:sql` also hydrates them: issue 20.)
    #expect(PlainRenderer.render(Fixtures.table) == """
        -- mapping --
        Author → author
          id   → id INTEGER PRIMARY KEY
          name → name TEXT NOT NULL
          born → born INTEGER
        -- sql --
        ① SELECT id, name, born FROM author WHERE id IN (1, 2, 10)
          3 rows · 0.01 ms
          ↳ :sql
        -- objects --
        Author#1  clean  ⟲ identity map
          name = "Ursula K. Le Guin"
          born = 1929
        Author#2  clean  ⟲ identity map
          name = "村上春樹"
          born = 1949
        Author#10  clean  ⟲ identity map
          name = "Octavia"
          born = nil
        1 statement · 3 rows · 3 objects (3 from the identity map)
        note: the columns are Author's row, so the rows became Author objects through the identity map (3 already loaded: the same object came back, its in-memory state wins)

        | id  | name                | born |
        |----:|---------------------|-----:|
        |   1 | "Ursula K. Le Guin" | 1929 |
        |   2 | "村上春樹"          | 1949 |
        |  10 | "Octavia"           |  nil |
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
