// A recursive-descent parser for the ORMLab DSL, in the style of Crafting Interpreters' jlox:
// one method per grammar rule, `check / match / consume / peek` helpers, and `synchronize()`
// after an error so that one mistake gives one message and the rest of a script still parses.
//
//   program    := sep* (command (sep+ command)*)? sep*               sep := NEWLINE | ';'
//   command    := ':' NAME REST-OF-LINE | entityDecl | statement
//   entityDecl := 'entity' Ident (':' Ident)? ('inheritance' '(' Ident ')')? '{' sep* (member (sep+ member)*)? sep* '}'
//   member     := 'unique'? 'index' '(' Ident (',' Ident)* ')' | Ident ':' type modifier*
//   type       := '[' Ident ']' | Ident '?'?
//   modifier   := 'unique' | 'index' | '=' literal | 'on' 'delete' rule | 'via' Ident
//   statement  := 'insert' Ident '(' args? ')' | 'delete' expr | 'let' Ident '=' (expr | insert)
//               | 'for' Ident 'in' expr '{' sep* (statement (sep+ statement)*)? sep* '}'
//               | 'save' | 'rollback' | 'begin' ('immediate'? 'transaction'?) | 'commit' | expr ('=' expr)?
//   expr       := or      or := and ('or' and)*      and := not ('and' not)*
//   not        := 'not' not | comparison
//   comparison := additive (('=='|'!='|'<'|'<='|'>'|'>='|'like'|'in') additive)?
//   additive   := term (('+'|'-') term)*             term := unary (('*'|'/') unary)*
//   unary      := '-' unary | postfix                postfix := primary ('.' Ident ('(' args? ')')?)*
//   primary    := Ident '#' INTEGER | Ident | literal | '(' expr ')' | '[' (expr (',' expr)*)? ']'
//   args       := arg (',' arg)*                     arg := (Ident ':')? expr ('asc' | 'desc')?
//
// Two conveniences beyond the grammar: commands may share a line when the next one starts with a
// name or keyword (`save   rollback`, as in the spec's listings), though a line runs whole or not
// at all (`save now` fails before `save` runs: see `nextItem`); and a line that starts with `.`
// continues the previous one when that is a query (the lexer joins the lines; after any other
// command the `.` line is a diagnostic of its own).

/// Reads DSL source into commands (see AST.swift), with one diagnostic per broken command.
public struct Parser {
    /// How deeply parentheses, brackets, `not`, `-` and `for` bodies may nest in one command.
    public static let maximumNesting = 100

    /// Parses `file`, or only the text covered by `range` (for `:explain QUERY`); locations are
    /// always in the file's coordinates.
    public static func parse(_ file: SourceFile, range: SourceRange? = nil) -> ParseResult {
        parse(file, range: range, readsPlainInserts: true)
    }

    /// Reads `file` one command at a time: a script runs while it is read, so each command's
    /// tree is made, run and dropped in turn (a script of 100,000 lines never holds 100,000
    /// trees), and commands after a broken one still come, as with `parse`.
    public static func commands(of file: SourceFile) -> CommandReader {
        CommandReader(parser: Parser(lexer: Lexer(file: file)))
    }

    /// `readsPlainInserts: false` reads every insert token by token (tests compare the two).
    static func parse(_ file: SourceFile, range: SourceRange? = nil, readsPlainInserts: Bool) -> ParseResult {
        var parser = Parser(lexer: Lexer(file: file, range: range))
        parser.readsPlainInserts = readsPlainInserts
        return ParseResult(items: parser.program())
    }

    /// True when `text` leaves a `{`, `(` or `[` open outside strings and comments, so the REPL
    /// should read another line. False when balanced, when a closer has no opener, or when the
    /// text has a lexical error (the parser then reports it at once).
    public static func needsContinuation(_ text: String) -> Bool {
        var lexer = Lexer(file: SourceFile(text: text))
        var open: [TokenKind] = []
        var atCommandStart = true
        while true {
            let token = lexer.next()
            switch token.kind {
            case .endOfInput:
                return !open.isEmpty
            case .error:
                return false
            case .colon where atCommandStart && open.isEmpty:
                _ = lexer.workbenchCommand() // its argument is raw text: brackets there don't count
            case .leftParen, .leftBracket, .leftBrace:
                open.append(token.kind)
            case .rightParen, .rightBracket, .rightBrace:
                guard let last = open.last, last == Parser.opener(of: token.kind) else { return false }
                open.removeLast()
            default:
                break
            }
            atCommandStart = (token.kind == .newline || token.kind == .semicolon) && open.isEmpty
        }
    }

    // MARK: - State

    private var lexer: Lexer
    /// The token being looked at.
    private var current: Token
    /// Tokens already read past `current`, for two-token decisions (`name:` labels, `Author#1`).
    private var lookahead: Token?
    /// The kind of `lookahead`, readable without touching the token.
    private var lookaheadKind: TokenKind = .endOfInput
    /// Where the last consumed token ended: ranges end here, and "expected ..." points here when
    /// the problem is a missing token at the end of a line.
    private var previousEnd: SourceLocation
    /// Current nesting of parentheses, brackets, `not`, `-` and `for` bodies.
    private var nesting = 0
    /// How many links of `a and b and …`, `x + 1 + …` and `.a.b…` chains enclose the current
    /// position (see `maximumChain`).
    private var chainDepth = 0
    /// The nesting at which a bare `=` ends the expression: the target of an assignment
    /// statement. Nil while parsing any other expression, where `=` is a mistake for `==`.
    private var assignmentNesting: Int?
    /// Whether `insertStatement` tries `Lexer.plainInsert` first.
    private var readsPlainInserts = true
    /// The other commands of the line `nextItem` returned the first of (see `nextItem`), last
    /// first: each is taken with `popLast`, so a line of many commands is not quadratic.
    private var queuedItems: [ParseResult.Item] = []
    /// The command before the one being read, when it shares its line (`save` in `save now`).
    private var sharesLineWith: Command?
    /// What the last command returned was, for a following line that starts with `.`.
    private var previousCommand: PreviousCommand = .none

    /// The kind of the command before, named in the diagnostic of a `.` line that cannot continue it.
    private enum PreviousCommand: UInt8 {
        case none, query, entity, insert, transaction, workbench, loop, other

        init(_ command: Command) {
            switch command {
            case .entity: self = .entity
            case .workbench: self = .workbench
            case .statement(.expression), .statement(.letBinding): self = .query
            case .statement(.insert), .statement(.letInsert): self = .insert
            case .statement(.transaction): self = .transaction
            case .statement(.forLoop): self = .loop
            default: self = .other
            }
        }

        var description: String? {
            switch self {
            case .none: return nil
            case .query: return "a query"
            case .entity: return "an entity definition"
            case .insert: return "an insert"
            case .transaction: return "a transaction command"
            case .workbench: return "a ':' command"
            case .loop: return "a for loop"
            case .other: return "a statement"
            }
        }
    }

    private init(lexer: Lexer) {
        self.lexer = lexer
        current = self.lexer.next()
        previousEnd = current.range.start
    }

    /// Why a command could not be parsed.
    private struct ParseError: Error {
        var diagnostic: Diagnostic
    }

    // MARK: - Token helpers

    private func check(_ kind: TokenKind) -> Bool { current.kind == kind }

    private func check(_ keyword: Keyword) -> Bool { current.keyword == keyword }

    /// The token after `current` (the grammar never needs to look further).
    private mutating func peek() -> Token {
        _ = peekKind()
        return lookahead ?? current
    }

    /// The kind of the token after `current`, without copying the token.
    private mutating func peekKind() -> TokenKind {
        if case .none = lookahead { // not `== nil`, which copies the token (see insertStatement)
            let token = lexer.next()
            lookaheadKind = token.kind
            lookahead = consume token
        }
        return lookaheadKind
    }

    /// Moves to the next token and returns the one moved past. Tokens are swapped, never
    /// copied: a token is large, and this runs once per token of a script.
    @discardableResult
    private mutating func advance() -> Token {
        // Line breaks don't count: "expected ..." at the end of input points after the last text.
        if current.kind != .endOfInput && current.kind != .newline { previousEnd = current.range.end }
        var token: Token
        if let next = lookahead.take() {
            token = next
        } else {
            token = lexer.next()
        }
        swap(&token, &current)
        return consume token
    }

    private mutating func clearLookahead() {
        lookahead = nil
    }

    private mutating func match(_ kind: TokenKind) -> Token? {
        check(kind) ? advance() : nil
    }

    private mutating func consume(_ kind: TokenKind, _ message: @autoclosure () -> String,
                                  hint: String? = nil) throws(ParseError) -> Token {
        if check(kind) { return advance() }
        throw error(message(), hint: hint)
    }

    private var isAtSeparator: Bool {
        check(.newline) || check(.semicolon) || check(.endOfInput)
    }

    private mutating func skipSeparators() {
        while check(.newline) || check(.semicolon) { advance() }
    }

    /// Static, so `Self.identifier(advance())` does not copy the whole parser: calling a method of
    /// `self` with an argument that mutates `self` makes Swift evaluate a copy of `self` first.
    private static func identifier(_ token: Token) -> Identifier {
        Identifier(token.name, token.range)
    }

    // MARK: - Errors

    /// An error at `token` (default: the current one). A lexical error token reports its own
    /// diagnostic instead, since that is the real problem.
    private func error(_ message: String, at token: Token? = nil, hint: String? = nil) -> ParseError {
        let token = token ?? current
        if token.kind == .error, let diagnostic = token.diagnostic { return ParseError(diagnostic: diagnostic) }
        // `|` is a token for polymorphic types (`Post | Photo`); in a condition it is 'or'.
        if token.kind == .pipe, hint == nil { return ParseError(diagnostic: .error(message, at: place(token), hint: "write 'or' to combine conditions")) }
        return ParseError(diagnostic: .error(message, at: place(token), hint: hint))
    }

    /// Where to point for a problem found at `token`: the token itself, or, when what was
    /// expected is missing at the end of a line, the place right after the previous token.
    private func place(_ token: Token) -> SourceRange {
        let missingAtLineEnd = token.kind == .newline || token.kind == .endOfInput
            || (token.followsSkippedNewline && token.range.start.line > previousEnd.line)
        if missingAtLineEnd, previousEnd <= token.range.start {
            return SourceRange(previousEnd, previousEnd)
        }
        return token.range
    }

    /// True when the current token is on the same line as the previous one.
    private var currentIsOnSameLine: Bool {
        current.range.start.line == previousEnd.line && !isAtSeparator
    }

    /// "expected ')' to close '(' opened at 1:13". When the next thing on the line could start
    /// another argument or item, the hint says a ',' is missing.
    private func unclosed(_ open: Token, missingCommaHint: Bool = true) -> ParseError {
        let closer = Parser.closer(of: open.kind)
        var hint: String?
        if missingCommaHint, currentIsOnSameLine, startsExpression(current) {
            switch open.kind {
            case .leftParen: hint = "separate arguments with ','"
            case .leftBracket: hint = "separate items with ','"
            default: break
            }
        }
        return error("expected '\(closer)' to close '\(open.text)' opened at \(open.range.start)", hint: hint)
    }

    private static func closer(of kind: TokenKind) -> String {
        switch kind {
        case .leftParen: return ")"
        case .leftBracket: return "]"
        default: return "}"
        }
    }

    private static func opener(of kind: TokenKind) -> TokenKind {
        switch kind {
        case .rightParen: return .leftParen
        case .rightBracket: return .leftBracket
        default: return .leftBrace
        }
    }

    private mutating func enterNesting(_ token: Token) throws(ParseError) {
        nesting += 1
        if nesting > Parser.maximumNesting {
            throw ParseError(diagnostic: .error(
                "expression is nested too deeply", at: token.range,
                hint: "at most \(Parser.maximumNesting) levels of parentheses, brackets, 'not' and '-' fit in one command; name parts with 'let'"))
        }
    }

    /// How long a chain of operators may grow in one command: `a and b and …`, `x + 1 + …` and
    /// `.a.b…` build trees one level deeper per link, and code that walks them recursively (even
    /// freeing them) needs stack for each level. The workbench allows far fewer levels (SQLite
    /// refuses expressions deeper than 1000); this bound keeps the parser's own output safe.
    /// Lists of values (`year in [1, 2, …]`) are not chains and may be longer.
    public static let maximumChain = 10_000

    /// One more link in a chain; throws when chains would make the tree too deep.
    private mutating func extendChain() throws(ParseError) {
        chainDepth += 1
        guard chainDepth > Parser.maximumChain else { return }
        throw ParseError(diagnostic: .error(
            "expression is too long: more than \(Parser.maximumChain) operators in a row",
            at: place(current),
            hint: "split it into several commands (name parts with 'let'); to compare one property with many values, use in [...]"))
    }

    private static let commandHint =
        "a command starts with a query (Author.all, Author#1), insert, delete, let, for, save, rollback, begin, commit, entity, or a ':' command such as :help"

    /// The words that start commands, for "did you mean" on a mistyped one.
    private static let commandWords = ["entity", "insert", "delete", "let", "for",
                                       "save", "rollback", "begin", "commit"]

    // MARK: - Program and recovery

    private mutating func program() -> [ParseResult.Item] {
        var items: [ParseResult.Item] = []
        while let item = nextItem() { items.append(item) }
        return items
    }

    /// The next command (or the failure of a broken one), nil at the end of the input.
    ///
    /// Commands may share a line (`save   rollback`, `Book#1    Book.all`), but a line runs whole
    /// or not at all: when another command follows on the same line with no `;` between, the
    /// rest of the line is read before the first command is handed over, and a part that fails
    /// makes the whole line one failure (`save now` must not save; `begin oops` must not leave a
    /// transaction open).
    fileprivate mutating func nextItem() -> ParseResult.Item? {
        if let queued = queuedItems.popLast() { return queued }
        guard let item = nextCommandItem() else { return nil }
        // (The cheap test first: after a plain insert, `current` is a line break.)
        guard current.kind == .identifier, case .command(let first) = item else { return item }
        var line: [ParseResult.Item] = []
        sharesLineWith = first
        defer { sharesLineWith = nil }
        while current.kind == .identifier, let next = nextCommandItem() {
            switch next {
            case .command(let command):
                line.append(next)
                sharesLineWith = command
            case .failure(let diagnostic, let range):
                previousCommand = .none
                return .failure(diagnostic, range: SourceRange(first.range.start, range.end))
            }
        }
        queuedItems = line.reversed()
        return item
    }

    /// One command, or the failure of a broken one (see `nextItem`), nil at the end of the input.
    private mutating func nextCommandItem() -> ParseResult.Item? {
        // A line break, then `insert` and a plain insert (a script of inserts, line after
        // line): read from the bytes without making the keyword's token and going through
        // `skipSeparators`, `command` and `statement` (about 1k instructions a line). The same
        // as the way below: the line break moves nothing (`advance` skips it for `previousEnd`),
        // the keyword's token would be dropped by `insertStatement`'s plain path.
        if readsPlainInserts, current.kind == .newline, case .none = lookahead,
           let (keyword, (entity, arguments, end)) = lexer.insertKeywordAndPlainInsert() {
            previousEnd = end
            if !lexer.reuseNewlineAfterPlainInsert(&current) { current = lexer.nextAfterPlainInsert() }
            nesting = 0
            chainDepth = 0
            assignmentNesting = nil
            let command = Command.statement(.insert(entity: entity, arguments: arguments,
                                                    range: SourceRange(keyword.start, end)))
            previousCommand = .insert
            do throws(ParseError) {
                try endOfStatement(inBody: false)
                return .command(command)
            } catch {
                return failure(error, first: keyword)
            }
        }
        skipSeparators()
        if check(.endOfInput) { return nil }
        // Only the first token's range is kept for recovery: a copy of the token and its
        // destroy cost more, per command of a script.
        let first = current.range
        nesting = 0
        chainDepth = 0
        assignmentNesting = nil
        do throws(ParseError) {
            let command = try self.command()
            try endOfStatement(inBody: false)
            previousCommand = PreviousCommand(command)
            return .command(command)
        } catch {
            previousCommand = .none
            return failure(error, first: first)
        }
    }

    /// The failure of the command that starts with the token at `first`, after skipping its rest.
    private mutating func failure(_ error: ParseError, first: SourceRange) -> ParseResult.Item {
        synchronize(commandStart: first)
        let end = max(previousEnd, first.end)
        return .failure(error.diagnostic, range: SourceRange(first.start, end))
    }

    /// After an error, skips the rest of the broken command: up to the next separator outside
    /// brackets, or past the `}` that closes its body. Inside an unclosed `(` or `[`, a line
    /// that starts at or left of the command's own column is taken as the next command, so a
    /// missing `)` in a script costs one command, not the rest of the file.
    private mutating func synchronize(commandStart: SourceRange) {
        let column = commandStart.start.column
        while true {
            switch current.kind {
            case .endOfInput:
                return
            case .newline where current.depth == 0, .semicolon where current.depth == 0:
                return
            case .identifier, .colon:
                if current.followsSkippedNewline, current.range.start.column <= column,
                   current.range.start > commandStart.start {
                    lexer.restart(after: current)
                    clearLookahead()
                    return
                }
            default:
                break
            }
            let skipped = advance()
            if skipped.kind == .rightBrace && skipped.depth == 0 { return }
        }
    }

    /// What may follow a statement: a separator, the `}` of a body, a line that starts with `.`
    /// (see `expressionStatement`), or another command on the same line when it starts with a
    /// name or keyword (`save   rollback`; `nextItem` reads the line whole).
    private mutating func endOfStatement(inBody: Bool) throws(ParseError) {
        switch current.kind {
        case .newline, .semicolon, .endOfInput:
            return
        case .rightBrace where inBody:
            return
        case .dot where current.followsSkippedNewline:
            // A line starting with `.` continues only a query (whose postfix took it already):
            // this command is complete, and the `.` line is reported on its own.
            return
        case .rightBrace, .rightParen, .rightBracket:
            let opener = Parser.opener(of: current.kind).rawValue
            throw error("unmatched '\(current.text)'", hint: "remove it, or add the '\(opener)' it closes")
        case .identifier:
            switch current.keyword {
            case .and?, .or?, .like?, .in?, .asc?, .desc?: break
            default: return
            }
        default:
            break
        }
        throw error("expected a new line or ';' after the command, found \(current.displayName)",
                    hint: "put each command on its own line, or separate them with ';'")
    }

    // MARK: - Commands

    private mutating func command() throws(ParseError) -> Command {
        if check(.colon) { return try workbenchCommand() }
        if check(.entity) { return .entity(try entityDeclaration()) }
        return .statement(try statement(inBody: false))
    }

    /// `:help lazy` — the name, then the raw rest of the line.
    private mutating func workbenchCommand() throws(ParseError) -> Command {
        let colon = current
        clearLookahead()
        lexer.restart(after: colon)
        let parts = lexer.workbenchCommand()
        let end = parts.argument.isEmpty ? parts.nameRange.end : parts.argumentRange.end
        previousEnd = end
        current = lexer.next()
        if parts.name.isEmpty {
            throw ParseError(diagnostic: .error(
                "expected a command name after ':'", at: colon.range,
                hint: "workbench commands look like :help or :schema; :help lists them all"))
        }
        return .workbench(name: parts.name, argument: parts.argument,
                          range: SourceRange(colon.range.start, end), argumentRange: parts.argumentRange)
    }

    // MARK: - Entity declarations

    /// `entity Author { name: String; books: [Book] }`
    private mutating func entityDeclaration() throws(ParseError) -> EntityDecl {
        let keyword = advance()
        guard check(.identifier) else {
            throw error("expected an entity name after 'entity'",
                        hint: "write it like: entity Author { name: String }")
        }
        let name = Self.identifier(advance())
        // `table("Artist")`: the real table name (explicit mapping).
        var table: MappedName?
        // `: Vehicle` and `inheritance(single)`: the entity's place in a class hierarchy (Inheritance.swift).
        var parent: Identifier?
        var inheritance: InheritanceDecl?
        if check(.colon) { parent = try inheritanceParent(of: name) }
        if current.isWord("inheritance") && peekKind() == .leftParen {
            inheritance = try inheritanceClause(of: name, parent: parent)
        }
        if current.isWord("table") && peekKind() == .leftParen {
            advance()
            table = try mappedName(after: "table", example: "table(\"\(name)\")")
        }
        if inheritance == nil && current.isWord("inheritance") && peekKind() == .leftParen {
            inheritance = try inheritanceClause(of: name, parent: parent)
        }
        let open = try consume(.leftBrace, "expected '{' after 'entity \(name)'",
                               hint: "the properties go in braces: entity \(name) { name: String }")
        var members: [MemberDecl] = []
        skipSeparators()
        while !check(.rightBrace) {
            if check(.endOfInput) { throw unclosed(open) }
            let member = try self.member(of: name)
            members.append(member)
            if check(.rightBrace) { break }
            if check(.endOfInput) { throw unclosed(open) }
            guard check(.newline) || check(.semicolon) else { throw endOfMemberError(after: member) }
            skipSeparators()
        }
        let close = advance()
        var decl = EntityDecl(name: name, members: members, range: SourceRange(keyword.range.start, close.range.end), table: table)
        decl.parent = parent
        decl.inheritance = inheritance
        return decl
    }

    /// `: Vehicle` after the entity's name: the class it inherits from.
    private mutating func inheritanceParent(of name: Identifier) throws(ParseError) -> Identifier {
        advance() // :
        guard check(.identifier) else {
            throw error("expected the parent entity's name after 'entity \(name) :', found \(current.displayName)",
                        hint: "a subclass names its base entity: entity Car : Vehicle { doors: Int }")
        }
        return Self.identifier(advance())
    }

    /// `inheritance(single | joined | concrete)` on a hierarchy's root.
    private mutating func inheritanceClause(of name: Identifier, parent: Identifier?) throws(ParseError) -> InheritanceDecl {
        let word = advance()
        let strategies = InheritanceStrategy.allCases.map(\.rawValue)
        let example = "entity \(name) inheritance(single) { … }"
        if let parent {
            throw error("inheritance(...) goes on the root of a hierarchy, not on a subclass: \(name) inherits \(parent)'s strategy",
                        at: word, hint: "write the strategy on the root: entity \(parent) inheritance(joined) { … }, then entity \(name) : \(parent) { … }")
        }
        let open = try consume(.leftParen, "expected '(' after 'inheritance'", hint: "write it like: \(example)")
        guard check(.identifier) else {
            throw error("expected a strategy in inheritance(...), found \(current.displayName)",
                        hint: "the strategies are \(strategies.joined(separator: ", ")): \(example)")
        }
        let strategyToken = advance()
        guard let strategy = InheritanceStrategy(rawValue: strategyToken.name) else {
            var hint = "the strategies are single (one table), joined (a table per class) and concrete (a full table per class)"
            if let near = nearest(strategyToken.name, in: strategies) { hint = "did you mean '\(near)'? " + hint }
            throw error("unknown inheritance strategy '\(strategyToken.name)'", at: strategyToken, hint: hint)
        }
        guard check(.rightParen) else { throw unclosed(open) }
        advance()
        return InheritanceDecl(strategy: strategy, range: SourceRange(word.range.start, previousEnd))
    }

    /// `("Artist")` after `table`, `column`: one string, the real name.
    private mutating func mappedName(after word: String, example: String) throws(ParseError) -> MappedName {
        let open = try consume(.leftParen, "expected '(' after '\(word)'", hint: "write it like: \(example)")
        let name = try quotedName(in: word, example: example)
        guard check(.rightParen) else {
            if check(.comma) { throw error("\(word)(...) takes one name", hint: "write it like: \(example)") }
            throw unclosed(open)
        }
        advance()
        return name
    }

    /// One string literal naming a table or column, not empty.
    private mutating func quotedName(in word: String, example: String) throws(ParseError) -> MappedName {
        guard check(.string), case .string(let text)? = current.literal else {
            throw error("expected the real name in quotes in \(word)(...), found \(current.displayName)",
                        hint: "write it like: \(example)")
        }
        if text.isEmpty || text.unicodeScalars.contains(where: { $0.value < 0x20 }) {
            throw error("a table or column name cannot be empty or hold control characters", hint: "write it like: \(example)")
        }
        let token = advance()
        return MappedName(text, token.range)
    }

    /// `join("PlaylistTrack", "PlaylistId", "TrackId")`: the join table, the column pointing here, the column pointing there.
    private mutating func joinTableDeclaration() throws(ParseError) -> JoinTableDecl {
        let start = advance().range.start // join
        let example = "join(\"PlaylistTrack\", \"PlaylistId\", \"TrackId\")"
        let open = try consume(.leftParen, "expected '(' after 'join'", hint: "write it like: \(example)")
        var names: [MappedName] = []
        repeat {
            names.append(try quotedName(in: "join", example: example))
        } while match(.comma) != nil
        guard check(.rightParen) else { throw unclosed(open) }
        advance()
        guard names.count == 3 else {
            throw ParseError(diagnostic: .error("join(...) takes three names: the join table, its column pointing at this entity, its column pointing at the other",
                                                at: SourceRange(start, previousEnd), hint: "write it like: \(example)"))
        }
        return JoinTableDecl(table: names[0], ownerColumn: names[1], targetColumn: names[2], range: SourceRange(start, previousEnd))
    }

    /// `key(playlist, track)`
    private mutating func keyDeclaration() throws(ParseError) -> KeyDecl {
        let start = advance().range.start // key
        let open = try consume(.leftParen, "expected '(' after 'key'", hint: "list the key's properties: key(playlist, track)")
        var properties: [Identifier] = []
        repeat {
            guard check(.identifier) else {
                throw error("expected a property name in key(...), found \(current.displayName)", hint: "write it like: key(playlist, track)")
            }
            properties.append(Self.identifier(advance()))
        } while match(.comma) != nil
        guard check(.rightParen) else { throw unclosed(open) }
        advance()
        return KeyDecl(properties: properties, range: SourceRange(start, previousEnd))
    }

    private func endOfMemberError(after member: MemberDecl) -> ParseError {
        guard case .property(let property) = member else {
            return error("expected a new line or ';' after the index, found \(current.displayName)")
        }
        let modifiers = ["unique", "index", "on", "via", "column", "join", "validate", "assigned"]
        if current.kind == .identifier, let word = nearest(current.text, in: modifiers) {
            return error("unknown modifier '\(current.text)' on property '\(property.name)'",
                         hint: "did you mean '\(word)'?")
        }
        return error("expected a new line or ';' after property '\(property.name)', found \(current.displayName)",
                     hint: "modifiers are unique, index, = default, on delete cascade|set null|restrict, via inverse")
    }

    private mutating func member(of entity: Identifier) throws(ParseError) -> MemberDecl {
        if (current.isWord("unique") && peek().isWord("index"))
            || (current.isWord("index") && peekKind() == .leftParen) {
            return .index(try indexDeclaration())
        }
        if current.isWord("key") && peekKind() == .leftParen {
            return .key(try keyDeclaration())
        }
        // Lifecycle members (spec §10); a property of the same name has a ':' next.
        if current.isWord("on") && (peek().isWord("before") || peek().isWord("after")) {
            return .callback(try callbackDeclaration())
        }
        if current.isWord("timestamps") && peekKind() != .colon {
            return .timestamps(advance().range)
        }
        if current.isWord("soft") && peek().isWord("delete") {
            let soft = advance()
            let delete = advance()
            return .softDelete(SourceRange(soft.range.start, delete.range.end))
        }
        if current.isWord("scope") && peekKind() == .identifier {
            return .scope(try scopeDeclaration(entity: entity))
        }
        return .property(try propertyDeclaration())
    }

    /// `on before save { email = lower(email); name = trim(name) }`
    private mutating func callbackDeclaration() throws(ParseError) -> CallbackDecl {
        let on = advance()
        let timingToken = advance()
        let timing: CallbackDecl.Timing = timingToken.text == "before" ? .before : .after
        let events = CallbackDecl.Event.allCases.map(\.rawValue)
        guard check(.identifier) || check(.delete), let event = CallbackDecl.Event(rawValue: current.text) else {
            var hint = "write it like: on \(timing.rawValue) save { name = trim(name) }"
            if check(.identifier), let word = nearest(current.text, in: events) { hint = "did you mean '\(word)'?" }
            throw error("expected insert, update, save or delete after 'on \(timing.rawValue)', found \(current.displayName)", hint: hint)
        }
        advance()
        let open = try consume(.leftBrace, "expected '{' after 'on \(timing.rawValue) \(event.rawValue)'",
                               hint: "the assignments go in braces: on \(timing.rawValue) \(event.rawValue) { name = trim(name) }")
        var assignments: [CallbackDecl.Assignment] = []
        skipSeparators()
        while !check(.rightBrace) {
            if check(.endOfInput) { throw unclosed(open) }
            guard check(.identifier) else {
                throw error("expected an assignment such as 'name = trim(name)' in the callback, found \(current.displayName)",
                            hint: "a callback assigns properties of its object: property = expression")
            }
            let property = Self.identifier(advance())
            guard match(.assign) != nil else {
                throw error("expected '=' after '\(property.name)' in the callback", hint: "write it like: \(property.name) = …")
            }
            let value = try expression()
            assignments.append(CallbackDecl.Assignment(property: property, value: value,
                                                       range: SourceRange(property.range.start, previousEnd)))
            if check(.rightBrace) { break }
            guard check(.newline) || check(.semicolon) else {
                throw error("expected a new line or ';' after the assignment, found \(current.displayName)")
            }
            skipSeparators()
        }
        let close = advance()
        return CallbackDecl(timing: timing, event: event, assignments: assignments, range: SourceRange(on.range.start, close.range.end))
    }

    /// `scope rich = where(balance > 1000).order(name)`: kept as that chain on the entity.
    private mutating func scopeDeclaration(entity: Identifier) throws(ParseError) -> ScopeDecl {
        let keyword = advance()
        let name = Self.identifier(advance())
        guard match(.assign) != nil else {
            throw error("expected '=' after 'scope \(name.name)'", hint: "write it like: scope \(name.name) = where(balance > 1000)")
        }
        guard check(.identifier) else {
            throw error("expected a query such as where(...) after 'scope \(name.name) ='", hint: "write it like: scope \(name.name) = where(balance > 1000)")
        }
        let start = current.range.start
        let method = Self.identifier(advance())
        let base = Expr.name(Identifier(entity.name, method.range))
        var query: Expr
        if let open = match(.leftParen) {
            let arguments = try argumentList(open, isInsert: false)
            query = .call(base: base, name: method, arguments: arguments, range: SourceRange(start, previousEnd))
        } else {
            query = .member(base: base, name: method, range: SourceRange(start, previousEnd))
        }
        query = try postfix(start: start, query)
        return ScopeDecl(name: name, query: query, range: SourceRange(keyword.range.start, previousEnd))
    }

    /// `validate(format: email)`, `validate(length: 1...80)`, `validate(>= 0)`, `validate(in: ["a", "b"])`
    private mutating func validation() throws(ParseError) -> ValidationDecl {
        let keyword = advance()
        let example = "validate(format: email), validate(length: 1...80), validate(>= 0) or validate(in: [\"a\", \"b\"])"
        let open = try consume(.leftParen, "expected '(' after 'validate'", hint: "write a rule: " + example)
        let rule: ValidationDecl.Rule
        if let op = comparisonOperator(current), op != .like, op != .in {
            advance()
            let literal = try validationLiteral()
            rule = .compare(op, literal)
        } else if check(.identifier) && peekKind() == .colon || check(.in) && peekKind() == .colon {
            let label = advance()
            advance() // :
            switch label.text {
            case "format":
                guard check(.identifier) else {
                    throw error("expected a format name after 'format:', found \(current.displayName)",
                                hint: "formats: " + ValidationDecl.formats.joined(separator: ", "))
                }
                rule = .format(Self.identifier(advance()))
            case "length":
                var low: Int64?
                var high: Int64?
                if check(.integer), case .integer(let n)? = current.literal { advance(); low = n }
                guard match(.dot) != nil, match(.dot) != nil, match(.dot) != nil else {
                    throw error("expected a range such as 1...80 after 'length:', found \(current.displayName)",
                                hint: "write length: 1...80 (at least 1, at most 80 characters), 3... or ...80")
                }
                if check(.integer), case .integer(let n)? = current.literal { advance(); high = n }
                guard low != nil || high != nil else {
                    throw error("a length range needs a bound", hint: "write length: 1...80, 3... or ...80")
                }
                rule = .length(min: low, max: high)
            case "in":
                guard check(.leftBracket) else {
                    throw error("expected a list such as [\"a\", \"b\"] after 'in:', found \(current.displayName)")
                }
                let listOpen = advance()
                var values: [Literal] = []
                while !check(.rightBracket) {
                    values.append(try validationLiteral())
                    if match(.comma) == nil { break }
                }
                guard check(.rightBracket) else { throw unclosed(listOpen) }
                advance()
                rule = .oneOf(values)
            default:
                let word = nearest(label.text, in: ["format", "length", "in"])
                throw error("unknown validation '\(label.text)'", at: label,
                            hint: (word.map { "did you mean '\($0)'? " } ?? "") + "rules: " + example)
            }
        } else {
            throw error("expected a validation rule, found \(current.displayName)", hint: "rules: " + example)
        }
        guard check(.rightParen) else { throw unclosed(open) }
        advance()
        return ValidationDecl(rule: rule, range: SourceRange(keyword.range.start, previousEnd))
    }

    /// A literal in a validation rule: a number (maybe negative), a string, true or false.
    private mutating func validationLiteral() throws(ParseError) -> Literal {
        if let literal = try declarationLiteral(allowsNil: false) { return literal }
        throw error("expected a value such as 0 or \"text\" in the rule, found \(current.displayName)")
    }

    /// `index(name, born)` or `unique index(email)`
    private mutating func indexDeclaration() throws(ParseError) -> IndexDecl {
        let start = current.range.start
        var isUnique = false
        if current.isWord("unique") {
            advance()
            isUnique = true
        }
        advance() // index
        let open = try consume(.leftParen, "expected '(' after 'index'",
                               hint: "list the indexed properties: index(name, born)")
        if check(.rightParen) {
            throw error("an index needs at least one property", hint: "list them: index(name, born)")
        }
        var columns: [Identifier] = []
        repeat {
            guard check(.identifier) else {
                throw error("expected a property name in index(...), found \(current.displayName)")
            }
            columns.append(Self.identifier(advance()))
        } while match(.comma) != nil
        guard check(.rightParen) else { throw unclosed(open) }
        advance()
        return IndexDecl(columns: columns, isUnique: isUnique, range: SourceRange(start, previousEnd))
    }

    /// `email: String unique`, `manager: Employee? on delete set null`, `books: [Book] via author`
    private mutating func propertyDeclaration() throws(ParseError) -> PropertyDecl {
        guard check(.identifier) else {
            throw error("expected a property such as 'name: String', found \(current.displayName)",
                        hint: "each line of an entity is a property (name: Type) or an index (index(name))")
        }
        let nameToken = advance()
        let name = Self.identifier(nameToken)
        if name.name == "version", !check(.colon) {
            // A bare `version`: the optimistic-locking counter, an Int starting at 1.
            var property = PropertyDecl(name: name, type: TypeRef(name: Identifier("Int", nameToken.range), range: nameToken.range),
                                        defaultValue: .integer(1), range: nameToken.range)
            property.isVersion = true
            return property
        }
        guard match(.colon) != nil else {
            let hint = check(.identifier) ? "write '\(name): \(current.text)'" : "write it like 'name: String'"
            throw error("expected ':' after property name '\(name)'", hint: hint)
        }
        let type = try typeReference()
        var property = PropertyDecl(name: name, type: type, range: SourceRange(nameToken.range.start, previousEnd))
        while true {
            if current.isWord("unique") {
                advance()
                property.isUnique = true
            } else if current.isWord("index") {
                advance()
                property.isIndexed = true
            } else if check(.assign) {
                advance()
                property.defaultValue = try defaultValue()
            } else if current.isWord("on") {
                advance()
                property.onDelete = try deleteRule()
            } else if current.isWord("validate") && peekKind() == .leftParen {
                property.validations.append(try validation())
            } else if current.isWord("via") {
                advance()
                guard check(.identifier) else {
                    throw error("expected the inverse property's name after 'via'", hint: "write it like: via manager")
                }
                property.via = Self.identifier(advance())
            } else if current.isWord("column") && peekKind() == .leftParen {
                advance()
                property.column = try mappedName(after: "column", example: "column(\"\(name)\")")
            } else if current.isWord("join") && peekKind() == .leftParen {
                property.joinTable = try joinTableDeclaration()
            } else if current.isWord("assigned") {
                advance()
                property.isAssignedKey = true
            } else {
                break
            }
        }
        property.range = SourceRange(nameToken.range.start, previousEnd)
        return property
    }

    /// `String`, `Int?`, `Author`, `[Book]`
    private mutating func typeReference() throws(ParseError) -> TypeRef {
        if let open = match(.leftBracket) {
            guard check(.identifier) else {
                throw error("expected an element type inside '[ ]', found \(current.displayName)",
                            hint: "a to-many property names the other entity: [Book]")
            }
            let name = Self.identifier(advance())
            guard check(.rightBracket) else { throw unclosed(open) }
            let close = advance()
            if check(.question) {
                throw error("a to-many property cannot be optional",
                            hint: "write '[\(name)]'; an empty list means none")
            }
            return TypeRef(name: name, isArray: true, range: SourceRange(open.range.start, close.range.end))
        }
        guard check(.identifier) else {
            throw error("expected a type after ':', found \(current.displayName)",
                        hint: "scalar types are Int, Double, String, Bool, Date and Data; or name an entity")
        }
        let nameToken = advance()
        if check(.pipe) { return try polymorphicTypeReference(first: nameToken) }
        if check(.question), peekKind() == .pipe { throw misplacedOptional([Self.identifier(nameToken)]) }
        let isOptional = match(.question) != nil
        return TypeRef(name: Self.identifier(nameToken), isOptional: isOptional,
                       range: SourceRange(nameToken.range.start, previousEnd))
    }

    /// `Post | Photo`, `Post | Photo?` (after the first name): a polymorphic belongs-to's targets.
    /// The optional mark goes after the last name and applies to the whole association.
    private mutating func polymorphicTypeReference(first: Token) throws(ParseError) -> TypeRef {
        var targets = [Self.identifier(first)]
        while match(.pipe) != nil {
            guard check(.identifier) else {
                throw error("expected an entity name after '|', found \(current.displayName)",
                            hint: "a polymorphic association lists entities: subject: Post | Photo")
            }
            let token = advance()
            targets.append(Self.identifier(token))
            if check(.question), peekKind() == .pipe { throw misplacedOptional(targets) }
        }
        let isOptional = match(.question) != nil
        var type = TypeRef(name: targets[0], isOptional: isOptional, range: SourceRange(first.range.start, previousEnd))
        type.polymorphicTargets = targets
        return type
    }

    private func misplacedOptional(_ targets: [Identifier]) -> ParseError {
        error("'?' goes after the last entity of a polymorphic type: the whole association is optional, not one target",
              hint: "write it like: subject: \(targets.map(\.name).joined(separator: " | ")) | Other?")
    }

    /// The literal after `=` in a property: a number (maybe negative), a string, true, false, nil.
    private mutating func defaultValue() throws(ParseError) -> Literal {
        if let literal = try declarationLiteral(allowsNil: true) { return literal }
        throw error("expected a default value after '=', found \(current.displayName)",
                    hint: "a default is a literal such as 0, -1.5, \"text\", true or nil")
    }

    /// A literal written in a declaration (a default, a validation rule's value): a number
    /// (maybe negative), a string, true, false, and `nil` where `allowsNil`; nil when the tokens
    /// are none of these (the caller names what it expected).
    private mutating func declarationLiteral(allowsNil: Bool) throws(ParseError) -> Literal? {
        let minus = match(.minus)
        let token = current
        switch token.kind {
        case .integer, .decimal:
            advance()
            return try numberLiteral(token, negated: minus != nil)
        case .string where minus == nil:
            advance()
            if case .string(let s)? = token.literal { return .string(s) }
        case .identifier where minus == nil:
            switch token.keyword {
            case .true?: advance(); return .bool(true)
            case .false?: advance(); return .bool(false)
            case .nil? where allowsNil: advance(); return .null
            default: break
            }
        default:
            break
        }
        return nil
    }

    /// The value of a number token, with a minus sign folded in (so Int64.min can be written).
    private func numberLiteral(_ token: Token, negated: Bool) throws(ParseError) -> Literal {
        switch token.literal {
        case .integer(let value)?: return .integer(negated ? -value : value)
        case .double(let value)?: return .double(negated ? -value : value)
        default:
            // Only 9223372036854775808 comes without a value: it fits only as -9223372036854775808.
            if negated, token.kind == .integer { return .integer(Int64.min) }
            throw ParseError(diagnostic: Lexer.integerOverflow(token.text, token.range))
        }
    }

    /// `delete cascade`, `delete set null`, `delete restrict` (after `on`).
    private mutating func deleteRule() throws(ParseError) -> DeleteRule {
        guard current.isWord("delete") else {
            throw error("expected 'delete' after 'on'", hint: "write it like: on delete cascade")
        }
        advance()
        if current.isWord("cascade") { advance(); return .cascade }
        if current.isWord("restrict") { advance(); return .restrict }
        if current.isWord("set") {
            advance()
            guard current.isWord("null") else {
                throw error("expected 'null' after 'on delete set'", hint: "write 'on delete set null'")
            }
            advance()
            return .setNull
        }
        var hint = "write 'on delete cascade', 'on delete set null' or 'on delete restrict'"
        if check(.identifier), let word = nearest(current.text, in: ["cascade", "restrict", "set"]) {
            hint = "did you mean '\(word == "set" ? "set null" : word)'?"
        }
        throw error("expected cascade, set null or restrict after 'on delete', found \(current.displayName)", hint: hint)
    }

    // MARK: - Statements

    private mutating func statement(inBody: Bool) throws(ParseError) -> ScriptStatement {
        switch current.keyword {
        case .insert?: return try insertStatement()
        case .delete?: return try deleteStatement()
        case .let?: return try letStatement()
        case .for?: return try forStatement()
        case .save?: return .transaction(.save, range: advance().range)
        case .rollback?: return .transaction(.rollback, range: advance().range)
        case .begin?: return try beginStatement()
        case .commit?: return .transaction(.commit, range: advance().range)
        case .entity? where inBody:
            throw error("an entity can only be declared at the top level, not inside 'for'")
        default: return try expressionStatement()
        }
    }

    /// `begin`, and SQL's spellings on the same line: `begin transaction` (the same) and
    /// `begin immediate [transaction]` (SQLite's BEGIN IMMEDIATE, which takes the write lock at once).
    private mutating func beginStatement() throws(ParseError) -> ScriptStatement {
        let keyword = advance()
        var verb = TransactionVerb.begin
        if currentIsOnSameLine, current.isWord("immediate") {
            advance()
            verb = .beginImmediate
        } else if currentIsOnSameLine, current.isWord("isolation") {
            advance()
            if currentIsOnSameLine, current.isWord("level") { advance() }
            var words: [String] = []
            let levelToken = currentIsOnSameLine ? current : nil
            while currentIsOnSameLine, check(.identifier), words.count < 2 { words.append(advance().text.lowercased()) }
            switch words.joined(separator: " ") {
            case "read uncommitted": verb = .beginReadUncommitted
            case "read committed": verb = .beginReadCommitted
            case "repeatable read": verb = .beginRepeatableRead
            case "serializable": verb = .beginSerializable
            default:
                throw error(words.isEmpty ? "expected an isolation level after 'isolation'" : "unknown isolation level '\(words.joined(separator: " "))'", at: levelToken,
                            hint: "the SQL standard's levels: begin isolation read committed | repeatable read | serializable")
            }
        }
        if currentIsOnSameLine, current.isWord("transaction") { advance() }
        return .transaction(verb, range: SourceRange(keyword.range.start, previousEnd))
    }

    /// `insert Author(name: "x", born: 1929)`
    private mutating func insertStatement() throws(ParseError) -> ScriptStatement {
        // The plain form, read without tokens: a script of inserts spends most of its parsing here.
        // `case .none`, not `== nil`: a token is Equatable, so `== nil` compared two optional
        // tokens (a copy of the lookahead and a destroy). The parts are taken apart as a tuple,
        // so each moves into the statement instead of being copied out of a struct.
        if readsPlainInserts, case .none = lookahead, nesting < Parser.maximumNesting,
           let (entity, arguments, end) = lexer.plainInsert() {
            let start = current.range.start
            previousEnd = end
            current = lexer.nextAfterPlainInsert()
            return .insert(entity: entity, arguments: arguments, range: SourceRange(start, end))
        }
        let keyword = advance()
        guard check(.identifier) else {
            throw error("expected an entity name after 'insert'", hint: "write it like: insert Author(name: \"Ursula\")")
        }
        let entity = Self.identifier(advance())
        let open = try consume(.leftParen, "expected '(' after 'insert \(entity)'",
                               hint: "list the values in parentheses: insert \(entity)(name: \"x\")")
        let arguments = try argumentList(open, isInsert: true)
        return .insert(entity: entity, arguments: arguments, range: SourceRange(keyword.range.start, previousEnd))
    }

    /// `delete Book#3`
    private mutating func deleteStatement() throws(ParseError) -> ScriptStatement {
        let keyword = advance()
        if isAtSeparator || check(.rightBrace) {
            throw error("expected what to delete after 'delete'", hint: "write it like: delete Book#3")
        }
        let target = try expression()
        return .delete(target, range: SourceRange(keyword.range.start, previousEnd))
    }

    /// `let ursula = Author#1`
    private mutating func letStatement() throws(ParseError) -> ScriptStatement {
        let keyword = advance()
        guard check(.identifier), !Parser.isExpressionKeyword(current) else {
            throw error("expected a name after 'let'", hint: "write it like: let ursula = Author#1")
        }
        let name = Self.identifier(advance())
        if check(.equal) {
            throw error("use '=' to give '\(name)' a value; '==' compares")
        }
        _ = try consume(.assign, "expected '=' after 'let \(name)'", hint: "write it like: let \(name) = Author#1")
        if current.keyword == .insert, case .insert(let entity, let arguments, _) = try insertStatement() {
            return .letInsert(name: name, entity: entity, arguments: arguments, range: SourceRange(keyword.range.start, previousEnd))
        }
        let value = try expression()
        return .letBinding(name: name, value: value, range: SourceRange(keyword.range.start, previousEnd))
    }

    /// `for a in Author.all { a.books.count }`
    private mutating func forStatement() throws(ParseError) -> ScriptStatement {
        let keyword = advance()
        guard check(.identifier), !Parser.isExpressionKeyword(current) else {
            throw error("expected a loop variable after 'for'", hint: "write it like: for a in Author.all { a.name }")
        }
        let variable = Self.identifier(advance())
        guard check(.in) else {
            throw error("expected 'in' after 'for \(variable)'", hint: "write it like: for \(variable) in Author.all { \(variable).name }")
        }
        advance()
        let sequence = try expression()
        let open = try consume(.leftBrace, "expected '{' after 'for \(variable) in ...'",
                               hint: "the loop body goes in braces: for \(variable) in Author.all { \(variable).name }")
        try enterNesting(open)
        defer { nesting -= 1 }
        var body: [ScriptStatement] = []
        skipSeparators()
        while !check(.rightBrace) {
            if check(.endOfInput) { throw unclosed(open) }
            assignmentNesting = nil
            body.append(try statement(inBody: true))
            try endOfStatement(inBody: true)
            skipSeparators()
        }
        advance()
        return .forLoop(variable: variable, sequence: sequence, body: body,
                        range: SourceRange(keyword.range.start, previousEnd))
    }

    /// An expression on its own (a query, `Author#1.books`), or an assignment to a property.
    private mutating func expressionStatement() throws(ParseError) -> ScriptStatement {
        let first = current
        guard startsExpression(first) || first.kind == .error else {
            if first.kind == .dot {
                let before = first.followsSkippedNewline ? previousCommand.description : nil
                // At the '.' itself (not after the line before, where `error` points for a token
                // that follows a skipped line break).
                throw ParseError(diagnostic: .error(
                    "a line that starts with '.' continues a query on the line before, and "
                        + (before.map { "the line before is \($0)" } ?? "there is none"),
                    at: first.range,
                    hint: "write the query whole, as in Author.all.limit(3)"
                        + (before == nil || previousCommand == .query ? "" : "; the line before stays as it was")))
            }
            if [.rightParen, .rightBracket, .rightBrace].contains(first.kind) {
                let opener = Parser.opener(of: first.kind).rawValue
                throw error("unmatched '\(first.text)'", hint: "remove it, or add the '\(opener)' it closes")
            }
            throw error("expected a statement, found \(first.displayName)", hint: Parser.commandHint)
        }
        assignmentNesting = nesting
        let target = try expression()
        assignmentNesting = nil
        if check(.assign) {
            let equals = advance()
            guard case .member = target else {
                if case .name(let name) = target, name.name.first?.isLowercase ?? false {
                    throw error("cannot assign to '\(name)'", at: equals,
                                hint: "use 'let \(name) = ...' to name a value; assign to properties, as in Author#1.name = \"x\"")
                }
                throw error("only a property can be assigned", at: equals,
                            hint: "assign to a property, as in Author#1.name = \"x\"")
            }
            let value = try expression()
            return .assign(target: target, value: value, range: SourceRange(first.range.start, previousEnd))
        }
        // A lone name after another command on its line (`save now`, `begin exclusive`) is no
        // command of its own: the line fails whole, before anything on it runs.
        if case .name(let name) = target, nesting == 0, let before = sharesLineWith {
            throw error("expected a new line or ';' after \(Parser.spelling(of: before)), found '\(name)'", at: first,
                        hint: Parser.sharedLineHint(after: before))
        }
        // A lone name followed by more on its line is most likely a mistyped command word.
        if case .name(let name) = target, !isAtSeparator, !check(.rightBrace) {
            if let word = nearest(name.name, in: Parser.commandWords) {
                throw error("unknown command '\(name)'", at: first, hint: "did you mean '\(word)'?")
            }
            throw error("expected a new line or ';' after '\(name)', found \(current.displayName)",
                        hint: "put each command on its own line, or separate them with ';'")
        }
        return .expression(target)
    }

    /// How a command sharing a line is named in a diagnostic: its keyword, or "the command".
    private static func spelling(of command: Command) -> String {
        switch command {
        case .statement(.transaction(let verb, _)): return "'\(verb.rawValue)'"
        case .statement(.insert): return "'insert'"
        case .statement(.delete): return "'delete'"
        case .entity: return "'entity'"
        default: return "the command"
        }
    }

    private static func sharedLineHint(after command: Command) -> String {
        let nothingRan = "nothing on this line ran"
        if case .statement(.transaction(let verb, _)) = command {
            switch verb {
            case .begin, .beginImmediate:
                return "\(nothingRan); begin takes nothing after it, or 'transaction', or 'immediate' (BEGIN IMMEDIATE)"
            default:
                return "\(nothingRan); '\(verb.rawValue)' takes nothing after it"
            }
        }
        return "\(nothingRan); put each command on its own line, or separate them with ';'"
    }

    // MARK: - Expressions

    /// Words that are operators or values inside expressions and so cannot be plain names there.
    private static func isExpressionKeyword(_ token: Token) -> Bool {
        switch token.keyword {
        case .and?, .or?, .not?, .like?, .in?, .true?, .false?, .nil?: return true
        default: return false
        }
    }

    /// True when `token` can begin an expression.
    private func startsExpression(_ token: Token) -> Bool {
        switch token.kind {
        case .identifier:
            switch token.keyword {
            case .and?, .or?, .like?, .in?: return false
            default: return true
            }
        case .integer, .decimal, .string, .leftParen, .leftBracket, .minus: return true
        default: return false
        }
    }

    /// `expr := or := and ('or' and)*` (one method, to keep the stack shallow).
    private mutating func expression() throws(ParseError) -> Expr {
        let start = current.range.start
        let chainStart = chainDepth
        defer { chainDepth = chainStart }
        var expr = try and()
        while check(.or) {
            try extendChain()
            advance()
            let rhs = try and()
            expr = .binary(op: .or, lhs: expr, rhs: rhs, range: SourceRange(start, previousEnd))
        }
        return expr
    }

    private mutating func and() throws(ParseError) -> Expr {
        let start = current.range.start
        let chainStart = chainDepth
        defer { chainDepth = chainStart }
        var expr = try not()
        while check(.and) {
            try extendChain()
            advance()
            let rhs = try not()
            expr = .binary(op: .and, lhs: expr, rhs: rhs, range: SourceRange(start, previousEnd))
        }
        return expr
    }

    private mutating func not() throws(ParseError) -> Expr {
        guard check(.not) else { return try comparison() }
        let op = advance()
        try enterNesting(op)
        defer { nesting -= 1 }
        let operand = try not()
        return .unary(op: .not, operand: operand, range: SourceRange(op.range.start, previousEnd))
    }

    private func comparisonOperator(_ token: Token) -> BinaryOperator? {
        switch token.kind {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        case .identifier:
            switch token.keyword {
            case .like?: return .like
            case .in?: return .in
            default: return nil
            }
        default: return nil
        }
    }

    private mutating func comparison() throws(ParseError) -> Expr {
        let start = current.range.start
        let lhs = try additive()
        if check(.assign) {
            if assignmentNesting == nesting { return lhs } // the target of `x.name = value`
            throw error("use '==' to compare; '=' assigns", hint: "write '==' here to compare two values")
        }
        guard let op = comparisonOperator(current) else { return lhs }
        advance()
        let rhs = try additive()
        let expr = Expr.binary(op: op, lhs: lhs, rhs: rhs, range: SourceRange(start, previousEnd))
        if comparisonOperator(current) != nil {
            throw error("comparisons cannot be chained", hint: "combine them with 'and', as in a < b and b < c")
        }
        if check(.assign) {
            throw error("use '==' to compare; '=' assigns", hint: "write '==' here to compare two values")
        }
        return expr
    }

    private mutating func additive() throws(ParseError) -> Expr {
        let start = current.range.start
        let chainStart = chainDepth
        defer { chainDepth = chainStart }
        var expr = try term()
        while check(.plus) || check(.minus) {
            try extendChain()
            let op: BinaryOperator = advance().kind == .plus ? .plus : .minus
            let rhs = try term()
            expr = .binary(op: op, lhs: expr, rhs: rhs, range: SourceRange(start, previousEnd))
        }
        return expr
    }

    private mutating func term() throws(ParseError) -> Expr {
        let start = current.range.start
        let chainStart = chainDepth
        defer { chainDepth = chainStart }
        var expr = try unary()
        while check(.star) || check(.slash) {
            try extendChain()
            let op: BinaryOperator = advance().kind == .star ? .times : .divide
            let rhs = try unary()
            expr = .binary(op: op, lhs: expr, rhs: rhs, range: SourceRange(start, previousEnd))
        }
        return expr
    }

    /// `-x`; a minus before a number is part of the literal (`-5`, `-9223372036854775808`).
    private mutating func unary() throws(ParseError) -> Expr {
        guard check(.minus) else { return try postfix(start: current.range.start, try primary()) }
        let minus = advance()
        if check(.integer) || check(.decimal) {
            let number = advance()
            let literal = try numberLiteral(number, negated: true)
            let range = SourceRange(minus.range.start, number.range.end)
            return try postfix(start: minus.range.start, .literal(literal, range))
        }
        try enterNesting(minus)
        defer { nesting -= 1 }
        let operand = try unary()
        return .unary(op: .negate, operand: operand, range: SourceRange(minus.range.start, previousEnd))
    }

    /// `base.name` and `base.name(arguments)`, repeated.
    private mutating func postfix(start: SourceLocation, _ base: Expr) throws(ParseError) -> Expr {
        var expr = base
        let chainStart = chainDepth
        defer { chainDepth = chainStart }
        while match(.dot) != nil {
            try extendChain()
            guard check(.identifier) else {
                throw error("expected a property or query name after '.', found \(current.displayName)",
                            hint: "for example Author.all or Author#1.name")
            }
            let name = Self.identifier(advance())
            if let open = match(.leftParen) {
                let arguments = try argumentList(open, isInsert: false)
                expr = .call(base: expr, name: name, arguments: arguments, range: SourceRange(start, previousEnd))
            } else {
                expr = .member(base: expr, name: name, range: SourceRange(start, previousEnd))
            }
        }
        return expr
    }

    private mutating func primary() throws(ParseError) -> Expr {
        // Tokens are taken with `advance()` (a move), not copied out of `current`.
        switch current.kind {
        case .integer, .decimal:
            let token = advance()
            return .literal(try numberLiteral(token, negated: false), token.range)
        case .string:
            let token = advance()
            if case .string(let value)? = token.literal { return .literal(.string(value), token.range) }
            return .literal(.string(""), token.range)
        case .leftParen:
            let open = advance()
            try enterNesting(open)
            defer { nesting -= 1 }
            let inner = try expression()
            guard check(.rightParen) else { throw unclosed(open, missingCommaHint: false) }
            advance()
            return inner
        case .leftBracket:
            return try list()
        case .identifier:
            switch current.keyword {
            case .true?: return .literal(.bool(true), advance().range)
            case .false?: return .literal(.bool(false), advance().range)
            case .nil?: return .literal(.null, advance().range)
            case .and?, .or?, .like?, .in?, .not?:
                let text = current.text
                throw error("expected an expression, found keyword '\(text)'",
                            hint: "to use '\(text)' as a name, write it in backticks: `\(text)`")
            default:
                break
            }
            let token = advance()
            if check(.hash) { return try objectReference(token) }
            // `lower(email)`: a scalar function (only those names, so `find(1)` stays a habit).
            if check(.leftParen), ScalarFunction(rawValue: token.text) != nil { return try functionCall(token) }
            return .name(Self.identifier(token))
        default:
            throw error("expected an expression, found \(current.displayName)")
        }
    }

    /// `Author#1` (the entity name is already consumed; the current token is `#`).
    private mutating func objectReference(_ entity: Token) throws(ParseError) -> Expr {
        advance() // #
        // A natural key: `Country#FR` (a word) or `Country#"New Zealand"` (any text).
        if check(.identifier) || check(.string) {
            let key = advance()
            let text: String
            if case .string(let s)? = key.literal { text = s } else { text = key.text }
            return .keyRef(entity: Self.identifier(entity), key: text, range: SourceRange(entity.range.start, key.range.end))
        }
        guard check(.integer) else {
            throw error("expected an id number after '#', as in \(entity.name)#1", hint: "an entity with a natural key takes its text: \(entity.name)#FR or \(entity.name)#\"New Zealand\"")
        }
        let number = advance()
        guard case .integer(let id)? = number.literal else {
            throw ParseError(diagnostic: Lexer.integerOverflow(number.text, number.range))
        }
        return .objectRef(entity: Self.identifier(entity), id: id, range: SourceRange(entity.range.start, number.range.end))
    }

    /// `lower(email)`, `now()` (the name is consumed; the current token is `(`).
    private mutating func functionCall(_ name: Token) throws(ParseError) -> Expr {
        let open = advance()
        try enterNesting(open)
        defer { nesting -= 1 }
        var arguments: [Expr] = []
        while !check(.rightParen) {
            arguments.append(try expression())
            if match(.comma) == nil { break }
        }
        guard check(.rightParen) else { throw unclosed(open) }
        let close = advance()
        return .function(name: Self.identifier(name), arguments: arguments, range: SourceRange(name.range.start, close.range.end))
    }

    /// `[1, 2, 3]`
    private mutating func list() throws(ParseError) -> Expr {
        let open = advance()
        try enterNesting(open)
        defer { nesting -= 1 }
        var elements: [Expr] = []
        while !check(.rightBracket) {
            elements.append(try expression())
            if match(.comma) == nil { break }
        }
        guard check(.rightBracket) else { throw unclosed(open) }
        let close = advance()
        return .list(elements, range: SourceRange(open.range.start, close.range.end))
    }

    /// The arguments after `(` up to and including `)`. A trailing comma is allowed.
    private mutating func argumentList(_ open: Token, isInsert: Bool) throws(ParseError) -> [Argument] {
        try enterNesting(open)
        defer { nesting -= 1 }
        var arguments: [Argument] = []
        while !check(.rightParen) {
            arguments.append(try argument(isInsert: isInsert))
            if match(.comma) == nil { break }
        }
        guard check(.rightParen) else { throw unclosed(open) }
        advance()
        return arguments
    }

    /// A literal followed by ',' or ')', the whole value of most arguments (every value of an
    /// insert): read directly instead of through the nine precedence levels of `expression()`,
    /// which would arrive at the same `.literal`.
    private mutating func literalArgument() throws(ParseError) -> Expr? {
        switch current.kind {
        case .integer, .decimal, .string:
            break
        case .identifier:
            guard let keyword = current.keyword, keyword == .true || keyword == .false || keyword == .nil else { return nil }
        default:
            return nil
        }
        let next = peekKind()
        guard next == .comma || next == .rightParen else { return nil }
        return try primary()
    }

    /// `name: "x"`, `born < 1950`, `name desc`
    private mutating func argument(isInsert: Bool) throws(ParseError) -> Argument {
        let start = current.range.start
        var label: Identifier?
        if check(.identifier) {
            let next = peekKind()
            if next == .colon {
                label = Self.identifier(advance())
                advance()
            } else if isInsert, next == .assign {
                throw error("use ':' to give '\(current.name)' a value; '=' assigns", at: peek(),
                            hint: "write it like: \(current.name): value")
            }
        }
        let value: Expr
        if let literal = try literalArgument() { value = literal } else { value = try expression() }
        var direction: SortDirection?
        if check(.asc) {
            advance()
            direction = .asc
        } else if check(.desc) {
            advance()
            direction = .desc
        }
        return Argument(label: label, value: value, direction: direction, range: SourceRange(start, previousEnd))
    }
}

/// The commands of a source file, read one at a time (see `Parser.commands(of:)`); yields the
/// same items, in the same order, as `Parser.parse`.
public struct CommandReader: IteratorProtocol {
    fileprivate var parser: Parser

    public mutating func next() -> ParseResult.Item? { parser.nextItem() }
}
