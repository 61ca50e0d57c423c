import ArgumentParser
import Foundation
import LessonKit
import Render
import Workbench
#if canImport(Glibc)
import Glibc
#endif

/// `ormlab`: the REPL, `ormlab run`, and the other subcommands of SPEC §1.
struct ORMLabCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "ormlab",
        abstract: "An educational ORM workbench: see the mapping, the SQL and the objects of every command.",
        usage: """
        ormlab [--db FILE] [--format text|json|html] [--no-color] [--width N]
          ormlab <subcommand>
        """,
        discussion: """
        Without a subcommand, ormlab starts the REPL on a fresh in-memory database, or on --db FILE (created if missing; its mapping is restored on reopen). When standard input is not a terminal, the commands are read from it as `ormlab run` does.

        --db FILE: a SQLite database file, or a PostgreSQL connection string (postgres://…; ./dev pg starts a private server and prints one)
        --format text|json|html: panes or plain text, JSON Lines, or one HTML page of the whole run
        --no-color: never colour (NO_COLOR=1 does the same)
        --width N: draw the panes at this width, even in a pipe

        In the REPL, :help lists the topics and :lessons the lessons.
        """,
        version: version,
        subcommands: [REPLCommand.self, RunCommand.self, LessonCommand.self, ExportCommand.self],
        defaultSubcommand: REPLCommand.self)
}

/// Options shared by the commands that run DSL.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "A SQLite database file (created if missing), or a PostgreSQL connection string (postgres://…). Default: a fresh in-memory database.")
    var db: String?

    @Option(name: .long, help: "Output format: text, json (JSON Lines, one object per command) or html (one self-contained page of the run).")
    var format: OutputFormat = .text

    @Flag(name: .customLong("no-color"), help: "Never colour the output (NO_COLOR=1 does the same).")
    var noColor = false

    @Option(name: .long, help: "Draw the side-by-side panes at this width even when output is not a terminal.")
    var width: Int?
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
    /// One self-contained HTML page of the whole run, printed when it ends (SessionPage).
    case html
}

/// `ormlab [--db FILE]`: the REPL (or, when stdin is not a terminal, the commands read from it).
struct REPLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "repl", abstract: "Start the REPL (the default).", shouldDisplay: false)

    @OptionGroup var options: OutputOptions

    func run() throws {
        let workbench = try openWorkbench(options.db)
        let output = Output(options)
        // A database ORMLab did not make: its inferred model is the first screen.
        if let opening = workbench.openingReport { output.print(opening) }
        // The lesson commands work in every REPL session (see LessonCommand.swift).
        let runner = makeLessonRunner(library: (try? loadLessonLibrary(nil)) ?? LessonLibrary(lessons: []), home: workbench)
        try runInteractively(runner: runner, output: output)
    }
}

/// `ormlab run FILE.orm`: runs a script; exit 1 when a command failed.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run a script of DSL commands and print one report per command.")

    @Argument(help: "The .orm script to run.")
    var file: String

    @Option(name: .long, help: "Also show every statement in this dialect: sqlite, postgres, mysql or sqlserver (shown, not run).")
    var dialect: String?

    @OptionGroup var options: OutputOptions

    func run() throws {
        guard let text = readTextFile(file) else {
            FileHandleStream.standardError.write("ormlab: cannot read \(file)\n")
            throw ExitCode(2)
        }
        let workbench = try openWorkbench(options.db)
        if let dialect, !workbench.showDialect(named: dialect) {
            FileHandleStream.standardError.write("ormlab: unknown dialect \(dialect) (sqlite, postgres, mysql, sqlserver)\n")
            throw ExitCode(2)
        }
        let output = Output(options)
        if let opening = workbench.openingReport { output.print(opening) }
        let ok = runScript(text, name: file, workbench: workbench, output: output)
        output.finishPage(title: URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent, diagram: workbench.schemaDiagram)
        if !ok { throw ExitCode(1) }
    }
}

/// Opens the database; a file that cannot be used is a clear message, not a crash.
func openWorkbench(_ path: String?) throws -> Workbench {
    do {
        return try Workbench(databasePath: path ?? ":memory:")
    } catch {
        // A connection string's password is never printed.
        let target = Workbench.displayedTarget(path ?? ":memory:")
        FileHandleStream.standardError.write("ormlab: cannot open \(target): \(describe(error))\n")
        if Workbench.isPostgresTarget(path ?? "") {
            FileHandleStream.standardError.write("ormlab: is the server running? ./dev pg starts a private one and prints its connection string\n")
        }
        throw ExitCode(1)
    }
}

/// Runs every command of a script, printing each report as it completes. True when none failed.
func runScript(_ text: String, name: String, workbench: Workbench, output: Output) -> Bool {
    var ok = true
    workbench.run(text, sourceName: name) { report in
        if !report.ok { ok = false }
        output.print(report)
    }
    return ok
}
