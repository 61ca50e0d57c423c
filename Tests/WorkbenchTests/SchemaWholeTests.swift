import Render
import Report
import Testing
@testable import Workbench

// SPEC §16: `:schema` shows every DDL statement whole at any width: long lines wrap (the rest of
// the line four columns in), nothing is cut with "…".
@Suite struct SchemaWholeTests {
    @Test(arguments: [40, 60, 100])
    func schemaDDLIsWrappedNeverCut(width: Int) throws {
        let reports = try runScript("""
            entity Book { title: String; year: Int; tags: [Tag] }
            entity Tag { label: String unique; books: [Book] }
            :schema
            """)
        let schema = try #require(reports.last)
        expectOK(schema)
        guard case .code(_, let statements) = try #require(schema.blocks.first) else { Issue.record("no DDL block"); return }
        #expect(statements.contains(#"CREATE TABLE "book_tag" ("book_id" INTEGER NOT NULL REFERENCES "book"("id") ON DELETE CASCADE, "tag_id" INTEGER NOT NULL REFERENCES "tag"("id") ON DELETE CASCADE, PRIMARY KEY ("book_id", "tag_id"))"#))
        let shown = TerminalRenderer.render(schema, options: RenderOptions(width: width, color: false))
        #expect(!shown.contains("…"))
        for line in shown.split(separator: "\n") { #expect(displayWidth(String(line)) <= width, "\(line)") }
        // Joined back, the lines under the title are the statements, word for word.
        let words = shown.split(separator: "\n").dropFirst().flatMap { $0.split(separator: " ") }
        #expect(words == statements.flatMap { $0.split(separator: " ") })
    }
}
