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
        discussion: """
            The script runs on a fresh in-memory database. If an entity definition fails, its diagnostics are printed, \
            nothing is exported and the exit code is 1. A failed data command (insert, query, save, ...) is printed \
            as a warning with its line, and the entities are exported (exit code 0). Usage mistakes exit with 2.
            """)

    @Argument(help: "The .orm script that defines the entities.")
    var file: String?

    /// `ormlab export --db FILE`: the model inferred from a database ORMLab did not make (or
    /// the one stored in a database it did), exported with the real table and column names.
    @Option(name: .long, help: "Export the model of this database (inferred when ORMLab did not make it; nothing is written to it) instead of a script's.")
    var db: String?

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
        if let db {
            guard file == nil else {
                FileHandleStream.standardError.write("ormlab: export takes a script or --db DATABASE, not both\n")
                throw ExitCode(2)
            }
            try export(try openWorkbench(db), printing: "the model of \(Workbench.displayedTarget(db))")
            return
        }
        guard let file else {
            FileHandleStream.standardError.write("ormlab: export needs a script (ormlab export MODEL.orm) or a database (ormlab export --db FILE)\n")
            throw ExitCode(2)
        }
        guard let text = readTextFile(file) else {
            FileHandleStream.standardError.write("ormlab: cannot read \(file)\n")
            throw ExitCode(2)
        }
        let workbench = try openWorkbench(nil)
        // Only the entities are exported: a failed entity definition stops the export (the code
        // would miss or misstate an entity); a failed data command (an insert, a query, a save)
        // is reported as a warning, since the entities it could not touch are still right.
        var failedDefinitions = 0
        var failedDataLines: [Int] = []
        workbench.run(text, sourceName: file) { report in
            guard !report.ok else { return }
            let isDefinition = report.input.hasPrefix("entity ") || report.input.hasPrefix("entity\t")
                || report.input.hasPrefix("entity\n")
            if isDefinition { failedDefinitions += 1 } else { failedDataLines.append(report.diagnostics.first?.line ?? 0) }
            for diagnostic in report.diagnostics {
                let rendered = isDefinition ? diagnostic.rendered : diagnostic.rendered.replacingFirst("error:", with: "warning:")
                FileHandleStream.standardError.write(rendered + "\n")
            }
        }
        if failedDefinitions > 0 {
            FileHandleStream.standardError.write("ormlab: \(failedDefinitions) entity definition\(failedDefinitions == 1 ? "" : "s") of \(file) failed; nothing is exported\n")
            throw ExitCode(1)
        }
        if !failedDataLines.isEmpty {
            let n = failedDataLines.count
            let lines = failedDataLines.map(String.init).joined(separator: ", ")
            FileHandleStream.standardError.write("ormlab: warning: \(n) data command\(n == 1 ? "" : "s") of \(file) failed (line\(n == 1 ? "" : "s") \(lines)); the entities are exported, the data is not part of an export\n")
        }
        // A script may end inside a transaction (two sessions, a lock): the export needs none.
        workbench.rollBackOpenTransactions()
        try export(workbench, printing: file)
    }

    /// Writes the export (or, for the check script, the schema listing) of `workbench`'s model.
    private func export(_ workbench: Workbench, printing source: String) throws {
        if printSchema {
            print(try schemaListing(workbench), terminator: "")
            return
        }
        let schema = workbench.session.schema
        if schema.order.isEmpty {
            FileHandleStream.standardError.write("ormlab: \(source) has no entities; nothing is exported\n")
            throw ExitCode(1)
        }
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

private extension String {
    /// The text with its first `target` replaced (a diagnostic's "error:" shown as "warning:").
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
