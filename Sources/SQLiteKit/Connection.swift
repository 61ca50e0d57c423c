import CSQLite
@_exported import DatabaseKit

/// SQLite's name for a value, kept for the code (and tests) written before the driver seam:
/// the seam's `DatabaseValue` has one case per SQLite storage class.
public typealias SQLiteValue = DatabaseValue

// MARK: - Connection

/// An open SQLite database: owns its `sqlite3` handle, a statement cache and the trace hook.
///
/// Opening turns on extended result codes and foreign keys (and reads `PRAGMA foreign_keys`
/// back to prove it), and sets a busy timeout. Every statement run through `execute`, `run` or
/// `query` is reported to `observer`; the introspection helpers (`tableNames`, `columns(of:)`,
/// `integrityCheck`) are not, since they are the workbench looking, not the ORM working.
///
/// A connection is used from one thread at a time; only `interrupt()` may be called from another.
public final class Connection: Database {
    /// The path given at opening (`":memory:"` for an in-memory database).
    public let path: String
    /// The C connection handle; valid for the lifetime of this object.
    let handle: OpaquePointer
    /// Prepared statements by SQL text (see `cachedStatement(_:)`).
    private var statementCache: [String: Statement] = [:]
    /// The cached statement used last: a flush runs the same INSERT thousands of times in a
    /// row, and comparing with it is cheaper than hashing the SQL text each time.
    private var lastCachedStatement: Statement?

    /// Called after every statement run through `execute`, `run` or `query`: the trace hook.
    public var observer: ((ExecutedStatement) -> Void)?
    /// When set, called instead of `observer` after a statement run with `run(_:lending:)`,
    /// with its parameters lent for the call only (the `ExecutedStatement`'s `params` is
    /// empty): a log that keeps them its own way copies them, and no array is made for them.
    package var lendingObserver: ((ExecutedStatement, UnsafeBufferPointer<SQLiteValue>) -> Void)?
    /// Called when SQLite refuses a statement while running it (a constraint violation, an
    /// interrupt), with the statement and its parameters, before the error is thrown: the
    /// statement log shows the failing statement too, not only the ones that worked.
    public var failureObserver: ((ExecutedStatement, any DatabaseError) -> Void)?

    /// How long a statement waits for a lock held by another connection before `SQLITE_BUSY`.
    public static let busyTimeoutMilliseconds: Int32 = 5_000

    /// Opens the database at `path`, creating the file if it is missing.
    /// The SQLite library's version number (3.35.0 is 3035000).
    public static var libraryVersionNumber: Int { Int(sqlite3_libversion_number()) }

    /// `ALTER TABLE … DROP COLUMN` arrived in SQLite 3.35.0.
    public var supportsDropColumn: Bool { Self.libraryVersionNumber >= 3_035_000 }

    public init(path: String = ":memory:") throws {
        var openedHandle: OpaquePointer?
        // NOMUTEX: one thread at a time uses a connection, so SQLite need not lock its mutex on
        // every call (each column read included). sqlite3_interrupt takes no lock either way.
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX
        let openCode = sqlite3_open_v2(path, &openedHandle, flags, nil)
        guard let openedHandle else {
            throw SQLiteError(extendedCode: SQLITE_NOMEM, message: "could not allocate a connection", sql: nil)
        }
        guard openCode == SQLITE_OK else {
            let error = SQLiteError.fromConnection(openedHandle, resultCode: openCode, sql: nil)
            sqlite3_close_v2(openedHandle)
            throw error
        }
        self.path = path
        self.handle = openedHandle
        // From here on, a throw runs deinit, which closes the handle.
        try check(sqlite3_extended_result_codes(handle, 1))
        try check(sqlite3_busy_timeout(handle, Self.busyTimeoutMilliseconds))
        try check(ormlab_sqlite_enable_fkey(handle, 1))
        try verifyForeignKeysAreOn()
    }

    deinit {
        schemaVersionStatement = nil
        // Finalize cached statements first; close_v2 defers the close until statements still held
        // elsewhere are finalized too, so their handles never dangle.
        lastCachedStatement = nil
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Reads `PRAGMA foreign_keys` back: SQLite silently ignores the setting inside a transaction
    /// or when compiled without foreign key support, and an ORM lesson on them would then lie.
    private func verifyForeignKeysAreOn() throws {
        let statement = try Statement(connectionHandle: handle, sql: "PRAGMA foreign_keys", persistent: false)
        guard try statement.step(), statement.row.int64(0) == 1 else {
            throw SQLiteError(extendedCode: SQLITE_ERROR,
                              message: "foreign keys could not be enabled on this SQLite build",
                              sql: statement.sql)
        }
    }

    /// Throws the connection's current error unless `resultCode` is `SQLITE_OK`.
    private func check(_ resultCode: Int32, sql: String? = nil) throws {
        guard resultCode == SQLITE_OK else {
            throw SQLiteError.fromConnection(handle, resultCode: resultCode, sql: sql)
        }
    }

    // MARK: - State

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// The generated key of the most recent INSERT: SQLite's rowid (the `id` column aliases it).
    public var lastInsertID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE (`sqlite3_changes`).
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// True inside an explicit transaction (BEGIN without COMMIT/ROLLBACK yet).
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Stops the running statement at its next opportunity; it then throws `SQLITE_INTERRUPT`.
    ///
    /// Safe to call from another thread (that is its purpose) or a signal handler. If nothing is
    /// running, it has no lasting effect: the next statement starts fresh.
    public func interrupt() {
        busyWaitCancelled = true
        sqlite3_interrupt(handle)
    }

    /// Set by `interrupt()`: ends a lock wait of the busy handler `setBusyTimeout` installs
    /// (sqlite3_interrupt alone does not cut SQLite's own busy-timeout sleep short).
    private var busyWaitCancelled = false
    /// The wait `setBusyTimeout` allows, in milliseconds.
    private var busyTimeoutLimit: Int32 = Connection.busyTimeoutMilliseconds

    // MARK: - Statements

    /// The prepared statement for `sql`, prepared once and reused: reset, bindings cleared.
    ///
    /// Do not hand the result of a cached statement to code that may ask for the same SQL while
    /// you are still stepping it; `query` and `run` handle that case by preparing a fresh one.
    public func cachedStatement(_ sql: String) throws -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            statement.clearBindings()
            return statement
        }
        let statement = try Statement(connectionHandle: handle, sql: sql, persistent: true)
        statementCache[sql] = statement
        return statement
    }

    /// A new statement for `sql`, not cached: finalized when you release it.
    public func prepare(_ sql: String) throws -> Statement {
        try Statement(connectionHandle: handle, sql: sql, persistent: false)
    }

    /// How long a statement waits for a lock another connection holds before failing with
    /// `database is locked` (`SQLITE_BUSY`); 0 fails at once.
    /// The wait is slept in 10 ms steps by a busy handler that gives up early after
    /// `interrupt()` (Ctrl-C), so a waiting command can be cancelled.
    public func setBusyTimeout(milliseconds: Int32) throws {
        busyTimeoutLimit = max(0, milliseconds)
        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(sqlite3_busy_handler(handle, { context, attempts in
            guard let context else { return 0 }
            let connection = Unmanaged<Connection>.fromOpaque(context).takeUnretainedValue()
            // A new wait forgets an interrupt that came while nothing waited.
            if attempts == 0 { connection.busyWaitCancelled = false }
            if connection.busyWaitCancelled || attempts * 10 >= connection.busyTimeoutLimit { return 0 }
            sqlite3_sleep(10)
            return 1
        }, context))
    }

    /// Copies this whole database into `destination` (SQLite's online backup API): how an
    /// in-memory database, which belongs to its one connection, moves to a file others can open.
    public func copyDatabase(into destination: Connection) throws {
        guard let backup = sqlite3_backup_init(destination.handle, "main", handle, "main") else {
            throw SQLiteError.fromConnection(destination.handle, resultCode: sqlite3_errcode(destination.handle), sql: nil)
        }
        let stepCode = sqlite3_backup_step(backup, -1)
        let finishCode = sqlite3_backup_finish(backup)
        guard stepCode == SQLITE_DONE, finishCode == SQLITE_OK else {
            throw SQLiteError.fromConnection(destination.handle, resultCode: finishCode == SQLITE_OK ? stepCode : finishCode, sql: nil)
        }
    }

    /// Finalizes every cached statement (call after schema changes you want to see re-planned).
    public func clearStatementCache() {
        lastCachedStatement = nil
        statementCache.removeAll()
    }

    /// The cached statement for `sql`, or a fresh one if the cached one is still being stepped
    /// by an enclosing `query` (a nested query with the same SQL, e.g. walking a tree).
    /// Both callers bind every parameter next (`bind` checks the count), so the statement used
    /// last keeps its old bindings here: clearing them cost more than an INSERT's step.
    private func idleStatement(_ sql: String) throws -> Statement {
        if let last = lastCachedStatement, last.sql == sql, !last.isBusy {
            // (`run` and `query` reset it when they finish: only a statement stepped since needs it.)
            if last.needsReset { last.reset() }
            return last
        }
        if let statement = statementCache[sql], statement.isBusy {
            return try prepare(sql)
        }
        let statement = try cachedStatement(sql)
        lastCachedStatement = statement
        return statement
    }

    // MARK: - Running SQL

    /// Runs one or more statements without parameters (DDL, BEGIN/COMMIT, PRAGMA, a script).
    ///
    /// Each statement is reported to `observer` separately. Execution stops at the first error;
    /// the statements before it stay executed.
    public func execute(_ sql: String) throws {
        var utf8 = Array(sql.utf8CString)
        try utf8.withUnsafeMutableBufferPointer { buffer in
            guard let start = buffer.baseAddress else { return }
            let end = start + (buffer.count - 1)       // the terminating NUL
            var position = UnsafePointer(start)
            while position < end {
                var statementHandle: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let remainingBytes = Int32(UnsafePointer(end) - position + 1)
                let code = sqlite3_prepare_v2(handle, position, remainingBytes, &statementHandle, &tail)
                guard code == SQLITE_OK else {
                    let remaining = String(cString: position)
                    throw SQLiteError.fromConnection(handle, resultCode: code,
                                                     sql: trimmedSQL(remaining))
                }
                guard let statementHandle else { break }   // only whitespace or comments were left
                let statementSQL = trimmedSQL(sqlite3_sql(statementHandle).map { String(cString: $0) } ?? "")
                let statement = Statement(connectionHandle: handle, handle: statementHandle, sql: statementSQL)
                try runToCompletion(statement, params: [])
                guard let tail, tail > position else { break }
                position = tail
            }
        }
    }

    /// Runs a write (or any statement whose rows you do not need) via the statement cache.
    ///
    /// Returns the number of rows it changed (0 for DDL and other statements that change none).
    @discardableResult
    public func run(_ sql: String, _ params: [SQLiteValue] = []) throws -> Int {
        let statement = try idleStatement(sql)
        try statement.bind(params, outlivingSteps: true)
        return try runToCompletion(statement, params: params)
    }

    /// `run(_:_:)` with the parameters read where they are (a new object's values, in place):
    /// no array is made to bind them, nor, with `lendingObserver` set, to report them.
    /// The caller keeps them unchanged until the call returns.
    @discardableResult
    package func run(_ sql: String, lending params: UnsafeBufferPointer<SQLiteValue>) throws -> Int {
        let statement = try idleStatement(sql)
        try statement.bind(params, outlivingSteps: true)
        defer { statement.reset() }
        let (changed, rows, duration): (Int, Int, Double)
        do {
            (changed, rows, duration) = try stepToCompletion(statement)
        } catch {
            if failureObserver != nil { reportFailure(statement, params: Array(params), error: error) }
            throw error
        }
        if let lendingObserver {
            lendingObserver(ExecutedStatement(sql: statement.sql, rows: rows, duration: duration,
                                              status: statement.status(reset: true)), params)
        } else if let observer {
            observer(ExecutedStatement(sql: statement.sql, params: Array(params), rows: rows,
                                       duration: duration, status: statement.status(reset: true)))
        }
        return changed
    }

    /// Steps `statement` to the end, reports it, and returns rows changed (or rows returned if
    /// it returns rows and changes none, e.g. a PRAGMA).
    @discardableResult
    private func runToCompletion(_ statement: Statement, params: [SQLiteValue]) throws -> Int {
        defer { statement.reset() }
        let (changed, rows, duration): (Int, Int, Double)
        do {
            (changed, rows, duration) = try stepToCompletion(statement)
        } catch {
            reportFailure(statement, params: params, error: error)
            throw error
        }
        if let observer {
            observer(ExecutedStatement(sql: statement.sql, params: params, rows: rows,
                                       duration: duration, status: statement.status(reset: true)))
        }
        return changed
    }

    /// Steps `statement` to the end (the caller resets it): rows changed, rows to report
    /// (returned, if it returns rows and changes none), and its duration.
    @inline(__always)
    private func stepToCompletion(_ statement: Statement) throws -> (changed: Int, rows: Int, duration: Double) {
        if statement.countersNeedReset { _ = statement.status(reset: true) }
        let totalChangesBefore = sqlite3_total_changes64(handle)
        let start = monotonicSeconds()
        var returnedRows = 0
        while try statement.step() { returnedRows += 1 }
        let duration = monotonicSeconds() - start
        // sqlite3_changes keeps the count of the last INSERT/UPDATE/DELETE, even across a later
        // CREATE TABLE; the total only moves when this statement changed something.
        let changed = sqlite3_total_changes64(handle) == totalChangesBefore ? 0 : changes
        let rows = changed == 0 && statement.columnCount > 0 ? returnedRows : changed
        return (changed, rows, duration)
    }

    /// Runs a query via the statement cache, calling `body` with the row for each row.
    ///
    /// Returns the number of rows. Reports to `observer` once, after the last row (also when
    /// `body` throws: the statement did run), with the time from first step to last and
    /// SQLite's counters. The `Row` is only valid inside `body`.
    @discardableResult
    public func query(_ sql: String, _ params: [SQLiteValue] = [], _ body: (Row) throws -> Void) throws -> Int {
        let statement = try idleStatement(sql)
        try statement.bind(params, outlivingSteps: true)
        defer { statement.reset() }
        if statement.countersNeedReset { _ = statement.status(reset: true) }
        let row = Row(statementHandle: statement.handle, columnCount: statement.columnCount)
        var rowCount = 0
        let start = monotonicSeconds()
        // A failed step throws straight out: SQLite refused or stopped the statement, so there is
        // no complete execution to report. A throwing body still reports what ran.
        while try stepReportingFailure(statement, params: params) {
            rowCount += 1
            do {
                try body(row)
            } catch {
                report(statement, params: params, rows: rowCount, start: start)
                throw error
            }
        }
        report(statement, params: params, rows: rowCount, start: start)
        return rowCount
    }

    /// One step of a query; a failure is reported to `failureObserver` before it is thrown.
    @inline(__always)
    private func stepReportingFailure(_ statement: Statement, params: [SQLiteValue]) throws -> Bool {
        do {
            return try statement.step()
        } catch {
            reportFailure(statement, params: params, error: error)
            throw error
        }
    }

    @inline(never)
    private func reportFailure(_ statement: Statement, params: [SQLiteValue], error: Error) {
        guard let failureObserver, let error = error as? SQLiteError else { return }
        failureObserver(ExecutedStatement(sql: statement.sql, params: params), error)
    }

    private func report(_ statement: Statement, params: [SQLiteValue], rows: Int, start: Double) {
        let duration = monotonicSeconds() - start
        guard let observer else { return }
        observer(ExecutedStatement(sql: statement.sql, params: params, rows: rows,
                                   duration: duration, status: statement.status(reset: true)))
    }

    // MARK: - Introspection

    /// The user tables of the main database, sorted by name (SQLite's own `sqlite_*` excluded).
    public func tableNames() throws -> [String] {
        let statement = try prepare("""
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
            ORDER BY name
            """)
        var names: [String] = []
        while try statement.step() { names.append(statement.row.string(0)) }
        return names
    }

    /// The columns of `table` as `PRAGMA table_info` describes them; empty if there is no such table.
    public func columns(of table: String) throws
        -> [(name: String, type: String, notNull: Bool, defaultValue: String?, primaryKey: Bool)] {
        let statement = try prepare("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid")
        try statement.bind([.text(table)])
        var columns: [(name: String, type: String, notNull: Bool, defaultValue: String?, primaryKey: Bool)] = []
        while try statement.step() {
            let row = statement.row
            columns.append((name: row.string(0), type: row.string(1), notNull: row.int64(2) != 0,
                            defaultValue: row.isNull(3) ? nil : row.string(3), primaryKey: row.int64(4) != 0))
        }
        return columns
    }

    /// SQLite's `PRAGMA integrity_check`: `"ok"` for a healthy database, else its findings, one per line.
    ///
    /// Throws (e.g. `SQLITE_NOTADB`) when the file is not a database at all.
    public func integrityCheck() throws -> String {
        let statement = try prepare("PRAGMA integrity_check")
        var findings: [String] = []
        while try statement.step() { findings.append(statement.row.string(0)) }
        return findings.joined(separator: "\n")
    }

    /// `PRAGMA schema_version`, prepared once: it is read before every command.
    private var schemaVersionStatement: Statement?

    /// SQLite's `PRAGMA schema_version`: it changes with every CREATE, ALTER and DROP. Read
    /// through a statement of its own, so it is not reported to the observer; reset at once,
    /// so no read stays open.
    public func schemaVersion() -> Int64? {
        if schemaVersionStatement == nil { schemaVersionStatement = try? prepare("PRAGMA schema_version") }
        guard let statement = schemaVersionStatement else { return nil }
        defer { statement.reset() }
        guard (try? statement.step()) == true else { return nil }
        return statement.row.int64(0)
    }

    /// SQLite's `EXPLAIN QUERY PLAN`: one step per row (id, parent, detail). Run like a query,
    /// so the observer records it.
    public func queryPlan(_ sql: String, _ params: [DatabaseValue]) throws -> [QueryPlanStep] {
        var steps: [QueryPlanStep] = []
        try query("EXPLAIN QUERY PLAN " + sql, params) { row in
            steps.append(QueryPlanStep(id: Int(row.int64(0)), parent: Int(row.int64(1)), detail: row.string(3)))
        }
        return steps
    }

    /// Every schema object of `sqlite_master` by name, ORMLab's metadata table left out. Run
    /// like a query, so the observer records it.
    public func schemaObjects() throws -> [SchemaObject] {
        var objects: [SchemaObject] = []
        try query("""
            SELECT type, name, tbl_name, sql FROM sqlite_master
            WHERE tbl_name != ?
            ORDER BY name
            """, [.text(Self.metadataTable)]) { row in
            objects.append(SchemaObject(type: row.string(0), name: row.string(1), tableName: row.string(2),
                                        sql: row.isNull(3) ? nil : row.string(3)))
        }
        return objects
    }

    /// A new in-memory database with this one's tables and indexes but none of its rows, and
    /// its planner statistics (`sqlite_stat1`) when it has any: plans there are the plans here
    /// (without rows SQLite assumes the same table sizes), so a change such as an index can be
    /// tried without touching this database. Read unobserved: nothing reaches the statement log.
    public func emptyCopyOfSchema() throws -> Connection {
        let scratch = try Connection()
        func read(_ sql: String, _ body: (Row) -> Void) throws {
            let statement = try prepare(sql)
            while try statement.step() { body(statement.row) }
        }
        var ddl: [String] = []
        try read("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY type = 'index', rowid") {
            ddl.append($0.string(0))
        }
        // A table the copy cannot make (a virtual table's module) is left out; a plan that
        // needs it then fails.
        for sql in ddl { try? scratch.execute(sql) }
        // Statistics from ANALYZE change plans: copy them too, when there are any.
        var stats: [(String, DatabaseValue, String)] = []
        try? read("SELECT tbl, idx, stat FROM sqlite_stat1") { stats.append(($0.string(0), $0.value(1), $0.string(2))) }
        if !stats.isEmpty {
            try scratch.execute("ANALYZE")
            try scratch.execute("DELETE FROM sqlite_stat1")
            for (table, index, stat) in stats { try scratch.run("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", [.text(table), index, .text(stat)]) }
            try scratch.execute("ANALYZE sqlite_schema")
        }
        return scratch
    }

    /// A new in-memory database holding everything this one holds, rows included (SQLite's
    /// online backup), for a run that must not touch this one (`:compare pattern`). Read
    /// unobserved: nothing reaches the statement log.
    public func copyInMemory() throws -> Connection {
        let copy = try Connection()
        try copyDatabase(into: copy)
        return copy
    }

    // MARK: - ORMLab's metadata

    /// The table where entity declarations are kept so a file database restores its mapping.
    public static let metadataTable = "_ormlab_entities"

    public func isMetadataTable(_ name: String) -> Bool { name == Self.metadataTable }

    /// Stores an entity's declaration (replacing an earlier one of the same name); run through
    /// `execute` and `run` like any statement, so a caller that hides them from a log can.
    public func storeEntityDefinition(_ definition: StoredEntityDefinition) throws {
        try execute(#"CREATE TABLE IF NOT EXISTS "_ormlab_entities" ("position" INTEGER PRIMARY KEY, "name" TEXT NOT NULL UNIQUE, "source" TEXT NOT NULL)"#)
        try run(#"DELETE FROM "_ormlab_entities" WHERE "name" = ?"#, [.text(definition.name)])
        try run(#"INSERT INTO "_ormlab_entities" ("name", "source") VALUES (?, ?)"#, [.text(definition.name), .text(definition.source)])
    }

    /// The declarations stored by `storeEntityDefinition`, in the order first stored; none when
    /// the database has no metadata table (not made by ORMLab, or nothing defined yet).
    public func storedEntityDefinitions() throws -> [StoredEntityDefinition] {
        guard try tableNames().contains(Self.metadataTable) else { return [] }
        var definitions: [StoredEntityDefinition] = []
        try query(#"SELECT "name", "source" FROM "_ormlab_entities" ORDER BY "position""#) { row in
            definitions.append(StoredEntityDefinition(name: row.string(0), source: row.string(1)))
        }
        return definitions
    }
}

// MARK: - Helpers

/// `sql` without surrounding whitespace and trailing semicolons, for statement logs and errors.
func trimmedSQL(_ sql: String) -> String {
    var text = Substring(sql)
    while let first = text.first, first.isWhitespace { text.removeFirst() }
    while let last = text.last, last.isWhitespace || last == ";" { text.removeLast() }
    return String(text)
}

// MARK: - The catalog of a database ORMLab did not make

extension Connection: SchemaCatalog {
    /// Steps a catalog read (a PRAGMA function) outside the statement log: reading the schema
    /// is the workbench looking, not the ORM working.
    private func catalogRows(_ sql: String, _ params: [DatabaseValue], _ body: (Row) -> Void) throws {
        let statement = try prepare(sql)
        try statement.bind(params)
        while try statement.step() { body(statement.row) }
    }

    public func primaryKeyColumns(of table: String) throws -> [String] {
        var keyed: [(Int64, String)] = []
        try catalogRows("SELECT pk, name FROM pragma_table_info(?) WHERE pk > 0", [.text(table)]) { keyed.append(($0.int64(0), $0.string(1))) }
        return keyed.sorted { $0.0 < $1.0 }.map(\.1)
    }

    public func foreignKeys(of table: String) throws -> [ForeignKeyInfo] {
        var keys: [ForeignKeyInfo] = []
        try catalogRows(#"SELECT "from", "table", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq"#, [.text(table)]) { row in
            keys.append(ForeignKeyInfo(from: row.string(0), table: row.string(1), to: row.isNull(2) ? nil : row.string(2), onDelete: row.string(3)))
        }
        return keys
    }

    public func indexes(of table: String) throws -> [IndexInfo] {
        var list: [(name: String, unique: Bool, origin: String, partial: Bool)] = []
        try catalogRows(#"SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY name"#, [.text(table)]) { row in
            list.append((row.string(0), row.int64(1) != 0, row.string(2), row.int64(3) != 0))
        }
        return try list.map { index in
            var columns: [String] = []
            try catalogRows("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [.text(index.name)]) { columns.append($0.string(0)) }
            return IndexInfo(name: index.name, columns: columns, isUnique: index.unique, isFromConstraint: index.origin != "c",
                             isPartial: index.partial)
        }
    }

    /// Only a rowid alias (a one-column `INTEGER PRIMARY KEY`) is given a value by SQLite; any
    /// other key (`INT PRIMARY KEY`, `WITHOUT ROWID`) has an index of origin "pk" and is not.
    public func generatesValue(of column: String, in table: String) throws -> Bool {
        var keyIndexes = 0
        try catalogRows("SELECT 1 FROM pragma_index_list(?) WHERE origin = 'pk'", [.text(table)]) { _ in keyIndexes += 1 }
        let key = try primaryKeyColumns(of: table)
        return keyIndexes == 0 && key == [column]
    }

    public func viewNames() throws -> [String] {
        var names: [String] = []
        try catalogRows("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name", []) { names.append($0.string(0)) }
        return names
    }
}
