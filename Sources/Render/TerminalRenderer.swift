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

    public init(width: Int = 100, color: Bool = false, maxObjects: Int = 20, maxSQL: Int = 30) {
        self.width = width
        self.color = color
        self.maxObjects = maxObjects
        self.maxSQL = maxSQL
    }
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
        let width = max(options.width, minimumWidth)
        let color = options.color
        let builder = PaneBuilder(color: color, maxObjects: max(options.maxObjects, 0), maxSQL: max(options.maxSQL, 0))

        var sections: [[String]] = []
        let panes = builder.panes(for: report)
        var main: [String] = []
        if !panes.isEmpty {
            main = width >= sideBySideMinimumWidth
                ? sideBySide(panes, width: width, color: color)
                : stacked(panes, width: width, color: color)
        }
        main += underPanes(report, width: width, color: color)
        sections.append(main)
        for diagnostic in report.diagnostics {
            sections.append(diagnosticLines(diagnostic, color: color))
        }
        for block in report.blocks {
            sections.append(blockLines(block, width: width, color: color))
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
            pane.lines.flatMap { wrap($0.text, width: paneWidth - 2, indent: $0.indent) }
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
            for line in pane.lines.flatMap({ wrap($0.text, width: inner, indent: $0.indent) }) {
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
    static func underPanes(_ report: Report, width: Int, color: Bool) -> [String] {
        var lines: [String] = []
        if let value = report.value {
            lines += wrap(" = " + paint(value.display, .bold, color: color), width: width, indent: 3)
        }
        if showsSummary(report) {
            lines += wrap(" " + paint(report.summary, .dim, color: color), width: width, indent: 1)
        }
        for note in report.notes {
            let symbol = paint(noteSymbol(note.kind), isWarning(note.kind) ? .yellow : .cyan, color: color)
            lines += wrap(" " + symbol + " " + terminalSafe(note.message), width: width, indent: 3)
        }
        return lines
    }

    // MARK: - Blocks

    static func blockLines(_ block: Block, width: Int, color: Bool) -> [String] {
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
            lines += boxTable(header: header, rows: SQLFolding.foldingSQLColumn(header: header, rows: rows), maxWidth: width, color: color)
        case .code(let title, let codeLines):
            heading(title)
            for line in codeLines {
                lines.append("  " + truncate(terminalSafe(line), toWidth: width - 2))
            }
        }
        return lines
    }
}
