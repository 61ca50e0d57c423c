// The tokens of the ORMLab DSL: what the lexer cuts the source text into, each with the exact
// text it was made from and where that text is.

// MARK: - Token kinds

/// What kind of token a `Token` is. Punctuation kinds use their spelling as raw value.
public enum TokenKind: String, Sendable, Equatable, CaseIterable {
    /// A name: `Author`, `born`, a keyword such as `insert`, or a backtick-quoted name (`` `in` ``).
    case identifier
    /// `42`, `1_000`
    case integer
    /// `1.5`, `2e3`
    case decimal
    /// `"text"` with escapes.
    case string
    /// A line break where it separates commands (at the top level and inside `{ }`).
    case newline
    case semicolon = ";"
    case leftBrace = "{"
    case rightBrace = "}"
    case leftParen = "("
    case rightParen = ")"
    case leftBracket = "["
    case rightBracket = "]"
    case comma = ","
    case colon = ":"
    case dot = "."
    case hash = "#"
    case question = "?"
    case assign = "="
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case plus = "+"
    case minus = "-"
    case star = "*"
    case slash = "/"
    /// `|` between entity names: a polymorphic to-one (`subject: Post | Photo`).
    case pipe = "|"
    /// Text the lexer could not read; the token's `diagnostic` says why.
    case error
    /// The end of the source (or of the parsed slice).
    case endOfInput
}

// MARK: - Keywords

/// Words with a meaning in the DSL. They are contextual: an identifier token whose text is a
/// keyword acts as that keyword only where the grammar expects it, and a backtick-quoted
/// identifier (`` `in` ``) is never a keyword.
public enum Keyword: String, Sendable, CaseIterable {
    case entity, insert, delete
    case `let`, `for`, `in`
    case save, rollback, begin, commit
    case and, or, not, like
    case `true`, `false`, `nil`
    case unique, index, on, via
    case asc, desc

    /// The keyword spelled `text`, like `Keyword(rawValue:)` but without its string switch (a
    /// hash and a table walk, about 500 instructions): the parser asks once or twice per token.
    /// Only the one candidate of the same length and first letter is compared.
    static func spelled(_ text: String) -> Keyword? {
        let utf8 = text.utf8
        let count = utf8.count
        guard count >= 2, count <= 8, let first = utf8.first else { return nil }
        let candidate: Keyword
        switch (count, first) {
        case (6, 0x65): candidate = .entity   // e
        case (6, 0x69): candidate = .insert   // i
        case (6, 0x64): candidate = .delete   // d
        case (6, 0x75): candidate = .unique   // u
        case (3, 0x6C): candidate = .let      // l
        case (3, 0x66): candidate = .for      // f
        case (2, 0x69): candidate = .in
        case (4, 0x73): candidate = .save     // s
        case (8, 0x72): candidate = .rollback // r
        case (5, 0x62): candidate = .begin    // b
        case (6, 0x63): candidate = .commit   // c
        case (3, 0x61): candidate = text == "and" ? .and : .asc
        case (2, 0x6F): candidate = text == "or" ? .or : .on
        case (3, 0x6E): candidate = text == "not" ? .not : .nil
        case (4, 0x6C): candidate = .like
        case (4, 0x74): candidate = .true     // t
        case (5, 0x66): candidate = .false
        case (5, 0x69): candidate = .index
        case (3, 0x76): candidate = .via      // v
        case (4, 0x64): candidate = .desc
        default: return nil
        }
        return text == candidate.rawValue ? candidate : nil
    }
}

// MARK: - Token

/// One token: its kind, the exact source text, and where that text is in the source file.
public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    /// The text as written, including quotes and backticks.
    public var text: String
    public var range: SourceRange
    /// True for a backtick-quoted identifier such as `` `in` ``.
    public var isQuoted: Bool
    /// The value of an `integer`, `decimal` or `string` token. Nil for the one integer that only
    /// fits after a minus sign (9223372036854775808, as in `-9223372036854775808`).
    public var literal: Literal? {
        get { extras.literal }
        set { extras = TokenExtras.make(literal: newValue, diagnostic: extras.diagnostic) }
    }
    /// Why an `error` token could not be read.
    public var diagnostic: Diagnostic? {
        get { extras.diagnostic }
        set { extras = TokenExtras.make(literal: extras.literal, diagnostic: newValue) }
    }
    /// The literal and the diagnostic, held by reference (`TokenExtras.none` when the token has
    /// neither, as most have). Inline, the two make a token of over 200 bytes; and an optional
    /// reference, or an optional literal, makes Swift 6.3 copy each new token once more through
    /// its value witnesses. A lexer makes a quarter of a million tokens for a 10,000-line script.
    private var extras: TokenExtras

    // Bookkeeping the parser uses to recover from errors.
    /// How many brackets (`( [ {`) enclose this token; a closer counts as outside its pair.
    var depth: Int = 0
    /// True when a line break was skipped right before this token (inside `( )`, `[ ]`, or
    /// before a line that starts with `.`).
    var followsSkippedNewline: Bool = false
    /// Index of the character after this token in the lexer's character buffer.
    var endIndex: Int = 0

    public init(kind: TokenKind, text: String, range: SourceRange, isQuoted: Bool = false,
                literal: Literal? = nil, diagnostic: Diagnostic? = nil) {
        self.kind = kind
        self.text = text
        self.range = range
        self.isQuoted = isQuoted
        self.extras = TokenExtras.make(literal: literal, diagnostic: diagnostic)
    }

    /// The lexer's initializer: every stored property set at once, without branches, so the
    /// token is built in place (no copy of it).
    init(kind: TokenKind, text: String, range: SourceRange) {
        self.kind = kind
        self.text = text
        self.range = range
        self.isQuoted = false
        self.extras = TokenExtras.none
    }

    /// The lexer's initializer for a literal.
    init(kind: TokenKind, text: String, range: SourceRange, literal: Literal) {
        self.kind = kind
        self.text = text
        self.range = range
        self.isQuoted = false
        self.extras = TokenExtras(literal: literal, diagnostic: nil)
    }

    /// The name an identifier stands for: the text without backticks.
    public var name: String {
        if isQuoted, text.count >= 2 { return String(text.dropFirst().dropLast()) }
        return text
    }

    /// The keyword this token spells, if it is an unquoted identifier with a keyword's text.
    public var keyword: Keyword? {
        guard kind == .identifier, !isQuoted else { return nil }
        return Keyword.spelled(text)
    }

    /// True when this token is the unquoted identifier `word` (used for contextual words such as
    /// `cascade`, `set`, `null` that are not reserved anywhere).
    public func isWord(_ word: String) -> Bool {
        kind == .identifier && !isQuoted && text == word
    }

    /// How the token is named in a diagnostic: `'('`, `keyword 'in'`, `the end of the line`.
    public var displayName: String {
        switch kind {
        case .newline: return "the end of the line"
        case .endOfInput: return "the end of the input"
        case .identifier where keyword != nil: return "keyword '\(text)'"
        default:
            let shown = text.count > 24 ? String(text.prefix(24)) + "…" : text
            return "'\(shown)'"
        }
    }
}

/// A token's literal and diagnostic (see `Token.literal`), immutable and shared by copies.
private final class TokenExtras: Sendable, Equatable {
    let literal: Literal?
    let diagnostic: Diagnostic?

    init(literal: Literal?, diagnostic: Diagnostic?) {
        self.literal = literal
        self.diagnostic = diagnostic
    }

    /// The extras of a token with neither a literal nor a diagnostic.
    static let none = TokenExtras(literal: nil, diagnostic: nil)

    /// `none` when there is nothing to hold.
    static func make(literal: Literal?, diagnostic: Diagnostic?) -> TokenExtras {
        literal == nil && diagnostic == nil ? none : TokenExtras(literal: literal, diagnostic: diagnostic)
    }

    static func == (a: TokenExtras, b: TokenExtras) -> Bool {
        a.literal == b.literal && a.diagnostic == b.diagnostic
    }
}
