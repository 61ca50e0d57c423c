import Mapping
import Report
import SQLBuilder
import DatabaseKit

// Polymorphic associations at run time (`subject: Post | Photo`, `comments: [Comment] via
// subject`). The object stores subject_type and subject_id as two ordinary columns, so
// hydration, inserts and updates are those of any entity; what is polymorphic is how the other
// side is found: the type column names the table to read, one query per type.

extension Session {
    /// The column indexes of a polymorphic belongs-to's type and id in `info`'s table.
    func polymorphicColumns(_ association: PolymorphicAssociation, in info: EntityInfo) throws -> (type: Int, id: Int) {
        guard let type = info.mapping.columnIndex(named: association.typeColumn),
              let id = info.mapping.columnIndex(named: association.idColumn) else {
            throw ORMError("\(info.name).\(association.name) has no \(association.typeColumn)/\(association.idColumn) columns")
        }
        return (type, id)
    }

    // MARK: - Assigning

    /// `Comment#1.subject = Post#1` (or nil): writes the entity name into subject_type and the
    /// id into subject_id; a new target's id is filled in at the flush, which inserts it first.
    public func assign(_ object: ManagedObject, polymorphic association: PolymorphicAssociation, to target: ManagedObject?) throws {
        let (typeIndex, idIndex) = try polymorphicColumns(association, in: object.entity)
        guard let target else {
            guard association.isOptional else {
                throw ORMError("\(object.entity.name).\(association.name) is required (NOT NULL)",
                               hint: "assign one of \(association.targets.joined(separator: ", ")), or declare it optional: \(association.name): \(association.targets.joined(separator: " | "))?")
            }
            assign(object, column: typeIndex, value: .null, shown: "nil")
            assign(object, column: idIndex, value: .null, shown: "nil")
            object.associations[association.name] = .one(nil)
            return
        }
        guard association.targets.contains(target.entity.name) else {
            throw ORMError("\(object.entity.name).\(association.name) points at \(association.targets.joined(separator: " or ")), not at \(target.entity.name)",
                           hint: "add \(target.entity.name) to it: \(association.name): \(association.targets.joined(separator: " | ")) | \(target.entity.name)")
        }
        assign(object, column: typeIndex, value: .text(target.entity.name), shown: "\"\(target.entity.name)\"")
        if let id = target.id {
            assign(object, column: idIndex, value: .integer(id), shown: target.ref)
        } else {
            assign(object, column: idIndex, value: .null, shown: nil, explains: false)
            object.pendingReferences[idIndex] = target
            if object.state != .new {
                object.state = .dirty
                registerChange(object)
            }
        }
        object.associations[association.name] = .one(target)
        // The other side's loaded list no longer says the truth: expire it (reloaded on touch).
        for info in infos.values {
            for inverse in info.mapping.polymorphicAssociations where inverse.kind == .hasMany && inverse.targets == [object.entity.name] && inverse.inverse == association.name {
                for owner in info.identityMap.values.map({ $0 }) where owner.associations[inverse.name] != nil {
                    owner.associations[inverse.name] = nil
                }
            }
        }
    }

    // MARK: - Lazy loading

    /// Touching `Comment#1.subject` or `Post#1.comments`: loaded → no SQL; a belongs-to whose
    /// target is in the identity map → no SQL; otherwise the per-type statement.
    public func load(_ association: PolymorphicAssociation, of object: ManagedObject, access: String) throws -> AssociationLoad {
        object.touched.insert(association.name)
        // A target deleted since it was loaded is read again: its row may be gone (an orphan).
        if association.kind == .belongsTo, case .one(let target?)? = object.associations[association.name], target.state == .detached {
            object.associations[association.name] = nil
        }
        if object.isAssociationLoaded(association.name) {
            return AssociationLoad(objects: object.loadedObjects(of: association.name), ranQuery: false, fromIdentityMap: false)
        }
        startLoadWithoutIdentityMapIfOff()
        if association.kind == .belongsTo {
            let (typeIndex, idIndex) = try polymorphicColumns(association, in: object.entity)
            if let pending = object.pendingReferences[idIndex] {
                object.associations[association.name] = .one(pending)
                return AssociationLoad(objects: [pending], ranQuery: false, fromIdentityMap: true)
            }
            guard case .text(let type) = object.value(ofColumn: typeIndex), let id = object.integer(ofColumn: idIndex) else {
                object.associations[association.name] = .one(nil)
                return AssociationLoad(objects: [], ranQuery: false, fromIdentityMap: false)
            }
            let targetInfo = try polymorphicTarget(type, of: association, object: object)
            if let target = targetInfo.identityMap[id] {
                object.associations[association.name] = .one(target)
                return AssociationLoad(objects: [target], ranQuery: false, fromIdentityMap: true)
            }
        } else if object.state == .new {
            object.associations[association.name] = .many([])
            return AssociationLoad(objects: [], ranQuery: false, fromIdentityMap: false)
        }
        return try loadLazily(association.name, of: object, access: access) { try loadPolymorphicBatch(association, owners: $0) }
    }

    /// The entity a type column's value names, checked against the association's targets.
    func polymorphicTarget(_ type: String, of association: PolymorphicAssociation, object: ManagedObject) throws -> EntityInfo {
        guard association.targets.contains(type), let info = infos[type] else {
            throw ORMError("\(object.ref).\(association.typeColumn) holds \"\(type)\", which is none of \(association.targets.joined(separator: ", "))",
                           hint: "the database cannot check a type column (no foreign key): fix the row, e.g. \(object.ref).\(association.typeColumn) = \"\(association.targets[0])\"")
        }
        return info
    }

    // MARK: - Loading for many owners (include, batch)

    /// Loads one polymorphic association for many owners. A belongs-to: one `IN` query per type
    /// present among the owners (ids already in the identity map are not read again); a has-many:
    /// one query `WHERE subject_type = ? AND subject_id IN (…)`.
    func loadPolymorphicBatch(_ association: PolymorphicAssociation, owners: [ManagedObject]) throws {
        guard let ownerInfo = owners.first?.entity else { return }
        let compiler = QueryCompiler(schema: schema)
        switch association.kind {
        case .belongsTo:
            let (typeIndex, idIndex) = try polymorphicColumns(association, in: ownerInfo)
            // The missing ids per type, in the order the association lists its types.
            var missing: [String: [Int64]] = [:]
            var seen: [String: Set<Int64>] = [:]
            for owner in owners where owner.pendingReferences[idIndex] == nil {
                guard case .text(let type) = owner.value(ofColumn: typeIndex), let id = owner.integer(ofColumn: idIndex) else { continue }
                let info = try polymorphicTarget(type, of: association, object: owner)
                if info.identityMap[id] == nil, seen[type, default: []].insert(id).inserted { missing[type, default: []].append(id) }
            }
            for type in association.targets {
                guard let ids = missing[type], let info = infos[type] else { continue }
                let byID = Association(name: association.name, kind: .belongsTo, target: type)
                for chunk in ids.chunked(maxInList) {
                    _ = try run(compiler.associationLoad(byID, ownerKeys: chunk.map(DatabaseValue.integer)), info: info)
                }
            }
            for owner in owners {
                if let pending = owner.pendingReferences[idIndex] {
                    owner.associations[association.name] = .one(pending)
                } else if case .text(let type) = owner.value(ofColumn: typeIndex), let id = owner.integer(ofColumn: idIndex) {
                    owner.associations[association.name] = .one(infos[type]?.identityMap[id])
                } else {
                    owner.associations[association.name] = .one(nil)
                }
            }
        case .hasMany:
            guard let childInfo = infos[association.targets[0]],
                  let idIndex = childInfo.mapping.columnIndex(named: association.idColumn) else { return }
            let ids = owners.compactMap(\.id)
            var children: [Int64: [ManagedObject]] = [:]
            let table = childInfo.table
            for chunk in ids.chunked(maxInList) {
                var select = Select(columns: [.allColumns(table: table)], from: table)
                let key = SQLExpr.column(table: table, name: association.idColumn)
                select.filter = .and([.eq(.column(table: table, name: association.typeColumn), .value(.text(ownerInfo.name))),
                                      chunk.count == 1 ? .eq(key, .value(.integer(chunk.first!))) : .inList(key, chunk.map { .value(.integer($0)) })])
                if let deleted = compiler.deletedCondition(childInfo.name, table: table) { select.addFilter(deleted) }
                let result = try run(select, info: childInfo)
                for child in result.objects {
                    if let ownerID = child.integer(ofColumn: idIndex) { children[ownerID, default: []].append(child) }
                }
            }
            for owner in owners {
                owner.associations[association.name] = .many(owner.id.flatMap { children[$0] } ?? [])
            }
        }
    }

    /// `include(subject)` / `include(comments)` on a query's roots (one level).
    func eagerLoadPolymorphic(_ association: PolymorphicAssociation, roots: [ManagedObject], dsl: String) throws {
        try log.withCause(dsl) {
            try loadPolymorphicBatch(association, owners: roots.filter { !$0.isAssociationLoaded(association.name) })
        }
        for owner in roots { markEagerlyLoaded(owner, association.name) }
    }

    // MARK: - Deleting a target

    /// What deleting `object` does to the rows that point at it through a polymorphic
    /// association: nothing. There is no foreign key, so the database neither cascades nor
    /// refuses; ORMLab's unit of work leaves them too (Rails' default without `dependent:`).
    /// The sentence says so, naming the loaded ones; nil when no polymorphic association can
    /// point at this entity.
    public func polymorphicOrphanNote(deleting object: ManagedObject) -> String? {
        let entity = object.entity.name
        var pointing: [String] = []
        for info in schema.order.compactMap({ infos[$0] }) {
            for a in info.mapping.polymorphicAssociations where a.kind == .belongsTo && a.targets.contains(entity) {
                pointing.append("\(info.name) rows with \(a.typeColumn) = '\(entity)' AND \(a.idColumn) = \(object.id.map(String.init) ?? "its id")")
            }
        }
        guard !pointing.isEmpty else { return nil }
        let loaded = object.entity.mapping.polymorphicAssociations.filter { $0.kind == .hasMany }
            .flatMap { object.loadedObjects(of: $0.name) }.map(\.ref)
        let known = loaded.isEmpty ? "" : " (loaded now: \(loaded.prefix(5).joined(separator: ", "))\(loaded.count > 5 ? ", …" : ""))"
        return "deleting \(object.ref) leaves the \(pointing.joined(separator: "; ")) in place\(known): a polymorphic association has no foreign key, so the database cannot cascade, set null or refuse, and the unit of work does not either (as Rails without dependent:); delete them first (for c in \(object.ref).\(object.entity.mapping.polymorphicAssociations.first { $0.kind == .hasMany }?.name ?? "…") { delete c }) or they become orphans"
    }
}
