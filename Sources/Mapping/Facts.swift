import DSL
import Report
import SQLBuilder

// The mapping pane: an entity's table, columns with constraints, associations named in the
// vocabulary of other ORMs with where their data lives, and indexes, as plain report values.

extension Schema {
    /// How an entity maps to its table, for the mapping pane. A waiting entity shows what is
    /// known so far with `status` "waiting for Book"; an unknown one has status "not defined"; a
    /// mapped one whose redefinition waits says so ("new definition waits for Tag"). Column types
    /// are named as `dialect` declares them (the session's database).
    public func facts(for entity: String, in dialect: any Dialect = standardDialect) -> EntityFacts {
        if let mapping = entities[entity] {
            var facts = EntityFacts(entity: entity, table: mapping.table,
                                    columns: mapping.columns.map { columnFacts($0, in: dialect) },
                                    associations: mapping.associations.map { associationFacts($0, in: mapping) }
                                        + mapping.polymorphicAssociations.map { polymorphicFacts($0, in: mapping) },
                                    indexes: mapping.indexes.map { indexFact($0, table: mapping.table) })
            if let pending = pendingRedefinitions.first(where: { $0.entity == entity }) {
                facts.status = pending.status
            }
            if !hierarchy.isEmpty, hierarchy[entity] != nil { inheritanceFacts(&facts, entity: entity) }
            return facts
        }
        if let join = joinEntity(named: entity), let facts = joinEntityFacts(join, in: dialect) { return facts }
        let table = tableName(forEntity: entity)
        guard let decl = waitingDeclarations.first(where: { $0.name.name == entity }) else {
            return EntityFacts(entity: entity, table: table, columns: [], associations: [], status: "not defined")
        }
        return waitingFacts(decl, table: table, in: dialect)
    }

    // MARK: - Columns

    func columnFacts(_ column: Column, in dialect: any Dialect) -> ColumnFacts {
        var constraints: [String] = []
        if column.role == .primaryKey {
            constraints.append("PRIMARY KEY")
            if column.holdsTextKey { constraints.append("(natural key)") } else if column.isAssignedKey { constraints.append("(assigned)") }
        } else {
            if !column.isNullable { constraints.append("NOT NULL") }
            if column.isUnique { constraints.append("UNIQUE") }
            if let value = column.defaultValue { constraints.append("DEFAULT " + sqlLiteral(value)) }
            if case .foreignKey(_, let target) = column.role {
                if acceptsForeignKeys(toEntity: target) {
                    constraints.append("REFERENCES \(tableName(forEntity: target))(\(primaryKeyColumn(ofEntity: target)))")
                    if let rule = column.onDelete { constraints.append("ON DELETE \(rule.rawValue)") }
                } else {
                    constraints.append("(no REFERENCES: a \(target) row may be in any table of its concrete hierarchy)")
                }
            }
        }
        // A table another program made keeps the type it declares (NVARCHAR(120)); ORMLab's own
        // tables show the dialect's name for the mapped type.
        return ColumnFacts(property: column.property, column: column.name, sqlType: column.declaredType ?? dialect.columnTypeName(column.columnType),
                           constraints: constraints)
    }

    // MARK: - Associations

    /// Where an association's data lives: "book.author_id → author.id", "join table book_tag(book_id, tag_id)".
    func storage(of association: Association, in mapping: EntityMapping) -> String {
        let targetTable = tableName(forEntity: association.target)
        switch association.kind {
        case .belongsTo:
            let fk = association.foreignKey ?? ""
            let unique = mapping.columns.first { $0.name == fk }?.isUnique ?? false
            return "\(mapping.table).\(fk) → \(targetTable).\(primaryKeyColumn(ofEntity: association.target))" + (unique ? " (unique)" : "")
        case .hasMany:
            return "\(targetTable).\(association.foreignKey ?? "") → \(mapping.table).\(mapping.primaryKeyColumn)"
        case .hasOne:
            return "\(targetTable).\(association.foreignKey ?? "") → \(mapping.table).\(mapping.primaryKeyColumn) (unique)"
        case .manyToMany:
            guard let oriented = association.joinTable else { return "join table" }
            let join = joinTables.first { $0.name == oriented.name } ?? oriented
            return "join table \(join.name)(\(join.ownerColumn), \(join.targetColumn))"
        }
    }

    func associationFacts(_ a: Association, in mapping: EntityMapping) -> AssociationFacts {
        var details: [String] = []
        switch a.kind {
        case .belongsTo:
            details.append(a.isOptional ? "optional" : "required")
            if let rule = a.onDelete {
                details.append("on delete \(rule.rawValue.lowercased())")
            } else {
                details.append("on delete: no action (deleting a parent with children fails)")
            }
            if mapping.columns.first(where: { $0.name == a.foreignKey })?.isUnique == true {
                details.append("one-to-one: at most one \(mapping.name) per \(a.target)")
            }
        case .hasOne:
            details.append("optional")
        case .hasMany, .manyToMany:
            break
        }
        if let inverse = a.inverse { details.append("inverse of \(a.target).\(inverse)") }
        if a.target == mapping.name { details.append("self-reference") }
        return AssociationFacts(name: a.name, kind: a.kind.rawValue, target: a.target,
                                storage: storage(of: a, in: mapping), details: details)
    }

    /// "author_name ON author(name)", "book_title_year ON book(title, year) (unique)"
    func indexFact(_ index: Index, table: String) -> String {
        "\(index.name) ON \(table)(\(index.columns.joined(separator: ", ")))" + (index.isUnique ? " (unique)" : "")
    }

    // MARK: - Waiting entities

    /// What is known of a waiting entity: its scalar columns, and its associations as pending.
    private func waitingFacts(_ decl: EntityDecl, table: String, in dialect: any Dialect) -> EntityFacts {
        let key = decl.property(named: "id")
        let textKey = decl.declaresTextKey
        var columns = [ColumnFacts(property: "id", column: key?.column?.name ?? "id",
                                   sqlType: dialect.columnTypeName(textKey ? .text : .integer),
                                   constraints: ["PRIMARY KEY"] + (textKey ? ["(natural key)"] : key?.isAssignedKey == true ? ["(assigned)"] : []))]
        var associations: [AssociationFacts] = []
        for p in decl.properties where p.name.name != "id" {
            if let scalar = p.type.scalar {
                let value: Literal? = p.defaultValue == .null ? nil : p.defaultValue
                let column = Column(name: p.column?.name ?? naming.columnName(forProperty: p.name.name), property: p.name.name, role: .scalar(scalar),
                                    isNullable: p.type.isOptional, isUnique: p.isUnique, defaultValue: value)
                columns.append(columnFacts(column, in: dialect))
            } else {
                let target = p.type.isPolymorphic ? p.type.written : p.type.name.name
                associations.append(AssociationFacts(name: p.name.name, kind: p.type.isPolymorphic ? PolymorphicAssociation.Kind.belongsTo.rawValue : p.type.isArray ? AssociationKind.hasMany.rawValue : AssociationKind.belongsTo.rawValue,
                                                     target: target, storage: "decided when \(target) is defined",
                                                     details: ["pending"]))
            }
        }
        let missing = waiting[decl.name.name] ?? []
        return EntityFacts(entity: decl.name.name, table: table, columns: columns, associations: associations,
                           status: "waiting for \(missing.joined(separator: ", "))")
    }
}
