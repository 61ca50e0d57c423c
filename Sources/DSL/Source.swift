/// A position in DSL source text: 1-based line and column (columns count Unicode scalars... see `column`).
///
/// Line and column are stored in 32 bits each (clamped past 2^31 - 1, a line or a column no
/// text reaches), so a location is 16 bytes and a range 32: every token and syntax-tree node
/// carries ranges, and a parser copies them many times per line of a script.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    private var storedLine: Int32
    private var storedColumn: Int32
    /// 0-based offset in UTF-8 bytes from the start of the source (used to slice text back out).
    public var offset: Int

    /// 1-based line number.
    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = Int32(clamping: newValue) }
    }

    /// 1-based column, counted in Characters (grapheme clusters) of the line, so a caret lines up.
    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = Int32(clamping: newValue) }
    }

    public init(line: Int, column: Int, offset: Int) {
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
        self.offset = offset
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool { a.offset < b.offset }
    public var description: String { "\(line):\(column)" }
}

/// A half-open range of source text, `start..<end`.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
    public var start: SourceLocation
    public var end: SourceLocation

    public init(_ start: SourceLocation, _ end: SourceLocation) {
        self.start = start
        self.end = end
    }

    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(min(start, other.start), max(end, other.end))
    }

    public var description: String { "\(start)-\(end)" }
}

/// One unit of DSL input: the text of a REPL entry, a script file or a lesson block.
public struct SourceFile: Sendable {
    /// Shown in diagnostics ("<repl>", "blog.orm").
    public var name: String
    public var text: String
    /// Line offset added when this text is part of a larger file (a REPL entry is line 1).
    public var firstLine: Int

    public init(name: String = "<input>", text: String, firstLine: Int = 1) {
        self.name = name
        self.text = text
        self.firstLine = firstLine
    }

    /// The text of one line (1-based, in this file's numbering), without its newline.
    public func line(_ number: Int) -> String? {
        let index = number - firstLine
        guard index >= 0 else { return nil }
        // One pass over the bytes, no array of lines: scripts can be long.
        let utf8 = text.utf8
        var current = 0
        var start = utf8.startIndex
        var position = utf8.startIndex
        func lineText(upTo end: String.UTF8View.Index) -> String {
            var end = end // without the "\r" of a "\r\n" line break
            if end > start, utf8[utf8.index(before: end)] == 13 { end = utf8.index(before: end) }
            return String(decoding: utf8[start..<end], as: UTF8.self)
        }
        while position != utf8.endIndex {
            if utf8[position] == 10 {
                if current == index { return lineText(upTo: position) }
                current += 1
                start = utf8.index(after: position)
            }
            position = utf8.index(after: position)
        }
        return current == index ? lineText(upTo: utf8.endIndex) : nil
    }

    /// The source text covered by `range`.
    public func slice(_ range: SourceRange) -> String {
        let utf8 = text.utf8 // offsetting a native string's UTF-8 view is O(1): no copy of the text
        let lo = max(0, min(range.start.offset, utf8.count))
        let hi = max(lo, min(range.end.offset, utf8.count))
        // A native string's bytes are contiguous: decoded straight from them (ASCII is checked
        // a word at a time), without the substring view's slower copy. The pieces of a scalar
        // cut by the range are repaired either way.
        if let sliced = utf8.withContiguousStorageIfAvailable({ buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[lo..<hi]), as: UTF8.self)
        }) {
            return sliced
        }
        let bytes = utf8[utf8.index(utf8.startIndex, offsetBy: lo)..<utf8.index(utf8.startIndex, offsetBy: hi)]
        return String(bytes) ?? String(decoding: bytes, as: UTF8.self)
    }

    /// The source text covered by `range` without whitespace (`Character.isWhitespace`) at
    /// either end: a command as the learner typed it. Trims ASCII whitespace on the bytes, in
    /// the same pass as the slice; only text with a non-ASCII character at an end is trimmed
    /// Character by Character (it may be whitespace, or a mark joined to the space before it).
    public func trimmedSlice(_ range: SourceRange) -> String {
        let utf8 = text.utf8
        var lo = max(0, min(range.start.offset, utf8.count))
        var hi = max(lo, min(range.end.offset, utf8.count))
        func isASCIIWhitespace(_ byte: UInt8) -> Bool { byte == 32 || (byte >= 9 && byte <= 13) }
        let trimmed = utf8.withContiguousStorageIfAvailable { buffer -> String? in
            while lo < hi, isASCIIWhitespace(buffer[lo]) { lo += 1 }
            while hi > lo, isASCIIWhitespace(buffer[hi - 1]) { hi -= 1 }
            guard lo == hi || (buffer[lo] < 0x80 && buffer[hi - 1] < 0x80) else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[lo..<hi]), as: UTF8.self)
        }
        if let trimmed = trimmed ?? nil { return trimmed }
        var characters = Substring(slice(range))
        while let first = characters.first, first.isWhitespace { characters.removeFirst() }
        while let last = characters.last, last.isWhitespace { characters.removeLast() }
        return String(characters)
    }
}
