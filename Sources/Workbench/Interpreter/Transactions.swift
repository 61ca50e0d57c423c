import DSL
import Mapping
import Report
import Runtime
import DatabaseKit
import SQLBuilder

// The unit of work's verbs: `save`, `begin`, `commit`, `rollback`, and what a rollback undid.

extension Workbench {
    func runTransaction(_ verb: TransactionVerb, into report: inout Report) throws {
        switch verb {
        case .begin:
            try session.begin()
            report.notes.append(Note(.transaction, "transaction open: changes written from now on are undone by `rollback` and kept by `commit`"))
        case .beginImmediate:
            try session.begin(immediate: true)
            report.notes.append(Note(.transaction, "transaction open with BEGIN IMMEDIATE: SQLite takes the write (RESERVED) lock now, not at the first write as plain `begin` does; other connections can still read, but none can write until `commit` or `rollback`"))
        case .save where session.pattern == .activeRecord:
            explainSaveUnderActiveRecord(into: &report)
        case .beginReadUncommitted, .beginReadCommitted, .beginRepeatableRead, .beginSerializable:
            let level: IsolationLevel = verb == .beginReadUncommitted ? .readUncommitted : verb == .beginReadCommitted ? .readCommitted
                : verb == .beginRepeatableRead ? .repeatableRead : .serializable
            try session.begin(isolation: level)
            var note = "transaction open at \(level.rawValue.uppercased())"
            if session.dialect.locksWholeDatabase && level != .serializable {
                note += "; " + session.dialect.isolationLevelsNote
            } else if session.dialect.locksWholeDatabase {
                note += ": " + session.dialect.isolationLevelsNote
            } else if session.db.isPostgres {
                note += ": " + postgresIsolationNote(level)
            }
            report.notes.append(Note(.locking, note))
        case .save:
            let hadTransaction = session.database.isInTransaction
            let result = try session.save()
            showTouched(result.objects, into: &report)
            if result.isEmpty && !hadTransaction {
                report.notes.append(Note(.transaction, "nothing to save: the unit of work is empty"))
            } else if !session.explicitTransaction {
                var parts: [String] = []
                if !result.inserted.isEmpty { parts.append("\(result.inserted.count) inserted") }
                if !result.updated.isEmpty { parts.append("\(result.updated.count) updated") }
                if !result.deleted.isEmpty { parts.append("\(result.deleted.count) deleted") }
                if result.links > 0 { parts.append("\(result.links) link\(result.links == 1 ? "" : "s") changed") }
                let what = parts.isEmpty ? "earlier autoflushed changes" : parts.joined(separator: ", ")
                report.notes.append(Note(.save, "saved in one transaction: \(what)"))
            }
        case .commit:
            let result = try session.commit()
            session.reapplyLockTimeout()
            showTouched(result.objects, into: &report)
        case .rollback:
            let restored = try session.rollback()
            session.reapplyLockTimeout()
            showTouched(restored.objects, into: &report)
            report.notes.append(Note(.rollback, rollbackSummary(restored)))
            if session.pattern == .activeRecord {
                report.notes.append(Note(.activeRecord, "under Active Record the objects saved inside the transaction keep the values they had in memory (as in Rails): reload them (b.reload) to read the rows as they are again"))
            }
        }
    }

    /// What `rollback` undid, objects and many-to-many link changes alike.
    func rollbackSummary(_ result: RollbackResult) -> String {
        if result.isEmpty { return "rolled back: nothing was pending" }
        let links = result.linkChanges
        let linkText = links.count == 1 ? "the link change \(links[0]) was discarded"
            : "\(links.count) link changes were discarded (\(links.prefix(3).joined(separator: ", "))\(links.count > 3 ? ", …" : ""))"
        if result.objects.isEmpty {
            return "rolled back: \(linkText), so no join-table row changes; loaded associations were expired (they reload when touched)"
        }
        return "rolled back: objects are back to their last saved state; new objects were discarded, and loaded associations were expired (they reload when touched)"
            + (links.isEmpty ? "" : "; \(linkText)")
    }
}
