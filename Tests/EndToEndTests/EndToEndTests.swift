import Foundation
import TestSupport
import Testing

// The real `ormlab` binary, used as a person would: in a terminal (through tmux), as a script
// runner, and with commands piped on stdin.

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The debug binary built by `swift build` (the test command builds it first).
let ormlabBinary = packageRoot.appendingPathComponent(".build/debug/ormlab").path

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a command with optional stdin bytes and environment; waits for it to exit (at most a
/// minute: a test may fail, never hang).
@discardableResult
func runProcess(_ executable: String, _ arguments: [String], stdin: Data? = nil,
                environment: [String: String]? = nil, currentDirectory: String? = nil) throws -> ProcessResult {
    let result = try runChild(executable, arguments, stdin: stdin ?? Data(), environment: environment,
                              directory: currentDirectory)
    if result.timedOut { Issue.record("\(executable) \(arguments.joined(separator: " ")) did not finish within a minute") }
    return ProcessResult(status: result.status, stdout: result.stdout, stderr: result.stderr)
}

func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "ormlab-e2e-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite(.serialized) struct ScriptRunnerTests {
    @Test func exitCodesFollowTheSpec() throws {
        let dir = try temporaryDirectory()
        let good = dir + "/good.orm", bad = dir + "/bad.orm"
        try "entity Author { name: String }\nAuthor.count\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "entity Author { name: String }\nAuthor.nope\nAuthor.count\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(try runProcess(ormlabBinary, ["run", good]).status == 0)
        let failed = try runProcess(ormlabBinary, ["run", bad])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("error: unknown query method 'nope'"))
        #expect(failed.stdout.contains("» Author.count"), "the script goes on after the failed command")
        #expect(try runProcess(ormlabBinary, ["run"]).status == 2)
        #expect(try runProcess(ormlabBinary, ["--format", "xml"]).status == 2)
        #expect(try runProcess(ormlabBinary, ["run", dir + "/missing.orm"]).status == 2)
    }

    @Test func stdinIsReadLikeAScriptWithoutPromptsOrColour() throws {
        let result = try runProcess(ormlabBinary, [], stdin: Data("entity Author { name: String }\ninsert Author(name: \"x\")\nAuthor.count\n".utf8))
        #expect(result.status == 0)
        #expect(!result.stdout.contains("ormlab>"))
        #expect(!result.stdout.contains("\u{1B}["))
        #expect(result.stdout.contains("= 1"))
    }

    @Test func nonUTF8BytesOnStdinAreADiagnosticNotACrash() throws {
        var bytes = Data("entity Author { name: String }\ninsert Author(name: \"".utf8)
        bytes.append(contentsOf: [0xFF, 0xFE, 0xC3])
        bytes.append(Data("\")\nAuthor.count\n".utf8))
        let result = try runProcess(ormlabBinary, [], stdin: bytes)
        #expect(result.status == 0)
        #expect(result.stdout.contains("= 1"))
    }

    @Test func jsonLinesOnePerCommand() throws {
        let result = try runProcess(ormlabBinary, ["--format", "json"], stdin: Data("entity Author { name: String }\nAuthor.count\n".utf8))
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["ok"] as? Bool == true)
        }
    }

    @Test func aFileDatabaseRestoresItsMappingOnReopen() throws {
        let dir = try temporaryDirectory()
        let db = dir + "/library.sqlite"
        let first = try runProcess(ormlabBinary, ["--db", db], stdin: Data("""
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        insert Author(name: "Le Guin")
        insert Book(title: "The Dispossessed", author: Author#1)
        save
        """.utf8))
        #expect(first.status == 0)
        let second = try runProcess(ormlabBinary, ["--db", db], stdin: Data("Author#1.books\nBook.where(author.name == \"Le Guin\").count\n".utf8))
        #expect(second.status == 0, "\(second.stdout)")
        #expect(second.stdout.contains("Book#1"))
        #expect(second.stdout.contains("= 1"))
    }

    @Test func aDatabaseORMLabDidNotCreateIsAClearError() throws {
        let dir = try temporaryDirectory()
        let foreign = dir + "/foreign.sqlite"
        // A plain SQLite file with a table, made through ORMLab's raw :sql on a fresh file is not
        // possible (it would add ORMLab's metadata), so write a corrupt file and a foreign one.
        try Data("this is not a database at all, just text that is long enough".utf8).write(to: URL(fileURLWithPath: dir + "/corrupt.sqlite"))
        let corrupt = try runProcess(ormlabBinary, ["--db", dir + "/corrupt.sqlite"], stdin: Data("\n".utf8))
        #expect(corrupt.status == 1)
        #expect(corrupt.stderr.contains("cannot open"))
        _ = try runProcess("/usr/bin/env", ["python3", "-c", "import sqlite3; c = sqlite3.connect('\(foreign)'); c.execute('create table t(x)'); c.commit()"])
        if FileManager.default.fileExists(atPath: foreign) {
            let result = try runProcess(ormlabBinary, ["--db", foreign], stdin: Data("\n".utf8))
            #expect(result.status == 1)
            #expect(result.stderr.contains("not created by ORMLab"))
        }
    }
}

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
