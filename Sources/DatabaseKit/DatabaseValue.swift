// MARK: - DatabaseValue

/// One value as a database stores and binds it: one case per SQLite storage class (NULL, INTEGER,
/// REAL, TEXT, BLOB), which every driver maps its own types to and from.
public enum DatabaseValue: Hashable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The storage class name SQLite uses for this value (`typeof(x)` in SQL).
    public var storageClass: String {
        switch self {
        case .null: return "null"
        case .integer: return "integer"
        case .real: return "real"
        case .text: return "text"
        case .blob: return "blob"
        }
    }

    /// The value written as an SQL literal (`NULL`, `42`, `'O''Brien'`, `X'CAFE'`), for display only.
    ///
    /// Values are always bound as parameters when a statement runs; this text is what a learner
    /// reads in a statement log next to the `?` placeholders.
    public var sqlLiteral: String {
        switch self {
        case .null:
            return "NULL"
        case .integer(let value):
            return String(value)
        case .real(let value):
            return String(value)
        case .text(let value):
            return "'" + value.replacing("'", with: "''") + "'"
        case .blob(let bytes):
            let hexDigits: [Character] = Array("0123456789ABCDEF")
            var hex = "X'"
            for byte in bytes {
                hex.append(hexDigits[Int(byte >> 4)])
                hex.append(hexDigits[Int(byte & 0x0F)])
            }
            return hex + "'"
        }
    }
}

// MARK: - Literals

extension DatabaseValue: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(stringLiteral value: String) { self = .text(value) }
}
