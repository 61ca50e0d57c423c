import Foundation
import Report

// The ER diagram for documents: Mermaid `erDiagram` text (GitHub, GitLab and many wikis draw
// it), and a standalone SVG laid out here, without any external tool.

public enum DiagramMermaid {
    /// Mermaid `erDiagram` text, one entity block per box and one line per relationship.
    public static func text(_ diagram: ERDiagram) -> String {
        var lines = ["erDiagram"]
        for box in DiagramLayout.orderedBoxes(diagram) {
            lines.append("    \(mermaidName(box.name)) {")
            for column in box.columns {
                var line = "        \(mermaidName(column.type)) \(mermaidName(column.name))"
                let keys = [column.isPrimaryKey ? "PK" : nil, column.references != nil ? "FK" : nil,
                            column.isUnique && !column.isPrimaryKey ? "UK" : nil].compactMap { $0 }
                if !keys.isEmpty { line += " " + keys.joined(separator: ", ") }
                var comments: [String] = []
                if box.kind == .joinTable && column == box.columns.first { comments.append("join table") }
                // The table, when it is more than the entity's name in lower case (`Author` → `author`).
                if box.kind == .entity && column == box.columns.first && squashed(box.table) != squashed(box.name) { comments.append("table \(box.table)") }
                if column.isNullable { comments.append("may be NULL") }
                if !comments.isEmpty { line += " \"\(mermaidString(comments.joined(separator: "; ")))\"" }
                lines.append(line)
            }
            lines.append("    }")
        }
        for r in diagram.relationships {
            lines.append("    \(mermaidName(r.from)) \(r.fromEnd.mermaidLeft)--\(r.toEnd.mermaidRight) \(mermaidName(r.to)) : \"\(mermaidString(r.label))\"")
        }
        return lines.joined(separator: "\n")
    }

    static func squashed(_ name: String) -> String { name.lowercased().replacingOccurrences(of: "_", with: "") }

    /// Mermaid names are letters, digits, `_` and `-`; anything else becomes `_`.
    static func mermaidName(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" })
    }

    static func mermaidString(_ text: String) -> String {
        text.replacingOccurrences(of: "\"", with: "'")
    }
}

public enum DiagramSVG {
    static let charWidth = 7.8      // 13px monospace
    static let lineHeight = 20.0
    static let padding = 10.0

    struct Placed {
        var box: ERDiagram.Box
        var x: Double, y: Double, width: Double, height: Double
        var centerX: Double { x + width / 2 }
        var centerY: Double { y + height / 2 }
    }

    /// A standalone SVG document: boxes in a grid (about as many columns as rows), straight
    /// lines between them with crow's-foot ends, the association names on the lines.
    public static func document(_ diagram: ERDiagram, title: String = "ER diagram") -> String {
        let boxes = DiagramLayout.orderedBoxes(diagram)
        guard !boxes.isEmpty else {
            return svgDocument(width: 320, height: 60, title: title,
                               body: "<text x=\"16\" y=\"36\" class=\"er-note\">no tables yet</text>")
        }
        let columns = max(1, Int(Double(boxes.count).squareRoot().rounded(.up)))
        var sizes: [(Double, Double)] = []
        for box in boxes {
            let text = DiagramLayout.TextBox(box)
            let w = Double(text.innerWidth) * charWidth + 2 * padding
            let h = lineHeight * Double(box.columns.count + 1) + padding + 6
            sizes.append((w, h))
        }
        let rows = (boxes.count + columns - 1) / columns
        let cellOf = arrangement(boxes, diagram.relationships, sizes: sizes, columns: columns, rows: rows)
        var colWidth = Array(repeating: 0.0, count: columns)
        var rowHeight = Array(repeating: 0.0, count: rows)
        for (i, size) in sizes.enumerated() {
            let c = cellOf[i] % columns, r = cellOf[i] / columns
            colWidth[c] = max(colWidth[c], size.0)
            rowHeight[r] = max(rowHeight[r], size.1)
        }
        let gapX = 150.0, gapY = 100.0, margin = 40.0
        var placed: [Placed] = []
        for (i, box) in boxes.enumerated() {
            let c = cellOf[i] % columns, r = cellOf[i] / columns
            let x = margin + colWidth[..<c].reduce(0, +) + gapX * Double(c) + (colWidth[c] - sizes[i].0) / 2
            let y = margin + rowHeight[..<r].reduce(0, +) + gapY * Double(r)
            placed.append(Placed(box: box, x: x, y: y, width: sizes[i].0, height: sizes[i].1))
        }
        let totalWidth = margin * 2 + colWidth.reduce(0, +) + gapX * Double(columns - 1)
        // (room under the last row for a self-reference's loop and its name)
        let totalHeight = margin * 2 + rowHeight.reduce(0, +) + gapY * Double(rowHeight.count - 1) + 40 + (diagram.notes.isEmpty ? 0 : 24)

        var body = ""
        let byName = Dictionary(placed.map { ($0.box.name, $0) }, uniquingKeysWith: { a, _ in a })
        var labels = ""
        for r in diagram.relationships {
            guard let a = byName[r.from], let b = byName[r.to] else { continue }
            if r.isSelfReference {
                // A loop out of the bottom and back into it, clear of the lines to other boxes.
                let bottom = a.y + a.height, x0 = a.x + a.width * 0.3, x1 = a.x + a.width * 0.7, low = bottom + 36
                body += "<path class=\"er-line\" d=\"M\(f(x0)) \(f(bottom)) V\(f(low)) H\(f(x1)) V\(f(bottom))\"/>\n"
                body += endMark(r.fromEnd, atX: x0, y: bottom, towardsX: x0, y: low)
                body += endMark(r.toEnd, atX: x1, y: bottom, towardsX: x1, y: low)
                labels += label(r.label, x: a.centerX, y: low + 16, anchor: "middle")
                continue
            }
            let start = clip(from: (a.centerX, a.centerY), to: (b.centerX, b.centerY), box: a)
            let end = clip(from: (b.centerX, b.centerY), to: (a.centerX, a.centerY), box: b)
            body += "<line class=\"er-line\" x1=\"\(f(start.0))\" y1=\"\(f(start.1))\" x2=\"\(f(end.0))\" y2=\"\(f(end.1))\"/>\n"
            body += endMark(r.fromEnd, atX: start.0, y: start.1, towardsX: end.0, y: end.1)
            body += endMark(r.toEnd, atX: end.0, y: end.1, towardsX: start.0, y: start.1)
            labels += label(r.label, x: (start.0 + end.0) / 2, y: (start.1 + end.1) / 2 - 9, anchor: "middle")
        }
        for p in placed { body += boxSVG(p) }
        body += labels
        var noteY = totalHeight - 14
        for note in diagram.notes {
            body += "<text x=\"\(f(margin))\" y=\"\(f(noteY))\" class=\"er-note\">\(xmlEscape(note))</text>\n"
            noteY += 18
        }
        return svgDocument(width: totalWidth, height: noteY + (diagram.notes.isEmpty ? 0 : 4), title: title, body: body)
    }

    /// The grid cell of each box: definition order first, then pairs of cells swapped while
    /// that makes fewer lines run through boxes or cross each other (deterministic).
    static func arrangement(_ boxes: [ERDiagram.Box], _ relationships: [ERDiagram.Relationship],
                            sizes: [(Double, Double)], columns: Int, rows: Int) -> [Int] {
        let cellWidth = (sizes.map(\.0).max() ?? 0) + 150, cellHeight = (sizes.map(\.1).max() ?? 0) + 100
        let index = Dictionary(boxes.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let pairs = relationships.compactMap { r -> (Int, Int)? in
            guard let a = index[r.from], let b = index[r.to], a != b else { return nil }
            return (a, b)
        }
        func center(_ cell: Int) -> (Double, Double) {
            (Double(cell % columns) * cellWidth + cellWidth / 2, Double(cell / columns) * cellHeight + cellHeight / 2)
        }
        func cost(_ cellOf: [Int]) -> Double {
            var total = 0.0
            var segments: [((Double, Double), (Double, Double), Int, Int)] = []
            for (a, b) in pairs {
                let p = center(cellOf[a]), q = center(cellOf[b])
                total += (abs(p.0 - q.0) / cellWidth + abs(p.1 - q.1) / cellHeight) * 0.1
                // A line through another box hides behind it: the worst.
                for o in boxes.indices where o != a && o != b {
                    let c = center(cellOf[o]), half = (sizes[o].0 / 2 + 6, sizes[o].1 / 2 + 6)
                    if (1..<20).contains(where: { step -> Bool in
                        let t = Double(step) / 20
                        let x = p.0 + (q.0 - p.0) * t, y = p.1 + (q.1 - p.1) * t
                        return abs(x - c.0) < half.0 && abs(y - c.1) < half.1
                    }) { total += 10 }
                }
                segments.append((p, q, a, b))
            }
            func side(_ p: (Double, Double), _ q: (Double, Double), _ r: (Double, Double)) -> Double {
                (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)
            }
            for i in segments.indices {
                for j in segments.indices where j > i {
                    let s = segments[i], t = segments[j]
                    if Set([s.2, s.3]).intersection([t.2, t.3]).isEmpty,
                       side(s.0, s.1, t.0) * side(s.0, s.1, t.1) < 0, side(t.0, t.1, s.0) * side(t.0, t.1, s.1) < 0 {
                        total += 1
                    }
                }
            }
            return total
        }
        var cellOf = Array(boxes.indices)
        guard !pairs.isEmpty, boxes.count > 2 else { return cellOf }
        var best = cost(cellOf)
        // A budget of trial layouts, so a schema of fifty tables is laid out in well under a second.
        var trials = max(1, 3_000_000 / (pairs.count * boxes.count * 20 + 1))
        for _ in 0..<12 {
            var improved = false
            for a in 0..<(columns * rows) {
                for b in (a + 1)..<(columns * rows) {
                    trials -= 1
                    if trials < 0 { return cellOf }
                    var trial = cellOf
                    for i in trial.indices {
                        if trial[i] == a { trial[i] = b } else if trial[i] == b { trial[i] = a }
                    }
                    let c = cost(trial)
                    if c < best - 1e-9 { best = c; cellOf = trial; improved = true }
                }
            }
            if !improved { break }
        }
        return cellOf
    }

    static func svgDocument(width: Double, height: Double, title: String, body: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" role="img" aria-label="\(xmlEscape(title))">
        <title>\(xmlEscape(title))</title>
        <style>
        text { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; fill: #1d2330; }
        .er-box { fill: #ffffff; stroke: #44506a; stroke-width: 1.5; }
        .er-head { fill: #e4ebf7; stroke: #44506a; stroke-width: 1.5; }
        .er-join { fill: #f3efe3; stroke: #8a7a4a; stroke-width: 1.5; }
        .er-name { font-weight: bold; }
        .er-key { fill: #8a4b08; font-weight: bold; }
        .er-type { fill: #5a6478; }
        .er-line { stroke: #44506a; stroke-width: 1.4; fill: none; }
        .er-label { fill: #234e9c; paint-order: stroke; stroke: #ffffff; stroke-width: 4px; stroke-linejoin: round; }
        .er-note { fill: #5a6478; font-style: italic; }
        </style>
        <rect width="100%" height="100%" fill="#ffffff"/>
        \(body)</svg>
        """
    }

    static func boxSVG(_ p: Placed) -> String {
        var out = "<g class=\"er-table\" data-name=\"\(xmlEscape(p.box.name))\">\n"
        let headClass = p.box.kind == .joinTable ? "er-join" : "er-head"
        out += "<rect class=\"er-box\" x=\"\(f(p.x))\" y=\"\(f(p.y))\" width=\"\(f(p.width))\" height=\"\(f(p.height))\" rx=\"4\"/>\n"
        out += "<rect class=\"\(headClass)\" x=\"\(f(p.x))\" y=\"\(f(p.y))\" width=\"\(f(p.width))\" height=\"\(f(lineHeight + 6))\" rx=\"4\"/>\n"
        let text = DiagramLayout.TextBox(p.box)
        out += "<text class=\"er-name\" x=\"\(f(p.x + padding))\" y=\"\(f(p.y + 18))\">\(xmlEscape(text.header))</text>\n"
        let markWidth = p.box.columns.map(\.keyMarks.count).max() ?? 0
        for (i, column) in p.box.columns.enumerated() {
            let y = p.y + lineHeight * Double(i + 2) + 4
            var x = p.x + padding
            if markWidth > 0 {
                out += "<text class=\"er-key\" x=\"\(f(x))\" y=\"\(f(y))\">\(xmlEscape(column.keyMarks))</text>"
                x += Double(markWidth + 1) * charWidth
            }
            let nameWidth = p.box.columns.map { $0.name.count }.max() ?? 0
            out += "<text x=\"\(f(x))\" y=\"\(f(y))\">\(xmlEscape(column.name))</text>"
            x += Double(nameWidth + 1) * charWidth
            out += "<text class=\"er-type\" x=\"\(f(x))\" y=\"\(f(y))\">\(xmlEscape(column.type + (column.isNullable ? "?" : "")))</text>\n"
        }
        return out + "</g>\n"
    }

    /// Where the segment from `from` to `to` leaves the rectangle of `box` (`from` is its centre).
    static func clip(from: (Double, Double), to: (Double, Double), box: Placed) -> (Double, Double) {
        let dx = to.0 - from.0, dy = to.1 - from.1
        guard dx != 0 || dy != 0 else { return from }
        let tx = dx == 0 ? Double.infinity : (box.width / 2) / abs(dx)
        let ty = dy == 0 ? Double.infinity : (box.height / 2) / abs(dy)
        let t = min(tx, ty)
        return (from.0 + dx * t, from.1 + dy * t)
    }

    /// Crow's-foot notation at one end: a bar for "one", a circle for "zero", three toes for "many".
    static func endMark(_ cardinality: ERDiagram.Cardinality, atX x: Double, y: Double, towardsX tx: Double, y ty: Double) -> String {
        let length = ((tx - x) * (tx - x) + (ty - y) * (ty - y)).squareRoot()
        guard length > 0 else { return "" }
        let ux = (tx - x) / length, uy = (ty - y) / length      // along the line, away from the box
        let nx = -uy, ny = ux                                    // across it
        func point(_ along: Double, _ across: Double) -> String { "\(f(x + ux * along + nx * across)) \(f(y + uy * along + ny * across))" }
        var out = ""
        switch cardinality {
        case .exactlyOne:
            out += "<path class=\"er-line\" d=\"M\(point(8, -7)) L\(point(8, 7)) M\(point(14, -7)) L\(point(14, 7))\"/>\n"
        case .zeroOrOne:
            out += "<path class=\"er-line\" d=\"M\(point(8, -7)) L\(point(8, 7))\"/>\n"
            out += circle(x + ux * 19, y + uy * 19)
        case .zeroOrMany:
            out += "<path class=\"er-line\" d=\"M\(point(0, -8)) L\(point(12, 0)) L\(point(0, 8)) M\(point(0, 0)) L\(point(12, 0))\"/>\n"
            out += circle(x + ux * 19, y + uy * 19)
        }
        return out
    }

    static func circle(_ x: Double, _ y: Double) -> String {
        "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"5\" fill=\"#ffffff\" stroke=\"#44506a\" stroke-width=\"1.4\"/>\n"
    }

    static func label(_ text: String, x: Double, y: Double, anchor: String) -> String {
        "<text class=\"er-label\" x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\">\(xmlEscape(text))</text>\n"
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}

/// `text` safe inside XML and HTML text and attribute values.
public func xmlEscape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            // XML 1.0 forbids most control characters, even escaped.
            if let v = character.unicodeScalars.first?.value, v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D {
                out += "\u{FFFD}"
            } else {
                out.append(character)
            }
        }
    }
    return out
}
