// The comment after a statement in the SQL pane that shows its bound values, named the way the
// statement's dialect names its placeholders: `-- ? = "a", 2` for SQLite and MySQL (positional
// `?`), `-- $1 = "a", $2 = 2` for PostgreSQL, `-- @p1 = "a", @p2 = 2` for SQL Server. A value is
// always bound, never spliced into the text; the comment says which placeholder holds it.

public enum BoundParameterComment {
    /// How a statement's SQL names its placeholders.
    public enum Style: Equatable, Sendable {
        case positional    // ?
        case numbered      // $1, $2
        case named         // @p1, @p2
    }

    /// The style of the first placeholder in `sql` outside quotes (`?` when there is none).
    public static func style(of sql: String) -> Style {
        var quote: UInt8?
        var previous: UInt8 = 0
        let bytes = Array(sql.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            defer { previous = b; i += 1 }
            if let q = quote { if b == q { quote = nil }; continue }
            if b == UInt8(ascii: "'") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "[") {
                quote = b == UInt8(ascii: "[") ? UInt8(ascii: "]") : b
                continue
            }
            if b == UInt8(ascii: "?") { return .positional }
            let nextIsDigit = i + 1 < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i + 1])
            if b == UInt8(ascii: "$"), nextIsDigit, !isWordByte(previous) { return .numbered }
            if b == UInt8(ascii: "@"), i + 2 < bytes.count, bytes[i + 1] == UInt8(ascii: "p"),
               (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i + 2]) { return .named }
        }
        return .positional
    }

    /// `? = a, b` / `$1 = a, $2 = b` / `@p1 = a, @p2 = b` (without the `-- `). `values` may hold
    /// a folded IN list's `… N values` (see `SQLFolding`): it stands for N − 2 placeholders more.
    public static func text(sql: String, values: [String]) -> String {
        let style = style(of: sql)
        guard style != .positional else { return "? = " + values.joined(separator: ", ") }
        var parts: [String] = []
        var number = 1
        for value in values {
            if value.hasPrefix("… "), value.hasSuffix(" values"),
               let n = Int(value.dropFirst(2).dropLast(7)) {
                parts.append(value)
                number += max(0, n - 2)
                continue
            }
            parts.append((style == .numbered ? "$\(number)" : "@p\(number)") + " = " + value)
            number += 1
        }
        return parts.joined(separator: ", ")
    }

    private static func isWordByte(_ b: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: "_")
    }
}
