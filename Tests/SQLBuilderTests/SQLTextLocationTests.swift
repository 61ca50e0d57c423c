import Foundation
import Testing

// Where SQL text may be written: in SQLBuilder (the renderer and the dialects) and in the drivers
// (SQLiteKit's introspection and metadata), nowhere else. These read the sources, so a statement
// written as a string in a layer above fails here with its file and line.

@Suite struct SQLTextLocationTests {
    /// The package's `Sources` folder, found from this file's path.
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")

    /// The layers above the drivers and SQLBuilder.
    static let layersAbove = ["DSL", "Mapping", "Runtime", "Workbench", "Report", "Render", "LessonKit", "REPLKit", "SwiftExport", "ormlab"]

    /// Every line of every Swift file of `target`, with its file and line number; comments left out.
    static func lines(of target: String) throws -> [(place: String, text: String)] {
        let folder = sources.appendingPathComponent(target)
        guard let files = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        var out: [(String, String)] = []
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") { continue }
                out.append(("\(target)/\(file):\(n + 1)", String(line)))
            }
        }
        return out
    }

    /// A string literal that starts a statement: `"SELECT …`, `"INSERT INTO …`, `"BEGIN"`, ...
    static let statementStart = try! NSRegularExpression(pattern:
        #"#?"(SELECT |INSERT INTO|UPDATE "|DELETE FROM|CREATE (UNIQUE )?(TABLE|INDEX)|ALTER TABLE|DROP (TABLE|INDEX)|BEGIN"|COMMIT"|ROLLBACK( TO|")|SAVEPOINT |RELEASE |PRAGMA |EXPLAIN )"#)

    /// Files that hold SQL words without building statements: the highlighter's word list, and
    /// the SQL a learner may type out of habit (recognised, never run).
    static let keywordLists: Set<String> = ["Render/SQLHighlighter.swift", "DSL/ForeignHabits.swift"]

    @Test func noStatementTextAboveSQLBuilderAndTheDrivers() throws {
        var found: [String] = []
        for target in Self.layersAbove {
            for (place, text) in try Self.lines(of: target) where !Self.keywordLists.contains(place.components(separatedBy: ":")[0]) {
                // Reading SQL (a prefix test) and a note's prose that names a statement build none.
                if ["hasPrefix(", "starts(", "Note("].contains(where: text.contains) { continue }
                let range = NSRange(text.startIndex..., in: text)
                if Self.statementStart.firstMatch(in: text, range: range) != nil { found.append("\(place): \(text.trimmingCharacters(in: .whitespaces))") }
            }
        }
        #expect(found == [], "build the statement as a value in SQLBuilder and render it with the session's dialect")
    }

    @Test func onlyTheDriverTouchesSQLiteAndItsMetadataTable() throws {
        var found: [String] = []
        for target in Self.layersAbove + ["SQLBuilder", "DatabaseKit"] {
            for (place, text) in try Self.lines(of: target) {
                if text.contains("sqlite3_") || text.contains("_ormlab_entities") || text.contains("import CSQLite") {
                    found.append("\(place): \(text.trimmingCharacters(in: .whitespaces))")
                }
                // Runtime names its driver in one file; nothing above Runtime imports one.
                if text.hasPrefix("import SQLiteKit") && place.components(separatedBy: ":")[0] != "Runtime/Driver.swift" {
                    found.append("\(place): \(text)")
                }
            }
        }
        #expect(found == [])
    }
}
