import Report
import Testing
@testable import Workbench

// Issue 20: the queries people reach for: distinct, exists (one cheap statement), pluck
// (values, no objects), and :sql SELECT hydrating objects when its columns are an entity's row.

private func books() throws -> Workbench {
    let wb = try Workbench()
    runAll(wb, """
    entity Book { title: String; year: Int }
    insert Book(title: "A", year: 1969)
    insert Book(title: "B", year: 1974)
    insert Book(title: "C", year: 1974)
    save
    :forget
    """)
    return wb
}

@Suite struct QueryShortcutTests {
    @Test func distinctSelectGivesTheDistinctValues() throws {
        let wb = try books()
        let r = try #require(wb.run("Book.distinct.select(year)").first)
        #expect(sqlTexts(r) == [#"SELECT DISTINCT "book"."year" FROM "book""#])
        guard case .table(_, let header, let rows) = try #require(r.blocks.first) else { Issue.record("no table"); return }
        #expect(header == ["year"])
        #expect(rows == [["1969"], ["1974"]])
        #expect(r.objects.isEmpty)
    }

    @Test func existsIsOneCheapStatement() throws {
        let wb = try books()
        let yes = try #require(wb.run("Book.where(year > 1970).exists").first)
        #expect(sqlTexts(yes) == [#"SELECT 1 FROM "book" WHERE "book"."year" > ? LIMIT ?"#])
        #expect(yes.value == .bool(true))
        #expect(yes.objects.isEmpty)
        #expect(wb.run("Book.where(year > 2000).exists").first?.value == .bool(false))
    }

    @Test func pluckGivesValuesAndNoObjects() throws {
        let wb = try books()
        let r = try #require(wb.run("Book.where(year == 1974).order(title desc).pluck(title, year)").first)
        #expect(sqlTexts(r) == [#"SELECT "book"."title", "book"."year" FROM "book" WHERE "book"."year" = ? ORDER BY "book"."title" DESC"#])
        guard case .table(_, let header, let rows) = try #require(r.blocks.first) else { Issue.record("no table"); return }
        #expect(header == ["title", "year"])
        #expect(rows == [[#""C""#, "1974"], [#""B""#, "1974"]])
        #expect(wb.session.identityMapCount == 0)
        let bad = try #require(wb.run("Book.pluck(titel)").first)
        #expect(bad.diagnostics.first?.message == "unknown property 'titel' on Book")
    }

    @Test func rawSelectOfAnEntitysRowHydratesObjectsThroughTheIdentityMap() throws {
        let wb = try books()
        runAll(wb, "Book#1")
        let r = try #require(wb.run(":sql SELECT * FROM book WHERE year < 1980 ORDER BY id").first)
        expectOK(r)
        #expect(r.objects.map(\.ref) == ["Book#1", "Book#2", "Book#3"])
        #expect(r.objects.map(\.fromIdentityMap) == [true, false, false])
        #expect(r.notes.contains { $0.kind == .identityMap && $0.message.hasPrefix("the columns are Book's row") })
        // Columns that are not a whole row stay a table.
        let partial = try #require(wb.run(":sql SELECT title FROM book").first)
        #expect(partial.objects.isEmpty)
    }
}
