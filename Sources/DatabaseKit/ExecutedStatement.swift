// MARK: - StatementStatus

/// A driver's per-statement counters for one execution of a statement (SQLite's
/// `sqlite3_stmt_status`; a driver without them leaves them 0).
///
/// They explain cost in SQLite's own terms: `fullScanSteps > 0` means a table was scanned rather
/// than searched through an index, `sorts > 0` means ORDER BY needed a sort step, and
/// `autoIndexes > 0` means SQLite built a temporary index because a real one was missing.
public struct StatementStatus: Sendable, Equatable {
    /// Virtual machine operations executed (`SQLITE_STMTSTATUS_VM_STEP`): the total work done.
    public var vmSteps: Int
    /// Steps forward in a full table scan (`SQLITE_STMTSTATUS_FULLSCAN_STEP`).
    public var fullScanSteps: Int
    /// Sort operations (`SQLITE_STMTSTATUS_SORT`).
    public var sorts: Int
    /// Rows inserted into automatic, temporary indexes (`SQLITE_STMTSTATUS_AUTOINDEX`).
    public var autoIndexes: Int

    public init(vmSteps: Int = 0, fullScanSteps: Int = 0, sorts: Int = 0, autoIndexes: Int = 0) {
        self.vmSteps = vmSteps
        self.fullScanSteps = fullScanSteps
        self.sorts = sorts
        self.autoIndexes = autoIndexes
    }
}

// MARK: - ExecutedStatement

/// What the trace hook (`Database.observer`) records for every executed statement.
public struct ExecutedStatement: Sendable {
    /// The SQL text as run, with `?` placeholders.
    public var sql: String
    /// The values bound to the placeholders, in order.
    public var params: [DatabaseValue]
    /// Rows returned (queries) or rows changed (`sqlite3_changes`, writes).
    public var rows: Int
    /// Wall time of the statement in seconds, from a monotonic clock.
    public var duration: Double
    /// SQLite's counters for this execution.
    public var status: StatementStatus

    public init(sql: String, params: [DatabaseValue] = [], rows: Int = 0, duration: Double = 0,
                status: StatementStatus = StatementStatus()) {
        self.sql = sql
        self.params = params
        self.rows = rows
        self.duration = duration
        self.status = status
    }
}
