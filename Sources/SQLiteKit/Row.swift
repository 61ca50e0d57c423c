import CSQLite

// MARK: - Row

/// A row of a running query, read by column index; valid only inside the query's body.
///
/// A `Row` is a view on the statement, not a copy: reading a column calls straight into
/// `sqlite3_column_*`. The accessors are `@inlinable` so a hydration loop in another module
/// compiles down to the same C calls a hand-written loop would make. Column indexes are 0-based
/// and must be below `columnCount` (SQLite returns NULL/0 for out-of-range indexes).
public struct Row {
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
    @inlinable
    public func value(_ i: Int) -> SQLiteValue {
        switch sqlite3_column_type(statementHandle, Int32(i)) {
        case SQLITE_INTEGER: return .integer(int64(i))
        case SQLITE_FLOAT: return .real(double(i))
        case SQLITE_TEXT: return .text(string(i))
        case SQLITE_BLOB: return .blob(blob(i))
        default: return .null
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
