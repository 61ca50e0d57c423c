import Foundation
import Report
import SQLiteKit
import Testing
@testable import Workbench

// `:explain` on a database ORMLab did not make (issue 18): its index advice knows the indexes the
// database has (IFK_TrackAlbumId, a two-column one made with CREATE INDEX), suggests one only
// where none serves the query, and does not count on a partial index, which index(...) cannot say.

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

@Suite struct ExistingIndexAdviceTests {
    private func chinook(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("chinook.sqlite").path
        let connection = try Connection(path: path)
        try connection.execute(try String(contentsOf: fixtures.appendingPathComponent("chinook-style.sql"), encoding: .utf8))
        try connection.execute("""
            CREATE INDEX "IX_TrackNameMs" ON "Track" ("Name", "Milliseconds");
            CREATE INDEX "IX_InvoiceDate" ON "Invoice" ("InvoiceDate") WHERE "Total" > 0;
            """)
        return path
    }

    private func advice(_ report: Report) -> [String] {
        report.notes.map(\.message).filter { $0.contains("add `index(") }
    }

    private func plan(_ report: Report) -> String {
        for case .code(let title, let lines) in report.blocks where title?.hasPrefix("Query plan") == true { return lines.joined(separator: "\n") }
        return ""
    }

    @Test func theAdviceKnowsTheIndexesTheDatabaseHas() throws {
        try withTemporaryDirectory { dir in
            let path = try chinook(in: dir)
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let workbench = try Workbench(databasePath: path)
            let opening = try #require(workbench.openingReport)
            #expect(opening.notes.contains { $0.message.hasPrefix("index IX_InvoiceDate on Invoice(InvoiceDate): left to the database (a partial index") })
            let reports = runAll(workbench, """
            :explain Track.where(album == Album#1)
            :explain Track.where(name == "Go Down")
            :explain Invoice.where(invoiceDate > "2009-01-01")
            :explain Customer.where(lastName == "Köhler")
            """)
            // The foreign key's index IFK_TrackAlbumId and the two-column IX_TrackNameMs serve their queries: no advice.
            #expect(plan(reports[0]).contains("SEARCH Track USING INDEX IFK_TrackAlbumId (AlbumId=?)"))
            #expect(advice(reports[0]).isEmpty)
            #expect(plan(reports[1]).contains("SEARCH Track USING INDEX IX_TrackNameMs (Name=?)"))
            #expect(advice(reports[1]).isEmpty)
            // The partial index cannot serve a range on InvoiceDate: a full one is advised.
            #expect(plan(reports[2]).contains("SCAN Invoice"))
            #expect(advice(reports[2]) == ["the query filters on invoiceDate, and Invoice.InvoiceDate has no index: add `index(invoiceDate)` to entity Invoice (turns the scan into a search)"])
            #expect(advice(reports[3]) == ["the query filters on lastName, and Customer.LastName has no index: add `index(lastName)` to entity Customer (turns the scan into a search)"])
            // The model names the indexes it maps by their real names.
            let track = try #require(workbench.session.schema.entity("Track"))
            #expect(track.indexes.map(\.name) == ["IFK_TrackAlbumId", "IX_TrackNameMs"])
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        }
    }
}
