import Testing
import DatabaseKit
import SQLBuilder

// Issue 22: how a dialect locks rows and opens a transaction at an isolation level. The standard
// spelling (a database with row locks, as PostgreSQL's dialect will be) and SQLite's, which locks
// the whole database and gives SERIALIZABLE for every level it accepts.

private struct RowLockingDialect: Dialect {
    var name: String { "RowLocking" }
}

@Suite struct LockingDialectTests {
    let select: Select = {
        var s = Select(columns: [.allColumns(table: "account")], from: "account",
                       filter: .eq(.column(table: "account", name: "id"), .value(1)))
        s.lock = .forUpdate
        return s
    }()

    @Test func aDialectWithRowLocksAddsForUpdate() {
        let dialect = RowLockingDialect()
        #expect(dialect.render(select).sql == #"SELECT "account".* FROM "account" WHERE "account"."id" = ? FOR UPDATE"#)
        var noWait = select
        noWait.lock = .forUpdateNoWait
        #expect(dialect.render(noWait).sql.hasSuffix(" FOR UPDATE NOWAIT"))
        noWait.lock = .forUpdateSkipLocked
        #expect(dialect.render(noWait).sql.hasSuffix(" FOR UPDATE SKIP LOCKED"))
        #expect(dialect.beginSQL(isolation: .repeatableRead) == "START TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        #expect(!dialect.locksWholeDatabase)
    }

    @Test func sqliteLocksTheDatabaseNotRows() {
        let sqlite = SQLiteDialect()
        #expect(sqlite.render(select).sql == #"SELECT "account".* FROM "account" WHERE "account"."id" = ?"#)
        #expect(sqlite.locksWholeDatabase)
        #expect(sqlite.beginSQL(isolation: .serializable) == "BEGIN")
        #expect(sqlite.beginSQL(isolation: .readCommitted) == "BEGIN")
        #expect(sqlite.beginSQL(isolation: .readUncommitted) == nil)
    }
}
