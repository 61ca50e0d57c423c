// Tab completion that knows where the cursor is: commands after ":", entities at the start of a
// statement, query steps and properties after "Author.", properties of the entity in scope inside
// "where(", associations inside "include(", argument labels inside "insert Author(".
// Pure: text and vocabulary in, candidates out. Never fails on any input.

/// Computes completions for the word at the cursor.
public enum CompletionEngine {
    /// The candidates for the word left of `request.cursor`, and what to insert.
    public static func complete(_ request: CompletionRequest, vocabulary: CompletionVocabulary) -> CompletionResult {
        let characters = Array(request.line)
        let cursor = min(max(request.cursor, 0), characters.count)
        let before = Array(characters[0..<cursor])

        // Workbench commands are line based: look at the physical line of the cursor.
        let lineStart = (before.lastIndex(of: "\n").map { $0 + 1 }) ?? 0
        let currentLine = before[lineStart...]
        if let first = currentLine.firstIndex(where: { $0 != " " && $0 != "\t" }), currentLine[first] == ":" {
            return completeWorkbenchCommand(Array(currentLine[first...]), offset: first, vocabulary: vocabulary)
        }
        return completeStatement(before, offset: 0, vocabulary: vocabulary, statementStartOnlyEntities: false)
    }

    // MARK: - Workbench commands

    private static let entityArgumentCommands: Set<String> = [":seed", ":mapping"]
    private static let statementArgumentCommands: Set<String> = [":explain", ":compare", ":rosetta"]

    private static func completeWorkbenchCommand(_ text: [Character], offset: Int,
                                                 vocabulary: CompletionVocabulary) -> CompletionResult {
        guard let space = text.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
            // Still typing the command itself.
            return result(word: String(text), wordStart: offset,
                          options: vocabulary.commands.map { Option($0, suffix: " ") })
        }
        let command = String(text[..<space])
        let argument = Array(text[(space + 1)...])
        let argumentOffset = offset + space + 1

        if statementArgumentCommands.contains(command) {
            return completeStatement(argument, offset: argumentOffset, vocabulary: vocabulary,
                                     statementStartOnlyEntities: true)
        }
        // The other commands take plain words: complete the word at the cursor.
        let wordStart = (argument.lastIndex(where: { $0 == " " || $0 == "\t" }).map { $0 + 1 }) ?? 0
        let word = String(argument[wordStart...])
        let isFirstArgument = argument[..<wordStart].allSatisfy { $0 == " " || $0 == "\t" }
        guard isFirstArgument else { return .none(at: offset + text.count) }
        let options: [String]
        switch command {
        case ":help": options = vocabulary.helpTopics
        case ":lesson": options = vocabulary.lessonIDs
        case ":diagram": options = ["mermaid", "svg"] + vocabulary.entities.map(\.name)
        case _ where entityArgumentCommands.contains(command): options = vocabulary.entities.map(\.name)
        default: options = []
        }
        return result(word: word, wordStart: argumentOffset + wordStart, options: options.map { Option($0) })
    }

    // MARK: - Statements

    private static let statementKeywords = ["insert", "delete", "let", "for", "save", "rollback", "begin", "commit", "entity"]
    private static let keywordsTakingArgument: Set<String> = ["insert", "delete", "let", "for", "entity"]
    /// Calls whose arguments are conditions or property lists on the receiver's entity.
    private static let filterCalls: Set<String> = ["where", "order", "select", "group", "having", "any"]
    private static let conditionCalls: Set<String> = ["where", "having", "any"]
    private static let conditionKeywords = ["and", "or", "not", "like", "in"]
    /// Steps after which a query still yields objects of the same entity.
    private static let entityPreservingSteps: Set<String> = [
        "all", "where", "order", "limit", "offset", "select", "include", "group", "having", "after", "batches",
    ]
    /// Steps that are called with parentheses.
    private static let stepsTakingArguments: Set<String> = [
        "where", "order", "limit", "offset", "select", "include", "group", "sum", "avg", "min", "max",
        "having", "after", "batches", "any", "add", "remove",
    ]

    private static func completeStatement(_ text: [Character], offset: Int, vocabulary: CompletionVocabulary,
                                          statementStartOnlyEntities: Bool) -> CompletionResult {
        let scan = Tokenizer.tokenize(text)
        let cursor = offset + text.count
        if scan.endsInsideStringOrComment { return .none(at: cursor) }

        var tokens = scan.tokens
        var word = ""
        var wordStart = text.count
        if let last = tokens.last, last.end == text.count {
            switch last.kind {
            case .identifier:
                word = last.text
                wordStart = last.start
                tokens.removeLast()
            case .number:
                return .none(at: cursor)
            default:
                break
            }
        }
        var analysis = Analysis(tokens: tokens, vocabulary: vocabulary)
        analysis.walk()
        let options = analysis.options(statementStartOnlyEntities: statementStartOnlyEntities)
        return result(word: word, wordStart: offset + wordStart, options: options)
    }

    // MARK: - Result

    /// A candidate and what to add after it when it is the unique completion.
    struct Option {
        var text: String
        var suffix: String
        init(_ text: String, suffix: String = "") {
            self.text = text
            self.suffix = suffix
        }
    }

    private static func result(word: String, wordStart: Int, options: [Option]) -> CompletionResult {
        var seen = Set<String>()
        var matching: [Option] = []
        for option in options where option.text.hasPrefix(word) && !seen.contains(option.text) {
            seen.insert(option.text)
            matching.append(option)
        }
        matching.sort { $0.text < $1.text }
        let candidates = matching.map(\.text)
        let insertion: String
        if matching.count == 1 {
            insertion = String(matching[0].text.dropFirst(word.count)) + matching[0].suffix
        } else if matching.count > 1 {
            insertion = String(longestCommonPrefix(candidates).dropFirst(word.count))
        } else {
            insertion = ""
        }
        return CompletionResult(replaceFrom: wordStart, candidates: candidates, insertion: insertion)
    }

    private static func longestCommonPrefix(_ strings: [String]) -> String {
        guard var prefix = strings.first.map(Array.init) else { return "" }
        for string in strings.dropFirst() {
            let characters = Array(string)
            var length = 0
            while length < prefix.count, length < characters.count, prefix[length] == characters[length] { length += 1 }
            prefix = Array(prefix[..<length])
        }
        return String(prefix)
    }

    // MARK: - Analysis

    /// What an expression yields, as far as completion cares.
    enum ValueKind: Equatable {
        /// `Author`, `Author.where(...)`: a query over an entity.
        case query(String)
        /// `Author#1`, a variable, `Book#1.author`: one object.
        case object(String)
        /// `Author#1.books`: a to-many association of one object.
        case collection(String)
        /// `author` inside `Book.where(...)`: a to-one path in a condition or `include`.
        case pathObject(String)
        /// `books` inside `Author.where(...)`: a to-many path in a condition or `include`.
        case pathCollection(String)
        /// A scalar property, a count: nothing to complete after it.
        case scalar

        var elementEntity: String? {
            switch self {
            case .query(let e), .object(let e), .collection(let e), .pathObject(let e), .pathCollection(let e):
                return e
            case .scalar: return nil
            }
        }
    }

    /// An open bracket around the cursor and what it means.
    struct Frame {
        enum Kind {
            /// The whole entry.
            case top
            /// `{` of a `for` body.
            case block
            /// `[` of a list literal.
            case list
            /// `insert Entity(`
            case insert(entity: String)
            /// `name(` — `receiver` is what the call is applied to, when known.
            case call(name: String, receiver: ValueKind?)
        }
        var kind: Kind
        /// The entity whose properties bare names refer to (inside `where(` and its kin).
        var scope: String?
        /// Index of the first token of the current statement or argument inside this frame.
        var segmentStart: Int
        /// Argument labels already written (inside `insert Entity(`).
        var labels: Set<String> = []
        /// The loop variable a `for` body binds, and the binding it hides, restored at `}`.
        var loopVariable: (name: String, hidden: String?)?
    }

    /// Walks the tokens left of the word, tracking brackets, statements and variables.
    struct Analysis {
        let tokens: [Token]
        let vocabulary: CompletionVocabulary
        var frames: [Frame] = [Frame(kind: .top, scope: nil, segmentStart: 0)]
        /// Variables bound in the text: `let x = ...`, `for a in ...`, plus the session's.
        var bindings: [String: String]

        init(tokens: [Token], vocabulary: CompletionVocabulary) {
            self.tokens = tokens
            self.vocabulary = vocabulary
            self.bindings = vocabulary.variables
        }

        private var top: Frame {
            get { frames[frames.count - 1] }
            set { frames[frames.count - 1] = newValue }
        }

        private func token(_ index: Int) -> Token? {
            index >= 0 && index < tokens.count ? tokens[index] : nil
        }

        mutating func walk() {
            for index in tokens.indices {
                let token = tokens[index]
                switch token.kind {
                case .newline:
                    if case .call(_, _) = top.kind { continue }
                    if case .insert(_) = top.kind { continue }
                    if case .list = top.kind { continue }
                    endStatement(before: index)
                case .punctuation:
                    walkPunctuation(token.text, at: index)
                default:
                    break
                }
            }
        }

        private mutating func walkPunctuation(_ text: String, at index: Int) {
            switch text {
            case ";":
                endStatement(before: index)
            case ",":
                top.segmentStart = index + 1
            case ":":
                if case .insert = top.kind, let label = token(index - 1), label.kind == .identifier {
                    top.labels.insert(label.text)
                }
            case "(":
                frames.append(openCall(at: index))
            case "{":
                var block = Frame(kind: .block, scope: nil, segmentStart: index + 1)
                if let (name, entity) = forLoopVariable(braceIndex: index) {
                    block.loopVariable = (name, bindings[name])
                    bindings[name] = entity
                }
                frames.append(block)
            case "[":
                frames.append(Frame(kind: .list, scope: top.scope, segmentStart: index + 1))
            case ")", "}", "]":
                if frames.count > 1, let closed = frames.popLast(), let variable = closed.loopVariable {
                    bindings[variable.name] = variable.hidden
                }
                if text == "}" { top.segmentStart = index + 1 }
            default:
                break
            }
        }

        private mutating func endStatement(before index: Int) {
            bindLetVariable(end: index)
            top.segmentStart = index + 1
        }

        /// `let name = chain` ending just before `end`.
        private mutating func bindLetVariable(end: Int) {
            let start = top.segmentStart
            guard end - start >= 4, token(start)?.text == "let", let name = token(start + 1),
                  name.kind == .identifier, token(start + 2)?.text == "=" else { return }
            if let entity = evaluateChain(endingAt: end - 1, scope: nil)?.elementEntity {
                bindings[name.text] = entity
            }
        }

        /// `for name in chain {`: the loop variable and the entity it runs over.
        private func forLoopVariable(braceIndex: Int) -> (String, String)? {
            let start = top.segmentStart
            guard braceIndex - start >= 4, token(start)?.text == "for", let name = token(start + 1),
                  name.kind == .identifier, token(start + 2)?.text == "in",
                  let entity = evaluateChain(endingAt: braceIndex - 1, scope: nil)?.elementEntity else { return nil }
            return (name.text, entity)
        }

        private func openCall(at index: Int) -> Frame {
            guard let nameToken = token(index - 1), nameToken.kind == .identifier else {
                return Frame(kind: .call(name: "", receiver: nil), scope: top.scope, segmentStart: index + 1)
            }
            let name = nameToken.text
            if token(index - 2)?.text == "insert" {
                return Frame(kind: .insert(entity: name), scope: nil, segmentStart: index + 1)
            }
            var receiver: ValueKind?
            if token(index - 2)?.text == "." {
                receiver = evaluateChain(endingAt: index - 3, scope: top.scope)
            }
            let scope = (filterCalls.contains(name) || name == "include") ? receiver?.elementEntity : nil
            return Frame(kind: .call(name: name, receiver: receiver), scope: scope, segmentStart: index + 1)
        }

        // MARK: Chains

        /// One step of a postfix chain, in source order.
        private enum Step {
            case name(String)
            case objectReference(entity: String)
            case call(String)
        }

        /// Evaluates the postfix chain (`Author.where(...).first.books`) that ends at token `end`.
        func evaluateChain(endingAt end: Int, scope: String?) -> ValueKind? {
            var steps: [Step] = []
            var index = end
            while true {
                guard let current = token(index) else { return nil }
                if current.kind == .punctuation && current.text == ")" {
                    guard let open = matchingOpen(forCloseAt: index), let name = token(open - 1),
                          name.kind == .identifier else { return nil }
                    steps.append(.call(name.text))
                    index = open - 2
                } else if [.number, .identifier, .string].contains(current.kind), token(index - 1)?.text == "#",
                          let entity = token(index - 2), entity.kind == .identifier {
                    // `Author#1`, or a natural key: `Country#FR`, `Country#"New Zealand"`.
                    steps.append(.objectReference(entity: entity.text))
                    break
                } else if current.kind == .identifier {
                    steps.append(.name(current.text))
                    index -= 1
                } else {
                    return nil
                }
                guard token(index)?.text == "." else { break }
                index -= 1
            }
            steps.reverse()
            guard let base = steps.first else { return nil }
            var value: ValueKind
            switch base {
            case .objectReference(let entity):
                guard vocabulary.entity(named: entity) != nil else { return nil }
                value = .object(entity)
            case .name(let name):
                guard let start = evaluateBaseName(name, scope: scope) else { return nil }
                value = start
            case .call:
                return nil
            }
            for step in steps.dropFirst() {
                switch step {
                case .name(let name), .call(let name):
                    guard let next = apply(name, to: value) else { return nil }
                    value = next
                case .objectReference:
                    return nil
                }
            }
            return value
        }

        private func evaluateBaseName(_ name: String, scope: String?) -> ValueKind? {
            if let scope, let entity = vocabulary.entity(named: scope) {
                if let association = entity.association(named: name) {
                    return association.isToMany ? .pathCollection(association.target) : .pathObject(association.target)
                }
                if entity.properties.contains(name) { return .scalar }
            }
            if vocabulary.entity(named: name) != nil { return .query(name) }
            if let entity = bindings[name] { return .object(entity) }
            return nil
        }

        private func apply(_ step: String, to value: ValueKind) -> ValueKind? {
            switch value {
            case .query(let entity), .collection(let entity):
                if step == "first" { return .object(entity) }
                if entityPreservingSteps.contains(step) { return .query(entity) }
                if case .collection = value, step == "add" || step == "remove" { return .scalar }
                return vocabulary.queryMethods.contains(step) || step == "count" ? .scalar : nil
            case .object(let entity):
                guard let vocabularyEntity = vocabulary.entity(named: entity) else { return nil }
                if let association = vocabularyEntity.association(named: step) {
                    return association.isToMany ? .collection(association.target) : .object(association.target)
                }
                return vocabularyEntity.properties.contains(step) ? .scalar : nil
            case .pathObject(let entity), .pathCollection(let entity):
                // A path inside a condition or include: associations lead further along the path.
                guard let vocabularyEntity = vocabulary.entity(named: entity) else { return nil }
                if let association = vocabularyEntity.association(named: step) {
                    return association.isToMany ? .pathCollection(association.target) : .pathObject(association.target)
                }
                if case .pathObject = value, vocabularyEntity.properties.contains(step) { return .scalar }
                if case .pathCollection = value, step == "any" || step == "count" { return .scalar }
                return nil
            case .scalar:
                return nil
            }
        }

        private func matchingOpen(forCloseAt close: Int) -> Int? {
            var depth = 0
            var index = close
            while index >= 0 {
                let text = tokens[index].kind == .punctuation ? tokens[index].text : ""
                if text == ")" { depth += 1 }
                if text == "(" {
                    depth -= 1
                    if depth == 0 { return index }
                }
                index -= 1
            }
            return nil
        }

        // MARK: Options

        /// The candidates for the position after the last token.
        func options(statementStartOnlyEntities: Bool) -> [Option] {
            let frame = top
            let segment = Array(tokens[min(frame.segmentStart, tokens.count)...])

            if let last = segment.last, last.kind == .punctuation, last.text == "." {
                return memberOptions(afterDotAt: tokens.count - 1, frame: frame)
            }

            switch frame.kind {
            case .top, .block:
                return statementOptions(segment, onlyEntities: statementStartOnlyEntities)
            case .list:
                return segment.isEmpty ? valueOptions() : []
            case .insert(let entity):
                return insertOptions(segment, entity: entity, frame: frame)
            case .call(let name, _):
                return callOptions(segment, name: name, frame: frame)
            }
        }

        private func memberOptions(afterDotAt dot: Int, frame: Frame) -> [Option] {
            guard let value = evaluateChain(endingAt: dot - 1, scope: frame.scope) else { return [] }
            if case .call("include", _) = frame.kind {
                guard let entity = value.elementEntity.flatMap(vocabulary.entity(named:)) else { return [] }
                return entity.associations.map { Option($0.name) }
            }
            switch value {
            case .query(let name):
                guard let entity = vocabulary.entity(named: name) else { return [] }
                return vocabulary.queryMethods.map { Option($0, suffix: stepsTakingArguments.contains($0) ? "(" : "") }
                    + members(of: entity)
            case .object(let name), .pathObject(let name):
                guard let entity = vocabulary.entity(named: name) else { return [] }
                return members(of: entity)
            case .collection:
                return [Option("add", suffix: "("), Option("remove", suffix: "("), Option("count")]
            case .pathCollection:
                return [Option("any", suffix: "("), Option("count")]
            case .scalar:
                return []
            }
        }

        private func members(of entity: EntityVocabulary) -> [Option] {
            entity.properties.map { Option($0) } + entity.associations.map { Option($0.name) }
        }

        private func entityOptions() -> [Option] {
            vocabulary.entities.map { Option($0.name) }
        }

        private func variableOptions() -> [Option] {
            bindings.keys.map { Option($0) }
        }

        /// Where an expression may start: entities and variables.
        private func valueOptions() -> [Option] {
            entityOptions() + variableOptions()
        }

        private func statementOptions(_ segment: [Token], onlyEntities: Bool) -> [Option] {
            let texts = segment.map(\.text)
            if texts.isEmpty {
                if onlyEntities { return valueOptions() }
                return valueOptions() + statementKeywords.map {
                    Option($0, suffix: keywordsTakingArgument.contains($0) ? " " : "")
                }
            }
            if texts == ["insert"] { return entityOptions() }
            if texts == ["delete"] { return valueOptions() }
            if texts.count == 2, texts[0] == "for", segment[1].kind == .identifier { return [Option("in", suffix: " ")] }
            if texts.count == 3, texts[0] == "for", texts[2] == "in" { return valueOptions() }
            if texts.last == "=" { return valueOptions() }
            return []
        }

        private func insertOptions(_ segment: [Token], entity: String, frame: Frame) -> [Option] {
            if segment.isEmpty {
                guard let vocabularyEntity = vocabulary.entity(named: entity) else { return [] }
                let labels = vocabularyEntity.properties
                    + vocabularyEntity.associations.filter { !$0.isToMany }.map(\.name)
                return labels.filter { !frame.labels.contains($0) }.map { Option($0 + ":", suffix: " ") }
            }
            if segment.count == 2, segment[0].kind == .identifier, segment[1].text == ":" {
                return valueOptions()
            }
            return []
        }

        private func callOptions(_ segment: [Token], name: String, frame: Frame) -> [Option] {
            switch name {
            case "include":
                guard segment.isEmpty, let entity = frame.scope.flatMap(vocabulary.entity(named:)) else { return [] }
                return entity.associations.map { Option($0.name) }
            case "add", "remove":
                return segment.isEmpty ? valueOptions() : []
            case _ where filterCalls.contains(name):
                guard let entity = frame.scope.flatMap(vocabulary.entity(named:)) else { return [] }
                let afterOperand = segment.last.map(isCompleteOperand) ?? false
                if afterOperand {
                    if name == "order" { return [Option("asc"), Option("desc")] }
                    if conditionCalls.contains(name) { return conditionKeywords.map { Option($0, suffix: " ") } }
                    return []
                }
                let operands = members(of: entity)
                return conditionCalls.contains(name) ? operands + [Option("not", suffix: " ")] : operands
            default:
                return []
            }
        }

        private func isCompleteOperand(_ token: Token) -> Bool {
            switch token.kind {
            case .identifier: return !CompletionEngine.conditionKeywords.contains(token.text)
            case .number, .string: return true
            case .punctuation: return token.text == ")" || token.text == "]"
            case .newline: return false
            }
        }
    }
}

// MARK: - Tokenizer

/// A token of the light tokenizer used by completion.
struct Token: Equatable {
    enum Kind: Equatable { case identifier, number, string, punctuation, newline }
    var kind: Kind
    var text: String
    /// Character offsets, `end` exclusive.
    var start: Int
    var end: Int
}

/// Splits text into identifiers, numbers, strings and punctuation; skips comments.
enum Tokenizer {
    struct Scan {
        var tokens: [Token]
        /// The text ends inside an unterminated string or a `//` comment.
        var endsInsideStringOrComment: Bool
    }

    static func tokenize(_ characters: [Character]) -> Scan {
        var tokens: [Token] = []
        var index = 0
        let count = characters.count
        func isIdentifierStart(_ c: Character) -> Bool { c.isLetter || c == "_" }
        func isIdentifierPart(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }

        while index < count {
            let c = characters[index]
            let start = index
            if c == "\n" || c == "\r\n" {
                tokens.append(Token(kind: .newline, text: "\n", start: start, end: start + 1))
                index += 1
            } else if c.isWhitespace {
                index += 1
            } else if c == "/" && index + 1 < count && characters[index + 1] == "/" {
                while index < count && characters[index] != "\n" && characters[index] != "\r\n" { index += 1 }
                if index == count { return Scan(tokens: tokens, endsInsideStringOrComment: true) }
            } else if c == "\"" {
                index += 1
                var closed = false
                while index < count {
                    let s = characters[index]
                    if s == "\\" { index += 2; continue }
                    if s == "\n" || s == "\r\n" { break }
                    index += 1
                    if s == "\"" { closed = true; break }
                }
                index = min(index, count)
                if !closed && index == count { return Scan(tokens: tokens, endsInsideStringOrComment: true) }
                tokens.append(Token(kind: .string, text: String(characters[start..<index]), start: start, end: index))
            } else if c.isNumber && c.isASCII {
                index += 1
                while index < count, isIdentifierPart(characters[index])
                        || (characters[index] == "." && index + 1 < count && characters[index + 1].isNumber) {
                    index += 1
                }
                tokens.append(Token(kind: .number, text: String(characters[start..<index]), start: start, end: index))
            } else if isIdentifierStart(c) {
                index += 1
                while index < count, isIdentifierPart(characters[index]) { index += 1 }
                tokens.append(Token(kind: .identifier, text: String(characters[start..<index]), start: start, end: index))
            } else {
                var text = String(c)
                if index + 1 < count, ["==", "!=", "<=", ">="].contains(text + String(characters[index + 1])) {
                    text += String(characters[index + 1])
                }
                index += text.count
                tokens.append(Token(kind: .punctuation, text: text, start: start, end: index))
            }
        }
        return Scan(tokens: tokens, endsInsideStringOrComment: false)
    }
}
