import Foundation
import TestSupport
import Report
import SQLiteKit
import Testing
@testable import Workbench

// MARK: - A many-to-many added between two existing entities

@Suite("Many-to-many between existing entities") struct ManyToManyRedefinitionTests {
    @Test("the first side waits, the second applies both; rows stay and a reopened file has the association")
    func oneSideAtATime() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let db = directory.appendingPathComponent("m2m.db").path
        do {
            let wb = try Workbench(databasePath: db)
            expectAllOK(wb.run("""
            entity Tag { name: String }
            entity Book { title: String }
            insert Tag(name: "sf")
            insert Book(title: "Dune")
            save
            """))
            let first = try #require(wb.run("entity Book { title: String; tags: [Tag] }").first)
            expectOK(first)
            #expect(first.sql.isEmpty)
            #expect(first.diagnostics.map(\.rendered).joined().contains("1:30"))
            #expect(first.diagnostics.map(\.message) == ["Book waits for Tag: 'tags' needs Tag to point back at Book"])
            let early = try #require(wb.run("Book#1.tags").first)
            #expect(!early.ok, "Book keeps its old mapping until Tag points back")
            let schema = try #require(wb.run(":schema").first)
            guard case .code(_, let lines)? = schema.blocks.first else { Issue.record("no schema block"); return }
            #expect(lines.last == "-- Book: new definition waiting for Tag (the table above is current)")

            let second = try #require(wb.run("entity Tag { name: String; books: [Book] }").first)
            expectOK(second)
            #expect(second.sql.map(\.sql) == [#"CREATE TABLE "book_tag" ("book_id" INTEGER NOT NULL REFERENCES "book"("id") ON DELETE CASCADE, "tag_id" INTEGER NOT NULL REFERENCES "tag"("id") ON DELETE CASCADE, PRIMARY KEY ("book_id", "tag_id"))"#])
            expectAllOK(wb.run("Book#1.tags.add(Tag#1)\nsave"))
        }
        let reopened = try Workbench(databasePath: db)
        let reports = reopened.run("Tag#1.books\nBook#1.tags.count")
        expectAllOK(reports)
        #expect(reports[0].objects.map(\.ref) == ["Book#1"])
        #expect(reports[1].value == .integer(1))
    }
}
