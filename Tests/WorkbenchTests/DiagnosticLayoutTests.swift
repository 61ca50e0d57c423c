import Render
import Report
import Testing
@testable import Workbench

/// How a diagnostic reads in a terminal: wrapped between words at the width (a hint the terminal
/// broke mid-word, "com / mit", was the bug), the quoted source untouched, and a lesson's verdict
/// after the error it speaks of.
@Suite struct DiagnosticLayoutTests {
    @Test func aLongHintWrapsBetweenWordsAndTheSourceQuoteStaysWhole() throws {
        let report = try runScript("entity Author { name: String }\nsession.commit()")[1]
        #expect(!report.ok)
        let text = TerminalRenderer.render(report, options: RenderOptions(width: 60, color: false))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for line in lines { #expect(displayWidth(line) <= 60, "too wide: \(line)") }
        #expect(lines.contains("2 | session.commit()"))
        // Every word of the rendered diagnostic survives the wrapping, in order.
        let words = { (s: String) in s.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init) }
        #expect(words(text) == words(report.diagnostics[0].rendered))
        // A continuation line of the hint is indented under it, not glued to the margin.
        let hint = try #require(lines.firstIndex { $0.hasPrefix("  = hint:") })
        #expect(hint + 1 < lines.count && lines[hint + 1].hasPrefix("    "))
    }

    @Test func aLessonVerdictComesAfterTheError() {
        var report = Report(input: "Author.find(1)", ok: false)
        report.diagnostics = [DiagnosticRecord(severity: "error", message: "'find(1)' is the ActiveRecord way", line: 1, column: 8,
                                               hint: nil, rendered: "error: 'find(1)' is the ActiveRecord way")]
        report.notes = [Note(.lesson, "Step 2 of 6, not yet: that command failed"), Note(.info, "an ordinary note")]
        let terminal = TerminalRenderer.render(report, options: RenderOptions(width: 80, color: false))
        let error = terminal.range(of: "error: 'find(1)'")!.lowerBound
        #expect(terminal.range(of: "an ordinary note")!.lowerBound < error)
        #expect(terminal.range(of: "that command failed")!.lowerBound > error)
        let plain = PlainRenderer.render(report)
        #expect(plain.hasSuffix("error: 'find(1)' is the ActiveRecord way\nnote: Step 2 of 6, not yet: that command failed"))
    }
}
