import Foundation
import Testing
import Report
@testable import Render

// Issue 21: the SQL pane names each bound value by the placeholder that holds it in the
// statement's dialect: `-- ? = …` (SQLite, MySQL), `-- $1 = …` (PostgreSQL), `-- @p1 = …` (SQL
// Server); a long IN list folds the same way in all three.

@Test func postgresPlaceholdersAreNamedInTheSQLPane() {
    let insert = StatementRecord(sql: #"INSERT INTO "book" ("title", "author_id") VALUES ($1, $2) RETURNING "id""#,
                                 params: [.text("Kindred"), .integer(2)], rows: 1, ms: 0.1, cause: "save")
    #expect(PlainRenderer.render(Report(input: "save", sql: [insert])) == """
        -- sql --
        ① INSERT INTO "book" ("title", "author_id") VALUES ($1, $2) RETURNING "id"  -- $1 = "Kindred", $2 = 2
          1 row · 0.10 ms
          ↳ save
        1 statement · 1 row
        """)
    // SQLite's positional placeholders keep the old comment.
    let sqlite = StatementRecord(sql: #"INSERT INTO "book" ("title") VALUES (?)"#, params: [.text("Kindred")], rows: 1, ms: 0.1, cause: "save")
    #expect(PlainRenderer.render(Report(input: "save", sql: [sqlite])).contains(#"VALUES (?)  -- ? = "Kindred""#))
}

@Test func aLongPostgresINListFoldsAndKeepsItsNumbering() {
    let sql = #"SELECT "book".* FROM "book" WHERE "book"."year" > $1 AND "book"."author_id" IN ("#
        + (2...301).map { "$\($0)" }.joined(separator: ", ") + #") LIMIT $302"#
    let record = StatementRecord(sql: sql, params: [.integer(1900)] + (1...300).map { .integer(Int64($0)) } + [.integer(5)],
                                 rows: 400, ms: 1.5, cause: "include(books)")
    let text = PlainRenderer.render(Report(input: "q", sql: [record]))
    #expect(text.contains(#"IN ($2, $3, … 300 values) LIMIT $302  -- $1 = 1900, $2 = 1, $3 = 2, … 300 values, $302 = 5"#))
    #expect(!text.contains("$4,"))
}

@Test func sqlServerAndQuotedDollarsAreRecognised() {
    #expect(BoundParameterComment.text(sql: "SELECT [a].* FROM [a] WHERE [a].[n] = @p1 AND [a].[m] = @p2", values: ["1", "\"x\""])
            == #"@p1 = 1, @p2 = "x""#)
    // A `$1` inside a quoted name or text is not a placeholder; the `?` after it is.
    #expect(BoundParameterComment.style(of: #"SELECT "$1" FROM "t" WHERE "a" = ?"#) == .positional)
    #expect(BoundParameterComment.style(of: #"SELECT 'a$1' FROM "t" WHERE "a" = $1"#) == .numbered)
}
