import DSL
import Mapping
import Report
import SQLBuilder
import DatabaseKit

// The runtime side of inheritance mapping (Mapping/Inheritance.swift): objects of their real
// class from a base query, one identity per hierarchy (Vehicle#1 and Car#1 are one object),
// and the writes each strategy needs (joined: a row in each class's table, ordered; concrete:
// an id from the hierarchy's generator first).

/// One table an object of a class is written to, with the object's columns that go there.
struct InheritanceWritePart {
    var table: String
    /// Indexes into the class's mapping columns (never the id).
    var columns: [Int]
    /// True when the INSERT binds the id first (a joined subclass table, a concrete table);
    /// false when the database makes the id (the root table, the id generator).
    var bindsID: Bool
    var insertSQL: String
}

/// A hierarchy class's runtime data; `EntityInfo.inheritance`.
final class InheritanceRuntime {
    let strategy: InheritanceStrategy
    /// Parent first, up to the root: an object is in their identity maps too.
    let ancestors: [String]
    /// The writes of an INSERT, in order, when the class is not one plain row (joined,
    /// concrete); nil for single (one row of the root's table, the plain INSERT).
    let insertParts: [InheritanceWritePart]?
    /// joined only: the tables an UPDATE or DELETE touches, root first.
    var joinedParts: [InheritanceWritePart]? { strategy == .joined ? insertParts : nil }

    init(strategy: InheritanceStrategy, ancestors: [String], insertParts: [InheritanceWritePart]?) {
        self.strategy = strategy
        self.ancestors = ancestors
        self.insertParts = insertParts
    }
}

extension EntityInfo {
    /// The objects of this very class in its identity map (a base class's map also holds its
    /// subclasses' objects, which their own maps count).
    var ownObjectCount: Int { identityMap.values.reduce(0) { $0 + ($1.entity === self ? 1 : 0) } }
}

extension Session {
    /// Gives each class of a hierarchy its runtime data (after a schema change).
    func adoptInheritance(_ schema: Schema) {
        for (name, member) in schema.hierarchy {
            guard let info = infos[name], let mapping = schema.entities[name] else { continue }
            var parts: [InheritanceWritePart]?
            func part(_ table: String, _ columns: [Int], bindsID: Bool) -> InheritanceWritePart {
                let names = (bindsID ? [mapping.primaryKeyColumn] : []) + columns.map { mapping.columns[$0].name }
                var insert = Insert(table: table, columns: names, values: names.map { _ in .parameter })
                if !bindsID, dialect.readsGeneratedKeysWithReturning { insert.returning = [mapping.primaryKeyColumn] }
                return InheritanceWritePart(table: table, columns: columns, bindsID: bindsID, insertSQL: dialect.render(insert).sql)
            }
            switch member.strategy {
            case .single:
                parts = nil
            case .concrete:
                parts = [part(schema.idGeneratorTable(ofRoot: member.root), [], bindsID: false),
                         part(mapping.table, Array(1..<mapping.columns.count), bindsID: true)]
            case .joined:
                let lineage = ([name] + schema.ancestors(of: name)).reversed()
                parts = lineage.map { cls in
                    let table = schema.tableName(forEntity: cls)
                    let columns = mapping.columns.indices.dropFirst().filter {
                        schema.storageTable(ofColumn: mapping.columns[$0].name, in: name) == table
                    }
                    return part(table, columns, bindsID: cls != member.root)
                }
            }
            info.inheritance = InheritanceRuntime(strategy: member.strategy, ancestors: schema.ancestors(of: name), insertParts: parts)
        }
    }

    /// The object is its ancestors' too: `Vehicle#1` finds the `Car#1` already loaded.
    func registerInAncestors(_ object: ManagedObject, id: Int64) {
        for name in object.entity.inheritance?.ancestors ?? [] { infos[name]?.identityMap[id] = object }
    }

    func unregisterFromAncestors(_ object: ManagedObject, id: Int64) {
        for name in object.entity.inheritance?.ancestors ?? [] where infos[name]?.identityMap[id] === object {
            infos[name]?.identityMap[id] = nil
        }
    }

    /// The INSERTs one object of a joined or concrete class takes, in order (for `:seed`);
    /// nil for other entities, whose INSERT is one statement.
    public func hierarchyInsertSQL(of entity: String) -> [String]? {
        infos[entity]?.inheritance?.insertParts?.map(\.insertSQL)
    }

    /// Writes one row of a joined or concrete class straight to its tables (`:seed`, no object):
    /// `values` are the class's columns after the id. Returns the new id.
    public func insertHierarchyRow(of entity: String, values: [DatabaseValue]) throws -> Int64 {
        guard let parts = infos[entity]?.inheritance?.insertParts else { throw ORMError("\(entity) is not a joined or concrete class") }
        return try UnitOfWork.insertInHierarchy(parts, values: values, db: db)
    }

    /// Bulk statements name one table; a class of a hierarchy may span several (joined) or
    /// share one with other classes (single), so they are refused rather than half done.
    func bulkOnHierarchy(_ info: EntityInfo, _ what: String) -> ORMError {
        ORMError("a bulk \(what) on \(info.name), a class of an inheritance hierarchy, is not available: one statement cannot write its rows (they may span tables, or share one with other classes)",
                 hint: "change the objects one by one (\(info.name).where(...) then assignments and save), which writes each table it should")
    }

    // MARK: - Polymorphic loading

    /// Runs a SELECT over a hierarchy class's row source: each row becomes an object of the
    /// class its `type` names (Car#1 from `Vehicle.all`), through that class's identity map.
    /// `ownerKeyFirst`: the row starts with an owner's id (a many-to-many load: `"driver_vehicle"."driver_id",
    /// "vehicle".*`), handed to `onOwner` with each object.
    func runPolymorphic(_ select: Select, info: EntityInfo, refresh: Bool, ownerKeyFirst: Bool = false,
                        onOwner: ((Int64, ManagedObject) -> Void)? = nil) throws -> FetchResult {
        let first = ownerKeyFirst ? 1 : 0
        let rendered = dialect.render(select)
        var result = FetchResult()
        var objects: [ManagedObject] = []
        var hits = Set<ObjectIdentifier>()
        loadGroupCounter += 1
        let group = loadGroupCounter
        var names: [String: Int]?
        var typeColumn: Int?
        var layouts: [String: [Int]] = [:]   // real class → row column of each of its slots
        var lastType = ""
        var lastInfo: EntityInfo? = nil
        var lastLayout: [Int]? = nil
        try db.query(rendered.sql, rendered.arguments) { row in
            if names == nil {
                var n: [String: Int] = [:]
                for i in first..<row.columnCount where n[row.columnName(i)] == nil { n[row.columnName(i)] = i }
                names = n
                typeColumn = n[Schema.discriminatorColumn]
            }
            // Rows of one class come in runs: the class and its layout are looked up only when
            // the type changes (a dictionary lookup per row cost a tenth of the load).
            var real = info
            if let t = typeColumn, case .text(let cls) = row.value(t) {
                if cls == lastType, let cached = lastInfo { real = cached } else if cls != info.name, let sub = infos[cls] { real = sub }
                if cls != lastType { lastType = cls; lastInfo = real; lastLayout = nil }
            }
            let layout: [Int]
            if let cached = lastLayout, lastInfo === real { layout = cached } else if let known = layouts[real.name] {
                layout = known
                lastLayout = known
            } else {
                layout = real.mapping.columns.map { names?[$0.name] ?? -1 }
                layouts[real.name] = layout
                lastLayout = layout
            }
            let id = row.int64(first)
            let (found, added) = real.identityMap.object(for: id) {
                let object = ManagedObject.make(entity: real, count: layout.count, state: .clean) { slot, i in
                    slot.initialize(to: layout[i] >= 0 ? row.value(layout[i]) : .null)
                }
                object.loadGroup = group
                return object
            }
            let object = found.takeUnretainedValue()
            if added {
                registerInAncestors(object, id: id)
            } else if (refresh || object.state == .stale || object.loadedColumns != nil), object.state != .dirty {
                if object.state == .stale || object.loadedColumns != nil { object.state = .clean }
                for (slot, column) in layout.enumerated() where column >= 0 { object.setValue(row.value(column), ofColumn: slot) }
                object.loadedColumns = nil
            } else {
                hits.insert(ObjectIdentifier(object))
            }
            objects.append(object)
            if ownerKeyFirst { onOwner?(row.int64(0), object) }
        }
        result.objects = objects
        result.identityHits = hits
        remember(group: group, objects)
        return result
    }
}

// MARK: - Writes

extension UnitOfWork {
    /// The INSERTs of one new object of a joined or concrete class, in order; returns its id.
    /// `values` are the object's values after the id (foreign keys to new objects filled in).
    static func insertInHierarchy(_ parts: [InheritanceWritePart], values: [DatabaseValue], db: SessionDatabase) throws -> Int64 {
        var id: Int64 = 0
        for part in parts {
            var bound: [DatabaseValue] = part.bindsID ? [.integer(id)] : []
            bound += part.columns.map { values[$0 - 1] }
            try db.run(part.insertSQL, bound)
            if !part.bindsID { id = db.lastInsertID }
        }
        return id
    }

    /// joined: one UPDATE per table holding a changed column. With `version` (optimistic
    /// locking), the table holding it is updated too, even when none of its own columns changed:
    /// it checks and increments the version for the whole object, and comes last (its write
    /// carries the expected version the flush checks and sets).
    static func joinedUpdates(_ object: ManagedObject, id: Int64, changed: [Int], parts: [InheritanceWritePart],
                              current: [DatabaseValue], version: (column: Int, expected: Int64)?, dialect: any Dialect) -> [PlannedWrite] {
        let info = object.entity
        var writes: [PlannedWrite] = []
        var versioned: PlannedWrite?
        for part in parts {
            let here = changed.filter(part.columns.contains)
            let checksVersion = version.map { part.columns.contains($0.column) } ?? false
            guard !here.isEmpty || checksVersion else { continue }
            var assignments = here.map { (info.mapping.columns[$0].name, SQLExpr.parameter) }
            var filter = SQLExpr.eq(.column(table: nil, name: info.mapping.primaryKeyColumn), .parameter)
            var params: [PlannedValue] = here.map { i in
                if let ref = object.pendingReferences[i] { return .idOf(ref) }
                return .value(current[i])
            }
            params.append(.value(.integer(id)))
            if checksVersion, let version {
                let name = info.mapping.columns[version.column].name
                assignments.append((name, .binary(.column(table: nil, name: name), "+", .raw("1"))))
                filter = .and([filter, .eq(.column(table: nil, name: name), .parameter)])
                params.append(.value(.integer(version.expected)))
            }
            var write = PlannedWrite(kind: .update, object: object, sql: dialect.render(Update(table: part.table, assignments: assignments, filter: filter)).sql,
                                     params: params, cause: .dirty(ref: object.ref, properties: here.map { info.mapping.columns[$0].property }))
            if checksVersion, let version {
                write.expectedVersion = version.expected
                versioned = write
            } else {
                writes.append(write)
            }
        }
        if let versioned { writes.append(versioned) }
        return writes
    }

    /// joined: a DELETE per table, the subclass's first (its row refers to its parent's).
    static func joinedDeletes(_ object: ManagedObject, id: Int64, parts: [InheritanceWritePart], dialect: any Dialect) -> [PlannedWrite] {
        parts.reversed().map { part in
            let delete = Delete(table: part.table, filter: .eq(.column(table: nil, name: object.entity.mapping.primaryKeyColumn), .parameter))
            return PlannedWrite(kind: .delete, object: object, sql: dialect.render(delete).sql, params: [.value(.integer(id))],
                                cause: .deleted(ref: object.ref))
        }
    }
}
