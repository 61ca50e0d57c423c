import Report

/// How the terminal renderer lays a report out.
public struct RenderOptions: Sendable, Equatable {
    /// Terminal width in columns; every line of the pane box is exactly this wide.
    public var width: Int
    /// ANSI colours on or off (see `ColorPolicy`).
    public var color: Bool
    /// Objects listed in the objects pane before "… N more objects".
    public var maxObjects: Int = 20
    /// Statements listed in the SQL pane before "… N more statements".
    public var maxSQL: Int = 30
    /// Terminal height in lines, when known: a report taller than this is shortened to fit
    /// (runs of one SQL folded to their first statement, fewer objects and table rows, the
    /// mapping pane left to `:mapping`) and says so. Nil: no limit.
    public var height: Int?

    public init(width: Int = 100, color: Bool = false, maxObjects: Int = 20, maxSQL: Int = 30, height: Int? = nil) {
        self.width = width
        self.color = color
        self.maxObjects = maxObjects
        self.maxSQL = maxSQL
        self.height = height
    }
}

/// How much a report is shortened to fit a terminal's height, from not at all to the most.
struct Compaction {
    /// Statements shown of a run of the same SQL before the fold line.
    var shownPerRun = 2
    var compactSQL = false
    var maxObjects = Int.max
    var tableRows = Int.max
    var showsMapping = true
    /// True when something was left out to fit (said under the summary).
    var shortened: Bool { compactSQL || !showsMapping || maxObjects < Int.max || tableRows < Int.max }

    /// Tried in order until one fits.
    static let levels: [Compaction] = [
        Compaction(),
        Compaction(shownPerRun: 1, compactSQL: true, maxObjects: 3, tableRows: 5),
        Compaction(shownPerRun: 1, compactSQL: true, maxObjects: 1, tableRows: 3, showsMapping: false),
        Compaction(shownPerRun: 1, compactSQL: true, maxObjects: 0, tableRows: 2, showsMapping: false),
    ]
}

/// Renders a report for a terminal: the Mapping, SQL and Objects panes in boxes (side by side
/// from 110 columns, stacked below), then the value, summary, notes, diagnostics and blocks.
public enum TerminalRenderer {
    /// Panes stand side by side from this width on; narrower terminals get them stacked.
    public static let sideBySideMinimumWidth = 110
    /// Narrower widths are treated as this one.
    public static let minimumWidth = 24

    /// The report as terminal text, lines joined by "\n", no trailing newline.
    public static func render(_ report: Report, options: RenderOptions) -> String {
        // Only the panes are shortened: a report without them (`:help`, `:log`) is what was asked for.
        let hasPanes = !report.sql.isEmpty || !report.objects.isEmpty || report.omittedObjects > 0 || !report.mapping.isEmpty
        guard let height = options.height, height > 0, hasPanes else { return render(report, options: options, compaction: Compaction()) }
        var text = ""
        for compaction in Compaction.levels {
            text = render(report, options: options, compaction: compaction)
            if lineCount(text) <= height { break }
        }
        return text
    }

    private static func lineCount(_ text: String) -> Int {
        text.isEmpty ? 0 : text.utf8.reduce(1) { $1 == 10 ? $0 + 1 : $0 }
    }

    static func render(_ report: Report, options: RenderOptions, compaction: Compaction) -> String {
        let width = max(options.width, minimumWidth)
        let color = options.color
        var builder = PaneBuilder(color: color, maxObjects: max(min(options.maxObjects, compaction.maxObjects), 0), maxSQL: max(options.maxSQL, 0))
        builder.shownPerRun = compaction.shownPerRun
        builder.compactSQL = compaction.compactSQL
        builder.showsMapping = compaction.showsMapping

        var sections: [[String]] = []
        let panes = builder.panes(for: report)
        var main: [String] = []
        if !panes.isEmpty {
            main = width >= sideBySideMinimumWidth
                ? sideBySide(panes, width: width, color: color)
                : stacked(panes, width: width, color: color)
        }
        main += underPanes(report, width: width, color: color, shortened: compaction.shortened)
        sections.append(main)
        for diagnostic in report.diagnostics {
            sections.append(diagnosticLines(diagnostic, color: color, width: width))
        }
        // A lesson's verdict comes after the error it may refer to ("that command failed").
        let verdict = lessonNoteLines(report, width: width, color: color)
        if !verdict.isEmpty { sections[sections.count - 1] += verdict }
        // Only a table beside objects is cut (a loop's, one row per object); the rows of `:sql`
        // or `:log` are what was asked for.
        let tableRows = report.objects.isEmpty && report.omittedObjects == 0 ? Int.max : compaction.tableRows
        for block in report.blocks {
            sections.append(blockLines(block, width: width, color: color, maxRows: tableRows))
        }
        return sections.filter { !$0.isEmpty }.map { $0.joined(separator: "\n") }.joined(separator: "\n\n")
    }

    // MARK: - Boxes

    /// The panes next to each other in one box; widths proportional to the panes' weights.
    static func sideBySide(_ panes: [Pane], width: Int, color: Bool) -> [String] {
        let available = width - (panes.count + 1)                 // minus the vertical bars
        let totalWeight = panes.reduce(0) { $0 + $1.weight }
        var widths = panes.map { available * $0.weight / totalWeight }
        widths[widths.count - 1] = available - widths.dropLast().reduce(0, +)

        let columns: [[String]] = zip(panes, widths).map { pane, paneWidth in
            pane.lines.wrapped(toWidth: paneWidth - 2)
        }
        let height = columns.map(\.count).max() ?? 0
        let bar = border("│", color: color)

        var lines: [String] = []
        lines.append(border("┌", color: color)
            + zip(panes, widths).map { titleRule($0.title, width: $1, color: color) }.joined(separator: border("┬", color: color))
            + border("┐", color: color))
        for row in 0..<height {
            let cells = columns.indices.map { index -> String in
                let text = row < columns[index].count ? columns[index][row] : ""
                return " " + pad(text, toWidth: widths[index] - 2) + " "
            }
            lines.append(bar + cells.joined(separator: bar) + bar)
        }
        lines.append(border("└" + widths.map { String(repeating: "─", count: $0) }.joined(separator: "┴") + "┘", color: color))
        return lines
    }

    /// Each pane in its own full-width box, one under the other.
    static func stacked(_ panes: [Pane], width: Int, color: Bool) -> [String] {
        let inner = width - 4
        let bar = border("│", color: color)
        var lines: [String] = []
        for pane in panes {
            lines.append(border("┌", color: color) + titleRule(pane.title, width: width - 2, color: color) + border("┐", color: color))
            for line in pane.lines.wrapped(toWidth: inner) {
                lines.append(bar + " " + pad(line, toWidth: inner) + " " + bar)
            }
            lines.append(border("└" + String(repeating: "─", count: width - 2) + "┘", color: color))
        }
        return lines
    }

    /// " Mapping ───────" filling `width` columns.
    private static func titleRule(_ title: String, width: Int, color: Bool) -> String {
        let label = truncate(" " + title + " ", toWidth: width)
        let rule = String(repeating: "─", count: max(0, width - displayWidth(label)))
        return paint(label, .bold, color: color) + border(rule, color: color)
    }

    private static func border(_ text: String, color: Bool) -> String {
        paint(text, .dim, color: color)
    }

    // MARK: - Under the panes

    /// `= value`, the summary, and the notes, each wrapped to the width.
    static func underPanes(_ report: Report, width: Int, color: Bool, shortened: Bool = false) -> [String] {
        var lines: [String] = []
        if let value = report.value {
            lines += wrap(" = " + paint(value.display, .bold, color: color), width: width, indent: 3)
        }
        if showsSummary(report) {
            lines += wrap(" " + paint(report.summary, .dim, color: color), width: width, indent: 1)
        }
        if shortened {
            lines += wrap(" " + paint("(shortened to fit the screen: :log, :more and :mapping show all)", .dim, color: color),
                          width: width, indent: 2)
        }
        for note in report.notes where note.kind != .lesson {
            lines += noteLines(note, width: width, color: color)
        }
        return lines
    }

    /// The lesson runner's notes (its verdict on the command), shown last.
    static func lessonNoteLines(_ report: Report, width: Int, color: Bool) -> [String] {
        report.notes.filter { $0.kind == .lesson }.flatMap { noteLines($0, width: width, color: color) }
    }

    private static func noteLines(_ note: Note, width: Int, color: Bool) -> [String] {
        let symbol = paint(noteSymbol(note.kind), isWarning(note.kind) ? .yellow : .cyan, color: color)
        return wrap(" " + symbol + " " + terminalSafe(note.message), width: width, indent: 3)
    }

    // MARK: - Blocks

    /// The first `limit` rows and a "… N more" row counting the others (and those a "… N more"
    /// row at the end already counted).
    static func cutRows(_ rows: [[String]], to limit: Int) -> [[String]] {
        guard rows.count > limit, limit >= 0, let width = rows.first?.count else { return rows }
        var rest = rows.count - limit
        if let cell = rows.last?.first, cell.hasPrefix("… "), cell.hasSuffix(" more"),
           let counted = Int(cell.dropFirst(2).dropLast(5)) {
            rest += counted - 1
        }
        return Array(rows.prefix(limit)) + [["… \(rest) more"] + Array(repeating: "", count: max(0, width - 1))]
    }

    static func blockLines(_ block: Block, width: Int, color: Bool, maxRows: Int = Int.max) -> [String] {
        var lines: [String] = []
        func heading(_ title: String?) {
            if let title, !title.isEmpty { lines += wrap(paint(terminalSafe(title), .bold, color: color), width: width) }
        }
        switch block {
        case .text(let title, let body):
            heading(title)
            for paragraphLine in terminalSafe(body).split(separator: "\n", omittingEmptySubsequences: false) {
                let leading = paragraphLine.prefix(while: { $0 == " " }).count
                // A list item's continuation lines go under its text, not under its bullet.
                let bullet = paragraphLine.dropFirst(leading).hasPrefix("• ") ? 2 : 0
                lines += wrap(String(paragraphLine), width: width, indent: leading + bullet)
            }
        case .table(let title, let header, let rows):
            heading(title)
            lines += boxTable(header: header, rows: SQLFolding.foldingSQLColumn(header: header, rows: cutRows(rows, to: maxRows)), maxWidth: width, color: color)
        case .code(let title, let codeLines):
            heading(title)
            // Wrapped, never cut: a long DDL line or plan row is read whole; continuation lines
            // sit four columns further in, so they read as the same line.
            for line in codeLines {
                let safe = terminalSafe(line)
                let leading = safe.prefix(while: { $0 == " " }).count
                lines += wrap(safe, width: width - 2, indent: leading + 4).map { "  " + $0 }
            }
        case .diagram(let title, let diagram):
            heading(title)
            lines += DiagramLayout.terminalLines(diagram, width: width, color: color)
        }
        return lines
    }
}
