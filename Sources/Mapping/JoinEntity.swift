import DSL
import Report
import SQLBuilder

// A join entity: `entity PlaylistTrack table("PlaylistTrack") { playlist: Playlist; track: Track;
// key(playlist, track) }`. A table whose primary key is exactly two foreign keys holds the pairs of
// a many-to-many (JPA's `@JoinTable`, Rails' `has_and_belongs_to_many` table, Django's `through`
// without extra fields). Declaring it names that table and its two columns for the many-to-many
// between the two entities, declared before or after it; it has no objects of its own, because
// ORMLab identifies every object by one key column, an integer id or a natural key (a composite identity is not modelled).

extension EntityDecl {
    /// The two to-one properties of a join entity, in key order: exactly two to-one properties,
    /// `key(...)` naming both, and nothing else. Nil for any other declaration.
    public var joinEntitySides: (PropertyDecl, PropertyDecl)? {
        var keys: [KeyDecl] = []
        var properties: [PropertyDecl] = []
        for member in members {
            switch member {
            case .key(let key): keys.append(key)
            case .property(let p): properties.append(p)
            default: return nil
            }
        }
        guard keys.count == 1, keys[0].properties.count == 2, properties.count == 2,
              properties.allSatisfy({ $0.type.scalar == nil && !$0.type.isArray && !$0.type.isOptional }) else { return nil }
        let names = keys[0].properties.map(\.name)
        guard let first = properties.first(where: { $0.name.name == names[0] }),
              let second = properties.first(where: { $0.name.name == names[1] }), names[0] != names[1] else { return nil }
        return (first, second)
    }
}

extension Schema {
    /// The join entity named `name`, if one is declared.
    public func joinEntity(named name: String) -> EntityDecl? {
        joinEntities.first { $0.name.name == name }
    }

    /// The join table a join entity declares, oriented from its first key property.
    func joinTable(declaredBy decl: EntityDecl) -> JoinTable? {
        guard let (a, b) = decl.joinEntitySides else { return nil }
        return JoinTable(name: decl.table?.name ?? naming.tableName(forEntity: decl.name.name),
                         ownerColumn: a.column?.name ?? naming.foreignKeyName(forAssociation: a.name.name),
                         targetColumn: b.column?.name ?? naming.foreignKeyName(forAssociation: b.name.name))
    }

    /// The many-to-many between the two entities a join entity points at, if it is mapped:
    /// (entity, property) of the side pointing from its first key property's target.
    func manyToMany(of decl: EntityDecl) -> (entity: String, association: Association)? {
        guard let (a, b) = decl.joinEntitySides, let mapping = entities[a.type.name.name] else { return nil }
        guard let association = mapping.associations.first(where: { $0.kind == .manyToMany && $0.target == b.type.name.name }) else { return nil }
        return (mapping.name, association)
    }

    /// Defines (or redefines) a join entity: records it, so the many-to-many between its two
    /// entities keeps its pairs in its table. No DDL: the table is created with the many-to-many
    /// (or exists already, in a database ORMLab did not make).
    func definingJoinEntity(_ decl: EntityDecl) -> SchemaChange {
        let name = decl.name.name
        guard let (a, b) = decl.joinEntitySides, let join = joinTable(declaredBy: decl) else { return SchemaChange(schema: self) }
        func failure(_ message: String, at range: SourceRange, hint: String) -> SchemaChange {
            SchemaChange(schema: self, diagnostics: [Diagnostic(.error, message, at: range, hint: hint)])
        }
        if entities[name] != nil || waitingDeclarations.contains(where: { $0.name.name == name }) {
            return failure("\(name) is an entity with an id of its own, so it cannot become a join entity",
                           at: decl.name.range, hint: "choose another name for the join entity")
        }
        if let owner = orderedEntities.first(where: { $0.table.lowercased() == join.name.lowercased() }) {
            return failure("table \(join.name) is already the table of entity \(owner.name)", at: decl.table?.range ?? decl.name.range,
                           hint: "name the join table with table(\"…\")")
        }
        if a.column == nil && b.column == nil && join.ownerColumn == join.targetColumn {
            return failure("both key columns would be named \(join.ownerColumn)", at: b.name.range,
                           hint: "name them: \(b.name.name): \(b.type.written) column(\"…\")")
        }
        var diagnostics: [Diagnostic] = []
        for side in [a, b] where entities[side.type.name.name] == nil && !waitingDeclarations.contains(where: { $0.name.name == side.type.name.name }) {
            diagnostics.append(Diagnostic(.warning, "\(side.type.name.name) is not defined yet: the join table is used once it is",
                                          at: side.type.name.range, hint: "define \(side.type.name.name), with the many-to-many on both sides"))
        }
        var new = self
        new.joinEntities.removeAll { $0.name.name == name }
        var change = SchemaChange(schema: new, diagnostics: diagnostics, affectedEntities: [name])
        let pair = "\(a.type.name.name) ↔ \(b.type.name.name)"
        if let (entity, association) = manyToMany(of: decl), let current = association.joinTable {
            // Already mapped: the join entity only names what is there (after :infer, say);
            // moving the pairs to another table is a migration ORMLab does not write.
            let same = current.name.lowercased() == join.name.lowercased()
                && current.ownerColumn.lowercased() == join.ownerColumn.lowercased()
                && current.targetColumn.lowercased() == join.targetColumn.lowercased()
            guard same else {
                return failure("\(entity).\(association.name) keeps its pairs in \(current.name)(\(current.ownerColumn), \(current.targetColumn)), not in \(join.name)(\(join.ownerColumn), \(join.targetColumn))",
                               at: decl.name.range,
                               hint: "declare the join entity before the many-to-many, or write join(\"\(current.name)\", \"\(current.ownerColumn)\", \"\(current.targetColumn)\") with the names it has")
            }
            change.explanation.append("\(name) is a join entity: table \(join.name) holds the pairs of the many-to-many \(entity).\(association.name) ↔ \(association.target).\(association.inverse ?? "?") (no objects of its own)")
        } else {
            change.explanation.append("\(name) is a join entity: table \(join.name)(\(join.ownerColumn), \(join.targetColumn)) will hold the pairs of a many-to-many \(pair); it is created when both sides declare it (e.g. \(lowerFirst(pluralize(b.type.name.name))): [\(b.type.name.name)] on \(a.type.name.name) and \(lowerFirst(pluralize(a.type.name.name))): [\(a.type.name.name)] on \(b.type.name.name))")
        }
        change.schema.joinEntities.append(decl)
        return change
    }

    /// The mapping pane's view of a join entity: its two key columns and the many-to-many it serves.
    func joinEntityFacts(_ decl: EntityDecl, in dialect: any Dialect) -> EntityFacts? {
        guard let (a, b) = decl.joinEntitySides, let join = joinTable(declaredBy: decl) else { return nil }
        let columns = [(a, join.ownerColumn), (b, join.targetColumn)].map { side, column in
            ColumnFacts(property: side.name.name, column: column, sqlType: dialect.columnTypeName(.integer),
                        constraints: ["NOT NULL", "REFERENCES \(tableName(forEntity: side.type.name.name))(\(primaryKeyColumn(ofEntity: side.type.name.name)))"])
        }
        // The key in the order the table declares it, once the many-to-many made (or mapped) it.
        let key = joinTables.first { $0.name == join.name } ?? join
        var facts = EntityFacts(entity: decl.name.name, table: join.name, columns: columns, associations: [],
                                indexes: ["PRIMARY KEY (\(key.ownerColumn), \(key.targetColumn)): one row per pair"])
        if let (entity, association) = manyToMany(of: decl) {
            facts.associations.append(AssociationFacts(name: "\(entity).\(association.name)", kind: AssociationKind.manyToMany.rawValue, target: association.target,
                                                       storage: "join table \(join.name)(\(join.ownerColumn), \(join.targetColumn))",
                                                       details: ["the pairs this join entity holds"] + (association.inverse.map { ["inverse \(association.target).\($0)"] } ?? [])))
            facts.status = "join entity: no objects of its own (read the pairs through \(entity).\(association.name))"
        } else {
            facts.status = "join entity: waits for the many-to-many \(a.type.name.name) ↔ \(b.type.name.name)"
        }
        return facts
    }
}
