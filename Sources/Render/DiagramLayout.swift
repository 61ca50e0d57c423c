import Report

// Lays an ER diagram out as terminal text. Two arrangements, the same idea turned by a quarter:
//
// - side by side (when every box fits in one row): each relationship leaves the bottom of one box
//   and enters the bottom of the other, through its own horizontal lane under the boxes;
// - stacked (narrower terminals): boxes one under the other, each relationship leaves the right
//   border at its foreign-key column and enters the target at a row near its primary key,
//   through its own vertical lane right of the boxes.
//
// Lanes are given out shortest span first, so short lines sit inside long ones and cross them
// rarely. Each end carries its cardinality ("1", "0..1", "*") beside the line. A line that cannot
// be drawn in the width is listed under the picture instead, so nothing is cut.

public enum DiagramLayout {
    /// The diagram as lines of at most `width` columns (wider only when a single box is).
    public static func terminalLines(_ diagram: ERDiagram, width: Int, color: Bool) -> [String] {
        if diagram.boxes.isEmpty {
            return ["  no tables yet: entity Author { name: String }"] + diagram.notes.map { "  " + $0 }
        }
        let boxes = orderedBoxes(diagram).map { TextBox($0) }
        var lines: [String]
        var unplaced: [ERDiagram.Relationship]
        let gap = 3
        let rowWidth = boxes.reduce(0) { $0 + $1.width } + gap * (boxes.count - 1)
        if rowWidth <= width {
            (lines, unplaced) = sideBySide(boxes, diagram.relationships, width: width, gap: gap, color: color)
        } else {
            (lines, unplaced) = stacked(boxes, diagram.relationships, width: width, color: color)
        }
        var under: [String] = []
        if !diagram.relationships.isEmpty {
            under += wrap("  ends of a line: 1 exactly one · 0..1 zero or one · * any number", width: width, indent: 4)
                .map { paint($0, .dim, color: color) }
        }
        for r in unplaced {
            under += wrap("  \(r.from).\(r.column) \(r.fromEnd.rawValue) ── \(r.toEnd.rawValue) \(r.to)  \(r.label)", width: width, indent: 4)
        }
        under += diagram.notes.flatMap { wrap("  " + $0, width: width, indent: 4) }
        return lines + (under.isEmpty ? [] : [""] + under)
    }

    /// Definition order, each join table right after the later of its two entities.
    static func orderedBoxes(_ diagram: ERDiagram) -> [ERDiagram.Box] {
        let entities = diagram.boxes.filter { $0.kind == .entity }
        var joins = diagram.boxes.filter { $0.kind != .entity }
        var result: [ERDiagram.Box] = []
        for box in entities {
            result.append(box)
            let placed = Set(result.map(\.name))
            let ready = joins.filter { join in
                diagram.relationships.filter { $0.from == join.name }.allSatisfy { placed.contains($0.to) }
            }
            result += ready
            joins.removeAll { j in ready.contains { $0.name == j.name } }
        }
        return result + joins
    }

    // MARK: - A box

    /// A box's text lines: the name, a rule, one line per column ("PK id INTEGER").
    struct TextBox {
        var box: ERDiagram.Box
        var header: String
        var rows: [String]
        var innerWidth: Int
        var width: Int { innerWidth + 4 }
        /// Lines from the top border to the bottom border.
        var height: Int { rows.count + 4 }

        init(_ box: ERDiagram.Box, minimumInner: Int = 0) {
            self.box = box
            header = box.kind == .joinTable ? "\(box.name) (join table)"
                : box.name == box.table ? box.name : "\(box.name) → \(box.table)"
            let marks = box.columns.map(\.keyMarks)
            let markWidth = marks.map(\.count).max() ?? 0
            let nameWidth = box.columns.map { displayWidth($0.name) }.max() ?? 0
            rows = box.columns.map { c in
                (markWidth > 0 ? pad(c.keyMarks, toWidth: markWidth) + " " : "") + pad(c.name, toWidth: nameWidth) + " " + c.type + (c.isNullable ? "?" : "")
            }
            innerWidth = max(([header] + rows).map(displayWidth).max() ?? 0, minimumInner)
        }

        /// Canvas row (from the box's top) of column `name`.
        func row(ofColumn name: String) -> Int? {
            box.columns.firstIndex { $0.name == name }.map { $0 + 3 }
        }

        func draw(on canvas: inout Canvas, x: Int, y: Int) {
            canvas.put("┌" + String(repeating: "─", count: innerWidth + 2) + "┐", x: x, y: y)
            canvas.put("│ " + pad(header, toWidth: innerWidth) + " │", x: x, y: y + 1)
            canvas.bold(x: x + 2, y: y + 1, length: displayWidth(box.name))
            canvas.put("├" + String(repeating: "─", count: innerWidth + 2) + "┤", x: x, y: y + 2)
            for (i, row) in rows.enumerated() {
                canvas.put("│ " + pad(row, toWidth: innerWidth) + " │", x: x, y: y + 3 + i)
            }
            canvas.put("└" + String(repeating: "─", count: innerWidth + 2) + "┘", x: x, y: y + height - 1)
        }
    }

    // MARK: - Side by side

    /// One end of a relationship on a box.
    struct End {
        var relationship: Int
        var isFrom: Bool
        var box: Int
    }

    static func sideBySide(_ input: [TextBox], _ relationships: [ERDiagram.Relationship], width: Int, gap: Int,
                           color: Bool) -> ([String], [ERDiagram.Relationship]) {
        var boxes = input
        let index = Dictionary(boxes.enumerated().map { ($1.box.name, $0) }, uniquingKeysWith: { a, _ in a })
        let drawn = relationships.indices.filter { index[relationships[$0].from] != nil && index[relationships[$0].to] != nil }
        // Ends per box, ordered by where the other end lies, so lines leave towards their target.
        var ends: [[End]] = Array(repeating: [], count: boxes.count)
        for r in drawn {
            ends[index[relationships[r].from]!].append(End(relationship: r, isFrom: true, box: index[relationships[r].from]!))
            ends[index[relationships[r].to]!].append(End(relationship: r, isFrom: false, box: index[relationships[r].to]!))
        }
        for b in ends.indices {
            ends[b].sort { a, c in
                let oa = index[a.isFrom ? relationships[a.relationship].to : relationships[a.relationship].from]!
                let oc = index[c.isFrom ? relationships[c.relationship].to : relationships[c.relationship].from]!
                return oa != oc ? oa < oc : (a.relationship, a.isFrom ? 0 : 1) < (c.relationship, c.isFrom ? 0 : 1)
            }
        }
        // Ends stand six columns apart ("│0..1 " fits between two lines); widen a box that needs it.
        let spacing = 6
        for b in boxes.indices where ends[b].count > 0 {
            let needed = ends[b].count * spacing + 2
            if boxes[b].innerWidth < needed { boxes[b] = TextBox(boxes[b].box, minimumInner: needed) }
        }
        let total = boxes.reduce(0) { $0 + $1.width } + gap * (boxes.count - 1)
        guard total <= width else { return stacked(input, relationships, width: width, color: color) }
        var xs: [Int] = []
        var x = 0
        for box in boxes { xs.append(x); x += box.width + gap }
        let boxesHeight = boxes.map(\.height).max() ?? 0

        var canvas = Canvas()
        for (b, box) in boxes.enumerated() { box.draw(on: &canvas, x: xs[b], y: 0) }
        // Where each end meets its box's bottom border.
        var endX: [Int: [Bool: Int]] = [:]
        for b in boxes.indices {
            let count = ends[b].count
            for (i, end) in ends[b].enumerated() {
                // Spread over the bottom border, two columns clear of its corners.
                let inner = boxes[b].width - 2
                let offset = count == 1 ? inner / 2 : 2 + i * (inner - 5) / max(count - 1, 1)
                endX[end.relationship, default: [:]][end.isFrom] = xs[b] + 1 + min(offset, inner - 2)
            }
        }
        // Lanes: shortest span first.
        let lanes = drawn.sorted { a, c in
            let sa = abs(endX[a]![true]! - endX[a]![false]!), sc = abs(endX[c]![true]! - endX[c]![false]!)
            return sa != sc ? sa < sc : a < c
        }
        let laneTop = boxesHeight + 1
        for (lane, r) in lanes.enumerated() {
            let y = laneTop + lane
            let xa = endX[r]![true]!, xb = endX[r]![false]!
            for (isFrom, xe) in [(true, xa), (false, xb)] {
                let box = boxes[index[isFrom ? relationships[r].from : relationships[r].to]!]
                canvas.put("┬", x: xe, y: box.height - 1)
                for yy in box.height..<y { canvas.vertical(x: xe, y: yy) }
                let marker = isFrom ? relationships[r].fromEnd.rawValue : relationships[r].toEnd.rawValue
                canvas.put(marker, x: xe + 1, y: box.height)
            }
            let (left, right) = (min(xa, xb), max(xa, xb))
            for xx in (left + 1)..<max(right, left + 1) { canvas.horizontal(x: xx, y: y) }
            canvas.put("└", x: left, y: y)
            canvas.put("┘", x: right, y: y)
        }
        // Labels: inside the lane's line where it is free, else just right of it.
        var unplaced: [ERDiagram.Relationship] = []
        for (lane, r) in lanes.enumerated() {
            let y = laneTop + lane
            let xa = endX[r]![true]!, xb = endX[r]![false]!
            let text = " " + relationships[r].label + " "
            if let p = canvas.freeRun(y: y, length: displayWidth(text), from: min(xa, xb) + 2, to: max(xa, xb) - 1, allowing: "─")
                ?? canvas.freeRun(y: y, length: displayWidth(text), from: max(xa, xb) + 1, to: width, allowing: nil) {
                canvas.put(text, x: p, y: y)
            } else {
                unplaced.append(relationships[r])
            }
        }
        let missing = relationships.indices.filter { !drawn.contains($0) }.map { relationships[$0] }
        return (canvas.lines(color: color), unplaced + missing)
    }

    // MARK: - Stacked

    static func stacked(_ boxes: [TextBox], _ relationships: [ERDiagram.Relationship], width: Int,
                        color: Bool) -> ([String], [ERDiagram.Relationship]) {
        let index = Dictionary(boxes.enumerated().map { ($1.box.name, $0) }, uniquingKeysWith: { a, _ in a })
        var ys: [Int] = []
        var y = 0
        for box in boxes { ys.append(y); y += box.height + 1 }
        let boxesWidth = boxes.map(\.width).max() ?? 0
        let drawn = relationships.indices.filter { index[relationships[$0].from] != nil && index[relationships[$0].to] != nil }
        // Each end takes one row of its box's right border: a foreign key its column's row, a
        // target its primary key's row, or the name's, or the free row nearest the key.
        var taken: [Int: Set<Int>] = [:]
        var endY: [Int: [Bool: Int]] = [:]
        for r in drawn {
            let b = index[relationships[r].from]!
            let row = boxes[b].row(ofColumn: relationships[r].column) ?? 1
            taken[b, default: []].insert(row)
            endY[r, default: [:]][true] = ys[b] + row
        }
        for r in drawn {
            let b = index[relationships[r].to]!
            let pk = boxes[b].box.columns.firstIndex { $0.isPrimaryKey }.map { $0 + 3 } ?? 1
            // The key's row, then the name's (the line points at the table), then the nearest free.
            let candidates = [pk, 1] + Array(3..<(boxes[b].height - 1)).filter { $0 != pk }.sorted { abs($0 - pk) < abs($1 - pk) }
            let row = candidates.first { !(taken[b]?.contains($0) ?? false) } ?? pk
            taken[b, default: []].insert(row)
            endY[r, default: [:]][false] = ys[b] + row
        }
        let lanes = drawn.sorted { a, c in
            let sa = abs(endY[a]![true]! - endY[a]![false]!), sc = abs(endY[c]![true]! - endY[c]![false]!)
            return sa != sc ? sa < sc : a < c
        }
        // Stubs "├─0..1─" then lanes two columns apart; labels right of the last lane.
        let laneLeft = boxesWidth + 6
        let laneCount = lanes.count
        guard laneCount == 0 || laneLeft + 2 * laneCount <= width else {
            var canvas = Canvas()
            for (b, box) in boxes.enumerated() { box.draw(on: &canvas, x: 0, y: ys[b]) }
            return (canvas.lines(color: color), relationships)
        }
        var canvas = Canvas()
        for (b, box) in boxes.enumerated() { box.draw(on: &canvas, x: 0, y: ys[b]) }
        for (lane, r) in lanes.enumerated() {
            let x = laneLeft + 2 * lane
            let ya = endY[r]![true]!, yb = endY[r]![false]!
            for (isFrom, ye) in [(true, ya), (false, yb)] {
                let b = index[isFrom ? relationships[r].from : relationships[r].to]!
                let right = boxes[b].width - 1
                canvas.put("├", x: right, y: ye)
                for xx in (right + 1)..<x { canvas.horizontal(x: xx, y: ye) }
                canvas.put(isFrom ? relationships[r].fromEnd.rawValue : relationships[r].toEnd.rawValue, x: right + 2, y: ye)
            }
            let (top, bottom) = (min(ya, yb), max(ya, yb))
            for yy in (top + 1)..<max(bottom, top + 1) { canvas.vertical(x: x, y: yy) }
            canvas.put("┐", x: x, y: top)
            canvas.put("┘", x: x, y: bottom)
        }
        var unplaced: [ERDiagram.Relationship] = []
        let labelX = laneLeft + 2 * laneCount
        for r in lanes {
            let text = relationships[r].label
            if labelX + displayWidth(text) <= width {
                canvas.put(text, x: labelX, y: endY[r]![true]!)
            } else {
                unplaced.append(relationships[r])
            }
        }
        let missing = relationships.indices.filter { !drawn.contains($0) }.map { relationships[$0] }
        return (canvas.lines(color: color), unplaced + missing)
    }
}

// MARK: - Canvas

/// A grid of characters that lines are drawn on; crossings become "┼".
struct Canvas {
    private var cells: [[Character]] = []
    private var boldCells: Set<[Int]> = []
    /// Stands in the cell after a wide character.
    private static let filler: Character = "\u{0}"

    private mutating func ensure(x: Int, y: Int) {
        while cells.count <= y { cells.append([]) }
        while cells[y].count <= x { cells[y].append(" ") }
    }

    subscript(x: Int, y: Int) -> Character {
        y < cells.count && x < cells[y].count ? cells[y][x] : " "
    }

    mutating func put(_ text: String, x: Int, y: Int) {
        var column = x
        for character in text {
            ensure(x: column, y: y)
            cells[y][column] = character
            if characterWidth(character) == 2 {
                ensure(x: column + 1, y: y)
                cells[y][column + 1] = Canvas.filler
                column += 1
            }
            column += 1
        }
    }

    mutating func bold(x: Int, y: Int, length: Int) {
        for column in x..<(x + length) { boldCells.insert([column, y]) }
    }

    mutating func vertical(x: Int, y: Int) {
        put(self[x, y] == "─" ? "┼" : "│", x: x, y: y)
    }

    mutating func horizontal(x: Int, y: Int) {
        put(self[x, y] == "│" ? "┼" : "─", x: x, y: y)
    }

    /// The first column in `from..<to` where `length` cells hold only spaces (or `allowing`).
    func freeRun(y: Int, length: Int, from: Int, to: Int, allowing: Character?) -> Int? {
        guard length > 0, from + length <= to else { return nil }
        for start in from...(to - length) {
            if (start..<(start + length)).allSatisfy({ let c = self[$0, y]; return c == " " || c == allowing }),
               self[start + length, y] != "│" || allowing != nil {
                return start
            }
        }
        return nil
    }

    func lines(color: Bool) -> [String] {
        cells.enumerated().map { y, row in
            var line = ""
            var x = 0
            while x < row.count {
                if row[x] == Canvas.filler { x += 1; continue }
                if color && boldCells.contains([x, y]) {
                    var run = ""
                    while x < row.count, boldCells.contains([x, y]) {
                        if row[x] != Canvas.filler { run.append(row[x]) }
                        x += 1
                    }
                    line += paint(run, .bold, color: true)
                    continue
                }
                line.append(row[x])
                x += 1
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}
