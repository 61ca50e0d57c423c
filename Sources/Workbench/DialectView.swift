import Foundation
import DSL
import Report
import SQLBuilder

// `:dialect NAME`: every statement of the SQL pane also shown as another database writes it
// (the statement's tree, kept by the session's dialect under the text it wrote, rendered again
// by the target dialect; only SQL ORMLab did not write is translated from its text), with a note
// per difference that matters for those statements. MySQL and SQL Server text is shown, not run;
// PostgreSQL text is what ORMLab runs on PostgreSQL (`--db postgres://…`).

extension Workbench {
    /// `:dialect NAME` shows the SQL pane in that dialect too; `:dialect off` (or the session's own) stops.
    func dialectCommand(_ argument: String, range: SourceRange, into report: inout Report) throws {
        let name = argument.lowercased()
        if name.isEmpty {
            report.notes.append(Note(.info, shownDialect.map { "the SQL pane is also shown in \($0.name); :dialect off stops" }
                                     ?? "the SQL pane is shown in \(session.dialect.name) only; :dialect \(dialectNames.filter { $0 != "sqlite" }.joined(separator: "|")) shows it in another database's SQL too"))
            return
        }
        if name == "off" {
            shownDialect = nil
            report.notes.append(Note(.info, "the SQL pane is shown in \(session.dialect.name) only"))
            return
        }
        guard let target = dialect(named: name) else {
            throw EvalError("unknown dialect '\(argument)'", at: range,
                            hint: suggestion(name, dialectNames) ?? "dialects: \(dialectNames.joined(separator: ", ")), or off")
        }
        guard target.name != session.dialect.name else {
            shownDialect = nil
            report.notes.append(Note(.info, "this session runs on \(target.name) already: the SQL pane shows its text"))
            return
        }
        shownDialect = target
        let how = target.name == "PostgreSQL" ? "the text ORMLab runs on PostgreSQL (ormlab --db postgres://…)" : "shown, not run"
        report.notes.append(Note(.info, "every command's statements are now also shown in \(target.name) (\(how)), with a note per difference; :dialect off stops"))
    }

    /// Adds the SQL pane in `shownDialect` to a report that ran statements.
    func addDialectView(_ report: inout Report) {
        guard let target = shownDialect, !report.sql.isEmpty else { return }
        let source = session.dialect
        var lines: [String] = []
        var notes: [String] = []
        // An entity's table has a generated key (its first column); a join table has none.
        let keys = Dictionary(session.schema.orderedEntities.compactMap { e in e.columns.first.map { (e.table, $0.name) } },
                              uniquingKeysWith: { a, _ in a })
        let trees = session.statementTrees
        for (i, record) in report.sql.enumerated() {
            // What ORMLab rendered: its tree, rendered again by the target's renderer. Only text
            // ORMLab did not write (a `:sql` line) is translated from its text.
            let translated: TranslatedStatement
            if let tree = trees.tree(for: record.sql) {
                translated = target.rerender(tree, ranAs: record.sql, from: source)
            } else {
                var fromText = target.translate(record.sql, from: source, keyColumn: { keys[$0] })
                fromText.notes.append("statement \(i + 1) is SQL ORMLab did not write, so it is translated from its text: quoting and placeholders only")
                translated = fromText
            }
            var statementLines = clauseLines(translated.sql, number: i + 1)
            // The bound values under the target's placeholder names (`-- @p1 = …`, `-- $1 = …`).
            if !record.params.isEmpty, !statementLines.isEmpty {
                let folded = SQLFolding.foldingINLists(sql: translated.sql, params: record.params.map(\.display))
                statementLines[statementLines.count - 1] += "  -- " + BoundParameterComment.text(sql: translated.sql, values: folded.params)
            }
            lines += statementLines
            for note in translated.notes where !notes.contains(note) { notes.append(note) }
        }
        let how = target.name == "PostgreSQL" ? "what runs there" : "shown, not run"
        report.blocks.append(.code(title: "In \(target.name) (\(how))", lines: lines))
        for note in notes { report.notes.append(Note(.info, "\(target.name): \(note)")) }
        if notes.isEmpty { report.notes.append(Note(.info, "\(target.name): the same text as \(source.name) for these statements")) }
    }

    /// A long statement as one line per clause (a code block is cut at the pane's width, not
    /// wrapped), each after the first indented under the number.
    func clauseLines(_ sql: String, number: Int) -> [String] {
        let prefix = "\(number). "
        guard sql.count > 70 else { return [prefix + sql] }
        var lines: [String] = []
        var current = ""
        var rest = Substring(sql)
        let breaks = [" FROM ", " WHERE ", " GROUP BY ", " ORDER BY ", " LIMIT ", " OFFSET ", " OUTPUT ", " VALUES ", " RETURNING "]
        while !rest.isEmpty {
            let next = breaks.compactMap { rest.range(of: $0) }.filter { $0.lowerBound > rest.startIndex }.min { $0.lowerBound < $1.lowerBound }
            guard let cut = next else { current += rest; break }
            current += rest[..<cut.lowerBound]
            lines.append(current)
            current = ""
            rest = rest[rest.index(after: cut.lowerBound)...]
        }
        lines.append(current)
        let indent = String(repeating: " ", count: prefix.count)
        return lines.enumerated().map { $0.offset == 0 ? prefix + $0.element : indent + $0.element }
    }

    /// `--dialect NAME` of `ormlab run`: false for a name no dialect has.
    public func showDialect(named name: String) -> Bool {
        guard let target = dialect(named: name) else { return false }
        shownDialect = target.name == session.dialect.name ? nil : target
        return true
    }
}
