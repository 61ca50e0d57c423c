import Report

/// Renders a report without colour or boxes, for pipes, files and diffs: the same information as
/// the terminal panes, in sections `-- mapping --`, `-- sql --`, `-- objects --`.
///
/// Lines are not wrapped and every statement and object is listed (no `maxObjects` cut).
public enum PlainRenderer {
    /// The report as plain text, lines joined by "\n", no trailing newline.
    public static func render(_ report: Report) -> String {
        let builder = PaneBuilder(color: false)
        var main: [String] = []
        for pane in builder.panes(for: report) {
            // (A session's name keeps its case: "-- sql · session B --".)
            let title = report.sessionName.map { name in
                pane.title.hasSuffix(" · session " + name) ? pane.title.dropLast(name.count).lowercased() + name : pane.title.lowercased()
            } ?? pane.title.lowercased()
            main.append("-- \(title) --")
            main += pane.lines.map { trimTrailingSpaces($0.text) }
        }
        if let value = report.value {
            main.append("= " + value.display)
        }
        if showsSummary(report) {
            main.append(report.summary)
        }
        for note in report.notes where note.kind != .lesson {
            main.append((isWarning(note.kind) ? "warning: " : "note: ") + note.message)
        }

        var sections = [main]
        for diagnostic in report.diagnostics {
            sections.append(diagnosticLines(diagnostic, color: false))
        }
        // A lesson's verdict comes after the error it may refer to ("that command failed").
        sections[sections.count - 1] += report.notes.filter { $0.kind == .lesson }.map { "note: " + $0.message }
        for block in report.blocks {
            sections.append(blockLines(block))
        }
        return sections.filter { !$0.isEmpty }.map { $0.joined(separator: "\n") }.joined(separator: "\n\n")
    }

    static func blockLines(_ block: Block) -> [String] {
        var lines: [String] = []
        switch block {
        case .text(let title, let body):
            if let title, !title.isEmpty { lines.append(title) }
            lines += body.split(separator: "\n", omittingEmptySubsequences: false).map { trimTrailingSpaces(String($0)) }
        case .table(let title, let header, let rows):
            if let title, !title.isEmpty { lines.append(title) }
            lines += plainTable(header: header, rows: SQLFolding.foldingSQLColumn(header: header, rows: rows))
        case .code(let title, let codeLines):
            if let title, !title.isEmpty { lines.append(title) }
            lines += codeLines.map { $0.isEmpty ? "" : "  " + $0 }
        case .diagram(let title, let diagram):
            // Pipes have no width: drawn for 100 columns, like the transcripts' default.
            if let title, !title.isEmpty { lines.append(title) }
            lines += DiagramLayout.terminalLines(diagram, width: 100, color: false)
        }
        return lines
    }

    private static func trimTrailingSpaces(_ line: String) -> String {
        var line = Substring(line)
        while line.last == " " { line = line.dropLast() }
        return String(line)
    }
}
