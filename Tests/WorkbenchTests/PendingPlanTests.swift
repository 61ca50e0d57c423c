import Report
import Testing
@testable import Workbench

// `:pending` shows the flush's own plan: the statements listed are, one for one, the statements
// the `save` after it runs, with the same causes.

@Suite struct PendingIsTheFlushPlanTests {
    @Test func pendingListsTheStatementsOfTheFollowingSaveInOrder() throws {
        let wb = try Workbench()
        for r in wb.run("""
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author?; tags: [Tag] }
        entity Tag { name: String; books: [Book] }
        :set autoflush off
        let ann = insert Author(name: "Ann")
        let bob = insert Author(name: "Bob")
        let one = insert Book(title: "One", author: ann)
        let three = insert Book(title: "Three", author: bob)
        let red = insert Tag(name: "red")
        let blue = insert Tag(name: "blue")
        one.tags.add(blue)
        save
        let four = insert Book(title: "Four")
        let cy = insert Author(name: "Cy")
        four.author = cy
        ann.name = "Ann B."
        one.tags.add(red)
        four.tags.add(blue)
        one.tags.remove(blue)
        delete bob
        delete three
        """) { expectOK(r) }
        let pending = try #require(wb.run(":pending").first)
        expectOK(pending)
        guard case .code(_, let lines) = try #require(pending.blocks.first) else { Issue.record("no pending SQL"); return }
        // "BEGIN", then "n. SQL  -- values" and "   ↳ cause" per statement, then "COMMIT".
        let listed = lines.dropFirst().dropLast()
        let statements = stride(from: listed.startIndex, to: listed.endIndex, by: 2).map { i -> (sql: String, cause: String) in
            let line = listed[i].drop { $0 != " " }.dropFirst()
            let sql = line.range(of: "  -- ").map { String(line[..<$0.lowerBound]) } ?? String(line)
            return (sql, String(listed[i + 1].dropFirst("   ↳ ".count)))
        }
        let save = try #require(wb.run("save").first)
        expectOK(save)
        #expect(save.sql.first?.sql == "BEGIN")
        #expect(save.sql.last?.sql == "COMMIT")
        let written = Array(save.sql.dropFirst().dropLast())
        #expect(written.map(\.sql) == statements.map(\.sql))
        #expect(written.map(\.cause) == statements.map { "save: " + $0.cause })
        // Parents first, then updates, link changes, deletes children first.
        #expect(statements.map(\.cause) == [
            "Author (new #3) new", "Book (new #3) new", "Author#1 dirty (name)",
            "Book#1.tags.add(Tag#1)", "Book (new #3).tags.add(Tag#2)", "Book#1.tags.remove(Tag#2)",
            "Book#2 deleted", "Author#2 deleted",
        ])
    }
}
