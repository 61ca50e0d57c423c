// libFuzzer target for the interpreter: the input runs as a script on a small schema, and every
// report is rendered by the plain, JSON and terminal renderers. Never a crash or a hang.
//
// Built only by scripts/fuzz.sh (ORMLAB_FUZZ=1 adds this target to Package.swift), with
// `-sanitize=fuzzer`; the top-level code at the end hands control to libFuzzer's driver.
import CLibFuzzer
import Foundation
import Render
import Report
import Workbench

/// What every input starts from, and what it may not do.
enum FuzzSetup {
    /// The schema and rows every input starts from: Fuzz/InterpreterFuzzer/setup.orm, read once
    /// (ReliabilityTests' FuzzRegressionTests replays the regression corpus on the same file).
    static let script: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("setup.orm")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { fatalError("cannot read \(url.path)") }
        return text
    }()

    /// Commands that touch files or run raw SQL (which may attach files or loop forever by design)
    /// answer with a note instead while fuzzing.
    static let stubbedCommands = ["save", "load", "export", "sql", "lesson", "lessons"]

    /// Fewer loop passes than the default 100,000, so nested loops end quickly while fuzzing.
    static let maximumLoopPasses = 5_000
}

func interpreterFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    guard let workbench = try? Workbench() else { return 0 }
    workbench.maximumLoopPasses = FuzzSetup.maximumLoopPasses
    for name in FuzzSetup.stubbedCommands {
        workbench.commandHandlers[name] = { _, _ in Report(input: ":" + name, notes: [Note(.info, "stubbed while fuzzing")]) }
    }
    for report in workbench.run(FuzzSetup.script, sourceName: "<setup>") where !report.ok {
        fatalError("the fuzzer's setup script failed: \(report.input): \(report.diagnostics.map(\.message))")
    }
    for report in workbench.run(text, sourceName: "<fuzz>") {
        _ = PlainRenderer.render(report)
        _ = JSONRenderer.render(report)
        _ = TerminalRenderer.render(report, options: RenderOptions(width: 120, color: true))
        _ = TerminalRenderer.render(report, options: RenderOptions(width: 40, color: false))
    }
    return 0
}

// MARK: - Entry point

/// libFuzzer's standard entry point (its own `main` refers to it).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    interpreterFuzzerTestOneInput(data, size)
}

var arguments = CommandLine.argc
var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &argumentValues) { data, size in interpreterFuzzerTestOneInput(data, size) })
