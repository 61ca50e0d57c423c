import DSL
import Foundation
import Render
import Report
import Workbench
#if canImport(Glibc)
import Glibc
#endif

/// The interactive loop: read an entry (several lines while brackets are open), run it, render
/// its reports. A mistake never ends the loop.
final class REPL {
    let workbench: Workbench
    let output: Output
    var entryNumber = 0

    init(workbench: Workbench, output: Output) {
        self.workbench = workbench
        self.output = output
    }

    func run() {
        Swift.print("ORMLab \(ORMLabCommand.version): :help for help, Ctrl-D to leave.")
        while !workbench.quitRequested {
            guard let entry = readEntry() else { break }
            let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            entryNumber += 1
            workbench.run(entry, sourceName: "<repl>") { output.print($0) }
        }
    }

    /// One entry: a line, plus continuation lines while a `{`, `(` or `[` is open.
    func readEntry() -> String? {
        Swift.print("ormlab> ", terminator: "")
        fflush(stdout)
        guard var text = readLine() else { return nil }
        while Parser.needsContinuation(text) {
            Swift.print("   ...> ", terminator: "")
            fflush(stdout)
            guard let more = readLine() else { break }
            text += "\n" + more
        }
        return text
    }
}
