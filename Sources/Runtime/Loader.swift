import Mapping
import Report
import SQLBuilder
import DatabaseKit

/// What a query returned.
public struct FetchResult {
    /// The objects, in result order, each once.
    public var objects: [ManagedObject] = []
    /// Objects that were already in the identity map (the same instance was returned).
    public var identityHits: Set<ObjectIdentifier> = []
    /// For JOIN eager loading: rows read and objects built per entity.
    public var joinRows: Int?
    public var joinObjects: [(entity: String, count: Int)] = []
}

/// The result of touching an association.
public struct AssociationLoad {
    public var objects: [ManagedObject]
    /// False when nothing ran: already loaded, found in the identity map, or a new object.
    public var ranQuery: Bool
    public var fromIdentityMap: Bool
}

/// Largest IN list sent in one statement (SQLite's default limit on variables is 32,766).
let maxInList = 30_000

extension Session {
    // MARK: - Autoflush

    /// Flushes pending changes before a query so it sees them (SQLAlchemy's autoflush).
    func autoflushIfNeeded(before cause: String) throws {
        guard autoflush, unitOfWork.hasChanges else { return }
        let pending = pendingObjects.map(\.ref) + (pendingLinkCount > 0 ? ["\(pendingLinkCount) link change(s)"] : [])
        try flush(reason: "autoflush before \(cause)")
        addNote(Note(.autoflush, "autoflush: the pending changes (\(pending.joined(separator: ", "))) were written before `\(cause)` so the query sees them; they are not committed until `save` (:set autoflush off turns this off)"))
    }

    // MARK: - Find by primary key

    /// `Author#1`: the identity map first; a query only when the object is not loaded.
    public func find(_ entity: String, id: Int64, cause: String) throws -> (object: ManagedObject?, fromIdentityMap: Bool) {
        guard let info = infos[entity] else { throw ORMError("unknown entity \(entity)") }
        return try find(info, id: id, key: .integer(id), cause: cause)
    }

    /// `Country#FR`: an entity with a natural key, found by its text.
    public func find(_ entity: String, naturalKey: String, cause: String) throws -> (object: ManagedObject?, fromIdentityMap: Bool) {
        guard let info = infos[entity], let naturalKeys = info.naturalKeys else { throw ORMError("\(entity) has no natural key") }
        return try find(info, id: naturalKeys.handle(of: naturalKey), key: .text(naturalKey), cause: cause)
    }

    /// By key: `id` is its handle in the identity map, `key` what the SELECT binds.
    private func find(_ info: EntityInfo, id: Int64, key: DatabaseValue, cause: String) throws -> (object: ManagedObject?, fromIdentityMap: Bool) {
        let entity = info.name
        if !usesIdentityMap { startFindWithoutIdentityMap(info, id: id, cause: cause) }
        if let existing = info.identityMap[id], existing.loadedColumns == nil { return (existing, true) }
        try autoflushIfNeeded(before: cause)
        if let existing = info.identityMap[id], existing.loadedColumns == nil { return (existing, true) }
        var query = Query(entity: entity, dsl: cause)
        let idPath = ColumnPath(entity: entity, column: info.mapping.primaryKeyColumn, scalarType: info.naturalKeys == nil ? .int : .string)
        query.filter = .compare(.column(idPath), "==", .value(key))
        let result = try log.withCause(cause) { try run(QueryCompiler(schema: schema).select(query), info: info, refresh: true) }
        return (result.objects.first, false)
    }

    // MARK: - Queries

    /// Runs a query: objects through the identity map, then its `include`s.
    public func fetch(_ query: Query) throws -> FetchResult {
        guard let info = infos[query.entity] else { throw ORMError("unknown entity \(query.entity)") }
        startLoadWithoutIdentityMapIfOff()
        try autoflushIfNeeded(before: query.dsl)
        if query.lock != nil && !dialect.locksWholeDatabase && query.includes.contains(where: { $0.strategy == .join }) {
            // FOR UPDATE cannot lock the nullable side of a LEFT JOIN, and the JOIN's SELECT is
            // built without the lock: refused rather than run unlocked.
            throw ORMError("lock cannot be combined with include(…, using: join) on \(dialect.name): FOR UPDATE cannot lock the optional side of a LEFT JOIN",
                           hint: "include(…) without `using: join` loads the association with a second query, and the lock applies to \(query.entity)'s rows")
        }
        let lockOpenedTransaction = query.lock != nil ? try takeLock(for: query) : false
        // A locking SELECT that fails (lock_timeout, NOWAIT) leaves nothing worth keeping in the
        // transaction it opened: it is rolled back, so the session goes on (see takeLock).
        var fetched = false
        defer { if lockOpenedTransaction && !fetched { abandonLockTransaction() } }
        let compiler = QueryCompiler(schema: schema)
        let joinPaths = query.includes.filter { $0.strategy == .join }.map(\.path)
        var result: FetchResult
        if joinPaths.isEmpty {
            result = try log.withCause(query.dsl) {
                // A locked row is read as it is now: the object is refreshed from it (a clean
                // object in the identity map would otherwise keep what an earlier read saw).
                try run(compiler.select(query), info: info, selection: query.selection, refresh: query.lock != nil)
            }
        } else {
            result = try fetchWithJoins(query, paths: joinPaths, compiler: compiler, info: info)
        }
        for include in query.includes where include.strategy == .inList {
            try eagerLoad(include, roots: result.objects)
        }
        fetched = true
        return result
    }

    /// Runs a SELECT of whole rows of `info`'s table (or a projection) and hydrates objects.
    func run(_ select: Select, info: EntityInfo, selection: [String]? = nil, refresh: Bool = false) throws -> FetchResult {
        // A class of an inheritance hierarchy: each row as an object of its own class.
        if info.inheritance != nil && selection == nil { return try runPolymorphic(select, info: info, refresh: refresh) }
        let rendered = dialect.render(select)
        var result = FetchResult()
        var objects: [ManagedObject] = []
        loadGroupCounter += 1
        let group = loadGroupCounter
        var layout: [Int]? = nil
        var checked = false
        let columnCount = info.mapping.columns.count
        var hits = Set<ObjectIdentifier>()
        try db.query(rendered.sql, rendered.arguments) { row in
            if !checked {
                layout = try columnLayout(row, info: info, selection: selection)
                checked = true
            }
            let (found, added) = info.identityMap.object(for: info.handleOfKey(in: row)) {
                let object = hydrate(row, info: info, layout: layout, columnCount: columnCount)
                object.loadGroup = group
                return object
            }
            let object = found.takeUnretainedValue()
            if !added {
                if object.loadedColumns != nil || refresh || object.state == .stale, object.state != .dirty {
                    // A stale object's row is read again: its values are current once more.
                    if object.state == .stale { object.state = object.loadedColumns == nil ? .clean : .partial }
                    fill(object, from: row, layout: layout, columnCount: columnCount)
                } else {
                    hits.insert(ObjectIdentifier(object))
                }
            }
            objects.append(object)
        }
        result.objects = objects
        result.identityHits = hits
        remember(group: group, objects)
        return result
    }

    func remember(group: Int, _ objects: [ManagedObject]) {
        loadGroups[group] = objects
        if loadGroups.count > 64, let oldest = loadGroups.keys.min() { loadGroups[oldest] = nil }
    }

    /// Maps result columns to object slots. nil means "column i is slot i" (the common case of
    /// `SELECT "t".*` on a table whose columns are in mapping order): no per-row lookup at all.
    func columnLayout(_ row: SessionRow, info: EntityInfo, selection: [String]?) throws -> [Int]? {
        let columns = info.mapping.columns
        var layout: [Int] = []
        var identity = row.columnCount == columns.count
        for i in 0..<row.columnCount {
            let name = row.columnName(i)
            guard let slot = columns.firstIndex(where: { $0.name == name }) else {
                throw ORMError("the table \(info.table) has a column \(name) that the mapping of \(info.name) does not know",
                               hint: "the schema was changed behind ORMLab's back (:sql?); define \(info.name) again to match")
            }
            if slot != i { identity = false }
            layout.append(slot)
        }
        if identity && selection == nil { return nil }
        return layout
    }

    /// A new object from the current row.
    @inline(__always)
    func hydrate(_ row: SessionRow, info: EntityInfo, layout: [Int]?, columnCount: Int) -> ManagedObject {
        if let layout {
            var loaded = [Bool](repeating: false, count: columnCount)
            for slot in layout { loaded[slot] = true }
            // Column of each slot, or -1: slots not selected stay NULL.
            var columnOfSlot = [Int](repeating: -1, count: columnCount)
            for (i, slot) in layout.enumerated() { columnOfSlot[slot] = i }
            let partial = loaded.contains(false)
            let object = ManagedObject.make(entity: info, count: columnCount, state: partial ? .partial : .clean) { value, slot in
                let column = columnOfSlot[slot]
                value.initialize(to: column >= 0 ? row.value(column) : .null)
            }
            if partial { object.loadedColumns = loaded }
            return object
        }
        return ManagedObject.make(entity: info, count: columnCount, state: .clean) { value, i in
            value.initialize(to: row.value(i))
        }
    }

    /// Completes a partial (or refreshes a clean) object from a row.
    func fill(_ object: ManagedObject, from row: SessionRow, layout: [Int]?, columnCount: Int) {
        if let layout {
            for (i, slot) in layout.enumerated() {
                object.setValue(row.value(i), ofColumn: slot)
                object.loadedColumns?[slot] = true
            }
            if let loaded = object.loadedColumns, !loaded.contains(false) {
                object.loadedColumns = nil
                if object.state == .partial { object.state = .clean }
            }
        } else {
            for i in 0..<columnCount { object.setValue(row.value(i), ofColumn: i) }
            object.loadedColumns = nil
            if object.state == .partial { object.state = .clean }
        }
    }

    // MARK: - Aggregates

    /// `Author.count`, `Book.max(year)`, `Book.group(year).count`: a header and rows of values.
    public func aggregate(_ query: Query, _ aggregate: Aggregate) throws -> (header: [String], rows: [[DatabaseValue]]) {
        try autoflushIfNeeded(before: query.dsl)
        let select = QueryCompiler(schema: schema).aggregate(query, aggregate)
        let rendered = dialect.render(select)
        var rows: [[DatabaseValue]] = []
        try log.withCause(query.dsl) {
            try db.query(rendered.sql, rendered.arguments) { row in
                rows.append((0..<row.columnCount).map { row.value($0) })
            }
        }
        return (query.grouping.map(\.dslPath) + [aggregate.dsl], rows)
    }

    /// `pluck(...)`, `distinct.select(...)`: rows of values.
    public func values(_ query: Query, columns: [ColumnPath]) throws -> [[DatabaseValue]] {
        try autoflushIfNeeded(before: query.dsl)
        let rendered = dialect.render(QueryCompiler(schema: schema).values(query, columns: columns))
        var rows: [[DatabaseValue]] = []
        try log.withCause(query.dsl) {
            try db.query(rendered.sql, rendered.arguments) { row in rows.append((0..<row.columnCount).map { row.value($0) }) }
        }
        return rows
    }

    /// `.exists`: one `SELECT 1 ... LIMIT 1`.
    public func exists(_ query: Query) throws -> Bool {
        try autoflushIfNeeded(before: query.dsl)
        let rendered = dialect.render(QueryCompiler(schema: schema).exists(query))
        var found = false
        try log.withCause(query.dsl) {
            try db.query(rendered.sql, rendered.arguments) { _ in found = true }
        }
        return found
    }

    /// `:sql SELECT ...` whose columns are exactly an entity's row: objects through the identity
    /// map (an object already loaded keeps its in-memory state, as after any query; a stale one
    /// is read again). nil when the columns are no entity's row.
    public func hydrateRawRows(header: [String], rows: [[DatabaseValue]], preferring table: String?) -> (entity: String, objects: [ManagedObject], hits: Set<ObjectIdentifier>)? {
        let wanted = Set(header)
        guard wanted.count == header.count else { return nil }
        let candidates = infos.values.filter { info in
            info.mapping.columns.count == header.count && Set(info.mapping.columns.map(\.name)) == wanted
        }.sorted { $0.name < $1.name }
        guard let info = candidates.first(where: { $0.table.lowercased() == table?.lowercased() }) ?? candidates.first,
              let idColumn = header.firstIndex(of: info.mapping.primaryKeyColumn) else { return nil }
        let slots = header.map { name in info.mapping.columns.firstIndex { $0.name == name } ?? 0 }
        var objects: [ManagedObject] = []
        var hits = Set<ObjectIdentifier>()
        for row in rows {
            guard let id = info.handle(of: row[idColumn]) else { continue }
            var values = [DatabaseValue](repeating: .null, count: info.mapping.columns.count)
            for (i, slot) in slots.enumerated() { values[slot] = row[i] }
            let (found, added) = info.identityMap.object(for: id) { ManagedObject.make(entity: info, values: values, state: .clean) }
            let object = found.takeUnretainedValue()
            if !added {
                if object.state == .stale || object.loadedColumns != nil {
                    for (i, value) in values.enumerated() { object.setValue(value, ofColumn: i) }
                    object.loadedColumns = nil
                    object.state = .clean
                } else {
                    hits.insert(ObjectIdentifier(object))
                }
            }
            objects.append(object)
        }
        return (info.name, objects, hits)
    }

    // MARK: - Eager loading with IN

    /// `include(books.tags)`: one query per level, each with `IN (...)` over the previous level.
    func eagerLoad(_ include: IncludePath, roots: [ManagedObject]) throws {
        var owners = roots
        var entity = roots.first?.entity.name
        for (level, name) in include.path.enumerated() {
            guard let entityName = entity, let association = infos[entityName]?.mapping.association(named: name) else {
                // `include(subject)`: a polymorphic association, one level (QueryResolver allows no more).
                if level == 0, let entityName = entity, let polymorphic = infos[entityName]?.mapping.polymorphicAssociation(named: name) {
                    try eagerLoadPolymorphic(polymorphic, roots: owners, dsl: include.dsl)
                }
                return
            }
            try log.withCause(include.dsl) {
                try loadBatch(association, owners: owners.filter { !$0.isAssociationLoaded(name) })
            }
            for owner in owners { markEagerlyLoaded(owner, name) }
            // The next level's owners: the distinct children, in order (not needed after the last).
            guard level + 1 < include.path.count else { return }
            var next: [ManagedObject] = []
            var seen = Set<ObjectIdentifier>()
            for owner in owners {
                for child in owner.loadedObjects(of: name) where seen.insert(ObjectIdentifier(child)).inserted {
                    next.append(child)
                }
            }
            owners = next
            entity = association.target
        }
    }

    /// Loads one association for many owners with `IN (...)` and sets it on every owner.
    func loadBatch(_ association: Association, owners: [ManagedObject]) throws {
        guard !owners.isEmpty, let targetInfo = infos[association.target] else { return }
        let compiler = QueryCompiler(schema: schema)
        let ownerInfo = owners[0].entity
        switch association.kind {
        case .belongsTo:
            guard let fk = ownerInfo.foreignKeyIndex[association.name] else { return }
            var missing: [Int64] = []
            var seen = Set<Int64>()
            for owner in owners {
                if let id = owner.reference(ofColumn: fk, in: targetInfo), targetInfo.identityMap[id] == nil, seen.insert(id).inserted {
                    missing.append(id)
                }
            }
            for chunk in missing.chunked(maxInList) {
                _ = try run(compiler.associationLoad(association, ownerKeys: chunk.map(targetInfo.keyValue(ofHandle:))), info: targetInfo)
            }
            for owner in owners {
                if let pending = owner.pendingReferences[fk] {
                    owner.associations[association.name] = .one(pending)
                } else if let id = owner.reference(ofColumn: fk, in: targetInfo) {
                    owner.associations[association.name] = .one(targetInfo.identityMap[id])
                } else {
                    owner.associations[association.name] = .one(nil)
                }
            }
        case .hasMany, .hasOne:
            guard let fkName = association.foreignKey, let fk = targetInfo.mapping.columnIndex(named: fkName) else { return }
            let ids = owners.compactMap(\.id)
            // Children are grouped by their parent's id into one list per distinct owner id.
            var listOfOwner = IDIndex()
            listOfOwner.reserveCapacity(ids.count)
            for id in ids { listOfOwner.insert(id) }
            var children = [[ManagedObject]](repeating: [], count: listOfOwner.count)
            for chunk in ids.chunked(maxInList) {
                let result = try run(compiler.associationLoad(association, ownerKeys: chunk.map(ownerInfo.keyValue(ofHandle:))), info: targetInfo)
                for child in result.objects {
                    if let parent = child.reference(ofColumn: fk, in: ownerInfo), let list = listOfOwner[parent] { children[list].append(child) }
                }
            }
            for owner in owners {
                let list = owner.id.flatMap { listOfOwner[$0] }.map { children[$0] } ?? []
                owner.associations[association.name] = association.kind == .hasOne ? .one(list.first) : .many(list)
            }
        case .manyToMany:
            let ids = owners.compactMap(\.id)
            var children: [Int64: [ManagedObject]] = [:]
            // A class of a hierarchy: each row as an object of the class its type names.
            if targetInfo.inheritance != nil {
                for chunk in ids.chunked(maxInList) {
                    _ = try runPolymorphic(compiler.associationLoad(association, ownerKeys: chunk.map(ownerInfo.keyValue(ofHandle:))), info: targetInfo, refresh: false,
                                           ownerKeyFirst: true) { owner, child in children[owner, default: []].append(child) }
                }
                for owner in owners {
                    owner.associations[association.name] = .many(owner.id.flatMap { children[$0] } ?? [])
                }
                return
            }
            let columnCount = targetInfo.mapping.columns.count
            loadGroupCounter += 1
            let group = loadGroupCounter
            var all: [ManagedObject] = []
            for chunk in ids.chunked(maxInList) {
                let rendered = dialect.render(compiler.associationLoad(association, ownerKeys: chunk.map(ownerInfo.keyValue(ofHandle:))))
                try db.query(rendered.sql, rendered.arguments) { row in
                    guard let ownerID = ownerInfo.handle(of: row, at: 0), let id = targetInfo.handle(of: row, at: 1) else { return }
                    let child = targetInfo.identityMap.object(for: id) {
                        let child = hydrateShifted(row, offset: 1, info: targetInfo, columnCount: columnCount)
                        child.loadGroup = group
                        return child
                    }.object.takeUnretainedValue()
                    all.append(child)
                    children[ownerID, default: []].append(child)
                }
            }
            remember(group: group, all)
            for owner in owners {
                owner.associations[association.name] = .many(owner.id.flatMap { children[$0] } ?? [])
            }
        }
    }

    /// Records that this command filled `association` of `object` eagerly.
    func markEagerlyLoaded(_ object: ManagedObject, _ association: String) {
        if object.eagerLoaded.isEmpty { eagerlyLoadedObjects.append(object) }
        object.eagerLoaded.insert(association)
    }

    /// An object from the columns of a row starting at `offset` (joins, many-to-many loads).
    @inline(__always)
    func hydrateShifted(_ row: SessionRow, offset: Int, info: EntityInfo, columnCount: Int) -> ManagedObject {
        ManagedObject.make(entity: info, count: columnCount, state: .clean) { value, i in
            value.initialize(to: row.value(offset + i))
        }
    }

    // MARK: - Eager loading with JOIN

    /// One SELECT with a LEFT JOIN per included association; rows are collapsed into objects.
    func fetchWithJoins(_ query: Query, paths: [[String]], compiler: QueryCompiler, info: EntityInfo) throws -> FetchResult {
        if info.inheritance != nil {
            throw ORMError("include(..., using: join) is not available on \(info.name), a class of an inheritance hierarchy",
                           hint: "use include(...) without `using: join`: one more query with IN (...)")
        }
        let plan = try compiler.joinedSelect(query, includePaths: paths)
        let rendered = dialect.render(plan.select)
        if query.limit != nil || query.offset != nil {
            addNote(Note(.joinLimit, "LIMIT counts rows, and a JOIN repeats each \(query.entity) once per related row; so the limit was applied to \(query.entity) ids in a subquery, and the JOIN loads all related rows of those \(query.entity)s"))
        }
        var roots: [ManagedObject] = []
        var rootSeen = Set<ObjectIdentifier>()
        var hits = Set<ObjectIdentifier>()
        // Per node: the parents met at that level, in order, and each one's children in order.
        var levels = [JoinLevel](repeating: JoinLevel(), count: plan.nodes.count)
        var rowCount = 0
        loadGroupCounter += 1
        let group = loadGroupCounter
        let nodeInfos = plan.nodes.map { infos[$0.entity] }
        let rootColumnCount = info.mapping.columns.count
        let nodeColumnCounts = nodeInfos.map { $0?.mapping.columns.count ?? 0 }
        // The objects of the current row: 0 is the root, n + 1 is node n's. Reused for every row.
        var rowObjects = [ManagedObject?](repeating: nil, count: plan.nodes.count + 1)
        // Rows of one root usually come together: remember the last one instead of looking it up.
        var lastRootID: Int64? = nil
        // What the row loop needs of each node, read out once: copying a node (its association
        // and names) per row cost as much as collapsing the row.
        let nodeParents = plan.nodes.map(\.parent)
        let nodeOffsets = plan.nodes.map(\.offset)
        // One joined association through a foreign key, and no other join: each row is a
        // distinct (parent, child) pair, so a child cannot repeat under its parent and the
        // lists need no duplicate check. (Several joins multiply rows; a join table may hold
        // a link twice.)
        let distinctPairs = plan.nodes.count == 1 && plan.select.joins.count == 1 && plan.nodes[0].association.kind != .manyToMany
        /// The root of the current row, from the identity map or hydrated.
        @inline(__always)
        func root(of row: SessionRow, id rootID: Int64) -> ManagedObject {
            let (found, added) = info.identityMap.object(for: rootID) {
                let root = hydrateShifted(row, offset: 0, info: info, columnCount: rootColumnCount)
                root.loadGroup = group
                return root
            }
            let root = found.takeUnretainedValue()
            if rootSeen.insert(ObjectIdentifier(root)).inserted {
                if !added { hits.insert(ObjectIdentifier(root)) }
                roots.append(root)
            }
            return root
        }
        if distinctPairs, let childInfo = nodeInfos[0] {
            // The common case, one has-many (or to-one) join: each row is a root and at most one
            // child of it. The root's list is found once per root, not once per row, and no
            // per-row array of the row's objects is kept.
            let offset = nodeOffsets[0]
            let childColumnCount = nodeColumnCounts[0]
            var slot = 0
            try log.withCause(query.dsl) {
                try db.query(rendered.sql, rendered.arguments) { row in
                    rowCount += 1
                    let rootID = info.handleOfKey(in: row)
                    if rootID != lastRootID {
                        slot = levels[0].slot(for: root(of: row, id: rootID))
                        lastRootID = rootID
                    }
                    // A LEFT JOIN without a match: the child's id is NULL.
                    guard let id = childInfo.handle(of: row, at: offset) else { return }
                    let child = childInfo.identityMap.object(for: id) {
                        let child = hydrateShifted(row, offset: offset, info: childInfo, columnCount: childColumnCount)
                        child.loadGroup = group
                        return child
                    }.object.takeUnretainedValue()
                    levels[0].children[slot].append(child)
                }
            }
        } else {
            try log.withCause(query.dsl) {
                try db.query(rendered.sql, rendered.arguments) { row in
                    rowCount += 1
                    // The root.
                    let rootID = info.handleOfKey(in: row)
                    if rootID != lastRootID {
                        rowObjects[0] = root(of: row, id: rootID)
                        lastRootID = rootID
                    }
                    for n in nodeOffsets.indices {
                        rowObjects[n + 1] = nil
                        let offset = nodeOffsets[n]
                        guard let parent = rowObjects[nodeParents[n]], let nodeInfo = nodeInfos[n] else { continue }
                        let slot = levels[n].slot(for: parent)
                        // A LEFT JOIN without a match: the child's id is NULL.
                        guard let id = nodeInfo.handle(of: row, at: offset) else { continue }
                        let child = nodeInfo.identityMap.object(for: id) {
                            let child = hydrateShifted(row, offset: offset, info: nodeInfo, columnCount: nodeColumnCounts[n])
                            child.loadGroup = group
                            return child
                        }.object.takeUnretainedValue()
                        rowObjects[n + 1] = child
                        levels[n].children[slot].add(child)
                    }
                }
            }
        }
        var counts: [(String, Int)] = [(query.entity, roots.count)]
        for (n, node) in plan.nodes.enumerated() {
            // A child holding the foreign key (has-many, has-one) matches one parent id, so it
            // is in one list only: the lists add up to the distinct children. Targets of
            // belongs-to and many-to-many may be shared, and are counted through a set.
            let shared = node.association.kind == .belongsTo || node.association.kind == .manyToMany
            var distinct = Set<ObjectIdentifier>()
            var total = 0
            if shared { distinct.reserveCapacity(levels[n].children.reduce(0) { $0 + $1.objects.count }) }
            for i in levels[n].parents.indices {
                let parent = levels[n].parents[i]
                let list = levels[n].children[i].objects
                if shared {
                    for c in list { distinct.insert(ObjectIdentifier(c)) }
                } else {
                    total += list.count
                }
                parent.associations[node.association.name] = node.association.isToMany ? .many(list) : .one(list.first)
                markEagerlyLoaded(parent, node.association.name)
            }
            counts.append((node.entity, shared ? distinct.count : total))
        }
        remember(group: group, roots)
        var result = FetchResult()
        result.objects = roots
        result.identityHits = hits
        result.joinRows = rowCount
        result.joinObjects = counts
        return result
    }

    // MARK: - Lazy loading

    /// Touching an association: loaded → no SQL; otherwise the lazy policy decides.
    public func load(_ association: Association, of object: ManagedObject, access: String) throws -> AssociationLoad {
        object.touched.insert(association.name)
        if object.isAssociationLoaded(association.name) {
            return AssociationLoad(objects: object.loadedObjects(of: association.name), ranQuery: false, fromIdentityMap: false)
        }
        let info = object.entity
        startLoadWithoutIdentityMapIfOff()
        // A belongs-to whose target is in the identity map needs no query (as in Hibernate and SQLAlchemy).
        if association.kind == .belongsTo, let fk = info.foreignKeyIndex[association.name] {
            if let pending = object.pendingReferences[fk] {
                object.associations[association.name] = .one(pending)
                return AssociationLoad(objects: [pending], ranQuery: false, fromIdentityMap: true)
            }
            guard let targetInfo = infos[association.target], let id = object.reference(ofColumn: fk, in: targetInfo) else {
                object.associations[association.name] = .one(nil)
                return AssociationLoad(objects: [], ranQuery: false, fromIdentityMap: false)
            }
            if let target = targetInfo.identityMap[id] {
                object.associations[association.name] = .one(target)
                return AssociationLoad(objects: [target], ranQuery: false, fromIdentityMap: true)
            }
        } else if object.state == .new {
            // A new object has no rows pointing at it yet (not even one whose key was given).
            object.associations[association.name] = association.isToMany ? .many([]) : .one(nil)
            return AssociationLoad(objects: [], ranQuery: false, fromIdentityMap: false)
        }
        return try loadLazily(association.name, of: object, access: access) { try loadBatch(association, owners: $0) }
    }

    /// The lazy policy's part of touching an unloaded association (plain or polymorphic):
    /// `raise` refuses; `select` loads this object's; `batch` loads it for every object of the
    /// same load that has not loaded it yet, with one `load` of those owners.
    func loadLazily(_ name: String, of object: ManagedObject, access: String,
                    load: ([ManagedObject]) throws -> Void) throws -> AssociationLoad {
        if lazyPolicy == .raise {
            throw ORMError("\(access) is not loaded, and lazy loading is set to raise",
                           hint: "load it up front with include(\(name)) in the query, or `:set lazy select` to allow lazy loading")
        }
        var owners = [object]
        if lazyPolicy == .batch, let group = loadGroups[object.loadGroup] {
            owners = group.filter { $0.state != .detached && !$0.isAssociationLoaded(name) }
            if !owners.contains(where: { $0 === object }) { owners.append(object) }
        }
        try autoflushIfNeeded(before: access)
        let cause = owners.count > 1 ? "\(access) (batch: \(owners.count) \(object.entity.name) objects at once)" : access
        try log.withCause(cause) { try load(owners) }
        return AssociationLoad(objects: object.loadedObjects(of: name), ranQuery: true, fromIdentityMap: false)
    }
}

// MARK: - Collapsing joined rows

/// One level of a JOIN being collapsed: the parents met, in order, and each one's children.
struct JoinLevel {
    var parents: [ManagedObject] = []
    var children: [ChildList] = []
    private var slots: [ObjectIdentifier: Int] = [:]
    /// The parent of the previous row and its slot: rows of one parent usually come together.
    private var lastParent: ObjectIdentifier?
    private var lastSlot = 0

    /// The index of `parent` in `parents`, adding it on first sight.
    mutating func slot(for parent: ManagedObject) -> Int {
        let key = ObjectIdentifier(parent)
        if key == lastParent { return lastSlot }
        let slot: Int
        if let known = slots[key] {
            slot = known
        } else {
            slot = parents.count
            slots[key] = slot
            parents.append(parent)
            children.append(ChildList())
        }
        lastParent = key
        lastSlot = slot
        return slot
    }
}

/// The distinct children of one parent, in the order first met. A child repeats when several
/// associations are joined at once (each book once per tag); the previous one is checked first,
/// then the list, and past a few dozen children a set.
struct ChildList {
    private(set) var objects: [ManagedObject] = []
    private var members: Set<ObjectIdentifier>?

    /// Adds a child known not to be in the list yet.
    mutating func append(_ child: ManagedObject) {
        objects.append(child)
    }

    mutating func add(_ child: ManagedObject) {
        if objects.last === child { return }
        if members == nil {
            // An index loop compares the references without retaining each one.
            for i in objects.indices where objects[i] === child { return }
            objects.append(child)
            if objects.count > 32 { members = Set(objects.map(ObjectIdentifier.init)) }
        } else if members?.insert(ObjectIdentifier(child)).inserted == true {
            objects.append(child)
        }
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        guard size > 0 else { return [self[...]] }
        return stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
