import Report
import DatabaseKit

// Small hooks for the optimization workbench (`:seed`, `:compare`): bulk work that bypasses the
// identity map must not flood the statement log, and must not leave loaded associations stale.

extension StatementLog {
    /// Runs `body` without recording its statements one by one (bulk seeding): the caller then
    /// records one summary with `recordSummary(_:)`.
    public func suspendingRecording<T>(_ body: () throws -> T) rethrows -> T {
        try withoutRecording(body)
    }

    /// Records one statement that stands for many (a prepared INSERT run N times), in the
    /// current command and in the session log.
    public func recordSummary(_ record: StatementRecord) {
        append(LoggedStatement(record))
    }
}

extension Session {
    /// Forgets every loaded association (they reload when touched), keeping the objects: needed
    /// after rows were written behind the identity map's back (`:seed`), as after `rollback`.
    /// Returns how many objects had a loaded association.
    @discardableResult
    public func expireLoadedAssociations() -> Int {
        var count = 0
        for info in infos.values {
            for object in info.identityMap.values where !object.associations.isEmpty {
                object.associations.removeAll()
                count += 1
            }
        }
        return count
    }

    /// True when the unit of work holds changes or a transaction is open: bulk work that
    /// empties the identity map (`:compare`) must not run then.
    public var hasPendingWorkOrTransaction: Bool {
        unitOfWork.hasChanges || db.isInTransaction
    }
}
