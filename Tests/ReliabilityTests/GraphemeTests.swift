import DSL
import Foundation
import Render
import Report
import Testing
@testable import Workbench

// MARK: - Grapheme clusters around quotes and escapes

/// Found by the property tests: Swift joins a combining mark to the ASCII character before it,
/// and a prepending mark (U+06DD) to the one after it, so the lexer missed quotes and escapes.
@Suite("Combining marks next to quotes and escapes", .timeLimit(.minutes(1)))
struct GraphemeTests {
    @Test("strings that start or end next to combining, joining and prepending marks", arguments: [
        "\u{301}abc", "\u{200D}x", "\u{FE0F}", "\u{363}cP", "ab\u{6DD}", "\u{6DD}", "x\u{600}",
        "\t\u{301}e", "\\\u{301}", "\"\u{301}", "\u{1b}\u{301}", "\u{0}\u{FE0F}", "e\u{301}",
    ])
    func marksInStrings(_ text: String) throws {
        let wb = try libraryWorkbench()
        let literal = quoteDSLString(text)
        let reports = wb.run("insert Author(name: \(literal))\nsave\n:forget\nAuthor#2.name\nAuthor.where(name == \(literal)).count")
        expectAllOK(reports)
        #expect(reports[3].value == .text(text))
        #expect(reports[4].value == .integer(1))
    }

    @Test("a combining mark after a name is one diagnostic with a hint, and the caret sits under it")
    func markAfterName() throws {
        let wb = try libraryWorkbench()
        let report = wb.run("Author.where(nam\u{301}e == \"x\")")[0]
        let expected = "unexpected character '" + String(Unicode.Scalar(0x301)!) + "'"
        #expect(messages(report) == [expected])
        #expect(report.diagnostics.first?.hint == "a combining mark joins the character before it; names use only the letters A-Z and a-z, digits and '_'; put other text in a string")
        #expect(report.diagnostics.first?.column == 17)
    }

    @Test("columns after a split character still count what the learner sees")
    func columnsAfterMarks() throws {
        let wb = try libraryWorkbench()
        let report = wb.run("Author.where(name == \"\u{301}\u{6DD}\" and nme == 1)")[0]
        // The quote with U+0301, and U+06DD with the quote, are one column each, as a terminal shows them.
        let before = "Author.where(name == \"\u{301}\u{6DD}\" and "
        #expect(before.count == 28)
        #expect(report.diagnostics.first?.column == before.count + 1)
        #expect(report.diagnostics.first?.message == "unknown property 'nme' on Author")
    }
}
