import Foundation
import Testing
import Report
@testable import Render

// Issue 16: a 300-value IN list is folded in the text panes (`IN (?, ?, … 300 values)`) and in
// :log's tables; the report and its JSON keep every placeholder and value.

private let longIN = StatementRecord(
    sql: #"SELECT "book".* FROM "book" WHERE "book"."author_id" IN ("# + Array(repeating: "?", count: 300).joined(separator: ", ") + ")",
    params: (1...300).map { .integer(Int64($0)) }, rows: 400, ms: 1.5, cause: "include(books)")

@Test func aLongINListIsFoldedInTheSQLPane() {
    let report = Report(input: "Author.all.include(books)", sql: [longIN])
    #expect(PlainRenderer.render(report) == """
        -- sql --
        ① SELECT "book".* FROM "book" WHERE "book"."author_id" IN (?, ?, … 300 values)  -- ? = 1, 2, … 300 values
          400 rows · 1.50 ms
          ↳ include(books)
        1 statement · 400 rows
        """)
    let terminal = TerminalRenderer.render(report, options: RenderOptions(width: 120, color: false))
    #expect(terminal.contains(#"IN (?, ?, … 300 values)  -- ? = 1, 2, … 300 values"#))
    #expect(!terminal.contains("?, ?, ?"))
}

@Test func jsonKeepsTheWholeList() throws {
    let report = Report(input: "Author.all.include(books)", sql: [longIN])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(JSONRenderer.render(report).utf8)) as? [String: Any])
    let sql = try #require((object["sql"] as? [[String: Any]])?.first)
    #expect(sql["sql"] as? String == longIN.sql)
    #expect((sql["params"] as? [Int])?.count == 300)
}

@Test func foldingKeepsValuesBeforeAndAfterTheList() {
    let sql = #"SELECT * FROM "t" WHERE "a" = ? AND "b" IN ("# + Array(repeating: "?", count: 12).joined(separator: ", ") + ") LIMIT ?"
    let params = [#""x, y""#] + (1...12).map(String.init) + ["5"]
    let folded = SQLFolding.foldingINLists(sql: sql, params: params)
    #expect(folded.sql == #"SELECT * FROM "t" WHERE "a" = ? AND "b" IN (?, ?, … 12 values) LIMIT ?"#)
    #expect(folded.params == [#""x, y""#, "1", "2", "… 12 values", "5"])
    // The same statement as :log writes it on one line: a comma inside a text value does not split.
    #expect(SQLFolding.foldingINLists(inStatementLine: sql + "  -- " + params.joined(separator: ", "))
            == #"SELECT * FROM "t" WHERE "a" = ? AND "b" IN (?, ?, … 12 values) LIMIT ?  -- "x, y", 1, 2, … 12 values, 5"#)
}

@Test func shortListsAndQuotedTextStayAsTheyAre() {
    let five = #"SELECT "book".* FROM "book" WHERE "book"."author_id" IN (?, ?, ?, ?, ?)"#
    #expect(SQLFolding.foldingINLists(sql: five, params: ["1", "2", "3", "4", "5"]).sql == five)
    let quoted = #"SELECT 'IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'"#
    #expect(SQLFolding.foldingINLists(sql: quoted, params: []).sql == quoted)
}

@Test func logTablesFoldTheirSQLColumnOnly() {
    let line = longIN.sql + "  -- " + (1...300).map(String.init).joined(separator: ", ")
    let report = Report(input: ":log", blocks: [.table(title: "Statement log", header: ["#", "command", "cause", "sql", "rows", "ms"],
                                                       rows: [["1", "Author.all.include(books)", "include(books)", line, "400", "1.50"]])])
    #expect(PlainRenderer.render(report).contains(#"| SELECT "book".* FROM "book" WHERE "book"."author_id" IN (?, ?, … 300 values)  -- 1, 2, … 300 values |"#))
    #expect(JSONRenderer.render(report).contains((1...300).map(String.init).joined(separator: ", ")))
}
