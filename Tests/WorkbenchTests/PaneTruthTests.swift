import Render
import Report
import Testing
@testable import Workbench

// Issue 16, item 8: the panes never teach something false (the N+1 fix of a nested loop,
// failed statements in the SQL pane, :save's file types). :explain's cases are in QueryPlanTests.

@Suite struct PaneTruthTests {
    @Test func aNestedNPlusOneGetsTheFullIncludePath() throws {
        let wb = try library()
        let report = try #require(wb.run("for a in Author.all { for b in a.books { b.tags.count } }").first)
        expectOK(report)
        let tags = #"SELECT "book_tag"."book_id", "tag".* FROM "tag" JOIN "book_tag" ON "book_tag"."tag_id" = "tag"."id" WHERE "book_tag"."book_id" = ?"#
        #expect(report.notes.filter { $0.kind == .nPlusOne }.map(\.message) == [
            #"N+1 queries: the same SELECT ran 3 times in this command, once per object (cause: a.books): SELECT "book".* FROM "book" WHERE "book"."author_id" = ?. Fix: include(books.tags) in the loop's query (Author.all.include(books.tags)), or :set lazy batch, loads each level with one more query."#,
            "N+1 queries: the same SELECT ran 4 times in this command, once per object (cause: b.tags): \(tags). Fix: include(books.tags) in the loop's query (Author.all.include(books.tags)), or :set lazy batch, loads each level with one more query.",
        ])
        #expect(PlainRenderer.render(report).contains("warning: N+1 queries: the same SELECT ran 4 times in this command, once per object (cause: b.tags): \(tags). Fix: include(books.tags) in the loop's query (Author.all.include(books.tags))"))
        // The advice, followed, leaves no N+1: one query per level.
        _ = wb.run(":forget")
        let fixed = try #require(wb.run("for a in Author.all.include(books.tags) { for b in a.books { b.tags.count } }").first)
        expectOK(fixed)
        #expect(fixed.sql.count == 3)
        #expect(!fixed.notes.contains { $0.kind == .nPlusOne })
    }

    @Test func aSingleLevelNPlusOneKeepsItsInclude() throws {
        let report = try #require(try library().run("for b in Book.all { b.tags.count }").first)
        #expect(report.notes.first { $0.kind == .nPlusOne }?.message.hasSuffix("Fix: include(tags) in the query, or :set lazy batch loads them all in one more query.") == true)
    }

    @Test func compareAndLogFoldLongINListsInTextOnly() throws {
        let wb = try Workbench()
        for r in wb.run(libraryModel + "\n:seed Author 12\n:seed Book 30\n:forget") { expectOK(r) }
        let compare = try #require(wb.run(":compare Author.all.include(books)").first)
        expectOK(compare)
        let inList = try #require(compare.sql.first { $0.sql.contains(" IN (") })
        #expect(inList.params.count == 12)                  // the report (and its JSON) keeps them all
        let text = PlainRenderer.render(compare)
        #expect(text.contains(#"SELECT "book".* FROM "book" WHERE "book"."author_id" IN (?, ?, … 12 values)  -- ? = 1, 2, … 12 values"#))
        #expect(!text.contains("IN (?, ?, ?"))
        let log = try #require(wb.run(":log").first)
        let logText = PlainRenderer.render(log)
        #expect(logText.contains(#"WHERE "book"."author_id" IN (?, ?, … 12 values)  -- 1, 2, … 12 values"#))
        #expect(!logText.contains("IN (?, ?, ?"))
    }
}
