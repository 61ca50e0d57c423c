import DSL
import Foundation
import Mapping
import Report
import Runtime
import SQLBuilder
import DatabaseKit
import Render

/// Every `:command`, for help, completion and did-you-mean.
/// The names of the command that leaves (`:quit` and its aliases), for the REPL to ask first.
public let quitCommandNames: Set<String> = ["quit", "exit", "q"]

public let workbenchCommands = [
    "help", "schema", "mapping", "log", "stats", "forget", "pending", "explain", "compare", "seed", "sql", "set",
    "export", "save", "load", "diagram", "lessons", "lesson", "hint", "check", "next", "solution", "reset", "more", "quit",
    "infer", "dialect", "rosetta", "session", "sessions",
]

extension Workbench {
    func runWorkbenchCommand(_ name: String, argument rawArgument: String, range: SourceRange, argumentRange: SourceRange,
                             into report: inout Report) throws {
        // A `// comment` after a command is a comment, as everywhere in the DSL; `:sql` takes raw SQL.
        var argument = rawArgument
        if name != "sql", let comment = argument.range(of: "//") {
            argument = String(argument[..<comment.lowerBound]).trimmingWhitespace()
        }
        if let handler = commandHandlers[name] {
            let handled = handler(argument, self)
            report.mapping += handled.mapping
            report.objects += handled.objects
            report.notes += handled.notes
            report.diagnostics += handled.diagnostics
            report.blocks += handled.blocks
            report.value = handled.value ?? report.value
            return
        }
        switch name {
        case "help":
            try help(argument, range: argumentRange, into: &report)
        case "schema":
            var lines: [String] = []
            for entity in session.schema.orderedEntities {
                lines += session.schema.createStatements(for: entity.name, in: session.dialect)
            }
            for (name, missing) in session.schema.waiting.sorted(by: { $0.key < $1.key }) {
                lines.append("-- \(name): waiting for \(missing.joined(separator: ", ")) (no table yet)")
            }
            for pending in session.schema.pendingRedefinitions {
                lines.append("-- \(pending.entity): new definition waiting for \(pending.waitsFor.joined(separator: ", ")) (the table above is current)")
            }
            report.blocks.append(.code(title: "Schema", lines: lines.isEmpty ? ["-- no entities yet: entity Author { name: String }"] : lines))
        case "mapping":
            if argument.isEmpty {
                report.mapping = session.schema.order.map { session.schema.facts(for: $0, in: session.dialect) }
                if report.mapping.isEmpty { report.notes.append(Note(.info, "no entities yet: define one with entity Author { name: String }")) }
            } else {
                guard session.schema.entity(argument) != nil || session.schema.waiting[argument] != nil else {
                    throw EvalError("unknown entity '\(argument)'", at: argumentRange, hint: suggestion(argument, session.schema.order))
                }
                report.mapping = [session.schema.facts(for: argument, in: session.dialect)]
            }
        case "log":
            logReport(into: &report)
        case "stats":
            statsReport(into: &report)
        case "forget":
            let pending = session.hasPendingChanges
            let count = session.forget()
            variables = variables.filter { if case .object = $0.value { return false }; if case .objects = $0.value { return false }; return true }
            report.notes.append(Note(.identityMap, "the identity map is empty: \(count) object\(count == 1 ? "" : "s") forgotten; the next access loads them again from the database" + (pending ? "; unsaved changes were discarded" : "")))
        case "pending":
            try pendingReport(into: &report)
        case "sql":
            try rawSQL(argument, range: argumentRange, into: &report)
        case "seed":
            try seed(argument, range: argumentRange, into: &report)
        case "explain":
            try explain(argument, range: argumentRange, into: &report)
        case "compare":
            try compare(argument, range: argumentRange, into: &report)
        case "rosetta":
            try rosetta(argument, range: argumentRange, into: &report)
        case "set":
            try setOption(argument, range: argumentRange, into: &report)
        case "dialect":
            try dialectCommand(argument, range: argumentRange, into: &report)
        case "more":
            report.objects = lastObjects.map { snapshot($0) }
            if lastObjects.isEmpty { report.notes.append(Note(.info, "the last result had no objects")) }
        case "export":
            try export(argument, range: argumentRange, into: &report)
        case "save":
            try saveHistory(to: argument, range: argumentRange, into: &report)
        case "load":
            try load(argument, range: argumentRange, into: &report)
        case "diagram":
            try diagram(argument, range: argumentRange, into: &report)
        case "infer":
            try inferCommand(into: &report)
        case "session":
            try sessionCommand(argument, range: argumentRange, into: &report)
        case "sessions":
            sessionsReport(into: &report)
        case _ where quitCommandNames.contains(name):
            quitRequested = true
        default:
            let all = workbenchCommands + Array(commandHandlers.keys)
            throw EvalError("unknown command ':\(name)'", at: range,
                            hint: suggestion(name, all).map { $0.replacingOccurrences(of: "'", with: "'") }.map { $0.replacingOccurrences(of: "did you mean '", with: "did you mean ':") }
                                ?? ":help lists the commands")
        }
    }

    // MARK: - Help

    func help(_ topic: String, range: SourceRange, into report: inout Report) throws {
        if topic.isEmpty {
            report.blocks.append(.text(title: "Help", body: helpOverview()))
            return
        }
        guard let t = helpTopics.first(where: { $0.name == topic.lowercased() }) else {
            throw EvalError("no help topic '\(topic)'", at: range,
                            hint: suggestion(topic, helpTopics.map(\.name)) ?? "topics: \(helpTopics.map(\.name).joined(separator: ", "))")
        }
        report.blocks.append(.text(title: "\(t.name): \(t.summary)", body: t.body))
        report.blocks.append(.code(title: "Example (runs as written)", lines: t.example.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)))
    }

    // MARK: - :log and :stats

    func logReport(into report: inout Report) {
        let entries = session.log.entries
        guard !entries.isEmpty else {
            report.notes.append(Note(.info, "no statements yet"))
            return
        }
        let rows = entries.suffix(200).enumerated().map { (i, e) -> [String] in
            [String(entries.count - min(200, entries.count) + i + 1), e.commandText.firstLine(limit: 30), e.record.cause.firstLine(limit: 40),
             e.record.sql + (e.record.params.isEmpty ? "" : "  -- " + e.record.params.map(\.display).joined(separator: ", ")),
             String(e.record.rows), String(format: "%.2f", e.record.ms)]
        }
        report.blocks.append(.table(title: entries.count > 200 ? "Statement log (last 200 of \(entries.count))" : "Statement log",
                                    header: ["#", "command", "cause", "sql", "rows", "ms"], rows: rows))
        // Similar: same SQL; duplicate: same SQL and the same values.
        var similar: [String: Int] = [:]
        var duplicate: [String: Int] = [:]
        var order: [String] = []
        for e in entries {
            if similar[e.record.sql] == nil { order.append(e.record.sql) }
            similar[e.record.sql, default: 0] += 1
            duplicate[e.record.sql + "\u{1}" + e.record.params.map(\.display).joined(separator: "\u{2}"), default: 0] += 1
        }
        let grouped = order.filter { similar[$0]! > 1 }.map { sql -> [String] in
            let dups = duplicate.filter { $0.key.hasPrefix(sql + "\u{1}") && $0.value > 1 }.reduce(0) { $0 + $1.value - 1 }
            return [String(similar[sql]!), String(dups), sql]
        }
        if !grouped.isEmpty {
            report.blocks.append(.table(title: "Similar statements (same SQL) and duplicates (same SQL and values)",
                                        header: ["similar", "duplicates", "sql"], rows: grouped))
        }
    }

    func statsReport(into report: inout Report) {
        let stats = session.log.commandStats
        let entries = session.log.entries
        // SQLite's counters per command (full-scan steps, sorts, automatic indexes), from the log.
        var perCommand: [Int: (scan: Int, sort: Int, auto: Int)] = [:]
        for e in entries {
            guard let c = e.record.counters else { continue }
            var t = perCommand[e.command] ?? (0, 0, 0)
            t.scan += c.fullScanSteps
            t.sort += c.sorts
            t.auto += c.autoIndexes
            perCommand[e.command] = t
        }
        let firstNumber = session.log.commandNumber - stats.count
        let rows = stats.enumerated().suffix(50).map { (i, s) -> [String] in
            let t = perCommand[firstNumber + i] ?? (0, 0, 0)
            return [s.command.firstLine(limit: 50), String(s.statements), String(s.rows), String(s.objects), String(format: "%.2f", s.ms),
                    String(t.scan), String(t.sort), String(t.auto)]
        }
        let totalStatements = stats.reduce(0) { $0 + $1.statements }
        let totalRows = stats.reduce(0) { $0 + $1.rows }
        let totalMs = stats.reduce(0) { $0 + $1.ms }
        report.blocks.append(.table(title: "Per command", header: ["command", "statements", "rows", "objects", "ms", "full-scan steps", "sorts", "auto-indexes"], rows: rows))
        let counters = entries.reduce(into: (vm: 0, scan: 0, sort: 0, auto: 0)) { acc, e in
            acc.vm += e.record.counters?.vmSteps ?? 0
            acc.scan += e.record.counters?.fullScanSteps ?? 0
            acc.sort += e.record.counters?.sorts ?? 0
            acc.auto += e.record.counters?.autoIndexes ?? 0
        }
        report.blocks.append(.table(title: "Session", header: ["measure", "value"], rows: [
            ["commands", String(stats.count)],
            ["statements", String(totalStatements)],
            ["rows", String(totalRows)],
            ["time (ms)", String(format: "%.2f", totalMs)],
            ["objects in the identity map", String(session.identityMapCount)],
            ["SQLite VM steps", String(counters.vm)],
            ["full-scan steps", String(counters.scan)],
            ["sorts", String(counters.sort)],
            ["automatic indexes", String(counters.auto)],
        ]))
    }

    // MARK: - :pending

    func pendingReport(into report: inout Report) throws {
        if session.pattern == .activeRecord { return try activeRecordPendingReport(into: &report) }
        let objects = session.pendingObjects
        report.objects = objects.map { snapshot($0) }
        let statements = try session.pendingStatements()
        if statements.isEmpty {
            report.notes.append(Note(.info, "the unit of work is empty: nothing to save"))
            return
        }
        var lines: [String] = []
        for (i, s) in statements.enumerated() {
            lines.append("\(i + 1). \(s.sql)" + (s.params.isEmpty ? "" : "  -- " + s.params.joined(separator: ", ")))
            lines.append("   ↳ \(s.reason)")
        }
        report.blocks.append(.code(title: "save would run, in one transaction", lines: [session.dialect.transactionSQL(.begin)] + lines + [session.dialect.transactionSQL(.commit)]))
        let new = objects.filter { $0.state == .new }.count
        let dirty = objects.filter { $0.state == .dirty }.count
        let deleted = objects.filter { $0.state == .deleted }.count
        report.notes.append(Note(.pending, "pending: \(new) new, \(dirty) dirty, \(deleted) deleted" + (session.pendingLinkCount > 0 ? ", \(session.pendingLinkCount) link change(s)" : "") + "; inserts run parents first, deletes children first"))
    }

    // MARK: - :sql

    func rawSQL(_ sql: String, range: SourceRange, into report: inout Report) throws {
        guard !sql.isEmpty else { throw EvalError(":sql needs a statement", at: range, hint: "for example :sql SELECT * FROM author") }
        var header: [String] = []
        var rows: [[String]] = []
        var values: [[DatabaseValue]] = []
        let versionBefore = schemaVersion()
        do {
            try session.log.withCause(":sql") {
                try session.database.query(sql) { row in
                    if header.isEmpty { header = (0..<row.columnCount).map { row.columnName($0) } }
                    if rows.count < 500 {
                        let rowValues = (0..<row.columnCount).map { row.value($0) }
                        values.append(rowValues)
                        rows.append(rowValues.map { reportValue($0).display })
                    }
                }
            }
        } catch let error as any DatabaseError {
            if error.message.hasPrefix("only one statement can be prepared") {
                throw EvalError(":sql runs one statement at a time", at: range,
                                hint: "give each statement its own :sql line (BEGIN, COMMIT and ROLLBACK too)")
            }
            throw EvalError("\(session.dialect.name): \(error.message)", at: range, hint: error.codeName)
        }
        if !header.isEmpty {
            report.blocks.append(.table(title: nil, header: header, rows: rows))
            // Columns that are an entity's row: objects, through the identity map.
            if sql.uppercased().hasPrefix("SELECT"), let hydrated = session.hydrateRawRows(header: header, rows: values, preferring: RawStatement.tableRead(by: sql)) {
                setObjects(hydrated.objects, hits: hydrated.hits, rowsWereRead: false, into: &report)
                showMapping(hydrated.entity, into: &report)
                report.notes.append(Note(.identityMap, "the columns are \(hydrated.entity)'s row, so the rows became \(hydrated.entity) objects through the identity map" + (hydrated.hits.isEmpty ? "" : " (\(hydrated.hits.count) already loaded: the same object came back, its in-memory state wins)")))
            }
        } else if ["INSERT", "UPDATE", "DELETE"].contains(where: { sql.uppercased().hasPrefix($0) }) {
            // A write returns no rows; say how many it changed (and that the ORM did not see it).
            let changed = session.database.changes
            session.log.setRowsOfLast(changed)
            // The rows changed behind the unit of work: the loaded objects of that table are stale.
            let stale = changed > 0 ? Session.tableWritten(by: sql).map { session.markStale(table: $0) } ?? [] : []
            if stale.isEmpty {
                report.notes.append(Note(.rawSQL, "\(changed) row\(changed == 1 ? "" : "s") changed by raw SQL; objects already loaded in the session do not see it (:forget reloads them)"))
            } else if let table = Session.tableWritten(by: sql) {
                report.notes.append(Note(.rawSQL, "\(changed) row\(changed == 1 ? "" : "s") changed by raw SQL, behind the unit of work's back"))
                let refs = stale.prefix(5).map(\.ref).joined(separator: ", ") + (stale.count > 5 ? ", …" : "")
                report.objects = stale.prefix(objectLimit).map { snapshot($0) }
                report.notes.append(Note(.stale, "\(refs) \(stale.count == 1 ? "is" : "are") now stale: loaded from \(table) before this write, so \(stale.count == 1 ? "its values are" : "their values are") not shown as current; \(stale[0].ref).reload (or a query that returns it) reads it again"))
            }
        }
        // Any schema change (CREATE, ALTER, DROP, in any spelling) moves PRAGMA schema_version.
        if schemaVersion() != versionBefore {
            session.database.clearStatementCache()
            for problem in schemaDrift() { report.notes.append(Note(.info, problem)) }
        }
    }

    // MARK: - :set

    func setOption(_ argument: String, range: SourceRange, into report: inout Report) throws {
        let parts = argument.split(separator: " ").map(String.init)
        guard parts.count == 2 else {
            throw EvalError(":set takes an option and a value", at: range, hint: ":set lazy select|batch|raise, :set autoflush on|off, :set naming standard|rails, :set sync evaluate|fetch|none")
        }
        switch parts[0] {
        case "lazy":
            guard let policy = LazyPolicy(rawValue: parts[1]) else {
                throw EvalError("lazy is select, batch or raise", at: range, hint: suggestion(parts[1], LazyPolicy.allCases.map(\.rawValue)))
            }
            session.lazyPolicy = policy
            let explanation: String
            switch policy {
            case .select: explanation = "touching an unloaded association runs a query for that one object (the default; watch for N+1)"
            case .batch: explanation = "touching an unloaded association loads it for every object of the same query at once, with IN (Hibernate's batch fetching)"
            case .raise: explanation = "touching an unloaded association is an error: load it with include(...) (Rails' strict_loading, SQLAlchemy's raiseload)"
            }
            report.notes.append(Note(.info, "lazy loading: \(policy.rawValue): \(explanation)"))
        case "autoflush":
            guard parts[1] == "on" || parts[1] == "off" else { throw EvalError("autoflush is on or off", at: range) }
            session.autoflush = parts[1] == "on"
            report.notes.append(Note(.info, session.autoflush ? "autoflush on: pending changes are written before each query, so queries see them"
                                                              : "autoflush off: queries do not see pending changes until save"))
        case "sync":
            guard let sync = BulkSync(rawValue: parts[1]) else {
                throw EvalError("sync is evaluate, fetch or none", at: range, hint: suggestion(parts[1], BulkSync.allCases.map(\.rawValue)))
            }
            session.bulkSync = sync
            let explanation: String
            switch sync {
            case .evaluate: explanation = "a bulk update or delete judges its condition on the loaded objects and changes them in memory, with no extra SQL (the default; SQLAlchemy's synchronize_session='evaluate')"
            case .fetch: explanation = "a bulk update or delete reads the changed rows back in the same statement (RETURNING) and refreshes the loaded objects (synchronize_session='fetch')"
            case .none: explanation = "a bulk update or delete leaves the loaded objects as they are and marks them stale (synchronize_session=False; Rails' update_all)"
            }
            report.notes.append(Note(.info, "sync \(sync.rawValue): \(explanation)"))
        case "naming":
            guard let naming = NamingConvention(rawValue: parts[1]) else {
                throw EvalError("naming is standard or rails", at: range)
            }
            guard session.schema.order.isEmpty && session.schema.waiting.isEmpty else {
                throw EvalError("the naming convention is chosen before the first entity is defined", at: range,
                                hint: "start a fresh session (or :load a script) that begins with :set naming \(parts[1])")
            }
            session.setNaming(naming)
            report.notes.append(Note(.info, naming == .rails ? "entities defined from now on get plural table names, as in Rails (Author → authors)"
                                                             : "entities defined from now on get singular snake_case table names (Author → author)"))
        case "pattern":
            try setPattern(parts[1], range: range, into: &report)
        case "identity-map":
            try setIdentityMap(parts[1], range: range, into: &report)
        case "lock_timeout":
            let milliseconds = try setLockTimeout(parts[1], range: range)
            report.notes.append(Note(.locking, milliseconds == 0
                ? "lock_timeout 0: a statement that needs a lock another session holds fails at once with `database is locked`"
                : "lock_timeout \(parts[1]): a statement waits up to \(milliseconds) ms for a lock another session holds (SQLite's busy timeout), then fails with `database is locked`; the REPL never waits longer"))
        default:
            throw EvalError("unknown option '\(parts[0])'", at: range, hint: suggestion(parts[0], ["lazy", "autoflush", "naming", "pattern", "identity-map", "sync", "lock_timeout"]) ?? "options: lazy, autoflush, naming, pattern, identity-map, sync, lock_timeout")
        }
    }

    // MARK: - :save and :load

    func saveHistory(to path: String, range: SourceRange, into report: inout Report) throws {
        guard !path.isEmpty else { throw EvalError(":save needs a file name", at: range, hint: "for example :save session.orm") }
        try checkSavePath(path, range: range)
        // The extension says what the file holds, and nothing else is written there.
        let format = URL(fileURLWithPath: path).pathExtension.lowercased()
        let text: String
        switch format {
        case "html":
            text = SessionPage.html(transcript, diagram: session.schema.diagram(in: session.dialect),
                                    title: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent,
                                    omitted: transcriptOmitted)
        case "json":
            text = transcript.map(JSONRenderer.render).joined(separator: "\n") + (transcript.isEmpty ? "" : "\n")
        default:
            text = "// Saved by ORMLab: the session's successful commands, replayable with :load or ormlab run\n"
                + history.joined(separator: "\n") + "\n"
        }
        do {
            try writeFileAtomically(text, to: path)
        } catch {
            throw EvalError("cannot write \(path): \(error.localizedDescription); nothing was written", at: range)
        }
        let more = transcriptOmitted > 0 ? " (the first \(transcript.count); \(transcriptOmitted) later ones are not kept)" : ""
        switch format {
        case "html":
            report.notes.append(Note(.info, "saved the page of \(transcript.count) command\(transcript.count == 1 ? "" : "s")\(more) to \(path); open it in a browser (no network needed)"))
        case "json":
            report.notes.append(Note(.info, "saved \(transcript.count) report\(transcript.count == 1 ? "" : "s")\(more) to \(path) as JSON Lines, one per command"))
        default:
            report.notes.append(Note(.info, "saved \(history.count) command\(history.count == 1 ? "" : "s") to \(path); replay with :load \(path) or ormlab run \(path)"))
        }
    }

    /// `:save` writes an .orm script, an .html page or .json JSON Lines and nothing else, into a
    /// folder that exists: refused before anything is written.
    func checkSavePath(_ path: String, range: SourceRange) throws {
        let url = URL(fileURLWithPath: path)
        let stem = url.deletingPathExtension().lastPathComponent
        guard ["orm", "html", "json"].contains(url.pathExtension.lowercased()) else {
            let kind = url.pathExtension.isEmpty ? "a file without an extension" : "a .\(url.pathExtension) file"
            let name = stem.isEmpty ? "session" : stem
            throw EvalError(":save writes the session as an .orm script, an .html page or .json lines, not \(kind); nothing was written", at: range,
                            hint: "for example :save \(name).orm or :save \(name).html (:export swift writes Swift code)")
        }
        var isFolder: ObjCBool = false
        let folder = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw EvalError("cannot save to \(path): the folder \(folder) does not exist; nothing was written", at: range,
                            hint: "create the folder first, or save in the current one: :save \(url.lastPathComponent)")
        }
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw EvalError("cannot save to \(path): it is a folder; nothing was written", at: range,
                            hint: "name a file inside it: :save \(path)/session.orm")
        }
    }

    func load(_ path: String, range: SourceRange, into report: inout Report) throws {
        guard !path.isEmpty else { throw EvalError(":load needs a file name", at: range, hint: "for example :load session.orm") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EvalError("cannot read \(path)", at: range, hint: "check the path; it is relative to \(FileManager.default.currentDirectoryPath)")
        }
        // A file that loads itself (directly or through others) would recurse until the stack
        // runs out: refuse a file that is already being loaded, and chains deeper than 16.
        let canonical = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        if filesBeingLoaded.contains(canonical) {
            throw EvalError("\(path) is already being loaded: :load would run it again and again", at: range,
                            hint: "remove the :load \(path) line from the file it is in")
        }
        guard filesBeingLoaded.count < 16 else {
            throw EvalError(":load is nested too deeply (16 files loading each other)", at: range)
        }
        filesBeingLoaded.append(canonical)
        defer { filesBeingLoaded.removeLast() }
        let text = String(decoding: data, as: UTF8.self)
        let saved = currentSource
        let savedPasses = loopPasses
        let reports = run(text, sourceName: path)
        currentSource = saved
        loopPasses = savedPasses
        var lines: [String] = []
        var sql: [StatementRecord] = []
        for r in reports {
            lines.append("\(r.ok ? "✓" : "✗") \(r.input.firstLine(limit: 100))")
            sql += r.sql
            report.diagnostics += r.diagnostics
        }
        report.sql = StatementRecords(sql)
        report.objects = reports.last?.objects ?? []
        let failed = reports.filter { !$0.ok }.count
        report.blocks.append(.code(title: "Loaded \(path)", lines: lines))
        report.notes.append(Note(.info, "ran \(reports.count) command\(reports.count == 1 ? "" : "s") from \(path)" + (failed > 0 ? ", \(failed) failed" : "")))
    }
}

/// Writes a file through a temporary file and a rename, so readers never see half a file.
public func writeFileAtomically(_ text: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    try Data(text.utf8).write(to: url, options: .atomic)
}

extension String {
    /// The first line, shortened to `limit` characters with an ellipsis.
    func firstLine(limit: Int) -> String {
        let line = split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? self
        let more = line.count < count
        if line.count > limit { return String(line.prefix(limit - 1)) + "…" }
        return more ? line + " …" : line
    }
}
