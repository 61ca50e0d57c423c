import DSL
import Foundation
import Report
import Runtime

// `:compare pattern SCRIPT.orm`: one script run twice, under the data mapper and under Active
// Record, each on a fresh in-memory copy of the current database (rows and mapping), measured
// side by side. The current session is not touched.

/// What one run of the script cost under one pattern.
struct PatternRun {
    var pattern: PersistencePattern
    /// Statements other than transaction control: the reads and writes.
    var statements: Int
    var reads: Int
    var writes: Int
    /// BEGINs (each a transaction; a savepoint inside one is not counted).
    var transactions: Int
    /// Every statement sent, transaction control included: one round trip each on a networked database.
    var roundTrips: Int
    var sqlMilliseconds: Double
    var totalMilliseconds: Double
    var objectsLoadedTwice: Int
    /// Commands that failed (a diagnostic).
    var failedCommands: Int
    /// Changes left unwritten at the end: pending in the unit of work, or unsaved objects.
    var unwritten: Int
    var records: [StatementRecord]
}

extension Workbench {
    /// `:compare pattern SCRIPT.orm`.
    func comparePattern(_ path: String, range: SourceRange, into report: inout Report) throws {
        guard !path.isEmpty else {
            throw EvalError(":compare pattern needs a script", at: range, hint: "for example :compare pattern Playground/05-active-record.orm")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw EvalError("cannot read \(path)", at: range, hint: "check the path; it is relative to \(FileManager.default.currentDirectoryPath)")
        }
        guard !session.hasPendingWorkOrTransaction, session.unsavedObjects.isEmpty else {
            throw EvalError(":compare pattern copies the database as saved, and pending changes would not be in the copies", at: range,
                            hint: "run `save` (or `rollback`) first, then :compare pattern again; nothing was changed or lost")
        }
        guard !session.schema.order.isEmpty else {
            throw EvalError(":compare pattern runs a script on copies of the current database, which has no entities yet", at: range,
                            hint: "define the entities (and insert some rows) first; the script then works on them")
        }
        // A script that compares itself (directly or through :load) would copy the database
        // again and again: refused, as :load refuses a file that loads itself.
        let canonical = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        if filesBeingLoaded.contains(canonical) {
            throw EvalError("\(path) is already running: :compare pattern would run it again and again", at: range,
                            hint: "remove the :compare pattern line from the script it is in")
        }
        guard filesBeingLoaded.count < 16 else { throw EvalError(":compare pattern is nested too deeply", at: range) }
        let text = String(decoding: data, as: UTF8.self)
        let runs = try [PersistencePattern.dataMapper, .activeRecord].map {
            try runScript(text, path: path, under: $0, loading: filesBeingLoaded + [canonical])
        }
        let (mapper, record) = (runs[0], runs[1])

        report.sql = StatementRecords(runs.flatMap(\.records))
        func ms(_ v: Double) -> String { String(format: "%.2f ms", v) }
        let rows: [(String, (PatternRun) -> String)] = [
            ("statements (reads + writes)", { "\(formatCount($0.statements)) (\(formatCount($0.reads)) + \(formatCount($0.writes)))" }),
            ("transactions", { formatCount($0.transactions) }),
            ("round trips (all statements)", { formatCount($0.roundTrips) }),
            ("time in SQL", { ms($0.sqlMilliseconds) }),
            ("time in all", { ms($0.totalMilliseconds) }),
            ("objects loaded twice", { formatCount($0.objectsLoadedTwice) }),
            ("commands failed", { formatCount($0.failedCommands) }),
            ("changes left unwritten", { formatCount($0.unwritten) }),
        ]
        report.blocks.append(.table(title: "\(path) run both ways, each on a fresh copy of the current database",
                                    header: ["", mapper.pattern.rawValue, record.pattern.rawValue],
                                    rows: rows.map { [$0.0, $0.1(mapper), $0.1(record)] }))
        report.notes += comparePatternNotes(mapper: mapper, record: record)
    }

    /// Runs `text` on a fresh copy of this database under `pattern`.
    private func runScript(_ text: String, path: String, under pattern: PersistencePattern, loading: [String]) throws -> PatternRun {
        let copy = try Workbench(copying: self)
        copy.filesBeingLoaded = loading
        try copy.session.setPattern(pattern)
        copy.buildsReports = false
        copy.compareLazyBudgetSeconds = compareLazyBudgetSeconds
        let start = Date()
        let reports = copy.run(text, sourceName: path)
        let total = Date().timeIntervalSince(start) * 1000
        let records = reports.flatMap { Array($0.sql) }
        let control = records.filter { isTransactionControl($0.sql) }
        let reads = records.filter { $0.sql.hasPrefix("SELECT") || $0.sql.hasPrefix("WITH") }.count
        let statements = records.count - control.count
        return PatternRun(pattern: pattern, statements: statements, reads: reads, writes: statements - reads,
                          transactions: control.filter { $0.sql.hasPrefix("BEGIN") }.count, roundTrips: records.count,
                          sqlMilliseconds: records.reduce(0) { $0 + $1.ms }, totalMilliseconds: total,
                          objectsLoadedTwice: copy.session.objectsLoadedTwice,
                          failedCommands: reports.filter { !$0.ok }.count,
                          unwritten: copy.session.pendingObjects.count + copy.session.pendingLinkCount + copy.session.unsavedObjects.count,
                          records: folded(records, label: pattern.rawValue))
    }

    private func isTransactionControl(_ sql: String) -> Bool {
        ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"].contains { sql.hasPrefix($0) }
    }

    func comparePatternNotes(mapper: PatternRun, record: PatternRun) -> [Note] {
        var notes: [Note] = []
        notes.append(Note(.save, "data-mapper: the unit of work wrote the changes at `save`, \(formatCount(mapper.transactions)) transaction\(mapper.transactions == 1 ? "" : "s") for \(formatCount(mapper.writes)) write\(mapper.writes == 1 ? "" : "s"); active-record: each insert, save and destroy was its own transaction, \(formatCount(record.transactions)) for \(formatCount(record.writes)) write\(record.writes == 1 ? "" : "s")"))
        if record.roundTrips != mapper.roundTrips {
            notes.append(Note(.info, "round trips: \(formatCount(mapper.roundTrips)) against \(formatCount(record.roundTrips)); every BEGIN and COMMIT is one more, and on a networked database each costs a network round trip"))
        }
        if record.objectsLoadedTwice > 0 || mapper.objectsLoadedTwice > 0 {
            notes.append(Note(.identityMap, "objects loaded twice: \(formatCount(mapper.objectsLoadedTwice)) with the identity map, \(formatCount(record.objectsLoadedTwice)) without: without one, each Author#1 is a new query and a new object, and two objects of one row can hold different values"))
        }
        if mapper.unwritten > 0 || record.unwritten > 0 {
            notes.append(Note(.pending, "changes left unwritten at the end of the script: \(formatCount(mapper.unwritten)) under data-mapper (pending until a `save` that never came), \(formatCount(record.unwritten)) under active-record (objects changed but never .save'd)"))
        }
        if mapper.failedCommands > 0 || record.failedCommands > 0 {
            notes.append(Note(.info, "commands that failed: \(formatCount(mapper.failedCommands)) under data-mapper, \(formatCount(record.failedCommands)) under active-record (the script's form of a command may suit one pattern only: Book#1.save is Active Record's)"))
        }
        notes.append(Note(.info, "both runs used in-memory copies of the current database; it is unchanged"))
        return notes
    }
}
