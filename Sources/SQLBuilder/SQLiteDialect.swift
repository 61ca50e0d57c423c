// SQLite's SQL: everything ORMLab renders for SQLite that is not standard SQL is in this file.

/// SQLite's spelling of SQL (3.35 or later: RETURNING).
public struct SQLiteDialect: Dialect {
    public init() {}

    public var name: String { "SQLite" }

    /// SQLite's storage classes: no boolean or date type, so booleans are integers 0 and 1 and
    /// dates ISO-8601 text (SQLite's date functions read them).
    public func columnTypeName(_ type: ColumnType) -> String {
        switch type {
        case .integer, .boolean: return "INTEGER"
        case .real: return "REAL"
        case .text, .date: return "TEXT"
        case .blob: return "BLOB"
        // NUMERIC affinity, so comparisons and ORDER BY are numeric (a TEXT column would sort
        // '10.50' before '9.99'). SQLite then stores '10.50' as the REAL 10.5, but only when the
        // conversion is lossless (15 significant digits or fewer; else it keeps the text):
        // reading it back rounded to the column's scale gives exactly 10.50, and sums are made
        // as scaled integers (`ExactDecimal`), never as a sum of doubles.
        case .decimal(let precision, let scale): return "NUMERIC(\(precision),\(scale))"
        }
    }

    /// SQLite has no boolean type: true and false are the integers 1 and 0.
    public func booleanLiteral(_ value: Bool) -> String { value ? "1" : "0" }

    /// `LIMIT n OFFSET m`; an offset alone needs `LIMIT -1` (SQLite has no OFFSET without LIMIT).
    public func limitClause(limit: String?, offset: String?) -> String {
        guard limit != nil || offset != nil else { return "" }
        var clause = " LIMIT " + (limit ?? "-1")
        if let offset { clause += " OFFSET " + offset }
        return clause
    }

    public var supportsReturning: Bool { true }

    /// A SAVEPOINT outside BEGIN … COMMIT starts a transaction, and its RELEASE commits it.
    public var savepointStartsTransaction: Bool { true }

    /// ORMLab's own savepoints are plain words; a name that needs quoting is quoted.
    public func savepointName(_ savepoint: Savepoint) -> String {
        savepoint.quoted ? quoteIdentifier(savepoint.name) : savepoint.name
    }

    /// SQLite runs every transaction SERIALIZABLE: a plain BEGIN gives the stronger level for
    /// read committed and repeatable read too (the standard allows a stronger level). Dirty
    /// reads never happen, so READ UNCOMMITTED is refused rather than silently upgraded.
    public func beginSQL(isolation: IsolationLevel) -> String? {
        isolation == .readUncommitted ? nil : "BEGIN"
    }

    public var isolationLevelsNote: String {
        "SQLite gives one level, SERIALIZABLE: a writer locks the whole database, so transactions run as if one after another; it has no dirty reads, non-repeatable reads, phantoms or write skew to show (ask for read committed, repeatable read or serializable: each gets SERIALIZABLE)"
    }

    /// No row locks: `Query.lock` opens the transaction with BEGIN IMMEDIATE instead.
    public func rowLockClause(_ lock: RowLock) -> String? { nil }

    public var locksWholeDatabase: Bool { true }

    public func transactionSQL(_ statement: TransactionStatement) -> String {
        if statement == .beginImmediate { return "BEGIN IMMEDIATE" }
        return standardTransactionSQL(statement)
    }

    /// `PRAGMA foreign_keys = OFF/ON`: a table rebuild turns enforcement off around its
    /// transaction (SQLite ignores the switch inside one), as SQLite's documentation describes.
    public func foreignKeyEnforcementSQL(_ enabled: Bool) -> String? {
        "PRAGMA foreign_keys = " + (enabled ? "ON" : "OFF")
    }

    /// The rowid numbers rows: an `INTEGER PRIMARY KEY` column is an alias for it.
    public func generatedKeyClause() -> String { "PRIMARY KEY" }

    /// `PRAGMA foreign_key_check("book")`: one row per broken reference.
    public func foreignKeyCheckSQL(table: String) -> String? {
        "PRAGMA foreign_key_check(" + quoteIdentifier(table) + ")"
    }
}
