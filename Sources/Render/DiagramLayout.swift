import Report

// Lays an ER diagram out as terminal text. Two arrangements, the same idea turned by a quarter:
//
// - in rows (as many boxes side by side as the width holds): a relationship within a row leaves
//   the bottom of one box and enters the bottom of the other, through its own horizontal lane
//   under the row; one to a box of the next row enters that box's top. Chosen when it draws
//   every line (a line between rows further apart cannot be drawn there);
// - stacked (narrow terminals, or rows that cannot draw a line): boxes one under the other, each
//   relationship leaves the right border at its foreign-key column and enters the target at its
//   primary key's row, through its own vertical lane right of the boxes.
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
        // Rows when every line can be drawn in them (or when stacking draws no more); else stacked.
        let stackedPicture = stacked(boxes, diagram.relationships, width: width, color: color)
        if let rows = inRows(boxes, diagram.relationships, width: width, gap: gap, color: color),
           rows.unplaced.count <= stackedPicture.1.count {
            (lines, unplaced) = rows
        } else {
            (lines, unplaced) = stackedPicture
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

    /// Boxes in rows that fit the width (one row when they all fit), each row followed by its
    /// lanes. A line between two boxes of one row leaves and enters their bottoms; a line to a
    /// box in the next row enters that box's top. Nil when a row cannot hold its boxes once
    /// they are wide enough for their lines.
    static func inRows(_ input: [TextBox], _ relationships: [ERDiagram.Relationship], width: Int, gap: Int,
                       color: Bool) -> (lines: [String], unplaced: [ERDiagram.Relationship])? {
        var boxes = input
        let index = Dictionary(boxes.enumerated().map { ($1.box.name, $0) }, uniquingKeysWith: { a, _ in a })
        // Rows, filled in order; then where each box stands.
        func assignRows() -> [Int]? {
            var row = 0, used = 0
            var rows: [Int] = []
            for box in boxes {
                if box.width > width { return nil }
                if used > 0 && used + gap + box.width > width { row += 1; used = 0 }
                used += (used > 0 ? gap : 0) + box.width
                rows.append(row)
            }
            return rows
        }
        guard var rowOf = assignRows() else { return nil }
        func positions() -> [Int] {
            var xs: [Int] = []
            var x = 0, row = -1
            for (b, box) in boxes.enumerated() {
                if rowOf[b] != row { row = rowOf[b]; x = 0 }
                xs.append(x)
                x += box.width + gap
            }
            return xs
        }
        var xs = positions()
        // Drawn: lines within a row or between neighbouring rows; the others are listed.
        let drawn = relationships.indices.filter { r in
            guard let a = index[relationships[r].from], let b = index[relationships[r].to] else { return false }
            return abs(rowOf[a] - rowOf[b]) <= 1
        }
        // Which border each end stands on: the bottom, unless its box is the lower of two rows.
        func onTop(_ r: Int, isFrom: Bool) -> Bool {
            let a = index[relationships[r].from]!, b = index[relationships[r].to]!
            let mine = isFrom ? a : b, other = isFrom ? b : a
            return rowOf[mine] > rowOf[other]
        }
        var ends: [[End]] = Array(repeating: [], count: boxes.count)
        var topEnds: [[End]] = Array(repeating: [], count: boxes.count)
        for r in drawn {
            for isFrom in [true, false] {
                let b = index[isFrom ? relationships[r].from : relationships[r].to]!
                if onTop(r, isFrom: isFrom) { topEnds[b].append(End(relationship: r, isFrom: isFrom, box: b)) } else { ends[b].append(End(relationship: r, isFrom: isFrom, box: b)) }
            }
        }
        // Ends ordered by where the other end lies, so lines leave towards their target.
        func otherX(_ end: End) -> Int {
            let o = index[end.isFrom ? relationships[end.relationship].to : relationships[end.relationship].from]!
            return xs[o] + boxes[o].width / 2
        }
        for b in boxes.indices {
            for side in [0, 1] {
                var list = side == 0 ? ends[b] : topEnds[b]
                list.sort { a, c in
                    let oa = otherX(a), oc = otherX(c)
                    return oa != oc ? oa < oc : (a.relationship, a.isFrom ? 0 : 1) < (c.relationship, c.isFrom ? 0 : 1)
                }
                if side == 0 { ends[b] = list } else { topEnds[b] = list }
            }
        }
        // Ends stand six columns apart ("│0..1 " fits between two lines); widen a box that needs it.
        let spacing = 6
        for b in boxes.indices where max(ends[b].count, topEnds[b].count) > 0 {
            let needed = max(ends[b].count, topEnds[b].count) * spacing + 2
            if boxes[b].innerWidth < needed { boxes[b] = TextBox(boxes[b].box, minimumInner: needed) }
        }
        guard let widened = assignRows(), widened == rowOf else { return nil }
        rowOf = widened
        xs = positions()
        // Where each end meets its border: spread, two columns clear of the corners; a top end
        // moves off a column a bottom end of the row above already uses.
        var endX: [Int: [Bool: Int]] = [:]
        var bottomColumns: [Int: Set<Int>] = [:]
        for b in boxes.indices {
            let count = ends[b].count
            for (i, end) in ends[b].enumerated() {
                let inner = boxes[b].width - 2
                let offset = count == 1 ? inner / 2 : 2 + i * (inner - 5) / max(count - 1, 1)
                let x = xs[b] + 1 + min(offset, inner - 2)
                endX[end.relationship, default: [:]][end.isFrom] = x
                bottomColumns[rowOf[b], default: []].insert(x)
            }
        }
        for b in boxes.indices {
            let count = topEnds[b].count
            for (i, end) in topEnds[b].enumerated() {
                let inner = boxes[b].width - 2
                let offset = count == 1 ? inner / 2 : 2 + i * (inner - 5) / max(count - 1, 1)
                var x = xs[b] + 1 + min(offset, inner - 2)
                let above = bottomColumns[rowOf[b] - 1] ?? []
                while above.contains(x) || above.contains(x - 1) || above.contains(x + 1), x < xs[b] + boxes[b].width - 3 { x += 1 }
                endX[end.relationship, default: [:]][end.isFrom] = x
            }
        }
        // Lanes of each row: shortest span first.
        let rowCount = (rowOf.max() ?? 0) + 1
        var lanesOfRow: [[Int]] = Array(repeating: [], count: rowCount)
        for r in drawn {
            lanesOfRow[min(rowOf[index[relationships[r].from]!], rowOf[index[relationships[r].to]!])].append(r)
        }
        for row in lanesOfRow.indices {
            lanesOfRow[row].sort { a, c in
                let sa = abs(endX[a]![true]! - endX[a]![false]!), sc = abs(endX[c]![true]! - endX[c]![false]!)
                return sa != sc ? sa < sc : a < c
            }
        }
        // Rows from the top: boxes, a row for the markers, the lanes, a row for the markers of
        // the next row's top ends.
        var rowTop: [Int] = []
        var y = 0
        for row in 0..<rowCount {
            rowTop.append(y)
            let height = boxes.indices.filter { rowOf[$0] == row }.map { boxes[$0].height }.max() ?? 0
            y += height + 1 + lanesOfRow[row].count + (row + 1 < rowCount ? 1 : 0)
        }
        var canvas = Canvas()
        for b in boxes.indices { boxes[b].draw(on: &canvas, x: xs[b], y: rowTop[rowOf[b]]) }
        var laneY: [Int: Int] = [:]
        for row in 0..<rowCount {
            let height = boxes.indices.filter { rowOf[$0] == row }.map { boxes[$0].height }.max() ?? 0
            for (lane, r) in lanesOfRow[row].enumerated() {
                let ly = rowTop[row] + height + 1 + lane
                laneY[r] = ly
                var turns: [(x: Int, fromAbove: Bool)] = []
                for isFrom in [true, false] {
                    let b = index[isFrom ? relationships[r].from : relationships[r].to]!
                    let xe = endX[r]![isFrom]!
                    let marker = isFrom ? relationships[r].fromEnd.rawValue : relationships[r].toEnd.rawValue
                    if onTop(r, isFrom: isFrom) {
                        let top = rowTop[rowOf[b]]
                        canvas.put("┴", x: xe, y: top)
                        for yy in (ly + 1)..<top { canvas.vertical(x: xe, y: yy) }
                        canvas.put(marker, x: xe + 1, y: top - 1)
                        turns.append((xe, false))
                    } else {
                        let bottom = rowTop[rowOf[b]] + boxes[b].height - 1
                        canvas.put("┬", x: xe, y: bottom)
                        for yy in (bottom + 1)..<ly { canvas.vertical(x: xe, y: yy) }
                        canvas.put(marker, x: xe + 1, y: bottom + 1)
                        turns.append((xe, true))
                    }
                }
                let left = turns[0].x <= turns[1].x ? turns[0] : turns[1]
                let right = turns[0].x <= turns[1].x ? turns[1] : turns[0]
                if left.x == right.x {
                    canvas.vertical(x: left.x, y: ly)
                    continue
                }
                for xx in (left.x + 1)..<right.x { canvas.horizontal(x: xx, y: ly) }
                canvas.put(left.fromAbove ? "└" : "┌", x: left.x, y: ly)
                canvas.put(right.fromAbove ? "┘" : "┐", x: right.x, y: ly)
            }
        }
        // Labels: inside the lane's line where it is free, else just right of it.
        var unplaced: [ERDiagram.Relationship] = []
        for r in drawn {
            let ly = laneY[r]!
            let xa = endX[r]![true]!, xb = endX[r]![false]!
            let text = " " + relationships[r].label + " "
            // Inside the line where it is free, else right beside its end, else left of its start
            // (never across another line, which would make it read as that line's).
            let length = displayWidth(text)
            let (left, right) = (min(xa, xb), max(xa, xb))
            if let p = canvas.freeRun(y: ly, length: length, from: left + 2, to: right - 1, allowing: "─") {
                canvas.put(text, x: p, y: ly)
            } else if right + 1 + length <= width, canvas.isBlank(y: ly, from: right + 1, to: right + 1 + length) {
                canvas.put(text, x: right + 1, y: ly)
            } else if left - length >= 0, canvas.isBlank(y: ly, from: left - length, to: left) {
                canvas.put(text, x: left - length, y: ly)
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
            return (canvas.lines(color: color), drawn.map { relationships[$0] } + relationships.indices.filter { !drawn.contains($0) }.map { relationships[$0] })
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

    /// True when the cells `from..<to` of row `y` hold only spaces.
    func isBlank(y: Int, from: Int, to: Int) -> Bool {
        from >= 0 && (from..<to).allSatisfy { self[$0, y] == " " }
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
