import Testing
@testable import DSL

// MARK: - Helpers

private func tokens(_ text: String) -> [Token] {
    Lexer.tokenize(SourceFile(name: "<test>", text: text))
}

/// Tokens as `kind:text` (punctuation as its spelling), without the final end of input.
private func kinds(_ text: String) -> String {
    tokens(text).dropLast().map { token in
        switch token.kind {
        case .identifier: return token.isQuoted ? "quoted:\(token.name)" : "id:\(token.text)"
        case .integer, .decimal, .string: return "\(token.kind.rawValue):\(token.literal?.source ?? "big")"
        case .newline: return "NL"
        case .error: return "error"
        default: return token.kind.rawValue
        }
    }.joined(separator: " ")
}

// MARK: - Token kinds

@Test(arguments: [
    ("Author#1.name", "id:Author # integer:1 . id:name"),
    ("{ } ( ) [ ] , : ; . # ? = == != < <= > >= + - * /",
     "{ } ( ) [ ] , : ; . # ? = == != < <= > >= + - * /"),
    ("a<=b>=c!=d==e", "id:a <= id:b >= id:c != id:d == id:e"),
    ("x_1 _y Z9", "id:x_1 id:_y id:Z9"),
    ("`in` `order` in", "quoted:in quoted:order id:in"),
    ("42 1_000 0", "integer:42 integer:1000 integer:0"),
    ("1.5 2e3 1.5e-3 2E+2", "decimal:1.5 decimal:2000.0 decimal:0.0015 decimal:200.0"),
    ("1.count", "integer:1 . id:count"),
    ("9223372036854775807", "integer:9223372036854775807"),
    ("9223372036854775808", "integer:big"),
    (#""a\"b\\c\n\t\r\0\u{E9}""#, #"string:"a\"b\\c\n\t\r\0é""#),
    ("\"\"", "string:\"\""),
    ("a // comment ( [ {\nb", "id:a NL id:b"),
    ("a / b", "id:a / id:b"),
])
func tokenKinds(input: String, expected: String) {
    #expect(kinds(input) == expected)
}

@Test func keywordsAreContextual() {
    let list = tokens("insert `insert` index Author")
    #expect(list[0].keyword == .insert)
    #expect(list[1].keyword == nil)
    #expect(list[1].name == "insert")
    #expect(list[1].text == "`insert`")
    #expect(list[2].keyword == .index)
    #expect(list[3].keyword == nil)
    #expect(Keyword.allCases.count == 23)
}

// MARK: - Line breaks

@Test(arguments: [
    ("a\nb", "id:a NL id:b"),
    ("a\n\n\n  // only a comment\n\nb", "id:a NL id:b"),               // one separator for a run
    ("f(a,\n  b)", "id:f ( id:a , id:b )"),                             // not inside ( )
    ("[1,\n2]", "[ integer:1 , integer:2 ]"),                           // not inside [ ]
    ("{\na\n}", "{ NL id:a NL }"),                                      // but inside { }
    ("f({\na\n})", "id:f ( { NL id:a NL } )"),                          // innermost bracket decides
    ("Author.all\n  .limit(3)", "id:Author . id:all . id:limit ( integer:3 )"), // leading dot continues
    ("a\r\nb", "id:a NL id:b"),                                         // CRLF
    ("a\rb", "id:a id:b"),                                              // a lone CR is a space
    ("(\n)\nx", "( ) NL id:x"),
])
func lineBreaks(input: String, expected: String) {
    #expect(kinds(input) == expected)
}

// MARK: - Locations

@Test func locationsCountCharactersAndUTF8Bytes() {
    // "é" is 2 UTF-8 bytes and one column; "👩‍💻" is one Character of 11 bytes.
    let list = tokens("let s = \"é👩‍💻\" x\n  y")
    let x = list[4]
    #expect(x.text == "x")
    #expect(x.range.start == DSL.SourceLocation(line: 1, column: 14, offset: 24))
    #expect(x.range.end.column == 15)
    let y = list[6]
    #expect(y.range.start.line == 2)
    #expect(y.range.start.column == 3)
    #expect(y.range.start.offset == 28)
    let string = list[3]
    #expect(string.range.start.column == 9)
    #expect(string.range.end.column == 13)
    #expect(SourceFile(text: "let s = \"é👩‍💻\" x\n  y").slice(string.range) == "\"é👩‍💻\"")
}

@Test func sliceLexingKeepsFileCoordinates() {
    let file = SourceFile(name: "<test>", text: "save\n:explain Book.where(year > 2000)", firstLine: 5)
    // The argument starts at line 6, column 10, byte offset 14.
    let start = DSL.SourceLocation(line: 6, column: 10, offset: 14)
    let end = DSL.SourceLocation(line: 6, column: 33, offset: 37)
    let list = Lexer.tokenize(file, range: SourceRange(start, end))
    #expect(list.first?.text == "Book")
    #expect(list.first?.range.start == start)
    #expect(list.dropLast().last?.text == ")")
    #expect(list.dropLast().last?.range.end == end)
    #expect(list.last?.kind == .endOfInput)
}

@Test func endOfInputRepeats() {
    var lexer = Lexer(file: SourceFile(text: "x"))
    #expect(lexer.next().kind == .identifier)
    #expect(lexer.next().kind == .endOfInput)
    #expect(lexer.next().kind == .endOfInput)
}

// MARK: - Lexical errors

@Test(arguments: [
    ("\"abc", "1:1", "unterminated string literal"),
    ("x = \"abc\ny", "1:5", "unterminated string literal"),
    (#""a\qb""#, "1:3", "invalid escape sequence '\\q' in string"),
    (#""\u{110000}""#, "1:2", "\\u{110000} is not a valid Unicode scalar"),
    (#""\u{}""#, "1:2", "\\u{} is not a valid Unicode scalar"),
    (#""\u41""#, "1:2", "expected '{' after \\u, as in \\u{E9}"),
    ("99999999999999999999", "1:1", "integer literal 99999999999999999999 does not fit in Int (64-bit)"),
    ("1e999", "1:1", "decimal literal 1e999 does not fit in Double"),
    ("12abc", "1:1", "'12abc' is not a valid number"),
    ("a @ b", "1:3", "unexpected character '@'"),
    ("$x", "1:1", "unexpected character '$'"),
    ("a\0", "1:2", "unexpected character U+0000"),
    ("\u{7}", "1:1", "unexpected character U+0007"),
    ("a\u{A0}b", "1:2", "unexpected character U+00A0"),
    ("café", "1:4", "unexpected character 'é'"),
    ("`in", "1:1", "expected a name between backticks"),
    ("``", "1:1", "expected a name between backticks"),
])
func lexicalErrors(input: String, location: String, message: String) {
    let errors = tokens(input).filter { $0.kind == .error }
    #expect(errors.count == 1)
    #expect(errors.first?.diagnostic?.message == message)
    #expect(errors.first?.diagnostic?.range.start.description == location)
}

@Test func lexingGoesOnAfterAnError() {
    #expect(kinds("a @ b\n\"x") == "id:a error id:b NL error")
    #expect(kinds("\"unterminated\nnext") == "error NL id:next")
}

@Test func strayCharacterHints() {
    let hints = ["!x", "a && b", "'x'", "“x”"].map { tokens($0).first { $0.kind == .error }?.diagnostic?.hint }
    #expect(hints == [
        "write 'not' to negate a condition, '!=' to compare",
        "write 'and' to combine conditions",
        "strings use straight double quotes, as in \"text\"",
        "strings use straight double quotes, as in \"text\"",
    ])
}

/// The byte offsets `lo..<hi` as a range (slicing reads only the offsets).
private func offsetRange(_ lo: Int, _ hi: Int) -> SourceRange {
    SourceRange(DSL.SourceLocation(line: 1, column: 1, offset: lo), DSL.SourceLocation(line: 1, column: 1, offset: hi))
}

/// `slice` decodes a native string's bytes in place; what it returns must be what copying the
/// UTF-8 view gives: exact text on scalar boundaries, repaired pieces of a cut scalar, clamped ends.
@Test func sliceMatchesTheUTF8ViewCopy() {
    let text = "insert Person(name: \"Zoë 👩‍💻\")\nsave"
    let file = SourceFile(text: text)
    func copied(_ lo: Int, _ hi: Int) -> String {
        let utf8 = text.utf8
        let lo = max(0, min(lo, utf8.count)), hi = max(lo, min(hi, utf8.count))
        let bytes = utf8[utf8.index(utf8.startIndex, offsetBy: lo)..<utf8.index(utf8.startIndex, offsetBy: hi)]
        return String(bytes) ?? String(decoding: bytes, as: UTF8.self)
    }
    let count = text.utf8.count
    for lo in [-3, 0, 7, 20, 23, 24, 26, count - 4, count, count + 5] {
        for hi in [-1, 0, 13, 22, 23, 25, 27, 30, count - 5, count, count + 9] {
            #expect(file.slice(offsetRange(lo, hi)) == copied(lo, hi), "\(lo)..<\(hi)")
        }
    }
    #expect(file.slice(offsetRange(0, 6)) == "insert")
    #expect(file.slice(offsetRange(count - 4, count)) == "save")
    #expect(file.slice(offsetRange(23, 24)) == "\u{FFFD}") // the first byte of "ë" alone
}

/// `trimmedSlice` trims ASCII whitespace on the bytes; it must give what trimming the slice's
/// Characters gives, also with other whitespace (a no-break space, a line separator), CR LF,
/// a combining mark on a space, and ends that cut a scalar.
@Test func trimmedSliceMatchesTrimmingCharacters() {
    let text = " \t insert A(x: 1)\r\n\u{A0}save \u{301}y\u{2028}\n\u{0B}é 👩‍💻\u{C}  "
    let file = SourceFile(text: text)
    func reference(_ lo: Int, _ hi: Int) -> String {
        var characters = Substring(file.slice(offsetRange(lo, hi)))
        while let first = characters.first, first.isWhitespace { characters.removeFirst() }
        while let last = characters.last, last.isWhitespace { characters.removeLast() }
        return String(characters)
    }
    let count = text.utf8.count
    for lo in -1...count + 1 {
        for hi in lo...count + 2 {
            #expect(file.trimmedSlice(offsetRange(lo, hi)) == reference(lo, hi), "\(lo)..<\(hi)")
        }
    }
    #expect(file.trimmedSlice(offsetRange(0, 18)) == "insert A(x: 1)")
}

@Test func packedNamesReadWholeWordsLikeByteByByte() {
    // `packedName` loads two words where the buffer has 16 bytes past the start and goes byte
    // by byte near its end: both must pack the same bytes the same way.
    let text: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz_0123456789é".utf8)
    func reference(_ bytes: ArraySlice<UInt8>) -> PackedName {
        var low: UInt64 = 0
        var high = UInt64(bytes.count) << 56
        for (k, b) in bytes.enumerated() {
            if k < 8 { low |= UInt64(b) << UInt64(8 * k) } else { high |= UInt64(b) << UInt64(8 * (k - 8)) }
        }
        return PackedName(low: low, high: high)
    }
    text.withUnsafeBufferPointer { buffer in
        for from in 0..<buffer.count {
            for length in 0...min(15, buffer.count - from) {
                #expect(PackedName(buffer, from, from + length) == reference(text[from..<(from + length)]),
                        "from \(from), length \(length)")
            }
        }
    }
}
