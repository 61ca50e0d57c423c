import Render
import Report
import Testing
@testable import Workbench

@Suite struct StatementLogTests {
    @Test func logGroupsSimilarAndDuplicateStatements() throws {
        let wb = try library()
        _ = wb.run("for a in Author.all { a.books.count }")
        _ = wb.run(":forget")
        _ = wb.run("Author#1.books")
        let log = try #require(wb.run(":log").first)
        let similar = log.blocks.compactMap { block -> [[String]]? in
            if case .table(let title?, _, let rows) = block, title.hasPrefix("Similar") { return rows }
            return nil
        }.first
        #expect(similar?.contains([ "4", "1", #"SELECT "book".* FROM "book" WHERE "book"."author_id" = ?"#]) == true)
    }

    @Test func statsCountsPerCommandAndSession() throws {
        let wb = try library()
        _ = wb.run("for a in Author.all { a.books.count }")
        let stats = try #require(wb.run(":stats").first)
        guard case .table(_, _, let rows) = try #require(stats.blocks.first) else { Issue.record("no table"); return }
        #expect(rows.last?[0] == "for a in Author.all { a.books.count }")
        #expect(rows.last?[1] == "4")
        #expect(rows.last?[3] == "3")
    }
}
