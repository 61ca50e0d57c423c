import Foundation
import Report
import Runtime
import SQLBuilder
import DatabaseKit

// Two sessions on PostgreSQL (spec §13): a lock wait that ran out (lock_timeout or NOWAIT,
// SQLSTATE 55P03), a serialization failure (40001) and a deadlock (40P01), each explained in ORM
// terms after the command: who holds the lock (another ORMLab session, named, with the command
// that opened its transaction and its last statement, or another program found through
// pg_stat_activity), and what state the waiting session is left in.

extension Workbench {
    /// The current session's name, with or without other sessions open.
    private var currentSessionLabel: String { openSessions.isEmpty ? firstSessionName : openSessions[currentSessionIndex].name }

    /// After a failed command with sessions open on PostgreSQL: the note for what the server
    /// refused, if it was about concurrency.
    func explainPostgresConcurrencyFailure(into report: inout Report) {
        guard session.db.isPostgres, let state = session.db.takeLastFailureSQLState(), !report.ok else { return }
        switch state {
        case "55P03":
            let clause = session.dialect.rowLockClause(.forUpdateNoWait) ?? "\u{0}"
            let nowait = report.sql.indices.contains { report.sql.sql(at: $0).hasSuffix(clause) }
            report.notes.append(Note(.locking, postgresLockHolderExplanation(nowait: nowait)))
        case "40001":
            // PostgreSQL's two 40001s have different causes; its message says which one this is.
            let messages = report.diagnostics.map(\.message) + report.sql.indices.compactMap { report.sql[$0].error }
            let cause: SerializationFailureCause = messages.contains { $0.contains("concurrent update") } ? .concurrentUpdate
                : messages.contains { $0.contains("read/write dependencies") } ? .readWriteDependencies : .unknown
            report.notes.append(Note(.locking, serializationFailureExplanation(cause)))
        case "40P01": report.notes.append(Note(.locking, "deadlock (SQLSTATE 40P01): session \(currentSessionLabel) and another session each waited for a row lock the other held; PostgreSQL ended this session's transaction to break the cycle (the other one goes on). \(transactionStateAfterFailure()) Taking locks in the same order in every session (for example by id, with `lock`) prevents it"))
        default: break
        }
    }

    /// Who holds the lock the current session waited for: the other ORMLab sessions with an
    /// open transaction, then any other program's transaction on this database.
    private func postgresLockHolderExplanation(nowait: Bool) -> String {
        let me = currentSessionLabel
        let waited = lockTimeoutMilliseconds.map { "\($0) ms" } ?? "5 s"
        var holders: [String] = []
        for (i, open) in openSessions.enumerated() where i != currentSessionIndex && open.session.database.isInTransaction {
            let opened = open.transactionOpenedBy.map { "its transaction is open since `\($0)`" } ?? "its transaction is open"
            let last = open.session.log.entries.last.map { "; its last statement: \($0.record.sql)" } ?? ""
            holders.append("session \(open.name) holds it (\(opened)\(last))")
        }
        // Other programs' transactions holding locks on this schema's tables (not ORMLab's own
        // connections; other schemas are other applications).
        let ours = openSessions.compactMap { $0.session.db.backendPID }
        if let others = try? session.db.transactionsHoldingLocks(excluding: ours) {
            for other in others.prefix(3) {
                holders.append("another program (server process \(other.pid)) is \(other.state); its last statement: \(other.query)")
            }
        }
        let who = holders.isEmpty ? "no transaction holds it any more (it ended while this session waited)" : holders.joined(separator: "; ")
        let release = openSessions.enumerated().first { $0.offset != currentSessionIndex && $0.element.session.database.isInTransaction }
            .map { "`:session \($0.element.name)` then `commit` or `rollback` releases its locks. " } ?? ""
        let what = nowait ? "lock(nowait) (FOR UPDATE NOWAIT) found a row locked and failed at once, without waiting"
            : "session \(me) waited \(waited) (:set lock_timeout) for a row lock and gave up"
        return "lock not available (SQLSTATE 55P03): \(what); \(who). PostgreSQL locks rows, not the database: writes to other rows go on. \(release)\(transactionStateAfterFailure())"
    }

    enum SerializationFailureCause { case concurrentUpdate, readWriteDependencies, unknown }

    /// A serialization failure, in ORM terms. PostgreSQL raises 40001 for two reasons: a write to
    /// a row another transaction changed since this one's snapshot (REPEATABLE READ and
    /// SERIALIZABLE), and, at SERIALIZABLE only, a cycle of read/write dependencies (write skew).
    private func serializationFailureExplanation(_ cause: SerializationFailureCause) -> String {
        let me = currentSessionLabel
        let stateText = session.database.isInTransaction && !session.db.isTransactionAborted
            ? "Session \(me)'s transaction is still open (the failed write was undone to its savepoint), but its snapshot stays the old one: the same write fails again until `rollback`; the unit of work keeps the change."
            : transactionStateAfterFailure()
        let why: String
        switch cause {
        case .concurrentUpdate:
            why = "session \(me)'s transaction (REPEATABLE READ or SERIALIZABLE) tried to change or lock a row that another session changed and committed after this transaction's snapshot was taken; PostgreSQL refuses rather than overwrite a version this transaction never saw (under READ COMMITTED it would wait and then write over the new version)."
        case .readWriteDependencies:
            why = "at SERIALIZABLE PostgreSQL tracks what each transaction read: session \(me)'s transaction read rows that a committed transaction changed, and that transaction read rows this one changes, so no one-after-the-other order of the two gives this result (write skew). REPEATABLE READ does not check this and would have let both commit."
        case .unknown:
            why = "session \(me)'s transaction cannot be placed one after the other with a transaction that committed while it ran, so PostgreSQL refuses it."
        }
        return "serialization failure (SQLSTATE 40001): \(why) It is not a bug to hide: an ORM reruns the whole unit of work (Rails retries on ActiveRecord::SerializationFailure, Spring's @Retryable): `rollback`, read the objects again, redo the change, `commit`. \(stateText)"
    }

    /// What a failed statement left of the current session's transaction.
    private func transactionStateAfterFailure() -> String {
        if session.db.isTransactionAborted {
            return "PostgreSQL aborted session \(currentSessionLabel)'s transaction: every statement in it now fails until `rollback` (the unit of work keeps its unsaved changes; rollback returns the objects to their saved state)."
        }
        if session.database.isInTransaction {
            return "Session \(currentSessionLabel)'s transaction is still open and usable (the failed write was undone to its savepoint); its unsaved changes are still in the unit of work."
        }
        return "Nothing of it was kept: no transaction is open in session \(currentSessionLabel), and its unsaved changes are still in the unit of work. Both sessions go on."
    }

    /// The note under `begin isolation …` on PostgreSQL: what the level prevents there.
    func postgresIsolationNote(_ level: IsolationLevel) -> String {
        switch level {
        case .readUncommitted:
            return "PostgreSQL accepts READ UNCOMMITTED but runs it as READ COMMITTED: it never shows another transaction's uncommitted rows (no dirty reads at any level)"
        case .readCommitted:
            return "PostgreSQL's default: each statement sees the rows committed before it started, so reading the same row twice can give two values (non-repeatable read) and a query run twice can find new rows (phantom)"
        case .repeatableRead:
            return "every statement sees one snapshot, taken at the first statement: no non-repeatable reads and (in PostgreSQL) no phantoms; updating a row another session changed since fails with a serialization failure (40001). Write skew is still possible"
        case .serializable:
            return "as if the transactions ran one after another: PostgreSQL also tracks what each one read, and a commit that would make a cycle (write skew) fails with a serialization failure (40001): rerun the unit of work"
        }
    }
}
