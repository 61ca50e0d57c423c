// The lexer cuts DSL source text into tokens, on demand, one `next()` at a time. It never fails:
// text it cannot read becomes an `error` token carrying a diagnostic, and lexing goes on after it.
//
// Line breaks separate commands at the top level and inside `{ }`, but not inside `( )` or
// `[ ]`, so a long `where(...)` may span lines. The lexer keeps a stack of open brackets to know
// which case applies. A line that starts with `.` continues the previous one (method chains).

/// Turns DSL source text into tokens with line and column.
public struct Lexer {
    /// The text being lexed, as Characters so that columns count what the learner sees.
    private let characters: [Character]
    /// Indices of combining marks split off an ASCII character (see `lexable`): no column of their own.
    private let splitMarks: Set<Int>
    /// Index of the next character to read.
    private var index = 0
    /// Location of the next character to read, in the source file's coordinates.
    private var location: SourceLocation
    /// The open brackets, innermost last: "(", "[" or "{".
    private var openBrackets: [Character] = []
    /// How many of each bracket are open, so an unmatched closer is ignored in constant time.
    private var openCounts: [Character: Int] = [:]
    /// Set when a line break was skipped since the last token.
    private var skippedNewline = false

    /// A lexer for the whole file, or only for the text covered by `range` (locations stay in
    /// the file's coordinates).
    public init(file: SourceFile, range: SourceRange? = nil) {
        if let range {
            let utf8 = file.text.utf8
            let lo = max(0, min(range.start.offset, utf8.count))
            let hi = max(lo, min(range.end.offset, utf8.count))
            let start = utf8.index(utf8.startIndex, offsetBy: lo)
            let end = utf8.index(utf8.startIndex, offsetBy: hi)
            (characters, splitMarks) = Lexer.lexable(String(decoding: Array(utf8[start..<end]), as: UTF8.self))
            location = SourceLocation(line: range.start.line, column: range.start.column, offset: lo)
        } else {
            (characters, splitMarks) = Lexer.lexable(file.text)
            location = SourceLocation(line: file.firstLine, column: 1, offset: 0)
        }
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

    private var isAtEnd: Bool { index >= characters.count }

    private func peek(_ ahead: Int = 0) -> Character? {
        let i = index + ahead
        return i < characters.count ? characters[i] : nil
    }

    /// The ASCII code of the character `ahead` of the cursor; nil at the end or for non-ASCII.
    /// Note: "\r\n" is one Character whose ASCII value is 10, like "\n".
    private func code(_ ahead: Int = 0) -> UInt8? {
        peek(ahead)?.asciiValue
    }

    private mutating func advance() {
        let c = characters[index]
        index += 1
        location.offset += c.utf8.count
        if c.asciiValue == 10 {
            location.line += 1
            location.column = 1
        } else {
            if !splitMarks.contains(index - 1) { location.column += 1 }
        }
    }

    private func text(from start: Int) -> String {
        String(characters[start..<index])
    }

    // MARK: - Tokens

    /// The next token; `endOfInput` forever once the text is used up.
    public mutating func next() -> Token {
        while true {
            skipTrivia()
            guard let c = peek() else {
                return finish(Token(kind: .endOfInput, text: "", range: SourceRange(location, location)))
            }
            let token: Token
            switch c.asciiValue {
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

    private mutating func finish(_ token: Token) -> Token {
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
        while let c = peek(), c.asciiValue != 10 { advance() }
    }

    /// One `newline` token for a run of line breaks, blank lines and comment lines; nil when the
    /// next line starts with `.` and so continues this one (`Author.all` ⏎ `  .limit(3)`).
    private mutating func newline() -> Token? {
        let startIndex = index
        let start = location
        advance()
        var token = makeToken(.newline, from: startIndex, start)
        token.text = "\n"
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

    private mutating func identifier() -> Token {
        let startIndex = index
        let start = location
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
        let startsWithDigit = !nameIsEmpty && isDigit(characters[nameStart].asciiValue ?? 0)
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
        let digits = written.filter { $0 != "_" }
        if isDecimal {
            guard let value = Double(digits), value.isFinite else {
                return errorToken(from: startIndex, start, Diagnostic.error(
                    "decimal literal \(written) does not fit in Double", at: SourceRange(start, location)))
            }
            var token = makeToken(.decimal, from: startIndex, start)
            token.literal = .double(value)
            return token
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
        var token = makeToken(.integer, from: startIndex, start)
        token.literal = magnitude == limit ? nil : .integer(Int64(magnitude))
        return token
    }

    private mutating func skipDigits() {
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
        var value = ""
        var firstError: Diagnostic?
        while true {
            guard let c = peek(), c.asciiValue != 10 else {
                return errorToken(from: startIndex, start, Diagnostic.error(
                    "unterminated string literal", at: quote, hint: "close it with \""))
            }
            switch c.asciiValue {
            case 34?: // closing quote
                advance()
                if let firstError { return errorToken(from: startIndex, start, firstError) }
                var token = makeToken(.string, from: startIndex, start)
                token.literal = .string(value)
                return token
            case 92?: // backslash
                let escapeStart = location
                advance()
                switch escape() {
                case .success(let scalar):
                    value.unicodeScalars.append(scalar)
                case .failure(let message):
                    if firstError == nil {
                        firstError = Diagnostic.error(message.message, at: SourceRange(escapeStart, location),
                                                hint: "valid escapes are \\\" \\\\ \\n \\t \\r \\0 and \\u{XXXX}")
                    }
                }
            default:
                value.append(c)
                advance()
            }
        }
    }

    private struct EscapeError: Error { var message: String }

    /// Reads the escape after a backslash; the cursor ends after it.
    private mutating func escape() -> Result<Unicode.Scalar, EscapeError> {
        guard let c = peek(), c.asciiValue != 10 else {
            return .failure(EscapeError(message: "expected an escape after '\\'"))
        }
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
            while let h = peek(), h.isHexDigit, h.isASCII, hex.count < 9 { hex.append(h); advance() }
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
        let startIndex = index
        let start = location
        let a = code()
        let b = code(1)
        func one(_ kind: TokenKind) -> Token {
            advance()
            return makeToken(kind, from: startIndex, start)
        }
        func two(_ kind: TokenKind) -> Token {
            advance(); advance()
            return makeToken(kind, from: startIndex, start)
        }
        switch a {
        case 123: return one(.leftBrace)
        case 125: return one(.rightBrace)
        case 40: return one(.leftParen)
        case 41: return one(.rightParen)
        case 91: return one(.leftBracket)
        case 93: return one(.rightBracket)
        case 44: return one(.comma)
        case 58: return one(.colon)
        case 59: return one(.semicolon)
        case 46: return one(.dot)
        case 35: return one(.hash)
        case 63: return one(.question)
        case 43: return one(.plus)
        case 45: return one(.minus)
        case 42: return one(.star)
        case 47: return one(.slash)
        case 61: return b == 61 ? two(.equal) : one(.assign)
        case 33 where b == 61: return two(.notEqual)
        case 60: return b == 61 ? two(.lessEqual) : one(.less)
        case 62: return b == 61 ? two(.greaterEqual) : one(.greater)
        default:
            return strayCharacter()
        }
    }

    /// Any character the DSL does not use: one `error` token for it.
    private mutating func strayCharacter() -> Token {
        let startIndex = index
        let start = location
        let c = characters[index]
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
        while let c = peek(), c.asciiValue != 10 {
            let isSpace = c == " " || c == "\t" || c == "\r"
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
        let argument = String(characters[argumentStartIndex..<argumentEndIndex])
        return (name, nameRange, argument, SourceRange(argumentStart, argumentEnd))
    }

    /// Continues lexing right after `token`, with no brackets open (error recovery).
    mutating func restart(after token: Token) {
        index = min(token.endIndex, characters.count)
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
