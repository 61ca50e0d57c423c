import DSL
import Foundation
import Render
import Report
import Testing
@testable import Workbench

// Every input in Fuzz/Regressions once crashed or hung ORMLab (found by the fuzzers, the hostile
// input tests or the property tests). Each runs here exactly as its fuzzer runs it, so CI catches
// a regression without building the fuzzers; scripts/fuzz.sh replays them through libFuzzer too.

/// The files of one regression corpus, sorted.
func regressionInputs(_ target: String) -> [String] {
    let directory = repositoryRoot.appendingPathComponent("Fuzz/Regressions/\(target)")
    return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
}

func regressionInput(_ target: String, _ name: String) throws -> String {
    let url = repositoryRoot.appendingPathComponent("Fuzz/Regressions/\(target)/\(name)")
    return String(decoding: try Data(contentsOf: url), as: UTF8.self)
}

@Suite("Fuzz regressions", .timeLimit(.minutes(1)))
struct FuzzRegressionTests {
    @Test("the regression corpora are there")
    func corporaExist() {
        #expect(regressionInputs("parser").count >= 7)
        #expect(regressionInputs("interpreter").count >= 10)
    }

    @Test("parser regressions: parse, continuation check and every diagnostic rendered", arguments: regressionInputs("parser"))
    func parser(_ name: String) throws {
        let text = try regressionInput("parser", name)
        let file = SourceFile(name: name, text: text)
        _ = Parser.needsContinuation(text)
        let result = Parser.parse(file)
        #expect(!result.items.isEmpty)
        for diagnostic in result.diagnostics {
            #expect(diagnostic.rendered(in: file).hasPrefix("error: "))
        }
    }

    @Test("interpreter regressions: run on the fuzzer's schema, every report rendered three ways", arguments: regressionInputs("interpreter"))
    func interpreter(_ name: String) throws {
        let setup = try String(contentsOf: repositoryRoot.appendingPathComponent("Fuzz/InterpreterFuzzer/setup.orm"), encoding: .utf8)
        let wb = try Workbench()
        wb.maximumLoopPasses = 5_000 // as FuzzSetup.maximumLoopPasses
        for command in ["save", "load", "export", "sql", "lesson", "lessons"] {
            wb.commandHandlers[command] = { _, _ in Report(input: ":" + command, notes: [Note(.info, "stubbed while fuzzing")]) }
        }
        expectAllOK(wb.run(setup, sourceName: "<setup>"))
        let reports = wb.run(try regressionInput("interpreter", name), sourceName: name)
        #expect(!reports.isEmpty)
        for report in reports {
            #expect(!PlainRenderer.render(report).isEmpty)
            #expect(JSONRenderer.render(report).hasPrefix("{"))
            #expect(!TerminalRenderer.render(report, options: RenderOptions(width: 120, color: true)).isEmpty)
            #expect(!TerminalRenderer.render(report, options: RenderOptions(width: 40, color: false)).isEmpty)
            // No raw SQLite error reaches the learner from any of these inputs.
            #expect(!report.diagnostics.contains { $0.message.hasPrefix("SQLite") }, "\(name): \(report.diagnostics.map(\.message))")
        }
        // The session is still usable afterwards.
        #expect(wb.run("Author.count").first?.ok == true)
    }
}
