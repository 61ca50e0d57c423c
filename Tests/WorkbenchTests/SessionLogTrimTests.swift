import Render
import Report
import Testing
@testable import Workbench

@Suite struct SessionLogTrimTests {
    /// The session log is kept as one array per command and trimmed across them: it must read
    /// as the log appended to one array and trimmed by a tenth at the limit always did.
    @Test func sessionLogMatchesItsReportsWhenTrimmed() throws {
        let wb = try Workbench()
        wb.session.log.entryLimit = 20
        var model: [(command: Int, text: String, record: StatementRecord)] = []
        let reports = wb.run(libraryData + """
            for a in Author.all { a.books.count }
            insert Tag(name: "new")
            insert Tag(name: "newer")
            save
            Book.all.include(tags)
            """)
        for (i, report) in reports.enumerated() {
            for record in report.sql {
                if model.count >= 20 { model.removeFirst(model.count / 10) }
                model.append((i + 1, report.input, record))
            }
            // Each report reads the same records however it is read.
            #expect(report.sql.array == Array(report.sql))
            #expect(report.sql.indices.map(report.sql.sql(at:)) == report.sql.map(\.sql))
            #expect(report.sql.indices.map(report.sql.cause(at:)) == report.sql.map(\.cause))
            #expect(report.sql.indices(ofSQLWithPrefix: "SELECT") == report.sql.indices.filter { report.sql[$0].sql.hasPrefix("SELECT") })
            #expect(StatementRecords(report.sql.array).indices(ofSQLWithPrefix: "INSERT") == report.sql.indices(ofSQLWithPrefix: "INSERT"))
        }
        let entries = wb.session.log.entries
        #expect(entries.map(\.command) == model.map(\.command))
        #expect(entries.map(\.commandText) == model.map(\.text))
        #expect(entries.map(\.record) == model.map(\.record))
        // Causes made when read: a flush's new objects, with and without a prefix.
        #expect(reports.contains { $0.sql.contains { $0.cause == "save: Tag (new #4) new" } })
        #expect(reports.contains { $0.sql.contains { $0.cause == "autoflush before Book#1: Tag (new #2) new" } })
    }
}
