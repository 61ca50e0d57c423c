import Foundation
import Report
import Testing
@testable import Workbench

// Every `orm` code block of the README and every Playground script runs, each command succeeding.

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The ```orm blocks of a Markdown file.
func ormBlocks(in markdown: String) -> [String] {
    var blocks: [String] = []
    var current: [String]? = nil
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
        if current == nil, line.hasPrefix("```orm") { current = [] ; continue }
        if current != nil, line.hasPrefix("```") { blocks.append(current!.joined(separator: "\n")); current = nil; continue }
        current?.append(String(line))
    }
    return blocks
}

@Suite struct DocumentationExampleTests {
    @Test func everyReadmeExampleRuns() throws {
        let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = ormBlocks(in: readme)
        #expect(blocks.count >= 3)
        for block in blocks {
            let wb = try Workbench()
            // The README's :compare runs lazily over 10,000 authors; a short budget keeps CI quick.
            wb.compareLazyBudgetSeconds = 1
            let reports = wb.run(block, sourceName: "<test>")
            #expect(!reports.isEmpty)
            for r in reports { expectOK(r) }
        }
    }

    @Test(arguments: try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("Playground").path).filter { $0.hasSuffix(".orm") }.sorted())
    func playgroundScriptRuns(_ name: String) throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Playground/\(name)"), encoding: .utf8)
        // A script written for PostgreSQL (`// database: postgres`) runs on the test server; on
        // SQLite its writers wait and fail, which its SQLite golden transcript pins.
        if text.contains("\n// database: postgres\n") {
            guard sessionServer != nil else {
                print("SKIPPING Playground/\(name) here: it is written for PostgreSQL and ORMLAB_TEST_PG is not set (its SQLite golden transcript ran)")
                return
            }
            try withPostgresSchema { url in
                let reports = try runScript(text, in: Workbench(databasePath: url))
                #expect(reports.count > 5)
                for r in reports { expectOK(r) }
            }
            return
        }
        let reports = try runScript(text)
        #expect(reports.count > 5)
        for r in reports { expectOK(r) }
    }
}
