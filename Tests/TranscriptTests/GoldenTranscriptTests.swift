import Foundation
import Render
import Report
import Testing
import Workbench

// Golden transcripts: scripts under Tests/Transcripts/ (and every Playground script) run through
// the workbench and the terminal renderer, exactly as `ormlab run SCRIPT --width W --no-color`
// prints them, and are compared with the checked-in output next to them (SCRIPT.txt).
// `ORMLAB_RECORD=1 swift test --filter GoldenTranscriptTests` re-records them, and the README's
// output blocks marked `<!-- transcript: NAME.orm N-M -->` with them.
//
// Times are the one thing that differs between runs: the transcripts show every statement at
// 0.01 ms (the README says so), and a time or rate in a note or table (":seed … in 0.00 s
// (147,078 rows/s)", ":compare") as "‹t›".

/// The package root, found from this file's path.
private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
/// ORMLAB_RECORD=1: the golden files (SQLite and PostgreSQL) are written, not compared.
let recording = ProcessInfo.processInfo.environment["ORMLAB_RECORD"].map { !$0.isEmpty && $0 != "0" } ?? false

/// One transcript: its script and where its golden output lives.
struct TranscriptCase: CustomTestStringConvertible, Sendable {
    var script: URL
    var golden: URL
    var testDescription: String { script.path.replacingOccurrences(of: root.path + "/", with: "") }

    static let all: [TranscriptCase] = {
        let fm = FileManager.default
        var cases: [TranscriptCase] = []
        let transcripts = root.appendingPathComponent("Tests/Transcripts")
        for name in ((try? fm.contentsOfDirectory(atPath: transcripts.path)) ?? []).sorted() where name.hasSuffix(".orm") {
            let script = transcripts.appendingPathComponent(name)
            cases.append(TranscriptCase(script: script, golden: script.deletingPathExtension().appendingPathExtension("txt")))
        }
        let playground = root.appendingPathComponent("Playground")
        for name in ((try? fm.contentsOfDirectory(atPath: playground.path)) ?? []).sorted() where name.hasSuffix(".orm") {
            cases.append(TranscriptCase(script: playground.appendingPathComponent(name),
                                        golden: transcripts.appendingPathComponent("Playground-" + name.dropLast(4) + ".txt")))
        }
        return cases
    }()
}

/// A script's rendered output, one section per command (`» input` and its panes).
struct Transcript {
    var sections: [String]
    var text: String { sections.joined() }

    /// The recorded output beside `script` (NAME.txt), cut into its sections at each `» ` line.
    static func golden(of script: URL) throws -> Transcript {
        let text = try String(contentsOf: script.deletingPathExtension().appendingPathExtension("txt"), encoding: .utf8)
        var sections: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("» ") || sections.isEmpty { sections.append("") }
            sections[sections.count - 1] += line + "\n"
        }
        if var last = sections.popLast() {
            if last.hasSuffix("\n") { last.removeLast() }
            sections.append(last)
        }
        return Transcript(sections: sections)
    }

    /// Runs the script on a fresh in-memory workbench. The width comes from a first line
    /// `// transcript: width N` (default 100).
    static func run(_ script: URL, databasePath: String = ":memory:") throws -> Transcript {
        let text = try String(contentsOf: script, encoding: .utf8)
        var width = 100
        if let first = text.split(separator: "\n").first, first.hasPrefix("// transcript: width "),
           let n = Int(first.dropFirst("// transcript: width ".count).trimmingCharacters(in: .whitespaces)) {
            width = n
        }
        // `// transcript: db Tests/Fixtures/NAME.sql`: the script runs on a database file built
        // from that SQL (a database ORMLab did not make); its opening report comes first.
        var databasePath = databasePath
        if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("// transcript: db ") }) {
            let fixture = root.appendingPathComponent(String(line.dropFirst("// transcript: db ".count)).trimmingCharacters(in: .whitespaces))
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ormlab-transcript-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            databasePath = directory.appendingPathComponent("fixture.sqlite").path
            try Workbench(databasePath: databasePath).session.database.execute(try String(contentsOf: fixture, encoding: .utf8))
        }
        let workbench = try Workbench(databasePath: databasePath)
        workbench.session.now = { "2024-05-01T12:00:00" } // now() and timestamps: the same on every run
        var sections: [String] = []
        func render(_ report: Report) {
            var shown = report
            shown.sql = StatementRecords(report.sql.map { record in
                var fixed = record
                fixed.ms = 0.01
                return fixed
            })
            shown.notes = report.notes.map { note in
                var masked = note
                masked.message = maskTimes(note.message)
                return masked
            }
            shown.blocks = report.blocks.map(maskTimes)
            let echo = "» " + shown.input.replacingOccurrences(of: "\n", with: "\n  ")
            let body = TerminalRenderer.render(shown, options: RenderOptions(width: width, color: false))
            sections.append(echo + "\n" + body + "\n\n")
        }
        if let opening = workbench.openingReport { render(opening) }
        workbench.run(text, sourceName: script.lastPathComponent) { render($0) }
        return Transcript(sections: sections)
    }
}

/// "0.00 s (147,078 rows/s)" → "‹t› s (‹t› rows/s)": times and rates, which vary between runs.
func maskTimes(_ text: String) -> String {
    text.replacingOccurrences(of: #"\d[\d,]*(\.\d+)? (ms|s|rows/s)\b"#, with: "‹t› $2", options: .regularExpression)
}

func maskTimes(_ block: Block) -> Block {
    switch block {
    case .text(let title, let body): return .text(title: title, body: maskTimes(body))
    case .table(let title, let header, let rows): return .table(title: title, header: header, rows: rows.map { $0.map(maskTimes) })
    case .code(let title, let lines): return .code(title: title, lines: lines.map(maskTimes))
    case .diagram: return block
    }
}

@Suite struct GoldenTranscriptTests {
    @Test func thereAreTranscriptsForTheTourEveryPlaygroundScriptAndEveryLessonTopic() {
        #expect(TranscriptCase.all.count >= 16)
        #expect(TranscriptCase.all.contains { $0.script.lastPathComponent == "tour.orm" })
    }

    @Test(arguments: TranscriptCase.all)
    func outputMatchesTheGoldenFile(_ transcript: TranscriptCase) throws {
        let actual = try Transcript.run(transcript.script).text
        try matchGolden(actual, golden: transcript.golden, shownAs: "\(transcript.testDescription) (\(transcript.golden.lastPathComponent))",
                        suite: "GoldenTranscriptTests")
    }

    /// The README's shown output is cut from the transcripts: a block after
    /// `<!-- transcript: tour.orm 1-2 -->` is commands 1 to 2 of tour.orm's transcript.
    @Test func theReadmeShowsTranscriptOutput() throws {
        let readmeURL = root.appendingPathComponent("README.md")
        let readme = try String(contentsOf: readmeURL, encoding: .utf8)
        var lines = readme.components(separatedBy: "\n")
        var i = 0
        var blocks = 0
        while i < lines.count {
            let line = lines[i]
            guard line.hasPrefix("<!-- transcript: "), line.hasSuffix(" -->") else { i += 1; continue }
            let spec = line.dropFirst("<!-- transcript: ".count).dropLast(" -->".count).split(separator: " ")
            guard spec.count == 2, let dash = spec[1].firstIndex(of: "-"),
                  let from = Int(spec[1][..<dash]), let to = Int(spec[1][spec[1].index(after: dash)...]),
                  i + 1 < lines.count, lines[i + 1] == "```" else {
                Issue.record("README line \(i + 1): write <!-- transcript: NAME.orm FROM-TO --> followed by a ``` block")
                i += 1
                continue
            }
            let script = root.appendingPathComponent("Tests/Transcripts").appendingPathComponent(String(spec[0]))
            // A PostgreSQL-only script (postgres/NAME.orm) is shown from its golden output, which
            // PostgresTranscriptTests checks against the server.
            let transcript = spec[0].hasPrefix("postgres/") ? try Transcript.golden(of: script) : try Transcript.run(script)
            guard from >= 1, to <= transcript.sections.count, from <= to else {
                Issue.record("README line \(i + 1): \(spec[0]) has \(transcript.sections.count) commands")
                i += 1
                continue
            }
            var shown = transcript.sections[(from - 1)..<to].joined().components(separatedBy: "\n")
            while shown.last == "" { shown.removeLast() }
            guard let close = lines[(i + 2)...].firstIndex(of: "```") else {
                Issue.record("README line \(i + 1): the block is not closed")
                break
            }
            let current = Array(lines[(i + 2)..<close])
            if current != shown {
                if recording {
                    lines.replaceSubrange((i + 2)..<close, with: shown)
                } else {
                    let at = zip(current, shown).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(current.count, shown.count)
                    Issue.record("""
                        README line \(i + 3 + at): the block of \(spec[0]) \(spec[1]) is not the transcript's output
                          README:     \(at < current.count ? current[at] : "<end>")
                          transcript: \(at < shown.count ? shown[at] : "<end>")
                        (ORMLAB_RECORD=1 swift test --filter GoldenTranscriptTests rewrites it)
                        """)
                }
            }
            blocks += 1
            i = (lines[(i + 2)...].firstIndex(of: "```") ?? i) + 1
        }
        #expect(blocks >= 3, "the README shows at least three transcript blocks")
        if recording { try lines.joined(separator: "\n").write(to: readmeURL, atomically: true, encoding: .utf8) }
    }
}

/// A transcript against its golden file: written when recording (ORMLAB_RECORD=1), else the
/// first line that differs is the issue. `shownAs` names the file in the issue.
func matchGolden(_ actual: String, golden: URL, shownAs: String, suite: String,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    if recording {
        try actual.write(to: golden, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: golden, encoding: .utf8) else {
        Issue.record("no golden output at \(golden.path): run ORMLAB_RECORD=1 swift test --filter \(suite)", sourceLocation: sourceLocation)
        return
    }
    if actual != expected {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
        Issue.record("""
            \(shownAs) differs at line \(line + 1):
              expected: \(line < e.count ? String(e[line]) : "<end>")
              actual:   \(line < a.count ? String(a[line]) : "<end>")
            (if the change is intended: ORMLAB_RECORD=1 swift test --filter \(suite))
            """, sourceLocation: sourceLocation)
    }
}
