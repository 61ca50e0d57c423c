import Testing
import DatabaseKit
import SQLBuilder

// A next database is one type conforming to `Dialect`: this one, written for the test in the
// shape a PostgreSQL dialect would take, changes placeholders, booleans, limits and savepoint
// quoting, and the one renderer follows it without any other change.

private struct NumberedDialect: Dialect {
    var name: String { "Numbered" }
    func placeholder(_ index: Int) -> String { "$\(index)" }
}

private let numbered = NumberedDialect()

@Suite struct DialectSeamTests {
    @Test func placeholdersAreNumberedAsTheirValuesAreCollected() {
        let select = Select(columns: [.column(table: nil, name: "id")], from: "book",
                            filter: .and([.eq(.column(table: nil, name: "title"), .value("A")),
                                          .inSubquery(.column(table: nil, name: "author_id"),
                                                      Select(columns: [.column(table: nil, name: "id")], from: "author",
                                                             filter: .eq(.column(table: nil, name: "name"), .value("B"))))]),
                            limit: .value(10), offset: .value(20))
        let rendered = numbered.render(select)
        #expect(rendered.sql == #"SELECT "id" FROM "book" WHERE "title" = $1 AND "author_id" IN (SELECT "id" FROM "author" WHERE "name" = $2) OFFSET $4 ROWS FETCH FIRST $3 ROWS ONLY"#)
        #expect(rendered.arguments == [.text("A"), .text("B"), .integer(10), .integer(20)])
        // Placeholders bound later are numbered too.
        #expect(numbered.render(Insert(table: "t", columns: ["a", "b"], values: [.parameter, .parameter])).sql
                == #"INSERT INTO "t" ("a", "b") VALUES ($1, $2)"#)
    }

    @Test func standardDefaultsForWhatSQLiteSpellsItsOwnWay() {
        #expect(numbered.render(.and([])).sql == "TRUE")
        #expect(numbered.literalSQL(.bool(true)) == "TRUE")
        #expect(!numbered.supportsReturning)
        #expect(numbered.transactionSQL(.beginImmediate) == "BEGIN")
        #expect(numbered.transactionSQL(.savepoint(.flush)) == #"SAVEPOINT "flush""#)
        // No foreign-key switch or check around a rebuild: the steps are left out.
        #expect(numbered.render(.foreignKeyEnforcement(false)) == nil)
        #expect(numbered.render(.foreignKeyCheck(table: "book")) == nil)
    }

    @Test func columnTypesAreNamedByTheDialect() {
        let done = ColumnDefinition(name: "done", type: .boolean, notNull: true)
        let since = ColumnDefinition(name: "since", type: .date)
        #expect(numbered.columnDefinitionSQL(done) == #""done" BOOLEAN NOT NULL"#)
        #expect(numbered.columnDefinitionSQL(since) == #""since" TIMESTAMP"#)
        // SQLite has storage classes, not these types.
        #expect(SQLiteDialect().columnDefinitionSQL(done) == #""done" INTEGER NOT NULL"#)
        #expect(SQLiteDialect().columnDefinitionSQL(since) == #""since" TEXT"#)
    }
}
