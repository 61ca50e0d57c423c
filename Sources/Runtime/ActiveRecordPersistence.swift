import DatabaseKit
import Mapping
import Report
import SQLBuilder

// Active Record beside Data Mapper (spec §11). Under the data mapper (the default) the session's
// unit of work collects changes and `save` writes them all in one transaction. Under Active
// Record (Rails, Django, Eloquent) each object persists itself: `insert` writes at once,
// `Book#1.save` writes that one object, `Book#1.destroy` deletes at once, each in its own
// transaction, and there is no identity map. Each per-object write is a one-object unit of
// work flushed by `UnitOfWork.flush`: the same plan and statements as `save`, not a second copy.

/// Who persists objects (`:set pattern`).
public enum PersistencePattern: String, Sendable, CaseIterable {
    /// The session's unit of work writes every change at `save` (SQLAlchemy, Hibernate).
    case dataMapper = "data-mapper"
    /// Each object writes itself (`save`, `destroy`), in its own transaction (Rails, Django).
    case activeRecord = "active-record"

    /// Who is responsible for persistence, as the Mapping pane says it.
    public var persister: String {
        switch self {
        case .dataMapper: return "the session's unit of work (save writes every pending change in one transaction)"
        case .activeRecord: return "each object itself (Book#1.save, Book#1.destroy; insert writes at once)"
        }
    }
}

extension ObjectState {
    /// The state in Active Record's words (Rails' `new_record?`, `persisted?`, `changed?`,
    /// `destroyed?`). (By raw value, so a state added later reads as itself.)
    public var activeRecordWords: String {
        switch rawValue {
        case "new": return "new record"
        case "clean": return "persisted"
        case "dirty": return "persisted, changed"
        case "partial": return "persisted (partial)"
        case "deleted", "detached": return "destroyed"
        default: return rawValue
        }
    }

    /// The state in the words of `pattern`: Active Record's, or the unit of work's own.
    public func words(in pattern: PersistencePattern) -> String {
        pattern == .activeRecord ? activeRecordWords : rawValue
    }
}

/// One changed column of an object, as Rails' `changes` shows it: `"title" => ["old", "new"]`.
public struct PropertyChange {
    public var property: String
    public var old: DatabaseValue
    public var new: DatabaseValue
}

extension Session {
    // MARK: - Choosing the pattern

    /// `:set pattern`: refused while changes are pending (they would be left in a unit of work
    /// nobody flushes, or in objects nobody saves); nothing is lost either way. Active Record
    /// comes without an identity map, as in Rails; the data mapper with one.
    public func setPattern(_ newPattern: PersistencePattern) throws {
        guard newPattern != pattern else { return }
        // (An autoflush's writes, not committed yet, count: a per-object save would commit them.)
        if unitOfWork.hasChanges || (db.isInTransaction && !explicitTransaction) {
            var pending = pendingObjects.map(\.ref) + (pendingLinkCount > 0 ? ["\(pendingLinkCount) link change(s)"] : [])
            if pending.isEmpty { pending = ["changes an autoflush wrote, not committed yet"] }
            throw ORMError("cannot switch to \(newPattern.rawValue): the unit of work holds pending changes (\(pending.prefix(5).joined(separator: ", "))), which Active Record would never write",
                           hint: "`save` them (or `rollback`) first, then switch; nothing was changed or lost")
        }
        let unsaved = unsavedActiveRecordObjects.filter { $0.state == .dirty || $0.state == .new }
        if !unsaved.isEmpty {
            throw ORMError("cannot switch to \(newPattern.rawValue): \(unsaved.map(\.ref).prefix(5).joined(separator: ", ")) \(unsaved.count == 1 ? "has" : "have") unsaved changes, which no unit of work tracks",
                           hint: "save each one (b.save, on the variable that holds it) or reload it (b.reload) first, or `:forget` them; then switch. Nothing was changed or lost")
        }
        if explicitTransaction {
            throw ORMError("cannot switch to \(newPattern.rawValue) inside begin … commit", hint: "`commit` or `rollback` first")
        }
        unsavedActiveRecordObjects = []
        pattern = newPattern
        setIdentityMap(newPattern == .dataMapper)
    }

    /// `:set identity-map on|off`. Turning it off forgets the objects it holds; turning it on
    /// starts it empty.
    public func setIdentityMap(_ on: Bool) {
        guard on != usesIdentityMap else { return }
        usesIdentityMap = on
        for info in infos.values { info.identityMap.removeAll() }
        rowsLoadedWithoutIdentityMap = [:]
    }

    /// Objects built for a row that already had one in this session (without an identity map).
    public var objectsLoadedTwice: Int {
        var count = duplicateObjectCount
        for info in infos.values {
            let seen = rowsLoadedWithoutIdentityMap[info.name] ?? []
            for object in info.identityMap.values where object.id.map(seen.contains) == true { count += 1 }
        }
        return count
    }

    /// Whether the row `entity` `id` was loaded into an object before (without an identity map).
    func wasLoadedBefore(_ info: EntityInfo, id: Int64) -> Bool {
        info.identityMap[id] != nil || rowsLoadedWithoutIdentityMap[info.name]?.contains(id) == true
    }

    /// Without an identity map each load starts from none: the objects of earlier loads are
    /// forgotten by the session (the learner's variables still hold them), so the same row
    /// becomes a new object. Called once per load (find, query, association), not per row.
    @inline(__always)
    func startLoadWithoutIdentityMapIfOff() {
        if !usesIdentityMap { forgetLoadedObjects() }
    }

    /// `Author#1` without an identity map: a query every time, and a note when the row already
    /// has an object (which the learner may hold in a variable) that this one will not share
    /// changes with.
    @inline(never)
    func startFindWithoutIdentityMap(_ info: EntityInfo, id: Int64, cause: String) {
        if wasLoadedBefore(info, id: id) {
            addNote(Note(.identityMap, "no identity map: \(cause) was loaded before, so this query builds a second, distinct \(cause) object for the same row; a change to one is not seen in the other (:set identity-map on gives one object per row)"))
        }
        forgetLoadedObjects()
    }

    @inline(never)
    private func forgetLoadedObjects() {
        for info in infos.values where !info.identityMap.isEmpty {
            var seen = rowsLoadedWithoutIdentityMap[info.name] ?? []
            for object in info.identityMap.values {
                if let id = object.id, !seen.insert(id).inserted { duplicateObjectCount += 1 }
            }
            rowsLoadedWithoutIdentityMap[info.name] = seen
            info.identityMap.removeAll()
        }
    }

    // MARK: - Per-object persistence

    /// Runs a one-object unit of work through the flush (the plan `save` uses) and commits it:
    /// Active Record's "each save is its own transaction" (a savepoint inside `begin`).
    private func writeOne(reason: String, _ register: (UnitOfWork) -> Void) throws -> FlushResult {
        let single = UnitOfWork()
        register(single)
        let result = try single.flush(reason: reason, in: self)
        if !explicitTransaction && db.isInTransaction {
            try log.withCause(reason) { try run(.commit) }
            // Committed: a later `rollback` has nothing of it to undo.
            if !unitOfWork.hasChanges { unitOfWork.committed() }
        }
        return result
    }

    /// `insert` under Active Record (Rails' `create`): the new object leaves the session's unit
    /// of work and is written at once. On failure it stays a new record, saved by nothing until
    /// `.save`.
    public func createNow(_ object: ManagedObject, reason: String) throws {
        unitOfWork.forgetNew(object)
        do {
            _ = try writeOne(reason: reason) { $0.registerNew(object) }
        } catch {
            rememberUnsaved(object)
            throw error
        }
    }

    /// `Book#1.save` under Active Record: writes this object's changed columns (or its INSERT
    /// when new) in its own transaction. Nil when there was nothing to write (no SQL runs).
    public func saveObject(_ object: ManagedObject) throws -> FlushResult? {
        guard pattern == .activeRecord else {
            throw ORMError("\(object.ref).save is Active Record's per-object save; under the data mapper the session's unit of work saves: `save` writes every pending change (\(object.ref)'s too) in one transaction",
                           hint: "write `save` on its own, or `:set pattern active-record` to let each object save itself")
        }
        switch object.state {
        case .detached, .deleted:
            throw ORMError("\(object.ref) was destroyed: its row is gone, so there is nothing to save",
                           hint: "insert a new \(object.entity.name) instead; nothing was written")
        case .new:
            let result = try writeOne(reason: "\(object.ref).save") { $0.registerNew(object) }
            forgetUnsaved(object)
            return result
        case .dirty:
            let result = try writeOne(reason: "\(object.ref).save") { $0.registerDirty(object) }
            forgetUnsaved(object)
            return result
        default:
            return nil
        }
    }

    /// `Book#1.destroy`: the DELETE runs at once (Active Record), in its own transaction.
    public func destroy(_ object: ManagedObject) throws -> FlushResult {
        guard pattern == .activeRecord else {
            throw ORMError("\(object.ref).destroy is Active Record's per-object delete; under the data mapper `delete \(object.ref)` marks it and `save` runs the DELETE with the other pending changes",
                           hint: "write `delete \(object.ref)`, then `save`; or `:set pattern active-record`")
        }
        switch object.state {
        case .new:
            throw ORMError("\(object.ref) is a new record: it was never saved, so there is no row to destroy",
                           hint: "save it first (\(object.ref).save), or just drop it; nothing was written")
        case .detached, .deleted:
            throw ORMError("\(object.ref) was destroyed already", hint: "nothing was written")
        default:
            let result = try writeOne(reason: "\(object.ref).destroy") { $0.registerDeleted(object) }
            forgetUnsaved(object)
            return result
        }
    }

    /// `Book#1.tags.add(Tag#2)` under Active Record: the join-table row is written at once, in
    /// its own transaction (Rails' `book.tags << tag` on a saved book).
    public func linkNow(_ owner: ManagedObject, _ association: Association, _ target: ManagedObject, add: Bool) throws {
        guard owner.state != .new, target.state != .new else {
            let unsaved = owner.state == .new ? owner : target
            throw ORMError("\(unsaved.ref) is a new record: there is no row to link yet", hint: "save it first (.save), then link")
        }
        let change = LinkChange(owner: owner, association: association, target: target, add: add)
        _ = try writeOne(reason: change.description) { $0.registerLink(change) }
        keepLoadedCollectionsInStep(owner, association, target, add: add)
    }

    /// The statements `object.save` would run (`:pending` under Active Record): the plan of
    /// its one-object unit of work, as `:pending` shows the session's.
    public func statementsOfSaving(_ object: ManagedObject) throws -> [PendingStatement] {
        let single = UnitOfWork()
        switch object.state {
        case .new: single.registerNew(object)
        case .dirty: single.registerDirty(object)
        default: return []
        }
        return try single.plan(dialect: dialect).statements()
    }

    /// `Book#1.reload` (both patterns): reads the row again into this same object, dropping its
    /// unsaved changes and loaded associations (Rails' `reload`, SQLAlchemy's `refresh`).
    /// Returns the properties whose unsaved changes were dropped.
    public func reload(_ object: ManagedObject) throws -> [String] {
        guard object.id != nil, object.state != .new else {
            throw ORMError("\(object.ref) is new: it has no row to reload from yet",
                           hint: pattern == .activeRecord ? "save it first (\(object.ref).save)" : "`save` first, then reload")
        }
        if object.state == .detached || object.state == .deleted {
            throw ORMError("\(object.ref) was \(object.state == .deleted ? "marked for deletion" : "deleted"): reloading it would undo nothing",
                           hint: object.state == .deleted ? "`rollback` to keep it" : "load another object")
        }
        let dropped = changes(of: object).map(\.property)
        let info = object.entity
        var query = Query(entity: info.name, dsl: "\(object.ref).reload")
        query.filter = .compare(.column(ColumnPath(entity: info.name, column: info.mapping.primaryKeyColumn, scalarType: info.naturalKeys == nil ? .int : .string)), "==", .value(object.keyValue))
        let rendered = dialect.render(QueryCompiler(schema: schema).select(query))
        let columnCount = info.mapping.columns.count
        var found = false
        var layout: [Int]?
        try log.withCause("\(object.ref).reload") {
            _ = try db.query(rendered.sql, rendered.arguments) { row in
                layout = try columnLayout(row, info: info, selection: nil)
                fill(object, from: row, layout: layout, columnCount: columnCount)
                found = true
            }
        }
        guard found else {
            throw ORMError("\(object.ref)'s row is gone: something deleted it since it was loaded",
                           hint: "the object is unchanged; load another one")
        }
        unitOfWork.unregisterDirty(object)
        forgetUnsaved(object)
        object.originalValues = nil
        object.pendingReferences = [:]
        object.associations.removeAll()
        object.state = .clean
        return dropped
    }

    /// The columns changed since the object was loaded or saved: Rails' `changes`.
    public func changes(of object: ManagedObject) -> [PropertyChange] {
        guard object.state == .dirty, let original = object.originalValues else { return [] }
        let current = object.values
        let columns = object.entity.mapping.columns
        return current.indices.compactMap { i in
            guard i > 0, i < original.count, original[i] != current[i] || object.pendingReferences[i] != nil else { return nil }
            return PropertyChange(property: columns[i].property, old: original[i], new: current[i])
        }
    }

    /// Under Active Record an assignment makes the object dirty and nothing more: no unit of
    /// work will write it, only its own `.save`.
    func rememberUnsaved(_ object: ManagedObject) {
        if !unsavedActiveRecordObjects.contains(where: { $0 === object }) { unsavedActiveRecordObjects.append(object) }
    }

    private func forgetUnsaved(_ object: ManagedObject) {
        unsavedActiveRecordObjects.removeAll { $0 === object }
    }

    /// Active Record objects with unsaved changes (dirty, or new after a failed create).
    public var unsavedObjects: [ManagedObject] {
        unsavedActiveRecordObjects.filter { $0.state == .dirty || $0.state == .new }
    }
}

extension UnitOfWork {
    /// Takes back a new object just registered (Active Record writes it at once instead).
    func forgetNew(_ object: ManagedObject) {
        if let i = newObjects.lastIndex(where: { $0 === object }) { removeNew(at: i) }
    }
}
