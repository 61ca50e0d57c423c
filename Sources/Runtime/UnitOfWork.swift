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
                if let id = object.id, object.entity.identityMap[id] === object { object.entity.identityMap[id] = nil }
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
            if let id = object.id { object.entity.identityMap[id] = object }
        }
        detachCreated(upTo: created.count)
        clear()
        return touched
    }
}

// MARK: - Flush plan

/// A value in a planned statement: known now, or the id of an object inserted earlier in the flush.
enum PlannedValue {
    case value(DatabaseValue)
    case idOf(ManagedObject)
}

/// One write of a flush, in order.
struct PlannedWrite {
    enum Kind { case insert, update, delete, link, unlink }
    var kind: Kind
    var object: ManagedObject
    var sql: String
    /// The parameters known now, NULL in place of each id still to come (see `pending`): most
    /// writes are bound with this very array, not a copy made per write.
    var values: [DatabaseValue]
    /// The parameters (by index) that are the id of an object inserted earlier in the flush.
    var pending: [(index: Int, object: ManagedObject)] = []
    /// "Author (new #1) new", "Author#1 dirty (name)", "Book#2.tags.add(Tag#1)": kept as the
    /// log keeps it, so a new object's is only spelled out when read.
    var cause: LogCause
    var reason: String { cause.text }
    var updatedColumns: [Int] = []

    init(kind: Kind, object: ManagedObject, sql: String, values: [DatabaseValue], cause: LogCause) {
        self.kind = kind
        self.object = object
        self.sql = sql
        self.values = values
        self.cause = cause
    }

    init(kind: Kind, object: ManagedObject, sql: String, params: [PlannedValue], reason: String, updatedColumns: [Int] = []) {
        self.kind = kind
        self.object = object
        self.sql = sql
        self.cause = .text(reason)
        self.updatedColumns = updatedColumns
        values = []
        values.reserveCapacity(params.count)
        for (i, param) in params.enumerated() {
            switch param {
            case .value(let value): values.append(value)
            case .idOf(let object):
                values.append(.null)
                pending.append((i, object))
            }
        }
    }

    /// The parameters, ids still to come named by their object.
    var params: [PlannedValue] {
        var params = values.map(PlannedValue.value)
        for (i, object) in pending { params[i] = .idOf(object) }
        return params
    }
}

/// The cause of each new object's INSERT ("save: Person (new #3) new"), kept as its parts
/// (`LogCause.newObject`) and spelled out only when read. The entity's name is read once per
/// run of objects of one entity (reading it through the object copies the entity's mapping).
struct NewObjectCauses {
    let causePrefix: String
    private var lastEntity: EntityInfo?
    private var entityName = ""
    /// "save: Person (new #", the same for a run of one entity.
    private var start = ""

    init(causePrefix: String) { self.causePrefix = causePrefix }

    /// (Inlined: as a call it cost a flush about 100 instructions per insert.)
    @inline(__always)
    mutating func cause(of object: ManagedObject) -> LogCause {
        let info = object.entity
        if info !== lastEntity {
            lastEntity = info
            entityName = info.mapping.name
            start = causePrefix + entityName + " (new #"
        }
        return object.id.map { LogCause.text("\(causePrefix)\(entityName)#\($0) new") }
            ?? .newObject(start: start, serial: object.serial)
    }
}

/// What a flush wrote.
public struct FlushResult {
    public var inserted: [ManagedObject] = []
    public var updated: [ManagedObject] = []
    public var deleted: [ManagedObject] = []
    public var links: Int = 0
    public var isEmpty: Bool { inserted.isEmpty && updated.isEmpty && deleted.isEmpty && links == 0 }
    public var objects: [ManagedObject] { inserted + updated + deleted }
}

/// A statement `:pending` shows: SQL, its values (ids of not-yet-inserted objects spelled out).
public struct PendingStatement {
    public var sql: String
    public var params: [String]
    public var reason: String
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
            if let id = target.id { object.setValue(.integer(id), ofColumn: i) } else { object.pendingReferences[i] = target }
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
        unitOfWork.registerDirty(object)
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
        let newValue: DatabaseValue? = target.map { $0.id.map { .integer($0) } } ?? .null   // nil: an id still to come
        let unchanged = object.state != .new && object.pendingReferences[fk] == nil && newValue != nil
            && object.value(ofColumn: fk) == newValue
        if let target, let id = target.id {
            assign(object, column: fk, value: .integer(id), shown: target.ref)
        } else if let target {
            // (Not unchanged even when the column was NULL already: the new target's id is to come.)
            assign(object, column: fk, value: .null, shown: nil, explains: false)
            object.pendingReferences[fk] = target
            if object.state != .new {
                object.state = .dirty
                unitOfWork.registerDirty(object)
            }
        } else {
            assign(object, column: fk, value: .null, shown: "nil")
        }
        object.associations[association.name] = .one(target)
        if !unchanged {
            explainExpiredInverse(expireInverse(of: object, naming: true), change: "the change of \(object.ref).\(association.name)")
        }
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
        }
    }

    /// `owner.assoc.add(target)` / `.remove(target)` on a many-to-many: a join-table row to write.
    public func link(_ owner: ManagedObject, _ association: Association, _ target: ManagedObject, add: Bool) {
        unitOfWork.registerLink(LinkChange(owner: owner, association: association, target: target, add: add))
        // Keep loaded collections in step with the pending change.
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

    // MARK: - Planning

    /// The statements a flush would run now, in order (for `:pending`).
    public func pendingStatements() throws -> [PendingStatement] {
        try plan().map { write in
            PendingStatement(sql: write.sql, params: write.params.map {
                switch $0 {
                case .value(let v): return reportValue(v).display
                case .idOf(let o): return o.id.map(String.init) ?? "⟨id of \(o.ref)⟩"
                }
            }, reason: write.reason)
        }
    }

    /// The writes of a flush, in order; each reason starts with `causePrefix` (a flush's
    /// "save: "), so the flush can log it as the cause as it is.
    func plan(causePrefix: String = "") throws -> [PlannedWrite] {
        var writes: [PlannedWrite] = []
        let inserts = try orderedInserts()
        writes.reserveCapacity(inserts.count)
        var causes = NewObjectCauses(causePrefix: causePrefix)
        for object in inserts {
            let columnCount = object.entity.newObjectValues.count
            // Built in the append: a write built in a variable first was copied into the array
            // (a dozen references) and then destroyed.
            writes.append(PlannedWrite(kind: .insert, object: object, sql: object.entity.insertSQL,
                                       values: object.valuesAfterID(upTo: columnCount), cause: causes.cause(of: object)))
            if object.hasPendingReferences {
                let last = writes.count - 1
                for (i, ref) in object.pendingReferences.sorted(by: { $0.key < $1.key }) where i > 0 && i < columnCount {
                    writes[last].values[i - 1] = .null
                    writes[last].pending.append((i - 1, ref))
                }
            }
        }
        writes += planOtherWrites(causePrefix: causePrefix)
        return writes
    }

    /// The writes of a flush after its inserts (updates, links, deletes), in order.
    func planOtherWrites(causePrefix: String) -> [PlannedWrite] {
        var writes: [PlannedWrite] = []
        for object in unitOfWork.dirtyObjects {
            let current = object.values   // one copy: `values` hands out a new array per read
            let original = object.originalValues ?? current
            let changed = current.indices.filter { $0 > 0 && (current[$0] != original[$0] || object.pendingReferences[$0] != nil) }
            guard !changed.isEmpty, let id = object.id else { continue }
            let info = object.entity
            let update = Update(table: info.table,
                                assignments: changed.map { (info.mapping.columns[$0].name, SQLExpr.parameter) },
                                filter: .eq(.column(table: nil, name: "id"), .parameter))
            var params: [PlannedValue] = changed.map { i in
                if let ref = object.pendingReferences[i] { return .idOf(ref) }
                return .value(current[i])
            }
            params.append(.value(.integer(id)))
            let names = changed.map { info.mapping.columns[$0].property }.joined(separator: ", ")
            writes.append(PlannedWrite(kind: .update, object: object, sql: dialect.render(update).sql, params: params,
                                       reason: "\(object.ref) dirty (\(names))", updatedColumns: changed))
        }
        for change in unitOfWork.linkChanges {
            guard let jt = change.association.joinTable else { continue }
            let ownerValue: PlannedValue = change.owner.id.map { .value(.integer($0)) } ?? .idOf(change.owner)
            let targetValue: PlannedValue = change.target.id.map { .value(.integer($0)) } ?? .idOf(change.target)
            let reason = change.description
            if change.add {
                let insert = Insert(table: jt.name, columns: [jt.ownerColumn, jt.targetColumn], values: [.parameter, .parameter])
                writes.append(PlannedWrite(kind: .link, object: change.owner, sql: dialect.render(insert).sql,
                                           params: [ownerValue, targetValue], reason: reason))
            } else {
                let delete = Delete(table: jt.name, filter: .and([.eq(.column(table: nil, name: jt.ownerColumn), .parameter),
                                                                 .eq(.column(table: nil, name: jt.targetColumn), .parameter)]))
                writes.append(PlannedWrite(kind: .unlink, object: change.owner, sql: dialect.render(delete).sql,
                                           params: [ownerValue, targetValue], reason: reason))
            }
        }
        for object in orderedDeletes() {
            guard let id = object.id else { continue }
            let delete = Delete(table: object.entity.table, filter: .eq(.column(table: nil, name: "id"), .parameter))
            writes.append(PlannedWrite(kind: .delete, object: object, sql: dialect.render(delete).sql,
                                       params: [.value(.integer(id))], reason: "\(object.ref) deleted"))
        }
        if !causePrefix.isEmpty {
            for i in writes.indices { writes[i].cause = .text(causePrefix + writes[i].reason) }
        }
        return writes
    }

    /// New objects with parents first (a topological order of their references to other new
    /// objects); a cycle cannot be ordered and is explained.
    ///
    /// The order is that of repeated passes over the new objects, each taking (in the order they
    /// were created) every object whose new parents are already taken. It is computed in one
    /// walk, O(objects + references): an object goes in the pass of its latest parent, or the
    /// pass after it when that parent was created after it.
    func orderedInserts() throws -> [ManagedObject] {
        let objects = unitOfWork.newObjects
        // No new object refers to another (nor to itself): the order they were created in.
        if objects.allSatisfy({ !$0.hasPendingReferences }) { return objects }
        var position: [ObjectIdentifier: Int] = [:]
        position.reserveCapacity(objects.count)
        for (i, object) in objects.enumerated() { position[ObjectIdentifier(object)] = i }
        // The new objects each one refers to (itself excluded: checked below).
        var parents: [[Int]] = []
        parents.reserveCapacity(objects.count)
        var hasReferences = false
        for object in objects {
            var list: [Int] = []
            for ref in object.pendingReferences.values where ref !== object {
                if let i = position[ObjectIdentifier(ref)] { list.append(i) }
            }
            if !list.isEmpty { hasReferences = true }
            parents.append(list)
        }
        var ordered = objects
        if hasReferences {
            let unorderable = Int.max
            var pass = [Int](repeating: 0, count: objects.count)   // 0: not computed yet
            var onPath = [Bool](repeating: false, count: objects.count)
            for root in objects.indices where pass[root] == 0 {
                // Depth-first, without recursion: a chain of 100,000 new objects must not overflow the stack.
                var path: [(object: Int, nextParent: Int)] = [(root, 0)]
                onPath[root] = true
                while let (object, next) = path.last {
                    if next < parents[object].count {
                        path[path.count - 1].nextParent += 1
                        let parent = parents[object][next]
                        if pass[parent] == 0 && !onPath[parent] {
                            onPath[parent] = true
                            path.append((parent, 0))
                        }
                        continue
                    }
                    var objectPass = 1
                    for parent in parents[object] {
                        // A parent still on the path refers back to this object: a cycle.
                        guard pass[parent] != 0, pass[parent] != unorderable else { objectPass = unorderable; break }
                        objectPass = max(objectPass, parent > object ? pass[parent] + 1 : pass[parent])
                    }
                    pass[object] = objectPass
                    onPath[object] = false
                    path.removeLast()
                }
            }
            let remaining = objects.indices.filter { pass[$0] == unorderable }.map { objects[$0] }
            if !remaining.isEmpty {
                let pendingIDs = Set(objects.map(ObjectIdentifier.init))
                let cycle = remaining.map { object -> String in
                    let refs = object.pendingReferences.compactMap { (i, ref) -> String? in
                        guard pendingIDs.contains(ObjectIdentifier(ref)) else { return nil }
                        return "\(object.ref).\(object.entity.mapping.columns[i].property) → \(ref.ref)"
                    }
                    return refs.joined(separator: ", ")
                }.joined(separator: "; ")
                throw ORMError("cannot order the inserts: these new objects refer to each other in a cycle: \(cycle)",
                               hint: "save one of them first with the association set to nil, then assign it and save again")
            }
            ordered = objects.indices.sorted { pass[$0] != pass[$1] ? pass[$0] < pass[$1] : $0 < $1 }.map { objects[$0] }
        }
        // An object referring to itself also needs two steps.
        if let selfRef = ordered.first(where: { o in o.pendingReferences.values.contains { $0 === o } }) {
            throw ORMError("\(selfRef.ref) refers to itself before it has an id",
                           hint: "save it with the association set to nil first, then assign it and save again")
        }
        return ordered
    }

    /// Deleted objects with children first, so no row is left pointing at a deleted parent.
    func orderedDeletes() -> [ManagedObject] {
        let objects = unitOfWork.deletedObjects
        var ids: [String: Set<Int64>] = [:]
        for o in objects { if let id = o.id { ids[o.entity.name, default: []].insert(id) } }
        // parent → number of deleted children pointing at it
        func references(_ child: ManagedObject, _ parent: ManagedObject) -> Bool {
            guard let parentID = parent.id, child !== parent else { return false }
            for (association, index) in child.entity.foreignKeyIndex {
                guard child.entity.mapping.association(named: association)?.target == parent.entity.name else { continue }
                if child.integer(ofColumn: index) == parentID { return true }
            }
            return false
        }
        var remaining = objects
        var ordered: [ManagedObject] = []
        while !remaining.isEmpty {
            // Take objects that no remaining object... depends on: i.e. no remaining child refers to them.
            let next = remaining.filter { candidate in !remaining.contains { references($0, candidate) } }
            let batch = next.isEmpty ? [remaining[0]] : next
            ordered += batch
            remaining.removeAll { o in batch.contains { $0 === o } }
        }
        return ordered
    }

    // MARK: - Flushing

    /// Writes the unit of work. Runs inside the open transaction (with a savepoint) or opens one;
    /// on failure nothing is written and every object stays as it was.
    @discardableResult
    public func flush(reason: String) throws -> FlushResult {
        guard unitOfWork.hasChanges else { return FlushResult() }
        let causePrefix = reason + ": "
        // The inserts run straight from their objects (no planned write per insert: making and
        // freeing one cost about a tenth of the flush); the other writes are planned.
        let inserts = try orderedInserts()
        let writes = planOtherWrites(causePrefix: causePrefix)
        let openedTransaction = !db.isInTransaction
        if !openedTransaction {
            explainOnce("savepoint", Note(.transaction, "SAVEPOINT flush: a transaction was already open (\(explicitTransaction ? "`begin`" : "an autoflush opened it; `save` commits it")), so the unit of work wraps its writes in a savepoint: if one fails, ROLLBACK TO flush undoes just those writes and the unit of work is left as it was; RELEASE flush keeps them"))
        }
        // The id each insert got, in order; and by object, for writes that refer to objects
        // inserted before them (only looked up when some write does).
        var insertedIDs: [Int64] = []
        insertedIDs.reserveCapacity(inserts.count)
        let refersToNewObjects = writes.contains { !$0.pending.isEmpty } || inserts.contains { $0.hasPendingReferences }
        var assigned: [ObjectIdentifier: Int64] = [:]
        if refersToNewObjects { assigned.reserveCapacity(inserts.count) }
        /// The parameters of write `w` with the ids inserted before it filled in. (By index:
        /// passing the write itself copied it, a dozen references, per write.)
        func parameters(_ w: Int) -> [DatabaseValue] {
            guard !writes[w].pending.isEmpty else { return writes[w].values }
            var values = writes[w].values
            for (i, object) in writes[w].pending {
                if let id = idOf(object) { values[i] = .integer(id) }
            }
            return values
        }
        /// The id of `object`: its own, or the one its INSERT got earlier in this flush.
        func idOf(_ object: ManagedObject) -> Int64? { object.id ?? assigned[ObjectIdentifier(object)] }
        /// Writes the ids of the objects `object`'s foreign keys point at into them, once written.
        func fillPendingReferences(of object: ManagedObject) {
            for (i, ref) in object.pendingReferences {
                if let refID = idOf(ref) { object.setValue(.integer(refID), ofColumn: i) }
            }
            object.pendingReferences = [:]
        }
        /// The write that failed, for the error: the insert of `inserts[k]`, or `writes[w]`.
        var failedInsert: Int?
        var current: Int?
        do {
            try log.withCause(reason) {
                try run(openedTransaction ? .begin : .savepoint(.flush))
            }
            // One statement per write: room for them in the log at once, not by doubling.
            // And for the values the inserts bind, which the log keeps one after another.
            log.reserveCapacity(forMore: inserts.count + writes.count + 1,
                                values: inserts.reduce(0) { $0 + max(0, $1.valueCount - 1) })
            do {
                // Each write is its statement's cause (set directly: `withCause` per write
                // saved and restored the cause around each).
                let savedCause = log.logCause
                defer { log.logCause = savedCause }
                var causes = NewObjectCauses(causePrefix: causePrefix)
                for k in inserts.indices {
                    failedInsert = k
                    let object = inserts[k]
                    let info = object.entity
                    log.logCause = causes.cause(of: object)
                    // Every column but the id: bound where they are in the object (the log copies
                    // them next to the command's others), or in a copy when some is an id to fill in.
                    let columnCount = info.newObjectValues.count
                    if object.hasPendingReferences {
                        var values = object.valuesAfterID(upTo: columnCount)
                        // The id of the object referred to, inserted before this one (else NULL).
                        for (i, ref) in object.pendingReferences where i > 0 && i < columnCount {
                            values[i - 1] = idOf(ref).map { .integer($0) } ?? .null
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
                    log.logCause = writes[i].cause
                    try db.run(writes[i].sql, parameters(i))
                }
            }
            if !openedTransaction { try log.withCause(reason) { try run(.release(.flush)) } }
        } catch {
            try? log.withCause("\(reason) failed") {
                if openedTransaction { try run(.rollback) } else {
                    try run(.rollbackTo(.flush))
                    try run(.release(.flush))
                }
            }
            if let sqlError = error as? any DatabaseError {
                let write = failedInsert.map { k in
                    PlannedWrite(kind: .insert, object: inserts[k], sql: inserts[k].entity.insertSQL, values: [], cause: .text(""))
                } ?? current.map { writes[$0] }
                let explained = explain(sqlError, during: write)
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
            object.setValue(.integer(id), ofColumn: 0)
            if object.hasPendingReferences { fillPendingReferences(of: object) }
            object.state = .clean
            object.entity.identityMap[id] = object
            result.inserted.append(object)
        }
        for i in writes.indices { // by index: a copy of each write costs more than the loop body
            let object = writes[i].object
            switch writes[i].kind {
            case .insert:
                break // (inserts run from `inserts` above, not as planned writes)
            case .update:
                fillPendingReferences(of: object)
                object.originalValues = nil
                object.state = object.loadedColumns == nil ? .clean : .partial
                result.updated.append(object)
            case .delete:
                if let id = object.id { object.entity.identityMap[id] = nil }
                object.state = .detached
                applyDeleteRules(for: object)
                result.deleted.append(object)
            case .link, .unlink:
                result.links += 1
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
                if expiredEntities.insert(entity).inserted { expireInverse(of: object) }
            }
        }
        unitOfWork.linksFlushed()
        unitOfWork.clearPending()
        return result
    }

    /// After a parent's DELETE, SQLite applied the ON DELETE rules: say so, and mirror them on
    /// the children loaded in the session (recursively, as SQLite cascades).
    private func applyDeleteRules(for parent: ManagedObject) {
        guard let parentID = parent.id else { return }
        for info in infos.values.sorted(by: { $0.name < $1.name }) {
            for association in info.mapping.associations where association.kind == .belongsTo && association.target == parent.entity.name {
                guard let rule = association.onDelete, rule != .restrict, let index = info.foreignKeyIndex[association.name] else { continue }
                let children = info.identityMap.values.filter { $0.integer(ofColumn: index) == parentID }.sorted { ($0.id ?? 0) < ($1.id ?? 0) }
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
    func explain(_ error: any DatabaseError, during write: PlannedWrite?) -> ORMError {
        let subject = write.map { "cannot save \($0.object.ref)" } ?? "cannot save"
        let constraint = error.violatedConstraint
        // SQLite names the column as "table.column".
        let failedColumn = error.message.components(after: "failed: ").split(separator: ",").first.map(String.init) ?? ""
        let columnName = failedColumn.split(separator: ".").last.map(String.init) ?? failedColumn
        let property = write.flatMap { w in w.object.entity.mapping.columns.first { $0.name == columnName } }
        let propertyName = property?.property ?? columnName
        if constraint == .foreignKey {
            if let write, write.kind == .delete {
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
        if let write, write.kind == .link, constraint == .unique {
            // The join table's key is the pair: the link exists already (not "book_id is taken").
            let change = write.reason.components(after: ": ")
            let table = failedColumn.split(separator: ".").first.map(String.init) ?? "the join table"
            return ORMError("cannot save \(change): the pair is linked already (\(table) has that row)",
                            hint: "drop the add (`rollback` discards the pending changes); nothing was saved")
        }
        if constraint == .unique {
            var shown = ""
            if let write, let index = write.object.entity.mapping.columnIndex(named: columnName) {
                shown = " \(reportValue(write.object.value(ofColumn: index)).display)"
            }
            return ORMError("\(subject): \(propertyName)\(shown) is already taken (\(failedColumn) is unique)",
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
    /// The text after the first occurrence of `marker` (or the whole string).
    func components(after marker: String) -> String {
        guard let r = range(of: marker) else { return self }
        return String(self[r.upperBound...])
    }

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

/// `start`, the decimal digits of `number` and `end`, in one allocation and one copy of each
/// piece: interpolation appends piece by piece (about 400 instructions a piece), which for the
/// reason of each write of a flush cost more than binding its values.
func reason(_ start: String, _ number: Int, _ end: String) -> String {
    var start = start
    var end = end
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes: any Int, its sign included
    return withUnsafeMutableBytes(of: &digits) { digitBuffer -> String in
        var magnitude = number.magnitude
        var first = digitBuffer.count
        repeat {
            first -= 1
            digitBuffer[first] = UInt8(48 + magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        if number < 0 { first -= 1; digitBuffer[first] = 45 }
        let digitCount = digitBuffer.count - first
        return start.withUTF8 { head in
            end.withUTF8 { tail in
                String(unsafeUninitializedCapacity: head.count + digitCount + tail.count) { buffer in
                    guard let base = buffer.baseAddress else { return 0 }
                    let out = UnsafeMutableRawPointer(base)
                    if let h = head.baseAddress { out.copyMemory(from: h, byteCount: head.count) }
                    if let d = digitBuffer.baseAddress { (out + head.count).copyMemory(from: d + first, byteCount: digitCount) }
                    if let t = tail.baseAddress { (out + head.count + digitCount).copyMemory(from: t, byteCount: tail.count) }
                    return head.count + digitCount + tail.count
                }
            }
        }
    }
}
