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
    /// The schema and rows every input starts from (a fresh in-memory database each time).
    static let script = """
entity Author { name: String; email: String? unique; born: Int?; rating: Double = 0; books: [Book]; index(name) }
entity Book { title: String; year: Int index; published: Date?; cover: Data?; inPrint: Bool = true; author: Author; tags: [Tag] }
entity Tag { name: String unique; books: [Book] }
insert Author(name: "Ursula K. Le Guin", email: "ursula@example.org", born: 1929)
insert Author(name: "Ted Chiang", born: 1967, rating: 4.5)
insert Book(title: "The Dispossessed", year: 1974, author: Author#1)
insert Book(title: "Exhalation", year: 2019, author: Author#2, published: "2019-05-07")
insert Tag(name: "sf")
save
Book#1.tags.add(Tag#1)
save
"""

    /// Commands that touch files or run raw SQL (which may attach files or loop forever by design)
    /// answer with a note instead while fuzzing.
    static let stubbedCommands = ["save", "load", "export", "sql", "lesson", "lessons"]
}

func interpreterFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    guard let workbench = try? Workbench() else { return 0 }
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
