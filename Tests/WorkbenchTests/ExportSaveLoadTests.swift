import Foundation
import Report
import SwiftExport
import Testing
@testable import Workbench

// :export swift [plain|grdb] [FILE], :save FILE and :load FILE.

/// A fresh temporary directory, removed by `body`'s end.
private func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ormlab-wb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try body(directory)
}

/// Runs a script and expects every command to succeed.
@discardableResult
private func runAll(_ workbench: Workbench, _ script: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Report] {
    let reports = workbench.run(script)
    for report in reports {
        #expect(report.ok, "\(report.input): \(report.diagnostics.map(\.message))", sourceLocation: sourceLocation)
    }
    return reports
}

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

private let exportModel = """
    entity Author { name: String; born: Int?; books: [Book] }
    entity Book { title: String; year: Int index; author: Author; tags: [Tag] }
    entity Tag { name: String unique; books: [Book] }
    """

@Suite struct ExportCommandTests {
    @Test func showsPlainCodeByDefault() throws {
        let workbench = try Workbench()
        runAll(workbench, exportModel)
        let report = try #require(runAll(workbench, ":export swift").first)
        let expected = SwiftExporter.export(workbench.session.schema, style: .plain)
        #expect(report.blocks == [.code(title: "Swift (plain)", lines: expected.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))])
        #expect(report.notes.map(\.message) == ["3 entities exported as plain Codable structs; add a file name to write it: :export swift plain Model.swift"])
    }

    @Test func writesGRDBRecordsToAFile() throws {
        try withTemporaryDirectory { directory in
            let workbench = try Workbench()
            runAll(workbench, exportModel)
            let path = directory.appendingPathComponent("Model.swift").path
            let report = try #require(runAll(workbench, ":export swift grdb \(path)").first)
            #expect(report.blocks.isEmpty)
            #expect(report.notes.map(\.message) == ["3 entities exported as GRDB records to \(path)"])
            let written = try String(contentsOfFile: path, encoding: .utf8)
            #expect(written == SwiftExporter.export(workbench.session.schema, style: .grdb))
        }
    }

    @Test func aFileNameAloneMeansPlain() throws {
        try withTemporaryDirectory { directory in
            let workbench = try Workbench()
            runAll(workbench, exportModel)
            let path = directory.appendingPathComponent("Plain.swift").path
            runAll(workbench, ":export swift \(path)")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == SwiftExporter.export(workbench.session.schema, style: .plain))
        }
    }

    @Test(arguments: [
        (":export", ":export needs a language: swift", "for example :export swift plain, :export swift grdb Model.swift"),
        (":export kotlin", "ORMLab exports Swift only, not 'kotlin'", "for example :export swift plain, :export swift grdb Model.swift"),
        (":export swift grbd", "unknown export style 'grbd'", "did you mean 'grdb'?"),
    ])
    func mistakesAreDiagnostics(_ command: String, _ message: String, _ hint: String) throws {
        let workbench = try Workbench()
        let report = try #require(workbench.run(command).first)
        #expect(!report.ok)
        #expect(report.diagnostics.map(\.message) == [message])
        #expect(report.diagnostics.first?.hint == hint)
    }

    @Test func waitingEntitiesAreNamed() throws {
        let workbench = try Workbench()
        _ = workbench.run("entity Book { title: String; author: Author }")
        let report = try #require(workbench.run(":export swift").first)
        #expect(report.ok)
        #expect(report.notes.map(\.message).prefix(2) == [
            "no entities yet: the export is empty. Define one with entity Author { name: String }",
            "not exported: Book waits for Author, which is not defined",
        ])
    }

    @Test func anUnwritableFileIsADiagnostic() throws {
        let workbench = try Workbench()
        runAll(workbench, exportModel)
        let report = try #require(workbench.run(":export swift plain /nonexistent-dir/Model.swift").first)
        #expect(!report.ok)
        #expect(report.diagnostics.first?.message.hasPrefix("cannot write /nonexistent-dir/Model.swift") == true)
    }
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
