import DSL
import Report
import Testing
@testable import Workbench

// Two words on a line are one command (issue 16, item 8): supported as one, or rejected before
// anything on the line runs.
@Suite struct OneLineOneCommandTests {
    @Test(arguments: [
        ("save now", 6, "expected a new line or ';' after 'save', found 'now'", "nothing on this line ran; 'save' takes nothing after it"),
        ("begin oops", 7, "expected a new line or ';' after 'begin', found 'oops'",
         "nothing on this line ran; begin takes nothing after it, or 'transaction', or 'immediate' (BEGIN IMMEDIATE)"),
        ("begin transaction oops", 19, "expected a new line or ';' after 'begin', found 'oops'",
         "nothing on this line ran; begin takes nothing after it, or 'transaction', or 'immediate' (BEGIN IMMEDIATE)"),
        ("begin exclusive", 7, "expected a new line or ';' after 'begin', found 'exclusive'",
         "nothing on this line ran; begin takes nothing after it, or 'transaction', or 'immediate' (BEGIN IMMEDIATE)"),
        ("commit work", 8, "expected a new line or ';' after 'commit', found 'work'", "nothing on this line ran; 'commit' takes nothing after it"),
        ("begin   save   Author", 16, "expected a new line or ';' after 'save', found 'Author'",
         "nothing on this line ran; 'save' takes nothing after it"),
        ("save   Author#1   x", 19, "expected a new line or ';' after the command, found 'x'",
         "nothing on this line ran; put each command on its own line, or separate them with ';'"),
        ("begin   Author#1.name = )", 25, "expected an expression, found ')'", nil),
    ] as [(String, Int, String, String?)])
    func aLineWhoseTailFailsRunsNothing(_ line: String, _ column: Int, _ message: String, _ hint: String?) throws {
        let wb = try Workbench()
        for r in wb.run(habitModel + "\ninsert Author(name: \"Butler\")", sourceName: "<test>") { expectOK(r) }
        let reports = wb.run(line, sourceName: "<test>")
        #expect(reports.count == 1)
        let report = try #require(reports.first)
        #expect(!report.ok)
        #expect(report.input == line)
        #expect(report.diagnostics.map(\.message) == [message])
        #expect(report.diagnostics.first?.line == 1)
        #expect(report.diagnostics.first?.column == column)
        #expect(report.diagnostics.first?.hint == hint)
        #expect(report.sql.isEmpty)
        #expect(!wb.session.db.isInTransaction)
        #expect(!wb.session.explicitTransaction)
        // The insert is still pending: the line's save did not run.
        #expect(wb.session.hasPendingChanges)
    }

    @Test func beginTransactionIsBegin() throws {
        let wb = try Workbench()
        let reports = wb.run("begin transaction", sourceName: "<test>")
        #expect(reports.count == 1)
        expectOK(reports[0])
        #expect(sqlTexts(reports[0]) == ["BEGIN"])
        #expect(wb.session.explicitTransaction)
        expectOK(try #require(wb.run("rollback").first))
        #expect(!wb.session.db.isInTransaction)
    }

    @Test(arguments: ["begin immediate", "begin immediate transaction"])
    func beginImmediateTakesTheWriteLock(_ line: String) throws {
        let wb = try Workbench()
        let reports = wb.run(line, sourceName: "<test>")
        #expect(reports.count == 1)
        expectOK(reports[0])
        #expect(sqlTexts(reports[0]) == ["BEGIN IMMEDIATE"])
        #expect(reports[0].sql.first?.cause == "begin immediate")
        #expect(reports[0].notes.map(\.message) == ["transaction open with BEGIN IMMEDIATE: SQLite takes the write (RESERVED) lock now, not at the first write as plain `begin` does; other connections can still read, but none can write until `commit` or `rollback`"])
        #expect(wb.session.explicitTransaction)
        #expect(wb.session.db.isInTransaction)
    }

    /// Commands that each stand alone still share a line, as the README's listings do.
    @Test func commandsThatStandAloneStillShareALine() throws {
        let wb = try Workbench()
        let reports = wb.run(habitModel + "\nAuthor#1    Author.all    Author.count\nbegin   rollback", sourceName: "<test>")
        #expect(reports.map(\.input).suffix(5) == ["Author#1", "Author.all", "Author.count", "begin", "rollback"])
        for r in reports { expectOK(r) }
    }
}
