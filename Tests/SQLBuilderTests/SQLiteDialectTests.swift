import Testing
import DatabaseKit
import SQLBuilder

// The exact SQL text the SQLite dialect renders for each statement kind, with its bound
// arguments: the text the statement log shows and SQLite runs.

private let sqlite = SQLiteDialect()

private func column(_ name: String, _ table: String? = nil) -> SQLExpr { .column(table: table, name: name) }

@Suite struct SQLiteDialectTests {
    // MARK: - Queries

    @Test func selectWithEveryClause() {
        let select = Select(columns: [.allColumns(table: "b"), .function("COUNT", [.raw("*")])], from: "book", fromAlias: "b",
                            joins: [Join(.left, table: "author", alias: "a", on: .eq(column("id", "a"), column("author_id", "b")))],
                            filter: .and([.binary(column("year", "b"), ">", .value(1990)), .binary(column("name", "a"), "LIKE", .value("U%"))]),
                            groupBy: [column("id", "b")], having: .binary(.function("COUNT", [.raw("*")]), ">", .value(1)),
                            orderBy: [OrderTerm(column("title", "b"), descending: true)], limit: .value(10), offset: .value(20),
                            distinct: true)
        let rendered = sqlite.render(select)
        #expect(rendered.sql == #"SELECT DISTINCT "b".*, COUNT(*) FROM "book" AS "b" LEFT JOIN "author" AS "a" ON "a"."id" = "b"."author_id" WHERE "b"."year" > ? AND "a"."name" LIKE ? GROUP BY "b"."id" HAVING COUNT(*) > ? ORDER BY "b"."title" DESC LIMIT ? OFFSET ?"#)
        #expect(rendered.arguments == [.integer(1990), .text("U%"), .integer(1), .integer(10), .integer(20)])
    }

    @Test func anOffsetWithoutALimitGetsLimitMinusOne() {
        let select = Select(columns: [column("id")], from: "book", offset: .value(5))
        #expect(sqlite.render(select).sql == #"SELECT "id" FROM "book" LIMIT -1 OFFSET ?"#)
        #expect(sqlite.render(select).arguments == [.integer(5)])
    }

    @Test func subqueriesAndPrecedence() {
        let parents = Select(columns: [column("id")], from: "author",
                             filter: .notInSubquery(column("id"), Select(columns: [column("author_id")], from: "book",
                                                                         filter: .isNull(column("author_id"), negated: true))),
                             orderBy: [OrderTerm(column("id"))])
        #expect(sqlite.render(parents).sql
                == #"SELECT "id" FROM "author" WHERE "id" NOT IN (SELECT "author_id" FROM "book" WHERE "author_id" IS NOT NULL) ORDER BY "id""#)

        let mixed = SQLExpr.and([.or([.eq(column("a"), .value(1)), .eq(column("b"), .value(2))]), .not(.exists(Select(columns: [.raw("1")], from: "t")))])
        #expect(sqlite.render(mixed).sql == #"("a" = ? OR "b" = ?) AND NOT EXISTS (SELECT 1 FROM "t")"#)
        #expect(sqlite.render(.inList(column("id"), [.value(1), .value(2)])).sql == #""id" IN (?, ?)"#)
        #expect(sqlite.render(.inSubquery(column("id"), Select(columns: [column("id")], from: "t"))).sql == #""id" IN (SELECT "id" FROM "t")"#)
    }

    @Test func emptyConjunctionsAreSQLiteBooleans() {
        #expect(sqlite.render(.and([])).sql == "1")
        #expect(sqlite.render(.or([])).sql == "0")
        #expect(sqlite.render(.boolean(true)).sql == "1")
    }

    // MARK: - Writes

    @Test func insertUpdateDeleteWithPlaceholdersBoundLater() {
        let insert = Insert(table: "book", columns: ["title", "author_id"], values: [.parameter, .parameter])
        #expect(sqlite.render(insert) == RenderedSQL(sql: #"INSERT INTO "book" ("title", "author_id") VALUES (?, ?)"#, arguments: []))
        let update = Update(table: "book", assignments: [("title", .parameter), ("year", .value(2001))], filter: .eq(column("id"), .parameter))
        #expect(sqlite.render(update) == RenderedSQL(sql: #"UPDATE "book" SET "title" = ?, "year" = ? WHERE "id" = ?"#, arguments: [.integer(2001)]))
        let delete = Delete(table: "book_tag", filter: .and([.eq(column("book_id"), .parameter), .eq(column("tag_id"), .parameter)]))
        #expect(sqlite.render(delete).sql == #"DELETE FROM "book_tag" WHERE "book_id" = ? AND "tag_id" = ?"#)
        #expect(sqlite.render(Delete(table: "book", filter: nil)).sql == #"DELETE FROM "book""#)
    }

    // MARK: - Quoting and parameters

    @Test(arguments: [
        ("book", #""book""#),
        ("order", #""order""#),
        (#"we"ird"#, #""we""ird""#),
        (#""""#, #""""""""#),
        ("naïve täble", #""naïve täble""#),
    ])
    func identifiersAreQuotedWithQuotesDoubled(name: String, quoted: String) {
        #expect(sqlite.quoteIdentifier(name) == quoted)
        #expect(sqlite.render(Select(columns: [column(name, name)], from: name)).sql == "SELECT \(quoted).\(quoted) FROM \(quoted)")
        #expect(sqlite.render(.dropTable(name)) == "DROP TABLE \(quoted)")
    }

    @Test func valuesNeverEnterTheText() {
        let hostile = "'); DROP TABLE book; --"
        let select = Select(columns: [column("id")], from: "book", filter: .eq(column("title"), .value(.text(hostile))))
        let rendered = sqlite.render(select)
        #expect(rendered.sql == #"SELECT "id" FROM "book" WHERE "title" = ?"#)
        #expect(rendered.arguments == [.text(hostile)])
        let update = sqlite.render(Update(table: "book", assignments: [("title", .value(.text(hostile)))], filter: .eq(column("id"), .value(7))))
        #expect(!update.sql.contains("DROP") && update.arguments == [.text(hostile), .integer(7)])
    }

    // MARK: - Schema statements

    @Test func createTableWithEveryKindOfColumn() {
        let table = CreateTable(name: "book", columns: [
            ColumnDefinition(name: "id", type: .integer, isPrimaryKey: true),
            ColumnDefinition(name: "title", type: .text, notNull: true, unique: true),
            ColumnDefinition(name: "note", type: .text, defaultValue: .text("O'Brien")),
            ColumnDefinition(name: "done", type: .boolean, notNull: true, defaultValue: .bool(false)),
            ColumnDefinition(name: "price", type: .real, defaultValue: .real(9.5)),
            ColumnDefinition(name: "author_id", type: .integer, notNull: true,
                             references: ForeignKeyReference(table: "author", onDelete: "CASCADE")),
        ])
        #expect(sqlite.render(.createTable(table)) == #"CREATE TABLE "book" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL UNIQUE, "note" TEXT DEFAULT 'O''Brien', "done" INTEGER NOT NULL DEFAULT 0, "price" REAL DEFAULT 9.5, "author_id" INTEGER NOT NULL REFERENCES "author"("id") ON DELETE CASCADE)"#)
    }

    @Test func joinTableHasACompositeKey() {
        let link = { (name: String, table: String) in
            ColumnDefinition(name: name, type: .integer, notNull: true, references: ForeignKeyReference(table: table, onDelete: "CASCADE"))
        }
        let table = CreateTable(name: "book_tag", columns: [link("book_id", "book"), link("tag_id", "tag")], primaryKey: ["book_id", "tag_id"])
        #expect(sqlite.render(.createTable(table)) == #"CREATE TABLE "book_tag" ("book_id" INTEGER NOT NULL REFERENCES "book"("id") ON DELETE CASCADE, "tag_id" INTEGER NOT NULL REFERENCES "tag"("id") ON DELETE CASCADE, PRIMARY KEY ("book_id", "tag_id"))"#)
    }

    @Test func indexesAlterationsAndTheRebuildSteps() {
        #expect(sqlite.render(.createIndex(CreateIndex(name: "book_title_year", table: "book", columns: ["title", "year"], unique: true)))
                == #"CREATE UNIQUE INDEX "book_title_year" ON "book"("title", "year")"#)
        #expect(sqlite.render(.createIndex(CreateIndex(name: "book_year", table: "book", columns: ["year"]))) == #"CREATE INDEX "book_year" ON "book"("year")"#)
        #expect(sqlite.render(.dropIndex("book_year")) == #"DROP INDEX "book_year""#)
        #expect(sqlite.render(.addColumn(table: "book", ColumnDefinition(name: "subtitle", type: .text))) == #"ALTER TABLE "book" ADD COLUMN "subtitle" TEXT"#)
        #expect(sqlite.render(.renameTable("new_book", to: "book")) == #"ALTER TABLE "new_book" RENAME TO "book""#)
        #expect(sqlite.render(.dropColumn(table: "book", column: "subtitle")) == #"ALTER TABLE "book" DROP COLUMN "subtitle""#)
        #expect(sqlite.render(.createIndex(CreateIndex(name: "book_year", table: "book", columns: ["year"], ifNotExists: true)))
                == #"CREATE INDEX IF NOT EXISTS "book_year" ON "book"("year")"#)
        #expect(sqlite.render(.copyRows(from: "book", into: "new_book", columns: ["id", "title"]))
                == #"INSERT INTO "new_book" ("id", "title") SELECT "id", "title" FROM "book""#)
        #expect(sqlite.render(.foreignKeyEnforcement(false)) == "PRAGMA foreign_keys = OFF")
        #expect(sqlite.render(.foreignKeyEnforcement(true)) == "PRAGMA foreign_keys = ON")
        #expect(sqlite.render(.foreignKeyCheck(table: "book")) == #"PRAGMA foreign_key_check("book")"#)
        #expect(sqlite.render(.createTable(CreateTable(name: "t", columns: [ColumnDefinition(name: "id", type: .integer, isPrimaryKey: true)], ifNotExists: true)))
                == #"CREATE TABLE IF NOT EXISTS "t" ("id" INTEGER PRIMARY KEY)"#)
    }

    @Test func transactionControl() {
        #expect(sqlite.transactionSQL(.begin) == "BEGIN")
        #expect(sqlite.transactionSQL(.beginImmediate) == "BEGIN IMMEDIATE")
        #expect(sqlite.transactionSQL(.commit) == "COMMIT")
        #expect(sqlite.transactionSQL(.rollback) == "ROLLBACK")
        #expect(sqlite.transactionSQL(.savepoint(.flush)) == "SAVEPOINT flush")
        #expect(sqlite.transactionSQL(.release(.flush)) == "RELEASE flush")
        #expect(sqlite.transactionSQL(.rollbackTo(.flush)) == "ROLLBACK TO flush")
        #expect(sqlite.transactionSQL(.savepoint(.seed)) == #"SAVEPOINT "seed""#)
        #expect(sqlite.render(.transaction(.release(.seed))) == #"RELEASE "seed""#)
        #expect(sqlite.transactionSQL(.savepoint(Savepoint(#"a"b"#))) == #"SAVEPOINT "a""b""#)
    }

    @Test func theStandardDialectIsSQLite() {
        #expect(standardDialect.name == "SQLite")
        #expect(standardDialect.supportsReturning)
        #expect(SQLRenderer.render(Select(columns: [column("id")], from: "t", limit: .value(1))).sql == #"SELECT "id" FROM "t" LIMIT ?"#)
    }
}
