import Report
import SQLBuilder

// The schema as an entity-relationship diagram (a Report value): every mapped entity's table and
// every join table as a box, every foreign key as a relationship. Names are read from the
// mappings (`EntityMapping.table`, `Column.name`, `JoinTable`), never re-derived, so explicit
// table and column names show as they are.

extension Schema {
    /// The diagram of `entities` (all mapped entities when empty): their tables, the join tables
    /// between two of them, and the foreign keys between the boxes shown. Types are named as
    /// `dialect` declares them.
    public func diagram(of selected: [String] = [], in dialect: any Dialect = standardDialect) -> ERDiagram {
        let shown = selected.isEmpty ? orderedEntities : selected.compactMap { entities[$0] }
        let shownNames = Set(shown.map(\.name))
        var diagram = ERDiagram()
        for mapping in shown {
            let columns = mapping.columns.map { column -> ERDiagram.Column in
                var target: String?
                if case .foreignKey(_, let entity) = column.role { target = entity }
                return ERDiagram.Column(name: column.name, type: dialect.columnTypeName(column.columnType),
                                        isPrimaryKey: column.role == .primaryKey, references: target,
                                        isNullable: column.isNullable, isUnique: column.isUnique)
            }
            diagram.boxes.append(ERDiagram.Box(name: mapping.name, table: mapping.table, kind: .entity, columns: columns))
        }
        // Foreign keys of entity tables: one line per belongs-to, named by both sides.
        for mapping in shown {
            for association in mapping.associations where association.kind == .belongsTo {
                guard shownNames.contains(association.target), let fk = association.foreignKey,
                      let column = mapping.columns.first(where: { $0.name == fk }) else { continue }
                let inverse = entities[association.target]?.associations.first {
                    ($0.kind == .hasMany || $0.kind == .hasOne) && $0.target == mapping.name && $0.inverse == association.name
                }
                diagram.relationships.append(ERDiagram.Relationship(
                    from: mapping.name, column: fk, to: association.target,
                    fromEnd: column.isUnique ? .zeroOrOne : .zeroOrMany,
                    toEnd: association.isOptional || column.isNullable ? .zeroOrOne : .exactlyOne,
                    label: association.name + (inverse.map { " / " + $0.name } ?? "")))
            }
        }
        // Join tables: a box of two keys, and a line from each key to its entity.
        for join in joinTables {
            guard let (first, second) = joinTableEntities(join), shownNames.contains(first), shownNames.contains(second) else { continue }
            let names = manyToManyNames(join)
            diagram.boxes.append(ERDiagram.Box(name: join.name, table: join.name, kind: .joinTable, columns: [
                ERDiagram.Column(name: join.ownerColumn, type: dialect.columnTypeName(.integer), isPrimaryKey: true, references: first),
                ERDiagram.Column(name: join.targetColumn, type: dialect.columnTypeName(.integer), isPrimaryKey: true, references: second),
            ]))
            diagram.relationships.append(ERDiagram.Relationship(from: join.name, column: join.ownerColumn, to: first,
                                                                fromEnd: .zeroOrMany, toEnd: .exactlyOne, label: names.first ?? join.ownerColumn))
            diagram.relationships.append(ERDiagram.Relationship(from: join.name, column: join.targetColumn, to: second,
                                                                fromEnd: .zeroOrMany, toEnd: .exactlyOne, label: names.second ?? join.targetColumn))
        }
        for name in waiting.keys.sorted() where selected.isEmpty || selected.contains(name) {
            diagram.notes.append((waitingSentence(for: name) ?? "\(name) waits") + " (no table yet)")
        }
        return diagram
    }

    /// The many-to-many associations a join table stores, named from the side each of its
    /// columns points at: for `book_tag(book_id, tag_id)`, `Book.tags` is read through `book_id`
    /// and `Tag.books` through `tag_id`.
    private func manyToManyNames(_ join: JoinTable) -> (first: String?, second: String?) {
        var first: String?, second: String?
        for mapping in orderedEntities {
            for a in mapping.associations where a.kind == .manyToMany && a.joinTable?.name == join.name {
                guard let oriented = a.joinTable else { continue }
                let name = "\(mapping.name).\(a.name)"
                if oriented.ownerColumn == join.ownerColumn { first = first ?? name } else { second = second ?? name }
            }
        }
        return (first, second)
    }
}
