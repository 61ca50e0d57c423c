import Foundation
import Report
import SwiftExport
import Testing
@testable import Workbench

// :export swift [plain|grdb] [FILE], :save FILE and :load FILE.

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
