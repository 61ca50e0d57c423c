import Foundation
import DSL
import Report
import Runtime
import SQLBuilder
import DatabaseKit

// `:session NAME`, `:sessions` and what a second session changes in the workbench (spec §13):
// each session has its own connection, identity map and unit of work on the same database; a
// command runs in the current one, and its panes name it. With one session none of this runs.

/// One named session of the workbench.
struct OpenSession {
    var name: String
    var session: Session
    /// The workbench's `mappingVersion` this session's mapping is from.
    var mappingVersion: Int
    /// The command that opened this session's open transaction: who holds a lock.
    var transactionOpenedBy: String?
}

extension Workbench {
    /// Rolls back every session's open transaction (the end of `ormlab export`, which reads the
    /// schema afterwards: on SQLite another session's open write transaction would lock it out).
    public func rollBackOpenTransactions() {
        for open in openSessions where open.session.database.isInTransaction { _ = try? open.session.rollback() }
        if session.database.isInTransaction { _ = try? session.rollback() }
    }

    /// The current session's name when more than one is open, else nil.
    public var currentSessionName: String? { openSessions.count > 1 ? openSessions[currentSessionIndex].name : nil }

    /// `:session NAME` (open or switch), `:session close NAME [discard]`.
    func sessionCommand(_ argument: String, range: SourceRange, into report: inout Report) throws {
        let words = argument.split(separator: " ").map(String.init)
        if words.first == "close" {
            guard words.count == 2 || (words.count == 3 && words[2] == "discard") else {
                throw EvalError("write `:session close NAME` (or `:session close NAME discard` to drop its unsaved changes)", at: range)
            }
            try closeSession(words[1], discard: words.count == 3, range: range, into: &report)
            return
        }
        guard words.count == 1, let name = words.first else {
            throw EvalError(argument.isEmpty ? ":session needs a name: `:session B` opens (or switches to) session B" : "a session name is one word: `:session B`",
                            at: range, hint: ":sessions lists the open sessions")
        }
        guard name.count <= 20, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw EvalError("'\(name)' is not a session name: use letters, digits and _ (at most 20)", at: range)
        }
        if openSessions.isEmpty {
            guard name != firstSessionName else {
                report.notes.append(Note(.session, "already in session \(name), the only one; `:session B` opens a second"))
                return
            }
            try openSecondSession(name, into: &report)
            return
        }
        if let index = openSessions.firstIndex(where: { $0.name == name }) {
            guard index != currentSessionIndex else {
                report.notes.append(Note(.session, "already in session \(name)"))
                return
            }
            switchSession(to: index)
            let held = sessionSummary(openSessions[index])
            report.notes.append(Note(.session, "session \(name): \(held)"))
            return
        }
        let other = try session.openingAnotherSession()
        try applyLockTimeout(to: other)
        other.checksLostUpdates = true
        openSessions.append(OpenSession(name: name, session: other, mappingVersion: mappingVersion))
        switchSession(to: openSessions.count - 1)
        report.notes.append(Note(.session, "session \(name) opened: its own connection, identity map and unit of work, on the same database"))
    }

    /// The first `:session NAME`: the workbench's session becomes "A" (or keeps its name) and a
    /// second one opens. An in-memory database moves to a temporary file first: SQLite's
    /// in-memory database belongs to one connection, and its shared-cache mode locks tables,
    /// not the database, and ignores the busy timeout, so it would teach the wrong locks.
    private func openSecondSession(_ name: String, into report: inout Report) throws {
        if databasePath == ":memory:" && sharedDatabaseFile == nil {
            let path = NSTemporaryDirectory() + "/ormlab-sessions-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).sqlite"
            session = try session.movedToFile(at: path)
            sharedDatabaseFile = path
            report.notes.append(Note(.session, "two sessions need one database both can open: the in-memory database was copied to a temporary file (deleted when ORMLab ends), and session \(firstSessionName) now uses it"))
        }
        try applyLockTimeout(to: session)
        session.checksLostUpdates = true
        let other = try session.openingAnotherSession()
        try applyLockTimeout(to: other)
        other.checksLostUpdates = true
        openSessions = [OpenSession(name: firstSessionName, session: session, mappingVersion: mappingVersion),
                        OpenSession(name: name, session: other, mappingVersion: mappingVersion)]
        currentSessionIndex = 1
        session = other
        report.notes.append(Note(.session, "session \(name) opened: its own connection, identity map and unit of work, on the same database; `:session \(firstSessionName)` goes back to the first"))
    }

    private func switchSession(to index: Int) {
        currentSessionIndex = index
        session = openSessions[index].session
        if openSessions[index].mappingVersion < mappingVersion {
            // An entity was defined in another session: map it here too (own identity map).
            if let newest = openSessions.first(where: { $0.mappingVersion == mappingVersion }) {
                session.shareMapping(of: newest.session)
            }
            openSessions[index].mappingVersion = mappingVersion
        }
    }

    /// After `define` succeeded in the current session (with sessions open).
    func mappingDefined() {
        mappingVersion += 1
        openSessions[currentSessionIndex].mappingVersion = mappingVersion
    }

    private func closeSession(_ name: String, discard: Bool, range: SourceRange, into report: inout Report) throws {
        guard let index = openSessions.firstIndex(where: { $0.name == name }) else {
            throw EvalError("no session '\(name)'", at: range, hint: openSessions.isEmpty ? "only one session is open" : "open: \(openSessions.map(\.name).joined(separator: ", "))")
        }
        guard index != currentSessionIndex else {
            throw EvalError("session \(name) is the current one: switch to another first (`:session \(openSessions.first { $0.name != name }?.name ?? "A")`)", at: range)
        }
        let closing = openSessions[index].session
        if (closing.hasPendingChanges || closing.database.isInTransaction) && !discard {
            let count = closing.pendingObjects.count + closing.pendingLinkCount
            throw EvalError("session \(name) has \(count) unsaved change\(count == 1 ? "" : "s")\(closing.database.isInTransaction ? " and an open transaction" : ""); closing it would lose them",
                            at: range, hint: "`:session \(name)` then `save` (or `commit`), or `:session close \(name) discard` to drop them")
        }
        if closing.database.isInTransaction { _ = try? closing.rollback() }
        openSessions.remove(at: index)
        if currentSessionIndex > index { currentSessionIndex -= 1 }
        report.notes.append(Note(.session, "session \(name) closed" + (discard ? ": its unsaved changes were discarded" : "")))
        if openSessions.count == 1 {
            firstSessionName = openSessions[0].name
            openSessions = []
            currentSessionIndex = 0
            session.checksLostUpdates = false
        }
    }

    /// `:sessions`: each session, what it holds and whether a transaction is open.
    func sessionsReport(into report: inout Report) {
        guard !openSessions.isEmpty else {
            report.blocks.append(.table(title: "Sessions", header: ["", "session", "objects", "pending", "transaction"],
                                        rows: [["*", firstSessionName, "\(session.identityMapCount)", pendingText(session), transactionText(session, openedBy: nil)]]))
            report.notes.append(Note(.session, "one session; `:session B` opens a second on the same database"))
            return
        }
        let rows = openSessions.enumerated().map { i, open in
            [i == currentSessionIndex ? "*" : "", open.name, "\(open.session.identityMapCount)", pendingText(open.session),
             transactionText(open.session, openedBy: open.transactionOpenedBy)]
        }
        report.blocks.append(.table(title: "Sessions (* = current)", header: ["", "session", "objects", "pending", "transaction"], rows: rows))
    }

    private func pendingText(_ session: Session) -> String {
        let objects = session.pendingObjects
        let links = session.pendingLinkCount
        if objects.isEmpty && links == 0 { return "nothing" }
        var parts = objects.prefix(3).map(\.ref)
        if objects.count > 3 { parts.append("… \(objects.count - 3) more") }
        if links > 0 { parts.append("\(links) link\(links == 1 ? "" : "s")") }
        return parts.joined(separator: ", ")
    }

    private func transactionText(_ session: Session, openedBy: String?) -> String {
        guard session.database.isInTransaction else { return "none" }
        return "open" + (openedBy.map { " (since `\($0)`)" } ?? "")
    }

    private func sessionSummary(_ open: OpenSession) -> String {
        "\(open.session.identityMapCount) object\(open.session.identityMapCount == 1 ? "" : "s") in its identity map, "
            + "pending: \(pendingText(open.session)), transaction: \(transactionText(open.session, openedBy: open.transactionOpenedBy))"
    }

    /// After every command while sessions are open: name the session in the panes, remember
    /// which command opened its transaction, and explain a lock wait that timed out.
    func afterCommandWithSessions(_ input: String, into report: inout Report) {
        report.sessionName = openSessions[currentSessionIndex].name
        if session.database.isInTransaction {
            if openSessions[currentSessionIndex].transactionOpenedBy == nil { openSessions[currentSessionIndex].transactionOpenedBy = input }
        } else {
            openSessions[currentSessionIndex].transactionOpenedBy = nil
        }
        if !report.ok, report.diagnostics.contains(where: { $0.message.contains("database is locked") }) {
            report.notes.append(Note(.locking, lockHolderExplanation()))
        }
        // SQLite: the COMMIT of a save waited for another session's read lock and failed. The
        // writes stay in this session's open transaction (and its lock), not in the unit of work.
        if !report.ok, !session.explicitTransaction, session.database.isInTransaction, report.sql.count > 0,
           report.sql.sql(at: report.sql.count - 1) == session.dialect.transactionSQL(.commit) {
            report.notes.append(Note(.locking, "the COMMIT could not get the lock it needs, so the changes are written inside session \(openSessions[currentSessionIndex].name)'s transaction, which is still open and keeps its lock (other sessions' reads now wait too): `save` again retries the COMMIT once the other session ends its transaction; `rollback` drops the changes"))
        }
        if !report.ok {
            // A save that failed wrote nothing, so it overwrote nothing either.
            report.notes.removeAll { $0.kind == .lostUpdate }
            explainPostgresConcurrencyFailure(into: &report)
        }
    }

    /// Who holds the lock a statement of the current session waited for, in ORM terms.
    private func lockHolderExplanation() -> String {
        let waited = lockTimeoutMilliseconds.map { "\($0) ms" } ?? "5 s"
        let holders = openSessions.enumerated().filter { $0.offset != currentSessionIndex && $0.element.session.database.isInTransaction }
        let me = openSessions[currentSessionIndex].name
        guard !holders.isEmpty else {
            return "database is locked: session \(me) waited \(waited) (:set lock_timeout) for a lock no session of this ORMLab holds: another program has the database open in a transaction"
        }
        let who = holders.map { i, open -> String in
            let opened = open.transactionOpenedBy.map { "its transaction is open since `\($0)`" } ?? "its transaction is open"
            let last = open.session.log.entries.last.map { "; its last statement: \($0.record.sql)" } ?? ""
            return "session \(open.name) holds it (\(opened)\(last))"
        }.joined(separator: "; ")
        let name = holders[0].element.name
        return "database is locked: session \(me) waited \(waited) (:set lock_timeout) for the write lock; \(who). \(session.dialect.name) locks the whole database for writing, not rows. Both sessions go on: `:session \(name)` then `commit` or `rollback` releases the lock, and this session's unsaved changes are still in its unit of work"
    }

    /// `:set lock_timeout 2s | 500ms | 0`.
    func setLockTimeout(_ value: String, range: SourceRange) throws -> Int {
        let text = value.lowercased()
        var milliseconds: Int?
        if text.hasSuffix("ms") { milliseconds = Int(text.dropLast(2)) }
        else if text.hasSuffix("s") { milliseconds = Double(text.dropLast()).map { Int($0 * 1000) } }
        else if text == "0" { milliseconds = 0 }
        guard let milliseconds, milliseconds >= 0, milliseconds <= 60_000 else {
            throw EvalError("lock_timeout takes a duration up to 60s: 2s, 500ms or 0", at: range,
                            hint: "how long a statement waits for a lock another session holds before `database is locked`")
        }
        lockTimeoutMilliseconds = milliseconds
        try applyLockTimeout(to: session)
        for open in openSessions { try applyLockTimeout(to: open.session) }
        return milliseconds
    }

    /// The set lock_timeout, or the connection's default 5 s, with the busy handler Ctrl-C can cut short.
    private func applyLockTimeout(to session: Session) throws {
        try session.setLockTimeout(milliseconds: lockTimeoutMilliseconds ?? 5_000)
    }

    /// The note under an entity with `version`.
    func versionNote(_ entity: String) -> Note {
        Note(.locking, "version: optimistic locking. Every UPDATE of \(entity) adds `\"version\" = \"version\" + 1` and `AND \"version\" = ?` (the version this session read); if another session saved first, no row matches and save fails with a stale-object error instead of overwriting its change")
    }

    func removeSharedDatabaseFile() {
        guard let path = sharedDatabaseFile else { return }
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

extension Workbench {
    /// A variable bound in one session holds that session's object: used in another session it
    /// would change (or save) an object of the first session's identity map and unit of work.
    func checkObjectBelongsToCurrentSession(_ value: Value, name: Identifier) throws {
        guard case .object(let object, _) = value, session.info(object.entity.name) !== object.entity,
              let owner = openSessions.first(where: { $0.session.info(object.entity.name) === object.entity }) else { return }
        let here = openSessions[currentSessionIndex].name
        throw EvalError("\(name.name) holds \(object.ref) of session \(owner.name): each session has its own objects, and session \(here)'s identity map and unit of work cannot change or save it",
                        at: name.range, hint: "in session \(here) write \(object.ref) (its own copy of the row), or `:session \(owner.name)` to use \(name.name)")
    }
}
