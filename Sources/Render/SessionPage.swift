import Report

// A session as one self-contained HTML page (`:save FILE.html`, `ormlab run --format html`): the
// schema's diagram at the top, then every command with its Mapping, SQL and Objects panes, its
// value, summary, notes, diagnostics and blocks. The panes are the terminal's own lines (the same
// PaneBuilder), their colours turned from ANSI codes into CSS classes, so the page and the
// terminal cannot disagree. Inline CSS only, no script, no external asset; every value escaped.

public enum SessionPage {
    /// The whole page. `omitted`: commands run after the transcript was full (said at the end).
    public static func html(_ reports: [Report], diagram: ERDiagram?, title: String, omitted: Int = 0) -> String {
        var body = ""
        body += "<header><h1>\(xmlEscape(title))</h1>"
        let failed = reports.filter { !$0.ok }.count
        body += "<p class=\"sub\">An ORMLab session: \(reports.count) command\(reports.count == 1 ? "" : "s")"
            + (failed > 0 ? ", \(failed) failed" : "") + ". Each shows how it maps, the SQL it ran and the objects it left.</p></header>\n"
        if let diagram, !diagram.boxes.isEmpty {
            body += "<section class=\"schema\"><h2>Schema</h2><div class=\"svg\">\(DiagramSVG.document(diagram, title: "Schema of this session"))</div></section>\n"
        }
        body += "<main>\n"
        for (i, report) in reports.enumerated() {
            body += commandHTML(report, number: i + 1)
        }
        if omitted > 0 {
            body += "<p class=\"sub\">\(omitted) later command\(omitted == 1 ? " is" : "s are") not on this page.</p>\n"
        }
        body += "</main>\n"
        return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(xmlEscape(title)) · ORMLab</title>
        <style>\(css)</style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    static func commandHTML(_ report: Report, number: Int) -> String {
        var out = "<section class=\"cmd\(report.ok ? "" : " failed")\" id=\"c\(number)\">\n"
        out += "<h2><a class=\"n\" href=\"#c\(number)\">\(number)</a><code class=\"input\">\(xmlEscape(report.input))</code>"
            + (report.ok ? "" : "<span class=\"bad\">failed</span>") + "</h2>\n"
        let panes = PaneBuilder(color: true).panes(for: report)
        if !panes.isEmpty {
            out += "<div class=\"panes\">\n"
            for pane in panes {
                out += "<div class=\"pane pane-\(pane.title.lowercased())\"><h3>\(xmlEscape(pane.title))</h3><pre>"
                out += pane.lines.map { ansiToHTML($0.text) }.joined(separator: "\n")
                out += "</pre></div>\n"
            }
            out += "</div>\n"
        }
        if let value = report.value {
            out += "<p class=\"value\">= <b>\(xmlEscape(value.display))</b></p>\n"
        }
        if showsSummary(report) {
            out += "<p class=\"summary\">\(xmlEscape(report.summary))</p>\n"
        }
        let notes = report.notes
        if !notes.isEmpty {
            out += "<ul class=\"notes\">\n"
            for note in notes {
                out += "<li class=\"\(isWarning(note.kind) ? "warn" : "info")\"><span class=\"sym\">\(xmlEscape(noteSymbol(note.kind)))</span> \(xmlEscape(note.message))</li>\n"
            }
            out += "</ul>\n"
        }
        for diagnostic in report.diagnostics {
            out += "<pre class=\"diag\">\(diagnosticLines(diagnostic, color: true).map(ansiToHTML).joined(separator: "\n"))</pre>\n"
        }
        for block in report.blocks {
            out += blockHTML(block)
        }
        return out + "</section>\n"
    }

    static func blockHTML(_ block: Block) -> String {
        func heading(_ title: String?) -> String {
            guard let title, !title.isEmpty else { return "" }
            return "<h4>\(xmlEscape(title))</h4>"
        }
        switch block {
        case .text(let title, let body):
            return "<div class=\"block\">\(heading(title))<pre class=\"text\">\(xmlEscape(body))</pre></div>\n"
        case .table(let title, let header, let rows):
            var out = "<div class=\"block\">\(heading(title))<div class=\"scroll\"><table><thead><tr>"
            out += header.map { "<th>\(xmlEscape($0))</th>" }.joined()
            out += "</tr></thead><tbody>"
            for row in rows {
                out += "<tr>" + row.map { "<td>\(xmlEscape($0))</td>" }.joined() + "</tr>"
            }
            return out + "</tbody></table></div></div>\n"
        case .code(let title, let lines):
            let highlighted = lines.map { line -> String in
                // DDL and plan lines are SQL: highlighted as in the SQL pane.
                let trimmed = line.drop { $0 == " " }.uppercased()
                let isSQL = ["CREATE ", "ALTER ", "DROP ", "SELECT ", "INSERT ", "UPDATE ", "DELETE ", "BEGIN", "COMMIT"].contains { trimmed.hasPrefix($0) }
                return isSQL ? ansiToHTML(SQLHighlighter.highlight(line, color: true)) : xmlEscape(line)
            }
            return "<div class=\"block\">\(heading(title))<pre class=\"code\">\(highlighted.joined(separator: "\n"))</pre></div>\n"
        case .diagram(let title, let diagram):
            return "<div class=\"block\">\(heading(title))<div class=\"svg\">\(DiagramSVG.document(diagram, title: title ?? "Schema"))</div></div>\n"
        }
    }

    /// Text with ANSI SGR colour codes as HTML: each styled run a `<span>` with classes
    /// (`b` bold, `d` dim, `c31` … `c36` colours); the text itself escaped. Other escape
    /// sequences are dropped (the renderers only write SGR).
    static func ansiToHTML(_ text: String) -> String {
        var out = ""
        var classes: [String] = []
        var open = false
        var chars = Array(text.unicodeScalars)[...]
        var run = ""
        func flush() {
            guard !run.isEmpty else { return }
            if !classes.isEmpty && !open {
                out += "<span class=\"\(classes.joined(separator: " "))\">"
                open = true
            }
            out += xmlEscape(run)
            run = ""
        }
        while let scalar = chars.first {
            chars = chars.dropFirst()
            guard scalar == "\u{1B}" else {
                run.unicodeScalars.append(scalar)
                continue
            }
            flush()
            guard chars.first == "[" else { continue }
            chars = chars.dropFirst()
            var parameters = ""
            while let c = chars.first, c != "m", parameters.count < 32, (c.properties.numericType != nil || c == ";") {
                parameters.unicodeScalars.append(c)
                chars = chars.dropFirst()
            }
            if chars.first == "m" { chars = chars.dropFirst() }
            if open { out += "</span>"; open = false }
            for code in parameters.split(separator: ";", omittingEmptySubsequences: false) {
                switch code {
                case "", "0": classes = []
                case "1": classes.append("b")
                case "2": classes.append("d")
                default: classes.append("c" + code)
                }
            }
        }
        flush()
        if open { out += "</span>" }
        return out
    }

    static let css = """
    :root { --fg: #1d2330; --muted: #5a6478; --line: #d5dbe6; --bg: #f6f8fb; --pane: #ffffff; --accent: #234e9c; }
    * { box-sizing: border-box; }
    body { margin: 0; padding: 1rem; background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
    header, main, .schema { max-width: 84rem; margin: 0 auto; }
    h1 { font-size: 1.5rem; margin: .2rem 0; }
    .sub { color: var(--muted); margin: .2rem 0 1rem; }
    .schema { background: var(--pane); border: 1px solid var(--line); border-radius: 8px; padding: .6rem 1rem; margin-bottom: 1.2rem; }
    .schema h2 { font-size: 1.1rem; margin: .2rem 0 .5rem; }
    .svg { overflow-x: auto; }  /* on a phone a wide diagram scrolls rather than shrinking past reading */
    .svg svg { max-width: 100%; height: auto; }
    .cmd { background: var(--pane); border: 1px solid var(--line); border-left: 4px solid #6f8fc9; border-radius: 8px; padding: .6rem .9rem; margin: 0 0 1rem; }
    .cmd.failed { border-left-color: #c0392b; }
    .cmd h2 { font-size: 1rem; margin: 0 0 .5rem; display: flex; gap: .6rem; align-items: baseline; flex-wrap: wrap; }
    .n { color: var(--muted); font-weight: normal; text-decoration: none; min-width: 1.6rem; }
    .input { white-space: pre-wrap; overflow-wrap: anywhere; font-size: .95rem; }
    .bad { color: #c0392b; font-size: .85rem; }
    .panes { display: flex; flex-wrap: wrap; gap: .6rem; }
    .pane { flex: 1 1 18rem; min-width: 0; border: 1px solid var(--line); border-radius: 6px; background: #fbfcfe; }
    .pane-sql { flex-grow: 1.4; }
    .pane h3 { margin: 0; padding: .2rem .6rem; font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); border-bottom: 1px solid var(--line); }
    pre { margin: 0; padding: .5rem .6rem; font: 13px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
    .value { margin: .5rem 0 0; font-family: "DejaVu Sans Mono", Menlo, monospace; }
    .summary { margin: .3rem 0 0; color: var(--muted); font-size: .9rem; }
    .notes { list-style: none; padding: 0; margin: .4rem 0 0; }
    .notes li { padding: .15rem 0; }
    .notes .sym { color: #1b7f9c; }
    .notes .warn .sym { color: #b07800; }
    .diag { background: #fff4f2; border: 1px solid #f1c4bd; border-radius: 6px; margin-top: .5rem; }
    .block { margin-top: .6rem; }
    .block h4 { margin: .2rem 0; font-size: .95rem; }
    .block pre.code, .block pre.text { background: #fbfcfe; border: 1px solid var(--line); border-radius: 6px; }
    .scroll { overflow-x: auto; }
    table { border-collapse: collapse; font: 13px/1.35 "DejaVu Sans Mono", Menlo, monospace; }
    th, td { border: 1px solid var(--line); padding: .2rem .5rem; text-align: left; vertical-align: top; }
    th { background: #eef2f8; }
    .b { font-weight: bold; } .d { color: var(--muted); }
    .c31 { color: #c0392b; } .c32 { color: #1e8449; } .c33 { color: #9a6700; } .c34 { color: #1f5fbf; } .c35 { color: #8e44ad; } .c36 { color: #11808f; }
    @media (max-width: 40rem) { body { padding: .5rem; font-size: 14px; } .cmd { padding: .5rem; } pre { font-size: 12px; }
      .svg svg { max-width: none; width: max(100%, 36rem); } }
    """
}
