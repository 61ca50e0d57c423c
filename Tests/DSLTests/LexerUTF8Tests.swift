import Testing
@testable import DSL

// The lexer reads UTF-8 bytes on a fast path but must still move one Character at a time:
// columns count what the learner sees, and a combining mark joins the character before it.

private func tokens(_ text: String) -> [Token] {
    Lexer.tokenize(SourceFile(text: text))
}

@Test func combiningMarkAfterAnASCIILetterEndsTheName() {
    // "café" spelled with e + U+0301: "caf" is a name, "é" is one (stray) character.
    let result = tokens("let cafe\u{301} = 1")
    #expect(result.map(\.kind) == [.identifier, .identifier, .error, .assign, .integer, .endOfInput])
    #expect(result[1].text == "caf")
    #expect(result[2].text == "e\u{301}")
    #expect(result[2].range.start == SourceLocation(line: 1, column: 8, offset: 7))
    #expect(result[2].range.end == SourceLocation(line: 1, column: 9, offset: 10))
    #expect(result[3].range.start == SourceLocation(line: 1, column: 10, offset: 11))
}

@Test func nonASCIIStringsCountColumnsInCharacters() {
    let result = tokens("\"naïve 🙂\" x")
    #expect(result.map(\.kind) == [.string, .identifier, .endOfInput])
    #expect(result[0].literal == .string("naïve 🙂"))
    #expect(result[0].text == "\"naïve 🙂\"")
    #expect(result[1].range.start == SourceLocation(line: 1, column: 11, offset: 14))
}

@Test func plainAndEscapedStringsKeepTheirValues() {
    let result = tokens(#""plain text" "tab\there \u{E9}" """#)
    #expect(result.map(\.kind) == [.string, .string, .string, .endOfInput])
    #expect(result[0].literal == .string("plain text"))
    #expect(result[1].literal == .string("tab\there é"))
    #expect(result[2].literal == .string(""))
}

@Test func aCombiningMarkOnTheClosingQuoteLeavesTheStringOpen() {
    let result = tokens("\"a\"\u{301}")
    #expect(result.first?.kind == .error)
    #expect(result.first?.diagnostic?.message == "unterminated string literal")
}

@Test func carriageReturnLineFeedIsOneLineBreak() {
    let result = tokens("a\r\nb")
    #expect(result.map(\.kind) == [.identifier, .newline, .identifier, .endOfInput])
    #expect(result[2].range.start == SourceLocation(line: 2, column: 1, offset: 3))
}

@Test func numbersAndNamesNextToEachOther() {
    let result = tokens("Author#12 x_1 3.25 1_000")
    #expect(result.map(\.kind) == [.identifier, .hash, .integer, .identifier, .decimal, .integer, .endOfInput])
    #expect(result[2].literal == .integer(12))
    #expect(result[3].text == "x_1")
    #expect(result[4].literal == .double(3.25))
    #expect(result[5].literal == .integer(1000))
    #expect(result[5].range.end == SourceLocation(line: 1, column: 25, offset: 24))
}
