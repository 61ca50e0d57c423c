import DSL
import SQLBuilder

// Redefinition is migration: the difference between an entity's old and new table, as the SQL
// that SQLite can run. ALTER TABLE in SQLite can add a column at the end (when it is optional or
// has a default, and is not UNIQUE); anything else takes the "12-step" table rebuild: create the
// new table under a temporary name, copy the rows, drop the old table, rename the new one.

/// What a table that no longer matches its mapping holds on disk.
public enum TableOnDisk: Sendable, Equatable {
    case gone
    /// Its column names, in order.
    case columns([String])
}

/// The SQL and the explanation that move one table from an old mapping to a new one.
struct TableMigration {
    var steps: [SchemaStatement] = []
    var explanation: [String] = []
    var isEmpty: Bool { steps.isEmpty }
}

extension Schema {
    /// How to migrate `old` (as in this schema) to `new` (as in `newSchema`).
    /// Columns are compared as `dialect` declares them: a change the database cannot see (Bool
    /// to Int on SQLite, both INTEGER) needs no SQL.
    func migration(from old: EntityMapping, to new: EntityMapping, in newSchema: Schema, dialect: any Dialect) -> TableMigration {
        var result = TableMigration()
        let table = new.table
        let oldColumns = old.columns.dropFirst().map { (name: $0.name, definition: dialect.columnDefinitionSQL(columnDefinition($0)), column: $0) }
        let newColumns = new.columns.dropFirst().map { (name: $0.name, definition: dialect.columnDefinitionSQL(newSchema.columnDefinition($0)), column: $0) }

        if dialect.altersColumnsInPlace, oldColumns.map(\.definition) != newColumns.map(\.definition) {
            return alteredInPlace(old: old, new: new, in: newSchema, dialect: dialect)
        } else if oldColumns.map(\.definition) != newColumns.map(\.definition) {
            // What changed, column by column, and why ALTER TABLE cannot do it.
            var reasons: [String] = []
            var warnings: [String] = []
            let newNames = Set(newColumns.map(\.name))
            let oldByName = Dictionary(oldColumns.map { ($0.name, $0.column) }, uniquingKeysWith: { a, _ in a })
            // ALTER TABLE DROP COLUMN (SQLite 3.35) refuses a column that is UNIQUE, indexed or a
            // foreign key; a plain column goes without a rebuild.
            let indexedColumns = Set(old.indexes.flatMap(\.columns))
            var droppable: [String] = []
            for o in oldColumns where !newNames.contains(o.name) {
                if canDropColumns, case .scalar = o.column.role, !o.column.isUnique, !indexedColumns.contains(o.name) {
                    droppable.append(o.name)
                } else {
                    let kind = (o.column.isUnique ? "UNIQUE " : "") + (indexedColumns.contains(o.name) ? "indexed " : "") + (o.column.role.isForeignKey ? "foreign key " : "")
                    reasons.append(kind.isEmpty ? "drop column \(o.name)" : "drop the \(kind)column \(o.name)")
                }
                warnings.append("the values of \(table).\(o.name) are dropped with the column")
            }
            for n in newColumns {
                guard let o = oldByName[n.name], dialect.columnDefinitionSQL(columnDefinition(o)) != n.definition else { continue }
                let c = n.column
                let before = reasons.count
                if dialect.columnTypeName(o.columnType) != dialect.columnTypeName(c.columnType) { reasons.append("change the type of column \(c.name)") }
                if o.isNullable && !c.isNullable {
                    reasons.append("add NOT NULL to column \(c.name)")
                    warnings.append("the copy fails if a row has \(c.name) = NULL")
                }
                if !o.isNullable && c.isNullable { reasons.append("drop a column's NOT NULL (\(c.name))") }
                if !o.isUnique && c.isUnique { reasons.append("add UNIQUE to column \(c.name)") }
                if o.isUnique && !c.isUnique { reasons.append("drop UNIQUE from column \(c.name)") }
                if o.defaultValue != c.defaultValue { reasons.append("change the default of column \(c.name)") }
                if reasons.count == before { reasons.append("change the foreign key \(c.name)") }
            }
            let added = newColumns.filter { oldByName[$0.name] == nil }
            let kept = oldColumns.filter { newNames.contains($0.name) }
            let appendedAtEnd = Array(newColumns.prefix(kept.count)).map(\.definition) == kept.map(\.definition)
            for a in added {
                let c = a.column
                if c.isUnique {
                    reasons.append("add the UNIQUE column \(c.name)")
                } else if !c.isNullable && c.defaultValue == nil {
                    reasons.append("add the required column \(c.name) without a default")
                    warnings.append("the copy fails if \(table) has rows: the new column \(c.name) is required and has no default (give it one, or make it optional)")
                } else if case .foreignKey = c.role, !c.isNullable {
                    reasons.append("add the required foreign key \(c.name)")
                } else if !appendedAtEnd {
                    reasons.append("add column \(c.name) before other columns")
                }
            }
            if reasons.isEmpty && appendedAtEnd {
                for name in droppable {
                    result.steps.append(.dropColumn(table: table, column: name))
                    result.explanation.append("column \(name) dropped with ALTER TABLE DROP COLUMN: its values are lost")
                }
                for a in added {
                    result.steps.append(.addColumn(table: table, newSchema.columnDefinition(a.column)))
                    let fill = a.column.defaultValue.map { "its default \(sqlLiteral($0))" } ?? "NULL"
                    result.explanation.append("column \(a.name) added with ALTER TABLE ADD COLUMN: existing rows get \(fill)")
                }
            } else {
                if reasons.isEmpty { reasons.append("reorder columns") }
                result.steps += rebuild(old: old, new: new, in: newSchema)
                result.explanation.append("SQLite cannot \(reasons.joined(separator: ", ")) with ALTER TABLE, so the table is rebuilt: "
                                          + "new_\(table) is created, the rows are copied, \(table) is dropped and new_\(table) is renamed to \(table)")
                result.explanation += warnings
                return result
            }
        }

        // Indexes (a rebuild recreates them all; here only the differences).
        let oldIndexes = Dictionary(old.indexes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newIndexes = Dictionary(new.indexes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for index in old.indexes where newIndexes[index.name] != index {
            result.steps.append(.dropIndex(index.name))
            result.explanation.append("index \(index.name) dropped")
        }
        for index in new.indexes where oldIndexes[index.name] != index {
            result.steps.append(createIndexStatement(index, table: table))
            result.explanation.append("index \(index.name) created on \(table)(\(index.columns.joined(separator: ", ")))")
        }
        return result
    }

    /// The migration where ALTER TABLE changes columns in place (PostgreSQL): no rebuild, so the
    /// rows keep their ids and other tables' foreign keys keep pointing at them. Indexes on a
    /// dropped or changed column are dropped first and made again after.
    func alteredInPlace(old: EntityMapping, new: EntityMapping, in newSchema: Schema, dialect: any Dialect) -> TableMigration {
        var result = TableMigration()
        let table = new.table
        let oldByName = Dictionary(old.columns.dropFirst().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newByName = Dictionary(new.columns.dropFirst().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        result.explanation.append("\(dialect.name) changes \(table) in place with ALTER TABLE: no rebuild, the rows keep their ids and the foreign keys that point at them")
        let newIndexes = Dictionary(new.indexes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let oldIndexes = Dictionary(old.indexes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for index in old.indexes where newIndexes[index.name] != index {
            result.steps.append(.dropIndex(index.name))
            result.explanation.append("index \(index.name) dropped")
        }
        for o in old.columns.dropFirst() where newByName[o.name] == nil {
            result.steps.append(.dropColumn(table: table, column: o.name))
            result.explanation.append("column \(o.name) dropped with ALTER TABLE DROP COLUMN (its constraints go with it): its values are lost")
        }
        for n in new.columns.dropFirst() {
            guard let o = oldByName[n.name] else { continue }
            let before = columnDefinition(o), after = newSchema.columnDefinition(n)
            guard dialect.columnDefinitionSQL(before) != dialect.columnDefinitionSQL(after) else { continue }
            let name = n.name
            if before.references != nil && before.references != after.references {
                result.steps.append(.alterColumn(table: table, column: name, .foreignKey(nil)))
                result.explanation.append("the foreign key constraint of \(name) is dropped")
            }
            let retyped = dialect.columnTypeName(before.type) != dialect.columnTypeName(after.type)
            // A default of the old type cannot be converted with the values: it goes first and
            // comes back after.
            if retyped && before.defaultValue != nil {
                result.steps.append(.alterColumn(table: table, column: name, .defaultValue(nil)))
            }
            if retyped {
                result.steps.append(.alterColumn(table: table, column: name, .type(from: before.type, to: after.type)))
                result.explanation.append("column \(name) changes type from \(dialect.columnTypeName(before.type)) to \(dialect.columnTypeName(after.type)): every value is converted (USING); one that does not convert fails the change")
            }
            if before.unique != after.unique {
                result.steps.append(.alterColumn(table: table, column: name, .unique(after.unique)))
                result.explanation.append(after.unique ? "UNIQUE added to \(name): fails if two rows share a value" : "UNIQUE dropped from \(name)")
            }
            if before.defaultValue != after.defaultValue || (retyped && before.defaultValue != nil && after.defaultValue != nil) {
                result.steps.append(.alterColumn(table: table, column: name, .defaultValue(after.defaultValue)))
                if before.defaultValue != after.defaultValue {
                    result.explanation.append("the default of \(name) changes (existing rows keep their values)")
                }
            }
            if before.notNull != after.notNull {
                result.steps.append(.alterColumn(table: table, column: name, .notNull(after.notNull)))
                result.explanation.append(after.notNull ? "NOT NULL added to \(name): fails if a row has \(name) = NULL" : "NOT NULL dropped from \(name)")
            }
            if let reference = after.references, before.references != after.references {
                result.steps.append(.alterColumn(table: table, column: name, .foreignKey(reference)))
                result.explanation.append("\(name) now references \(reference.table)(\(reference.column)): fails if a row points nowhere")
            }
        }
        for n in new.columns.dropFirst() where oldByName[n.name] == nil {
            result.steps.append(.addColumn(table: table, newSchema.columnDefinition(n)))
            let fill = n.defaultValue.map { "its default \(sqlLiteral($0))" } ?? "NULL"
            result.explanation.append("column \(n.name) added with ALTER TABLE ADD COLUMN: existing rows get \(fill)"
                                      + (!n.isNullable && n.defaultValue == nil ? " (it is required and has no default: fails if \(table) has rows)" : ""))
        }
        for index in new.indexes where oldIndexes[index.name] != index {
            result.steps.append(createIndexStatement(index, table: table))
            result.explanation.append("index \(index.name) created on \(table)(\(index.columns.joined(separator: ", ")))")
        }
        return result
    }

    /// `new` with its columns in the order the table `old` has them, the columns added at the
    /// end: the order `ALTER TABLE … ADD COLUMN` leaves, whatever order the declaration lists
    /// them in (so an entity redefined with its properties in another order, or after an
    /// experiment that added a column, still migrates without a rebuild). Nil when the order is
    /// the declaration's already.
    func keepingTableOrder(of old: EntityMapping, for new: EntityMapping) -> EntityMapping? {
        let position = Dictionary(old.columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let kept = new.columns.filter { position[$0.name] != nil }.sorted { position[$0.name]! < position[$1.name]! }
        let added = new.columns.filter { position[$0.name] == nil }
        let ordered = kept + added
        guard ordered.map(\.name) != new.columns.map(\.name) else { return nil }
        var mapping = new
        mapping.columns = ordered
        return mapping
    }

    /// This schema with `entity`'s columns in the order `names` gives (the table's order on
    /// disk, when a file database is reopened: ADD COLUMN may have left it unlike the
    /// declaration's). Nil unless `names` holds exactly the mapping's columns, in another order.
    public func withColumnOrder(_ names: [String], of entity: String) -> Schema? {
        guard var mapping = entities[entity], names.count == mapping.columns.count,
              names != mapping.columns.map(\.name), Set(names) == Set(mapping.columns.map(\.name)) else { return nil }
        let byName = Dictionary(mapping.columns.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        mapping.columns = names.compactMap { byName[$0] }
        var schema = self
        schema.entities[entity] = mapping
        return schema
    }

    /// Makes a table that was changed behind the mapping's back (raw SQL, another program) match
    /// `new`: nothing to do when it already has exactly the new columns, the rebuild recipe
    /// copying the columns both have otherwise, CREATE TABLE when it is gone.
    func repair(_ onDisk: TableOnDisk, to new: EntityMapping, in newSchema: Schema) -> TableMigration {
        var result = TableMigration()
        let table = new.table
        switch onDisk {
        case .gone:
            result.steps.append(newSchema.createTableStatement(new))
            result.steps += new.indexes.map { newSchema.createIndexStatement($0, table: table) }
            result.explanation.append("the table \(table) was gone: it is created again as the mapping says (its rows were lost with it)")
        case .columns(let columns):
            if columns == new.columns.map(\.name) {
                result.explanation.append("the table \(table) already has the columns of the new definition: the mapping follows it, no SQL needed")
                return result
            }
            let kept = new.columns.map(\.name).filter(columns.contains)
            let dropped = columns.filter { !kept.contains($0) }
            result.steps = rebuild(oldColumnNames: Set(columns), new: new, in: newSchema)
            result.explanation.append("the table \(table) no longer matched its mapping, so it is rebuilt from the columns it has: "
                                      + "\(kept.joined(separator: ", ")) are copied"
                                      + (dropped.isEmpty ? "" : ", \(dropped.joined(separator: ", ")) dropped"))
        }
        return result
    }

    /// The table-rebuild recipe from the SQLite documentation ("Making Other Kinds Of Table Schema Changes").
    private func rebuild(old: EntityMapping, new: EntityMapping, in newSchema: Schema) -> [SchemaStatement] {
        rebuild(oldColumnNames: Set(old.columns.map(\.name)), new: new, in: newSchema)
    }

    /// The rebuild recipe from a table with `oldNames` columns: the columns both have are copied.
    private func rebuild(oldColumnNames oldNames: Set<String>, new: EntityMapping, in newSchema: Schema) -> [SchemaStatement] {
        let table = new.table
        let temporary = "new_" + table
        let shared = new.columns.map(\.name).filter { oldNames.contains($0) }
        var statements: [SchemaStatement] = [
            .foreignKeyEnforcement(false),
            .transaction(.begin),
            newSchema.createTableStatement(new, as: temporary),
            .copyRows(from: table, into: temporary, columns: shared),
            .dropTable(table),
            .renameTable(temporary, to: table),
        ]
        // The copied ids leave an identity column's sequence behind (no step on SQLite).
        if let key = new.columns.first, shared.contains(key.name) {
            statements.append(.resetGeneratedKey(table: table, column: key.name))
        }
        statements += new.indexes.map { newSchema.createIndexStatement($0, table: table) }
        statements += [
            .foreignKeyCheck(table: table),
            .transaction(.commit),
            .foreignKeyEnforcement(true),
        ]
        return statements
    }
}

private extension ColumnRole {
    var isForeignKey: Bool {
        if case .foreignKey = self { return true }
        return false
    }
}
