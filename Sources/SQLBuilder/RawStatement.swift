// Reading raw SQL the learner typed (`:sql ...`), only as far as the ORM needs: which table a
// write names, so the session can mark that table's loaded objects stale.

public enum RawStatement {
    /// The table a raw write names (`UPDATE "book" ...`, `DELETE FROM book ...`, `INSERT OR
    /// REPLACE INTO main.book ...`), or nil for anything else. A light reading, not a parser.
    public static func tableWritten(by sql: String) -> String? {
        var words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        guard let verb = words.first?.uppercased() else { return nil }
        words.removeFirst()
        let skip: Set<String> = ["FROM", "INTO", "OR", "ROLLBACK", "ABORT", "REPLACE", "FAIL", "IGNORE"]
        switch verb {
        case "UPDATE", "DELETE", "REPLACE", "INSERT":
            guard let name = words.first(where: { !skip.contains($0.uppercased()) }) else { return nil }
            var table = name.split(separator: "(").first.map(String.init) ?? name
            if let dot = table.lastIndex(of: ".") { table = String(table[table.index(after: dot)...]) }
            let quotes: Set<Character> = ["\"", "`", "[", "]", "'"]
            return String(table.filter { !quotes.contains($0) })
        default:
            return nil
        }
    }

    /// The first table after FROM in a raw SELECT (`SELECT * FROM "book" ...`), or nil.
    public static func tableRead(by sql: String) -> String? {
        let words = sql.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        guard let from = words.firstIndex(where: { $0.uppercased() == "FROM" }), from + 1 < words.count else { return nil }
        var table = words[from + 1]
        if let dot = table.lastIndex(of: ".") { table = String(table[table.index(after: dot)...]) }
        let quotes: Set<Character> = ["\"", "`", "[", "]", "'", ";", ","]
        return String(table.filter { !quotes.contains($0) })
    }
}
