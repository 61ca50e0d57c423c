import Foundation
import Report
import Workbench

/// Builds the state a step starts from: a fresh in-memory workbench, the lesson's setup, each
/// earlier step's setup and reference solution, then this step's setup.
public enum Sandbox {
    /// A setup or earlier solution that did not run cleanly: the lesson itself is broken.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    /// The sandbox for step `index` (0-based); `index == steps.count` gives the final state.
    public static func build(_ lesson: Lesson, upTo index: Int) throws -> Workbench {
        let workbench = try freshWorkbench(for: lesson)
        try run(lesson.setup, lesson: lesson, on: workbench, what: "setup")
        for step in lesson.steps.prefix(index) {
            try run(step.setup, lesson: lesson, on: workbench, what: "step \(step.number) setup")
            // A step about a mistake has a solution that fails on purpose: replay it, don't judge it.
            if step.expectsFailure {
                _ = runBlock(step.solution, lesson: lesson, on: workbench)
            } else {
                try run([step.solution], lesson: lesson, on: workbench, what: "step \(step.number) solution")
            }
        }
        if index < lesson.steps.count {
            try run(lesson.steps[index].setup, lesson: lesson, on: workbench, what: "step \(index + 1) setup")
        }
        // Nobody read the notes of the replay: the learner still gets each "why" note once.
        workbench.session.forgetExplainedTopics()
        return workbench
    }

    /// Runs blocks; the first failing command is a `Failure` naming its line in the lesson file.
    public static func run(_ blocks: [CodeBlock], lesson: Lesson, on workbench: Workbench, what: String) throws {
        for block in blocks {
            for report in runBlock(block, lesson: lesson, on: workbench) where !report.ok {
                let d = report.diagnostics.first { $0.severity == "error" }
                throw Failure(file: lesson.file, line: d?.line ?? block.line,
                              message: "the \(what) failed at `\(firstLine(report.input))`: \(d?.message ?? "error")")
            }
        }
    }

    /// Runs one block's commands, diagnostics pointing at the lesson file's lines.
    public static func runBlock(_ block: CodeBlock, lesson: Lesson, on workbench: Workbench) -> [Report] {
        workbench.run(block.code, sourceName: lesson.file, firstLine: block.line)
    }

    static func firstLine(_ s: String) -> String {
        s.split(separator: "\n").first.map(String.init) ?? s
    }
}

extension LessonStep {
    /// The step asks for a failing command (`fails` or `diagnostic:` checks).
    var expectsFailure: Bool {
        checks.contains { check in
            switch check.kind {
            case .fails, .diagnostic: return true
            default: return false
            }
        }
    }
}

extension Sandbox {
    /// Applies the learner's `:set` commands to a rebuilt sandbox; one that no longer applies
    /// (`:set naming` once entities exist) is left out, and returned.
    @discardableResult
    public static func apply(_ settings: [String], on workbench: Workbench) -> [String] {
        var refused: [String] = []
        for setting in settings where !workbench.run(setting, sourceName: "<settings>").allSatisfy(\.ok) {
            refused.append(setting)
        }
        return refused
    }
}

// MARK: - Lessons on PostgreSQL

extension Sandbox {
    /// The PostgreSQL server a lesson's sandboxes use while it is verified there
    /// (`ormlab lesson verify --db URL`, or ORMLAB_TEST_PG): each sandbox is a fresh schema.
    @TaskLocal public static var postgresTarget: String?

    /// The server for lessons that need PostgreSQL when no verification sets one: the REPL's
    /// `--db postgres://…` (`ormlab lesson 19 --db …`). Set once at startup.
    nonisolated(unsafe) public static var defaultPostgresServer: String?

    private static let schemasLock = NSLock()
    nonisolated(unsafe) private static var createdSchemas: [(server: String, schema: String)] = []
    nonisolated(unsafe) private static var admins: [String: Workbench] = [:]

    /// A new in-memory workbench, or, for a lesson verified (or run) on PostgreSQL, a
    /// workbench on a new empty schema of the server.
    static func freshWorkbench(for lesson: Lesson) throws -> Workbench {
        guard let server = postgresTarget ?? (lesson.needsPostgres ? defaultPostgresServer : nil) else {
            if lesson.needsPostgres {
                throw Failure(file: lesson.file, line: 1, message: "this lesson runs on PostgreSQL: start a server (./dev pg prints its connection string) and give it: ormlab lesson \(lesson.id) --db postgres://…")
            }
            return try Workbench()
        }
        let schema = "ormlab_lesson_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        // One connection per server makes the schemas (a sandbox is built per replay).
        let admin = try schemasLock.withLock { () throws -> Workbench in
            if let known = admins[server] { return known }
            let made = try Workbench(databasePath: server)
            admins[server] = made
            return made
        }
        try schemasLock.withLock {
            try admin.session.database.execute("CREATE SCHEMA \(schema)")
            createdSchemas.append((server, schema))
        }
        return try Workbench(databasePath: connectionString(server, schema: schema))
    }

    /// Drops the schemas this process made for lesson sandboxes (at the end of a verification,
    /// and when an interactive session ends). A sandbox left in a transaction holds locks on its
    /// tables: the DROP waits at most two seconds for them, and leaves the schema otherwise.
    public static func dropPostgresSchemas() {
        let schemas = schemasLock.withLock { () -> [(server: String, schema: String)] in
            defer { createdSchemas = [] }
            return createdSchemas
        }
        for (server, schema) in schemas {
            let admin = schemasLock.withLock { admins[server] }
            try? admin?.session.database.execute("SET lock_timeout = '2s'")
            try? admin?.session.database.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        }
    }

    /// `server` with libpq's `options` setting the search path to `schema`.
    static func connectionString(_ server: String, schema: String) -> String {
        if server.contains("://") { return server + (server.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema }
        return server + " options=-csearch_path=" + schema
    }
}
