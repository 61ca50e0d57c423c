import DatabaseKit
import PostgresKit
import SQLBuilder
import SQLiteKit

// The one file of the Runtime that names a driver. A session talks to `SessionDatabase`: one
// final class over the two drivers (SQLite, PostgreSQL through libpq), so the hot paths
// (hydration reading columns by index, the flush binding an object's values in place) make
// direct calls that inline down to the C API behind one predictable branch on which driver it
// is, not a witness call per column. Everything else the Runtime asks of it is a `Database`
// requirement, except the flush's `run(_:lending:)`, SQLite's fast path. The layers above see the
// connection only as `any Database` (`Session.database`) and never import a driver.

/// The connection a session talks to: SQLite's or PostgreSQL's (see the file comment).
public final class SessionDatabase: Database {
    @usableFromInline
    enum Driver {
        case sqlite(SQLiteKit.Connection)
        case postgres(PostgresConnection)
    }

    @usableFromInline let driver: Driver

    /// A connection to SQLite's database at `path` (`":memory:"` for one in memory).
    public init(path: String = ":memory:") throws {
        driver = .sqlite(try SQLiteKit.Connection(path: path))
    }

    /// A connection to a PostgreSQL server (any libpq connection string).
    public init(postgres connectionString: String) throws {
        driver = .postgres(try PostgresConnection(connectionString: connectionString))
    }

    private init(driver: Driver) { self.driver = driver }

    /// True when `target` names a PostgreSQL server rather than a SQLite file: a
    /// `postgres://`/`postgresql://` URI or libpq's `key=value` form naming a host or database.
    public static func isPostgresTarget(_ target: String) -> Bool {
        if target.hasPrefix("postgres://") || target.hasPrefix("postgresql://") { return true }
        let words = target.split(separator: " ")
        return !words.isEmpty && words.allSatisfy { $0.contains("=") }
            && words.contains { $0.hasPrefix("host=") || $0.hasPrefix("dbname=") || $0.hasPrefix("service=") }
    }

    /// The SQL dialect this connection speaks.
    public var sqlDialect: any Dialect {
        switch driver {
        case .sqlite: return SQLiteDialect()
        case .postgres: return PostgresDialect()
        }
    }

    /// The dialect of the default driver (SQLite), for values made before a session exists.
    static var sqlDialect: any Dialect { SQLiteDialect() }

    /// The target as shown to a learner: a SQLite path, or a PostgreSQL connection string with its
    /// password hidden.
    public var displayTarget: String {
        switch driver {
        case .sqlite(let c): return c.path
        case .postgres(let c): return c.redactedTarget
        }
    }

    /// True on PostgreSQL.
    public var isPostgres: Bool {
        if case .postgres = driver { return true }
        return false
    }

    /// The server's notices and warnings since the last call (none on SQLite).
    public func takeNotices() -> [String] {
        if case .postgres(let c) = driver { return c.takeNotices() }
        return []
    }

    /// PostgreSQL's statement savepoint (`PostgresConnection.statementGuardPaused`): paused while
    /// the flush or `:seed` run under their own savepoint, which undoes them on failure.
    public var statementGuardPaused: Bool {
        get { if case .postgres(let c) = driver { return c.statementGuardPaused } else { return true } }
        set { if case .postgres(let c) = driver { c.statementGuardPaused = newValue } }
    }

    /// How many times PostgreSQL's connection was lost and opened again since the last call.
    public func takeReconnections() -> Int {
        if case .postgres(let c) = driver { return c.takeReconnections() }
        return 0
    }

    /// How many failed statements PostgreSQL's statement savepoint undid since the last call
    /// (none on SQLite, which undoes a failed statement by itself).
    public func takeRolledBackStatements() -> Int {
        if case .postgres(let c) = driver { return c.takeRolledBackStatements() }
        return 0
    }

    // MARK: Observers

    public var observer: ((ExecutedStatement) -> Void)? {
        get {
            switch driver {
            case .sqlite(let c): return c.observer
            case .postgres(let c): return c.observer
            }
        }
        set {
            switch driver {
            case .sqlite(let c): c.observer = newValue
            case .postgres(let c): c.observer = newValue
            }
        }
    }

    /// SQLite's: the flush's inserts report their lent parameters through it.
    var lendingObserver: ((ExecutedStatement, UnsafeBufferPointer<DatabaseValue>) -> Void)? {
        get { if case .sqlite(let c) = driver { return c.lendingObserver } else { return nil } }
        set { if case .sqlite(let c) = driver { c.lendingObserver = newValue } }
    }

    public var failureObserver: ((ExecutedStatement, any DatabaseError) -> Void)? {
        get {
            switch driver {
            case .sqlite(let c): return c.failureObserver
            case .postgres(let c): return c.failureObserver
            }
        }
        set {
            switch driver {
            case .sqlite(let c): c.failureObserver = newValue
            case .postgres(let c): c.failureObserver = newValue
            }
        }
    }

    // MARK: Running statements

    public func execute(_ sql: String) throws {
        switch driver {
        case .sqlite(let c): try c.execute(sql)
        case .postgres(let c): try c.execute(sql)
        }
    }

    @inlinable @discardableResult
    public func run(_ sql: String, _ params: [DatabaseValue]) throws -> Int {
        switch driver {
        case .sqlite(let c): return try c.run(sql, params)
        case .postgres(let c): return try c.run(sql, params)
        }
    }

    /// The flush's insert with its values read in place (SQLite); PostgreSQL copies them.
    @inline(__always) @discardableResult
    func run(_ sql: String, lending params: UnsafeBufferPointer<DatabaseValue>) throws -> Int {
        switch driver {
        case .sqlite(let c): return try c.run(sql, lending: params)
        case .postgres(let c): return try c.run(sql, Array(params))
        }
    }

    @inlinable @discardableResult
    public func query(_ sql: String, _ params: [DatabaseValue], _ body: (Row) throws -> Void) throws -> Int {
        switch driver {
        case .sqlite(let c): return try c.query(sql, params) { try body(Row(.sqlite($0))) }
        case .postgres(let c): return try c.query(sql, params) { try body(Row(.postgres($0))) }
        }
    }

    public func clearStatementCache() {
        switch driver {
        case .sqlite(let c): c.clearStatementCache()
        case .postgres(let c): c.clearStatementCache()
        }
    }

    // MARK: State

    public var lastInsertID: Int64 {
        switch driver {
        case .sqlite(let c): return c.lastInsertID
        case .postgres(let c): return c.lastInsertID
        }
    }

    public var changes: Int {
        switch driver {
        case .sqlite(let c): return c.changes
        case .postgres(let c): return c.changes
        }
    }

    public var isInTransaction: Bool {
        switch driver {
        case .sqlite(let c): return c.isInTransaction
        case .postgres(let c): return c.isInTransaction
        }
    }

    public var supportsDropColumn: Bool {
        switch driver {
        case .sqlite(let c): return c.supportsDropColumn
        case .postgres(let c): return c.supportsDropColumn
        }
    }

    public func interrupt() {
        switch driver {
        case .sqlite(let c): c.interrupt()
        case .postgres(let c): c.interrupt()
        }
    }

    // MARK: Explain and introspection

    public func queryPlan(_ sql: String, _ params: [DatabaseValue]) throws -> [QueryPlanStep] {
        switch driver {
        case .sqlite(let c): return try c.queryPlan(sql, params)
        case .postgres(let c): return try c.queryPlan(sql, params)
        }
    }

    /// PostgreSQL's EXPLAIN ANALYZE (`PostgresConnection.analyzedQueryPlan`); nil on SQLite,
    /// whose EXPLAIN QUERY PLAN has no actual rows or times.
    public func analyzedQueryPlan(_ sql: String, _ params: [DatabaseValue]) throws
        -> (steps: [QueryPlanStep], planningMs: Double, executionMs: Double)? {
        guard case .postgres(let c) = driver else { return nil }
        return try c.analyzedQueryPlan(sql, params)
    }

    /// PostgreSQL: plans with indexes created in a transaction that is rolled back
    /// (`PostgresConnection.plansTryingIndexes`); nil on SQLite (it uses `emptyCopyOfSchema`).
    public func plansTryingIndexes(_ createIndexSQL: [String], for statements: [(sql: String, arguments: [DatabaseValue])],
                                   ruleOutSequentialScans: Bool) throws -> [[QueryPlanStep]]? {
        guard case .postgres(let c) = driver else { return nil }
        return try c.plansTryingIndexes(createIndexSQL, for: statements, ruleOutSequentialScans: ruleOutSequentialScans)
    }

    /// True where `:seed` loads rows with COPY (PostgreSQL): keys reserved from the sequence
    /// first (`reserveKeys`), then every row in one COPY (`copyRows`).
    public var loadsRowsWithCopy: Bool { isPostgres }

    /// PostgreSQL: `count` new keys from `table`'s identity sequence (see PostgresConnection).
    public func reserveKeys(table: String, column: String, count: Int) throws -> [Int64] {
        guard case .postgres(let c) = driver else { throw ORMError("reserving keys works on PostgreSQL only") }
        return try c.reserveKeys(table: table, column: column, count: count)
    }

    /// PostgreSQL: every row in one `COPY … FROM STDIN` (see PostgresConnection).
    @discardableResult
    public func copyRows(into table: String, columns: [String], rows: [[DatabaseValue]]) throws -> Int {
        guard case .postgres(let c) = driver else { throw ORMError("COPY works on PostgreSQL only") }
        return try c.copyRows(into: table, columns: columns, rows: rows)
    }

    public func tableNames() throws -> [String] {
        switch driver {
        case .sqlite(let c): return try c.tableNames()
        case .postgres(let c): return try c.tableNames()
        }
    }

    public func columns(of table: String) throws
        -> [(name: String, type: String, notNull: Bool, defaultValue: String?, primaryKey: Bool)] {
        switch driver {
        case .sqlite(let c): return try c.columns(of: table)
        case .postgres(let c): return try c.columns(of: table)
        }
    }

    public func schemaVersion() -> Int64? {
        switch driver {
        case .sqlite(let c): return c.schemaVersion()
        case .postgres(let c): return c.schemaVersion()
        }
    }

    public func schemaObjects() throws -> [SchemaObject] {
        switch driver {
        case .sqlite(let c): return try c.schemaObjects()
        case .postgres(let c): return try c.schemaObjects()
        }
    }

    public func integrityCheck() throws -> String {
        switch driver {
        case .sqlite(let c): return try c.integrityCheck()
        case .postgres(let c): return try c.integrityCheck()
        }
    }

    public func emptyCopyOfSchema() throws -> SessionDatabase {
        switch driver {
        case .sqlite(let c): return SessionDatabase(driver: .sqlite(try c.emptyCopyOfSchema()))
        case .postgres(let c): return SessionDatabase(driver: .postgres(try c.emptyCopyOfSchema()))
        }
    }

    // MARK: Two sessions

    /// A second connection to the same database (`:session B`).
    func openingAnother() throws -> SessionDatabase {
        switch driver {
        case .sqlite(let c): return try SessionDatabase(path: c.path)
        case .postgres(let c): return SessionDatabase(driver: .postgres(try c.openingAnother()))
        }
    }

    /// Copies every table and row into `destination` (SQLite's backup), for a second session
    /// on what was an in-memory database.
    func copyDatabase(into destination: SessionDatabase) throws {
        guard case .sqlite(let c) = driver, case .sqlite(let d) = destination.driver else {
            throw ORMError("copying a database works between SQLite databases only")
        }
        try c.copyDatabase(into: d)
    }

    /// How long a statement waits for another connection's lock (SQLite's busy timeout,
    /// PostgreSQL's lock_timeout).
    func setBusyTimeout(milliseconds: Int32) throws {
        switch driver {
        case .sqlite(let c): try c.setBusyTimeout(milliseconds: milliseconds)
        case .postgres(let c): try c.setLockTimeout(milliseconds: milliseconds)
        }
    }

    /// The PostgreSQL server process of this connection (nil on SQLite): how pg_locks names it.
    public var backendPID: Int32? {
        if case .postgres(let c) = driver { return c.backendPID }
        return nil
    }

    /// PostgreSQL: other connections' transactions holding locks on this schema's tables
    /// (pg_stat_activity, pg_locks), leaving out `excluded` server processes; [] on SQLite.
    public func transactionsHoldingLocks(excluding excluded: [Int32]) throws -> [(pid: Int64, state: String, query: String)] {
        if case .postgres(let c) = driver { return try c.transactionsHoldingLocks(excluding: excluded) }
        return []
    }

    /// The SQLSTATE of the last statement PostgreSQL refused since the last call (nil on SQLite).
    public func takeLastFailureSQLState() -> String? {
        if case .postgres(let c) = driver { return c.takeLastFailureSQLState() }
        return nil
    }

    /// True inside a PostgreSQL transaction the server aborted (false on SQLite).
    public var isTransactionAborted: Bool {
        if case .postgres(let c) = driver { return c.isTransactionAborted }
        return false
    }

    /// After a rollback on PostgreSQL: a lock_timeout set inside the transaction is set again.
    public func reapplyLockTimeout() {
        if case .postgres(let c) = driver { c.reapplyLockTimeout() }
    }

    /// An in-memory copy, rows included (`:compare pattern`); SQLite only (SQLite's backup).
    public func copyInMemory() throws -> SessionDatabase {
        switch driver {
        case .sqlite(let c): return SessionDatabase(driver: .sqlite(try c.copyInMemory()))
        case .postgres: throw PostgresError(sqlState: "0A000", message: "a copy of the database in memory works on SQLite only: PostgreSQL has no in-memory database to compare on")
        }
    }

    /// The catalog: SQLite's PRAGMAs, or PostgreSQL's pg_catalog (PostgresCatalog.swift).
    public var schemaCatalog: (any SchemaCatalog)? {
        switch driver {
        case .sqlite(let c): return c
        case .postgres(let c): return c
        }
    }

    // MARK: ORMLab's metadata

    public func storedEntityDefinitions() throws -> [StoredEntityDefinition] {
        switch driver {
        case .sqlite(let c): return try c.storedEntityDefinitions()
        case .postgres(let c): return try c.storedEntityDefinitions()
        }
    }

    public func storeEntityDefinition(_ definition: StoredEntityDefinition) throws {
        switch driver {
        case .sqlite(let c): try c.storeEntityDefinition(definition)
        case .postgres(let c): try c.storeEntityDefinition(definition)
        }
    }

    public func isMetadataTable(_ name: String) -> Bool {
        switch driver {
        case .sqlite(let c): return c.isMetadataTable(name)
        case .postgres(let c): return c.isMetadataTable(name)
        }
    }

    // MARK: Row

    /// A row of either driver, read by column index; valid only inside the query's body.
    public struct Row: DatabaseRow {
        @usableFromInline
        enum Source {
            case sqlite(SQLiteKit.Row)
            case postgres(PostgresRow)
        }
        @usableFromInline let source: Source

        @inlinable init(_ source: Source) { self.source = source }

        @inlinable public var columnCount: Int {
            switch source {
            case .sqlite(let r): return r.columnCount
            case .postgres(let r): return r.columnCount
            }
        }
        @inlinable public func isNull(_ i: Int) -> Bool {
            switch source {
            case .sqlite(let r): return r.isNull(i)
            case .postgres(let r): return r.isNull(i)
            }
        }
        @inlinable public func int64(_ i: Int) -> Int64 {
            switch source {
            case .sqlite(let r): return r.int64(i)
            case .postgres(let r): return r.int64(i)
            }
        }
        @inlinable public func nonNullInt64(_ i: Int) -> Int64? {
            switch source {
            case .sqlite(let r): return r.nonNullInt64(i)
            case .postgres(let r): return r.nonNullInt64(i)
            }
        }
        @inlinable public func double(_ i: Int) -> Double {
            switch source {
            case .sqlite(let r): return r.double(i)
            case .postgres(let r): return r.double(i)
            }
        }
        @inlinable public func string(_ i: Int) -> String {
            switch source {
            case .sqlite(let r): return r.string(i)
            case .postgres(let r): return r.string(i)
            }
        }
        @inlinable public func blob(_ i: Int) -> [UInt8] {
            switch source {
            case .sqlite(let r): return r.blob(i)
            case .postgres(let r): return r.blob(i)
            }
        }
        @inlinable public func value(_ i: Int) -> DatabaseValue {
            switch source {
            case .sqlite(let r): return r.value(i)
            case .postgres(let r): return r.value(i)
            }
        }
        public func columnName(_ i: Int) -> String {
            switch source {
            case .sqlite(let r): return r.columnName(i)
            case .postgres(let r): return r.columnName(i)
            }
        }
    }
}

extension Session {
    /// A session on a new connection to `target`: a SQLite file path (`":memory:"` for a
    /// database in memory) or a PostgreSQL connection string (`postgres://…`).
    public static func open(path target: String) throws -> Session {
        if SessionDatabase.isPostgresTarget(target) {
            return Session(connection: try SessionDatabase(postgres: target))
        }
        return Session(connection: try SessionDatabase(path: target))
    }

    /// This session, moved to a copy of its database in a new file at `path`: SQLite's in-memory
    /// database belongs to one connection, so a second session needs the data in a file both can
    /// open. Mapping, identity map, statement log and settings come along; nothing may be pending.
    public func movedToFile(at path: String) throws -> Session {
        guard !hasPendingChanges, !db.isInTransaction else {
            throw ORMError("this session has unsaved changes or an open transaction", hint: "`save` or `rollback` first, then open the second session")
        }
        let connection = try SessionDatabase(path: path)
        try db.copyDatabase(into: connection)
        let moved = Session(connection: connection, naming: schema.naming, log: log)
        moved.takeOver(from: self)
        return moved
    }

    /// A second session on the database file this session uses, sharing its mapping.
    public func openingAnotherSession() throws -> Session {
        let other = Session(connection: try db.openingAnother(), naming: schema.naming)
        other.shareMapping(of: self)
        return other
    }

    /// The connection, through the driver seam: what the workbench and the tools above it use.
    public var database: any Database { db }

    /// Stops the statement running on this session's connection (from another thread, e.g. on
    /// Ctrl-C); the command then fails with an "interrupted" diagnostic and the session goes on.
    public func interrupt() { db.interrupt() }
}

/// `target` as it may be shown: a PostgreSQL connection string with its password hidden, a
/// SQLite path as it is.
public func displayedDatabaseTarget(_ target: String) -> String {
    SessionDatabase.isPostgresTarget(target) ? redactedConnectionString(target) : target
}

/// A row of the session's driver, read by column index in the hydration loops.
typealias SessionRow = SessionDatabase.Row

extension Session {
    /// A session on an in-memory copy of this session's database, rows included, with the same
    /// naming, lazy policy and autoflush; its mapping is restored by the caller from the stored
    /// declarations (`:compare pattern` runs a script on two such copies).
    public func sessionOnCopy() throws -> Session {
        let copy = Session(connection: try log.withoutRecording { try db.copyInMemory() }, naming: schema.naming)
        copy.lazyPolicy = lazyPolicy
        copy.autoflush = autoflush
        return copy
    }
}
