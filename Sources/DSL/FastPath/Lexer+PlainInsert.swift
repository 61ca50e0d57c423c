// The parser's interface to the plain-insert fast path (PlainInsertReader.swift): four lexer
// methods that try the reader and move the lexer past what it read. They use the lexer's state
// (`bytes`, `index`, `location`, `openBrackets`, `skippedNewline`, `shortStrings`), which is
// internal rather than private for this file alone.

extension Lexer {
    typealias PlainInsert = PlainInsertReader.PlainInsert

    /// Reads `Entity(label: literal, ...)` right after an `insert` keyword, on one line, when it
    /// is written in the plainest way: unquoted names, labelled arguments, each value a string
    /// without escapes, a number without `_` or exponent, `true`, `false` or `nil`, and only
    /// spaces between tokens. It builds exactly the nodes (and ranges) the parser would and
    /// leaves the lexer where the parser would after the `)`: a script of inserts then skips
    /// making a token per word. Anything else returns nil and moves nothing; the parser reads
    /// the command token by token, which also gives any diagnostic. Call it only with no token
    /// read ahead. (A test compares it with the parser on many variations.)
    mutating func plainInsert() -> PlainInsert? {
        // One pass over the bytes through a pointer (no bounds checks, no array retains); the
        // strings come from `shortStrings` or straight from the buffer.
        let bytes = self.bytes
        return bytes.withUnsafeBufferPointer { buffer in
            guard let insert = PlainInsertReader.read(buffer, from: index, at: location, names: shortStrings) else { return nil }
            index += insert.end.offset - location.offset
            location = insert.end
            return insert
        }
    }

    /// The keyword `insert` at the cursor, then a plain insert (see `plainInsert`): what
    /// `next()` and `plainInsert()` would give together, without making the keyword's token.
    /// The parser calls it right after a line break, where a script of inserts has its next
    /// command. Only when the keyword is followed by a space or a tab (then `next()` would read
    /// exactly `insert` as an identifier); nil, with nothing moved, otherwise.
    mutating func insertKeywordAndPlainInsert() -> (keyword: SourceRange, insert: PlainInsert)? {
        guard index > 0, index + 6 < bytes.count, bytes[index - 1] < 0x80 else { return nil }
        let spelled = bytes.withUnsafeBufferPointer { buffer in
            buffer[index] == 0x69 && buffer[index + 1] == 0x6E && buffer[index + 2] == 0x73   // ins
                && buffer[index + 3] == 0x65 && buffer[index + 4] == 0x72 && buffer[index + 5] == 0x74 // ert
                && (buffer[index + 6] == 32 || buffer[index + 6] == 9)
        }
        guard spelled else { return nil }
        let savedIndex = index
        let start = location
        let wasSkipped = skippedNewline
        index += 6
        location.offset += 6
        location.column += 6
        let keyword = SourceRange(start, location)
        skippedNewline = false // `finish` clears it for the keyword's token
        guard let insert = plainInsert() else {
            index = savedIndex
            location = start
            skippedNewline = wasSkipped
            return nil
        }
        return (keyword, insert)
    }

    /// What `next()` gives right after a plain insert. When a line break follows at once, with
    /// no bracket open, and the next line starts with a name (the next command of a script of
    /// inserts), that is a `newline` token made directly: none of `next()`'s trivia, blank-line,
    /// comment or leading-`.` steps applies there. Otherwise `next()`.
    mutating func nextAfterPlainInsert() -> Token {
        guard index + 1 < bytes.count, bytes[index] == 10, isIdentifierStart(bytes[index + 1]),
              openBrackets.isEmpty else { return next() }
        let start = location
        index += 1
        location.offset += 1
        location.line += 1
        location.column = 1
        var token = Token(kind: .newline, text: "\n", range: SourceRange(start, location))
        // What `finish` sets, with no bracket open.
        token.endIndex = index
        token.followsSkippedNewline = skippedNewline
        skippedNewline = false
        return token
    }

    /// `nextAfterPlainInsert()`'s line break written into `token`, a `newline` token already
    /// (the one before the insert), instead of a new token: true when that case applies, else
    /// false with nothing changed. A newline token's text and extras are always the same, so
    /// its range and bookkeeping are all that differ (a new token and the old one's destroy
    /// cost about 200 instructions a line).
    mutating func reuseNewlineAfterPlainInsert(_ token: inout Token) -> Bool {
        guard token.kind == .newline, index + 1 < bytes.count, bytes[index] == 10,
              isIdentifierStart(bytes[index + 1]), openBrackets.isEmpty else { return false }
        let start = location
        index += 1
        location.offset += 1
        location.line += 1
        location.column = 1
        token.range = SourceRange(start, location)
        token.endIndex = index
        token.depth = 0
        token.followsSkippedNewline = skippedNewline
        skippedNewline = false
        return true
    }
}
