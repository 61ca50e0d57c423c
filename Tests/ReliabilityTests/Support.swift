import Foundation
import TestSupport
import Report
import Testing
@testable import Workbench

// MARK: - Workbench helpers

/// Runs `script` in `workbench` (default: a fresh in-memory one) and returns its reports.
func run(_ script: String, in workbench: Workbench? = nil) throws -> [Report] {
    let wb = try workbench ?? Workbench()
    return wb.run(script, sourceName: "<test>")
}

/// Fails the test with the report's diagnostics when it did not succeed.
func expectOK(_ report: Report, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(report.ok, "\(report.input.prefix(200)) failed: \(report.diagnostics.map(\.rendered).joined())",
            sourceLocation: sourceLocation)
}

/// Fails the test unless every report succeeded.
func expectAllOK(_ reports: [Report], sourceLocation: SourceLocation = #_sourceLocation) {
    for report in reports { expectOK(report, sourceLocation: sourceLocation) }
}

/// The messages of a report's diagnostics.
func messages(_ report: Report) -> [String] { report.diagnostics.map(\.message) }

/// A named value of an object snapshot.
func value(_ object: ObjectSnapshot, _ name: String) -> ReportValue? {
    object.values.first { $0.name == name }?.value
}

/// The schema most tests start from: authors, books, tags, with every association kind.
let librarySchema = """
entity Author { name: String; born: Int?; rating: Double = 0; books: [Book] }
entity Book { title: String; year: Int; author: Author; tags: [Tag] }
entity Tag { name: String unique; books: [Book] }
insert Author(name: "Ursula", born: 1929)
insert Book(title: "The Dispossessed", year: 1974, author: Author#1)
insert Tag(name: "sf")
save
"""

/// A fresh in-memory workbench with `librarySchema` loaded.
func libraryWorkbench(sourceLocation: SourceLocation = #_sourceLocation) throws -> Workbench {
    let wb = try Workbench()
    expectAllOK(wb.run(librarySchema, sourceName: "<schema>"), sourceLocation: sourceLocation)
    return wb
}

// MARK: - Files

/// A new empty directory under the system's temporary directory; remove it with `removeTree`.
func makeTemporaryDirectory(_ label: String = "ormlab-reliability") throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func removeTree(_ url: URL) {
    try? FileManager.default.removeItem(at: url)
}

/// Every file and directory under `root`, as paths relative to it, sorted.
func listing(of root: URL) -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
    var out: [String] = []
    while let path = enumerator.nextObject() as? String { out.append(path) }
    return out.sorted()
}

/// The repository's root directory (this file is Tests/ReliabilityTests/Support.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

// MARK: - The real executable

/// The `ormlab` executable built next to the test bundle (`swift build` builds both).
func ormlabExecutable() throws -> URL {
    let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    let candidates = [bundle.appendingPathComponent("ormlab"),
                      repositoryRoot.appendingPathComponent(".build/debug/ormlab")]
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
        return candidate
    }
    throw ExecutableMissing(searched: candidates.map(\.path))
}

struct ExecutableMissing: Error, CustomStringConvertible {
    var searched: [String]
    var description: String { "ormlab is not built (run `swift build`); looked in \(searched.joined(separator: ", "))" }
}

/// What a finished `ormlab` process left behind.
struct ProcessResult {
    var status: Int32
    /// True when the process ended by a signal (a crash, or our kill) rather than exiting.
    var killedBySignal: Bool
    var stdout: String
    var stderr: String
}

/// Runs `ormlab` with `arguments`, `stdin` as its standard input, in `directory`, with
/// `environment` (default: inherited). Fails the test (and kills it) after `timeout`.
func runORMLab(_ arguments: [String], stdin: Data = Data(), directory: URL? = nil,
               environment: [String: String]? = nil, timeout: TimeInterval = 60) throws -> ProcessResult {
    let result = try runChild(try ormlabExecutable().path, arguments, stdin: stdin, environment: environment,
                              directory: directory?.path, timeout: timeout)
    if result.timedOut { Issue.record("ormlab \(arguments.joined(separator: " ")) did not finish within \(timeout) s") }
    return ProcessResult(status: result.status, killedBySignal: result.signaled && !result.timedOut,
                         stdout: result.stdout, stderr: result.stderr)
}
