// SQL syntax highlighting for the SQL pane: keywords, string literals, numbers, parameters and
// comments get their own colour. Without colour the text comes back unchanged.

/// Colours SQL text for the terminal.
public enum SQLHighlighter {
    /// `sql` with ANSI colours when `color` is true; exactly `sql` when it is false.
    public static func highlight(_ sql: String, color: Bool) -> String {
        guard color else { return sql }
        var out = ""
        for token in tokenize(sql) {
            out += paint(token.text, token.kind.style, color: true)
        }
        return out
    }

    // MARK: - Tokens

    enum Kind {
        case keyword, string, number, parameter, comment, other

        var style: Style? {
            switch self {
            case .keyword: return .boldBlue
            case .string: return .green
            case .number: return .cyan
            case .parameter: return .yellow
            case .comment: return .dim
            case .other: return nil
            }
        }
    }

    struct Token {
        var kind: Kind
        var text: String
    }

    /// SQLite's keywords that matter to a reader of ORM-generated SQL.
    static let keywords: Set<String> = [
        "ABORT", "ACTION", "ADD", "ALL", "ALTER", "AND", "AS", "ASC", "AUTOINCREMENT", "BEGIN",
        "BETWEEN", "BY", "CASCADE", "CASE", "CHECK", "COLLATE", "COLUMN", "COMMIT", "CONFLICT",
        "CONSTRAINT", "CREATE", "CROSS", "DEFAULT", "DEFERRABLE", "DEFERRED", "DELETE", "DESC",
        "DISTINCT", "DROP", "ELSE", "END", "ESCAPE", "EXCEPT", "EXCLUSIVE", "EXISTS", "EXPLAIN",
        "FOREIGN", "FROM", "FULL", "GLOB", "GROUP", "HAVING", "IF", "IGNORE", "IMMEDIATE", "IN",
        "INDEX", "INNER", "INSERT", "INTERSECT", "INTO", "IS", "JOIN", "KEY", "LEFT", "LIKE",
        "LIMIT", "NO", "NOT", "NULL", "NULLS", "OFFSET", "ON", "OR", "ORDER", "OUTER", "PLAN",
        "PRAGMA", "PRIMARY", "QUERY", "REFERENCES", "RELEASE", "RENAME", "REPLACE", "RESTRICT",
        "RETURNING", "RIGHT", "ROLLBACK", "SAVEPOINT", "SELECT", "SET", "TABLE", "TEMP", "THEN",
        "TO", "TRANSACTION", "UNION", "UNIQUE", "UPDATE", "USING", "VALUES", "VIEW", "WHEN",
        "WHERE", "WITH", "WITHOUT",
    ]

    /// Splits SQL into tokens; concatenating their texts gives back the input exactly.
    static func tokenize(_ sql: String) -> [Token] {
        let chars = Array(sql)
        var tokens: [Token] = []
        var i = 0

        func take(_ kind: Kind, upTo end: Int) {
            let stop = min(end, chars.count)
            tokens.append(Token(kind: kind, text: String(chars[i..<stop])))
            i = stop
        }

        while i < chars.count {
            let c = chars[i]
            if c == "-" && i + 1 < chars.count && chars[i + 1] == "-" {
                var j = i
                while j < chars.count && chars[j] != "\n" { j += 1 }
                take(.comment, upTo: j)
            } else if c == "'" || c == "\"" || c == "`" {
                // A quoted string or identifier; a doubled quote is an escaped one.
                var j = i + 1
                while j < chars.count {
                    if chars[j] == c {
                        if j + 1 < chars.count && chars[j + 1] == c { j += 2; continue }
                        j += 1
                        break
                    }
                    j += 1
                }
                take(c == "'" ? .string : .other, upTo: j)
            } else if c == "?" || ((c == ":" || c == "@" || c == "$") && i + 1 < chars.count && isWordCharacter(chars[i + 1])) {
                var j = i + 1
                while j < chars.count && isWordCharacter(chars[j]) { j += 1 }
                take(.parameter, upTo: j)
            } else if c.isNumber && c.isASCII {
                var j = i
                while j < chars.count && (chars[j].isASCII && (chars[j].isNumber || chars[j] == ".")) { j += 1 }
                take(.number, upTo: j)
            } else if isWordCharacter(c) {
                var j = i
                while j < chars.count && isWordCharacter(chars[j]) { j += 1 }
                let word = String(chars[i..<j])
                take(keywords.contains(word.uppercased()) ? .keyword : .other, upTo: j)
            } else {
                take(.other, upTo: i + 1)
            }
        }
        return tokens
    }

    private static func isWordCharacter(_ c: Character) -> Bool {
        c == "_" || c.isLetter || c.isNumber
    }
}
