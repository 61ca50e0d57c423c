// The lexer cuts DSL source text into tokens, on demand, one `next()` at a time. It never fails:
// text it cannot read becomes an `error` token carrying a diagnostic, and lexing goes on after it.
//
// Line breaks separate commands at the top level and inside `{ }`, but not inside `( )` or
// `[ ]`, so a long `where(...)` may span lines. The lexer keeps a stack of open brackets to know
// which case applies. A line that starts with `.` continues the previous one (method chains).

/// Turns DSL source text into tokens with line and column.
///
/// It reads UTF-8 bytes (a 10,000-line script lexes in milliseconds) one lexing character at
/// a time, the characters `lexable` describes: every ASCII character stands alone ("\r\n" is one),
/// other text goes by Characters, and only the first piece of a Character the learner sees
/// takes a column. Between two ASCII bytes there is always such a boundary (except inside
/// "\r\n"), so plain text never asks the String for grapheme breaks.
public struct Lexer {
    /// The text being lexed.
    private let text: String
    /// Its UTF-8 bytes.
    let bytes: [UInt8]   // internal: read by FastPath/Lexer+PlainInsert.swift
    /// Byte index of the next character to read.
    var index = 0   // internal: read by FastPath/Lexer+PlainInsert.swift
    /// Location of the next character to read, in the source file's coordinates.
    var location: SourceLocation   // internal: read by FastPath/Lexer+PlainInsert.swift
    /// The open brackets, innermost last: "(", "[" or "{".
    var openBrackets: [Character] = []   // internal: read by FastPath/Lexer+PlainInsert.swift
    /// How many of each bracket are open, so an unmatched closer is ignored in constant time.
    private var openCounts: [Character: Int] = [:]
    /// Set when a line break was skipped since the last token.
    var skippedNewline = false   // internal: read by FastPath/Lexer+PlainInsert.swift
    /// Short texts `plainInsert` made, by their packed bytes (see `string(_:_:_:isASCII:)`).
    let shortStrings = ShortStrings()   // internal: read by FastPath/Lexer+PlainInsert.swift

    /// A lexer for the whole file, or only for the text covered by `range` (locations stay in
    /// the file's coordinates).
    public init(file: SourceFile, range: SourceRange? = nil) {
        if let range {
            let utf8 = file.text.utf8
            let lo = max(0, min(range.start.offset, utf8.count))
            let hi = max(lo, min(range.end.offset, utf8.count))
            let start = utf8.index(utf8.startIndex, offsetBy: lo)
            let end = utf8.index(utf8.startIndex, offsetBy: hi)
            text = String(decoding: utf8[start..<end], as: UTF8.self)
            location = SourceLocation(line: range.start.line, column: range.start.column, offset: lo)
        } else {
            // Native and UTF-8, so its UTF-8 view moves by offset in constant time (a copy only
            // when it is not: checking a megabyte of text again costs milliseconds).
            text = file.text.isContiguousUTF8 ? file.text : String(decoding: file.text.utf8, as: UTF8.self)
            location = SourceLocation(line: file.firstLine, column: 1, offset: 0)
        }
        bytes = Array(text.utf8)
    }

    /// All tokens of `file` (or of `range` in it), ending with one `endOfInput` token.
    public static func tokenize(_ file: SourceFile, range: SourceRange? = nil) -> [Token] {
        var lexer = Lexer(file: file, range: range)
        var tokens: [Token] = []
        while true {
            let token = lexer.next()
            tokens.append(token)
            if token.kind == .endOfInput { return tokens }
        }
    }

    // MARK: - Reading characters

    private var isAtEnd: Bool { index >= bytes.count }

    /// The string index of byte `i` (constant time: `text` is native UTF-8).
    private func stringIndex(_ i: Int) -> String.Index {
        text.utf8.index(text.utf8.startIndex, offsetBy: i)
    }

    /// Length in bytes of the lexing character at byte `i` (see `lexable`).
    @inline(__always)
    private func characterLength(at i: Int) -> Int {
        let b = bytes[i]
        if b < 0x80 { return b == 13 && i + 1 < bytes.count && bytes[i + 1] == 10 ? 2 : 1 }
        // Non-ASCII: the first Character of the run of non-ASCII scalars, within the Character
        // the learner sees (String.index(after:) rounds down to its start first).
        let end = text.utf8.distance(from: text.utf8.startIndex, to: text.index(after: stringIndex(i)))
        var runEnd = i
        while runEnd < end && bytes[runEnd] >= 0x80 { runEnd += 1 }
        return String(decoding: bytes[i..<max(runEnd, i + 1)], as: UTF8.self).first?.utf8.count ?? 1
    }

    /// True when the lexing character at byte `i` starts a Character the learner sees (and so
    /// takes a column).
    @inline(__always)
    private func startsVisibleCharacter(at i: Int) -> Bool {
        guard i > 0 else { return true }
        if bytes[i] < 0x80 && bytes[i - 1] < 0x80 { return !(bytes[i - 1] == 13 && bytes[i] == 10) }
        return stringIndex(i).samePosition(in: text) != nil
    }

    /// The lexing character at byte `i`.
    private func character(at i: Int) -> Character {
        Character(String(decoding: bytes[i..<(i + characterLength(at: i))], as: UTF8.self))
    }

    /// Byte index of the character `ahead` characters after the cursor; nil past the end.
    @inline(__always)
    private func position(_ ahead: Int) -> Int? {
        var i = index
        for _ in 0..<ahead {
            guard i < bytes.count else { return nil }
            i += characterLength(at: i)
        }
        return i < bytes.count ? i : nil
    }

    /// The ASCII code of the character `ahead` of the cursor; nil at the end or for non-ASCII.
    /// Note: "\r\n" is one character whose ASCII value is 10, like "\n".
    @inline(__always)
    private func code(_ ahead: Int = 0) -> UInt8? {
        let i: Int
        if ahead == 0 {
            guard index < bytes.count else { return nil }
            i = index
        } else {
            guard let p = position(ahead) else { return nil }
            i = p
        }
        let b = bytes[i]
        guard b < 0x80 else { return nil }
        return b == 13 && i + 1 < bytes.count && bytes[i + 1] == 10 ? 10 : b
    }

    private mutating func advance() {
        let b = bytes[index]
        // The common case: an ASCII character after an ASCII character (or at the start).
        if b < 0x80 && b != 13 && (index == 0 || bytes[index - 1] < 0x80) {
            index += 1
            location.offset += 1
            if b == 10 {
                location.line += 1
                location.column = 1
            } else {
                location.column += 1
            }
            return
        }
        let length = characterLength(at: index)
        let isLineBreak = b == 10 || (b == 13 && length == 2)
        let takesColumn = startsVisibleCharacter(at: index)
        index += length
        location.offset += length
        if isLineBreak {
            location.line += 1
            location.column = 1
        } else if takesColumn {
            location.column += 1
        }
    }

    /// Skips the run of ASCII characters whose bytes satisfy `accepts` (never a line break or a
    /// carriage return): the fast path for names, digits and plain string contents.
    @inline(__always)
    private mutating func skipASCII(while accepts: (UInt8) -> Bool) {
        // A first character right after non-ASCII text may belong to the Character before it.
        guard index < bytes.count, index == 0 || bytes[index - 1] < 0x80 else { return }
        var i = index
        while i < bytes.count, bytes[i] < 0x80, accepts(bytes[i]) { i += 1 }
        location.offset += i - index
        location.column += i - index
        index = i
    }

    private func text(from start: Int) -> String {
        let end = index
        return bytes.withUnsafeBufferPointer { buffer in shortStrings.string(buffer, start, end) }
    }

    // MARK: - Tokens

    /// The next token; `endOfInput` forever once the text is used up.
    public mutating func next() -> Token {
        while true {
            skipTrivia()
            guard !isAtEnd else {
                return finish(Token(kind: .endOfInput, text: "", range: SourceRange(location, location)))
            }
            let token: Token
            switch code() {
            case 10?:
                guard let separator = newline() else { continue } // the next line starts with "."
                token = separator
            case let a? where isIdentifierStart(a):
                token = identifier()
            case 96?: // `
                token = quotedIdentifier()
            case let a? where isDigit(a):
                token = number()
            case 34?: // "
                token = string()
            default:
                token = punctuation()
            }
            return finish(token)
        }
    }

    private mutating func finish(_ token: consuming Token) -> Token {
        var token = token
        token.endIndex = index
        token.followsSkippedNewline = skippedNewline
        skippedNewline = false
        token.depth = openBrackets.count
        switch token.kind {
        case .leftParen, .leftBracket, .leftBrace:
            let opener: Character = token.kind == .leftParen ? "(" : token.kind == .leftBracket ? "[" : "{"
            openBrackets.append(opener)
            openCounts[opener, default: 0] += 1
        case .rightParen: token.depth = close("(")
        case .rightBracket: token.depth = close("[")
        case .rightBrace: token.depth = close("{")
        default: break
        }
        return token
    }

    /// Pops the innermost `opener` (and anything left open inside it); returns the new depth.
    /// A closer with no opener changes nothing.
    private mutating func close(_ opener: Character) -> Int {
        guard openCounts[opener, default: 0] > 0 else { return openBrackets.count }
        while let last = openBrackets.popLast() {
            openCounts[last, default: 1] -= 1
            if last == opener { break }
        }
        return openBrackets.count
    }

    private func makeToken(_ kind: TokenKind, from startIndex: Int, _ start: SourceLocation) -> Token {
        Token(kind: kind, text: text(from: startIndex), range: SourceRange(start, location))
    }

    private func makeToken(_ kind: TokenKind, from startIndex: Int, _ start: SourceLocation, literal: Literal) -> Token {
        Token(kind: kind, text: text(from: startIndex), range: SourceRange(start, location), literal: literal)
    }

    private func errorToken(from startIndex: Int, _ start: SourceLocation, _ diagnostic: Diagnostic) -> Token {
        Token(kind: .error, text: text(from: startIndex), range: SourceRange(start, location),
              diagnostic: diagnostic)
    }

    // MARK: - Whitespace, comments, line breaks

    /// Skips spaces, tabs, comments, and the line breaks that do not separate commands.
    private mutating func skipTrivia() {
        while let a = code() {
            switch a {
            case 32, 9, 13: // space, tab, lone carriage return
                advance()
            case 47 where code(1) == 47: // "//" comment, up to (not including) the line break
                skipComment()
            case 10:
                if let innermost = openBrackets.last, innermost != "{" {
                    advance()
                    skippedNewline = true
                } else {
                    return
                }
            default:
                return
            }
        }
    }

    private mutating func skipComment() {
        while !isAtEnd, code() != 10 { advance() }
    }

    /// One `newline` token for a run of line breaks, blank lines and comment lines; nil when the
    /// next line starts with `.` and so continues this one (`Author.all` ⏎ `  .limit(3)`).
    private mutating func newline() -> Token? {
        let start = location
        advance()
        // Its text is "\n" whatever the line break was ("\r\n" too): not read from the bytes.
        let token = Token(kind: .newline, text: "\n", range: SourceRange(start, location))
        while let a = code() {
            if a == 32 || a == 9 || a == 13 || a == 10 {
                advance()
            } else if a == 47, code(1) == 47 {
                skipComment()
            } else {
                break
            }
        }
        if code() == 46, let after = code(1), !isDigit(after) { // a leading "." continues the line
            skippedNewline = true
            return nil
        }
        return token
    }

    // MARK: - Names

    func isIdentifierStart(_ a: UInt8) -> Bool {   // internal: FastPath/Lexer+PlainInsert.swift
        (a >= 65 && a <= 90) || (a >= 97 && a <= 122) || a == 95
    }

    private func isIdentifierPart(_ a: UInt8) -> Bool {
        isIdentifierStart(a) || isDigit(a)
    }

    private func isDigit(_ a: UInt8) -> Bool { a >= 48 && a <= 57 }

    private func isHexDigit(_ a: UInt8) -> Bool {
        isDigit(a) || (a >= 65 && a <= 70) || (a >= 97 && a <= 102)
    }

    private mutating func identifier() -> Token {
        let startIndex = index
        let start = location
        skipASCII { a in (a >= 65 && a <= 90) || (a >= 97 && a <= 122) || a == 95 || (a >= 48 && a <= 57) }
        while let a = code(), isIdentifierPart(a) { advance() }
        return makeToken(.identifier, from: startIndex, start)
    }

    /// `` `in` ``: a name that may be spelled like a keyword.
    private mutating func quotedIdentifier() -> Token {
        let startIndex = index
        let start = location
        advance() // opening backtick
        let nameStart = index
        while let a = code(), isIdentifierPart(a) { advance() }
        let nameIsEmpty = index == nameStart
        let startsWithDigit = !nameIsEmpty && isDigit(bytes[nameStart])
        if code() == 96, !nameIsEmpty, !startsWithDigit {
            advance()
            var token = makeToken(.identifier, from: startIndex, start)
            token.isQuoted = true
            return token
        }
        let here = SourceRange(start, SourceLocation(line: start.line, column: start.column + 1,
                                                     offset: start.offset + 1))
        if code() == 96 { advance() }
        return errorToken(from: startIndex, start, Diagnostic.error(
            "expected a name between backticks", at: here,
            hint: "a quoted name uses letters, digits and '_', as in `in`"))
    }

    // MARK: - Numbers

    /// `42`, `1_000`, `1.5`, `2e3`, `1.5e-3`. `1.count` is the integer 1 followed by `.count`.
    private mutating func number() -> Token {
        let startIndex = index
        let start = location
        var isDecimal = false
        skipDigits()
        if code() == 46, let next = code(1), isDigit(next) { // fraction
            isDecimal = true
            advance()
            skipDigits()
        }
        if code() == 101 || code() == 69 { // e / E
            let signed = code(1) == 43 || code(1) == 45
            if let d = code(signed ? 2 : 1), isDigit(d) {
                isDecimal = true
                advance()
                if signed { advance() }
                skipDigits()
            }
        }
        // `12abc`: a name cannot start with a digit; read the whole word so the message shows it.
        if let a = code(), isIdentifierStart(a) {
            while let a = code(), isIdentifierPart(a) { advance() }
            let word = text(from: startIndex)
            return errorToken(from: startIndex, start, Diagnostic.error(
                "'\(word)' is not a valid number", at: SourceRange(start, location),
                hint: "names cannot start with a digit; numbers are written like 42, 1.5 or 2e3"))
        }
        let written = text(from: startIndex)
        let digits = written.utf8.contains(95) ? written.filter { $0 != "_" } : written
        if isDecimal {
            guard let value = Double(digits), value.isFinite else {
                return errorToken(from: startIndex, start, Diagnostic.error(
                    "decimal literal \(written) does not fit in Double", at: SourceRange(start, location)))
            }
            return makeToken(.decimal, from: startIndex, start, literal: .double(value))
        }
        // Integers: accumulate as UInt64 so that 9223372036854775808 can still become Int64.min
        // after a minus sign.
        var magnitude: UInt64 = 0
        var overflow = false
        for ch in digits.utf8 {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(ch - 48))
            if o1 || o2 { overflow = true; break }
            magnitude = sum
        }
        let limit = UInt64(Int64.max) + 1
        if overflow || magnitude > limit {
            return errorToken(from: startIndex, start, Lexer.integerOverflow(written, SourceRange(start, location)))
        }
        if magnitude == limit { return makeToken(.integer, from: startIndex, start) }
        return makeToken(.integer, from: startIndex, start, literal: .integer(Int64(magnitude)))
    }

    private mutating func skipDigits() {
        skipASCII { a in (a >= 48 && a <= 57) || a == 95 }
        while let a = code(), isDigit(a) || a == 95 { advance() }
    }

    // MARK: - Strings

    /// `"..."` on one line, with escapes `\" \\ \n \t \r \0 \u{XXXX}`.
    private mutating func string() -> Token {
        let startIndex = index
        let start = location
        let quote = SourceRange(start, SourceLocation(line: start.line, column: start.column + 1,
                                                      offset: start.offset + 1))
        advance() // opening quote
        // Plain text up to the closing quote: the value is a slice of the source.
        let contentStart = index
        skipASCII { a in a != 34 && a != 92 && a != 10 && a != 13 }
        if index < bytes.count, bytes[index] == 34 {
            let value = String(decoding: bytes[contentStart..<index], as: UTF8.self)
            advance()
            return makeToken(.string, from: startIndex, start, literal: .string(value))
        }
        // The value's UTF-8 bytes: characters copied as they are, escapes encoded.
        var value: [UInt8] = Array(bytes[contentStart..<index])
        var firstError: Diagnostic?
        while true {
            guard !isAtEnd, let c = Optional(code()), c != 10 else {
                return errorToken(from: startIndex, start, Diagnostic.error(
                    "unterminated string literal", at: quote, hint: "close it with \""))
            }
            switch c {
            case 34?: // closing quote
                advance()
                if let firstError { return errorToken(from: startIndex, start, firstError) }
                return makeToken(.string, from: startIndex, start, literal: .string(String(decoding: value, as: UTF8.self)))
            case 92?: // backslash
                let escapeStart = location
                advance()
                switch escape() {
                case .success(let scalar):
                    value.append(contentsOf: UTF8.encode(scalar)!)
                case .failure(let message):
                    if firstError == nil {
                        firstError = Diagnostic.error(message.message, at: SourceRange(escapeStart, location),
                                                hint: "valid escapes are \\\" \\\\ \\n \\t \\r \\0 and \\u{XXXX}")
                    }
                }
            default:
                let characterStart = index
                advance()
                value.append(contentsOf: bytes[characterStart..<index])
            }
        }
    }

    private struct EscapeError: Error { var message: String }

    /// Reads the escape after a backslash; the cursor ends after it.
    private mutating func escape() -> Result<Unicode.Scalar, EscapeError> {
        guard !isAtEnd, code() != 10 else {
            return .failure(EscapeError(message: "expected an escape after '\\'"))
        }
        let c = character(at: index)
        advance()
        switch c {
        case "\"": return .success("\"")
        case "\\": return .success("\\")
        case "n": return .success("\n")
        case "t": return .success("\t")
        case "r": return .success("\r")
        case "0": return .success("\0")
        case "u":
            guard code() == 123 else { // {
                return .failure(EscapeError(message: "expected '{' after \\u, as in \\u{E9}"))
            }
            advance()
            var hex = ""
            while let h = code(), isHexDigit(h), hex.count < 9 { hex.append(Character(Unicode.Scalar(h))); advance() }
            guard code() == 125 else { // }
                return .failure(EscapeError(message: "expected 1 to 8 hex digits and '}' in \\u{...}"))
            }
            advance()
            guard !hex.isEmpty, hex.count <= 8, let value = UInt32(hex, radix: 16),
                  let scalar = Unicode.Scalar(value) else {
                return .failure(EscapeError(message: "\\u{\(hex)} is not a valid Unicode scalar"))
            }
            return .success(scalar)
        default:
            return .failure(EscapeError(message: "invalid escape sequence '\\\(c)' in string"))
        }
    }

    // MARK: - Punctuation and stray characters

    private mutating func punctuation() -> Token {
        let start = location
        let a = code()
        let b = code(1)
        let kind: TokenKind
        var length = 1
        switch a {
        case 123: kind = .leftBrace
        case 125: kind = .rightBrace
        case 40: kind = .leftParen
        case 41: kind = .rightParen
        case 91: kind = .leftBracket
        case 93: kind = .rightBracket
        case 44: kind = .comma
        case 58: kind = .colon
        case 59: kind = .semicolon
        case 46: kind = .dot
        case 35: kind = .hash
        case 63: kind = .question
        case 43: kind = .plus
        case 45: kind = .minus
        case 42: kind = .star
        case 47: kind = .slash
        case 124: kind = .pipe // only a polymorphic type uses it; elsewhere the parser hints 'or'
        case 61: if b == 61 { kind = .equal; length = 2 } else { kind = .assign }
        case 33 where b == 61: kind = .notEqual; length = 2
        case 60: if b == 61 { kind = .lessEqual; length = 2 } else { kind = .less }
        case 62: if b == 61 { kind = .greaterEqual; length = 2 } else { kind = .greater }
        default:
            return strayCharacter()
        }
        advance()
        if length == 2 { advance() }
        // The text is the kind's own spelling: no string made from the source for it.
        return Token(kind: kind, text: kind.rawValue, range: SourceRange(start, location))
    }

    /// Any character the DSL does not use: one `error` token for it.
    private mutating func strayCharacter() -> Token {
        let startIndex = index
        let start = location
        let c = character(at: index)
        advance()
        let range = SourceRange(start, location)
        return errorToken(from: startIndex, start, Diagnostic.error(
            "unexpected character \(Lexer.describe(c))", at: range, hint: Lexer.hint(for: c)))
    }

    /// `'@'` for a visible character, `U+0000` for an invisible one.
    static func describe(_ c: Character) -> String {
        let first = c.unicodeScalars.first?.value ?? 0
        let invisible = first < 0x20 || first == 0x7F || (first >= 0x80 && first < 0xA0)
            || c.isWhitespace || c.unicodeScalars.allSatisfy({ $0.properties.generalCategory == .format })
        if invisible {
            let hex = String(first, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
        return "'\(c)'"
    }

    /// The lexing characters of `text` as the lexer steps through them, each with whether it
    /// takes a column: for tests, which check it against `lexable`.
    static func steps(through text: String) -> [(character: Character, takesColumn: Bool)] {
        let lexer = Lexer(file: SourceFile(text: text))
        var steps: [(Character, Bool)] = []
        var i = 0
        while i < lexer.bytes.count {
            steps.append((lexer.character(at: i), lexer.startsVisibleCharacter(at: i)))
            i += lexer.characterLength(at: i)
        }
        return steps
    }

    /// The text as Characters, except that a Character holding an ASCII character and more is
    /// split so that each ASCII character stands alone: to Swift, `"` + U+0301 (a combining mark)
    /// or U+06DD (a prepending mark) + `"` is one Character, and the lexer would miss the quote.
    /// Only the first piece keeps a column, so columns still count what the learner sees.
    static func lexable(_ text: String) -> (characters: [Character], splitMarks: Set<Int>) {
        var characters: [Character] = []
        var marks = Set<Int>()
        for c in text {
            let scalars = c.unicodeScalars
            guard c != "\r\n", scalars.count > 1, scalars.contains(where: \.isASCII) else {
                characters.append(c)
                continue
            }
            let first = characters.count
            var run = String.UnicodeScalarView()
            func flush() {
                for piece in String(run) { characters.append(piece) }
                run = String.UnicodeScalarView()
            }
            for scalar in scalars {
                if scalar.isASCII {
                    flush()
                    characters.append(Character(scalar))
                } else {
                    run.append(scalar)
                }
            }
            flush()
            for i in (first + 1)..<characters.count { marks.insert(i) }
        }
        return (characters, marks)
    }

    private static func hint(for c: Character) -> String? {
        switch c {
        case "!": return "write 'not' to negate a condition, '!=' to compare"
        case "&": return "write 'and' to combine conditions"
        case "|": return "write 'or' to combine conditions"
        case "'", "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}":
            return "strings use straight double quotes, as in \"text\""
        case "\u{00A0}": return "this is a non-breaking space; use a plain space"
        case "%": return "'%' is a wildcard inside like patterns: name like \"U%\""
        default:
            if c.isLetter { return "names use only the letters A-Z and a-z, digits and '_'; put other text in a string" }
            if let first = c.unicodeScalars.first,
               [.nonspacingMark, .spacingMark, .enclosingMark].contains(first.properties.generalCategory) || first.value == 0x200D {
                return "a combining mark joins the character before it; names use only the letters A-Z and a-z, digits and '_'; put other text in a string"
            }
            return nil
        }
    }

    // MARK: - Workbench commands

    /// After the `:` of a workbench command, reads its name and the raw rest of the line (not
    /// the line break). The bracket stack is cleared: a `:command` only starts a command.
    mutating func workbenchCommand() -> (name: String, nameRange: SourceRange,
                                          argument: String, argumentRange: SourceRange) {
        openBrackets.removeAll()
        openCounts.removeAll()
        skippedNewline = false
        let nameStartIndex = index
        let nameStart = location
        while let a = code(), isIdentifierPart(a) || a == 45 { advance() }
        let name = text(from: nameStartIndex)
        let nameRange = SourceRange(nameStart, location)
        var argumentStart = location
        var argumentEnd = location
        var argumentStartIndex = index
        var argumentEndIndex = index
        var seenText = false
        while !isAtEnd, let c = Optional(code()), c != 10 {
            let isSpace = c == 32 || c == 9 || c == 13
            if !isSpace && !seenText {
                seenText = true
                argumentStart = location
                argumentStartIndex = index
            }
            advance()
            if !isSpace {
                argumentEnd = location
                argumentEndIndex = index
            }
        }
        if !seenText {
            return (name, nameRange, "", SourceRange(nameRange.end, nameRange.end))
        }
        let argument = String(decoding: bytes[argumentStartIndex..<argumentEndIndex], as: UTF8.self)
        return (name, nameRange, argument, SourceRange(argumentStart, argumentEnd))
    }

    /// Continues lexing right after `token`, with no brackets open (error recovery).
    mutating func restart(after token: Token) {
        index = min(token.endIndex, bytes.count)
        location = token.range.end
        openBrackets.removeAll()
        openCounts.removeAll()
        skippedNewline = false
    }
}

// MARK: - Shared diagnostics

extension Lexer {
    /// "integer literal 99999999999999999999 does not fit in Int (64-bit)"
    static func integerOverflow(_ written: String, _ range: SourceRange) -> Diagnostic {
        .error("integer literal \(written) does not fit in Int (64-bit)", at: range,
               hint: "an Int holds -9223372036854775808 through 9223372036854775807")
    }
}

extension Diagnostic {
    /// An error diagnostic (the contract's initializer takes the severity first).
    static func error(_ message: String, at range: SourceRange, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, message, at: range, hint: hint)
    }
}
