import DSL
import Mapping
import Report
import SQLBuilder
import DatabaseKit

// MARK: - Pending changes

/// A many-to-many link to add or remove: one row of the join table.
struct LinkChange {
    var owner: ManagedObject
    var association: Association
    var target: ManagedObject
    var add: Bool

    /// "Book#1.tags.add(Tag#2)", as the learner wrote it and as a flush names its cause.
    var description: String { "\(owner.ref).\(association.name).\(add ? "add" : "remove")(\(target.ref))" }
}

/// The unit of work: new, dirty and deleted objects and link changes, written by one flush in a
/// dependency-respecting order; plus what each object looked like at the last commit, so
/// `rollback` can put it back.
final class UnitOfWork {
    private(set) var newObjects: [ManagedObject] = []
    private(set) var dirtyObjects: [ManagedObject] = []
    private(set) var deletedObjects: [ManagedObject] = []
    private(set) var linkChanges: [LinkChange] = []
    /// Link changes an earlier flush wrote since the last commit: a rollback undoes them too.
    private(set) var flushedLinkChanges: [LinkChange] = []

    /// State at the last commit of every loaded object changed since.
    private struct Snapshot {
        var object: ManagedObject
        var values: [DatabaseValue]
        var state: ObjectState
    }
    private var snapshots: [ObjectIdentifier: Snapshot] = [:]
    /// The snapshots in the order the objects were first changed, each with the number of
    /// objects created before it, so a rollback reports every object in the order it changed.
    private var snapshotOrder: [(key: ObjectIdentifier, createdBefore: Int)] = []
    /// Objects created since the last commit, in order: a rollback detaches them. A list rather
    /// than snapshots without values: a dictionary entry per insert cost more than the rest of
    /// the insert's bookkeeping. `createdLookup` holds the first `createdLookupCount` of them,
    /// added only when a change to an object asks whether it was created (see `wasCreated`).
    private var created: [ManagedObject] = []
    private var createdLookup = Set<ObjectIdentifier>()
    private var createdLookupCount = 0

    var hasChanges: Bool {
        !newObjects.isEmpty || !dirtyObjects.isEmpty || !deletedObjects.isEmpty || !linkChanges.isEmpty
    }

    func registerNew(_ object: ManagedObject) {
        newObjects.append(object)
        created.append(object)
    }

    /// Takes the new object at `index` out of the pending inserts (it is still among the
    /// objects created since the last commit, which a rollback discards).
    func removeNew(at index: Int) {
        newObjects.remove(at: index)
    }

    func registerDirty(_ object: ManagedObject) {
        remember(object)
        if !dirtyObjects.contains(where: { $0 === object }) { dirtyObjects.append(object) }
    }

    func unregisterDirty(_ object: ManagedObject) {
        dirtyObjects.removeAll { $0 === object }
    }

    func registerDeleted(_ object: ManagedObject) {
        remember(object)
        if let i = newObjects.firstIndex(where: { $0 === object }) {
            // Deleting an object that was never written just forgets it.
            newObjects.remove(at: i)
            linkChanges.removeAll { $0.owner === object || $0.target === object }
            return
        }
        dirtyObjects.removeAll { $0 === object }
        if !deletedObjects.contains(where: { $0 === object }) { deletedObjects.append(object) }
    }

    func registerLink(_ change: LinkChange) {
        // An add followed by a remove of the same pair (or the reverse) cancels out.
        if let i = linkChanges.firstIndex(where: { $0.owner === change.owner && $0.target === change.target
            && $0.association.name == change.association.name && $0.add != change.add }) {
            linkChanges.remove(at: i)
            return
        }
        linkChanges.append(change)
    }

    /// Keeps what `object` looks like now, before its first change since the last commit (a
    /// created object has nothing to go back to).
    private func remember(_ object: ManagedObject) {
        let key = ObjectIdentifier(object)
        guard snapshots[key] == nil, !wasCreated(object) else { return }
        snapshots[key] = Snapshot(object: object, values: object.originalValues ?? object.values,
                                  state: object.state == .dirty ? .clean : object.state)
        snapshotOrder.append((key, created.count))
    }

    /// Whether `object` was created since the last commit.
    private func wasCreated(_ object: ManagedObject) -> Bool {
        guard !created.isEmpty else { return false }
        while createdLookupCount < created.count {
            createdLookup.insert(ObjectIdentifier(created[createdLookupCount]))
            createdLookupCount += 1
        }
        return createdLookup.contains(ObjectIdentifier(object))
    }

    /// After a flush wrote the pending link changes (not committed yet).
    func linksFlushed() {
        if !linkChanges.isEmpty { flushedLinkChanges += linkChanges }
    }

    func clearPending() {
        newObjects = []
        dirtyObjects = []
        deletedObjects = []
        linkChanges = []
    }

    /// After COMMIT: the current state becomes the state to return to.
    func committed() {
        if !flushedLinkChanges.isEmpty { flushedLinkChanges = [] }
        snapshots = [:]
        snapshotOrder = []
        created = []
        createdLookup = []
        createdLookupCount = 0
    }

    func clear() {
        clearPending()
        committed()
    }

    /// Puts every object changed since the last commit back as it was; objects created since are
    /// discarded. Returns the objects touched.
    func restoreCommittedState(session: Session) -> [ManagedObject] {
        var touched: [ManagedObject] = []
        var detached = 0
        func detachCreated(upTo end: Int) {
            while detached < end {
                let object = created[detached]
                touched.append(object)
                if let id = object.id, object.entity.identityMap[id] === object {
                    object.entity.identityMap[id] = nil
                    if object.entity.inheritance != nil { session.unregisterFromAncestors(object, id: id) }
                }
                object.state = .detached
                detached += 1
            }
        }
        // (A created object's id may be one a deleted object had: the identity map keeps
        // whichever object it holds for the id unless it is this one.)
        for (key, createdBefore) in snapshotOrder {
            detachCreated(upTo: createdBefore)
            guard let snap = snapshots[key] else { continue }
            let object = snap.object
            touched.append(object)
            object.values = snap.values
            object.state = snap.state == .deleted ? .clean : snap.state
            if object.loadedColumns != nil && object.state == .clean { object.state = .partial }
            object.originalValues = nil
            object.pendingReferences = [:]
            if let id = object.id {
                object.entity.identityMap[id] = object
                if object.entity.inheritance != nil { session.registerInAncestors(object, id: id) }
            }
        }
        detachCreated(upTo: created.count)
        clear()
        return touched
    }
}

// MARK: - Flush

/// What a flush wrote.
public struct FlushResult {
    public var inserted: [ManagedObject] = []
    public var updated: [ManagedObject] = []
    public var deleted: [ManagedObject] = []
    public var links: Int = 0
    public var isEmpty: Bool { inserted.isEmpty && updated.isEmpty && deleted.isEmpty && links == 0 }
    public var objects: [ManagedObject] { inserted + updated + deleted }
}

extension UnitOfWork {
    /// Writes the pending changes: runs `plan(dialect:)` (the plan `:pending` shows) in the open
    /// transaction (with a savepoint) or in one it opens. On failure nothing is written and every
    /// object stays as it was. `reason` ("save", "autoflush before …") starts each statement's cause.
    func flush(reason: String, in session: Session) throws -> FlushResult {
        guard hasChanges else { return FlushResult() }
        let plan = try plan(dialect: session.dialect)
        let inserts = plan.inserts
        let writes = plan.writes
        let db = session.db
        let log = session.log
        let causePrefix = reason + ": "
        let openedTransaction = !db.isInTransaction
        // The flush undoes itself (ROLLBACK or ROLLBACK TO flush): no statement savepoint on PostgreSQL.
        let guardWasPaused = db.statementGuardPaused
        db.statementGuardPaused = true
        defer { db.statementGuardPaused = guardWasPaused }
        if !openedTransaction {
            session.explainOnce("savepoint", Note(.transaction, "SAVEPOINT flush: a transaction was already open (\(session.explicitTransaction ? "`begin`" : "an autoflush opened it; `save` commits it")), so the unit of work wraps its writes in a savepoint: if one fails, ROLLBACK TO flush undoes just those writes and the unit of work is left as it was; RELEASE flush keeps them"))
        }
        // The id each insert got, in order; and by object, for writes that refer to objects
        // inserted before them (only looked up when some write does).
        var insertedIDs: [Int64] = []
        insertedIDs.reserveCapacity(inserts.count)
        let refersToNewObjects = plan.refersToNewObjects
        var assigned: [ObjectIdentifier: Int64] = [:]
        if refersToNewObjects { assigned.reserveCapacity(inserts.count) }
        /// The parameters of write `w` with the ids inserted before it filled in. (By index:
        /// passing the write itself copied it, a dozen references, per write.)
        func parameters(_ w: Int) -> [DatabaseValue] {
            guard !writes[w].pending.isEmpty else { return writes[w].values }
            var values = writes[w].values
            for (i, object) in writes[w].pending {
                if idOf(object) != nil { values[i] = keyOf(object) }
            }
            return values
        }
        /// The id of `object`: its own, or the one its INSERT got earlier in this flush.
        func idOf(_ object: ManagedObject) -> Int64? { object.id ?? assigned[ObjectIdentifier(object)] }
        /// The key of `object` as SQL binds it (a natural key's text, else the id), NULL if none yet.
        func keyOf(_ object: ManagedObject) -> DatabaseValue { idOf(object).map { object.entity.keyValue(ofHandle: $0) } ?? .null }
        /// Writes the ids of the objects `object`'s foreign keys point at into them, once written.
        func fillPendingReferences(of object: ManagedObject) {
            for (i, ref) in object.pendingReferences {
                if idOf(ref) != nil { object.setValue(keyOf(ref), ofColumn: i) }
            }
            object.pendingReferences = [:]
        }
        /// The write that failed, for the error: the insert of `inserts[k]`, or `writes[w]`.
        var failedInsert: Int?
        var current: Int?
        do {
            try log.withCause(reason) {
                try session.run(openedTransaction ? .begin : .savepoint(.flush))
            }
            // One statement per write: room for them in the log at once, not by doubling.
            // And for the values the inserts bind, which the log keeps one after another.
            log.reserveCapacity(forMore: plan.statementCount + 1,
                                values: inserts.reduce(0) { $0 + max(0, $1.valueCount - 1) })
            do {
                // Each write is its statement's cause (set directly: `withCause` per write
                // saved and restored the cause around each).
                let savedCause = log.logCause
                defer { log.logCause = savedCause }
                // The entity's name is read once per run of objects of one entity (reading it
                // through the object copies the entity's mapping).
                var lastEntity: EntityInfo?
                var entityName = ""
                for k in inserts.indices {
                    failedInsert = k
                    let object = inserts[k]
                    let info = object.entity
                    if info !== lastEntity {
                        lastEntity = info
                        entityName = info.mapping.name
                    }
                    log.logCause = .write(prefix: causePrefix, .insert(of: object, entity: entityName))
                    // Every column but the id: bound where they are in the object (the log copies
                    // them next to the command's others), or in a copy when some is an id to fill in.
                    let columnCount = info.newObjectValues.count
                    if let parts = info.inheritance?.insertParts {
                        // A joined or concrete class: its INSERTs in order (InheritanceRuntime.swift).
                        var values = object.valuesAfterID(upTo: columnCount)
                        for (i, ref) in object.pendingReferences where i > 0 && i < columnCount {
                            values[i - 1] = keyOf(ref)
                        }
                        let id = try UnitOfWork.insertInHierarchy(parts, values: values, db: db)
                        insertedIDs.append(id)
                        if refersToNewObjects { assigned[ObjectIdentifier(object)] = id }
                        continue
                    }
                    if let given = object.id {
                        // The key was given (`insert Track(id: 3504, …)`): it is written, not read back.
                        var values = Array(object.values.prefix(columnCount))
                        for (i, ref) in object.pendingReferences where i > 0 && i < columnCount {
                            values[i] = keyOf(ref)
                        }
                        try db.run(info.insertWithKeySQL, values)
                        insertedIDs.append(given)
                        if refersToNewObjects { assigned[ObjectIdentifier(object)] = given }
                        continue
                    }
                    if object.hasPendingReferences {
                        var values = object.valuesAfterID(upTo: columnCount)
                        // The id of the object referred to, inserted before this one (else NULL).
                        for (i, ref) in object.pendingReferences where i > 0 && i < columnCount {
                            values[i - 1] = keyOf(ref)
                        }
                        try db.run(info.insertSQL, values)
                    } else {
                        _ = try object.withValuesAfterID(upTo: columnCount) { try db.run(info.insertSQL, lending: $0) }
                    }
                    let id = db.lastInsertID
                    insertedIDs.append(id)
                    if refersToNewObjects { assigned[ObjectIdentifier(object)] = id }
                }
                failedInsert = nil
                for i in writes.indices {
                    current = i
                    log.logCause = .write(prefix: causePrefix, writes[i].cause)
                    try db.run(writes[i].sql, parameters(i))
                    if let expected = writes[i].expectedVersion, db.changes == 0 {
                        throw session.staleObject(writes[i].object, expectedVersion: expected)
                    }
                }
            }
            if !openedTransaction { try log.withCause(reason) { try session.run(.release(.flush)) } }
        } catch {
            try? log.withCause("\(reason) failed") {
                if openedTransaction { try session.run(.rollback) } else {
                    try session.run(.rollbackTo(.flush))
                    try session.run(.release(.flush))
                }
            }
            if let databaseError = error as? any DatabaseError {
                let failed: (object: ManagedObject, cause: WriteCause)? = failedInsert.map { k in
                    (inserts[k], .insert(of: inserts[k], entity: inserts[k].entity.mapping.name))
                } ?? current.map { (writes[$0].object, writes[$0].cause) }
                let explained = session.explain(databaseError, during: failed)
                log.explainLastFailure(explained.message)   // under the failed statement in the SQL pane
                throw explained
            }
            throw error
        }

        // Success: only now do the objects change.
        var result = FlushResult()
        result.inserted.reserveCapacity(inserts.count)
        for (k, object) in inserts.enumerated() {
            let id = insertedIDs[k]
            object.setValue(object.entity.keyValue(ofHandle: id), ofColumn: 0)
            if object.hasPendingReferences { fillPendingReferences(of: object) }
            object.state = .clean
            object.entity.identityMap[id] = object
            if object.entity.inheritance != nil { session.registerInAncestors(object, id: id) }
            result.inserted.append(object)
        }
        for i in writes.indices { // by index: a copy of each write costs more than the loop body
            let object = writes[i].object
            switch writes[i].kind {
            case .update:
                if let expected = writes[i].expectedVersion, let column = object.entity.versionColumn {
                    object.setValue(.integer(expected + 1), ofColumn: column)   // as the UPDATE set it
                }
                fillPendingReferences(of: object)
                object.originalValues = nil
                object.state = object.loadedColumns == nil ? .clean : .partial
                result.updated.append(object)
            case .delete:
                if let id = object.id {
                    object.entity.identityMap[id] = nil
                    if object.entity.inheritance != nil { session.unregisterFromAncestors(object, id: id) }
                }
                object.state = .detached
                session.applyDeleteRules(for: object)
                result.deleted.append(object)
            case .link, .unlink:
                result.links += 1
            case .part:
                break
            }
        }
        // Expiring depends only on the entity: once per entity, not once per object (a flush of
        // 10,000 new books would otherwise walk every loaded author 10,000 times).
        // (One EntityInfo per entity: its identity stands for the name, without reading it.)
        var expiredEntities = Set<ObjectIdentifier>()
        var lastEntity: ObjectIdentifier?
        for objects in [result.inserted, result.updated, result.deleted] {
            for object in objects {
                // Objects of one entity come in runs: hash once per run, not once per object.
                let entity = ObjectIdentifier(object.entity)
                if entity == lastEntity { continue }
                lastEntity = entity
                if expiredEntities.insert(entity).inserted { session.expireInverse(of: object) }
            }
        }
        linksFlushed()
        clearPending()
        return result
    }
}

extension Session {
    // MARK: - Recording changes

    /// `insert Entity(...)`: a new object, written at the next flush.
    public func insert(entity: String, values: [Int: DatabaseValue], references: [Int: ManagedObject]) throws -> ManagedObject {
        guard let info = infos[entity] else { throw ORMError("unknown entity \(entity)") }
        let object = makeNewObject(of: info)
        for (i, v) in values { setValue(v, ofColumn: i, ofNewObject: object) }
        return insert(object, references: references.map { ($0.key, $0.value) })
    }

    /// A new object of `info` holding the values it starts with (NULL, or each column's
    /// default), not yet in the session: write the given values with
    /// `setValue(_:ofColumn:ofNewObject:)`, then hand it to `insert(_:references:)`. An insert
    /// that fails before that just drops it. (Written in place: filling a row array first and
    /// copying it into the object cost a copy-on-write copy and a second copy per insert.)
    public func makeNewObject(of info: EntityInfo) -> ManagedObject {
        ManagedObject.make(entity: info, values: info.newObjectValues, state: .new)
    }

    /// Writes a value of an object from `makeNewObject` that is not inserted yet (no change
    /// tracking: the object has no row to differ from).
    public func setValue(_ value: consuming DatabaseValue, ofColumn index: Int, ofNewObject object: ManagedObject) {
        precondition(object.state == .new && object.serial == 0, "setValue(_:ofColumn:ofNewObject:) is for objects not yet inserted")
        object.setValue(value, ofColumn: index)
    }

    /// `insert Entity(...)` of an object from `makeNewObject`, with the objects its foreign
    /// keys (by column index) point at: numbered, and written at the next flush.
    public func insert(_ object: ManagedObject, references: [(column: Int, target: ManagedObject)]) -> ManagedObject {
        precondition(object.state == .new && object.serial == 0, "insert(_:references:) takes an object from makeNewObject, once")
        let info = object.entity
        info.newSerial += 1
        object.serial = info.newSerial
        for (i, target) in references {
            // A new target waits for its INSERT (see `rowKey`).
            if let key = target.rowKey { object.setValue(key, ofColumn: i) } else { object.pendingReferences[i] = target }
            // (Most targets have no loaded association: one check, no mapping read.)
            if !target.associations.isEmpty { expireInverse(ofColumn: i, of: object, pointingAt: target) }
        }
        unitOfWork.registerNew(object)
        return object
    }

    /// A new object's foreign key (column `column`) points at `target`: `target`'s loaded
    /// collection of the other side (`Author#1.books`) no longer holds every row, so it is
    /// expired, and the first time this happens a note says why.
    private func expireInverse(ofColumn column: Int, of object: ManagedObject, pointingAt target: ManagedObject) {
        guard let name = object.entity.foreignKeyIndex.first(where: { $0.value == column })?.key,
              let inverse = object.entity.mapping.association(named: name)?.inverse,
              target.associations[inverse] != nil else { return }
        target.associations[inverse] = nil
        explainExpiredInverse(["\(target.ref).\(inverse)"], change: object.ref)
    }

    /// The "why" of an expired other side, once per session.
    func explainExpiredInverse(_ collections: [String], change: String) {
        guard !collections.isEmpty else { return }
        let listed = collections.prefix(3).joined(separator: ", ") + (collections.count > 3 ? ", …" : "")
        let reload = autoflush ? "after autoflush writes \(change)" : "which does not have \(change) before `save` (autoflush is off)"
        explainOnce("expired inverse", Note(.info, "\(listed) \(collections.count == 1 ? "was" : "were") loaded, so \(collections.count == 1 ? "it is" : "they are") expired (⟨not loaded⟩), not edited in memory: touching \(collections.count == 1 ? "it" : "one") reloads it from the database, \(reload)"))
    }

    /// Assigns a scalar property (or a foreign key value); marks the object dirty and keeps the old value.
    public func assign(_ object: ManagedObject, column index: Int, value: DatabaseValue) {
        assign(object, column: index, value: value, shown: nil)
    }

    /// `shown`: the value as the learner wrote it, for the note ("Author#1" for a foreign key).
    func assign(_ object: ManagedObject, column index: Int, value: DatabaseValue, shown: String?, explains: Bool = true) {
        if object.state == .new {
            object.setValue(value, ofColumn: index)
            object.pendingReferences[index] = nil
            return
        }
        let wasDirty = object.state == .dirty
        let unchanged = object.isLoaded(column: index) && object.value(ofColumn: index) == value && object.pendingReferences[index] == nil
        if object.originalValues == nil { object.originalValues = object.values }
        registerChange(object)
        object.setValue(value, ofColumn: index)
        object.pendingReferences[index] = nil
        if object.loadedColumns != nil { object.loadedColumns?[index] = true }
        refreshDirtyState(object)
        if explains && object.state != .dirty {
            // A surprise worth a line: an assignment that leaves nothing to write.
            func property() -> String { "\(object.ref).\(object.entity.mapping.columns[index].property)" }
            let text = shown ?? reportValue(value).display
            if unchanged && !wasDirty {
                if shouldExplain("same value") {
                    addNote(Note(.info, "\(property()) already was \(text): the value did not change, so \(object.ref) stays clean and no UPDATE will run"))
                }
            } else if wasDirty, shouldExplain("back to saved value") {
                addNote(Note(.info, "\(property()) is back to its saved value \(text): nothing differs from the row any more, so \(object.ref) is clean again and no UPDATE will run"))
            }
        }
    }

    /// Assigns a to-one association (`book.author = Author#2`, or nil).
    public func assign(_ object: ManagedObject, association: Association, to target: ManagedObject?) throws {
        guard let fk = object.entity.foreignKeyIndex[association.name] else {
            throw ORMError("\(object.entity.name).\(association.name) is a \(association.kind.rawValue) association; its foreign key lives in \(association.target)",
                           hint: "assign it from the other side (the object that holds the foreign key)")
        }
        if target == nil && !association.isOptional {
            throw ORMError("\(object.entity.name).\(association.name) is required (NOT NULL)",
                           hint: "assign another \(association.target), or declare it optional: \(association.name): \(association.target)?")
        }
        // The same target again changes nothing: no other side to expire either.
        // A new target's row is still to come, even when its key was given (see `rowKey`).
        let targetKey = target?.rowKey
        let newValue: DatabaseValue? = target == nil ? .null : targetKey   // nil: a key still to come
        let unchanged = object.state != .new && object.pendingReferences[fk] == nil && newValue != nil
            && object.value(ofColumn: fk) == newValue
        if let target, let targetKey {
            assign(object, column: fk, value: targetKey, shown: target.ref)
        } else if let target {
            // (Not unchanged even when the column was NULL already: the new target's id is to come.)
            assign(object, column: fk, value: .null, shown: nil, explains: false)
            object.pendingReferences[fk] = target
            if object.state != .new {
                object.state = .dirty
                registerChange(object)
            }
        } else {
            assign(object, column: fk, value: .null, shown: "nil")
        }
        object.associations[association.name] = .one(target)
        if !unchanged {
            explainExpiredInverse(expireInverse(of: object, naming: true), change: "the change of \(object.ref).\(association.name)")
        }
    }

    /// A changed object: pending in the unit of work, or (Active Record) only its own to save.
    @inline(__always)
    func registerChange(_ object: ManagedObject) {
        if pattern == .activeRecord { rememberUnsaved(object) } else { unitOfWork.registerDirty(object) }
    }

    /// Dirty only while some value differs from what was loaded.
    private func refreshDirtyState(_ object: ManagedObject) {
        guard let original = object.originalValues else { return }
        if original == object.values && object.pendingReferences.isEmpty {
            object.originalValues = nil
            object.state = object.loadedColumns == nil ? .clean : .partial
            unitOfWork.unregisterDirty(object)
        } else {
            object.state = .dirty
        }
    }

    /// `delete X`: marks the object; the DELETE runs at the next flush.
    public func delete(_ object: ManagedObject) throws {
        switch object.state {
        case .deleted: throw ORMError("\(object.ref) is already marked for deletion", hint: "`save` to delete it, or `rollback`")
        case .detached: throw ORMError("\(object.ref) is no longer in the session (deleted or discarded)")
        case .new:
            unitOfWork.registerDeleted(object)
            object.state = .detached
        default:
            unitOfWork.registerDeleted(object)
            object.state = .deleted
            // `soft delete`: the row stays; deleted_at says when it was deleted (written at save).
            if let column = object.entity.lifecycle?.deletedAt { object.setValue(.text(now()), ofColumn: column) }
        }
    }

    /// `owner.assoc.add(target)` / `.remove(target)` on a many-to-many: a join-table row to write.
    public func link(_ owner: ManagedObject, _ association: Association, _ target: ManagedObject, add: Bool) {
        unitOfWork.registerLink(LinkChange(owner: owner, association: association, target: target, add: add))
        keepLoadedCollectionsInStep(owner, association, target, add: add)
    }

    /// Keeps loaded collections in step with a link change (pending, or written at once).
    func keepLoadedCollectionsInStep(_ owner: ManagedObject, _ association: Association, _ target: ManagedObject, add: Bool) {
        if case .many(var list)? = owner.associations[association.name] {
            if add { if !list.contains(where: { $0 === target }) { list.append(target) } } else { list.removeAll { $0 === target } }
            owner.associations[association.name] = .many(list)
        }
        if let inverse = association.inverse, case .many(var list)? = target.associations[inverse] {
            if add { if !list.contains(where: { $0 === owner }) { list.append(owner) } } else { list.removeAll { $0 === owner } }
            target.associations[inverse] = .many(list)
        }
    }

    /// A change of a foreign key makes the other side's loaded collections stale: expire them.
    /// `naming`: return the collections expired ("Author#1.books"), for a note.
    @discardableResult
    func expireInverse(of object: ManagedObject, naming: Bool = false) -> [String] {
        var expired: [String] = []
        for association in object.entity.mapping.associations where association.kind == .belongsTo {
            guard let inverse = association.inverse else { continue }
            for target in infos[association.target]?.identityMap.values.map({ $0 }) ?? [] where target.associations[inverse] != nil {
                target.associations[inverse] = nil
                if naming { expired.append("\(target.ref).\(inverse)") }
            }
        }
        return expired.sorted()
    }

    public var hasPendingChanges: Bool { unitOfWork.hasChanges }

    /// New, dirty and deleted objects, in that order.
    public var pendingObjects: [ManagedObject] {
        unitOfWork.newObjects + unitOfWork.dirtyObjects + unitOfWork.deletedObjects
    }

    public var pendingLinkCount: Int { unitOfWork.linkChanges.count }

    // MARK: - Flushing

    /// Writes the unit of work (see `UnitOfWork.flush`): the plan `:pending` shows, in one
    /// transaction or savepoint; on failure nothing is written and every object stays as it was.
    @discardableResult
    public func flush(reason: String) throws -> FlushResult {
        // Validations and callbacks only where an entity declares some (one pass over the entities).
        if unitOfWork.hasChanges && hasLifecycleRules { return try flushWithLifecycle(reason: reason) }
        return try unitOfWork.flush(reason: reason, in: self)
    }

    /// After a parent's DELETE, SQLite applied the ON DELETE rules: say so, and mirror them on
    /// the children loaded in the session (recursively, as SQLite cascades).
    func applyDeleteRules(for parent: ManagedObject) {
        guard let parentID = parent.id else { return }
        for info in infos.values.sorted(by: { $0.name < $1.name }) {
            for association in info.mapping.associations where association.kind == .belongsTo && association.target == parent.entity.name {
                guard let rule = association.onDelete, rule != .restrict, let index = info.foreignKeyIndex[association.name] else { continue }
                let children = info.identityMap.values.filter { $0.reference(ofColumn: index, in: parent.entity) == parentID }.sorted { ($0.id ?? 0) < ($1.id ?? 0) }
                let column = "\(info.table).\(association.foreignKey ?? "")"
                switch rule {
                case .cascade:
                    for child in children {
                        if let id = child.id { info.identityMap[id] = nil }
                        child.state = .detached
                    }
                    let who = children.isEmpty ? "the \(info.name) rows" : children.map(\.ref).joined(separator: ", ")
                    addNote(Note(.cascade, "on delete cascade: SQLite also deleted \(who) whose \(column) pointed at \(parent.ref)"))
                    // SQLite cascades further down; so do we.
                    for child in children { applyDeleteRules(for: child) }
                case .setNull:
                    for child in children {
                        child.setValue(.null, ofColumn: index)
                        if child.originalValues != nil { child.originalValues?[index] = .null }
                        child.associations[association.name] = nil
                    }
                    let who = children.isEmpty ? "the \(info.name) rows that pointed at \(parent.ref)" : children.map(\.ref).joined(separator: ", ")
                    addNote(Note(.cascade, "on delete set null: SQLite set \(column) to NULL in \(who)"))
                case .restrict:
                    break
                }
            }
        }
    }

    /// A constraint failure explained in ORM terms: which object, which association or property.
    /// `write`: the object whose statement failed and why it ran (nil when unknown).
    /// The id of the row (other than `object`'s) whose `column` holds `value`, read after a
    /// UNIQUE violation so the message can name it.
    func holderOfValue(_ value: DatabaseValue, column: String, of object: ManagedObject) -> String? {
        let key = object.entity.mapping.primaryKeyColumn
        var select = Select(columns: [.column(table: nil, name: key)], from: object.entity.table,
                            filter: .eq(.column(table: nil, name: column), .value(value)))
        if object.id != nil { select.addFilter(.binary(.column(table: nil, name: key), "!=", .value(object.keyValue))) }
        select.limit = .value(.integer(1))
        let rendered = dialect.render(select)
        var found: String?
        try? log.withCause("which row holds \(object.entity.mapping.columns.first { $0.name == column }?.property ?? column) \(reportValue(value).display)") {
            _ = try db.query(rendered.sql, rendered.arguments) { row in
                let shown = object.entity.naturalKeys == nil ? String(row.int64(0)) : naturalKeyReference(row.string(0))
                found = "\(object.entity.name)#\(shown)"
            }
        }
        return found
    }

    func explain(_ error: any DatabaseError, during write: (object: ManagedObject, cause: WriteCause)?) -> ORMError {
        let subject = write.map { "cannot save \($0.object.ref)" } ?? "cannot save"
        if error.isLockTimeout && !dialect.locksWholeDatabase {
            return ORMError("\(subject): \(dialect.name) gave up waiting for a row lock another session holds (lock_timeout, SQLSTATE 55P03)",
                            hint: "nothing was saved; the unit of work keeps the changes: `save` again once the other session commits or rolls back")
        }
        if error.isLockTimeout {
            return ORMError("\(subject): database is locked: another connection holds the write lock",
                            hint: "nothing was saved; the unit of work keeps the changes: `save` again once the other session commits or rolls back")
        }
        let constraint = error.violatedConstraint
        // The driver reads its database's message for the column ("table.column").
        let failedColumn = error.violatedColumns.first ?? ""
        let columnName = failedColumn.split(separator: ".").last.map(String.init) ?? failedColumn
        let property = write.flatMap { w in w.object.entity.mapping.columns.first { $0.name == columnName } }
        let propertyName = property?.property ?? columnName
        if constraint == .foreignKey {
            if let write, case .deleted = write.cause {
                let object = write.object
                let children = infos.values.sorted { $0.name < $1.name }.flatMap { info in
                    info.mapping.associations.filter { $0.kind == .belongsTo && $0.target == object.entity.name && $0.onDelete == nil }
                        .map { "\(info.name).\($0.name)" }
                }
                return ORMError("cannot delete \(object.ref): other rows still refer to it (\(children.joined(separator: ", ")); foreign key without an ON DELETE rule)",
                                hint: "delete or reassign them first, or declare the association with `on delete cascade` or `on delete set null`; nothing was saved")
            }
            return ORMError("\(subject): one of its associations points at a row that does not exist",
                            hint: "check the objects it refers to still exist; nothing was saved")
        }
        if let write, case .link(let change) = write.cause, constraint == .unique {
            // The join table's key is the pair: the link exists already (not "book_id is taken").
            let table = failedColumn.split(separator: ".").first.map(String.init) ?? "the join table"
            return ORMError("cannot save \(change): the pair is linked already (\(table) has that row)",
                            hint: "drop the add (`rollback` discards the pending changes); nothing was saved")
        }
        if constraint == .unique, let write, case .newObject = write.cause, columnName == write.object.entity.mapping.columns[0].name,
           let reset = dialect.resetGeneratedKeySQL(table: write.object.entity.table, column: columnName) {
            // The key the sequence gave is taken: rows were inserted with keys given explicitly.
            return ORMError("\(subject): the key \(dialect.name) drew from \(write.object.entity.table)'s sequence is taken (\(failedColumn) is the primary key): rows were inserted with keys given explicitly, which do not move the sequence",
                            hint: "move the sequence past the largest key (Rails' reset_pk_sequence!, Django's sqlsequencereset): :sql \(reset); nothing was saved")
        }
        if constraint == .unique, let write, write.object.id != nil, columnName == write.object.entity.mapping.columns[0].name {
            // A key given on insert (natural or assigned) that a row already has.
            let object = write.object
            let isInsert: Bool
            switch write.cause {
            case .newObject, .newObjectWithID, .newObjectWithKey: isInsert = true
            default: isInsert = false
            }
            if isInsert {
                return ORMError("\(subject): a row of \(object.entity.table) already has the key \(reportValue(object.keyValue).display) (\(failedColumn) is the primary key)",
                                hint: "an insert does not update an existing row: give another key, or `rollback` to drop this insert and read the row with \(object.ref); nothing was saved")
            }
        }
        if constraint == .unique {
            var shown = ""
            var holder = ""
            if let write, let index = write.object.entity.mapping.columnIndex(named: columnName) {
                let value = write.object.value(ofColumn: index)
                shown = " \(reportValue(value).display)"
                // Which row holds the value already, in ORM terms (one indexed lookup).
                if error.violatedColumns.count == 1, let ref = holderOfValue(value, column: columnName, of: write.object) {
                    holder = "; \(ref) holds it"
                }
            }
            return ORMError("\(subject): \(propertyName)\(shown) is already taken (\(failedColumn) is unique\(holder))",
                            hint: "use another value, or change the existing object; nothing was saved")
        }
        if constraint == .notNull {
            return ORMError("\(subject): \(propertyName) is required (\(failedColumn) is NOT NULL) but has no value",
                            hint: "give it a value before saving; nothing was saved")
        }
        return ORMError("\(subject): \(error.message)", hint: "nothing was saved; the unit of work is unchanged")
    }
}

extension String {
    func range(of marker: String) -> Range<String.Index>? {
        guard !marker.isEmpty, count >= marker.count else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(marker) { return i..<index(i, offsetBy: marker.count) }
            i = index(after: i)
        }
        return nil
    }
}

/// A DSL literal as a database value for a column of this type (Bool → 0/1).
public func sqliteValue(_ literal: Literal, type: ScalarType?) -> DatabaseValue {
    switch literal {
    case .integer(let i):
        if type == .double { return .real(Double(i)) }
        return .integer(i)
    case .double(let d): return .real(d)
    case .string(let s): return .text(s)
    case .bool(let b): return .integer(b ? 1 : 0)
    case .null: return .null
    }
}

/// `values[1..<end]` as an array: one allocation and an append per value, all specialized
/// (`Array(slice)` and the unsafe-uninitialized initializer take generic paths: several
/// hundred instructions for six values). Read from where the values are (an object's inline
/// storage), not from an array copied out first.
func valuesAfterID(_ values: UnsafeBufferPointer<DatabaseValue>, upTo end: Int) -> [DatabaseValue] {
    let end = min(end, values.count)
    guard end > 1 else { return [] }
    var out: [DatabaseValue] = []
    out.reserveCapacity(end - 1)
    for i in 1..<end { out.append(values[i]) }
    return out
}
