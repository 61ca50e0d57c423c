// PostgreSQL's SQL: everything ORMLab renders for PostgreSQL that is not standard SQL is in this
// file. This is the text ORMLab runs on PostgreSQL (through libpq, PostgresKit).

/// PostgreSQL's spelling of SQL (version 10 or later: identity columns).
public struct PostgresDialect: Dialect {
    public init() {}

    public var name: String { "PostgreSQL" }

    /// Real types: keys are 64-bit (`BIGINT`, what the ORM's ids hold), booleans `BOOLEAN`,
    /// dates `TIMESTAMP`, bytes `BYTEA`.
    public func columnTypeName(_ type: ColumnType) -> String {
        switch type {
        case .integer: return "BIGINT"
        case .real: return "DOUBLE PRECISION"
        case .text: return "TEXT"
        case .boolean: return "BOOLEAN"
        case .date: return "TIMESTAMP"
        case .blob: return "BYTEA"
        case .decimal(let precision, let scale): return "NUMERIC(\(precision),\(scale))"
        }
    }

    /// Numbered placeholders: `$1`, `$2`, … (a value used twice can be bound once).
    public func placeholder(_ index: Int) -> String { "$" + String(index) }

    /// `LIMIT n OFFSET m`; either alone is fine.
    public func limitClause(limit: String?, offset: String?) -> String {
        var clause = ""
        if let limit { clause += " LIMIT " + limit }
        if let offset { clause += " OFFSET " + offset }
        return clause
    }

    public var supportsReturning: Bool { true }

    /// No connection-wide "last insert id": an INSERT hands back its key with `RETURNING "id"`.
    public var readsGeneratedKeysWithReturning: Bool { true }

    /// ORMLab's own savepoints are plain words, as on SQLite.
    public func savepointName(_ savepoint: Savepoint) -> String {
        savepoint.quoted ? quoteIdentifier(savepoint.name) : savepoint.name
    }

    /// `RELEASE SAVEPOINT` and `ROLLBACK TO SAVEPOINT`: PostgreSQL accepts the short forms too,
    /// but these are the ones its documentation writes.
    public func transactionSQL(_ statement: TransactionStatement) -> String {
        switch statement {
        case .release(let s): return "RELEASE SAVEPOINT " + savepointName(s)
        case .rollbackTo(let s): return "ROLLBACK TO SAVEPOINT " + savepointName(s)
        default: return standardTransactionSQL(statement)
        }
    }

    /// ALTER TABLE changes types, NOT NULL, UNIQUE, defaults and foreign keys in place.
    public var altersColumnsInPlace: Bool { true }

    /// Booleans and integers have no cast between BIGINT and BOOLEAN: a comparison and a CASE.
    public func conversionSQL(_ column: String, from: ColumnType, to: ColumnType) -> String {
        switch (from, to) {
        case (.integer, .boolean), (.real, .boolean): return column + " <> 0"
        case (.boolean, .integer), (.boolean, .real): return "CASE WHEN " + column + " THEN 1 ELSE 0 END"
        default: return column + "::" + columnTypeName(to)
        }
    }

    /// `SELECT setval(…)`: rows copied in with their ids leave the identity's sequence behind.
    public func resetGeneratedKeySQL(table: String, column: String) -> String? {
        "SELECT setval(pg_get_serial_sequence(" + stringLiteral(quoteIdentifier(table)) + ", " + stringLiteral(column)
            + "), COALESCE(MAX(" + quoteIdentifier(column) + "), 0) + 1, false) FROM " + quoteIdentifier(table)
    }

    /// PostgreSQL's LIKE is case-sensitive; ILIKE is the DSL's `like`.
    public var caseInsensitiveLikeOperator: String { "ILIKE" }
    public var likeEscapesWithBackslash: Bool { true }
}
