import Report
import DatabaseKit

/// Records every statement the connection runs, with the cause the runtime was working on, for
/// the current command's report and for the whole session (`:log`, `:stats`).
///
/// Statements are kept compactly (`LoggedStatement`: the SQL text shared with the statement,
/// the bound array itself, a cause made when read) in one array per command: the current
/// command's report reads that array through `current`, and the session log is the list of
/// those arrays. A flush of 10,000 inserts then costs an append per statement, not a
/// `StatementRecord` with a new parameter array appended to two arrays.
public final class StatementLog {
    /// One statement of the session log.
    public struct Entry {
        public var command: Int
        public var commandText: String
        public var record: StatementRecord
    }

    /// What the runtime is doing right now; becomes each statement's cause.
    public var cause: String { logCause.text }
    /// The same, as the log keeps it (a flush's write names its new object without making the text).
    var logCause = LogCause.text("command")
    /// Statements of the current command.
    public var current: StatementRecords {
        // (Most commands run no statement: an empty array costs less to pass around.)
        currentStatements.isEmpty ? [] : StatementRecords(entries: LoggedStatements(statements: currentStatements,
                                                                                    params: currentParams, start: 0))
    }
    private var currentStatements: [LoggedStatement] = []
    /// Parameters of the current command's statements that were lent to the log
    /// (`LoggedStatement.Params.kept`), one after another: no array per statement.
    private var currentParams: [DatabaseValue] = []
    /// The session's log; bounded so a long seeding session does not grow without end.
    public var entries: [Entry] {
        var entries: [Entry] = []
        entries.reserveCapacity(entryCount)
        func add(_ chunk: CommandStatements) {
            for statement in chunk.statements[chunk.start...] {
                entries.append(Entry(command: chunk.command, commandText: chunk.text, record: statement.record(params: chunk.params)))
            }
        }
        earlierCommands.forEach(add)
        add(CommandStatements(command: commandNumber, text: commandText, statements: currentStatements,
                              params: currentParams, start: currentStart))
        return entries
    }
    public var entryLimit = 50_000
    /// The statements of earlier commands still in the session log, oldest first.
    private var earlierCommands: [CommandStatements] = []
    /// Leading statements of the current command already dropped from the session log.
    private var currentStart = 0
    /// Number of statements in the session log.
    private var entryCount = 0
    /// Number of the current command (1-based) and its text.
    public internal(set) var commandNumber = 0
    var commandText = ""
    /// While > 0, statements are not recorded (internal bookkeeping, bulk seeding).
    var suspended = 0
    /// Per-command totals for `:stats`.
    public internal(set) var commandStats: [(command: String, statements: Int, rows: Int, objects: Int, ms: Double)] = []

    private struct CommandStatements {
        var command: Int
        var text: String
        var statements: [LoggedStatement]
        var params: [DatabaseValue]
        /// Statements before this one were dropped from the session log.
        var start: Int
    }

    init() {}

    func record(_ executed: ExecutedStatement) {
        guard suspended == 0 else { return }
        append(entry(for: executed, params: .values(executed.params)))
    }

    /// `record(_:)` of a statement run with its parameters lent (`Connection.run(_:lending:)`):
    /// they are copied after the command's others, not into an array of their own.
    func record(_ executed: ExecutedStatement, lending params: UnsafeBufferPointer<DatabaseValue>) {
        guard suspended == 0 else { return }
        let start = currentParams.count
        // An append each: `append(contentsOf:)` took its generic path (about 90 instructions a value).
        for value in params { currentParams.append(value) }
        append(entry(for: executed, params: .kept(start: start, count: params.count)))
    }

    /// A statement SQLite refused while running it: it stands in the log with its error.
    /// `database`: its name, before its own words ("SQLite: UNIQUE constraint failed: …").
    func recordFailure(_ executed: ExecutedStatement, error: any DatabaseError, database: String) {
        guard suspended == 0 else { return }
        append(LoggedStatement(sql: executed.sql, params: .values(executed.params), rows: 0, ms: 0,
                               cause: .failed(logCause, error: "\(database): \(error.message)"), counters: nil))
    }

    /// Puts the failure of the command's last failed statement in ORM terms ("cannot save
    /// Author (new #2): email … is already taken"), SQLite's own words kept after it.
    public func explainLastFailure(_ explanation: String) {
        guard let i = currentStatements.lastIndex(where: { $0.cause.error != nil }),
              case .failed(let cause, let error) = currentStatements[i].cause else { return }
        currentStatements[i].cause = .failed(cause, error: "\(explanation); \(error)")
    }

    /// The log's entry for `executed`, its parameters kept as `params` says, its cause the current one.
    @inline(__always)
    private func entry(for executed: ExecutedStatement, params: LoggedStatement.Params) -> LoggedStatement {
        LoggedStatement(sql: executed.sql, params: params, rows: executed.rows, ms: executed.duration * 1000,
                        cause: logCause, counters: executed.status)
    }

    /// Adds a statement to the current command and to the session log.
    func append(_ statement: consuming LoggedStatement) {
        if entryCount >= entryLimit { dropOldest(entryCount / 10) }
        currentStatements.append(statement)   // moved, not copied (consuming)
        entryCount += 1
    }

    /// Makes room for `count` more statements in the current command, and for `values` more
    /// lent parameters (a flush knows how many it runs, and how many values its inserts bind).
    func reserveCapacity(forMore count: Int, values: Int = 0) {
        let needed = currentStatements.count + count
        // At least doubling, as appends would: many small flushes in one command stay linear.
        if needed > currentStatements.capacity {
            currentStatements.reserveCapacity(max(needed, 2 * currentStatements.capacity))
        }
        let neededValues = currentParams.count + values
        if neededValues > currentParams.capacity {
            currentParams.reserveCapacity(max(neededValues, 2 * currentParams.capacity))
        }
    }

    /// Drops the `count` oldest statements of the session log (the current command keeps its own).
    private func dropOldest(_ count: Int) {
        var remaining = count
        while remaining > 0, !earlierCommands.isEmpty {
            let available = earlierCommands[0].statements.count - earlierCommands[0].start
            if available <= remaining {
                remaining -= available
                earlierCommands.removeFirst()
            } else {
                earlierCommands[0].start += remaining
                remaining = 0
            }
        }
        currentStart += remaining
        entryCount -= count
    }

    /// Starts a new command: its statements are collected afresh.
    public func beginCommand(_ text: String) {
        if currentStatements.count > currentStart {
            earlierCommands.append(CommandStatements(command: commandNumber, text: commandText,
                                                     statements: currentStatements, params: currentParams, start: currentStart))
        }
        if !currentStatements.isEmpty { currentStatements = [] }
        if !currentParams.isEmpty { currentParams = [] }
        currentStart = 0
        commandNumber += 1
        commandText = text
        logCause = .text(text)
    }

    /// Ends the command, keeping its totals for `:stats`.
    public func endCommand(objects: Int) {
        commandStats.append((commandText, currentStatements.count, currentStatements.reduce(0) { $0 + $1.rows }, objects,
                             currentStatements.reduce(0) { $0 + $1.ms }))
        if commandStats.count > 10_000 { commandStats.removeFirst(1000) }
    }

    /// Runs `body` with `cause` as the reason for every statement it runs.
    @discardableResult
    public func withCause<T>(_ cause: String, _ body: () throws -> T) rethrows -> T {
        let saved = logCause
        logCause = .text(cause)
        defer { logCause = saved }
        return try body()
    }

    /// `withoutRecording` for the layers above: reading a catalog is the workbench looking.
    public func withoutRecordingPublic<T>(_ body: () throws -> T) rethrows -> T {
        try withoutRecording(body)
    }

    func withoutRecording<T>(_ body: () throws -> T) rethrows -> T {
        suspended += 1
        defer { suspended -= 1 }
        return try body()
    }

    /// Corrects the row count of the last statement (a raw write reports the rows it changed).
    public func setRowsOfLast(_ rows: Int) {
        guard !currentStatements.isEmpty else { return }
        currentStatements[currentStatements.count - 1].rows = rows
    }

}

// The log's entries (`LoggedStatement`, `LogCause`, `LoggedStatements`) are plain values
// defined in Report (Report/StatementEntries.swift), so a report holds them by value and makes
// its records from them with no call back into the Runtime.
typealias LoggedStatement = StatementEntry
typealias LogCause = StatementEntry.Cause
typealias LoggedStatements = StatementEntries

// MARK: - N+1 detection

/// Finds statements of one command that ran the same SQL again and again with different values:
/// the N+1 pattern (one query for the parents, N for their children).
public enum NPlusOneDetector {
    public struct Finding: Equatable {
        public var sql: String
        public var count: Int
        public var causes: [String]
    }

    /// SELECTs run at least `threshold` times in one command, with their causes.
    /// (Reads each statement's SQL and cause, not whole records: a flush's 10,000 INSERTs are
    /// skipped without making their records.)
    public static func findings(in records: StatementRecords, threshold: Int = 2) -> [Finding] {
        var order: [String] = []
        var groups: [String: (count: Int, causes: [String])] = [:]
        for i in records.indices(ofSQLWithPrefix: "SELECT") {
            let sql = records.sql(at: i)
            let cause = records.cause(at: i)
            if groups[sql] == nil { order.append(sql) }
            var g = groups[sql] ?? (0, [])
            g.count += 1
            if !g.causes.contains(cause) { g.causes.append(cause) }
            groups[sql] = g
        }
        return order.compactMap { sql in
            guard let g = groups[sql], g.count >= threshold else { return nil }
            return Finding(sql: sql, count: g.count, causes: g.causes)
        }
    }
}
