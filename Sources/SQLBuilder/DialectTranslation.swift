// `:dialect NAME` for SQL text ORMLab did not render: a `:sql` line the learner typed, or a
// statement from before the session kept trees. Everything ORMLab renders is shown from its
// statement value instead (StatementTrees.swift, DialectDifferences.swift: the target dialect
// renders the same tree), so this is only the fallback, and the pane says when it was used.
//
// It reads the text (a narrow, known shape: quoted names, placeholders, one LIMIT clause, one
// RETURNING, the column types and transaction words of the source dialect) and asks the target
// dialect for each piece: `quoteIdentifier`, `placeholder`, `limitClause`, `columnTypeName`,
// `generatedKeyClause`, `insertOutputClause`, `transactionSQL`. Text cannot tell SQLite's
// INTEGER boolean from an integer or its `1` from TRUE; the tree can. `dialect(named:)` and
// `TranslatedStatement` below serve both ways.

/// A statement in another dialect, and what differs.
public struct TranslatedStatement: Sendable, Equatable {
    public var sql: String
    /// One short note per difference that matters here ("placeholders: ? → $1").
    public var notes: [String]
}

/// The dialect named `name` (`sqlite`, `postgres`, `mysql`, `sqlserver`), or nil.
public func dialect(named name: String) -> (any Dialect)? {
    switch name.lowercased() {
    case "sqlite": return SQLiteDialect()
    case "postgres", "postgresql", "pg": return PostgresDialect()
    case "mysql": return MySQLDialect()
    case "sqlserver", "mssql", "sql-server": return SQLServerDialect()
    default: return nil
    }
}

/// The names `dialect(named:)` knows, for messages and completion.
public let dialectNames = ["sqlite", "postgres", "mysql", "sqlserver"]

private enum Token: Equatable {
    case word(String)
    case identifier(String)
    case string(String)
    case placeholder(Int?)
    case space(String)
    case other(String)
}

private func tokenize(_ sql: String) -> [Token] {
    var tokens: [Token] = []
    let chars = Array(sql)
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if c == "'" || c == "\"" {
            var text = ""
            var j = i + 1
            while j < chars.count {
                if chars[j] == c {
                    if j + 1 < chars.count && chars[j + 1] == c { text.append(c); j += 2; continue }
                    break
                }
                text.append(chars[j])
                j += 1
            }
            tokens.append(c == "'" ? .string(text) : .identifier(text))
            i = j + 1
        } else if c == "?" {
            tokens.append(.placeholder(nil))
            i += 1
        } else if c == "$", i + 1 < chars.count, chars[i + 1].isNumber {
            var j = i + 1
            while j < chars.count, chars[j].isNumber { j += 1 }
            tokens.append(.placeholder(Int(String(chars[(i + 1)..<j]))))
            i = j
        } else if c.isWhitespace {
            var j = i
            while j < chars.count, chars[j].isWhitespace { j += 1 }
            tokens.append(.space(String(chars[i..<j])))
            i = j
        } else if c.isLetter || c == "_" || c.isNumber || (c == "-" && i + 1 < chars.count && chars[i + 1].isNumber && tokens.last.map { if case .word("LIMIT") = $0 { return true }; if case .space = $0 { return true }; return false } == true) {
            var j = i + 1
            while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "." && j + 1 < chars.count && chars[j + 1].isNumber { j += 1 }
            tokens.append(.word(String(chars[i..<j])))
            i = j
        } else {
            tokens.append(.other(String(c)))
            i += 1
        }
    }
    return tokens
}

extension Dialect {
    /// `sql`, written by `source`, spelled in this dialect, with the differences that matter.
    /// `keyColumn` names the generated key of a table (nil for a join table): an INSERT the
    /// source wrote without RETURNING gets the target's way of handing the key back.
    public func translate(_ sql: String, from source: any Dialect,
                          keyColumn: (String) -> String? = { _ in nil }) -> TranslatedStatement {
        var notes: [String] = []
        func note(_ text: String) { if !notes.contains(text) { notes.append(text) } }
        let trimmed = trimmedSpaces(sql)
        let upper = trimmed.uppercased()

        // Transaction control: the whole statement is one of the source's spellings.
        for statement in transactionStatements(in: trimmed) where source.transactionSQL(statement) == trimmed {
            let translated = transactionSQL(statement)
            if translated != trimmed { note("transaction control: \(source.name) writes \(trimmed), \(name) \(translated)") }
            return TranslatedStatement(sql: translated, notes: notes)
        }
        // Foreign-key switches of a table rebuild.
        for enabled in [false, true] where source.foreignKeyEnforcementSQL(enabled) == trimmed {
            if let translated = foreignKeyEnforcementSQL(enabled) {
                if translated != trimmed { note("the foreign-key switch of a table rebuild is \(translated) in \(name)") }
                return TranslatedStatement(sql: translated, notes: notes)
            }
            return TranslatedStatement(sql: "-- (no \(trimmed) in \(name): it checks foreign keys itself)", notes: [])
        }
        if upper.hasPrefix("PRAGMA ") {
            return TranslatedStatement(sql: "-- (\(trimmed): SQLite only)", notes: ["PRAGMA is SQLite's own statement; \(name) has none like it"])
        }

        var tokens = tokenize(trimmed)
        let isInsert = upper.hasPrefix("INSERT ")
        let isDDL = upper.hasPrefix("CREATE TABLE") || upper.hasPrefix("ALTER TABLE")

        // RETURNING "id" at the end of an INSERT: the generated key, the target's way.
        var returning: [String] = []
        if isInsert, let r = tokens.lastIndex(of: .word("RETURNING")) {
            returning = tokens[(r + 1)...].compactMap { if case .identifier(let n) = $0 { return n }; return nil }
            tokens.removeSubrange(r...)
            while case .space = tokens.last { tokens.removeLast() }
        }

        // An entity's INSERT where the source read the key afterwards (SQLite's rowid): the
        // target's RETURNING or OUTPUT INSERTED, as ORMLab writes it there.
        var addedReturning = false
        if isInsert, returning.isEmpty, !source.readsGeneratedKeysWithReturning, !upper.contains(" SELECT "),
           let table = tokens.first(where: { if case .identifier = $0 { return true }; return false }),
           case .identifier(let tableName) = table, let key = keyColumn(tableName),
           readsGeneratedKeysWithReturning || !insertOutputClause([key]).isEmpty {
            returning = [key]
            addedReturning = true
        }

        // LIMIT … OFFSET … at the end of a SELECT (outside parentheses).
        var limit: [Token]? = nil
        var offset: [Token]? = nil
        var clauseNeedsOrderBy = false
        if upper.hasPrefix("SELECT") || upper.hasPrefix("EXPLAIN") {
            var depth = 0
            var limitAt: Int?
            for (k, t) in tokens.enumerated() {
                if t == .other("(") { depth += 1 }
                if t == .other(")") { depth -= 1 }
                if depth == 0, t == .word("LIMIT") { limitAt = k }
            }
            if let at = limitAt {
                let tail = Array(tokens[(at + 1)...])
                let offsetAt = tail.firstIndex(of: .word("OFFSET"))
                limit = Array(tail[..<(offsetAt ?? tail.count)])
                offset = offsetAt.map { Array(tail[($0 + 1)...]) }
                tokens.removeSubrange(at...)
                while case .space = tokens.last { tokens.removeLast() }
            }
        }

        // Source type names, longest first (DOUBLE PRECISION before DOUBLE).
        let types: [ColumnType] = [.integer, .real, .text, .boolean, .date, .blob]
        var sourceTypes: [(words: [String], type: ColumnType)] = []
        for type in types {
            let words = source.columnTypeName(type).split(separator: " ").map(String.init)
            if !sourceTypes.contains(where: { $0.words == words }) { sourceTypes.append((words, type)) }
        }

        var out = ""
        var placeholderCount = 0
        var usedPlaceholder = false
        var k = 0
        var previousSignificant: Token? = nil
        var lastType: ColumnType? = nil
        func render(_ t: Token) -> String {
            switch t {
            case .word(let w): return w
            case .identifier(let n): return quoteIdentifier(n)
            case .string(let s): return stringLiteral(s)
            case .placeholder(let n):
                placeholderCount += 1
                usedPlaceholder = true
                return placeholder(n ?? placeholderCount)
            case .space(let s): return s
            case .other(let o): return o
            }
        }
        func words(_ count: Int, at index: Int) -> [String]? {
            var found: [String] = []
            var j = index
            while found.count < count, j < tokens.count {
                switch tokens[j] {
                case .word(let w): found.append(w.uppercased())
                case .space: break
                default: return nil
                }
                j += 1
            }
            return found.count == count ? found : nil
        }
        func skip(words count: Int, from index: Int) -> Int {
            var seen = 0
            var j = index
            while j < tokens.count {
                if case .word = tokens[j] { seen += 1; if seen == count { return j + 1 } }
                j += 1
            }
            return j
        }
        while k < tokens.count {
            let t = tokens[k]
            // A column type right after a column name in DDL.
            if isDDL, case .identifier? = previousSignificant, case .word = t {
                if let match = sourceTypes.first(where: { words($0.words.count, at: k) == $0.words }) {
                    let translated = columnTypeName(match.type)
                    if translated != match.words.joined(separator: " ") {
                        note("column types: \(source.name)'s \(match.words.joined(separator: " ")) is \(translated) in \(name)")
                    }
                    out += translated
                    lastType = match.type
                    k = skip(words: match.words.count, from: k)
                    previousSignificant = .word(translated)
                    continue
                }
            }
            // The integer key the database numbers: INTEGER PRIMARY KEY, an identity column.
            if isDDL, lastType == .integer, case .word(let w) = t, w == "PRIMARY" || w == "GENERATED" {
                let clause = source.generatedKeyClause().split(separator: " ").map(String.init)
                if words(clause.count, at: k) == clause {
                    let translated = generatedKeyClause()
                    if translated != clause.joined(separator: " ") {
                        note("generated keys: \(source.name)'s \(clause.joined(separator: " ")) is \(translated) in \(name)")
                    }
                    out += translated
                    k = skip(words: clause.count, from: k)
                    lastType = nil
                    continue
                }
            }
            // INSERT … (columns) OUTPUT INSERTED.… VALUES: SQL Server's place for the key.
            if isInsert, t == .word("VALUES"), !returning.isEmpty {
                let output = insertOutputClause(returning)
                if !output.isEmpty {
                    while out.hasSuffix(" ") { out.removeLast() }
                    out += output + " "
                }
            }
            if case .word(let w) = t, w == "LIKE" || w == "ILIKE" {
                let translated = caseInsensitiveLikeOperator
                if translated != w {
                    note("case-insensitive matching: \(source.name) \(w), \(name) \(translated) (\(translated == "ILIKE" ? "its LIKE tells upper from lower case" : "its LIKE ignores case with the default collation"))")
                }
                out += translated
                previousSignificant = t
                k += 1
                continue
            }
            if case .word(let w) = t, w == "TRUE" || w == "FALSE" {
                let translated = booleanLiteral(w == "TRUE")
                if translated != w { note("booleans: \(w) is \(translated) in \(name)") }
                out += translated
                previousSignificant = t
                k += 1
                continue
            }
            out += render(t)
            if case .space = t {} else { previousSignificant = t }
            k += 1
        }

        if limit != nil || offset != nil {
            func text(_ part: [Token]?) -> String? {
                guard let part else { return nil }
                let rendered = trimmedSpaces(part.map { render($0) }.joined())
                return rendered == "-1" ? nil : rendered
            }
            let l = text(limit), o = text(offset)
            let clause = limitClause(limit: l, offset: o)
            out += clause
            clauseNeedsOrderBy = clause.contains(" FETCH ")
            let sourceClause = source.limitClause(limit: l == nil ? nil : "n", offset: o == nil ? nil : "m")
            let targetClause = limitClause(limit: l == nil ? nil : "n", offset: o == nil ? nil : "m")
            if sourceClause != targetClause {
                note("paging: \(source.name) writes\(sourceClause), \(name)\(targetClause)")
            }
        }
        if isInsert, !returning.isEmpty {
            let tail = insertReturningClause(returning)
            out += tail
            if insertOutputClause(returning).isEmpty && tail.isEmpty {
                note("generated keys: no RETURNING in \(name); the driver asks for the new id after the INSERT (LAST_INSERT_ID(), SCOPE_IDENTITY())")
            } else if !insertOutputClause(returning).isEmpty {
                note("generated keys: \(name) hands the new id back with OUTPUT INSERTED, before VALUES" + (addedReturning ? " (\(source.name) asks for it after the INSERT)" : ""))
            } else if addedReturning {
                note("generated keys: \(name) reads the new id in the same trip with RETURNING (\(source.name) asks for it after the INSERT)")
            }
        } else if isInsert, !source.readsGeneratedKeysWithReturning, !upper.contains(" SELECT ") {
            // The source asked for the key after the INSERT (SQLite's last_insert_rowid()).
            if readsGeneratedKeysWithReturning {
                note("generated keys: an entity's INSERT ends with RETURNING \(quoteIdentifier("id")) in \(name), which reads the new id in the same trip (\(source.name) asks after the INSERT)")
            } else if !insertOutputClause(["id"]).isEmpty {
                note("generated keys: \(name) hands the new id back with\(insertOutputClause(["id"])) between the columns and VALUES (or SCOPE_IDENTITY() after)")
            } else {
                note("generated keys: \(name) reads the new id after the INSERT with LAST_INSERT_ID(), as \(source.name) does with its own")
            }
        }
        if clauseNeedsOrderBy, !upper.contains("ORDER BY") {
            note("paging: \(name)'s OFFSET … FETCH needs an ORDER BY; without one, which rows come first is not defined")
        }

        // Quoting and placeholders: the differences nearly every statement has.
        if tokens.contains(where: { if case .identifier = $0 { return true }; return false }),
           quoteIdentifier("x") != source.quoteIdentifier("x") {
            note("quoting: names are written \(quoteIdentifier("name")) (\(source.name): \(source.quoteIdentifier("name")))")
        }
        if usedPlaceholder, placeholder(1) != source.placeholder(1) {
            note("placeholders: \(source.placeholder(1)), \(source.placeholder(2)) become \(placeholder(1)), \(placeholder(2))")
        }
        return TranslatedStatement(sql: out, notes: notes)
    }
}

/// The transaction statements `sql` could be, by its savepoint name (if any).
private func transactionStatements(in sql: String) -> [TransactionStatement] {
    var all: [TransactionStatement] = [.begin, .beginImmediate, .commit, .rollback]
    if let name = sql.split(separator: " ").last {
        let bare = String(name.filter { !"\"`[]".contains($0) })
        for quoted in [true, false] {
            let s = Savepoint(bare, quoted: quoted)
            all += [.savepoint(s), .release(s), .rollbackTo(s)]
        }
    }
    return all
}

private func trimmedSpaces(_ text: String) -> String {
    var t = Substring(text)
    while t.first?.isWhitespace == true { t.removeFirst() }
    while t.last?.isWhitespace == true { t.removeLast() }
    return String(t)
}
