import ArgumentParser
import Foundation
import LessonKit
import Report
import Workbench
#if canImport(Glibc)
import Glibc
#endif

/// `ormlab lesson [list|ID]` starts the REPL inside a lesson; `ormlab lesson verify [ID]` runs the
/// lessons' reference solutions and wrong answers (CI runs it).
struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Start the REPL inside a lesson, list the lessons, or verify them.",
        discussion: """
          ormlab lesson              the REPL with the list of lessons
          ormlab lesson list         print the lessons and your progress
          ormlab lesson ID|N         start or resume a lesson (by id or by its number)
          ormlab lesson verify [ID]  check every reference solution passes and every wrong answer fails
        Lessons are read from --dir, $ORMLAB_LESSONS, or Lessons/ (see Lessons/README.md).
        Progress is kept in $XDG_STATE_HOME/ormlab/lessons.json.
        """)

    @Argument(help: "list, a lesson id, or verify [ID].")
    var words: [String] = []

    @Option(name: .long, help: "The lessons directory.")
    var dir: String?

    @OptionGroup var options: OutputOptions

    func validate() throws {
        if words.first == "verify" {
            guard words.count <= 2 else { throw ValidationError("verify takes at most one lesson id") }
        } else if words.count > 1 {
            throw ValidationError("give one lesson id (or list, or verify [ID])")
        }
    }

    func run() throws {
        let library = try loadLessonLibrary(dir)
        let output = Output(options)
        switch words.first {
        case "verify":
            try verify(library, id: words.count > 1 ? words[1] : nil)
        case "list":
            let runner = try makeLessonRunner(library: library, home: openWorkbench(options.db))
            var report = runner.command("lessons", "")
            report.input = "ormlab lesson list"
            output.print(report, echo: false)
            Swift.print("From the shell: ormlab lesson ID (or its number) starts or resumes one.")
        case let id:
            // A lesson that needs PostgreSQL runs its sandboxes on the server given with --db.
            if let db = options.db, Workbench.isPostgresTarget(db) { Sandbox.defaultPostgresServer = db }
            let runner = try makeLessonRunner(library: library, home: openWorkbench(options.db))
            if let id, library.lesson(id) == nil {
                FileHandleStream.standardError.write("ormlab: no lesson '\(id)'; lessons: \(library.lessons.map(\.id).joined(separator: ", "))\n")
                throw ExitCode(2)
            }
            try runInteractively(runner: runner, output: output) {
                output.print(id.map { runner.start($0) } ?? runner.command("lessons", ""))
            }
        }
    }

    /// Prints a line per step and `N passed, M failed`; exit 1 when any check misbehaves.
    func verify(_ library: LessonLibrary, id: String?) throws {
        var results: [LessonVerifier.StepResult] = []
        var lessons = library.lessons
        if let id {
            guard let lesson = library.lesson(id) else {
                FileHandleStream.standardError.write("ormlab: no lesson '\(id)'; lessons: \(library.lessons.map(\.id).joined(separator: ", "))\n")
                throw ExitCode(2)
            }
            lessons = [lesson]
        } else {
            for error in library.errors {
                let result = LessonVerifier.result(for: error)
                results.append(result)
                result.lines.forEach { Swift.print($0) }
            }
            if lessons.isEmpty && library.errors.isEmpty {
                FileHandleStream.standardError.write("ormlab: no lessons in \(library.directory ?? "Lessons/")\n")
                throw ExitCode(1)
            }
        }
        // Lessons marked `database: postgres` are verified on a PostgreSQL server too (each
        // sandbox a fresh schema): --db postgres://…, or ORMLAB_TEST_PG; skipped, loudly, without.
        let server = options.db.flatMap { Workbench.isPostgresTarget($0) ? $0 : nil }
            ?? ProcessInfo.processInfo.environment["ORMLAB_TEST_PG"].flatMap { $0.isEmpty ? nil : $0 }
        var skipped: [String] = []
        for lesson in lessons {
            if lesson.databases.contains("sqlite") {
                for result in LessonVerifier.verify(lesson) {
                    results.append(result)
                    result.lines.forEach { Swift.print($0) }
                    fflush(stdout)
                }
            }
            guard lesson.databases.contains("postgres") else { continue }
            guard let server else {
                skipped.append(lesson.id)
                Swift.print("SKIPPED \(lesson.id) on PostgreSQL: no server (give --db postgres://… or set ORMLAB_TEST_PG; ./dev pg starts one)")
                continue
            }
            Sandbox.$postgresTarget.withValue(server) {
                for var result in LessonVerifier.verify(lesson) {
                    result.lessonID += " (PostgreSQL)"
                    results.append(result)
                    result.lines.forEach { Swift.print($0) }
                    fflush(stdout)
                }
            }
            Sandbox.dropPostgresSchemas()
        }
        Swift.print(LessonVerifier.summary(results))
        if !skipped.isEmpty {
            Swift.print("NOT VERIFIED on PostgreSQL (no server): \(skipped.joined(separator: ", "))")
        }
        if results.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}

/// Reads the lessons from `--dir`, `$ORMLAB_LESSONS`, `./Lessons` or next to the executable.
func loadLessonLibrary(_ explicit: String?) throws -> LessonLibrary {
    let environment = ProcessInfo.processInfo.environment
    let directory = explicit ?? LessonLibrary.findDirectory(environment: environment,
                                                            currentDirectory: FileManager.default.currentDirectoryPath,
                                                            executablePath: CommandLine.arguments.first.map { arg in
                                                                arg.hasPrefix("/") ? arg : FileManager.default.currentDirectoryPath + "/" + arg
                                                            })
    guard let directory else { return LessonLibrary(lessons: []) }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
        FileHandleStream.standardError.write("ormlab: no lessons directory at \(directory)\n")
        throw ExitCode(2)
    }
    return LessonLibrary.load(directory: directory)
}

/// The lesson runner for a REPL session, with progress in the XDG state directory.
func makeLessonRunner(library: LessonLibrary, home: Workbench) -> LessonRunner {
    LessonRunner(library: library, store: ProgressStore(environment: ProcessInfo.processInfo.environment), home: home)
}

/// The REPL (or, when stdin is not a terminal, the commands read from it) with the lesson
/// runner's hooks: commands go to the lesson's sandbox and every report is checked.
/// `start` runs first (after the REPL's banner): `ormlab lesson ID` starts its lesson there.
func runInteractively(runner: LessonRunner, output: Output, start: (() -> Void)? = nil) throws {
    // A lesson run on PostgreSQL made its sandboxes as schemas of the server: not left behind.
    // (Rolled back first: a sandbox's open transaction, a lock lesson's session B, would hold
    // locks the DROP waits for.)
    defer {
        runner.workbench.rollBackOpenTransactions()
        Sandbox.dropPostgresSchemas()
    }
    if isatty(STDIN_FILENO) == 1 {
        // A page is printed when the run ends, which a typed session does not.
        if output.format == .html {
            FileHandleStream.standardError.write("ormlab: --format html writes a page of a script: ormlab run FILE.orm --format html > page.html (in the REPL, :save FILE.html)\n")
            throw ExitCode(2)
        }
        let repl = REPL(workbench: runner.home, output: output)
        repl.lessonIDs = { runner.library.lessons.map(\.id) }
        repl.afterReport = { runner.observe(&$0) }
        repl.currentWorkbench = { runner.workbench }
        repl.sessionAtRisk = { runner.home }
        repl.onStart = start
        repl.run()
    } else {
        start?()
        var ok = true
        runner.run(readAllStandardInput(), sourceName: "<stdin>") { report in
            if !report.ok { ok = false }
            output.print(report)
        }
        output.finishPage(title: "ORMLab session", diagram: runner.home.schemaDiagram)
        if !ok { throw ExitCode(1) }
    }
}
