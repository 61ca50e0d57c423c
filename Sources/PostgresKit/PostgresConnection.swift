import CLibPQ
@_exported import DatabaseKit
import Foundation

// MARK: - PostgresConnection

/// An open connection to a PostgreSQL server through libpq: prepared statements by SQL text
/// (`PQprepare` once, `PQexecPrepared` after), results read by column index, errors as one
/// `PostgresError` with its SQLSTATE, the server's notices kept for the caller, and `interrupt()`
/// through libpq's cancel request.
///
/// Parameters are sent as text with no declared type, so the server infers each one's type
/// from where it stands (`"active" = $1` reads `1` as a boolean): the ORM binds the same values
/// it binds on SQLite. Bytes go in binary. A connection lost between commands is reset on the
/// next statement (its prepared statements are gone with it, so they are prepared again).
///
/// Used from one thread at a time; only `interrupt()` may be called from another.
public final class PostgresConnection: Database {
    /// The connection string as given, for reconnecting (never shown: see `redactedTarget`).
    private let connectionString: String
    /// The target with any password hidden, for messages.
    public let redactedTarget: String
    let handle: OpaquePointer
    /// libpq's cancel handle for `interrupt()`; made once, used from any thread.
    private var cancelHandle: OpaquePointer?
    /// Prepared statement names by SQL text.
    private var preparedNames: [String: String] = [:]
    private var nextStatementNumber = 0
    /// The lock_timeout `setLockTimeout` set, for setting it again after a rollback.
    private var lockTimeoutMilliseconds: Int32?
    private var lockTimeoutSetInTransaction = false

    public var observer: ((ExecutedStatement) -> Void)?
    /// Called when the server refuses a statement, before the error is thrown (the statement log
    /// shows the failing statement too).
    public var failureObserver: ((ExecutedStatement, any DatabaseError) -> Void)?
    /// The server's notices and warnings since `takeNotices()` was last called.
    private var pendingNotices: [String] = []

    public private(set) var lastInsertID: Int64 = 0
    public private(set) var changes: Int = 0

    /// psql's ON_ERROR_ROLLBACK, for the ORM. PostgreSQL aborts the whole transaction when one
    /// statement in it fails ("current transaction is aborted, commands ignored until end of
    /// transaction block"); SQLite undoes just that statement and goes on. So inside a
    /// transaction block each statement runs after `SAVEPOINT ormlab_statement`; a failed one is
    /// undone with `ROLLBACK TO SAVEPOINT ormlab_statement`, and the transaction goes on as on
    /// SQLite. A statement that succeeded keeps its savepoint until the next statement, which
    /// releases it and sets its own in one round trip (`RELEASE …; SAVEPOINT …`): psql releases
    /// right after the statement, which costs a second round trip and leaves `RELEASE` as the
    /// connection's last statement in `pg_stat_activity`, where the lock-holder note reads it.
    /// The SAVEPOINT and RELEASE are not reported to the observer (they would double the SQL
    /// pane inside `begin`; psql hides them too); the ROLLBACK TO is, under the failed statement.
    /// `statementGuardPaused`: the flush and `:seed` have their own savepoint and undo themselves.
    public var statementGuardPaused = false
    /// The name of the savepoint each statement inside a transaction runs after.
    public static let statementSavepoint = "ormlab_statement"
    /// Whether a statement savepoint set in this transaction may still be open (released by the
    /// next statement's; false after the transaction ends or a transaction-control statement,
    /// when at worst one savepoint stays nested until the end of the transaction).
    private var statementSavepointOpen = false
    /// Failed statements undone with ROLLBACK TO since `takeRolledBackStatements()`.
    private var rolledBackStatements = 0
    public var supportsDropColumn: Bool { true }

    /// Connects; throws a `PostgresError` naming the target (password hidden) when it cannot.
    public init(connectionString: String) throws {
        self.connectionString = connectionString
        self.redactedTarget = redactedConnectionString(connectionString)
        guard let handle = PQconnectdb(connectionString) else {
            throw PostgresError(sqlState: "08006", message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = PQerrorMessage(handle).map { String(cString: $0).trimmingSuffixWhitespace() } ?? ""
            PQfinish(handle)
            throw PostgresError(sqlState: "08006",
                                message: "could not connect to \(redactedConnectionString(connectionString)): \(message)")
        }
        self.handle = handle
        cancelHandle = PQgetCancel(handle)
        installNoticeReceiver()
        // Quiet the NOTICEs of IF NOT EXISTS; warnings still come through.
        let result = PQexec(handle, "SET client_min_messages = warning")
        PQclear(result)
    }

    deinit {
        if let cancelHandle { PQfreeCancel(cancelHandle) }
        PQfinish(handle)
    }

    private func installNoticeReceiver() {
        let me = Unmanaged.passUnretained(self).toOpaque()
        PQsetNoticeReceiver(handle, { arg, result in
            guard let arg, let result, let text = PQresultErrorMessage(result) else { return }
            let connection = Unmanaged<PostgresConnection>.fromOpaque(arg).takeUnretainedValue()
            connection.pendingNotices.append(String(cString: text).trimmingSuffixWhitespace())
        }, me)
    }

    /// The notices and warnings the server sent since the last call (`NOTICE: …`, `WARNING: …`).
    public func takeNotices() -> [String] {
        defer { pendingNotices = [] }
        return pendingNotices
    }

    // MARK: - State

    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// Sends libpq's cancel request: the running statement fails with SQLSTATE 57014.
    public func interrupt() {
        guard let cancelHandle else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancelHandle, &buffer, 256)
    }

    /// Resets a connection the server dropped (restarted, stopped and started again): the
    /// session goes on from the next command. Throws when the server is still unreachable.
    private func ensureConnected(reportingLostTransaction: Bool = true) throws {
        if PQstatus(handle) != CONNECTION_OK { try reconnect() }
        // A transaction open on the lost connection is gone (the server rolled it back): the
        // statement that notices must not run as if it were still inside it.
        if reportingLostTransaction && lostTransaction {
            lostTransaction = false
            throw PostgresError(sqlState: "08007", message: "the connection to \(redactedTarget) was lost inside a transaction, and PostgreSQL rolled that transaction back; the connection is open again, the statement did not run")
        }
    }

    private func reconnect() throws {
        PQreset(handle)
        preparedNames = [:]
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = PQerrorMessage(handle).map { String(cString: $0).trimmingSuffixWhitespace() } ?? ""
            throw PostgresError(sqlState: "08006", message: "lost the connection to \(redactedTarget) and could not reconnect: \(message)")
        }
        if let cancelHandle { PQfreeCancel(cancelHandle) }
        cancelHandle = PQgetCancel(handle)
        PQclear(PQexec(handle, "SET client_min_messages = warning"))
        reconnections += 1
        if transactionOpenAtLastStatement {
            transactionOpenAtLastStatement = false
            lostTransaction = true
        }
    }

    /// The connection was reset while a transaction was open on it (reported once, by the next statement).
    private var lostTransaction = false

    /// Connections lost and opened again since `takeReconnections()`.
    private var reconnections = 0
    /// Whether the last statement left a transaction open (read when a lost connection is reset).
    private var transactionOpenAtLastStatement = false

    /// Remembers whether a transaction is open (unknown on a broken connection: left as it was).
    @inline(__always)
    private func noteTransactionStatus() {
        let status = PQtransactionStatus(handle)
        if status != PQTRANS_UNKNOWN { transactionOpenAtLastStatement = status != PQTRANS_IDLE }
        if status == PQTRANS_IDLE { statementSavepointOpen = false }
    }

    /// How many times the connection was lost and opened again since the last call.
    public func takeReconnections() -> Int {
        defer { reconnections = 0 }
        return reconnections
    }

    /// PostgreSQL's text cannot hold a NUL character, and libpq sends text up to the first one:
    /// a value with one is refused here rather than cut short on the server.
    private func refuseNULInText(_ sql: String, _ params: [DatabaseValue]) throws {
        for value in params {
            guard case .text(let s) = value else { continue }
            let hasNUL = s.utf8.withContiguousStorageIfAvailable { $0.count > 0 && memchr($0.baseAddress!, 0, $0.count) != nil } ?? s.utf8.contains(0)
            if hasNUL {
                let error = PostgresError(sqlState: "22021", message: "a text value holds a NUL character (\\0), which PostgreSQL's text cannot store", sql: sql)
                failureObserver?(ExecutedStatement(sql: sql, params: params), error)
                throw error
            }
        }
    }

    // MARK: - Running SQL

    public func execute(_ sql: String) throws {
        try ensureConnected()
        defer { noteTransactionStatus() }
        if guardsNextStatement && !isTransactionControl(sql) {
            return try withStatementSavepoint { try executeUnguarded(sql) }
        }
        if isTransactionControl(sql) { statementSavepointOpen = false }
        try executeUnguarded(sql)
    }

    private func executeUnguarded(_ sql: String) throws {
        let start = monotonicSeconds()
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        let trimmed = trimmedSQL(sql)
        try check(result, sql: trimmed, params: [])
        changes = Int(commandTuples(result))
        observer?(ExecutedStatement(sql: trimmed, rows: changes, duration: monotonicSeconds() - start))
    }

    @discardableResult
    public func run(_ sql: String, _ params: [DatabaseValue]) throws -> Int {
        let start = monotonicSeconds()
        let result = try executePrepared(sql, params)
        defer { PQclear(result) }
        let returned = Int(PQntuples(result))
        changes = Int(commandTuples(result))
        // An INSERT … RETURNING "id": the key it generated (PostgreSQL's "last insert id").
        if returned > 0, PQnfields(result) > 0, PQgetisnull(result, 0, 0) == 0,
           let text = PQgetvalue(result, 0, 0), let id = Int64(String(cString: text)) {
            lastInsertID = id
        }
        let rows = changes == 0 && returned > 0 ? returned : changes
        observer?(ExecutedStatement(sql: sql, params: params, rows: rows, duration: monotonicSeconds() - start))
        return changes
    }

    @discardableResult
    public func query(_ sql: String, _ params: [DatabaseValue], _ body: (PostgresRow) throws -> Void) throws -> Int {
        let start = monotonicSeconds()
        let result = try executePrepared(sql, params)
        defer { PQclear(result) }
        let count = Int(PQntuples(result))
        let columns = Int(PQnfields(result))
        let kinds = (0..<columns).map { PostgresColumnKind(oid: PQftype(result, Int32($0))) }
        var done = 0
        do {
            try kinds.withUnsafeBufferPointer { kindBuffer in
                let row = PostgresRow(result: result!, kinds: kindBuffer)
                while done < count {
                    row.row = Int32(done)
                    done += 1
                    try body(row)
                }
            }
        } catch {
            observer?(ExecutedStatement(sql: sql, params: params, rows: done, duration: monotonicSeconds() - start))
            throw error
        }
        observer?(ExecutedStatement(sql: sql, params: params, rows: count, duration: monotonicSeconds() - start))
        return count
    }

    public func clearStatementCache() {
        guard !preparedNames.isEmpty else { return }
        preparedNames = [:]
        PQclear(PQexec(handle, "DEALLOCATE ALL"))
    }

    /// Prepares `sql` once (by name), then runs it with `params`; the result is the caller's to
    /// clear. A failure is reported to `failureObserver` and thrown.
    private func executePrepared(_ sql: String, _ params: [DatabaseValue]) throws -> OpaquePointer? {
        try ensureConnected()
        try refuseNULInText(sql, params)
        defer { noteTransactionStatus() }
        if guardsNextStatement { return try withStatementSavepoint { try executePreparedUnguarded(sql, params) } }
        return try executePreparedUnguarded(sql, params)
    }

    // MARK: - The statement savepoint (see `statementGuardPaused`)

    /// True inside a transaction block (not an aborted one), unless the caller undoes itself.
    @inline(__always)
    private var guardsNextStatement: Bool {
        !statementGuardPaused && PQtransactionStatus(handle) == PQTRANS_INTRANS
    }

    /// BEGIN, COMMIT, SAVEPOINT…: they manage the transaction themselves.
    private func isTransactionControl(_ sql: String) -> Bool {
        let word = sql.drop(while: \.isWhitespace).prefix(while: { $0.isLetter }).uppercased()
        return ["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "ABORT"].contains(word)
    }

    /// Runs `body` after a savepoint; undoes it (ROLLBACK TO, reported) when it fails, so the
    /// transaction is not left aborted.
    private func withStatementSavepoint<R>(_ body: () throws -> R) throws -> R {
        PQclear(PQexec(handle, statementSavepointOpen
            ? "RELEASE SAVEPOINT \(Self.statementSavepoint); SAVEPOINT \(Self.statementSavepoint)"
            : "SAVEPOINT \(Self.statementSavepoint)"))
        statementSavepointOpen = true
        do {
            return try body()
        } catch {
            guard PQtransactionStatus(handle) == PQTRANS_INERROR else { throw error }
            let start = monotonicSeconds()
            let sql = "ROLLBACK TO SAVEPOINT \(Self.statementSavepoint)"
            let undone = PQexec(handle, sql)
            let ok = undone.map { PQresultStatus($0) == PGRES_COMMAND_OK } ?? false
            PQclear(undone)
            if ok {
                // (ROLLBACK TO keeps the savepoint: the next statement releases it.)
                rolledBackStatements += 1
                observer?(ExecutedStatement(sql: sql, rows: 0, duration: monotonicSeconds() - start))
            }
            throw error
        }
    }

    /// How many failed statements were undone by the statement savepoint since the last call.
    public func takeRolledBackStatements() -> Int {
        defer { rolledBackStatements = 0 }
        return rolledBackStatements
    }

    private func executePreparedUnguarded(_ sql: String, _ params: [DatabaseValue]) throws -> OpaquePointer? {
        let name: String
        if let known = preparedNames[sql] {
            name = known
        } else {
            nextStatementNumber += 1
            name = "ormlab_\(nextStatementNumber)"
            let prepared = PQprepare(handle, name, sql, 0, nil)
            defer { PQclear(prepared) }
            try check(prepared, sql: sql, params: params)
            preparedNames[sql] = name
        }
        let result = withParameters(params) { values, lengths, formats in
            PQexecPrepared(handle, name, Int32(params.count), values, lengths, formats, 0)
        }
        do {
            try check(result, sql: sql, params: params)
        } catch let error as PostgresError {
            PQclear(result)
            // A plan made before a schema change ("cached plan must not change result type"):
            // prepare it again once.
            if error.sqlState == "0A000" && preparedNames[sql] != nil && !isInTransaction {
                preparedNames[sql] = nil
                PQclear(PQexec(handle, "DEALLOCATE \"\(name)\""))
                return try executePreparedUnguarded(sql, params)
            }
            throw error
        }
        return result
    }

    /// Throws the error of a failed result (after reporting it).
    private func check(_ result: OpaquePointer?, sql: String, params: [DatabaseValue]) throws {
        let status = result.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        guard status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY else { return }
        let error = PostgresError.from(result: result, connection: handle, sql: sql)
        lastFailureSQLState = error.sqlState
        failureObserver?(ExecutedStatement(sql: sql, params: params), error)
        throw error
    }

    private func commandTuples(_ result: OpaquePointer?) -> Int64 {
        guard let result, let text = PQcmdTuples(result), text.pointee != 0 else { return 0 }
        return Int64(String(cString: text)) ?? 0
    }

    // MARK: - Introspection (unobserved: the workbench looking, not the ORM working)

    /// Runs `sql` without reporting it; rows as values.
    func read(_ sql: String, _ params: [DatabaseValue] = []) throws -> [[DatabaseValue]] {
        try ensureConnected(reportingLostTransaction: false)   // the next statement reports it
        let result = withParameters(params) { values, lengths, formats in
            PQexecParams(handle, sql, Int32(params.count), nil, values, lengths, formats, 0)
        }
        defer { PQclear(result) }
        let status = result.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
            throw PostgresError.from(result: result, connection: handle, sql: sql)
        }
        let kinds = (0..<Int(PQnfields(result))).map { PostgresColumnKind(oid: PQftype(result, Int32($0))) }
        return kinds.withUnsafeBufferPointer { kindBuffer in
            let row = PostgresRow(result: result!, kinds: kindBuffer)
            var rows: [[DatabaseValue]] = []
            for r in 0..<PQntuples(result) {
                row.row = r
                rows.append(row.values)
            }
            return rows
        }
    }

    public func tableNames() throws -> [String] {
        try read("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename").map { text($0[0]) }
    }

    /// The columns with their types as PostgreSQL names them (`BIGINT`, `TIMESTAMP`), upper case
    /// like the DDL ORMLab writes.
    public func columns(of table: String) throws
        -> [(name: String, type: String, notNull: Bool, defaultValue: String?, primaryKey: Bool)] {
        try read("""
            SELECT a.attname, upper(format_type(a.atttypid, NULL)), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                   EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY (i.indkey))
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relname = $1 AND n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """, [.text(table)]).map { row in
            let type = text(row[1]).replacing(" WITHOUT TIME ZONE", with: "")
            return (name: text(row[0]), type: type, notNull: row[2] == .integer(1),
                    defaultValue: row[3] == .null ? nil : text(row[3]), primaryKey: row[4] == .integer(1))
        }
    }

    /// A number that moves with every CREATE, ALTER and DROP in the current schema: the newest
    /// catalog row's transaction and the number of tables, columns and indexes. (PostgreSQL has
    /// no schema version counter like SQLite's; this reads the catalog, unobserved.)
    public func schemaVersion() -> Int64? {
        guard let rows = try? read("""
            SELECT COALESCE(max(greatest(c.xmin::text::bigint, a.xmin::text::bigint)), 0) * 1000003 + count(*)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
            WHERE n.nspname = current_schema()
            """), let first = rows.first?.first, case .integer(let version) = first else { return nil }
        return version
    }

    public func schemaObjects() throws -> [SchemaObject] {
        var objects: [SchemaObject] = []
        for name in try tableNames() where !isMetadataTable(name) {
            let columns = try self.columns(of: name).map { "\"\($0.name)\" \($0.type)" + ($0.notNull ? " NOT NULL" : "") }
            objects.append(SchemaObject(type: "table", name: name, tableName: name,
                                        sql: "CREATE TABLE \"\(name)\" (\(columns.joined(separator: ", ")))"))
        }
        for row in try read("""
            SELECT indexname, tablename, indexdef FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename <> $1 ORDER BY indexname
            """, [.text(Self.metadataTable)]) {
            objects.append(SchemaObject(type: "index", name: text(row[0]), tableName: text(row[1]), sql: text(row[2])))
        }
        return objects.sorted { $0.name < $1.name }
    }

    /// PostgreSQL checks its own pages; there is no user-level check like SQLite's, so this asks
    /// the server whether it answers.
    public func integrityCheck() throws -> String {
        _ = try read("SELECT 1")
        return "ok"
    }

    /// PostgreSQL's `EXPLAIN (FORMAT JSON)`, flattened into steps (each node's parent is the
    /// node above it), each described in the words SQLite's plans use so the workbench explains
    /// both the same way (`SCAN book`, `SEARCH book USING INDEX …`); the node type stays in
    /// brackets. Run like a query, so the observer records it.
    public func queryPlan(_ sql: String, _ params: [DatabaseValue]) throws -> [QueryPlanStep] {
        var json = ""
        try query("EXPLAIN (FORMAT JSON) " + sql, params) { row in json += row.string(0) }
        guard let data = json.data(using: .utf8),
              let top = try JSONSerialization.jsonObject(with: data) as? [[String: Any]],
              let plan = top.first?["Plan"] as? [String: Any] else { return [] }
        var steps: [QueryPlanStep] = []
        func walk(_ node: [String: Any], parent: Int) {
            let id = steps.count + 1
            steps.append(QueryPlanStep(id: id, parent: parent, detail: describePlanNode(node)))
            for child in node["Plans"] as? [[String: Any]] ?? [] { walk(child, parent: id) }
        }
        walk(plan, parent: 0)
        return steps
    }

    /// `EXPLAIN (ANALYZE, FORMAT JSON)`: the plan with what happened when the statement ran —
    /// each step's actual rows, loops and time (and the rows its filter removed), described like
    /// `queryPlan`'s steps with `· actual …` after them; plus the planning and execution time.
    /// ANALYZE runs the statement: the caller runs only queries through it.
    public func analyzedQueryPlan(_ sql: String, _ params: [DatabaseValue]) throws
        -> (steps: [QueryPlanStep], planningMs: Double, executionMs: Double) {
        var json = ""
        try query("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params) { row in json += row.string(0) }
        guard let data = json.data(using: .utf8),
              let top = try JSONSerialization.jsonObject(with: data) as? [[String: Any]],
              let first = top.first, let plan = first["Plan"] as? [String: Any] else { return ([], 0, 0) }
        var steps: [QueryPlanStep] = []
        func walk(_ node: [String: Any], parent: Int) {
            let id = steps.count + 1
            steps.append(QueryPlanStep(id: id, parent: parent, detail: describePlanNode(node) + describeActuals(node)))
            for child in node["Plans"] as? [[String: Any]] ?? [] { walk(child, parent: id) }
        }
        walk(plan, parent: 0)
        return (steps, number(first["Planning Time"]), number(first["Execution Time"]))
    }

    /// The plans of `statements` with indexes that exist only for the moment: PostgreSQL's DDL is
    /// transactional, so `BEGIN; CREATE INDEX …; EXPLAIN …; ROLLBACK` (a savepoint inside an open
    /// transaction) shows the plan the planner would choose with them, on the real rows and
    /// statistics, and no one else ever sees the index. `ruleOutSequentialScans`: with
    /// `SET LOCAL enable_seqscan = off`, whether an index *can* serve the query (on a small
    /// table the planner rightly prefers reading it whole). Every statement goes to the
    /// observer (the SQL pane shows the trial); the rollback runs even when a step fails.
    public func plansTryingIndexes(_ createIndexSQL: [String], for statements: [(sql: String, arguments: [DatabaseValue])],
                                   ruleOutSequentialScans: Bool) throws -> [[QueryPlanStep]] {
        try ensureConnected()
        let nested = PQtransactionStatus(handle) == PQTRANS_INTRANS
        let paused = statementGuardPaused
        statementGuardPaused = true   // the trial undoes itself
        defer { statementGuardPaused = paused }
        try execute(nested ? "SAVEPOINT ormlab_index_trial" : "BEGIN")
        func undo() throws {
            if nested {
                try execute("ROLLBACK TO SAVEPOINT ormlab_index_trial")
                try execute("RELEASE SAVEPOINT ormlab_index_trial")
            } else {
                try execute("ROLLBACK")
            }
        }
        do {
            for sql in createIndexSQL { try execute(sql) }
            if ruleOutSequentialScans { try execute("SET LOCAL enable_seqscan = off") }
            let plans = try statements.map { try queryPlan($0.sql, $0.arguments) }
            try undo()
            return plans
        } catch {
            try? undo()
            throw error
        }
    }

    /// Not available on PostgreSQL: `plansTryingIndexes` tries an index on the real table inside
    /// a transaction that is rolled back instead.
    public func emptyCopyOfSchema() throws -> PostgresConnection {
        throw PostgresError(sqlState: "0A000", message: "trying an index on an empty copy of the schema works on SQLite only for now")
    }

    // MARK: - Bulk loading (`:seed`)

    /// `count` new keys from the sequence behind `table`'s identity `column`, in one statement:
    /// rows loaded with COPY carry their ids, so they are taken first (and the sequence moves
    /// past them, so later INSERTs get fresh ones). Reported to the observer.
    public func reserveKeys(table: String, column: String, count: Int) throws -> [Int64] {
        var keys: [Int64] = []
        keys.reserveCapacity(count)
        try query("SELECT nextval(pg_get_serial_sequence($1, $2)) FROM generate_series(1, $3)",
                  [.text(quotedName(table)), .text(column), .integer(Int64(count))]) { row in keys.append(row.int64(0)) }
        return keys
    }

    /// `COPY "table" ("a", "b") FROM STDIN`: every row in one statement, sent in COPY's text
    /// format (PQputCopyData in chunks); reported to the observer as that one statement with
    /// its row count. Returns the rows the server loaded.
    @discardableResult
    public func copyRows(into table: String, columns: [String], rows: [[DatabaseValue]]) throws -> Int {
        try ensureConnected()
        let sql = "COPY \(quotedName(table)) (\(columns.map(quotedName).joined(separator: ", "))) FROM STDIN"
        let start = monotonicSeconds()
        let begun = PQexec(handle, sql)
        guard let begun, PQresultStatus(begun) == PGRES_COPY_IN else {
            defer { PQclear(begun) }
            try check(begun, sql: sql, params: [])
            throw PostgresError(sqlState: "XX000", message: "COPY did not start", sql: sql)
        }
        PQclear(begun)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        var sendFailed = false
        func flush() {
            guard !buffer.isEmpty else { return }
            let sent = buffer.withUnsafeBufferPointer { raw in
                raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) { PQputCopyData(handle, $0, Int32(raw.count)) }
            }
            if sent != 1 { sendFailed = true }
            buffer.removeAll(keepingCapacity: true)
        }
        for row in rows {
            for (i, value) in row.enumerated() {
                if i > 0 { buffer.append(9) }   // tab
                appendCopyText(value, to: &buffer)
            }
            buffer.append(10)   // newline
            if buffer.count >= 1 << 16 { flush() }
        }
        flush()
        _ = PQputCopyEnd(handle, sendFailed ? "ORMLab could not send every row" : nil)
        var failure: PostgresError?
        var loaded = 0
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, failure == nil {
                failure = PostgresError.from(result: result, connection: handle, sql: sql)
            } else {
                loaded = Int(commandTuples(result))
            }
            PQclear(result)
        }
        if let failure {
            failureObserver?(ExecutedStatement(sql: sql, params: []), failure)
            throw failure
        }
        changes = loaded
        observer?(ExecutedStatement(sql: sql, rows: loaded, duration: monotonicSeconds() - start))
        return loaded
    }

    // MARK: - Two sessions (spec §13)

    /// A second connection to the same server, database and schema (`:session B`).
    public func openingAnother() throws -> PostgresConnection {
        try PostgresConnection(connectionString: connectionString)
    }

    /// The server process serving this connection (`pg_backend_pid()`): how `pg_locks` and
    /// `pg_stat_activity` name it.
    public var backendPID: Int32 { PQbackendPID(handle) }

    /// The SQLSTATE of the last statement the server refused (55P03, 40001…), for the workbench
    /// to explain it after the command; cleared by `takeLastFailureSQLState()`.
    public private(set) var lastFailureSQLState: String?

    public func takeLastFailureSQLState() -> String? {
        defer { lastFailureSQLState = nil }
        return lastFailureSQLState
    }

    /// True inside a transaction the server aborted (a statement failed): every statement but
    /// ROLLBACK fails with 25P02 until it ends.
    public var isTransactionAborted: Bool { PQtransactionStatus(handle) == PQTRANS_INERROR }

    /// `:set lock_timeout`: PostgreSQL's `lock_timeout` for this connection (0 waits forever),
    /// unobserved: a setting of the workbench, not a statement of the ORM. A SET inside a
    /// transaction that is rolled back is undone, so it is remembered and set again by
    /// `reapplyLockTimeout()` after a rollback.
    public func setLockTimeout(milliseconds: Int32) throws {
        lockTimeoutMilliseconds = milliseconds
        lockTimeoutSetInTransaction = isInTransaction
        _ = try read("SELECT set_config('lock_timeout', $1, false)", [.text("\(milliseconds)ms")])
    }

    /// Sets the remembered lock_timeout again (after a rollback undid a SET made inside it).
    public func reapplyLockTimeout() {
        guard lockTimeoutSetInTransaction, let lockTimeoutMilliseconds, !isInTransaction else { return }
        lockTimeoutSetInTransaction = false
        _ = try? read("SELECT set_config('lock_timeout', $1, false)", [.text("\(lockTimeoutMilliseconds)ms")])
    }

    /// Other connections' transactions holding locks on the current schema's tables (from
    /// pg_stat_activity and pg_locks), leaving out `excluded` server processes: who may hold
    /// the lock a statement of this connection waited for. Unobserved.
    public func transactionsHoldingLocks(excluding excluded: [Int32]) throws -> [(pid: Int64, state: String, query: String)] {
        try read("""
            SELECT pid, state, left(query, 120) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND NOT (pid = ANY ($1::int[]))
              AND state IN ('idle in transaction', 'idle in transaction (aborted)', 'active') AND backend_type = 'client backend'
              AND pid IN (SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                          JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema())
            ORDER BY pid
            """, [.text("{" + excluded.map(String.init).joined(separator: ",") + "}")]).map { row in
            var pid: Int64 = 0
            if case .integer(let p) = row[0] { pid = p }
            return (pid, text(row[1]), text(row[2]))
        }
    }

    // MARK: - ORMLab's metadata

    public static let metadataTable = "_ormlab_entities"

    public func isMetadataTable(_ name: String) -> Bool { name == Self.metadataTable }

    public func storeEntityDefinition(_ definition: StoredEntityDefinition) throws {
        try execute(#"CREATE TABLE IF NOT EXISTS "_ormlab_entities" ("position" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "name" TEXT NOT NULL UNIQUE, "source" TEXT NOT NULL)"#)
        try run(#"DELETE FROM "_ormlab_entities" WHERE "name" = $1"#, [.text(definition.name)])
        try run(#"INSERT INTO "_ormlab_entities" ("name", "source") VALUES ($1, $2)"#, [.text(definition.name), .text(definition.source)])
    }

    public func storedEntityDefinitions() throws -> [StoredEntityDefinition] {
        guard try tableNames().contains(Self.metadataTable) else { return [] }
        var definitions: [StoredEntityDefinition] = []
        try query(#"SELECT "name", "source" FROM "_ormlab_entities" ORDER BY "position""#, []) { row in
            definitions.append(StoredEntityDefinition(name: row.string(0), source: row.string(1)))
        }
        return definitions
    }
}

// MARK: - Parameters

/// Calls `body` with libpq's parameter arrays for `params`: text for every value but bytes,
/// which go in binary; NULL as a null pointer.
func withParameters<R>(_ params: [DatabaseValue],
                       _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R) -> R {
    if params.isEmpty { return body(nil, nil, nil) }
    // One buffer for every value, each NUL-terminated; pointers into it once it is complete.
    var buffer: [UInt8] = []
    var offsets: [Int] = []
    var lengths: [Int32] = []
    var formats: [Int32] = []
    var isNull: [Bool] = []
    for value in params {
        offsets.append(buffer.count)
        isNull.append(false)
        formats.append(0)
        switch value {
        case .null:
            isNull[isNull.count - 1] = true
        case .integer(let i):
            buffer.append(contentsOf: String(i).utf8)
        case .real(let d):
            buffer.append(contentsOf: (d.isFinite ? String(d) : (d.isNaN ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"))).utf8)
        case .text(let s):
            buffer.append(contentsOf: s.utf8)
        case .blob(let bytes):
            formats[formats.count - 1] = 1
            buffer.append(contentsOf: bytes)
        }
        lengths.append(Int32(buffer.count - offsets[offsets.count - 1]))
        buffer.append(0)
    }
    return buffer.withUnsafeBytes { raw in
        let base = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
        let pointers: [UnsafePointer<CChar>?] = params.indices.map { isNull[$0] ? nil : base + offsets[$0] }
        return pointers.withUnsafeBufferPointer { values in
            lengths.withUnsafeBufferPointer { lengthBuffer in
                formats.withUnsafeBufferPointer { formatBuffer in
                    body(values.baseAddress, lengthBuffer.baseAddress, formatBuffer.baseAddress)
                }
            }
        }
    }
}

// MARK: - Helpers

/// `"name"`, with any `"` inside doubled.
func quotedName(_ name: String) -> String { "\"" + name.replacing("\"", with: "\"\"") + "\"" }

/// One value in COPY's text format: `\N` for NULL; backslash, tab, newline and carriage return
/// escaped; bytes as bytea's hex (`\\x0a0b`, its backslash escaped for COPY).
func appendCopyText(_ value: DatabaseValue, to buffer: inout [UInt8]) {
    func appendEscaped<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for b in bytes {
            switch b {
            case 92: buffer += [92, 92]            // \ → \\
            case 9: buffer += [92, 116]            // tab → \t
            case 10: buffer += [92, 110]           // newline → \n
            case 13: buffer += [92, 114]           // CR → \r
            default: buffer.append(b)
            }
        }
    }
    switch value {
    case .null: buffer += [92, 78]   // \N
    case .integer(let i): buffer += String(i).utf8
    case .real(let d): buffer += (d.isFinite ? String(d) : (d.isNaN ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"))).utf8
    case .text(let s): appendEscaped(s.utf8)
    case .blob(let bytes):
        buffer += [92, 92, UInt8(ascii: "x")]
        let hex = Array("0123456789abcdef".utf8)
        for b in bytes { buffer += [hex[Int(b >> 4)], hex[Int(b & 15)]] }
    }
}

/// A catalog or result value as text (the connection's catalog queries and PostgresCatalog's).
func text(_ value: DatabaseValue) -> String {
    switch value {
    case .text(let s): return s
    case .integer(let i): return String(i)
    case .real(let d): return String(d)
    case .null: return ""
    case .blob(let b): return String(decoding: b, as: UTF8.self)
    }
}

func trimmedSQL(_ sql: String) -> String {
    var text = Substring(sql)
    while let first = text.first, first.isWhitespace { text.removeFirst() }
    while let last = text.last, last.isWhitespace || last == ";" { text.removeLast() }
    return String(text)
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// ` · actual 1 row (199 removed by the filter), 1 loop, 0.031 ms` for a node of EXPLAIN ANALYZE.
func describeActuals(_ node: [String: Any]) -> String {
    guard node["Actual Rows"] != nil else { return "" }
    let rows = Int(number(node["Actual Rows"]))
    let loops = Int(number(node["Actual Loops"]))
    var text = " · actual \(rows) row\(rows == 1 ? "" : "s")"
    let removed = Int(number(node["Rows Removed by Filter"])) + Int(number(node["Rows Removed by Index Recheck"]))
    if removed > 0 { text += " (\(removed) removed by the filter)" }
    text += loops == 1 ? ", 1 loop" : ", \(loops) loops"
    text += ", " + String(format: "%.3f", number(node["Actual Total Time"])) + " ms"
    return text
}

/// A JSON number (Int or Double) as a Double; 0 when absent.
func number(_ value: Any?) -> Double {
    if let d = value as? Double { return d }
    if let i = value as? Int { return Double(i) }
    if let n = value as? NSNumber { return n.doubleValue }
    return 0
}

/// One plan node in SQLite's words (what the workbench's plan reader understands), with
/// PostgreSQL's node type after it: `SCAN book [Seq Scan]`.
func describePlanNode(_ node: [String: Any]) -> String {
    let type = node["Node Type"] as? String ?? "?"
    let relation = node["Relation Name"] as? String
    let index = node["Index Name"] as? String
    let words: String
    switch type {
    case "Seq Scan":
        words = "SCAN \(relation ?? "?")"
    case "Index Scan", "Index Only Scan":
        let covering = type == "Index Only Scan" ? "COVERING INDEX" : "INDEX"
        let condition = (node["Index Cond"] as? String).map { " \($0)" } ?? ""
        words = "SEARCH \(relation ?? "?") USING \(covering) \(index ?? "?")\(condition)"
    case "Bitmap Heap Scan":
        words = "SEARCH \(relation ?? "?") USING BITMAP"
    case "Bitmap Index Scan":
        words = "BITMAP INDEX \(index ?? "?")"
    case "Sort":
        let keys = (node["Sort Key"] as? [String])?.joined(separator: ", ") ?? ""
        words = "USE TEMP B-TREE FOR ORDER BY \(keys)"
    case "Hash Join", "Merge Join", "Nested Loop":
        words = type.uppercased()
    case "Hash":
        words = "HASH"
    case "Aggregate", "HashAggregate", "GroupAggregate":
        words = "AGGREGATE"
    case "Limit":
        words = "LIMIT"
    default:
        words = type.uppercased()
    }
    return words + " [\(type)]"
}

/// `conninfo` with its password replaced by `***`, in both of libpq's forms:
/// `postgresql://user:secret@host/db?password=…` and `host=… password=secret`.
public func redactedConnectionString(_ conninfo: String) -> String {
    var text = conninfo
    if let scheme = text.firstRange(of: "://") {
        let rest = text[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@"),
           let colon = rest[..<at].firstIndex(of: ":") {
            text.replaceSubrange(text.index(after: colon)..<at, with: "***")
        }
    }
    // password=… as a key-value pair or a URI parameter (quoted values included).
    var out = ""
    var remaining = Substring(text)
    while let range = remaining.range(of: "password=", options: .caseInsensitive) {
        out += remaining[..<range.upperBound] + "***"
        var end = range.upperBound
        if end < remaining.endIndex, remaining[end] == "'" {
            end = remaining.index(after: end)
            while end < remaining.endIndex, remaining[end] != "'" {
                if remaining[end] == "\\" { end = remaining.index(after: end) }
                if end < remaining.endIndex { end = remaining.index(after: end) }
            }
            if end < remaining.endIndex { end = remaining.index(after: end) }
        } else {
            while end < remaining.endIndex, remaining[end] != " ", remaining[end] != "&" { end = remaining.index(after: end) }
        }
        remaining = remaining[end...]
    }
    return out + remaining
}
