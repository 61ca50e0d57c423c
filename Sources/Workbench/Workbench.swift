import DSL
import Mapping
import Report
import Runtime
import SQLBuilder
import DatabaseKit

/// A mistake found while evaluating a command, pointing at the text responsible.
struct EvalError: Error {
    var diagnostic: Diagnostic
    init(_ message: String, at range: SourceRange, hint: String? = nil) {
        diagnostic = Diagnostic(.error, message, at: range, hint: hint)
    }
    init(_ diagnostic: Diagnostic) { self.diagnostic = diagnostic }
}

/// The interpreter: one command in, one report out. Owns the session; knows nothing of terminals.
public final class Workbench {
    /// The session commands run in: the only one, or the one `:session NAME` switched to.
    public internal(set) var session: Session
    /// The named sessions once a second one is opened (`:session B`); empty before, so a
    /// single-session workbench keeps nothing extra and checks one count.
    var openSessions: [OpenSession] = []
    /// Which of `openSessions` is `session`.
    var currentSessionIndex = 0
    /// The first session's name, "A", until a second session makes names matter.
    var firstSessionName = "A"
    /// Moves each time an entity is defined, so a session switched to adopts the new mapping.
    var mappingVersion = 0
    /// The database the workbench opened (":memory:" or a file).
    let databasePath: String
    /// The temporary file an in-memory database moved to when a second session opened.
    var sharedDatabaseFile: String?
    /// `:set lock_timeout`, in milliseconds, once set (every session gets it).
    var lockTimeoutMilliseconds: Int?
    /// `let` bindings and loop variables.
    var variables: [String: Value] = [:]
    /// Set while a command only resolves a query (`:explain`, `:compare`): a bulk update or
    /// delete then refuses with this message instead of running.
    var bulkRefusal: String?
    /// Set when a bulk update or delete on a query refused its arguments: its own diagnostic
    /// stands (the `update(...)` habit of other ORMs is for objects, not queries).
    var keepsOwnDiagnostic = false
    /// The source each entity was defined in, to read its scopes' text (`scope rich = where(...)`).
    var scopeSources: [String: SourceFile] = [:]
    /// The successful commands of this session, as typed (for `:save`).
    public internal(set) var history: [String] = []
    /// Commands handled by upper layers (lessons, export), by name without the colon.
    public var commandHandlers: [String: (_ argument: String, _ workbench: Workbench) -> Report] = [:]
    /// Every command's report, in order, for `:save FILE.html` and `:save FILE.json`: at most
    /// `transcriptLimit` of them (a seeding script of 100,000 inserts keeps the first ones and
    /// counts the rest), and none when `buildsReports` is off.
    public internal(set) var transcript: [Report] = []
    /// Commands run after the transcript was full.
    public internal(set) var transcriptOmitted = 0
    public var transcriptLimit = 500
    /// `:dialect NAME`: the SQL pane is also shown in this dialect (nil: only the session's).
    public internal(set) var shownDialect: (any Dialect)?
    /// Set by `:quit`.
    public internal(set) var quitRequested = false
    /// The objects of the last result, for `:more`.
    var lastObjects: [ManagedObject] = []
    /// Objects shown per report before the rest are summarised.
    public var objectLimit = 20
    /// False runs commands exactly the same but leaves the objects and mapping panes of
    /// statements out of their reports (objects are only counted, in `omittedObjects`), and the
    /// note every insert adds: for output nobody reads, such as a seeding script run with output
    /// off, or the benchmark. Statements, values, diagnostics and the other notes are reported
    /// either way.
    public var buildsReports = true
    /// How long `:compare` lets its lazy run go before stopping it (seconds).
    public var compareLazyBudgetSeconds: Double = 10
    /// The current command's source, for rendering diagnostics.
    var currentSource = SourceFile(text: "")
    /// Where the lines of the last rendered source start, so each diagnostic finds its line fast.
    var lineIndex = LineIndex()
    /// The files `:load` is running, outermost first (a file may not load itself).
    var filesBeingLoaded: [String] = []
    /// Passes through `for` bodies in the current command (see `maximumLoopPasses`).
    var loopPasses = 0
    /// How many passes through `for` bodies one command may make, nested loops included.
    public var maximumLoopPasses = 100_000
    /// The schema version last compared with the mapping, and the tables that did not match.
    var driftCache: (version: Int64?, drift: [SchemaDrift])?
    /// What inserts need from each entity's mapping (see `InsertPlan`), and the one used last.
    var insertPlans: [ObjectIdentifier: InsertPlan] = [:]
    var lastInsertPlan: InsertPlan?
    /// What opening the database has to say before the first command: the model inferred from
    /// a database ORMLab did not make (see `ExistingDatabase.swift`), nil otherwise.
    public internal(set) var openingReport: Report?
    /// The inferred model's declarations until they are stored (the first schema change writes
    /// ORMLab's metadata, and stores them with it).
    var unstoredInferredDeclarations: [(name: String, source: String)] = []
    /// Set by `:set pattern`: from then on the Mapping pane says who saves each entity's objects.
    var namesPersister = false
    /// The Rosetta catalogue `:rosetta` shows, read at its first use (nil: not read yet).
    public var rosettaCatalogue: RosettaCatalogue?

    /// Opens a workbench on a database (":memory:" or a file path); a file's stored entity
    /// definitions are read back so its mapping is restored.
    public init(databasePath: String = ":memory:") throws {
        self.databasePath = databasePath
        session = try Session.open(path: databasePath)
        if databasePath != ":memory:" { try restoreStoredSchema() }
    }

    /// A workbench on a copy of `other`'s database (rows, mapping and settings), for a run that
    /// must leave `other` untouched.
    init(copying other: Workbench) throws {
        databasePath = ":memory:"
        session = try other.session.sessionOnCopy()
        try restoreStoredSchema()
        history = []
        objectLimit = other.objectLimit
    }

    /// A database target as it may be shown (a PostgreSQL password hidden).
    public static func displayedTarget(_ target: String) -> String { displayedDatabaseTarget(target) }

    /// True when `target` is a PostgreSQL connection string rather than a SQLite file.
    public static func isPostgresTarget(_ target: String) -> Bool { SessionDatabase.isPostgresTarget(target) }

    deinit { removeSharedDatabaseFile() }

    /// Replays stored entity declarations without running their DDL (the tables exist).
    func restoreStoredSchema() throws {
        let tables = try session.database.tableNames()
        let stored = try session.storedDeclarations()
        if stored.isEmpty {
            let foreign = tables.filter { !session.database.isMetadataTable($0) }
            if !foreign.isEmpty {
                // A database ORMLab did not make: infer a model from its catalog, write nothing.
                var report = Report(input: "--db (a database ORMLab did not make)")
                try adoptInferredModel(into: &report, fileDatabase: true)
                openingReport = report
            }
            return
        }
        for (name, source) in joinEntitiesFirst(storedInHierarchyOrder(stored)) {
            let parsed = Parser.parse(SourceFile(name: "stored \(name)", text: source))
            for case .entity(let decl) in parsed.commands {
                let problems = session.restore(decl)
                if let first = problems.first {
                    throw ORMError("the stored definition of \(name) no longer maps: \(first.message)")
                }
            }
            history.append(source)
        }
    }

    // MARK: - Running text

    /// Parses `text` and runs each command; one report per command, in order. A command that
    /// fails does not stop the ones after it.
    /// Stops the statement running now (safe from another thread or a signal handler, e.g. on
    /// Ctrl-C): the command fails with an "interrupted" diagnostic and the session goes on.
    public func interrupt() { session.interrupt() }

    public func run(_ text: String, sourceName: String = "<repl>", firstLine: Int = 1) -> [Report] {
        var reports: [Report] = []
        run(text, sourceName: sourceName, firstLine: firstLine) { reports.append($0) }
        return reports
    }

    /// Like `run`, handing each report over as soon as its command has run (scripts stream).
    public func run(_ text: String, sourceName: String = "<repl>", firstLine: Int = 1, onReport: (Report) -> Void) {
        let file = SourceFile(name: sourceName, text: text, firstLine: firstLine)
        var commands = Parser.commands(of: file)
        var report = Report(input: "") // one report, reset for each command (see `Report.reset`)
        while let item = commands.next() {
            switch item {
            case .command(let command):
                execute(command, in: file, into: &report)
                keepInTranscript(report)
                onReport(report)
            case .failure(let diagnostic, let range):
                report.reset(input: file.trimmedSlice(range))
                report.ok = false
                report.diagnostics = [record(habitAware(diagnostic, in: file, command: range), in: file)]
                keepInTranscript(report)
                onReport(report)
            }
            if quitRequested { break }
        }
    }

    /// Keeps a copy of `report` for `:save FILE.html` (a cheap check when it is full or off).
    func keepInTranscript(_ report: Report) {
        guard buildsReports else { return }
        if transcript.count < transcriptLimit { transcript.append(report) } else { transcriptOmitted += 1 }
    }

    /// Runs one parsed command and reports what it did.
    public func execute(_ command: Command, in file: SourceFile) -> Report {
        var report = Report(input: "")
        execute(command, in: file, into: &report)
        keepInTranscript(report)
        return report
    }

    /// Runs one parsed command into `report`, which is reset first: `run` reuses one report,
    /// where a report made and returned per command was copied once and destroyed twice.
    func execute(_ command: Command, in file: SourceFile, into report: inout Report) {
        currentSource = file
        loopPasses = 0
        let input = file.trimmedSlice(command.range)
        session.beginCommand(input)
        report.reset(input: input)
        perform(command, in: file, input: input, into: &report)
    }

    /// The body of `execute`, filling the report the caller reset.
    @inline(never)
    private func perform(_ command: Command, in file: SourceFile, input: String, into report: inout Report) {
        do {
            switch command {
            case .entity(let decl):
                try define(decl, source: input, into: &report)
            case .statement(let statement):
                try checkExpressionDepth(statement)
                try checkSchemaDrift(before: statement, range: command.range, input: input)
                try runStatement(statement, into: &report)
            case .workbench(let name, let argument, let range, let argumentRange):
                try runWorkbenchCommand(name, argument: argument, range: range, argumentRange: argumentRange, into: &report)
            }
        } catch let error as EvalError {
            report.diagnostics.append(record(habitAware(error.diagnostic, in: file, command: command.range), in: file))
        } catch let error as ORMError {
            report.diagnostics.append(record(Diagnostic(.error, error.message, at: command.range, hint: error.hint), in: file))
        } catch let error as any DatabaseError {
            report.diagnostics.append(record(Diagnostic(.error, "\(session.dialect.name): \(error.message)", at: command.range,
                                                        hint: error.isInterrupted ? "the statement was interrupted; the session goes on" : nil), in: file))
        } catch {
            report.diagnostics.append(record(Diagnostic(.error, "\(error)", at: command.range), in: file))
        }
        if namesPersister { namePersister(in: &report) }
        if report.sql.isEmpty { report.sql = session.log.current }
        if shownDialect != nil { addDialectView(&report) }
        // PostgreSQL's warnings (its notices below WARNING are turned off by the driver).
        if session.db.isPostgres {
            for notice in session.db.takeNotices() { report.notes.append(Note(.info, "PostgreSQL said: " + notice)) }
        }
        // A failed statement inside a transaction, undone by the driver's statement savepoint.
        if session.db.isPostgres, session.db.takeRolledBackStatements() > 0 {
            report.notes.append(Note(.transaction, statementSavepointNote))
        }
        // A connection the server ended (restart, shutdown), opened again by this command.
        if session.db.isPostgres, session.db.takeReconnections() > 0 {
            report.notes.append(Note(.info, "the connection to \(session.db.displayTarget) was lost (the server restarted or ended the session) and opened again for this command; the objects in memory are as they were"))
        }
        if !session.pendingNotes.isEmpty { report.notes = session.pendingNotes + report.notes }
        if !session.pendingTimelines.isEmpty { report.lifecycle = session.pendingTimelines }
        if report.sql.count >= 2 { addNPlusOneNotes(&report, command: command) } // (a repeated SELECT needs two statements)
        report.ok = !report.diagnostics.contains { $0.severity == "error" }
        if report.ok, shouldRecordInHistory(command) { history.append(input) }
        session.log.endCommand(objects: report.objects.count + report.omittedObjects)
        if openSessions.count > 1 { afterCommandWithSessions(input, into: &report) }
        else if !report.ok && session.db.isPostgres { explainPostgresConcurrencyFailure(into: &report) } // another program's lock
    }

    private func shouldRecordInHistory(_ command: Command) -> Bool {
        if case .workbench(let name, _, _, _) = command {
            return ["set", "seed", "sql", "session"].contains(name)
        }
        return true
    }

    func record(_ d: Diagnostic, in file: SourceFile) -> DiagnosticRecord {
        // Render against just the diagnostic's line: `SourceFile.line(_:)` splits the whole text,
        // which made a long script with many mistakes take quadratic time.
        let line = lineIndex.line(d.line, of: file)
        let source = SourceFile(name: file.name, text: line ?? "", firstLine: line == nil ? d.line + 1 : d.line)
        return DiagnosticRecord(severity: d.severity.rawValue, message: d.message, line: d.line, column: d.column,
                                hint: d.hint, rendered: d.rendered(in: source))
    }

    // MARK: - Definitions

    func define(_ decl: EntityDecl, source: String, into report: inout Report) throws {
        // A table changed behind the mapping's back is migrated from what it holds now.
        if decl.joinEntitySides != nil, !unstoredInferredDeclarations.isEmpty {
            try defineJoinEntityOnInferredModel(decl, source: source, into: &report)
            return
        }
        let drifted = session.schema.entity(decl.name.name) == nil ? nil : currentDrift().first { $0.entity == decl.name.name }
        let change = session.define(decl, source: source, onDisk: drifted?.onDisk)
        scopeSources[decl.name.name] = currentSource
        driftCache = nil   // the mapping may have changed: compare it with the tables afresh
        if !unstoredInferredDeclarations.isEmpty, !change.hasErrors, !change.steps.isEmpty {
            storeInferredModel(besides: decl.name.name, into: &report)
        }
        for d in change.diagnostics { report.diagnostics.append(record(d, in: currentSource)) }
        guard !change.diagnostics.contains(where: { $0.severity == .error }) else { return }
        if !openSessions.isEmpty { mappingDefined() }
        var names = change.affectedEntities
        if !names.contains(decl.name.name) { names.insert(decl.name.name, at: 0) }
        report.mapping = names.map { session.schema.facts(for: $0, in: session.dialect) }
        if session.schema.entity(decl.name.name)?.versionColumn != nil { report.notes.append(versionNote(decl.name.name)) }
        for line in change.explanation {
            let kind: Note.Kind = change.migrationSentences.contains(line) ? .migration : change.waitingSentences.contains(line) ? .waiting : .info
            report.notes.append(Note(kind, line))
        }
    }

    // MARK: - Notes

    func addNPlusOneNotes(_ report: inout Report, command: Command? = nil) {
        guard report.sql.count >= 2 else { return }
        // A command that explains its own N+1 (`:compare`) gets no second, generic note.
        guard !report.notes.contains(where: { $0.kind == .nPlusOne }) else { return }
        // `:compare pattern` lists two runs of a script: a SELECT in both is not a loop.
        if case .workbench("compare", let argument, _, _)? = command, argument.hasPrefix("pattern") { return }
        let loops = command.map(loopSequences) ?? [:]
        var fixes: [(finding: NPlusOneDetector.Finding, cause: String, path: LazyPath?)] = []
        for finding in NPlusOneDetector.findings(in: report.sql) where finding.count >= 2 {
            guard let cause = finding.causes.first, !cause.hasPrefix("include(") else { continue }
            // Keyset batches repeat one SELECT on purpose, one per batch, not one per object.
            if finding.causes.allSatisfy({ $0.contains(".batches(") }) { continue }
            // `A#1.reload` reads again the row the command just found: one object, no loop.
            let reloads = finding.causes.filter { $0.hasSuffix(".reload") }.count
            if reloads > 0 && finding.count - reloads < 2 { continue }
            fixes.append((finding, cause, lazyPath(of: cause, loops: loops)))
        }
        for (finding, cause, path) in fixes {
            var fix = ":set lazy batch"
            if var path, !path.associations.isEmpty {
                // A deeper N+1 in the same loop (b.tags under a.books) is fixed by one include
                // of the whole path, which loads this level too.
                if let deeper = fixes.compactMap(\.path).filter({ $0.root == path.root && $0.associations.starts(with: path.associations) })
                    .max(by: { $0.associations.count < $1.associations.count }) {
                    path = deeper
                }
                let include = "include(\(path.associations.joined(separator: ".")))"
                if path.associations.count > 1 {
                    // Spelled out when the loop runs over a query written in place (Author.all…).
                    let query = path.root.flatMap { $0.first?.isUppercase == true ? " (\($0).\(include))" : nil } ?? ""
                    fix = "\(include) in the loop's query\(query), or :set lazy batch, loads each level with one more query"
                    report.notes.append(Note(.nPlusOne, "N+1 queries: the same SELECT ran \(finding.count) times in this command, once per object (cause: \(cause)): \(finding.sql). Fix: \(fix)."))
                    continue
                }
                fix = "\(include) in the query, or :set lazy batch"
            }
            report.notes.append(Note(.nPlusOne, "N+1 queries: the same SELECT ran \(finding.count) times in this command, once per object (cause: \(cause)): \(finding.sql). Fix: \(fix) loads them all in one more query."))
        }
    }

    /// The associations a lazy load walked from the loop's query: "b.tags" inside
    /// `for b in a.books` inside `for a in Author.all` is Author.all → books → tags.
    struct LazyPath {
        /// The root query as written ("Author.all"), when the command's loops name it.
        var root: String?
        var associations: [String]
    }

    func lazyPath(of cause: String, loops: [String: Expr]) -> LazyPath? {
        let parts = cause.split(separator: " ").first.map { $0.split(separator: ".").map(String.init) } ?? []
        guard parts.count >= 2 else { return nil }
        var associations = Array(parts.dropFirst())
        var variable = parts[0]
        var root: String?
        var seen: Set<String> = []
        // Follow `for b in a.books`: b's objects came from a's books.
        while let sequence = loops[variable], seen.insert(variable).inserted {
            var chain: [String] = []
            var expr = sequence
            while case .member(let base, let name, _) = expr { chain.insert(name.name, at: 0); expr = base }
            if case .name(let outer) = expr, loops[outer.name] != nil, !chain.isEmpty {
                associations = chain + associations
                variable = outer.name
            } else {
                root = currentSource.slice(sequence.range)
                break
            }
        }
        return LazyPath(root: root, associations: associations)
    }

    /// Loop variables of a command and the sequence each runs over.
    func loopSequences(_ command: Command) -> [String: Expr] {
        guard case .statement(let statement) = command else { return [:] }
        var out: [String: Expr] = [:]
        func walk(_ s: ScriptStatement) {
            if case .forLoop(let variable, let sequence, let body, _) = s {
                out[variable.name] = sequence
                body.forEach(walk)
            }
        }
        walk(statement)
        return out
    }
}

/// The start of every line of one source text, computed once per text (a script may hold
/// thousands of commands, each of which may render a diagnostic).
struct LineIndex {
    private var text = ""
    private var starts: [Int] = [0]

    /// The text of line `number` (in `file`'s numbering), without its line break.
    mutating func line(_ number: Int, of file: SourceFile) -> String? {
        if file.text != text { // fast for the same string: equal storage compares in O(1)
            text = file.text
            starts = [0]
            var offset = 0
            for byte in text.utf8 {
                offset += 1
                if byte == 10 { starts.append(offset) }
            }
        }
        let index = number - file.firstLine
        guard index >= 0, index < starts.count else { return nil }
        let utf8 = text.utf8
        let lo = utf8.index(utf8.startIndex, offsetBy: starts[index])
        var hi = index + 1 < starts.count ? utf8.index(utf8.startIndex, offsetBy: starts[index + 1] - 1) : utf8.endIndex
        if hi > lo, utf8[utf8.index(before: hi)] == 13 { hi = utf8.index(before: hi) } // "\r\n"
        return String(decoding: utf8[lo..<hi], as: UTF8.self)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        // Most commands start and end with visible ASCII: nothing to trim, no Characters to make.
        // (A Character ending in such a byte is that byte, or it after marks that are not
        // whitespace either.)
        let utf8 = self.utf8
        if let first = utf8.first, let last = utf8.last, first > 32, first < 127, last > 32, last < 127 {
            return self
        }
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

extension Workbench {
    /// Variables that hold objects or queries, with their entity (for completion after `x.`).
    public var variableEntities: [String: String] {
        var out: [String: String] = [:]
        for (name, value) in variables {
            switch value {
            case .object(let o, _): out[name] = o.entity.name
            case .query(_, let info), .batches(_, let info, _): out[name] = info.name
            case .entity(let info): out[name] = info.name
            case .objects(let list): if let first = list.first { out[name] = first.entity.name }
            default: break
            }
        }
        return out
    }
}

/// What went wrong, in one sentence, for the executable's messages: an ORM mistake with its hint,
/// a database's own message, or the error's description.
public func failureMessage(_ error: Error) -> String {
    if let e = error as? ORMError { return e.message + (e.hint.map { " (\($0))" } ?? "") }
    if let e = error as? any DatabaseError { return e.message }
    return "\(error)"
}

/// Why a ROLLBACK TO SAVEPOINT ormlab_statement follows a failed statement on PostgreSQL.
let statementSavepointNote = "PostgreSQL aborts the whole transaction when one statement in it fails (\"current transaction is aborted\"); SQLite undoes just that statement. So inside a transaction ORMLab runs each statement after SAVEPOINT ormlab_statement and releases it after (not shown in the SQL pane, as psql's ON_ERROR_ROLLBACK does): ROLLBACK TO SAVEPOINT ormlab_statement undid only the failed statement, and the transaction and the unit of work go on, as on SQLite"
