// The plain-insert fast path, kept apart from the lexer and parser proper (issue 17: speed code
// in quarantine). What it serves: the benchmark's "script" workload (`ormlab-bench`, a script of
// 10,000 `insert` lines, ≤ 3× the raw C loop), where it took `Workbench.run` from 200.2 M to
// 184.8 M instructions and parsing from 5.8k to 4.3k instructions per line (docs/PERFORMANCE.md,
// "the sixth round"). Everything here must give exactly what the token-by-token parser gives:
// Tests/DSLTests/PlainInsertTests.swift compares the two on lists of variants and thousands of
// seeded random edits. When in doubt, return nil: the parser then reads the line as usual.
//
// `PlainInsertReader` is a pure function of the bytes, a position and the name cache: it reads
// no lexer state and moves nothing. The parser reaches it only through four Lexer methods
// (Lexer+PlainInsert.swift), which move the lexer past what it read.

/// Reads a plain `insert` line straight from the source bytes, without making tokens.
enum PlainInsertReader {
    /// The entity, arguments and end (where the closing `)` ends) of a plain insert read
    /// straight from the bytes (see `plainInsert`).
    typealias PlainInsert = (entity: Identifier, arguments: [Argument], end: SourceLocation)

    /// Exact powers of ten a Double holds.
    private static let exactPowersOfTen: [Double] = (0...22).map { (0..<$0).reduce(1.0) { a, _ in a * 10 } }

    /// The value of `digits` (`12.5`, only digits and one `.`), as `Double(String)` reads it.
    /// Up to 15 significant digits and 22 decimals, one division of two exact Doubles is
    /// correctly rounded (Clinger's fast path), so it equals what `Double(String)` gives.
    static func plainDecimal<Digits: Collection<UInt8>>(_ digits: Digits) -> Double? {
        var mantissa: Int64 = 0
        var significant = 0
        var decimals = 0
        var afterPoint = false
        for d in digits {
            if d == 46 { afterPoint = true; continue }
            if significant > 0 || d != 48 { significant += 1 }
            mantissa = mantissa &* 10 &+ Int64(d - 48)
            if afterPoint { decimals += 1 }
        }
        guard significant <= 15, decimals <= 22 else { return Double(String(decoding: digits, as: UTF8.self)) }
        return Double(mantissa) / exactPowersOfTen[decimals]
    }

    /// Reads `Entity(label: literal, ...)` right after an `insert` keyword, on one line, when it
    /// is written in the plainest way: unquoted names, labelled arguments, each value a string
    /// without escapes, a number without `_` or exponent, `true`, `false` or `nil`, and only
    /// spaces between tokens. It builds exactly the nodes (and ranges) the parser would and
    /// ends where the parser would after the `)`: a script of inserts then skips making a
    /// token per word. Anything else returns nil; the parser reads the command token by token,
    /// which also gives any diagnostic. (A test compares it with the parser on many variations.)
    /// `index` is the byte at `location`, right after the `insert` keyword; the result's `end`
    /// is where the `)` ends (its offset says how far the lexer moves).
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int, at location: SourceLocation,
                     names shortStrings: ShortStrings) -> PlainInsert? {
        let count = bytes.count
        var i = index
        var column = location.column
        let line = location.line
        // The byte offset in the file of byte `j`.
        let fileOffset = location.offset - index
        func here(_ j: Int, _ column: Int) -> SourceLocation {
            SourceLocation(line: line, column: column, offset: fileOffset + j)
        }
        func skipSpaces() {
            // Most places have no space or one: leave at once when there is none.
            guard i < count, bytes[i] == 32 || bytes[i] == 9 else { return }
            var end = i + 1
            while end < count, bytes[end] == 32 || bytes[end] == 9 { end += 1 }
            column += end - i
            i = end
        }
        func isNameStart(_ a: UInt8) -> Bool { (a >= 65 && a <= 90) || (a >= 97 && a <= 122) || a == 95 }
        func isDigit(_ a: UInt8) -> Bool { a >= 48 && a <= 57 }
        /// The end of an unquoted name at `i`, or nil.
        func nameEnd() -> Int? {
            guard i < count, isNameStart(bytes[i]) else { return nil }
            var end = i + 1
            while end < count, PlainInsertReader.isNamePart(bytes[end]) { end += 1 }
            return end
        }
        /// An unquoted name at `i`, or nil.
        func name() -> Identifier? {
            guard let end = nameEnd() else { return nil }
            let start = here(i, column)
            let text = shortStrings.string(bytes, i, end)
            column += end - i
            i = end
            return Identifier(text, SourceRange(start, here(i, column)))
        }
        /// A literal at `i` followed (after spaces) by `,` or `)`, or nil: its parts, from which
        /// the caller builds the argument in one go.
        func literal() -> (value: Literal, range: SourceRange, next: Int)? {
            guard i < count else { return nil }
            let start = here(i, column)
            let first = i
            let value: Literal
            let a = bytes[i]
            if a == 34 { // "
                let contentStart = i + 1
                // Escapes and line breaks are the lexer's case.
                guard let (end, ascii) = PlainInsertReader.plainStringEnd(bytes, from: contentStart) else { return nil }
                i = end
                // Decoded directly, not through `shortStrings`: values repeat far less than
                // names, and a miss (a lookup, a decode and a replaced slot) cost more than the
                // hits saved (measured on the benchmark's script: 1% of its instructions).
                let content = ascii ? PlainInsertReader.asciiString(bytes, contentStart, i)
                    : String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<i]), as: UTF8.self)
                if ascii {
                    column += i - contentStart
                } else {
                    // Columns count Characters. With ASCII at both ends of the content, its
                    // Characters are exactly those of the source between the quotes.
                    guard bytes[contentStart] < 0x80, bytes[i - 1] < 0x80 else { return nil }
                    column += PlainInsertReader.characterCountBelowCombiningMarks(bytes, contentStart, i) ?? content.count
                }
                i += 1
                column += 2
                value = .string(content)
            } else if isDigit(a) {
                var end = i + 1
                while end < count, isDigit(bytes[end]) { end += 1 }
                var isDecimal = false
                if end + 1 < count, bytes[end] == 46, isDigit(bytes[end + 1]) {
                    isDecimal = true
                    end += 2
                    while end < count, isDigit(bytes[end]) { end += 1 }
                }
                i = end
                // `_`, an exponent, a letter or another `.` right after: the lexer's case.
                if i < count, isNameStart(bytes[i]) || bytes[i] == 46 || bytes[i] >= 0x80 { return nil }
                let digits = UnsafeBufferPointer(rebasing: bytes[first..<i])
                if isDecimal {
                    guard let double = PlainInsertReader.plainDecimal(digits), double.isFinite else { return nil }
                    value = .double(double)
                } else {
                    guard digits.count <= 18 else { return nil } // always fits in Int64
                    var integer: Int64 = 0
                    for d in digits { integer = integer * 10 + Int64(d - 48) }
                    value = .integer(integer)
                }
                column += i - first
            } else if let end = nameEnd() {
                switch end - i <= 15 ? PackedName(bytes, i, end) : PackedName(low: 0, high: 0) {
                case packedTrue: value = .bool(true)
                case packedFalse: value = .bool(false)
                case packedNil: value = .null
                default: return nil
                }
                column += end - i
                i = end
            } else {
                return nil
            }
            let range = SourceRange(start, here(i, column))
            // Spaces after the value are read again as the separator's trivia.
            var next = i
            while next < count, bytes[next] == 32 || bytes[next] == 9 { next += 1 }
            guard next < count, bytes[next] == 44 || bytes[next] == 41 else { return nil } // , )
            return (value, range, next)
        }

        skipSpaces()
        guard let entity = name() else { return nil }
        skipSpaces()
        guard i < count, bytes[i] == 40 else { return nil } // (
        i += 1
        column += 1
        var arguments: [Argument] = []
        // One allocation for most inserts, not one per doubling; 6 arguments of 152 bytes keep
        // the array within glibc's per-thread cache of small blocks (up to 1,032 bytes), 8 did
        // not: every array then went through malloc's and free's general bins.
        arguments.reserveCapacity(6)
        while true {
            skipSpaces()
            guard i < count else { return nil }
            if bytes[i] == 41 { break } // )
            guard let labelEnd = nameEnd() else { return nil }
            let labelStart = here(i, column)
            let label = shortStrings.string(bytes, i, labelEnd)
            column += labelEnd - i
            i = labelEnd
            let labelRange = SourceRange(labelStart, here(i, column))
            skipSpaces()
            guard i < count, bytes[i] == 58 else { return nil } // :
            i += 1
            column += 1
            skipSpaces()
            guard let (value, valueRange, next) = literal() else { return nil }
            // Built from its parts: an `Identifier` or `Expr` returned in an optional was copied
            // out of it and the optional destroyed, through value witnesses.
            arguments.append(Argument(label: Identifier(label, labelRange), value: .literal(value, valueRange),
                                      range: SourceRange(labelStart, valueRange.end)))
            // Past the spaces `literal` read to find the `,` or `)` after the value.
            column += next - i
            i = next
            if bytes[i] == 44 { // ,
                i += 1
                column += 1
                continue
            }
            break // `)`: checked by literal()
        }
        // A non-ASCII character right after the `)` may belong to it (a combining mark).
        guard i < count, bytes[i] == 41, i + 1 >= count || bytes[i + 1] < 0x80 else { return nil }
        i += 1
        column += 1
        return (entity, arguments, here(i, column))
    }

    /// `[A-Za-z0-9_]`: the byte's bit in one of two masks (the four range tests it replaces
    /// cost about ten instructions per byte of a name).
    @inline(__always)
    static func isNamePart(_ a: UInt8) -> Bool {
        let mask: UInt64 = a < 64 ? 0x03FF_0000_0000_0000 : (a < 128 ? 0x07FF_FFFE_87FF_FFFE : 0)
        return (mask &>> UInt64(a & 63)) & 1 != 0
    }

    /// Where the content of a plain string literal starting at `from` ends (the index of its
    /// closing `"`) and whether it is all ASCII; nil when an escape (`\`) or a line break comes
    /// first, or the input ends. Eight bytes at a time while none of them is one of those four
    /// (each step of a byte loop cost about 16 instructions; string values are most of a
    /// script's bytes), then byte by byte.
    static func plainStringEnd(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> (end: Int, ascii: Bool)? {
        let count = bytes.count
        var j = from
        var seen: UInt64 = 0 // every byte read, or-ed: the high bits say whether all were ASCII
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while j + 8 <= count {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: j, as: UInt64.self))
                let stops = hasByte(word, 34) | hasByte(word, 92) | hasByte(word, 10) | hasByte(word, 13)
                if stops != 0 {
                    // The lowest flagged byte is the first stop (a false flag only ever sits
                    // above a true one): the bytes before it are content.
                    let before = stops.trailingZeroBitCount / 8
                    seen |= word & ((1 &<< UInt64(before * 8)) &- 1)
                    j += before
                    guard bytes[j] == 34 else { return nil }
                    return (j, seen & 0x8080_8080_8080_8080 == 0)
                }
                seen |= word
                j += 8
            }
        }
        while j < count {
            let b = bytes[j]
            if b == 34 { return (j, seen & 0x8080_8080_8080_8080 == 0) }
            if b == 92 || b == 10 || b == 13 { return nil }
            seen |= UInt64(b)
            j += 1
        }
        return nil
    }

    /// The number of Characters in `bytes[from..<to]` (valid UTF-8 without line breaks) when
    /// all its scalars are below U+0300 (ASCII, Latin-1, Latin Extended-A and -B, IPA, spacing
    /// modifiers: "Kraków", "Montréal"), else nil. No such scalar joins a neighbour in a
    /// grapheme cluster (the combining marks start at U+0300; controls stand alone, and CR LF
    /// cannot occur), so it is the number of scalars: bytes that are not continuation bytes.
    /// `String.count` breaks graphemes for it, about 580 instructions for a short value.
    static func characterCountBelowCombiningMarks(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        var count = 0
        for j in from..<to {
            let b = bytes[j]
            if b < 0x80 {
                count += 1
            } else if b >= 0xC0 { // a scalar's lead byte: 0xC2–0xCB lead U+0080–U+02FF
                guard b <= 0xCB else { return nil }
                count += 1
            }
        }
        return count
    }

    /// The high bit of each byte of `word` that is `byte` set (the classic test for a zero
    /// byte in `word ^ byte × 0x0101…`), and possibly of bytes above such a byte, never below:
    /// so whether there is one, and the lowest, are exact.
    @inline(__always)
    private static func hasByte(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// The text of the ASCII bytes `from..<to`. Up to 15 bytes, a String is small (inline) and
    /// `String(unsafeUninitializedCapacity:)` makes it by copying the bytes and checking ASCII
    /// (about 80 instructions, where `String(decoding:)` validates through several layers: 190);
    /// longer, that path costs more than decoding, which is kept.
    @inline(__always)
    static func asciiString(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        let count = to - from
        guard count <= 15 else { return String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self) }
        return String(unsafeUninitializedCapacity: count) { buffer in
            _ = buffer.initialize(from: UnsafeBufferPointer(rebasing: bytes[from..<to]))
            return count
        }
    }

    static let packedTrue = PackedName(low: 0x65_75_72_74, high: 4 << 56)       // "true"
    static let packedFalse = PackedName(low: 0x65_73_6C_61_66, high: 5 << 56)   // "false"
    static let packedNil = PackedName(low: 0x6C_69_6E, high: 3 << 56)           // "nil"
}
