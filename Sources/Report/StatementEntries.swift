import DatabaseKit

// The statements of a report as the statement log keeps them: plain values (the SQL text shared
// by a run of statements, the parameters as bound, the cause as its parts), made into
// `StatementRecord`s only when read. Defined here, not in Runtime, so the report holds them by
// value and reading a record calls nothing outside Report. Why not records made when the
// command ends: see `StatementRecords`.

/// A statement's cause as the log keeps it.
public enum StatementCause: Sendable {
    case text(String)
    /// A flush's write: its flush's cause with ": " ("save: "), then why it writes
    /// ("Person (new #3) new"), spelled out when read.
    case write(prefix: String, WriteCause)
    /// The statement failed: its cause, and the error (boxed: the common cases stay small).
    indirect case failed(StatementCause, error: String)

    public var text: String {
        switch self {
        case .text(let text): return text
        case .write(let prefix, let cause): return prefix + cause.description
        case .failed(let cause, _): return cause.text
        }
    }

    public var error: String? {
        if case .failed(_, let error) = self { return error }
        return nil
    }
}

/// One statement of the log, as compact as it comes: made into a `StatementRecord` when read.
public struct StatementEntry: Sendable {
    public typealias Cause = StatementCause
    public enum Params: Sendable {
        /// As bound (the array the statement ran with, not a copy).
        case values([DatabaseValue])
        /// As the report shows them (a summary recorded as a `StatementRecord`).
        case shown([ReportValue])
        /// As bound, `count` of them from `start` in the command's parameters (lent to the log).
        case kept(start: Int, count: Int)
    }
    public var sql: String
    public var params: Params
    public var rows: Int
    public var ms: Double
    public var cause: StatementCause
    public var counters: StatementCounters?

    /// Inlinable: the statement log makes one per statement it records (a flush of 10,000
    /// inserts makes 10,000), from the Runtime, another module.
    @inlinable
    public init(sql: String, params: Params, rows: Int, ms: Double, cause: StatementCause, counters: StatementCounters?) {
        self.sql = sql
        self.params = params
        self.rows = rows
        self.ms = ms
        self.cause = cause
        self.counters = counters
    }

    /// The record, with `kept` the parameters of its command (`.kept` ones are read there).
    public func record(params kept: [DatabaseValue]) -> StatementRecord {
        let shown: [ReportValue]
        switch params {
        case .values(let values): shown = values.map(reportValue)
        case .shown(let values): shown = values
        case .kept(let start, let count): shown = kept[start..<start + count].map(reportValue)
        }
        return StatementRecord(sql: sql, params: shown, rows: rows, ms: ms, cause: cause.text, counters: counters, error: cause.error)
    }
}

extension StatementEntry {
    /// A statement recorded as the report shows it.
    public init(_ record: StatementRecord) {
        self.init(sql: record.sql, params: .shown(record.params), rows: record.rows, ms: record.ms,
                  cause: record.error.map { .failed(.text(record.cause), error: $0) } ?? .text(record.cause), counters: record.counters)
    }
}

/// Statements of one command from `start` on, read as `StatementRecord`s (`StatementLog.current`):
/// the log's arrays as they were when the command ended (copy-on-write), so a later command
/// cannot change a report already handed out.
public struct StatementEntries: Sendable {
    public let statements: [StatementEntry]
    public let params: [DatabaseValue]
    public let start: Int
    public init(statements: [StatementEntry], params: [DatabaseValue], start: Int) {
        self.statements = statements
        self.params = params
        self.start = start
    }
    public var count: Int { statements.count - start }
    public func record(at index: Int) -> StatementRecord { statements[start + index].record(params: params) }
    public func sql(at index: Int) -> String { statements[start + index].sql }
    public func cause(at index: Int) -> String { statements[start + index].cause.text }
    public func indices(ofSQLWithPrefix prefix: String) -> [Int] {
        // A run of one statement shares one SQL text: compare it with the previous (its identical
        // storage compares at once) before checking the prefix again.
        var found: [Int] = []
        var previous: String?
        var previousMatches = false
        for i in start..<statements.count {
            let sql = statements[i].sql
            if sql != previous {
                previousMatches = sql.hasPrefix(prefix)
                previous = sql
            }
            if previousMatches { found.append(i - start) }
        }
        return found
    }
}

/// A database value as the report shows it.
public func reportValue(_ v: DatabaseValue) -> ReportValue {
    switch v {
    case .null: return .null
    case .integer(let i): return .integer(i)
    case .real(let d): return .real(d)
    case .text(let s): return .text(s)
    case .blob(let b): return .blob(b)
    }
}

/// Why a flush writes a statement: shown under it by `:pending` and, after the flush's own cause
/// ("save: "), in the SQL pane. Kept as its parts and spelled out only when read (a flush of
/// 10,000 inserts logs 10,000 causes; few are ever read).
///
/// Each case holds what the object was called when the plan was made: a new object's INSERT is
/// "Person (new #3) new" in the log even after the object became Person#17.
public enum WriteCause: Sendable, CustomStringConvertible {
    /// "Person (new #3) new": a new object's INSERT, named by its entity and creation number.
    case newObject(entity: String, serial: Int)
    /// "Person#3 new": a new object that was given its id.
    case newObjectWithID(entity: String, id: Int64)
    /// "Country#FR new": a new object with a natural (text) key, named by its reference.
    case newObjectWithKey(ref: String)
    /// "Author#1 dirty (name, email)": an UPDATE of the changed properties.
    case dirty(ref: String, properties: [String])
    /// "Book#1.tags.add(Tag#2)": a join-table row to insert.
    case link(String)
    /// "Book#1.tags.remove(Tag#2)": a join-table row to delete.
    case unlink(String)
    /// "Author#1 deleted": a DELETE.
    case deleted(ref: String)
    /// "Account#1 deleted (soft: deleted_at set)": a soft delete's UPDATE.
    case softDeleted(ref: String)

    public var description: String {
        switch self {
        case .newObject(let entity, let serial): return entity + " (new #" + String(serial) + ") new"
        case .newObjectWithID(let entity, let id): return entity + "#" + String(id) + " new"
        case .newObjectWithKey(let ref): return ref + " new"
        case .dirty(let ref, let properties): return ref + " dirty (" + properties.joined(separator: ", ") + ")"
        case .link(let change), .unlink(let change): return change
        case .deleted(let ref): return ref + " deleted"
        case .softDeleted(let ref): return ref + " deleted (soft: deleted_at set)"
        }
    }

}
