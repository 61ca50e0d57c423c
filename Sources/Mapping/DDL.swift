import DSL
import SQLBuilder

// The DDL of a mapping: CREATE TABLE for entity tables and join tables, CREATE INDEX, as
// statement values (SQLBuilder) that a dialect renders; every identifier is quoted there, so SQL
// keywords work as names.

extension Schema {
    /// The table of an entity by this schema's naming convention (`BlogPost` → `blog_post`).
    /// An entity mapped with `table("Artist")` keeps that name.
    public func tableName(forEntity name: String) -> String {
        if let mapping = entities[name] { return mapping.table }
        if let table = waitingDeclarations.first(where: { $0.name.name == name })?.table { return table.name }
        return naming.tableName(forEntity: name)
    }

    /// The primary key column of an entity ("id", or its `column("ArtistId")`).
    public func primaryKeyColumn(ofEntity name: String) -> String {
        entities[name]?.primaryKeyColumn ?? "id"
    }

    /// `"author_id" INTEGER NOT NULL REFERENCES "author"("id") ON DELETE CASCADE`
    func columnDefinition(_ column: Column) -> ColumnDefinition {
        var definition = ColumnDefinition(name: column.name, type: column.columnType)
        if case .primaryKey = column.role {
            definition.isPrimaryKey = true
            definition.isGenerated = !column.isAssignedKey
            return definition
        }
        definition.notNull = !column.isNullable
        definition.unique = column.isUnique
        definition.defaultValue = column.defaultValue.map(ddlLiteral)
        if case .foreignKey(_, let target) = column.role, acceptsForeignKeys(toEntity: target) {
            definition.references = ForeignKeyReference(table: tableName(forEntity: target), column: primaryKeyColumn(ofEntity: target),
                                                        onDelete: column.onDelete?.rawValue)
        }
        return definition
    }

    /// `CREATE TABLE "book" (...)` for a mapping, optionally under another name (`new_book`).
    func createTableStatement(_ mapping: EntityMapping, as name: String? = nil) -> SchemaStatement {
        .createTable(CreateTable(name: name ?? mapping.table, columns: mapping.columns.map(columnDefinition)))
    }

    /// `CREATE INDEX "book_year" ON "book"("year")`
    func createIndexStatement(_ index: Index, table: String) -> SchemaStatement {
        .createIndex(CreateIndex(name: index.name, table: table, columns: index.columns, unique: index.isUnique))
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
    func createJoinTableStatement(_ join: JoinTable) -> SchemaStatement? {
        guard let (first, second) = joinTableEntities(join) else { return nil }
        func column(_ name: String, _ entity: String) -> ColumnDefinition {
            ColumnDefinition(name: name, type: entities[entity]?.columns.first?.columnType ?? .integer, notNull: true,
                             references: acceptsForeignKeys(toEntity: entity)
                                 ? ForeignKeyReference(table: tableName(forEntity: entity), column: primaryKeyColumn(ofEntity: entity), onDelete: "CASCADE")
                                 : nil)
        }
        return .createTable(CreateTable(name: join.name, columns: [column(join.ownerColumn, first), column(join.targetColumn, second)],
                                        primaryKey: [join.ownerColumn, join.targetColumn]))
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
    public func createSchemaStatements(for entity: String) -> [SchemaStatement] {
        guard let mapping = entities[entity] else { return [] }
        if !hierarchy.isEmpty, hierarchy[entity] != nil { return hierarchySchemaStatements(for: entity) }
        var statements = [createTableStatement(mapping)]
        for join in joinTables where joinTableOwner(join) == entity {
            if let statement = createJoinTableStatement(join) { statements.append(statement) }
        }
        statements += mapping.indexes.map { createIndexStatement($0, table: mapping.table) }
        return statements
    }

    /// `createSchemaStatements(for:)` as SQL text in `dialect`.
    public func createStatements(for entity: String, in dialect: any Dialect = standardDialect) -> [String] {
        createSchemaStatements(for: entity).compactMap { dialect.render($0) }
    }
}

/// A DSL literal as a DDL literal (a column's DEFAULT).
func ddlLiteral(_ literal: Literal) -> SQLLiteral {
    switch literal {
    case .integer(let i): return .integer(i)
    case .double(let d): return .real(d)
    case .string(let s): return .text(s)
    case .bool(let b): return .bool(b)
    case .null: return .null
    }
}
