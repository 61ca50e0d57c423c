import Report
import SQLiteKit

/// Records every statement the connection runs, with the cause the runtime was working on, for
/// the current command's report and for the whole session (`:log`, `:stats`).
public final class StatementLog {
    /// One statement of the session log.
    public struct Entry {
        public var command: Int
        public var commandText: String
        public var record: StatementRecord
    }

    /// What the runtime is doing right now; becomes each statement's cause.
    public internal(set) var cause: String = "command"
    /// Statements of the current command.
    public internal(set) var current: [StatementRecord] = []
    /// The session's log; bounded so a long seeding session does not grow without end.
    public internal(set) var entries: [Entry] = []
    public var entryLimit = 50_000
    /// Number of the current command (1-based) and its text.
    public internal(set) var commandNumber = 0
    var commandText = ""
    /// While > 0, statements are not recorded (internal bookkeeping, bulk seeding).
    var suspended = 0
    /// Per-command totals for `:stats`.
    public internal(set) var commandStats: [(command: String, statements: Int, rows: Int, objects: Int, ms: Double)] = []

    init() {}

    func record(_ executed: ExecutedStatement) {
        guard suspended == 0 else { return }
        let record = StatementRecord(
            sql: executed.sql,
            params: executed.params.map(reportValue),
            rows: executed.rows,
            ms: executed.duration * 1000,
            cause: cause,
            counters: StatementCounters(vmSteps: executed.status.vmSteps, fullScanSteps: executed.status.fullScanSteps,
                                        sorts: executed.status.sorts, autoIndexes: executed.status.autoIndexes))
        current.append(record)
        if entries.count >= entryLimit { entries.removeFirst(entries.count / 10) }
        entries.append(Entry(command: commandNumber, commandText: commandText, record: record))
    }

    /// Starts a new command: its statements are collected afresh.
    public func beginCommand(_ text: String) {
        commandNumber += 1
        commandText = text
        current = []
        cause = text
    }

    /// Ends the command, keeping its totals for `:stats`.
    public func endCommand(objects: Int) {
        commandStats.append((commandText, current.count, current.reduce(0) { $0 + $1.rows }, objects,
                             current.reduce(0) { $0 + $1.ms }))
        if commandStats.count > 10_000 { commandStats.removeFirst(1000) }
    }

    /// Runs `body` with `cause` as the reason for every statement it runs.
    @discardableResult
    public func withCause<T>(_ cause: String, _ body: () throws -> T) rethrows -> T {
        let saved = self.cause
        self.cause = cause
        defer { self.cause = saved }
        return try body()
    }

    func withoutRecording<T>(_ body: () throws -> T) rethrows -> T {
        suspended += 1
        defer { suspended -= 1 }
        return try body()
    }

    /// Corrects the row count of the last statement (a raw write reports the rows it changed).
    public func setRowsOfLast(_ rows: Int) {
        guard !current.isEmpty else { return }
        current[current.count - 1].rows = rows
        if !entries.isEmpty { entries[entries.count - 1].record.rows = rows }
    }

}

/// A database value as the report shows it.
public func reportValue(_ v: SQLiteValue) -> ReportValue {
    switch v {
    case .null: return .null
    case .integer(let i): return .integer(i)
    case .real(let d): return .real(d)
    case .text(let s): return .text(s)
    case .blob(let b): return .blob(b)
    }
}

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
    public static func findings(in records: [StatementRecord], threshold: Int = 2) -> [Finding] {
        var order: [String] = []
        var groups: [String: (count: Int, causes: [String])] = [:]
        for r in records where r.sql.hasPrefix("SELECT") {
            if groups[r.sql] == nil { order.append(r.sql) }
            var g = groups[r.sql] ?? (0, [])
            g.count += 1
            if !g.causes.contains(r.cause) { g.causes.append(r.cause) }
            groups[r.sql] = g
        }
        return order.compactMap { sql in
            guard let g = groups[sql], g.count >= threshold else { return nil }
            return Finding(sql: sql, count: g.count, causes: g.causes)
        }
    }
}
