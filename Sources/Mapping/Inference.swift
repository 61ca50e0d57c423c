import DSL

// Association inference: from the shapes of both sides of every association, decide whether it
// is a belongs-to, has-one, has-many or many-to-many, where its data lives, and build each
// entity's mapping (columns, associations, indexes) and the join tables.

/// How one association property resolved, before the mappings are assembled.
private enum Resolution {
    case belongsTo
    /// The other side (`inverse`, in the target) holds a unique foreign key pointing here.
    case hasOne(inverse: String)
    case hasMany(inverse: String)
    /// `inverse` is nil for a self many-to-many declared on one side only (`friends: [Person]`).
    case manyToMany(inverse: String?)
}

/// A to-many property whose target has nothing pointing back (`tags: [Tag]`, Tag without `books`).
struct MissingInverse {
    var property: String
    var target: String
    var diagnostic: Diagnostic
}

/// Builds the mappings of a set of ready entities (all of whose targets are in the set).
struct MappingBuilder {
    /// Every ready declaration by name.
    let decls: [String: EntityDecl]
    /// Ready entities in the order used for determinism (definition order).
    let order: [String]
    let naming: NamingConvention
    /// Join entities, each naming the join table of the many-to-many between its two entities.
    var joinEntities: [EntityDecl] = []

    /// The result: mappings, join tables, and diagnostics per entity.
    struct Output {
        var mappings: [String: EntityMapping] = [:]
        var joinTables: [JoinTable] = []
        var diagnostics: [String: [Diagnostic]] = [:]
        /// The entity that made an entity fail (for "waits" messages): entity → target.
        var failedTarget: [String: String] = [:]
        /// To-many properties whose target has no association back yet, by entity: the other
        /// side of a new many-to-many, which the learner may be about to declare.
        var missingInverses: [String: [MissingInverse]] = [:]
    }

    private func lowerFirstLetter(_ s: String) -> String { s.prefix(1).lowercased() + s.dropFirst() }

    /// Whether `entity` is identified by a text key (`id: String`, a natural key).
    func hasTextKey(_ entity: String) -> Bool {
        decls[entity]?.declaresTextKey ?? false
    }

    private struct Key: Hashable {
        var entity: String
        var property: String
    }

    func build() -> Output {
        var output = Output()
        var resolutions: [Key: Resolution] = [:]
        var polymorphic: [Key: PolymorphicAssociation] = [:]

        func fail(_ entity: String, _ target: String, _ d: Diagnostic) {
            output.diagnostics[entity, default: []].append(d)
            if d.severity == .error, output.failedTarget[entity] == nil { output.failedTarget[entity] = target }
        }

        // Phase 1: to-one properties are belongs-to, or has-one when the target holds a unique
        // foreign key pointing back.
        for entity in order {
            guard let decl = decls[entity] else { continue }
            for p in decl.properties where p.type.scalar == nil && !p.type.isArray {
                let target = p.type.name.name
                guard let targetDecl = decls[target] else { continue }
                if p.type.isPolymorphic {
                    // Its id column is an integer: a target with a text key cannot be pointed at.
                    if let natural = p.type.polymorphicTargets.map(\.name).first(where: hasTextKey) {
                        fail(entity, natural, Diagnostic(.error, "\(natural) has a natural key (text), and a polymorphic association's \(PolymorphicAssociation.idProperty(p.name.name)) column holds integer ids", at: p.type.range,
                                                         hint: "point at entities with integer ids, or give \(natural) its own to-one: \(lowerFirstLetter(natural)): \(natural)?"))
                    }
                    continue // its own columns, below
                }
                if let d = polymorphicToOneInverse(p, in: decl, targetDecl: targetDecl) { fail(entity, target, d); continue }
                switch resolveToOne(p, in: decl, targetDecl: targetDecl) {
                case .success(let r): resolutions[Key(entity: entity, property: p.name.name)] = r
                case .failure(let d): fail(entity, target, d)
                }
            }
        }

        // Phase 2: to-many properties are has-many (the target has a belongs-to pointing back)
        // or many-to-many (the target has an array pointing back).
        for entity in order {
            guard let decl = decls[entity] else { continue }
            for p in decl.properties where p.type.scalar == nil && p.type.isArray {
                let target = p.type.name.name
                guard let targetDecl = decls[target] else { continue }
                // `comments: [Comment] via subject` where Comment.subject is `Post | Photo`.
                if let result = polymorphicInverse(p, in: decl, targetDecl: targetDecl) {
                    switch result {
                    case .success(let association): polymorphic[Key(entity: entity, property: p.name.name)] = association
                    case .failure(let d): fail(entity, target, d)
                    }
                    continue
                }
                let isBelongsTo: (String) -> Bool = { name in
                    if case .belongsTo = resolutions[Key(entity: target, property: name)] { return true }
                    return false
                }
                switch resolveToMany(p, in: decl, targetDecl: targetDecl, isBelongsTo: isBelongsTo) {
                case .success(let (r, warning)):
                    resolutions[Key(entity: entity, property: p.name.name)] = r
                    if let warning { output.diagnostics[entity, default: []].append(warning) }
                case .failure(let failure):
                    fail(entity, target, failure.diagnostic)
                    if failure.lacksInverse {
                        output.missingInverses[entity, default: []].append(MissingInverse(property: p.name.name, target: target,
                                                                                          diagnostic: failure.diagnostic))
                    }
                }
            }
        }

        // Both sides of a many-to-many must name each other.
        for entity in order {
            guard let decl = decls[entity] else { continue }
            for p in decl.properties {
                let key = Key(entity: entity, property: p.name.name)
                guard case .manyToMany(let inverse?) = resolutions[key] else { continue }
                let target = p.type.name.name
                let other = resolutions[Key(entity: target, property: inverse)]
                if case .manyToMany(let back) = other, back == key.property { continue }
                if other == nil { continue } // the other side failed and reports it
                fail(key.entity, target, Diagnostic(.error, "'\(key.property)' and \(target).\(inverse) do not pair up as a many-to-many",
                                                    at: p.name.range, hint: "write \(p.written) via \(inverse) and \(inverse): [\(key.entity)] via \(key.property)"))
            }
        }

        // Assemble the mappings.
        var joinTablesByPair: [String: JoinTable] = [:]
        var usedTableNames = Set(order.map { tableName(of: $0) })
        for entity in order {
            guard let decl = decls[entity] else { continue }
            let primaryKey = decl.property(named: "id")?.column?.name ?? "id"
            var columns = [Column(name: primaryKey, property: "id", role: .primaryKey, declRange: decl.property(named: "id")?.range)]
            columns[0].isAssignedKey = decl.property(named: "id")?.isAssignedKey ?? false
            if hasTextKey(entity) {
                // A natural key: the learner gives it on every insert.
                columns[0].holdsTextKey = true
                columns[0].isAssignedKey = true
            }
            var associations: [Association] = []
            var polymorphicAssociations: [PolymorphicAssociation] = []
            var indexes: [Index] = []
            let table = tableName(of: entity)
            // By lowercased name: SQLite's column names ignore case ("Name" and "name" are one column).
            var columnOwners: [String: String] = [primaryKey.lowercased(): "id"]

            for member in decl.members {
                switch member {
                case .key:
                    continue // refused by validation
                case .property(let p):
                    let name = p.name.name
                    if name == "id" { continue } // `id: Int column("ArtistId")` names the key's column
                    var newColumn: Column?
                    if p.type.isPolymorphic {
                        // Two plain columns and one index over both; no foreign key.
                        let association = polymorphicBelongsTo(p)
                        var added = true
                        for (column, property, type) in [(association.typeColumn, PolymorphicAssociation.typeProperty(name), ScalarType.string),
                                                          (association.idColumn, PolymorphicAssociation.idProperty(name), ScalarType.int)] {
                            if let owner = columnOwners[column.lowercased()] {
                                fail(entity, entity, Diagnostic(.error, "'\(name)' maps to column \(column), which '\(owner)' maps to already",
                                                                at: p.name.range, hint: "rename '\(owner == "id" ? name : owner)'"))
                                added = false
                                continue
                            }
                            columnOwners[column.lowercased()] = name
                            columns.append(Column(name: column, property: property, role: .scalar(type), isNullable: p.type.isOptional, declRange: p.range))
                        }
                        if added {
                            addIndex(Index(name: "\(table)_\(association.typeColumn)_\(association.idColumn)", columns: [association.typeColumn, association.idColumn], isUnique: false),
                                     to: &indexes, entity: entity, range: p.range, fail: fail)
                            polymorphicAssociations.append(association)
                        }
                        continue
                    }
                    if let association = polymorphic[Key(entity: entity, property: name)] {
                        polymorphicAssociations.append(association)
                        continue
                    }
                    if let scalar = p.type.scalar {
                        let value: Literal? = p.defaultValue == .null ? nil : p.defaultValue
                        newColumn = Column(name: p.column?.name ?? naming.columnName(forProperty: name), property: name, role: .scalar(scalar),
                                           isNullable: p.type.isOptional, isUnique: p.isUnique, defaultValue: value,
                                           declRange: p.range)
                    } else {
                        let target = p.type.name.name
                        guard let resolution = resolutions[Key(entity: entity, property: name)] else { continue }
                        switch resolution {
                        case .belongsTo:
                            let fk = p.column?.name ?? naming.foreignKeyName(forAssociation: name)
                            newColumn = Column(name: fk, property: name, role: .foreignKey(association: name, target: target),
                                               isNullable: p.type.isOptional, isUnique: p.isUnique, onDelete: p.onDelete,
                                               declRange: p.range)
                            newColumn?.holdsTextKey = hasTextKey(target)
                            associations.append(Association(name: name, kind: .belongsTo, target: target, foreignKey: fk,
                                                            isOptional: p.type.isOptional, onDelete: p.onDelete, declRange: p.range))
                        case .hasOne(let inverse):
                            if p.onDelete != nil {
                                fail(entity, target, Diagnostic(.error, "'on delete' belongs on \(target).\(inverse), which stores the foreign key",
                                                                at: p.range, hint: "write it there: \(inverse): \(entity) unique on delete cascade"))
                            }
                            if p.isIndexed {
                                fail(entity, target, Diagnostic(.error, "'\(name)' is a has-one association: its foreign key is in \(target)'s table",
                                                                at: p.range, hint: "remove 'index'; \(target).\(inverse) is unique, so it is indexed already"))
                            }
                            associations.append(Association(name: name, kind: .hasOne, target: target,
                                                            foreignKey: foreignKeyColumn(inverse, of: target),
                                                            inverse: inverse, isOptional: true, declRange: p.range))
                        case .hasMany(let inverse):
                            associations.append(Association(name: name, kind: .hasMany, target: target,
                                                            foreignKey: foreignKeyColumn(inverse, of: target),
                                                            inverse: inverse, declRange: p.range))
                        case .manyToMany(let inverse):
                            let join = joinTable(entity: entity, property: name, target: target, inverse: inverse,
                                                 known: &joinTablesByPair, used: &usedTableNames)
                            if !output.joinTables.contains(join.canonical) { output.joinTables.append(join.canonical) }
                            associations.append(Association(name: name, kind: .manyToMany, target: target,
                                                            joinTable: join.oriented, inverse: inverse, declRange: p.range))
                        }
                    }
                    if let column = newColumn {
                        if let owner = columnOwners[column.name.lowercased()] {
                            let message = owner == "id"
                                ? "'\(name)' maps to column \(column.name), which is the primary key"
                                : "properties '\(owner)' and '\(name)' both map to column \(column.name)"
                            fail(entity, entity, Diagnostic(.error, message, at: p.name.range, hint: "rename '\(name)'"))
                            continue
                        }
                        columnOwners[column.name.lowercased()] = name
                        columns.append(column)
                        if p.isIndexed {
                            addIndex(Index(name: "\(table)_\(column.name)", columns: [column.name], isUnique: false),
                                     to: &indexes, entity: entity, range: p.range, fail: fail)
                        }
                    }
                case .index(let index):
                    var indexColumns: [String] = []
                    var ok = true
                    for identifier in index.columns {
                        if let column = columnForIndex(identifier.name, decl: decl, columns: columns) {
                            indexColumns.append(column)
                        } else if let p = decl.property(named: identifier.name), p.type.scalar == nil, !p.type.isArray {
                            ok = false
                            fail(entity, p.type.name.name, Diagnostic(.error, "'\(identifier.name)' is a has-one association: its foreign key is in \(p.type.name.name)'s table",
                                                                      at: identifier.range, hint: "remove '\(identifier.name)' from the index"))
                        } else {
                            ok = false // reported by validation (unknown column, to-many)
                        }
                    }
                    if ok, !indexColumns.isEmpty {
                        let name = ([table] + indexColumns).joined(separator: "_")
                        addIndex(Index(name: name, columns: indexColumns, isUnique: index.isUnique),
                                 to: &indexes, entity: entity, range: index.range, fail: fail)
                    }
                case .timestamps(let range):
                    // Nullable Date columns, set by the unit of work (nullable: an existing table gains them by ALTER TABLE).
                    for property in ["created_at", "updated_at"] where !columns.contains(where: { $0.property == property }) {
                        columns.append(Column(name: naming.columnName(forProperty: property), property: property, role: .scalar(.date),
                                              isNullable: true, declRange: range))
                    }
                case .softDelete(let range):
                    if !columns.contains(where: { $0.property == "deleted_at" }) {
                        columns.append(Column(name: naming.columnName(forProperty: "deleted_at"), property: "deleted_at", role: .scalar(.date),
                                              isNullable: true, declRange: range))
                    }
                case .callback, .scope:
                    break // checked in Validation; they add no column
                }
            }
            output.mappings[entity] = EntityMapping(name: entity, table: table, columns: columns,
                                                    associations: associations, indexes: indexes, declaration: decl)
            output.mappings[entity]?.polymorphicAssociations = polymorphicAssociations
        }

        // Phase 3: a belongs-to's inverse is the has-many or has-one on the target that uses it.
        for entity in order {
            guard var mapping = output.mappings[entity] else { continue }
            for i in mapping.associations.indices where mapping.associations[i].kind == .belongsTo {
                let a = mapping.associations[i]
                let back = output.mappings[a.target]?.associations.first {
                    ($0.kind == .hasMany || $0.kind == .hasOne) && $0.target == entity && $0.inverse == a.name
                        && !(a.target == entity && $0.name == a.name)
                }
                mapping.associations[i].inverse = back?.name
            }
            output.mappings[entity] = mapping
        }
        return output
    }

    // MARK: - Polymorphic associations

    /// `subject: Post | Photo` as a mapping: subject_type and subject_id.
    private func polymorphicBelongsTo(_ p: PropertyDecl) -> PolymorphicAssociation {
        let name = p.name.name
        return PolymorphicAssociation(name: name, kind: .belongsTo, targets: p.type.polymorphicTargets.map(\.name),
                                      typeColumn: naming.columnName(forProperty: PolymorphicAssociation.typeProperty(name)),
                                      idColumn: naming.columnName(forProperty: PolymorphicAssociation.idProperty(name)),
                                      isOptional: p.type.isOptional, declRange: p.range)
    }

    /// A to-many whose inverse is a polymorphic belongs-to: the has-many, or why not; nil when
    /// `p` has nothing polymorphic to do (an ordinary has-many or many-to-many).
    private func polymorphicInverse(_ p: PropertyDecl, in decl: EntityDecl, targetDecl: EntityDecl) -> Result<PolymorphicAssociation, Diagnostic>? {
        let entity = decl.name.name
        let target = targetDecl.name.name
        let q: PropertyDecl
        if let via = p.via {
            guard let named = targetDecl.property(named: via.name), named.type.isPolymorphic else { return nil }
            q = named
        } else {
            // Without via: the target's one polymorphic property that lists this entity, when no
            // ordinary property points back.
            let candidates = targetDecl.properties.filter { $0.type.isPolymorphic && $0.type.polymorphicTargets.contains { $0.name == entity } }
            guard !candidates.isEmpty, !targetDecl.properties.contains(where: { !$0.type.isPolymorphic && $0.type.name.name == entity }) else { return nil }
            guard candidates.count == 1 else {
                return .failure(Diagnostic(.error, "ambiguous inverse for '\(p.name.name)': \(target) has \(candidates.count) polymorphic associations that may point at \(entity)",
                                           at: p.name.range, hint: "write `\(p.written) via \(candidates[0].name.name)`"))
            }
            q = candidates[0]
        }
        guard q.type.polymorphicTargets.contains(where: { $0.name == entity }) else {
            return .failure(Diagnostic(.error, "\(target).\(q.name.name) does not point back at \(entity): it is \(q.type.written)",
                                       at: p.via?.range ?? p.name.range,
                                       hint: "add \(entity) to it: \(q.name.name): \(q.type.polymorphicTargets.map(\.name).joined(separator: " | ")) | \(entity)"))
        }
        let owner = polymorphicBelongsTo(q)
        return .success(PolymorphicAssociation(name: p.name.name, kind: .hasMany, targets: [target], typeColumn: owner.typeColumn,
                                               idColumn: owner.idColumn, inverse: q.name.name, declRange: p.range))
    }

    /// `subject: Comment via subject` when Comment.subject is polymorphic: the inverse of a
    /// polymorphic belongs-to is a to-many here.
    private func polymorphicToOneInverse(_ p: PropertyDecl, in decl: EntityDecl, targetDecl: EntityDecl) -> Diagnostic? {
        guard let via = p.via, let q = targetDecl.property(named: via.name), q.type.isPolymorphic else { return nil }
        return Diagnostic(.error, "'\(p.name.name)' is a to-one, and \(targetDecl.name.name).\(via.name) is polymorphic (\(q.type.written)): its inverse is a to-many",
                          at: via.range, hint: "write \(p.name.name): [\(targetDecl.name.name)] via \(via.name)")
    }

    // MARK: - Explicit names

    /// The table of an entity: `table("Artist")` when declared, else the naming convention's.
    private func tableName(of entity: String) -> String {
        decls[entity]?.table?.name ?? naming.tableName(forEntity: entity)
    }

    /// The foreign key column of a to-one property of `entity`: `column("ArtistId")` or `artist_id`.
    private func foreignKeyColumn(_ property: String, of entity: String) -> String {
        decls[entity]?.property(named: property)?.column?.name ?? naming.foreignKeyName(forAssociation: property)
    }

    // MARK: - To-one

    private func resolveToOne(_ p: PropertyDecl, in decl: EntityDecl, targetDecl: EntityDecl) -> Result<Resolution, Diagnostic> {
        let entity = decl.name.name
        let target = targetDecl.name.name
        if p.isUnique { return .success(.belongsTo) }
        if let via = p.via {
            switch inverseNamed(via, for: p, in: decl, targetDecl: targetDecl) {
            case .failure(let d): return .failure(d)
            case .success(let q):
                if q.type.isArray { return .success(.belongsTo) }
                if q.isUnique { return .success(.hasOne(inverse: q.name.name)) }
                return .failure(Diagnostic(.error, "'\(p.name.name)' and \(target).\(q.name.name) are both to-one and neither is unique",
                                           at: via.range, hint: "for a one-to-one, make one side store a unique foreign key: \(q.name.name): \(entity) unique"))
            }
        }
        let candidates = backReferences(to: p, in: decl, targetDecl: targetDecl).filter { !$0.type.isArray && $0.isUnique }
        switch candidates.count {
        case 0: return .success(.belongsTo)
        case 1: return .success(.hasOne(inverse: candidates[0].name.name))
        default: return .failure(ambiguity(p, target: target, entity: entity, candidates: candidates))
        }
    }

    // MARK: - To-many

    /// Why a to-many property did not resolve; `lacksInverse` when the target has nothing
    /// pointing back (rather than a wrong or ambiguous inverse).
    private struct ToManyFailure: Error {
        var diagnostic: Diagnostic
        var lacksInverse = false
    }

    private func resolveToMany(_ p: PropertyDecl, in decl: EntityDecl, targetDecl: EntityDecl,
                               isBelongsTo: (String) -> Bool) -> Result<(Resolution, Diagnostic?), ToManyFailure> {
        let entity = decl.name.name
        let target = targetDecl.name.name
        let q: PropertyDecl
        if let via = p.via {
            switch inverseNamed(via, for: p, in: decl, targetDecl: targetDecl) {
            case .failure(let d): return .failure(ToManyFailure(diagnostic: d))
            case .success(let named): q = named
            }
            if !q.type.isArray && !isBelongsTo(q.name.name) {
                return .failure(ToManyFailure(diagnostic: Diagnostic(.error, "\(target).\(q.name.name) is a has-one and stores no foreign key for '\(p.name.name)'",
                                                                     at: via.range, hint: "name a property of \(target) that stores a foreign key to \(entity)")))
            }
        } else {
            let candidates = backReferences(to: p, in: decl, targetDecl: targetDecl)
                .filter { $0.type.isArray || isBelongsTo($0.name.name) }
            switch candidates.count {
            case 0:
                if target == entity {
                    return .success((.manyToMany(inverse: nil), nil))
                }
                return .failure(ToManyFailure(diagnostic: Diagnostic(.error, "\(target) has no association back to \(entity) for '\(p.name.name)'",
                                                                     at: p.name.range,
                                                                     hint: "add `\(lowerFirst(entity)): \(entity)` to \(target), or make both sides arrays for a many-to-many"),
                                              lacksInverse: true))
            case 1:
                q = candidates[0]
            default:
                return .failure(ToManyFailure(diagnostic: ambiguity(p, target: target, entity: entity, candidates: candidates)))
            }
        }
        if q.type.isArray { return .success((.manyToMany(inverse: q.name.name), nil)) }
        var warning: Diagnostic?
        if q.isUnique {
            warning = Diagnostic(.warning, "\(target).\(q.name.name) is unique, so each \(entity) has at most one \(target)",
                                 at: p.name.range, hint: "write \(lowerFirst(target)): \(target)? for a has-one, or remove 'unique' from \(target).\(q.name.name)")
        }
        return .success((.hasMany(inverse: q.name.name), warning))
    }

    // MARK: - Inverse lookup

    /// The target's properties that could be the other side of `p`: they point back at this
    /// entity, are not `p` itself, and are not claimed by another property's `via`.
    private func backReferences(to p: PropertyDecl, in decl: EntityDecl, targetDecl: EntityDecl) -> [PropertyDecl] {
        let entity = decl.name.name
        let target = targetDecl.name.name
        let claimed = Set(decl.properties.filter { $0.name.name != p.name.name && $0.type.name.name == target }
                              .compactMap { $0.via?.name })
        return targetDecl.properties.filter { q in
            q.type.name.name == entity
                && !(target == entity && q.name.name == p.name.name)
                && (q.via == nil || q.via?.name == p.name.name)
                && !claimed.contains(q.name.name)
        }
    }

    /// The property named by `via`, checked to point back.
    private func inverseNamed(_ via: Identifier, for p: PropertyDecl, in decl: EntityDecl,
                              targetDecl: EntityDecl) -> Result<PropertyDecl, Diagnostic> {
        let entity = decl.name.name
        let target = targetDecl.name.name
        let pointing = targetDecl.properties.filter { $0.type.name.name == entity && !(target == entity && $0.name.name == p.name.name) }
        guard let q = targetDecl.property(named: via.name) else {
            let guess = nearest(via.name, in: pointing.map(\.name.name)) ?? nearest(via.name, in: targetDecl.properties.map(\.name.name))
            let list = pointing.map(\.name.name)
            let hint = (guess.map { "did you mean '\($0)'? " } ?? "")
                + (list.isEmpty ? "\(target) has no property pointing at \(entity); add one, e.g. \(lowerFirst(entity)): \(entity)"
                                : "properties of \(target) pointing at \(entity): \(list.joined(separator: ", "))")
            return .failure(Diagnostic(.error, "\(target) has no property '\(via.name)' for '\(p.name.name) via \(via.name)'",
                                       at: via.range, hint: hint))
        }
        if target == entity && q.name.name == p.name.name {
            return .failure(Diagnostic(.error, "'via' names the other side of '\(p.name.name)', not '\(p.name.name)' itself",
                                       at: via.range, hint: "name the property of \(target) that points back, or remove 'via'"))
        }
        if q.type.name.name != entity {
            let hint = pointing.isEmpty ? "add a property to \(target) that points at \(entity)"
                                        : "properties of \(target) pointing at \(entity): \(pointing.map(\.name.name).joined(separator: ", "))"
            return .failure(Diagnostic(.error, "\(target).\(q.name.name) does not point back at \(entity): it is \(q.type.written)",
                                       at: via.range, hint: hint))
        }
        return .success(q)
    }

    private func ambiguity(_ p: PropertyDecl, target: String, entity: String, candidates: [PropertyDecl]) -> Diagnostic {
        let names = candidates.map(\.name.name)
        let alternatives = names.dropFirst().map { "via \($0)" }.joined(separator: " or ")
        return Diagnostic(.error, "ambiguous inverse for '\(p.name.name)': \(target) has \(names.count) associations to \(entity) (\(names.joined(separator: ", ")))",
                          at: p.name.range, hint: "write `\(p.written) via \(names[0])` (or \(alternatives))")
    }

    // MARK: - Columns, indexes, join tables

    private func columnForIndex(_ name: String, decl: EntityDecl, columns: [Column]) -> String? {
        if let column = columns.first(where: { $0.property == name && $0.role != .primaryKey }) { return column.name }
        if let column = columns.first(where: { $0.name == name && $0.role != .primaryKey }) { return column.name }
        return nil
    }

    private func addIndex(_ index: Index, to indexes: inout [Index], entity: String, range: SourceRange,
                          fail: (String, String, Diagnostic) -> Void) {
        if let existing = indexes.first(where: { $0.name == index.name }) {
            if existing != index {
                fail(entity, entity, Diagnostic(.error, "index \(index.name) is declared twice, once unique and once not",
                                                at: range, hint: "keep one of them"))
            }
            return
        }
        indexes.append(index)
    }

    /// The join table of a many-to-many, canonical (as created) and seen from `entity.property`.
    private func joinTable(entity: String, property: String, target: String, inverse: String?,
                           known: inout [String: JoinTable], used: inout Set<String>) -> (canonical: JoinTable, oriented: JoinTable) {
        let entityTable = tableName(of: entity)
        let targetTable = tableName(of: target)
        // The pair, in a fixed order, identifies the join table whichever side asks first.
        let sides = [(entity, property), (target, inverse ?? "")].sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        let pairKey = sides.map { "\($0.0).\($0.1)" }.joined(separator: "|")

        // `join("PlaylistTrack", "PlaylistId", "TrackId")` on this side, or on the other (seen from there).
        let declared: JoinTable? = {
            if let j = decls[entity]?.property(named: property)?.joinTable {
                return JoinTable(name: j.table.name, ownerColumn: j.ownerColumn.name, targetColumn: j.targetColumn.name)
            }
            if let inverse, let j = decls[target]?.property(named: inverse)?.joinTable {
                return JoinTable(name: j.table.name, ownerColumn: j.targetColumn.name, targetColumn: j.ownerColumn.name)
            }
            return joinEntityTable(entity: entity, property: property, target: target, inverse: inverse)
        }()
        let canonical: JoinTable
        if let existing = known[pairKey] {
            canonical = existing
        } else if let declared {
            used.insert(declared.name)
            canonical = declared
            known[pairKey] = canonical
            return (canonical, canonical)
        } else {
            var first: String, second: String, base: String
            if entity != target {
                let entityFirst = entityTable <= targetTable
                base = entityFirst ? "\(entityTable)_\(targetTable)" : "\(targetTable)_\(entityTable)"
                let entityColumn = snakeCase(entity) + "_id", targetColumn = snakeCase(target) + "_id"
                (first, second) = entityFirst ? (entityColumn, targetColumn) : (targetColumn, entityColumn)
            } else {
                base = "\(entityTable)_\(entityTable)"
                if let inverse {
                    // friends / followers: a row (follower_id, friend_id), columns named after the
                    // singular of each property; the property declared first names the second column.
                    let props = declaredFirst(property, inverse, in: entity)
                    first = singularize(snakeCase(props.1)) + "_id"
                    second = singularize(snakeCase(props.0)) + "_id"
                } else {
                    first = snakeCase(entity) + "_id"
                    second = singularize(snakeCase(property)) + "_id"
                }
                if first == second { second = "other_" + second }
            }
            var name = base
            if used.contains(name) {
                name = base + "_" + snakeCase(sides[0].1.isEmpty ? sides[1].1 : sides[0].1)
            }
            used.insert(name)
            canonical = JoinTable(name: name, ownerColumn: first, targetColumn: second)
            known[pairKey] = canonical
        }

        // Orient it from this side.
        let ownerIsFirst: Bool
        if let declared {
            ownerIsFirst = canonical.ownerColumn == declared.ownerColumn
        } else if entity != target {
            ownerIsFirst = canonical.ownerColumn == snakeCase(entity) + "_id"
        } else if let inverse {
            ownerIsFirst = declaredFirst(property, inverse, in: entity).0 == property
        } else {
            ownerIsFirst = true
        }
        let oriented = ownerIsFirst ? canonical
                                    : JoinTable(name: canonical.name, ownerColumn: canonical.targetColumn, targetColumn: canonical.ownerColumn)
        return (canonical, oriented)
    }

    /// The join table a join entity declares for the pair (entity, target), seen from `entity`.
    private func joinEntityTable(entity: String, property: String, target: String, inverse: String?) -> JoinTable? {
        for decl in joinEntities {
            guard let (a, b) = decl.joinEntitySides else { continue }
            let table = decl.table?.name ?? naming.tableName(forEntity: decl.name.name)
            let columnA = a.column?.name ?? naming.foreignKeyName(forAssociation: a.name.name)
            let columnB = b.column?.name ?? naming.foreignKeyName(forAssociation: b.name.name)
            let targets = (a.type.name.name, b.type.name.name)
            if targets == (entity, target) {
                // A self many-to-many: the property declared first owns the first key column.
                let ownerIsA = entity != target || inverse == nil || declaredFirst(property, inverse!, in: entity).0 == property
                return ownerIsA ? JoinTable(name: table, ownerColumn: columnA, targetColumn: columnB)
                                : JoinTable(name: table, ownerColumn: columnB, targetColumn: columnA)
            }
            if targets == (target, entity) { return JoinTable(name: table, ownerColumn: columnB, targetColumn: columnA) }
        }
        return nil
    }

    private func declaredFirst(_ a: String, _ b: String, in entity: String) -> (String, String) {
        let names = decls[entity]?.properties.map(\.name.name) ?? []
        let ia = names.firstIndex(of: a) ?? 0, ib = names.firstIndex(of: b) ?? 0
        return ia <= ib ? (a, b) : (b, a)
    }
}
