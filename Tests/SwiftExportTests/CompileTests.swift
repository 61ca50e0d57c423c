import Foundation
import TestSupport
import Mapping
import Testing
import Workbench
@testable import SwiftExport

// The plain export of every Playground script (and of the export fixtures, which cover keywords,
// self-references, one-to-one, many-to-many, migrations and Rails naming) must type-check with
// `swiftc -typecheck` and no dependency. The GRDB export is compiled against GRDB.swift 7.10.0
// and run by scripts/check-grdb-export.sh (it needs the GRDB package, built once).

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The scripts every export test runs: Playground/*.orm and Tests/Fixtures/ExportScripts/*.orm.
func exportScripts() -> [String] {
    var paths: [String] = []
    for folder in ["Playground", "Tests/Fixtures/ExportScripts"] {
        let directory = repositoryRoot.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        paths += names.filter { $0.hasSuffix(".orm") }.sorted().map { "\(folder)/\($0)" }
    }
    return paths
}

/// swiftc on PATH, or nil (the compile tests are then skipped, saying why).
let swiftcPath: String? = programPath("swiftc")

/// Runs `swiftc -typecheck` on `code`; the compiler's diagnostics, or nil when it type-checks.
func typecheckErrors(_ code: String, name: String) throws -> String? {
    guard let swiftc = swiftcPath else { return nil }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ormlab-export-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("\(name).swift")
    try Data(code.utf8).write(to: file)

    let result = try runChild(swiftc, ["-typecheck", "-swift-version", "6", file.path], timeout: 300)
    if result.timedOut { return "swiftc did not finish within 5 minutes" }
    return result.status == 0 && !result.signaled ? nil : result.stdout + result.stderr
}

/// The schema a script file leaves behind; every command must succeed.
func schema(ofScript relativePath: String) throws -> Schema {
    let url = repositoryRoot.appendingPathComponent(relativePath)
    let text = try String(contentsOf: url, encoding: .utf8)
    let workbench = try Workbench()
    let failed = workbench.run(text, sourceName: relativePath).filter { !$0.ok }
    // A script written for PostgreSQL (`// database: postgres`) makes its writers wait on
    // SQLite (`database is locked`); its entities are defined all the same.
    let writtenForPostgres = text.contains("\n// database: postgres\n")
    #expect(failed.isEmpty || writtenForPostgres, "\(relativePath): \(failed.map { $0.input + ": " + $0.diagnostics.map(\.message).joined(separator: "; ") })")
    return workbench.session.schema
}

@Suite struct CompileTests {
    @Test func thereAreScriptsToExport() {
        #expect(exportScripts().count >= 4, "\(exportScripts())")
    }

    @Test(.enabled(if: swiftcPath != nil, "swiftc is not on PATH: the plain export cannot be type-checked here"),
          arguments: exportScripts())
    func plainExportTypeChecks(_ script: String) throws {
        let schema = try schema(ofScript: script)
        #expect(!schema.order.isEmpty, "\(script) defines no entity")
        let code = SwiftExporter.export(schema, style: .plain)
        let errors = try typecheckErrors(code, name: "Plain")
        #expect(errors == nil, "\(script):\n\(errors ?? "")\n\(code)")
    }

    @Test(arguments: exportScripts())
    func grdbExportHasARecordPerEntityAndTheWholeDDL(_ script: String) throws {
        let schema = try schema(ofScript: script)
        let code = SwiftExporter.export(schema, style: .grdb)
        let model = ExportModel(schema)
        for entity in model.entities {
            #expect(code.contains("struct \(entity.typeName): Codable, Hashable, Identifiable, FetchableRecord, MutablePersistableRecord {"))
            #expect(code.contains("static let databaseTableName = \(swiftStringLiteral(entity.mapping.table))"))
            for statement in schema.createStatements(for: entity.mapping.name) {
                #expect(code.contains("try db.execute(sql: \(swiftRawStringLiteral(statement)))"), "\(statement)")
            }
        }
        for join in schema.joinTables {
            #expect(code.contains("static let databaseTableName = \(swiftStringLiteral(join.name))"))
        }
    }

    @Test(.enabled(if: swiftcPath != nil, "swiftc is not on PATH"))
    func theTypeCheckCatchesBrokenCode() throws {
        let errors = try typecheckErrors("struct A { var x: Int = \"no\" }\n", name: "Broken")
        #expect(errors?.contains("error:") == true)
    }
}
