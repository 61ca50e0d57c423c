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
    private let bytes: [UInt8]
    /// Byte index of the next character to read.
    private var index = 0
    /// Location of the next character to read, in the source file's coordinates.
    private var location: SourceLocation
    /// The open brackets, innermost last: "(", "[" or "{".
    private var openBrackets: [Character] = []
    /// How many of each bracket are open, so an unmatched closer is ignored in constant time.
    private var openCounts: [Character: Int] = [:]
    /// Set when a line break was skipped since the last token.
    private var skippedNewline = false
    /// Short texts `plainInsert` made, by their packed bytes (see `string(_:_:_:isASCII:)`).
    private let shortStrings = ShortStrings()

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

    private func isIdentifierStart(_ a: UInt8) -> Bool {
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

// MARK: - Plain inserts

extension Lexer {
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
    /// leaves the lexer where the parser would after the `)`: a script of inserts then skips
    /// making a token per word. Anything else returns nil and moves nothing; the parser reads
    /// the command token by token, which also gives any diagnostic. Call it only with no token
    /// read ahead. (A test compares it with the parser on many variations.)
    mutating func plainInsert() -> PlainInsert? {
        // One pass over the bytes through a pointer (no bounds checks, no array retains); the
        // strings come from `shortStrings` or straight from the buffer.
        let bytes = self.bytes
        return bytes.withUnsafeBufferPointer { buffer in plainInsert(in: buffer) }
    }

    private mutating func plainInsert(in bytes: UnsafeBufferPointer<UInt8>) -> PlainInsert? {
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
            while end < count, Lexer.isNamePart(bytes[end]) { end += 1 }
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
                guard let (end, ascii) = Lexer.plainStringEnd(bytes, from: contentStart) else { return nil }
                i = end
                // Decoded directly, not through `shortStrings`: values repeat far less than
                // names, and a miss (a lookup, a decode and a replaced slot) cost more than the
                // hits saved (measured on the benchmark's script: 1% of its instructions).
                let content = ascii ? Lexer.asciiString(bytes, contentStart, i)
                    : String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<i]), as: UTF8.self)
                if ascii {
                    column += i - contentStart
                } else {
                    // Columns count Characters. With ASCII at both ends of the content, its
                    // Characters are exactly those of the source between the quotes.
                    guard bytes[contentStart] < 0x80, bytes[i - 1] < 0x80 else { return nil }
                    column += Lexer.characterCountBelowCombiningMarks(bytes, contentStart, i) ?? content.count
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
                    guard let double = Lexer.plainDecimal(digits), double.isFinite else { return nil }
                    value = .double(double)
                } else {
                    guard digits.count <= 18 else { return nil } // always fits in Int64
                    var integer: Int64 = 0
                    for d in digits { integer = integer * 10 + Int64(d - 48) }
                    value = .integer(integer)
                }
                column += i - first
            } else if let end = nameEnd() {
                switch end - i <= 15 ? Lexer.packedName(bytes, i, end) : PackedName(low: 0, high: 0) {
                case Lexer.packedTrue: value = .bool(true)
                case Lexer.packedFalse: value = .bool(false)
                case Lexer.packedNil: value = .null
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
        index = i
        location = here(i, column)
        return (entity, arguments, location)
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

    /// The bytes `from..<to` (at most 15 of them) and their count packed into two words, the
    /// first byte lowest, the count in the top byte: equal packings are equal byte strings.
    @inline(__always)
    static func packedName(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> PackedName {
        let length = to - from
        var high = UInt64(truncatingIfNeeded: length) &<< 56
        // Whole words where the buffer has them (one load instead of a loop per byte), the
        // bytes past `to` masked off; byte by byte near the buffer's end. Little-endian, like
        // the loop: the first byte lowest.
        if let base = bytes.baseAddress, from + 16 <= bytes.count {
            let raw = UnsafeRawPointer(base + from)
            let first = raw.loadUnaligned(as: UInt64.self).littleEndian
            let second = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian
            let low = length >= 8 ? first : first & ((1 &<< UInt64(length * 8)) &- 1)
            if length > 8 { high |= second & ((1 &<< UInt64((length - 8) * 8)) &- 1) }
            return PackedName(low: low, high: high)
        }
        var low: UInt64 = 0
        var shift: UInt64 = 0
        var j = from
        while j < to && j < from + 8 { low |= UInt64(bytes[j]) &<< shift; shift &+= 8; j += 1 }
        shift = 0
        while j < to { high |= UInt64(bytes[j]) &<< shift; shift &+= 8; j += 1 }
        return PackedName(low: low, high: high)
    }

    struct PackedName: Equatable {
        var low: UInt64
        var high: UInt64
    }
    private static let packedTrue = PackedName(low: 0x65_75_72_74, high: 4 << 56)       // "true"
    private static let packedFalse = PackedName(low: 0x65_73_6C_61_66, high: 5 << 56)   // "false"
    private static let packedNil = PackedName(low: 0x6C_69_6E, high: 3 << 56)           // "nil"

}

/// Short texts a lexer made, by their bytes packed in two words: names, keywords and short
/// values repeat line after line, and making a string from bytes checks and copies them
/// through several layers of the standard library. A class, so that reading a token's text
/// (a non-mutating step) can fill it; a direct-mapped table of 64 slots, so a miss only
/// replaces one entry.
final class ShortStrings {
    private var slots = [(key: Lexer.PackedName, text: String)](repeating: (Lexer.PackedName(low: 0, high: 0), ""), count: 64)

    /// The text of `bytes[from..<to]`. The hit is inlined at each caller (a call per name cost
    /// more than the lookup); everything else is `miss`.
    @inline(__always)
    func string(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        let length = to - from
        guard length > 0, length <= 15 else { return miss(bytes, from, to, slot: -1) }
        let key = Lexer.packedName(bytes, from, to)
        // ASCII only (no high bit set in any byte; the count's byte has none): other text
        // decodes as usual, its bytes may be an incomplete character the decoder repairs.
        guard (key.low | key.high) & 0x8080_8080_8080_8080 == 0 else { return miss(bytes, from, to, slot: -1) }
        // Fibonacci hashing of both words into the table's 64 slots.
        let slot = Int(truncatingIfNeeded: ((key.low ^ (key.high &* 31)) &* 0x9E37_79B9_7F4A_7C15) >> 58)
        if slots[slot].key == key { return slots[slot].text }
        return miss(bytes, from, to, slot: slot)
    }

    /// The text decoded, and kept in `slot` unless it is -1 (not short ASCII).
    @inline(never)
    private func miss(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, slot: Int) -> String {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
        if slot >= 0 { slots[slot] = (Lexer.packedName(bytes, from, to), text) }
        return text
    }
}
