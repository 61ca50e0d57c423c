import CLibPQ
import DatabaseKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Column kinds

/// How a result column's text is read into a `DatabaseValue`, decided once per result from the
/// column's type OID (`PQftype`), not per row.
@usableFromInline
enum PostgresColumnKind: UInt8 {
    case integer, real, boolean, bytes, numeric, text

    /// From the type OIDs of PostgreSQL's catalog (`pg_type`; libpq's headers do not name them).
    init(oid: Oid) {
        switch oid {
        case 20, 21, 23, 26: self = .integer     // int8, int2, int4, oid
        case 700, 701: self = .real              // float4, float8
        case 16: self = .boolean                 // bool
        case 17: self = .bytes                   // bytea
        case 1700: self = .numeric               // numeric
        default: self = .text
        }
    }
}

// MARK: - PostgresRow

/// A row of a query's result, read by column index; valid only inside the query's body.
///
/// Results come in libpq's text format: each value is read where libpq keeps it
/// (`PQgetvalue`, `PQgetlength`) and converted by the column's kind. A boolean reads as the
/// integer 1 or 0, as SQLite stores it, so the layers above see one shape of value.
///
/// A cursor object (one per query, moved from row to row), so the session's row, an enum of
/// SQLite's two-word row and this reference, stays two words on the hydration paths.
public final class PostgresRow: DatabaseRow {
    @usableFromInline let result: OpaquePointer
    @usableFromInline var row: Int32 = 0
    /// The kinds of the result's columns, held by the query for as long as its rows are read.
    @usableFromInline let kinds: UnsafePointer<PostgresColumnKind>
    public let columnCount: Int

    init(result: OpaquePointer, kinds: UnsafeBufferPointer<PostgresColumnKind>) {
        self.result = result
        self.kinds = kinds.baseAddress ?? UnsafePointer(bitPattern: 1)!
        self.columnCount = kinds.count
    }

    @inlinable
    public func isNull(_ i: Int) -> Bool { PQgetisnull(result, row, Int32(i)) != 0 }

    /// The value's bytes as libpq holds them (text format, NUL-terminated).
    @inlinable
    func bytes(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let start = UnsafeRawPointer(PQgetvalue(result, row, Int32(i))!).assumingMemoryBound(to: UInt8.self)
        return UnsafeBufferPointer(start: start, count: Int(PQgetlength(result, row, Int32(i))))
    }

    @inlinable
    public func int64(_ i: Int) -> Int64 {
        if isNull(i) { return 0 }
        switch kinds[i] {
        case .boolean: return bytes(i).first == UInt8(ascii: "t") ? 1 : 0
        case .real, .numeric: return Int64(double(i))
        default: return parseInteger(bytes(i)) ?? 0
        }
    }

    @inlinable
    public func nonNullInt64(_ i: Int) -> Int64? { isNull(i) ? nil : int64(i) }

    @inlinable
    public func double(_ i: Int) -> Double {
        if isNull(i) { return 0 }
        if kinds[i] == .boolean { return Double(int64(i)) }
        return strtod(PQgetvalue(result, row, Int32(i)), nil)
    }

    @inlinable
    public func string(_ i: Int) -> String {
        if isNull(i) { return "" }
        switch kinds[i] {
        case .boolean: return bytes(i).first == UInt8(ascii: "t") ? "1" : "0"
        default: return String(decoding: bytes(i), as: UTF8.self)
        }
    }

    public func blob(_ i: Int) -> [UInt8] {
        if isNull(i) { return [] }
        if kinds[i] == .bytes { return decodeByteaHex(bytes(i)) }
        return Array(bytes(i))
    }

    /// The column's value by its kind. Its text is read once (`PQgetvalue`, `PQgetlength`);
    /// only an empty one is asked whether it is NULL (NULL reads as empty text).
    @inlinable
    public func value(_ i: Int) -> DatabaseValue {
        let column = Int32(i)
        let start = UnsafeRawPointer(PQgetvalue(result, row, column)!).assumingMemoryBound(to: UInt8.self)
        let length = Int(PQgetlength(result, row, column))
        if length == 0 && PQgetisnull(result, row, column) != 0 { return .null }
        let text = UnsafeBufferPointer(start: start, count: length)
        switch kinds[i] {
        case .integer:
            return .integer(parseInteger(text) ?? 0)
        case .real:
            return .real(strtod(UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self), nil))
        case .boolean:
            return .integer(text.first == UInt8(ascii: "t") ? 1 : 0)
        case .numeric:
            // SUM and AVG answer NUMERIC: a whole number reads as an integer (as SQLite's SUM of
            // integers does), anything else as a double.
            if let whole = parseInteger(text) { return .integer(whole) }
            return .real(strtod(UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self), nil))
        case .bytes:
            return .blob(decodeByteaHex(text))
        case .text:
            return .text(String(decoding: text, as: UTF8.self))
        }
    }

    public func columnName(_ i: Int) -> String {
        PQfname(result, Int32(i)).map { String(cString: $0) } ?? ""
    }
}

// MARK: - Text format

/// A decimal integer (optional sign), or nil if the text is anything else.
@inlinable
func parseInteger(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard !text.isEmpty else { return nil }
    var index = 0
    var negative = false
    if text[0] == UInt8(ascii: "-") { negative = true; index = 1 }
    guard index < text.count else { return nil }
    var value: Int64 = 0
    while index < text.count {
        let digit = text[index] &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        let (times, o1) = value.multipliedReportingOverflow(by: 10)
        let (sum, o2) = negative ? times.subtractingReportingOverflow(Int64(digit)) : times.addingReportingOverflow(Int64(digit))
        guard !o1, !o2 else { return nil }
        value = sum
        index += 1
    }
    return value
}

/// BYTEA's text output, `\x` and two hex digits per byte (PostgreSQL 9.0's default).
@usableFromInline
func decodeByteaHex(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x") else { return Array(text) }
    func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return 0
        }
    }
    var out: [UInt8] = []
    out.reserveCapacity((text.count - 2) / 2)
    var i = 2
    while i + 1 < text.count {
        out.append(nibble(text[i]) << 4 | nibble(text[i + 1]))
        i += 2
    }
    return out
}
