import CSQLite
import DatabaseKit

// MARK: - Row

/// A row of a running query, read by column index; valid only inside the query's body.
///
/// A `Row` is a view on the statement, not a copy: reading a column calls straight into
/// `sqlite3_column_*`. The accessors are `@inlinable` so a hydration loop in another module
/// compiles down to the same C calls a hand-written loop would make. Column indexes are 0-based
/// and must be below `columnCount` (SQLite returns NULL/0 for out-of-range indexes).
public struct Row: DatabaseRow {
    /// The statement positioned on this row.
    @usableFromInline let statementHandle: OpaquePointer
    /// Number of columns in the row.
    public let columnCount: Int

    @inlinable
    init(statementHandle: OpaquePointer) {
        self.statementHandle = statementHandle
        self.columnCount = Int(sqlite3_column_count(statementHandle))
    }

    @inlinable
    init(statementHandle: OpaquePointer, columnCount: Int) {
        self.statementHandle = statementHandle
        self.columnCount = columnCount
    }

    /// True when column `i` holds NULL.
    @inlinable
    public func isNull(_ i: Int) -> Bool {
        sqlite3_column_type(statementHandle, Int32(i)) == SQLITE_NULL
    }

    /// Column `i` as an integer (SQLite's conversion rules apply; NULL reads as 0).
    @inlinable
    public func int64(_ i: Int) -> Int64 {
        sqlite3_column_int64(statementHandle, Int32(i))
    }

    /// Column `i` as an integer (SQLite's conversion rules apply), or nil when it holds NULL:
    /// `isNull` and `int64` in one column lookup (a LEFT JOIN's child id, read once per row).
    @inlinable
    public func nonNullInt64(_ i: Int) -> Int64? {
        guard let value = sqlite3_column_value(statementHandle, Int32(i)),
              sqlite3_value_type(value) != SQLITE_NULL else { return nil }
        return sqlite3_value_int64(value)
    }

    /// Column `i` as a double (SQLite's conversion rules apply; NULL reads as 0.0).
    @inlinable
    public func double(_ i: Int) -> Double {
        sqlite3_column_double(statementHandle, Int32(i))
    }

    /// Column `i` as text decoded from UTF-8 by its byte length, so embedded NULs survive; "" for NULL.
    @inlinable
    public func string(_ i: Int) -> String {
        // Text first, then its length: that order is the one SQLite documents as safe.
        guard let text = sqlite3_column_text(statementHandle, Int32(i)) else { return "" }
        let byteCount = Int(sqlite3_column_bytes(statementHandle, Int32(i)))
        return String(decoding: UnsafeBufferPointer(start: text, count: byteCount), as: UTF8.self)
    }

    /// Column `i` as bytes; [] for NULL and for a zero-length blob.
    @inlinable
    public func blob(_ i: Int) -> [UInt8] {
        guard let bytes = sqlite3_column_blob(statementHandle, Int32(i)) else { return [] }
        let byteCount = Int(sqlite3_column_bytes(statementHandle, Int32(i)))
        return Array(UnsafeRawBufferPointer(start: bytes, count: byteCount))
    }

    /// Column `i` as the value of its storage class (no conversion).
    ///
    /// Reads the column once as an `sqlite3_value` and then its type and content from it: each
    /// `sqlite3_column_*` call looks the column up again and checks for a failed allocation, so
    /// one lookup instead of two or three per column is most of what hydration costs in SQLite's
    /// API. (SQLite calls such a value "unprotected": fine on a connection used by one thread
    /// at a time, which is what `SQLITE_OPEN_NOMUTEX` already requires.) The storage class is
    /// not converted, so nothing is allocated that a failed-allocation check would catch.
    @inlinable
    public func value(_ i: Int) -> SQLiteValue {
        guard let value = sqlite3_column_value(statementHandle, Int32(i)) else { return .null }
        switch sqlite3_value_type(value) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_value_int64(value))
        case SQLITE_FLOAT:
            return .real(sqlite3_value_double(value))
        case SQLITE_TEXT:
            // Text first, then its length: that order is the one SQLite documents as safe.
            guard let text = sqlite3_value_text(value) else { return .text("") }
            let byteCount = Int(sqlite3_value_bytes(value))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: byteCount), as: UTF8.self))
        case SQLITE_BLOB:
            guard let bytes = sqlite3_value_blob(value) else { return .blob([]) }
            let byteCount = Int(sqlite3_value_bytes(value))
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: byteCount)))
        default:
            return .null
        }
    }

    /// Every column of the row as values, in order (allocates; for display, not for hydration).
    public var values: [SQLiteValue] {
        (0..<columnCount).map { value($0) }
    }

    /// The name of column `i` (its `AS` alias if any).
    public func columnName(_ i: Int) -> String {
        sqlite3_column_name(statementHandle, Int32(i)).map { String(cString: $0) } ?? ""
    }
}
