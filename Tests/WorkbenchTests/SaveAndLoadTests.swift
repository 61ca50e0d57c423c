import Foundation
import Report
import SwiftExport
import Testing
@testable import Workbench

/// Every row of every entity table, as text, table by table in definition order.
private func allRows(_ workbench: Workbench) throws -> [String] {
    var rows: [String] = []
    for entity in workbench.session.schema.orderedEntities {
        _ = try workbench.session.db.query("SELECT * FROM \"\(entity.table)\" ORDER BY id") { row in
            rows.append(entity.table + ": " + row.values.map(\.sqlLiteral).joined(separator: " | "))
        }
    }
    for join in workbench.session.schema.joinTables {
        _ = try workbench.session.db.query("SELECT * FROM \"\(join.name)\" ORDER BY 1, 2") { row in
            rows.append(join.name + ": " + row.values.map(\.sqlLiteral).joined(separator: " | "))
        }
    }
    return rows
}

/// The DDL of the whole schema.
private func ddl(_ workbench: Workbench) -> [String] {
    let schema = workbench.session.schema
    return schema.order.flatMap { schema.createStatements(for: $0) }
}

@Suite struct SaveAndLoadTests {
    @Test func aSavedSessionLoadsIntoTheSameSchemaAndRows() throws {
        try withTemporaryDirectory { directory in
            let original = try Workbench()
            runAll(original, exportModel)
            runAll(original, """
                insert Author(name: "Ursula K. Le Guin", born: 1929)
                insert Author(name: "Octavia E. Butler")
                insert Book(title: "The Dispossessed", year: 1974, author: Author#1)
                insert Book(title: "Kindred", year: 1979, author: Author#2)
                insert Tag(name: "utopia")
                save
                Book#1.tags.add(Tag#1)
                Author#2.born = 1947
                save
                Author.where(born < 1950).order(name)
                entity Author { name: String; born: Int?; rating: Double = 0; books: [Book] }
                """)
            // A failed command is not saved.
            #expect(original.run("insert Nope(x: 1)").first?.ok == false)

            let path = directory.appendingPathComponent("session.orm").path
            let saved = try #require(runAll(original, ":save \(path)").first)
            #expect(saved.notes.map(\.message) == ["saved 14 commands to \(path); replay with :load \(path) or ormlab run \(path)"])
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.hasPrefix("// Saved by ORMLab: the session's successful commands, replayable with :load or ormlab run\nentity Author { name: String; born: Int?; books: [Book] }\n"))
            #expect(!text.contains("Nope"))
            #expect(!text.contains(":save"))

            let copy = try Workbench()
            let loaded = try #require(runAll(copy, ":load \(path)").first)
            #expect(loaded.notes.map(\.message) == ["ran 14 commands from \(path)"])
            #expect(ddl(copy) == ddl(original))
            #expect(try allRows(copy) == allRows(original))
            #expect(try allRows(copy).contains("author: 2 | 'Octavia E. Butler' | 1947 | 0.0"))
            #expect(try allRows(copy).contains("book_tag: 1 | 1"))
            // The replayed session exports the same model.
            #expect(SwiftExporter.export(copy.session.schema, style: .grdb) == SwiftExporter.export(original.session.schema, style: .grdb))
        }
    }

    @Test func loadingAMissingFileIsADiagnostic() throws {
        let workbench = try Workbench()
        let report = try #require(workbench.run(":load /nonexistent-dir/session.orm").first)
        #expect(!report.ok)
        #expect(report.diagnostics.map(\.message) == ["cannot read /nonexistent-dir/session.orm"])
    }

    @Test func saveAndLoadNeedAFileName() throws {
        let workbench = try Workbench()
        #expect(workbench.run(":save").first?.diagnostics.map(\.message) == [":save needs a file name"])
        #expect(workbench.run(":load").first?.diagnostics.map(\.message) == [":load needs a file name"])
    }
}
