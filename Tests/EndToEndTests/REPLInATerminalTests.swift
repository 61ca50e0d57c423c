import Foundation
import TestSupport
import Testing

// The real `ormlab` binary, used as a person would: in a terminal (through tmux), as a script
// runner, and with commands piped on stdin.

// MARK: - The REPL in a terminal

/// Drives the REPL in a tmux pane: type, press keys, read the screen.
struct TmuxSession {
    let name: String
    let tmux = "/usr/bin/tmux"

    init(command: String, width: Int = 120, height: Int = 40) throws {
        name = "ormlab-test-\(UUID().uuidString.prefix(8))"
        try runProcess(tmux, ["new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), command])
    }

    func send(_ keys: String...) throws { try runProcess(tmux, ["send-keys", "-t", name] + keys) }
    /// Types text and waits until the line editor has echoed it, so a key sent next (Ctrl-C,
    /// Enter) reaches the same line even when the machine is busy.
    func type(_ text: String) throws {
        try runProcess(tmux, ["send-keys", "-t", name, "-l", text])
        _ = try waitFor(String(text.suffix(12)))
    }
    func screen() throws -> String { try runProcess(tmux, ["capture-pane", "-p", "-t", name]).stdout }
    var isRunning: Bool { (try? runProcess(tmux, ["has-session", "-t", name]).status) == 0 }
    func kill() { _ = try? runProcess(tmux, ["kill-session", "-t", name]) }

    /// The REPL on the database file `db`, with its own HOME (for the history), at its prompt.
    static func repl(onDatabase db: String, home: String) throws -> TmuxSession {
        let session = try TmuxSession(command: "env -u XDG_STATE_HOME HOME=\(home) TERM=xterm-256color NO_COLOR=1 \(ormlabBinary) --db \(db)")
        try session.waitForPrompt()
        return session
    }

    /// Types each line, presses Enter and waits for the next prompt.
    func enter(_ lines: [String]) throws {
        for line in lines {
            try type(line)
            try send("Enter")
            try waitForPrompt()
        }
    }

    /// Waits a few seconds for the REPL to leave; whether it did.
    func hasLeft(within seconds: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return !isRunning
    }

    /// Waits until the REPL shows an empty prompt as its last line: ready for the next command.
    func waitForPrompt(timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            let lines = last.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if lines.last == "ormlab>" { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("timed out waiting for the prompt; screen:\n\(last)")
    }

    /// Waits until the screen contains `text` (or fails after a few seconds).
    func waitFor(_ text: String, timeout: Double = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("timed out waiting for \(text.debugDescription); screen:\n\(last)")
        return last
    }
}

@Suite(.serialized) struct REPLInATerminalTests {
    @Test(.timeLimit(.minutes(1))) func completionMultiLineCtrlCHistoryAndCtrlD() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            Issue.record("tmux is missing: ./dev test installs it")
            return
        }
        let home = try temporaryDirectory()
        let session = try TmuxSession(command: "env -u XDG_STATE_HOME HOME=\(home) TERM=xterm-256color \(ormlabBinary)")
        defer { session.kill() }
        try session.waitForPrompt()

        // Multi-line entity entry: the continuation prompt appears while the brace is open.
        try session.type("entity Student {")
        try session.send("Enter")
        _ = try session.waitFor("...>")
        try session.type("name: String")
        try session.send("Enter")
        try session.type("}")
        try session.send("Enter")
        _ = try session.waitFor("Student → student")
        try session.waitForPrompt()

        // Completion: St + Tab completes the entity name.
        try session.type("insert St")
        try session.send("Tab")
        _ = try session.waitFor("insert Student")
        try session.type("(name: \"Ada\")")
        try session.send("Enter")
        _ = try session.waitFor("Student (new #1)")
        try session.waitForPrompt()

        // Ctrl-C clears the line being typed; the session (and its pending object) goes on.
        try session.type("Student.where(this line is abandoned")
        try session.send("C-c")
        // The cleared line gives a fresh, empty prompt before we type on.
        try session.waitForPrompt()
        try session.type("Student.count")
        try session.send("Enter")
        let counted = try session.waitFor("= 1")
        #expect(counted.contains("= 1"))
        try session.waitForPrompt()

        // Ctrl-C during a long statement interrupts SQLite; the session and its data stay.
        try session.type(":sql WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
        try session.send("Enter")
        Thread.sleep(forTimeInterval: 0.5)
        try session.send("C-c")
        _ = try session.waitFor("interrupted")
        try session.waitForPrompt()
        try session.type("Student.count")
        try session.send("Enter")
        let deadline1 = Date().addingTimeInterval(10)
        var answered = false
        while Date() < deadline1 && !answered {
            let screen = try session.screen()
            if let last = screen.range(of: "ormlab> Student.count", options: .backwards) {
                answered = screen[last.upperBound...].contains("= 1")
            }
            if !answered { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(answered, "Student.count still answers 1 after the interrupt")
        try session.waitForPrompt()

        // Ctrl-D with a pending change warns first; a second Ctrl-D leaves.
        try session.type("Student#1.name = \"Ada L.\"")
        try session.send("Enter")
        _ = try session.waitFor("dirty")
        try session.waitForPrompt()
        try session.send("C-d")
        _ = try session.waitFor("Unsaved changes")
        try session.send("C-d")
        let deadline = Date().addingTimeInterval(5)
        while session.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!session.isRunning, "Ctrl-D should leave the REPL")

        // History was written under HOME, one entry per block.
        let history = try String(contentsOfFile: home + "/.local/state/ormlab/history", encoding: .utf8)
        #expect(history.contains("entity Student {\\nname: String\\n}"))
        #expect(history.contains("Student.count"))
        #expect(!history.contains("abandoned"))
    }

    @Test(.timeLimit(.minutes(1))) func ctrlDWarnsAboutAnAutoflushNotYetCommitted() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            Issue.record("tmux is missing: ./dev test installs it")
            return
        }
        // An autoflush writes the pending insert inside a transaction and empties the unit of
        // work; leaving would roll that transaction back, so Ctrl-D must warn about it too.
        let home = try temporaryDirectory()
        let db = home + "/notes.db"
        let session = try TmuxSession.repl(onDatabase: db, home: home)
        defer { session.kill() }
        try session.enter(["entity Note { text: String }", "insert Note(text: \"hi\")", "Note.count"])
        _ = try session.waitFor("autoflush")
        try session.send("C-d")
        _ = try session.waitFor("A transaction is open and not committed")
        // Keeping it: `save` commits what the autoflush wrote, and then Ctrl-D leaves at once.
        try session.type("save")
        try session.send("Enter")
        _ = try session.waitFor("COMMIT")
        try session.waitForPrompt()
        try session.send("C-d")
        #expect(session.hasLeft(), "Ctrl-D after save should leave the REPL")
        let reopened = try runProcess(ormlabBinary, ["--db", db], stdin: Data("Note.count\n".utf8))
        #expect(reopened.stdout.contains("= 1"), "the saved note is in the file: \(reopened.stdout)")
    }

    @Test(.timeLimit(.minutes(1))) func quitAsksFirstWhenWorkIsUnsaved() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            Issue.record("tmux is missing: ./dev test installs it")
            return
        }
        // `:quit` typed with unsaved objects warns like Ctrl-D; another command clears the
        // warning, and `:quit` twice in a row leaves without saving.
        let home = try temporaryDirectory()
        let db = home + "/notes.db"
        let session = try TmuxSession.repl(onDatabase: db, home: home)
        defer { session.kill() }
        try session.enter(["entity Note { text: String }", "insert Note(text: \"hi\")", ":quit"])
        _ = try session.waitFor("Unsaved changes (Note (new #1)): `save` to keep them, or `:quit` again to leave without saving.")
        #expect(session.isRunning, "the first :quit with unsaved work should only warn")
        try session.enter(["Note.count", ":quit"])
        _ = try session.waitFor("or `:quit` again to leave, which rolls it back.")
        try session.type(":quit")
        try session.send("Enter")
        #expect(session.hasLeft(), ":quit right after the warning should leave the REPL")
        let reopened = try runProcess(ormlabBinary, ["--db", db], stdin: Data("Note.count\n".utf8))
        #expect(reopened.stdout.contains("= 0"), "leaving rolled the autoflushed note back: \(reopened.stdout)")
    }

    @Test(.timeLimit(.minutes(1))) func panesFitTheTerminalWidth() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            Issue.record("tmux is missing: ./dev test installs it")
            return
        }
        for width in [120, 80] {
            let session = try TmuxSession(command: "env TERM=xterm-256color NO_COLOR=1 \(ormlabBinary)", width: width)
            defer { session.kill() }
            _ = try session.waitFor("ormlab>")
            try session.type("entity Author { name: String; born: Int? }")
            try session.send("Enter")
            _ = try session.waitFor("└")
            // The bottom border may be on screen before its line is complete (the output arrives
            // in chunks): read the screen once the prompt shows the render is over.
            try session.waitForPrompt()
            let screen = try session.screen()
            let boxLines = screen.split(separator: "\n").filter { $0.hasPrefix("┌") || $0.hasPrefix("│") || $0.hasPrefix("└") }
            #expect(!boxLines.isEmpty)
            for line in boxLines { #expect(line.count == width, "line is \(line.count) wide at \(width): \(line)") }
        }
    }
}
