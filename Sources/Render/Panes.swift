import Report

// The contents of the three panes and of the lines under them, as logical lines. The terminal
// renderer wraps them into boxes; the plain renderer prints them as they are. Both read the same
// lines, so the two outputs always carry the same information.

/// One logical line of a pane, before wrapping.
struct PaneLine {
    /// The text, with colour codes when colour is on.
    var text: String
    /// Columns of indentation for the continuation lines when the line wraps.
    var indent: Int
    /// The line for a pane where `indent` would take more than about a third of the width (a
    /// long property name in an aligned column): its own text and indent, so the text keeps a
    /// readable width. Nil: the line is the same at every width.
    var narrow: (text: String, indent: Int)?
    /// A word the line is a list around (`·` between an association's facts): the line wraps
    /// there before it splits a part.
    var separator: String?
    /// A line of the objects pane: its markers (`⟨not loaded⟩`, `(was …`, `⟲ identity map`) stay
    /// whole, and a value that must be cut starts after `= ` rather than alone on the next line.
    var isObjectLine: Bool
    /// Lines that take the narrow form together, and only where one of them would wrap in the
    /// aligned form (an entity's objects in the objects pane: aligned where they all fit).
    /// Nil: the line alone decides, by its indent.
    var group: String?

    init(_ text: String, indent: Int = 0, narrow: (text: String, indent: Int)? = nil, separator: String? = nil,
         isObjectLine: Bool = false, group: String? = nil) {
        self.text = text
        self.indent = indent
        self.narrow = narrow
        self.separator = separator
        self.isObjectLine = isObjectLine
        self.group = group
    }

    /// Words an objects pane line never breaks after.
    private static let markerWords: Set<String> = ["⟨not", "(was", "⟲", "identity"]

    /// True where `indent` is more than a third (rounded up) of `width`: the text would be
    /// squeezed into a strip.
    func indentIsTooWide(forWidth width: Int) -> Bool {
        narrow != nil && indent > (width + 2) / 3
    }

    /// The line wrapped to a pane `width` columns wide (the terminal renderer's boxes); in the
    /// narrow form where its indent is too wide, or where `narrowing` says so.
    func wrapped(toWidth width: Int, narrowing: Bool? = nil) -> [String] {
        let useNarrow = indentIsTooWide(forWidth: width) && (narrowing ?? true)
        let (text, indent) = if let narrow, useNarrow { narrow } else { (text, indent) }
        return wrap(text, width: width, indent: indent, breakingAfter: separator,
                    keepingAfter: isObjectLine ? Self.markerWords : [], cuttingInPlace: isObjectLine)
    }
}

extension Array where Element == PaneLine {
    /// The lines wrapped to a pane `width` columns wide. A group takes the narrow form where its
    /// indent is too wide and one of its lines would not fit on one line aligned.
    func wrapped(toWidth width: Int) -> [String] {
        var squeezed: Set<String> = []
        for line in self {
            if let group = line.group, line.indentIsTooWide(forWidth: width), displayWidth(line.text) > width {
                squeezed.insert(group)
            }
        }
        return flatMap { line in line.wrapped(toWidth: width, narrowing: line.group.map { squeezed.contains($0) }) }
    }
}

/// A pane's title and lines; a pane with no lines is not shown.
struct Pane {
    var title: String
    var lines: [PaneLine]
    /// Share of the width when the panes stand side by side.
    var weight: Int
}

/// Builds the panes and the lines under them from a report.
struct PaneBuilder {
    var color: Bool
    /// At most this many objects are listed; the rest are counted ("… 180 more objects").
    var maxObjects: Int = Int.max
    /// At most this many statements are listed.
    var maxSQL: Int = Int.max
    /// Consecutive statements with the same SQL (differing only in bound values, as an N+1's
    /// do) show this many, then one line folds the rest ("… 18 more like ②"); nil lists all.
    var shownPerRun: Int? = nil
    /// Rows, counters and cause on one line under each statement (to save height).
    var compactSQL = false
    /// False leaves the mapping pane out (to save height; `:mapping` shows it).
    var showsMapping = true

    func panes(for report: Report) -> [Pane] {
        let all = [
            Pane(title: "Mapping", lines: showsMapping ? mappingLines(report.mapping) : [], weight: 30),
            Pane(title: "SQL", lines: sqlLines(report.sql) + lifecycleLines(report.lifecycle), weight: 40),
            // (No objects listed at all: the summary counts them, without an empty box.)
            Pane(title: "Objects", lines: maxObjects == 0 ? [] : objectLines(report.objects, omitted: report.omittedObjects), weight: 30),
        ]
        // With two sessions open, each pane says whose it is.
        guard let name = report.sessionName else { return all.filter { !$0.lines.isEmpty } }
        return all.filter { !$0.lines.isEmpty }.map { Pane(title: $0.title + " · session " + name, lines: $0.lines, weight: $0.weight) }
    }

    // MARK: - Mapping

    /// `Author → author`, then one aligned line per column and association, then the indexes.
    func mappingLines(_ entities: [EntityFacts]) -> [PaneLine] {
        var lines: [PaneLine] = []
        for (index, entity) in entities.enumerated() {
            if index > 0 { lines.append(PaneLine("")) }
            var header = paint(entity.entity, .bold, color: color) + " → " + entity.table
            if let status = entity.status {
                header += "  " + paint("(\(status))", .yellow, color: color)
            }
            lines.append(PaneLine(header, indent: 2))
            if let persistedBy = entity.persistedBy {
                lines.append(PaneLine("  saved by " + paint(persistedBy, .dim, color: color), indent: 11))
            }
            for fact in entity.inheritance {
                lines.append(PaneLine("  " + paint(fact, .dim, color: color), indent: 4))
            }

            let names = entity.columns.map(\.property) + entity.associations.map(\.name)
            let nameWidth = names.map(displayWidth).max() ?? 0
            let hanging = 2 + nameWidth + 3            // under the text after "→ "
            // Where that column is too wide for the pane, names are not padded and everything
            // after the first line hangs 4 columns in, two under the name.
            let narrowHanging = 4

            // `name → text`, names padded into a column; continuation lines under the text.
            func row(_ name: String, _ text: String) -> PaneLine {
                PaneLine("  " + pad(name, toWidth: nameWidth) + " → " + text, indent: hanging,
                         narrow: ("  " + name + " → " + text, narrowHanging))
            }
            // A further line of the association above, under its text.
            func under(_ text: String, separator: String? = nil) -> PaneLine {
                PaneLine(String(repeating: " ", count: hanging) + text, indent: hanging,
                         narrow: (String(repeating: " ", count: narrowHanging) + text, narrowHanging), separator: separator)
            }

            for column in entity.columns {
                var target = column.column + " " + column.sqlType
                if !column.constraints.isEmpty { target += " " + column.constraints.joined(separator: " ") }
                lines.append(row(column.property, target))
            }
            for association in entity.associations {
                let kind = paint(association.kind, .cyan, color: color)
                lines.append(row(association.name, kind + " " + association.target))
                if !association.storage.isEmpty {
                    lines.append(under(association.storage))
                }
                if !association.details.isEmpty {
                    // Wrapped between the facts first: each keeps to one line when it can.
                    let details = association.details.joined(separator: " · ")
                    lines.append(under(paint(details, .dim, color: color), separator: "·"))
                }
            }
            for index in entity.indexes {
                lines.append(PaneLine("  index " + index, indent: 4))
            }
        }
        return lines
    }

    // MARK: - SQL

    /// Numbered statements with their parameters, rows, time, counters and cause.
    func sqlLines(_ statements: StatementRecords) -> [PaneLine] {
        var lines: [PaneLine] = []
        let shown = statements.prefix(maxSQL)
        var index = 0
        while index < shown.count {
            let statement = shown[index]
            if let perRun = shownPerRun, statement.error == nil {
                // A run of the same SQL: the first `perRun` statements, then one fold line (a
                // statement that failed is never folded away).
                var end = index + 1
                while end < shown.count && shown[end].sql == statement.sql && shown[end].error == nil { end += 1 }
                if end - index - perRun >= 2 {
                    for k in index..<(index + perRun) { lines += statementLines(shown[k], number: k + 1) }
                    lines.append(foldLine(Array(shown[(index + perRun)..<end]), like: index + 1))
                    index = end
                    continue
                }
            }
            lines += statementLines(statement, number: index + 1)
            index += 1
        }
        let hidden = statements.count - min(statements.count, maxSQL)
        if hidden > 0 {
            let noun = hidden == 1 ? "statement" : "statements"
            lines.append(PaneLine(paint("… \(hidden) more \(noun) (:log shows all)", .dim, color: color), indent: 2))
        }
        return lines
    }

    /// Each saved object's lifecycle under the statements: validate → before → SQL → after → commit.
    func lifecycleLines(_ timelines: [LifecycleTimeline]) -> [PaneLine] {
        var lines: [PaneLine] = []
        for timeline in timelines {
            lines.append(PaneLine(paint("lifecycle of \(terminalSafe(timeline.ref)):", .bold, color: color), indent: 2))
            for (n, step) in timeline.steps.enumerated() {
                let style: Style? = step.contains("✗") ? .red : nil
                lines.append(PaneLine("  \(n + 1). " + paint(terminalSafe(step), style, color: color), indent: 5))
            }
        }
        return lines
    }

    /// "… 18 more like ②: ? = 3 … 20 · 18 rows · 0.15 ms" for statements folded under the one
    /// numbered `like` (the JSON lists each of them).
    func foldLine(_ folded: [StatementRecord], like number: Int) -> PaneLine {
        var text = "… \(folded.count) more like \(statementNumber(number))"
        if let first = folded.first, let last = folded.last, !first.params.isEmpty {
            func values(_ s: StatementRecord) -> String {
                SQLFolding.foldingINLists(sql: s.sql, params: s.params.map(\.display)).params.joined(separator: ", ")
            }
            if BoundParameterComment.style(of: first.sql) == .positional {
                text += ": ? = " + values(first) + " … " + values(last)
            } else {   // `$1 = 3 … $1 = 20`: the placeholders' names on PostgreSQL and SQL Server
                func labelled(_ s: StatementRecord) -> String {
                    let folded = SQLFolding.foldingINLists(sql: s.sql, params: s.params.map(\.display))
                    return BoundParameterComment.text(sql: folded.sql, values: folded.params)
                }
                text += ": " + labelled(first) + " … " + labelled(last)
            }
        }
        let rows = folded.reduce(0) { $0 + $1.rows }
        text += " · " + (rows == 1 ? "1 row" : "\(groupThousands(rows)) rows")
        text += " · " + fixedPoint(folded.reduce(0) { $0 + $1.ms }, decimals: 2) + " ms"
        return PaneLine(paint(terminalSafe(text), .dim, color: color), indent: 2)
    }

    /// One statement: its SQL (numbered), parameters, rows and time, counters, cause and error.
    func statementLines(_ statement: StatementRecord, number: Int) -> [PaneLine] {
        var lines: [PaneLine] = []
        let prefix = statementNumber(number) + " "
        let prefixWidth = displayWidth(prefix)
        let margin = String(repeating: " ", count: prefixWidth)

        // A long IN list shows as `IN (?, ?, … 300 values)`, its values likewise (JSON keeps all).
        let folded = SQLFolding.foldingINLists(sql: statement.sql, params: statement.params.map(\.display))
        var sqlLines = terminalSafe(folded.sql).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while sqlLines.count > 1, sqlLines.last?.allSatisfy({ $0 == " " }) == true { sqlLines.removeLast() }
        for (lineIndex, sqlLine) in sqlLines.enumerated() {
            var text = (lineIndex == 0 ? prefix : margin) + SQLHighlighter.highlight(sqlLine, color: color)
            if lineIndex == sqlLines.count - 1 && !statement.params.isEmpty {
                text += "  " + paint("-- " + BoundParameterComment.text(sql: folded.sql, values: folded.params), .dim, color: color)
            }
            lines.append(PaneLine(text, indent: prefixWidth))
        }

        let counters = statement.counters.flatMap(countersText).flatMap { countsOnlySchemaTable(statement.sql) ? nil : $0 }
        let cause = statement.cause.isEmpty ? nil : paint("↳ " + terminalSafe(statement.cause), .dim, color: color)
        if compactSQL {
            let parts = [rowsAndTime(statement)] + [counters.map { paint($0, .yellow, color: color) }, cause].compactMap { $0 }
            lines.append(PaneLine(margin + parts.joined(separator: " · "), indent: prefixWidth))
        } else {
            lines.append(PaneLine(margin + rowsAndTime(statement), indent: prefixWidth))
            if let counters {
                lines.append(PaneLine(margin + paint(counters, .yellow, color: color), indent: prefixWidth))
            }
            if let cause {
                lines.append(PaneLine(margin + cause, indent: prefixWidth + 2))
            }
        }
        if let error = statement.error {   // the statement SQLite refused, and why
            lines.append(PaneLine(margin + paint("✗ failed: " + terminalSafe(error), .red, color: color), indent: prefixWidth + 2))
        }
        return lines
    }

    // MARK: - Objects

    /// Each object's identity and state, then its values and associations, aligned.
    func objectLines(_ objects: [ObjectSnapshot], omitted: Int) -> [PaneLine] {
        var lines: [PaneLine] = []
        for object in objects.prefix(maxObjects) {
            var header = object.ref + "  " + paint(object.activeRecordState ?? object.state.rawValue, stateStyle(object.state), color: color)
            if object.fromIdentityMap { header += "  " + paint("⟲ identity map", .cyan, color: color) }
            lines.append(PaneLine(header, indent: 2, isObjectLine: true))

            let names = object.values.map(\.name) + object.associations.map(\.name)
            let nameWidth = names.map(displayWidth).max() ?? 0
            let hanging = 2 + nameWidth + 3            // under the value after "= "
            // Where that column is too wide for the pane (as in the mapping pane), names are not
            // padded and continuation lines hang 4 columns in, two under the name.
            let narrowHanging = 4

            // `name = value`, names padded into a column; continuation lines under the value.
            func row(_ name: String, _ value: String) -> PaneLine {
                PaneLine("  " + pad(name, toWidth: nameWidth) + " = " + value, indent: hanging,
                         narrow: ("  " + name + " = " + value, narrowHanging), isObjectLine: true, group: object.entity)
            }

            for value in object.values {
                // A stale object's values are what was loaded, not what the row holds now.
                if object.state == .stale {
                    lines.append(row(value.name, paint("? (stale; loaded as \(value.value.display))", .red, color: color)))
                    continue
                }
                var text = value.value.display
                if let old = object.changes.first(where: { $0.name == value.name }) {
                    text += " " + paint("(was \(old.value.display))", .yellow, color: color)
                }
                lines.append(row(value.name, text))
            }
            for association in object.associations {
                let shown = association.loaded == nil ? paint(association.display, .dim, color: color) : association.display
                lines.append(row(association.name, shown))
            }
        }
        let hidden = objects.count - min(objects.count, maxObjects) + max(0, omitted)
        if hidden > 0 {
            let noun = hidden == 1 ? "object" : "objects"
            lines.append(PaneLine(paint("… \(groupThousands(hidden)) more \(noun) (:more shows all)", .dim, color: color), indent: 2))
        }
        return lines
    }

    private func stateStyle(_ state: ObjectSnapshot.State) -> Style? {
        switch state {
        case .new: return .green
        case .dirty: return .yellow
        case .deleted: return .red
        case .partial: return .magenta
        case .detached: return .dim
        case .stale: return .red
        case .clean: return nil
        }
    }
}

// MARK: - Under the panes

/// The summary line is worth showing when the command ran SQL or produced objects.
func showsSummary(_ report: Report) -> Bool {
    !report.sql.isEmpty || !report.objects.isEmpty || report.omittedObjects > 0
}

/// ⚠ for warnings, • for lesson notes, ℹ for everything else.
func noteSymbol(_ kind: Note.Kind) -> String {
    switch kind {
    case .nPlusOne, .unusedEagerLoad: return "⚠"
    case .lesson: return "•"
    default: return "ℹ"
    }
}

/// True for notes that point out a mistake rather than explain.
func isWarning(_ kind: Note.Kind) -> Bool {
    kind == .nPlusOne || kind == .unusedEagerLoad || kind == .lostUpdate
}

/// The diagnostic's pre-rendered text with its headline coloured by severity.
func diagnosticLines(_ diagnostic: DiagnosticRecord, color: Bool, width: Int? = nil) -> [String] {
    // The quoted source line is the learner's raw text: an ESC or other control character in a
    // script must not reach the terminal (tabs stay, so the caret lines up).
    var lines = diagnostic.rendered.split(separator: "\n", omittingEmptySubsequences: false).map { withoutControlCharacters(String($0)) }
    while lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
    // In a terminal, the headline and the `= hint:` / `= note:` lines wrap between words (the
    // terminal would break them mid-word); the quoted source and its caret stay as they are.
    var headlineLines = 1
    if let width, width > 20 {
        var wrapped: [String] = []
        for (i, line) in lines.enumerated() {
            if i == 0 {
                let parts = wrap(line, width: width, indent: 2)
                headlineLines = parts.count
                wrapped += parts
            } else if line.hasPrefix("  = ") {
                wrapped += wrap(line, width: width, indent: 4)
            } else {
                wrapped.append(line)
            }
        }
        lines = wrapped
    }
    if color, !lines.isEmpty {
        let style: Style
        switch diagnostic.severity {
        case "error": style = .boldRed
        case "warning": style = .boldYellow
        default: style = .bold
        }
        for i in 0..<min(headlineLines, lines.count) { lines[i] = paint(lines[i], style, color: true) }
    }
    return lines
}

/// `text` with control characters other than tab (C0, ESC, DEL, C1) replaced by "�".
func withoutControlCharacters(_ text: String) -> String {
    func isControl(_ v: UInt32) -> Bool { (v < 0x20 && v != 0x09) || (0x7F...0x9F).contains(v) }
    guard text.unicodeScalars.contains(where: { isControl($0.value) }) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars { out.append(isControl(scalar.value) ? "\u{FFFD}" : scalar) }
    return String(out)
}

// MARK: - Number formatting

/// ① … ⑳ for the first twenty statements, then (21), (22), …
func statementNumber(_ n: Int) -> String {
    if n >= 1 && n <= 20, let scalar = Unicode.Scalar(0x2460 + UInt32(n - 1)) {
        return String(Character(scalar))
    }
    return "(\(n))"
}

/// "2 rows · 0.04 ms", "1 row · 0.00 ms".
func rowsAndTime(_ statement: StatementRecord) -> String {
    let rows = statement.rows == 1 ? "1 row" : "\(groupThousands(statement.rows)) rows"
    return rows + " · " + fixedPoint(statement.ms, decimals: 2) + " ms"
}

/// "full scan 1,000 steps · sort 1 · auto-index 1", or nil when nothing is worth saying.
func countersText(_ counters: StatementCounters) -> String? {
    var parts: [String] = []
    if counters.fullScanSteps > 0 {
        parts.append("full scan \(groupThousands(counters.fullScanSteps)) \(counters.fullScanSteps == 1 ? "step" : "steps")")
    }
    if counters.sorts > 0 { parts.append("sort \(groupThousands(counters.sorts))") }
    if counters.autoIndexes > 0 { parts.append("auto-index \(groupThousands(counters.autoIndexes))") }
    return parts.isEmpty ? nil : parts.joined(separator: " · ")
}

/// CREATE TABLE, ALTER TABLE, DROP TABLE, DROP INDEX: SQLite's counters for these count its
/// walk over sqlite_schema (its own table of tables), whatever the rows of the learner's tables;
/// "full scan 9 steps" under them would read as a missing index, so no counters are shown for
/// them (JSON keeps them). CREATE INDEX and INSERT … SELECT do read every row: theirs stay.
func countsOnlySchemaTable(_ sql: String) -> Bool {
    let head = sql.utf8.prefix(12).map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }  // ASCII upper case
    func starts(_ word: String) -> Bool { head.starts(with: word.utf8) }
    return starts("CREATE TABLE") || starts("ALTER TABLE") || starts("DROP TABLE") || starts("DROP INDEX")
}

/// 1234567 → "1,234,567".
func groupThousands(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}

/// `x` with exactly `decimals` digits after the point, without Foundation: 0.04 → "0.04".
func fixedPoint(_ x: Double, decimals: Int) -> String {
    guard x.isFinite else { return x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf") }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (x.magnitude * scale).rounded()
    guard scaled < 9e15 else { return String(x) }
    let units = Int(scaled)
    let whole = units / Int(scale)
    let fraction = String(units % Int(scale))
    let sign = x < 0 && units != 0 ? "-" : ""
    if decimals == 0 { return sign + String(whole) }
    return sign + String(whole) + "." + String(repeating: "0", count: decimals - fraction.count) + fraction
}
