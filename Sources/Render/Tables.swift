// Tables for `:sql` results, `:compare`, `:stats`: box-drawn like sqlite3's `.mode box` on the
// terminal, Markdown-style `|` columns in plain output. Columns are sized by display width and
// columns of numbers are right-aligned.

/// A table's cells made rectangular and printable, with the facts layout needs.
struct TableLayout {
    var header: [String]
    var rows: [[String]]
    /// Natural width of each column.
    var widths: [Int]
    /// Columns whose cells are all numbers (or nil/empty), right-aligned.
    var numeric: [Bool]

    init(header: [String], rows: [[String]]) {
        let columns = max(header.count, rows.map(\.count).max() ?? 0)
        func normalized(_ cells: [String]) -> [String] {
            (0..<columns).map { $0 < cells.count ? printable(cells[$0]) : "" }
        }
        let header = normalized(header)
        let rows = rows.map(normalized)
        self.header = header
        self.rows = rows
        widths = (0..<columns).map { column in
            ([header[column]] + rows.map { $0[column] }).map(displayWidth).max() ?? 0
        }
        numeric = (0..<columns).map { column in
            let cells = rows.map { $0[column] }.filter { !$0.isEmpty && $0 != "nil" }
            return !cells.isEmpty && cells.allSatisfy(looksNumeric)
        }
    }

    var columnCount: Int { widths.count }
}

/// A table cell shows on one line: newlines and tabs become spaces, and other control characters
/// (ESC, BEL, C1: a column name or a logged `:sql` line may hold them) become "�".
private func printable(_ cell: String) -> String {
    guard cell.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else { return cell }
    let spaced = String(cell.map { ($0 == "\n" || $0 == "\t" || $0 == "\r\n" || $0 == "\r") ? " " : $0 })
    return withoutControlCharacters(spaced)
}

/// "42", "-3", "0.5", "1e3"; not "nan" or "inf".
private func looksNumeric(_ cell: String) -> Bool {
    let body = cell.hasPrefix("-") ? cell.dropFirst() : Substring(cell)
    guard let first = body.first, first.isASCII, first.isNumber || first == "." else { return false }
    return Double(cell) != nil
}

// MARK: - Box table

/// The table drawn with box characters, at most `maxWidth` columns wide (the widest columns are
/// narrowed and their cells cut with "…" when needed).
func boxTable(header: [String], rows: [[String]], maxWidth: Int, color: Bool) -> [String] {
    let table = TableLayout(header: header, rows: rows)
    guard table.columnCount > 0 else { return [] }
    var widths = table.widths.map { max($0, 1) }
    var total = widths.reduce(0, +) + 3 * widths.count + 1
    while total > maxWidth {
        guard let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 3 else { break }
        widths[widest] -= 1
        total -= 1
    }

    func rule(_ left: String, _ middle: String, _ right: String) -> String {
        left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right
    }
    func row(_ cells: [String], isHeader: Bool) -> String {
        let shown = cells.indices.map { column -> String in
            let alignment: Alignment = (!isHeader && table.numeric[column]) ? .right : .left
            let text = pad(cells[column], toWidth: widths[column], alignment: alignment)
            return " " + (isHeader ? paint(text, .bold, color: color) : text) + " "
        }
        return "│" + shown.joined(separator: "│") + "│"
    }

    var lines = [rule("┌", "┬", "┐"), row(table.header, isHeader: true), rule("├", "┼", "┤")]
    lines += table.rows.map { row($0, isHeader: false) }
    lines.append(rule("└", "┴", "┘"))
    return lines
}

// MARK: - Plain table

/// The table as Markdown-style `|` columns, aligned; `---:` marks right-aligned number columns.
func plainTable(header: [String], rows: [[String]]) -> [String] {
    let table = TableLayout(header: header, rows: rows)
    guard table.columnCount > 0 else { return [] }
    let widths = table.widths.map { max($0, 3) }
    func row(_ cells: [String], isHeader: Bool) -> String {
        let shown = cells.indices.map { column in
            pad(cells[column], toWidth: widths[column], alignment: (!isHeader && table.numeric[column]) ? .right : .left)
        }
        return "| " + shown.joined(separator: " | ") + " |"
    }
    let separator = "|" + widths.indices.map { column in
        table.numeric[column] ? String(repeating: "-", count: widths[column] + 1) + ":" : String(repeating: "-", count: widths[column] + 2)
    }.joined(separator: "|") + "|"
    return [row(table.header, isHeader: true), separator] + table.rows.map { row($0, isHeader: false) }
}
