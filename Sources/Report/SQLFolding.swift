// Long IN lists folded for the text panes: `IN (?, ?, … 300 values)` instead of 300 placeholders
// and 300 values filling the screen. Only text output folds; the report (and so the JSON) keeps
// every placeholder and value.

public enum SQLFolding {
    /// IN lists with more placeholders than this are folded.
    public static let inListFoldLimit = 10

    /// `sql` with each long `IN (?, ?, …)` folded to `IN (?, ?, … N values)`, and `params` (the
    /// bound values as shown, in placeholder order) folded the same way: the list's first two
    /// values, then `… N values`. Values are folded only when there is one per placeholder.
    public static func foldingINLists(sql: String, params: [String]) -> (sql: String, params: [String]) {
        // Cheap check first: most statements have no IN list of placeholders at all.
        guard sql.contains("IN (?, ?") || sql.contains("IN ($") || sql.contains("IN (@p") else { return (sql, params) }
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var folds: [(start: Int, count: Int)] = []   // in placeholder numbers
        var placeholders = 0
        var quote: UInt8?
        var i = 0
        let prefix = Array("IN (".utf8)
        while i < bytes.count {
            let b = bytes[i]
            if let q = quote {
                out.append(b)
                if b == q { quote = nil }
                i += 1
                continue
            }
            if b == UInt8(ascii: "'") || b == UInt8(ascii: "\"") {
                quote = b
                out.append(b)
                i += 1
                continue
            }
            if b == UInt8(ascii: "?") { placeholders += 1 }
            // PostgreSQL's `$3` and SQL Server's `@p3` are placeholders too.
            if (b == UInt8(ascii: "$") || b == UInt8(ascii: "@")), let end = placeholderEnd(bytes, from: i), end > i + 1 {
                placeholders += 1
                out += bytes[i..<end]
                i = end
                continue
            }
            if b == UInt8(ascii: "I"), bytes[i...].starts(with: prefix), let n = placeholderList(bytes, from: i + prefix.count),
               n.count > inListFoldLimit {
                out += Array("IN (\(n.first), \(n.second), … \(n.count) values)".utf8)
                folds.append((placeholders, n.count))
                placeholders += n.count
                i = n.end
                continue
            }
            out.append(b)
            i += 1
        }
        guard !folds.isEmpty else { return (sql, params) }
        var shown = params
        if params.count == placeholders {
            for fold in folds.reversed() {
                let head = Array(params[fold.start..<fold.start + 2])
                shown.replaceSubrange(fold.start..<fold.start + fold.count, with: head + ["… \(fold.count) values"])
            }
        }
        return (String(decoding: out, as: UTF8.self), shown)
    }

    /// A statement as one line, `SQL  -- v1, v2, …` (as `:log` shows it), folded the same way.
    public static func foldingINLists(inStatementLine line: String) -> String {
        guard line.contains("IN (?, ?") || line.contains("IN ($") || line.contains("IN (@p") else { return line }
        let bytes = Array(line.utf8), marker = Array("  -- ".utf8)
        guard let at = bytes.indices.first(where: { bytes[$0...].starts(with: marker) }) else {
            return foldingINLists(sql: line, params: []).sql
        }
        let sql = String(decoding: bytes[..<at], as: UTF8.self)
        let params = splitValues(String(decoding: bytes[(at + marker.count)...], as: UTF8.self))
        let folded = foldingINLists(sql: sql, params: params)
        return folded.sql + "  -- " + folded.params.joined(separator: ", ")
    }

    /// The cells of a table's `sql` column folded (the `:log` tables); other columns as they are.
    public static func foldingSQLColumn(header: [String], rows: [[String]]) -> [[String]] {
        guard let column = header.firstIndex(of: "sql") else { return rows }
        return rows.map { row in
            guard column < row.count, row[column].contains("IN (?, ?") || row[column].contains("IN ($") || row[column].contains("IN (@p") else { return row }
            var row = row
            row[column] = foldingINLists(inStatementLine: row[column])
            return row
        }
    }

    /// The end of the placeholder at `start`: `?`, `$12` or `@p12` (nil when there is none).
    private static func placeholderEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        var i = start
        switch bytes[i] {
        case UInt8(ascii: "?"): return i + 1
        case UInt8(ascii: "$"): i += 1
        case UInt8(ascii: "@"):
            guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "p") else { return nil }
            i += 2
        default: return nil
        }
        let digits = i
        while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
        return i > digits ? i : nil
    }

    /// `?, ?, ?)` (or `$1, $2, $3)`, `@p1, @p2, @p3)`) from `start`: the number of placeholders,
    /// the first two as written and the index after the `)`.
    private static func placeholderList(_ bytes: [UInt8], from start: Int) -> (count: Int, end: Int, first: String, second: String)? {
        var i = start
        var count = 0
        var written: [String] = []
        while i < bytes.count {
            guard let end = placeholderEnd(bytes, from: i) else { return nil }
            if written.count < 2 { written.append(String(decoding: bytes[i..<end], as: UTF8.self)) }
            count += 1
            i = end
            if i < bytes.count, bytes[i] == UInt8(ascii: ")") {
                return (count, i + 1, written.first ?? "?", written.count > 1 ? written[1] : "?")
            }
            guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: ","), bytes[i + 1] == UInt8(ascii: " ") else { return nil }
            i += 2
        }
        return nil
    }

    /// Values as `ReportValue.display` joins them ("1, \"a, b\", nil"): commas inside a quoted
    /// text (where `\"` is an escaped quote) do not split.
    private static func splitValues(_ text: String) -> [String] {
        var values: [String] = []
        var current = ""
        var inText = false
        var escaped = false
        var chars = Substring(text)
        while let c = chars.first {
            chars.removeFirst()
            if inText {
                current.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inText = false }
                continue
            }
            if c == "\"" { inText = true; current.append(c); continue }
            if c == ",", chars.first == " " {
                chars.removeFirst()
                values.append(current)
                current = ""
                continue
            }
            current.append(c)
        }
        values.append(current)
        return values
    }
}
