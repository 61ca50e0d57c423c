import Foundation
import TestSupport
import Testing

// Nothing is written outside the working directory, the chosen database and the XDG state
// directory. Checked twice: the temporary HOME, state directory and working directory hold only
// the expected files afterwards, and (when strace is installed) the process opened nothing for
// writing, and created, renamed or removed nothing, anywhere else.

@Suite("Sandbox", .timeLimit(.minutes(1)))
struct SandboxTests {
    static let session = """
        entity Author { name: String unique; books: [Book] }
        entity Book { title: String; author: Author; tags: [Tag] }
        entity Tag { name: String; books: [Book] }
        insert Author(name: "Ursula")
        insert Book(title: "The Dispossessed", author: Author#1)
        save
        Author.include(books).where(name like "U%")
        for a in Author.all { a.books.count }
        :explain Author.where(name == "Ursula")
        :log
        :stats
        :pending
        :help
        :sql SELECT COUNT(*) FROM book
        Author.all.order(name desc).limit(1000000)
        :save session.orm
        :export swift plain Model.swift
        :load session.orm
        """

    /// Where one run may write: the working directory (and, for the history, the state directory).
    struct Sandbox {
        let root: URL
        var home: URL { root.appendingPathComponent("home") }
        var state: URL { root.appendingPathComponent("state") }
        var work: URL { root.appendingPathComponent("work") }
        var environment: [String: String] {
            var env = ["HOME": home.path, "XDG_STATE_HOME": state.path, "PATH": "/usr/bin:/bin", "TMPDIR": work.path]
            if let lang = ProcessInfo.processInfo.environment["LANG"] { env["LANG"] = lang }
            return env
        }
        init() throws {
            root = try makeTemporaryDirectory("ormlab-sandbox")
            for dir in [home, state, work] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        }
    }

    @Test("a session on a file database writes only the database and the files it was asked to write")
    func onlyExpectedFiles() throws {
        let sandbox = try Sandbox()
        defer { removeTree(sandbox.root) }
        let result = try runORMLab(["--db", "library.db"], stdin: Data(Self.session.utf8),
                                   directory: sandbox.work, environment: sandbox.environment)
        #expect(!result.killedBySignal)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let written = listing(of: sandbox.work)
        // The database, the :save file and the :export file; no journal left, nothing else.
        #expect(written == ["Model.swift", "library.db", "session.orm"], "\(written)")
        #expect(listing(of: sandbox.home).isEmpty)
        #expect(listing(of: sandbox.state).isEmpty)   // history is written by the interactive REPL only
    }

    @Test("a lesson writes its progress only to $XDG_STATE_HOME/ormlab/lessons.json")
    func lessonProgressInStateDirectory() throws {
        let sandbox = try Sandbox()
        defer { removeTree(sandbox.root) }
        let result = try runORMLab(["lesson", "entities-and-mapping"], stdin: Data(":hint\n:solution\n:check\n:next\n".utf8),
                                   directory: sandbox.work, environment: sandbox.environment)
        #expect(!result.killedBySignal)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(listing(of: sandbox.state) == ["ormlab", "ormlab/lessons.json"])
        #expect(listing(of: sandbox.home).isEmpty)
        #expect(listing(of: sandbox.work).isEmpty)
    }

    @Test("strace: every write, create, rename and unlink stays in the working and state directories",
          .enabled(if: strace != nil))
    func straceOpensNothingElse() throws {
        let sandbox = try Sandbox()
        defer { removeTree(sandbox.root) }
        let script = sandbox.work.appendingPathComponent("session.orm.in")
        try Data(Self.session.utf8).write(to: script)
        let runs: [(arguments: [String], stdin: String)] = [
            (["run", script.lastPathComponent, "--db", "library.db"], ""),
            (["--db", "library.db"], "Author.count\n:save again.orm\n"),
            (["lesson", "entities-and-mapping"], ":hint\n:solution\n:check\n:next\n"),
        ]
        for (index, run) in runs.enumerated() {
            let log = sandbox.root.appendingPathComponent("strace-\(index).log")
            let traced = try runChild(strace ?? "/usr/bin/strace",
                                      ["-f", "-qq", "-o", log.path,
                                       "-e", "trace=open,openat,openat2,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,link,linkat,symlink,symlinkat,truncate,rmdir",
                                       try ormlabExecutable().path] + run.arguments,
                                      stdin: Data(run.stdin.utf8), environment: sandbox.environment,
                                      directory: sandbox.work.path)
            #expect(!traced.timedOut, "ormlab \(run.arguments.joined(separator: " ")) did not finish under strace")
            let trace = try String(contentsOf: log, encoding: .utf8)
            let allowed = [sandbox.work.path + "/", sandbox.state.path + "/", "/dev/null", "/dev/tty"]
            var offending: [String] = []
            for line in trace.split(separator: "\n") {
                let call = String(line)
                let writes = call.contains("O_WRONLY") || call.contains("O_RDWR") || call.contains("O_CREAT") || call.contains("O_TRUNC")
                    || ["rename", "unlink", "mkdir", "link(", "linkat", "symlink", "truncate", "rmdir", "creat("].contains { call.contains($0) }
                guard writes, !call.contains("= -1 E") else { continue }
                let paths = call.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
                for path in paths {
                    let absolute = path.hasPrefix("/") ? path : sandbox.work.path + "/" + path
                    if !allowed.contains(where: { absolute.hasPrefix($0) || absolute == $0 }) { offending.append(call) }
                }
            }
            #expect(offending.isEmpty, "ormlab \(run.arguments.joined(separator: " ")):\n\(offending.joined(separator: "\n"))")
            #expect(trace.contains(index == 2 ? sandbox.state.path + "/ormlab/" : sandbox.work.path + "/library.db"))
        }
    }
}

/// The strace executable, if installed (`apt-get install strace`).
let strace: String? = ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }
