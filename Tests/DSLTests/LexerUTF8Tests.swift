import TestSupport
import Testing
@testable import DSL

// The lexer reads UTF-8 bytes but must step through the characters `Lexer.lexable` defines:
// every ASCII character stands alone, and columns count the Characters the learner sees.

private func tokens(_ text: String) -> [Token] {
    Lexer.tokenize(SourceFile(text: text))
}

@Test func combiningMarkAfterAnASCIILetterIsAStrayCharacterWithoutAColumn() {
    // "café" spelled with e + U+0301: "cafe" is a name; the mark is stray and takes no column,
    // so "=" is where the learner sees it.
    let result = tokens("let cafe\u{301} = 1")
    #expect(result.map(\.kind) == [.identifier, .identifier, .error, .assign, .integer, .endOfInput])
    #expect(result[1].text == "cafe")
    #expect(result[2].text == "\u{301}")
    #expect(result[2].range.start == SourceLocation(line: 1, column: 9, offset: 8))
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

@Test func aCombiningMarkOnTheClosingQuoteDoesNotHideIt() {
    let result = tokens("\"a\"\u{301}")
    #expect(result.map(\.kind) == [.string, .error, .endOfInput])
    #expect(result[0].literal == .string("a"))
}

@Test func stepsAreTheCharactersLexableDefines() {
    let pieces = ["a", "Z", "_", "1", " ", "\"", "\\", "(", "\n", "\r", "\r\n", "é", "e\u{301}", "\"\u{301}",
                  "\u{6DD}\"", "🙂", "👩‍👩‍👧", "🇫🇷", "\u{301}", "한", "\u{1100}\u{1161}", "x\u{200D}y", "\t"]
    var generator = SeededGenerator(seed: 0x5EED_0F_1E7)   // the same 500 texts every run, so a failure replays
    for _ in 0..<500 {
        let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
        let reference = Lexer.lexable(text)
        let steps = Lexer.steps(through: text)
        #expect(steps.map(\.character) == reference.characters, "\(Array(text.unicodeScalars))")
        let columns = reference.characters.indices.map { !reference.splitMarks.contains($0) }
        #expect(steps.map(\.takesColumn) == columns, "\(Array(text.unicodeScalars))")
    }
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
