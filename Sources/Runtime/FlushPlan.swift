import DatabaseKit
import Report
import SQLBuilder

// The flush plan: what the unit of work will write, in order. `UnitOfWork.plan(dialect:)` makes
// it; `UnitOfWork.flush` runs it; `:pending` (`Session.pendingStatements`) shows it. One
// computation, so the preview cannot drift from what `save` does.

extension WriteCause {
    /// The cause of a new object's INSERT.
    static func insert(of object: ManagedObject, entity: String) -> WriteCause {
        if object.entity.naturalKeys != nil { return .newObjectWithKey(ref: object.ref) }
        return object.id.map { .newObjectWithID(entity: entity, id: $0) } ?? .newObject(entity: entity, serial: object.serial)
    }
}

/// A value in a planned statement: known now, or the id of an object inserted earlier in the flush.
enum PlannedValue {
    case value(DatabaseValue)
    case idOf(ManagedObject)
}

/// One write of a flush other than a new object's INSERT: an UPDATE, a link change or a DELETE.
struct PlannedWrite {
    /// `part`: one of several statements writing one object (a joined hierarchy's tables,
    /// InheritanceRuntime.swift); the object's own kind is on the last of them.
    enum Kind { case update, delete, link, unlink, part }
    var kind: Kind
    var object: ManagedObject
    var sql: String
    /// The parameters known now, NULL in place of each id still to come (see `pending`): most
    /// writes are bound with this very array, not a copy made per write.
    var values: [DatabaseValue]
    /// The parameters (by index) that are the id of an object inserted earlier in the flush.
    var pending: [(index: Int, object: ManagedObject)] = []
    var cause: WriteCause
    /// For an UPDATE of a versioned entity: the version this session read, which the WHERE
    /// clause requires (zero rows changed means another session changed the row first).
    var expectedVersion: Int64?

    init(kind: Kind, object: ManagedObject, sql: String, params: [PlannedValue], cause: WriteCause) {
        self.kind = kind
        self.object = object
        self.sql = sql
        self.cause = cause
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
}

/// The writes of one flush, in the order it runs them: the new objects' INSERTs, parents first
/// (`inserts`); then `writes`: the UPDATEs of dirty objects, the link changes of many-to-many
/// associations, and the DELETEs, children first.
///
/// The inserts are the new objects themselves, in order, not a `PlannedWrite` each: the flush
/// binds each INSERT straight from its object, and making and freeing a planned write per insert
/// cost about a tenth of the flush (3 M instructions for the 10,000 inserts of ormlab-bench's
/// "script" workload, docs/PERFORMANCE.md).
struct FlushPlan {
    /// New objects, parents before the children that refer to them; each is one INSERT of
    /// `entity.insertSQL`, bound with its values after the id.
    var inserts: [ManagedObject]
    /// Updates, then link changes, then deletes.
    var writes: [PlannedWrite]

    var isEmpty: Bool { inserts.isEmpty && writes.isEmpty }
    /// The number of statements the flush runs for it (its BEGIN and COMMIT aside).
    var statementCount: Int { inserts.count + writes.count }

    /// Whether some statement binds the id of an object inserted earlier in the same flush.
    var refersToNewObjects: Bool {
        writes.contains { !$0.pending.isEmpty } || inserts.contains { $0.hasPendingReferences }
    }

    /// The statements in order, as `:pending` shows them: an id still to come is "⟨id of …⟩".
    func statements() -> [PendingStatement] {
        func shown(_ value: PlannedValue) -> String {
            switch value {
            case .value(let v): return reportValue(v).display
            case .idOf(let o): return o.id != nil ? reportValue(o.keyValue).display : "⟨id of \(o.ref)⟩"
            }
        }
        var statements: [PendingStatement] = []
        statements.reserveCapacity(statementCount)
        for object in inserts {
            let info = object.entity
            let columnCount = info.newObjectValues.count
            var params = object.valuesAfterID(upTo: columnCount).map(PlannedValue.value)
            for (i, ref) in object.pendingReferences where i > 0 && i < columnCount { params[i - 1] = .idOf(ref) }
            if let parts = info.inheritance?.insertParts {
                // A joined or concrete class: a row in each table, the id from the first.
                for part in parts {
                    let values = (part.bindsID ? [PlannedValue.idOf(object)] : []) + part.columns.map { params[$0 - 1] }
                    statements.append(PendingStatement(sql: part.insertSQL, params: values.map(shown),
                                                       reason: WriteCause.insert(of: object, entity: info.mapping.name).description))
                }
                continue
            }
            if object.id != nil {
                // The key was given: the INSERT writes it (see `UnitOfWork.flush`).
                params.insert(.value(object.keyValue), at: 0)
                statements.append(PendingStatement(sql: info.insertWithKeySQL, params: params.map(shown),
                                                   reason: WriteCause.insert(of: object, entity: info.mapping.name).description))
                continue
            }
            statements.append(PendingStatement(sql: info.insertSQL, params: params.map(shown),
                                               reason: WriteCause.insert(of: object, entity: info.mapping.name).description))
        }
        for write in writes {
            var params = write.values.map(PlannedValue.value)
            for (i, object) in write.pending { params[i] = .idOf(object) }
            statements.append(PendingStatement(sql: write.sql, params: params.map(shown), reason: write.cause.description))
        }
        return statements
    }
}

/// A statement `:pending` shows: SQL, its values (ids of not-yet-inserted objects spelled out).
public struct PendingStatement {
    public var sql: String
    public var params: [String]
    public var reason: String
}

extension Session {
    /// The statements the next flush would run, in order (for `:pending`): the flush's own plan.
    public func pendingStatements() throws -> [PendingStatement] {
        try unitOfWork.plan(dialect: dialect).statements()
    }
}

extension UnitOfWork {
    // MARK: - Planning

    /// The flush plan for the pending changes, its SQL rendered by `dialect`. Throws when the
    /// new objects cannot be ordered (a cycle, or an object referring to itself).
    func plan(dialect: any Dialect) throws -> FlushPlan {
        FlushPlan(inserts: try orderedInserts(), writes: plannedWrites(dialect: dialect))
    }

    /// The writes after the inserts: updates, link changes, deletes, in that order.
    private func plannedWrites(dialect: any Dialect) -> [PlannedWrite] {
        var writes: [PlannedWrite] = []
        for object in dirtyObjects {
            let current = object.values   // one copy: `values` hands out a new array per read
            let original = object.originalValues ?? current
            let info = object.entity
            let versionColumn = info.versionColumn
            let changed = current.indices.filter { $0 > 0 && $0 != versionColumn && (current[$0] != original[$0] || object.pendingReferences[$0] != nil) }
            guard !changed.isEmpty, let id = object.id else { continue }
            if let parts = info.inheritance?.joinedParts {
                let version = versionColumn.map { column -> (column: Int, expected: Int64) in
                    if case .integer(let v) = original[column] { return (column, v) }
                    return (column, 0)
                }
                var split = UnitOfWork.joinedUpdates(object, id: id, changed: changed, parts: parts, current: current,
                                                     version: version, dialect: dialect)
                for k in split.indices.dropLast() { split[k].kind = .part }
                writes += split
                continue
            }
            var assignments = changed.map { (info.mapping.columns[$0].name, SQLExpr.parameter) }
            var filter = SQLExpr.eq(.column(table: nil, name: info.mapping.primaryKeyColumn), .parameter)
            var expectedVersion: Int64?
            if let versionColumn {
                // Optimistic locking: the row must still have the version this session read.
                let name = info.mapping.columns[versionColumn].name
                assignments.append((name, .binary(.column(table: nil, name: name), "+", .raw("1"))))
                filter = .and([filter, .eq(.column(table: nil, name: name), .parameter)])
                if case .integer(let v) = original[versionColumn] { expectedVersion = v }
            }
            let update = Update(table: info.table, assignments: assignments, filter: filter)
            var params: [PlannedValue] = changed.map { i in
                if let ref = object.pendingReferences[i] { return .idOf(ref) }
                return .value(current[i])
            }
            params.append(.value(object.keyValue))
            if let versionColumn { params.append(.value(original[versionColumn])) }
            var write = PlannedWrite(kind: .update, object: object, sql: dialect.render(update).sql, params: params,
                                     cause: .dirty(ref: object.ref, properties: changed.map { info.mapping.columns[$0].property }))
            write.expectedVersion = versionColumn == nil ? nil : (expectedVersion ?? 0)
            writes.append(write)
        }
        for change in linkChanges {
            guard let jt = change.association.joinTable else { continue }
            // (An object with a key given, natural keys included, binds it: it is inserted before the links.)
            let ownerValue: PlannedValue = change.owner.id != nil ? .value(change.owner.keyValue) : .idOf(change.owner)
            let targetValue: PlannedValue = change.target.id != nil ? .value(change.target.keyValue) : .idOf(change.target)
            if change.add {
                let insert = Insert(table: jt.name, columns: [jt.ownerColumn, jt.targetColumn], values: [.parameter, .parameter])
                writes.append(PlannedWrite(kind: .link, object: change.owner, sql: dialect.render(insert).sql,
                                           params: [ownerValue, targetValue], cause: .link(change.description)))
            } else {
                let delete = Delete(table: jt.name, filter: .and([.eq(.column(table: nil, name: jt.ownerColumn), .parameter),
                                                                 .eq(.column(table: nil, name: jt.targetColumn), .parameter)]))
                writes.append(PlannedWrite(kind: .unlink, object: change.owner, sql: dialect.render(delete).sql,
                                           params: [ownerValue, targetValue], cause: .unlink(change.description)))
            }
        }
        for object in orderedDeletes() {
            guard let id = object.id else { continue }
            if let parts = object.entity.inheritance?.joinedParts {
                var split = UnitOfWork.joinedDeletes(object, id: id, parts: parts, dialect: dialect)
                for k in split.indices.dropLast() { split[k].kind = .part }
                writes += split
                continue
            }
            // `soft delete`: an UPDATE of deleted_at (set by `delete`) instead of a DELETE.
            if let column = object.entity.lifecycle?.deletedAt {
                let update = Update(table: object.entity.table, assignments: [(object.entity.mapping.columns[column].name, .parameter)],
                                    filter: .eq(.column(table: nil, name: object.entity.mapping.primaryKeyColumn), .parameter))
                writes.append(PlannedWrite(kind: .delete, object: object, sql: dialect.render(update).sql,
                                           params: [.value(object.value(ofColumn: column)), .value(object.keyValue)], cause: .softDeleted(ref: object.ref)))
                continue
            }
            let delete = Delete(table: object.entity.table, filter: .eq(.column(table: nil, name: object.entity.mapping.primaryKeyColumn), .parameter))
            writes.append(PlannedWrite(kind: .delete, object: object, sql: dialect.render(delete).sql,
                                       params: [.value(object.keyValue)], cause: .deleted(ref: object.ref)))
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
        let objects = newObjects
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
        let objects = deletedObjects
        var ids: [String: Set<Int64>] = [:]
        for o in objects { if let id = o.id { ids[o.entity.name, default: []].insert(id) } }
        // parent → number of deleted children pointing at it
        func references(_ child: ManagedObject, _ parent: ManagedObject) -> Bool {
            guard let parentID = parent.id, child !== parent else { return false }
            for (association, index) in child.entity.foreignKeyIndex {
                guard child.entity.mapping.association(named: association)?.target == parent.entity.name else { continue }
                if child.reference(ofColumn: index, in: parent.entity) == parentID { return true }
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
}
