import DSL
@testable import Mapping

// A small reader for `entity` declarations, so the mapping tests are written in the DSL the
// learner types (with real line:column ranges) without depending on the parser's progress.
// It reads only entity declarations and assumes well-formed input.

private struct Token {
    enum Kind: Equatable { case word, number, string, symbol, newline }
    var kind: Kind
    var text: String
    var literal: Literal?
    var range: SourceRange
}

private func tokenize(_ text: String) -> [Token] {
    var tokens: [Token] = []
    let chars = Array(text)
    var i = 0, line = 1, column = 1, offset = 0
    func location() -> SourceLocation { SourceLocation(line: line, column: column, offset: offset) }
    func advance() {
        let ch = chars[i]
        offset += String(ch).utf8.count
        if ch == "\n" { line += 1; column = 1 } else { column += 1 }
        i += 1
    }
    while i < chars.count {
        let ch = chars[i]
        let start = location()
        if ch == "/" && i + 1 < chars.count && chars[i + 1] == "/" {
            while i < chars.count && chars[i] != "\n" { advance() }
        } else if ch == "\n" {
            advance()
            tokens.append(Token(kind: .newline, text: "\n", range: SourceRange(start, location())))
        } else if ch == " " || ch == "\t" {
            advance()
        } else if ch.isLetter || ch == "_" {
            var word = ""
            while i < chars.count && (chars[i].isLetter || chars[i].isNumber || chars[i] == "_") { word.append(chars[i]); advance() }
            var literal: Literal?
            if word == "true" { literal = .bool(true) } else if word == "false" { literal = .bool(false) } else if word == "nil" { literal = .null }
            tokens.append(Token(kind: .word, text: word, literal: literal, range: SourceRange(start, location())))
        } else if ch.isNumber || (ch == "-" && i + 1 < chars.count && chars[i + 1].isNumber) {
            var number = String(ch)
            advance()
            while i < chars.count && (chars[i].isNumber || chars[i] == ".") { number.append(chars[i]); advance() }
            let literal: Literal = number.contains(".") ? .double(Double(number) ?? 0) : .integer(Int64(number) ?? 0)
            tokens.append(Token(kind: .number, text: number, literal: literal, range: SourceRange(start, location())))
        } else if ch == "\"" {
            advance()
            var value = ""
            while i < chars.count && chars[i] != "\"" {
                if chars[i] == "\\" { advance() }
                value.append(chars[i])
                advance()
            }
            advance()
            tokens.append(Token(kind: .string, text: value, literal: .string(value), range: SourceRange(start, location())))
        } else {
            advance()
            tokens.append(Token(kind: .symbol, text: String(ch), range: SourceRange(start, location())))
        }
    }
    return tokens
}

/// Reads every `entity` declaration of `source`.
func entities(_ source: String) -> [EntityDecl] {
    let tokens = tokenize(source)
    var i = 0
    func peek(_ text: String) -> Bool { i < tokens.count && tokens[i].text == text }
    func take() -> Token { defer { i += 1 }; return tokens[i] }
    func skipSeparators() { while i < tokens.count && (tokens[i].kind == .newline || tokens[i].text == ";") { i += 1 } }
    func identifier() -> Identifier { let t = take(); return Identifier(t.text, t.range) }

    var decls: [EntityDecl] = []
    skipSeparators()
    while i < tokens.count {
        let keyword = take() // entity
        let name = identifier()
        _ = take() // {
        var members: [MemberDecl] = []
        skipSeparators()
        while !peek("}") {
            let start = tokens[i].range
            if peek("index") || (peek("unique") && i + 1 < tokens.count && tokens[i + 1].text == "index") {
                let isUnique = peek("unique")
                if isUnique { i += 1 }
                i += 2 // index (
                var columns: [Identifier] = []
                while !peek(")") { columns.append(identifier()); if peek(",") { i += 1 } }
                let close = take()
                members.append(.index(IndexDecl(columns: columns, isUnique: isUnique, range: start.union(close.range))))
            } else {
                let propertyName = identifier()
                _ = take() // :
                var typeRange = tokens[i].range
                let isArray = peek("[")
                if isArray { i += 1 }
                let typeName = identifier()
                if isArray { typeRange = typeRange.union(take().range) } else { typeRange = typeName.range }
                var isOptional = false
                if peek("?") { isOptional = true; typeRange = typeRange.union(take().range) }
                var property = PropertyDecl(name: propertyName, type: TypeRef(name: typeName, isOptional: isOptional, isArray: isArray, range: typeRange),
                                            range: propertyName.range.union(typeRange))
                while i < tokens.count && tokens[i].kind != .newline && !peek(";") && !peek("}") {
                    let t = take()
                    switch t.text {
                    case "unique": property.isUnique = true
                    case "index": property.isIndexed = true
                    case "=":
                        let value = take()
                        property.defaultValue = value.literal
                        property.range = property.range.union(value.range)
                        continue
                    case "on":
                        _ = take() // delete
                        var rule = take()
                        if rule.text == "set" { rule = take(); property.onDelete = .setNull } else {
                            property.onDelete = rule.text == "cascade" ? .cascade : .restrict
                        }
                        property.range = property.range.union(rule.range)
                        continue
                    case "via":
                        property.via = identifier()
                        property.range = property.range.union(property.via!.range)
                        continue
                    default: break
                    }
                    property.range = property.range.union(t.range)
                }
                members.append(.property(property))
            }
            skipSeparators()
        }
        let close = take()
        decls.append(EntityDecl(name: name, members: members, range: keyword.range.union(close.range)))
        skipSeparators()
    }
    return decls
}

/// Defines every entity of `source` in order, stopping at the first change with an error.
func define(_ source: String, in start: Schema = Schema()) -> (schema: Schema, changes: [SchemaChange]) {
    var schema = start
    var changes: [SchemaChange] = []
    for decl in entities(source) {
        let change = schema.defining(decl)
        changes.append(change)
        schema = change.schema
    }
    return (schema, changes)
}

/// The change of defining one more entity.
func change(_ source: String, in schema: Schema) -> SchemaChange {
    schema.defining(entities(source)[0])
}

/// "1:5 error: message"
func describe(_ d: Diagnostic) -> String {
    "\(d.line):\(d.column) \(d.severity.rawValue): \(d.message)"
}

/// The SPEC §2 model.
let specModel = """
entity Author {
  name: String
  email: String unique
  born: Int?                  // optional → nullable column
  rating: Double = 0          // default value
  books: [Book]               // to-many: the inverse of Book.author
  index(name)                 // secondary index
}

entity Book {
  title: String
  year: Int index
  author: Author              // to-one, stored here: column author_id REFERENCES author(id)
  tags: [Tag]                 // to-many on both sides → many-to-many through a join table
}

entity Tag { name: String unique; books: [Book] }

entity Profile { bio: String; author: Author unique }   // one-to-one (unique foreign key)
entity Employee {                                      // self-reference
  name: String
  manager: Employee? on delete set null
  reports: [Employee] via manager                      // explicit inverse when ambiguous
}
"""
