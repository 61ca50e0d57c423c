import ArgumentParser
import Foundation
import Render
import SwiftExport
import Workbench

extension ExportStyle: ExpressibleByArgument {}

/// `ormlab export FILE.orm --style plain|grdb [-o OUT.swift]`: runs a script in a fresh in-memory
/// workbench, quietly, and writes Swift model code for its entities.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write Swift model code for the entities of a script.",
        discussion: "The script runs on a fresh in-memory database; if a command fails, its diagnostics are printed and nothing is exported.")

    @Argument(help: "The .orm script that defines the entities.")
    var file: String

    @Option(name: .long, help: "plain (Codable structs, no dependency) or grdb (GRDB.swift 7 records and migrator).")
    var style: ExportStyle = .plain

    @Option(name: .shortAndLong, help: "Write the code to this file (atomically) instead of standard output.")
    var output: String?

    /// For scripts/check-grdb-export.sh: print the schema ORMLab created (type, name, table, SQL
    /// of every object in sqlite_master, tab-separated, by name) instead of the Swift code.
    @Flag(name: .customLong("print-schema"), help: .hidden)
    var printSchema = false

    /// For scripts/check-grdb-export.sh: write GRDB code that joins through every association
    /// of the grdb export instead of the export itself.
    @Flag(name: .customLong("association-checks"), help: .hidden)
    var associationChecks = false

    func run() throws {
        guard let text = readTextFile(file) else {
            FileHandleStream.standardError.write("ormlab: cannot read \(file)\n")
            throw ExitCode(2)
        }
        let workbench = try openWorkbench(nil)
        var failed = 0
        workbench.run(text, sourceName: file) { report in
            guard !report.ok else { return }
            failed += 1
            for diagnostic in report.diagnostics { FileHandleStream.standardError.write(diagnostic.rendered + "\n") }
        }
        if failed > 0 {
            FileHandleStream.standardError.write("ormlab: \(failed) command\(failed == 1 ? "" : "s") of \(file) failed; nothing is exported\n")
            throw ExitCode(1)
        }

        if printSchema {
            print(try schemaListing(workbench), terminator: "")
            return
        }
        let schema = workbench.session.schema
        let code = associationChecks ? SwiftExporter.grdbAssociationChecks(schema) : SwiftExporter.export(schema, style: style)
        if let output {
            do {
                try writeFileAtomically(code, to: output)
            } catch {
                FileHandleStream.standardError.write("ormlab: cannot write \(output): \(error.localizedDescription)\n")
                throw ExitCode(1)
            }
        } else {
            print(code, terminator: "")
        }
    }

    /// One line per schema object, as the GRDB fixture prints them (ORMLab's own table left out).
    private func schemaListing(_ workbench: Workbench) throws -> String {
        var out = ""
        for object in try workbench.session.database.schemaObjects() {
            out += [object.type, object.name, object.tableName, object.sql ?? "NULL"].joined(separator: "\t") + "\n"
        }
        return out
    }
}
