import Mapping
import Report
import DatabaseKit
import SQLBuilder

// Two sessions on one database (spec §13): what a session needs to share the mapping with
// another, to notice a lost update, to refuse a stale write (optimistic locking) and to reload
// an object. Nothing here runs while only one session exists, except the version check of an
// entity that declares `version`.

extension Session {
    /// Gives this session the mapping `other` has now, with identity maps of its own: a second
    /// session on the same database maps the same tables, but holds its own objects.
    public func shareMapping(of other: Session) {
        pendingRedefinitionSources = other.pendingRedefinitionSources
        // Statements prepared before another session changed a table keep its old columns, and
        // a statement prepared now would still see SQLite's cached schema: one read of the
        // catalogue makes the connection notice the change, then the cache is emptied.
        _ = try? db.tableNames()
        db.clearStatementCache()
        adopt(other.schema)
    }

    /// The error for an UPDATE of a versioned object that changed no row: another session
    /// changed (or deleted) the row since this one read it.
    func staleObject(_ object: ManagedObject, expectedVersion: Int64) -> ORMError {
        let info = object.entity
        var current: DatabaseValue?
        if let column = info.versionColumn, object.id != nil {
            // (A joined class keeps its version in the table of the class that declares it.)
            let name = info.mapping.columns[column].name
            let table = info.inheritance == nil ? info.table : schema.storageTable(ofColumn: name, in: info.name)
            let select = Select(columns: [.column(table: nil, name: name)], from: table,
                                filter: .eq(.column(table: nil, name: info.mapping.primaryKeyColumn), .value(object.keyValue)))
            let statement = dialect.render(select)
            try? log.withoutRecording { _ = try db.query(statement.sql, statement.arguments) { current = $0.value(0) } }
        }
        let retry = "nothing was saved and the unit of work keeps the changes; \(object.ref).reload loads the row as it is now (dropping this session's change to \(object.ref)), then change it again and save"
        guard let current, case .integer(let now) = current else {
            return ORMError("stale object: \(object.ref) was deleted by another session since this session read it (version \(expectedVersion))",
                            hint: "nothing was saved; `rollback` discards this session's changes")
        }
        return ORMError("stale object: \(object.ref) was changed by another session since this session read it: expected version \(expectedVersion), the row has version \(now)",
                        hint: retry)
    }

    /// Before a save when other sessions exist: each changed property of a loaded object whose
    /// row no longer holds what this session read. The save is about to overwrite a value this
    /// session never saw: a lost update. (A versioned entity is refused by its version check.)
    func noteLostUpdates() {
        for object in unitOfWork.dirtyObjects {
            let info = object.entity
            guard info.versionColumn == nil, let original = object.originalValues, object.id != nil else { continue }
            let current = object.values
            let changed = current.indices.filter { $0 > 0 && $0 < original.count && current[$0] != original[$0] }
            guard !changed.isEmpty else { continue }
            // One SELECT per table holding a changed column (a joined class's columns live in
            // several; every other entity's in one).
            var byTable: [(table: String, columns: [Int])] = []
            for column in changed {
                let name = info.mapping.columns[column].name
                let table = info.inheritance == nil ? info.table : schema.storageTable(ofColumn: name, in: info.name)
                if let i = byTable.firstIndex(where: { $0.table == table }) { byTable[i].columns.append(column) } else { byTable.append((table, [column])) }
            }
            for (table, columns) in byTable {
                let select = Select(columns: columns.map { .column(table: nil, name: info.mapping.columns[$0].name) }, from: table,
                                    filter: .eq(.column(table: nil, name: info.mapping.primaryKeyColumn), .value(object.keyValue)))
                let statement = dialect.render(select)
                var row: [DatabaseValue] = []
                try? log.withoutRecording { _ = try db.query(statement.sql, statement.arguments) { r in row = columns.indices.map { r.value($0) } } }
                guard row.count == columns.count else { continue }
                for (k, column) in columns.enumerated() where row[k] != original[column] {
                    let property = info.mapping.columns[column].property
                    addNote(Note(.lostUpdate, "lost update: this save overwrites \(object.ref).\(property) = \(reportValue(row[k]).display), which another session saved after this session read \(reportValue(original[column]).display); this session never saw it and writes \(reportValue(current[column]).display), so the other session's change is lost. A `version` property makes this save fail instead (optimistic locking)"))
                }
            }
        }
    }

    /// `:set lock_timeout`: how long a statement waits for a lock another session holds.
    public func setLockTimeout(milliseconds: Int) throws {
        try db.setBusyTimeout(milliseconds: Int32(clamping: milliseconds))
    }

    /// Before a query with `.lock` runs: its transaction, which holds the lock until `commit` or
    /// `rollback`. Where the dialect has row locks the SELECT says FOR UPDATE; SQLite has none,
    /// so the transaction starts with BEGIN IMMEDIATE, SQLite's write lock on the whole database.
    /// Returns true when it opened the transaction.
    func takeLock(for query: Query) throws -> Bool {
        if db.isInTransaction {
            if dialect.locksWholeDatabase {
                explainOnce("lock-in-transaction", Note(.locking, "a transaction is already open, so \(dialect.name) takes its write lock at this transaction's first write, not now (open the transaction with the `lock` query, or `begin immediate`, to hold it from the start)"))
            }
            return false
        }
        try begin(immediate: dialect.locksWholeDatabase, cause: "\(query.dsl) (lock)")
        if dialect.locksWholeDatabase {
            addNote(Note(.locking, "lock: \(dialect.name) has no row locks (no SELECT … FOR UPDATE), so ORMLab opened the transaction with BEGIN IMMEDIATE: it holds the write lock on the whole database, not on these rows. Other sessions can still read, but every write waits (up to :set lock_timeout) until `commit` or `rollback` here"))
        } else {
            switch query.lock {
            case .forUpdateNoWait?:
                addNote(Note(.locking, "lock(nowait): a transaction was opened, and SELECT … FOR UPDATE NOWAIT locks the rows it returns until `commit` or `rollback`; if another session holds one of them it fails at once (SQLSTATE 55P03) instead of waiting"))
            case .forUpdateSkipLocked?:
                addNote(Note(.locking, "lock(skip_locked): a transaction was opened, and SELECT … FOR UPDATE SKIP LOCKED locks the rows it returns until `commit` or `rollback`, leaving out (not waiting for) the rows another session holds: a job queue's way to take work no one else has"))
            default:
                addNote(Note(.locking, "lock: a transaction was opened, and SELECT … FOR UPDATE locks the rows it returns until `commit` or `rollback`; other sessions' writes to them (and their own FOR UPDATE) wait, up to :set lock_timeout"))
            }
        }
        return true
    }

    /// The locking SELECT failed (a lock_timeout, NOWAIT, Ctrl-C): PostgreSQL aborted the
    /// transaction `takeLock` opened for it, which holds nothing else, so it is rolled back and
    /// the session goes on as before the query.
    func abandonLockTransaction() {
        guard db.isInTransaction else { explicitTransaction = false; return }
        try? log.withCause("lock failed") { try run(.rollback) }
        explicitTransaction = false
        db.reapplyLockTimeout()
        addNote(Note(.locking, "the locking SELECT failed, so the transaction opened for it was rolled back (it held nothing else): no lock is held and this session goes on"))
    }

    /// The PostgreSQL server process of this session's connection (nil on SQLite).
    public var backendPID: Int32? { db.backendPID }

    /// After `rollback` or `commit` on PostgreSQL: a lock_timeout set inside it is set again.
    public func reapplyLockTimeout() { db.reapplyLockTimeout() }
}
