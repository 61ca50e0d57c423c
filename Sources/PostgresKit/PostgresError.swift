import CLibPQ
import DatabaseKit

// MARK: - PostgresError

/// A failure PostgreSQL (or libpq) reported: its SQLSTATE, message and the fields the server
/// names separately (detail, table, column, constraint), and the SQL being run.
///
/// One error type for the driver, so callers match on `sqlState` (or the seam's
/// `violatedConstraint`), never on message text.
public struct PostgresError: DatabaseError, Sendable {
    /// The five-character SQLSTATE (`23505` unique_violation); `08006` for a lost connection.
    public var sqlState: String
    /// The server's primary message (or libpq's, for a connection failure).
    public var message: String
    /// The server's DETAIL line: for a unique violation, `Key (email)=(a@b.c) already exists.`
    public var detail: String?
    /// The table, column and constraint the server names, when it names them.
    public var table: String?
    public var column: String?
    public var constraint: String?
    /// The SQL being prepared or run, if any.
    public var sql: String?

    public init(sqlState: String, message: String, detail: String? = nil, table: String? = nil,
                column: String? = nil, constraint: String? = nil, sql: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.table = table
        self.column = column
        self.constraint = constraint
        self.sql = sql
    }

    /// `SQLSTATE 23505 (unique_violation)`.
    public var codeName: String {
        if let name = sqlStateNames[sqlState] { return "SQLSTATE \(sqlState) (\(name))" }
        return "SQLSTATE \(sqlState)"
    }

    /// Class 23: integrity constraint violation.
    public var isConstraintViolation: Bool { sqlState.hasPrefix("23") }

    /// `57014` query_canceled: what `interrupt()` (PQcancel) makes the running statement fail with.
    public var isInterrupted: Bool { sqlState == "57014" }

    /// `55P03` lock_not_available: `lock_timeout` ran out, or NOWAIT found the row locked.
    public var isLockTimeout: Bool { sqlState == "55P03" }

    /// `40001` serialization_failure and `40P01` deadlock_detected: the server ended the
    /// transaction so that concurrent ones stay correct; the remedy is to run it again.
    public var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// True when the connection itself failed (class 08, or libpq lost the server).
    public var isConnectionFailure: Bool { sqlState.hasPrefix("08") || sqlState == "57P01" }

    public var violatedConstraint: ConstraintKind? {
        switch sqlState {
        case "23505": return .unique
        case "23503": return .foreignKey
        case "23502": return .notNull
        case let state where state.hasPrefix("23"): return .other
        default: return nil
        }
    }

    /// From the server's fields: NOT NULL names its column; UNIQUE and FOREIGN KEY list theirs in
    /// DETAIL (`Key (book_id, tag_id)=(1, 2) already exists.`), as "table.column" like SQLite.
    public var violatedColumns: [String] {
        guard isConstraintViolation else { return [] }
        let prefix = table.map { $0 + "." } ?? ""
        if let column { return [prefix + column] }
        guard let detail, let open = detail.firstRange(of: "Key ("),
              let close = detail[open.upperBound...].firstRange(of: ")=") else { return [] }
        return detail[open.upperBound..<close.lowerBound].split(separator: ",").map {
            prefix + $0.trimmingPrefix(" ").replacing("\"", with: "")
        }
    }

    /// `SQLSTATE 23505 (unique_violation): duplicate key value … (SQL: INSERT …)`.
    public var description: String {
        var text = "\(codeName): \(message)"
        if let detail { text += " — " + detail }
        if let sql { text += " (SQL: \(sql))" }
        return text
    }
}

extension PostgresError {
    /// The error of a failed result, read field by field (`PQresultErrorField`).
    static func from(result: OpaquePointer?, connection: OpaquePointer?, sql: String?) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let result, let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        let state = field(Int32(UInt8(ascii: "C")))
        var message = field(Int32(UInt8(ascii: "M"))) ?? ""
        if message.isEmpty, let connection, let text = PQerrorMessage(connection) {
            message = String(cString: text).trimmingSuffixWhitespace()
        }
        if message.isEmpty { message = "the server gave no message" }
        // No SQLSTATE: libpq itself failed, which means the connection did.
        let connectionLost = connection.map { PQstatus($0) != CONNECTION_OK } ?? true
        return PostgresError(sqlState: state ?? (connectionLost ? "08006" : "XX000"), message: message,
                             detail: field(Int32(UInt8(ascii: "D"))), table: field(Int32(UInt8(ascii: "t"))),
                             column: field(Int32(UInt8(ascii: "c"))), constraint: field(Int32(UInt8(ascii: "n"))),
                             sql: sql)
    }
}

extension String {
    func trimmingSuffixWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}

/// The SQLSTATEs an ORM session meets, by code (PostgreSQL's errcodes appendix).
let sqlStateNames: [String: String] = [
    "08000": "connection_exception",
    "08003": "connection_does_not_exist",
    "08006": "connection_failure",
    "22001": "string_data_right_truncation",
    "22003": "numeric_value_out_of_range",
    "22P02": "invalid_text_representation",
    "23000": "integrity_constraint_violation",
    "23502": "not_null_violation",
    "23503": "foreign_key_violation",
    "23505": "unique_violation",
    "23514": "check_violation",
    "25P02": "in_failed_sql_transaction",
    "40001": "serialization_failure",
    "40P01": "deadlock_detected",
    "42601": "syntax_error",
    "42703": "undefined_column",
    "42P01": "undefined_table",
    "42P07": "duplicate_table",
    "42701": "duplicate_column",
    "42804": "datatype_mismatch",
    "42883": "undefined_function",
    "55P03": "lock_not_available",
    "57014": "query_canceled",
    "57P01": "admin_shutdown",
]
