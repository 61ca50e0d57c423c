import DSL
import SQLBuilder

// Changing the inheritance strategy of a hierarchy that may hold rows: the rows move between
// tables in one transaction, never lost. single ↔ joined is a move of the subclass columns
// (INSERT … SELECT into the new tables, or UPDATE … SET from them); concrete is refused, since
// its tables repeat the inherited columns and its ids come from a generator.

extension Schema {
    /// `entity Vehicle inheritance(joined) { … }` when Vehicle is the root of a hierarchy with
    /// another strategy.
    func changingStrategy(of root: String, to strategy: InheritanceStrategy, decl: EntityDecl, in dialect: any Dialect) -> SchemaChange {
        guard let member = hierarchy[root] else { return SchemaChange(schema: self) }
        let from = member.strategy
        func refuse(_ message: String, hint: String) -> SchemaChange {
            SchemaChange(schema: self, diagnostics: [Diagnostic(.error, message, at: decl.inheritance?.range ?? decl.name.range, hint: hint)])
        }
        if from == .concrete || strategy == .concrete {
            return refuse("changing \(root)'s inheritance from \(from.rawValue) to \(strategy.rawValue) is not supported: a concrete hierarchy repeats the inherited columns in every table and takes its ids from \(idGeneratorTable(ofRoot: root)), so its rows cannot be moved by moving columns",
                          hint: "nothing changed; only single ↔ joined moves rows (:compare inheritance \(root) shows the three side by side)")
        }
        guard Self.sameMembers(decl, member.declaration) else {
            return refuse("a change of strategy cannot change \(root)'s properties at the same time",
                          hint: "change the strategy with the properties as they are, then the properties")
        }
        let classes = subtree(of: root)
        let subclasses = Array(classes.dropFirst())
        // A foreign key to a subclass names its table, which the move would change under it.
        for mapping in orderedEntities where !classes.contains(mapping.name) {
            if let a = mapping.associations.first(where: { $0.kind == .belongsTo && subclasses.contains($0.target) }) {
                return refuse("\(mapping.name).\(a.name) has a foreign key to \(a.target)'s table, which the change of strategy would move",
                              hint: "nothing changed; point \(mapping.name).\(a.name) at \(root) first, or keep inheritance(\(from.rawValue))")
            }
        }
        if from == .single && !canDropColumns {
            return refuse("this SQLite cannot drop columns (ALTER TABLE DROP COLUMN needs 3.35), so the subclass columns could not leave \(tableName(forEntity: root))",
                          hint: "nothing changed; keep inheritance(single)")
        }

        // The new schema: every class placed again under the new strategy.
        var new = self
        for c in classes { new.hierarchy[c]?.strategy = strategy }
        new.hierarchy[root]?.declaration = decl
        for c in classes {
            guard var plain = entities[c] else { continue }
            plain.table = entities[c]?.declaration.table?.name ?? naming.tableName(forEntity: c)
            if c == root { plain.table = entities[c]?.table ?? plain.table }
            if strategy == .joined, c != root, let flat = entities[c] {
                // Its own indexes come back (single kept only those, on the root's table).
                plain.indexes = flat.indexes
            }
            new.entities[c] = new.placedInHierarchy(plain)
        }
        let rootTable = tableName(forEntity: root)
        var steps: [SchemaStatement] = [.transaction(.begin)]
        var explanation: [String] = []
        switch (from, strategy) {
        case (.single, .joined):
            for c in subclasses {
                let table = new.tableName(forEntity: c)
                let own = new.ownColumns(of: c).map(\.name)
                steps.append(new.joinedSubclassTable(c))
                steps.append(.copyClassRows(from: rootTable, into: table, columns: ["id"] + own, discriminator: Self.discriminatorColumn,
                                            classes: new.subtree(of: c)))
                explanation.append("the rows of \(new.subtree(of: c).joined(separator: ", ")) get a row in \(table) with the same id and their \(own.isEmpty ? "id" : own.joined(separator: ", "))")
            }
            for c in subclasses {
                for index in entities[c]?.indexes ?? [] { steps.append(.dropIndex(index.name)) }
            }
            for c in subclasses {
                for column in ownColumns(of: c) { steps.append(.dropColumn(table: rootTable, column: column.name)) }
                for index in new.entities[c]?.indexes.filter({ new.isOwnIndex($0, of: c) }) ?? [] {
                    steps.append(new.createIndexStatement(index, table: new.tableName(forEntity: c)))
                }
            }
            explanation.append("then \(rootTable) drops the subclass columns: no NULL cells are left, and each subclass row is read with a JOIN")
        case (.joined, .single):
            // In definition order, the order a single table's columns are listed in (Inheritance.swift).
            for c in order where subclasses.contains(c) {
                let table = tableName(forEntity: c)
                let own = ownColumns(of: c)
                for column in own {
                    var definition = columnDefinition(column)
                    definition.notNull = false
                    steps.append(.addColumn(table: rootTable, definition))
                }
                if !own.isEmpty { steps.append(.copyColumnsBack(into: rootTable, from: table, columns: own.map(\.name))) }
                explanation.append("\(own.isEmpty ? "" : own.map(\.name).joined(separator: ", ") + " move from \(table) into \(rootTable) (nullable there); ")\(table) is dropped")
            }
            for c in subclasses.reversed() { steps.append(.dropTable(tableName(forEntity: c))) }
            for c in subclasses {
                for index in new.entities[c]?.indexes ?? [] { steps.append(new.createIndexStatement(index, table: rootTable)) }
            }
        default:
            return SchemaChange(schema: self, explanation: ["no change"], affectedEntities: [root])
        }
        steps.append(.transaction(.commit))
        var change = SchemaChange(schema: new, steps: steps,
                                  explanation: ["\(root)'s hierarchy changes from inheritance(\(from.rawValue)) to inheritance(\(strategy.rawValue)); the rows move, in one transaction"] + explanation,
                                  affectedEntities: classes)
        change.migrationSentences = Set(change.explanation)
        return change
    }
}
