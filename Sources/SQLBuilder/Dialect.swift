import DatabaseKit

// How a database spells SQL. Statements are values (SQL.swift, SchemaStatements.swift); one
// renderer walks them and asks the dialect at each point where databases differ: quoting,
// placeholders, LIMIT/OFFSET, booleans, RETURNING, transaction control, the foreign-key switches
// of a table rebuild, column type names. The defaults below are standard SQL; a dialect overrides what its database
// does otherwise. A new database is one new file with one type conforming to `Dialect`
// (SQLiteDialect.swift is the model), nothing else. A new requirement also needs its forwarding
// line in `SessionDialect` (StatementTrees.swift), the session's recording wrapper.

/// The SQL spelling of one database (SQLAlchemy's dialect, Hibernate's `Dialect`).
public protocol Dialect: Sendable {
    /// The database's name, for messages (`"SQLite"`).
    var name: String { get }

    /// An identifier (table, column, index, alias) quoted so any name, keywords included, works.
    func quoteIdentifier(_ name: String) -> String
    /// The type name a column of this kind is declared with (`INTEGER`, `TIMESTAMP`, `BLOB`).
    func columnTypeName(_ type: ColumnType) -> String
    /// A string as an SQL literal, for DDL defaults (values of statements are always bound).
    func stringLiteral(_ text: String) -> String
    /// The placeholder for the `index`th bound parameter (1-based): `?`, `$1`, `@p1`.
    func placeholder(_ index: Int) -> String
    /// `TRUE`/`FALSE`, or what the database uses for them (an empty AND is true, an empty OR false).
    func booleanLiteral(_ value: Bool) -> String
    /// The row-limiting clause after ORDER BY (with its leading space), from the rendered
    /// limit and offset expressions; "" when both are nil.
    func limitClause(limit: String?, offset: String?) -> String
    /// True when INSERT/UPDATE/DELETE may end with `RETURNING ...` (generated keys in one trip).
    var supportsReturning: Bool { get }
    /// A savepoint's name as written in SAVEPOINT/RELEASE/ROLLBACK TO.
    func savepointName(_ savepoint: Savepoint) -> String
    /// BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK TO.
    func transactionSQL(_ statement: TransactionStatement) -> String
    /// The statement that turns foreign-key enforcement off or on for the connection (around a
    /// table rebuild), or nil when the database needs none.
    func foreignKeyEnforcementSQL(_ enabled: Bool) -> String?
    /// The statement listing the rows of `table` whose foreign keys point nowhere (one row per
    /// violation), or nil when the database checks them itself.
    func foreignKeyCheckSQL(table: String) -> String?
    /// What follows the type of an integer primary key so the database numbers new rows itself
    /// (`PRIMARY KEY` on SQLite, whose rowid does it; an identity column elsewhere).
    func generatedKeyClause() -> String
    /// True when an INSERT reads the key it generated with `RETURNING` (PostgreSQL has no
    /// connection-wide "last insert id"); false when the driver asks for it after the INSERT.
    var readsGeneratedKeysWithReturning: Bool { get }
    /// The text between an INSERT's column list and VALUES (SQL Server's `OUTPUT INSERTED.…`).
    func insertOutputClause(_ columns: [String]) -> String
    /// The text after an INSERT's VALUES that hands back the generated columns (`RETURNING …`).
    func insertReturningClause(_ columns: [String]) -> String
    /// The operator a case-insensitive pattern match is written with (`LIKE` where LIKE already
    /// ignores case, as on SQLite and MySQL; `ILIKE` on PostgreSQL).
    var caseInsensitiveLikeOperator: String { get }
    /// True where a backslash in a LIKE pattern escapes the next character by default
    /// (PostgreSQL, MySQL); SQLite and SQL Server have no escape character without ESCAPE.
    var likeEscapesWithBackslash: Bool { get }
    /// True when ALTER TABLE can change a column in place (type, NOT NULL, UNIQUE, default,
    /// foreign key) and add or drop any column, so a redefinition needs no table rebuild.
    var altersColumnsInPlace: Bool { get }
    /// The expression converting `column`'s values from one type to another (ALTER … USING).
    func conversionSQL(_ column: String, from: ColumnType, to: ColumnType) -> String
    /// The statement that moves an identity column's sequence past the largest id, or nil.
    func resetGeneratedKeySQL(table: String, column: String) -> String?
    /// True when SAVEPOINT outside a transaction starts one (SQLite); elsewhere it needs BEGIN.
    var savepointStartsTransaction: Bool { get }
    /// The statement that opens a transaction at `isolation`, or nil when the database lacks it.
    func beginSQL(isolation: IsolationLevel) -> String?
    /// Which isolation levels the database gives (for a note and for the error on a missing one).
    var isolationLevelsNote: String { get }
    /// The clause after a SELECT that locks its rows (` FOR UPDATE`), or nil when the database
    /// has no row locks (SQLite: a transaction locks the whole database, see `locksWholeDatabase`).
    func rowLockClause(_ lock: RowLock) -> String?
    /// True when a write lock covers the whole database, not rows (SQLite).
    var locksWholeDatabase: Bool { get }
    /// Where the statements this dialect renders are kept by their text (a session's
    /// `SessionDialect`, for `:dialect NAME`); nil for a plain dialect.
    var statementTrees: StatementTrees? { get }
}

extension Dialect {
    public func quoteIdentifier(_ name: String) -> String {
        var out = "\""
        for ch in name.unicodeScalars {
            if ch == "\"" { out += "\"\"" } else { out.unicodeScalars.append(ch) }
        }
        return out + "\""
    }

    /// Standard SQL's names.
    public func columnTypeName(_ type: ColumnType) -> String {
        switch type {
        case .integer: return "INTEGER"
        case .real: return "DOUBLE PRECISION"
        case .text: return "VARCHAR"
        case .boolean: return "BOOLEAN"
        case .date: return "TIMESTAMP"
        case .blob: return "BLOB"
        case .decimal(let precision, let scale): return "NUMERIC(\(precision),\(scale))"
        }
    }

    public func stringLiteral(_ text: String) -> String {
        "'" + text.replacing("'", with: "''") + "'"
    }

    public func placeholder(_ index: Int) -> String { "?" }

    public func booleanLiteral(_ value: Bool) -> String { value ? "TRUE" : "FALSE" }

    public func limitClause(limit: String?, offset: String?) -> String {
        var clause = ""
        if let offset { clause += " OFFSET " + offset + " ROWS" }
        if let limit { clause += " FETCH FIRST " + limit + " ROWS ONLY" }
        return clause
    }

    public var supportsReturning: Bool { false }

    public func savepointName(_ savepoint: Savepoint) -> String { quoteIdentifier(savepoint.name) }

    public func transactionSQL(_ statement: TransactionStatement) -> String { standardTransactionSQL(statement) }

    /// The standard spelling of transaction control, for a dialect that overrides one case.
    public func standardTransactionSQL(_ statement: TransactionStatement) -> String {
        switch statement {
        case .begin: return "BEGIN"
        // A database without SQLite's lock modes takes its locks as it writes.
        case .beginImmediate: return "BEGIN"
        case .commit: return "COMMIT"
        case .rollback: return "ROLLBACK"
        case .savepoint(let s): return "SAVEPOINT " + savepointName(s)
        case .release(let s): return "RELEASE " + savepointName(s)
        case .rollbackTo(let s): return "ROLLBACK TO " + savepointName(s)
        }
    }

    public func foreignKeyEnforcementSQL(_ enabled: Bool) -> String? { nil }

    public func foreignKeyCheckSQL(table: String) -> String? { nil }

    /// Standard SQL's identity column.
    public func generatedKeyClause() -> String { "GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" }

    public var readsGeneratedKeysWithReturning: Bool { false }

    public func insertOutputClause(_ columns: [String]) -> String { "" }

    public func insertReturningClause(_ columns: [String]) -> String {
        guard supportsReturning, !columns.isEmpty else { return "" }
        return " RETURNING " + columns.map(quoteIdentifier).joined(separator: ", ")
    }

    public var caseInsensitiveLikeOperator: String { "LIKE" }

    public var likeEscapesWithBackslash: Bool { false }

    public var altersColumnsInPlace: Bool { false }

    public func conversionSQL(_ column: String, from: ColumnType, to: ColumnType) -> String {
        "CAST(" + column + " AS " + columnTypeName(to) + ")"
    }

    public func resetGeneratedKeySQL(table: String, column: String) -> String? { nil }

    public var savepointStartsTransaction: Bool { false }
    public func beginSQL(isolation: IsolationLevel) -> String? {
        "START TRANSACTION ISOLATION LEVEL " + isolation.rawValue.uppercased()
    }

    public var isolationLevelsNote: String { "the SQL standard's four levels: read uncommitted, read committed, repeatable read, serializable" }

    public func rowLockClause(_ lock: RowLock) -> String? {
        switch lock {
        case .forUpdate: return " FOR UPDATE"
        case .forUpdateNoWait: return " FOR UPDATE NOWAIT"
        case .forUpdateSkipLocked: return " FOR UPDATE SKIP LOCKED"
        }
    }

    public var locksWholeDatabase: Bool { false }

    public var statementTrees: StatementTrees? { nil }
}

/// The dialect used where a caller names none (tests, previews): SQLite's, ORMLab's one database
/// so far. The session renders with its driver's dialect (`Session.dialect`).
public let standardDialect: any Dialect = SQLiteDialect()

