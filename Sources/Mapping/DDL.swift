import DSL
import SQLBuilder

// The DDL of a mapping: CREATE TABLE for entity tables and join tables, CREATE INDEX. Every
// identifier is quoted, so SQL keywords work as names. One statement per string, on one line.

extension Schema {
    /// The table of an entity by this schema's naming convention (`BlogPost` → `blog_post`).
    public func tableName(forEntity name: String) -> String {
        naming.tableName(forEntity: name)
    }

    /// `"author_id" INTEGER NOT NULL REFERENCES "author"("id") ON DELETE CASCADE`
    func columnDefinition(_ column: Column) -> String {
        var parts = [quoteIdentifier(column.name), column.sqlType]
        switch column.role {
        case .primaryKey:
            parts.append("PRIMARY KEY")
            return parts.joined(separator: " ")
        case .scalar:
            break
        case .foreignKey:
            break
        }
        if !column.isNullable { parts.append("NOT NULL") }
        if column.isUnique { parts.append("UNIQUE") }
        if let value = column.defaultValue { parts.append("DEFAULT " + sqlLiteral(value)) }
        if case .foreignKey(_, let target) = column.role {
            parts.append("REFERENCES \(quoteIdentifier(tableName(forEntity: target)))(\(quoteIdentifier("id")))")
            if let rule = column.onDelete { parts.append("ON DELETE \(rule.rawValue)") }
        }
        return parts.joined(separator: " ")
    }

    /// `CREATE TABLE "book" (...)` for a mapping, optionally under another name (`new_book`).
    func createTableStatement(_ mapping: EntityMapping, as name: String? = nil) -> String {
        let columns = mapping.columns.map(columnDefinition).joined(separator: ", ")
        return "CREATE TABLE \(quoteIdentifier(name ?? mapping.table)) (\(columns))"
    }

    /// `CREATE INDEX "book_year" ON "book"("year")`
    func createIndexStatement(_ index: Index, table: String) -> String {
        let columns = index.columns.map(quoteIdentifier).joined(separator: ", ")
        return "CREATE \(index.isUnique ? "UNIQUE " : "")INDEX \(quoteIdentifier(index.name)) ON \(quoteIdentifier(table))(\(columns))"
    }

    /// The two entities a join table links, as (entity of the first column, entity of the second).
    func joinTableEntities(_ join: JoinTable) -> (first: String, second: String)? {
        for mapping in orderedEntities {
            for a in mapping.associations where a.kind == .manyToMany {
                guard let j = a.joinTable, j.name == join.name else { continue }
                if j.ownerColumn == join.ownerColumn { return (mapping.name, a.target) }
                if j.targetColumn == join.ownerColumn { return (a.target, mapping.name) }
            }
        }
        return nil
    }

    /// `CREATE TABLE "book_tag" ("book_id" ... REFERENCES "book"("id") ON DELETE CASCADE, ..., PRIMARY KEY (...))`
    func createJoinTableStatement(_ join: JoinTable) -> String? {
        guard let (first, second) = joinTableEntities(join) else { return nil }
        func column(_ name: String, _ entity: String) -> String {
            "\(quoteIdentifier(name)) INTEGER NOT NULL REFERENCES \(quoteIdentifier(tableName(forEntity: entity)))(\(quoteIdentifier("id"))) ON DELETE CASCADE"
        }
        return "CREATE TABLE \(quoteIdentifier(join.name)) (\(column(join.ownerColumn, first)), \(column(join.targetColumn, second)), "
            + "PRIMARY KEY (\(quoteIdentifier(join.ownerColumn)), \(quoteIdentifier(join.targetColumn))))"
    }

    /// The entity whose `createStatements` include a join table: the side defined last (the
    /// join table is created when the second side is defined).
    func joinTableOwner(_ join: JoinTable) -> String? {
        guard let (first, second) = joinTableEntities(join) else { return nil }
        let i = order.firstIndex(of: first) ?? 0, j = order.firstIndex(of: second) ?? 0
        return i >= j ? first : second
    }

    /// The current DDL of an entity: its table, the join tables it owns, its indexes. Empty for
    /// an entity that is waiting or unknown.
    public func createStatements(for entity: String) -> [String] {
        guard let mapping = entities[entity] else { return [] }
        var statements = [createTableStatement(mapping)]
        for join in joinTables where joinTableOwner(join) == entity {
            if let statement = createJoinTableStatement(join) { statements.append(statement) }
        }
        statements += mapping.indexes.map { createIndexStatement($0, table: mapping.table) }
        return statements
    }
}
