import DatabaseKit

// Statements that change the schema or control transactions, as values. The mapping builds them
// (DDL, migrations, the table rebuild); the session runs them; `Dialect.render` spells them.

// MARK: - Columns and tables

/// A literal in DDL (a column's DEFAULT): the one place a value is written into SQL text, since
/// a schema cannot take bound parameters.
public enum SQLLiteral: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case bool(Bool)
    case null
}

/// What a column holds, as the mapping chose it; each dialect names it (`Dialect.columnTypeName`):
/// a boolean is `INTEGER` on SQLite and `BOOLEAN` on PostgreSQL, a date `TEXT` and `TIMESTAMP`.
public enum ColumnType: Sendable, Equatable {
    /// A whole number, and every key (primary and foreign).
    case integer
    /// A floating-point number.
    case real
    case text
    case boolean
    /// A point in time.
    case date
    /// Bytes.
    case blob
    /// An exact decimal number with `precision` digits, `scale` of them after the point (money).
    case decimal(precision: Int, scale: Int)
}

/// `REFERENCES "author"("id") ON DELETE CASCADE`
public struct ForeignKeyReference: Sendable, Equatable {
    public var table: String
    public var column: String
    /// `CASCADE`, `SET NULL`, `RESTRICT`; nil for the database's default (no action).
    public var onDelete: String?
    public init(table: String, column: String = "id", onDelete: String? = nil) {
        self.table = table
        self.column = column
        self.onDelete = onDelete
    }
}

/// One column of a CREATE TABLE or ALTER TABLE ADD COLUMN:
/// `"author_id" INTEGER NOT NULL REFERENCES "author"("id") ON DELETE CASCADE`.
public struct ColumnDefinition: Sendable, Equatable {
    public var name: String
    /// What it holds; the dialect writes the type name (`INTEGER`, `TEXT`, `REAL`, `BLOB` on SQLite).
    public var type: ColumnType
    /// The row's key (`PRIMARY KEY`; nothing else is written after it).
    public var isPrimaryKey: Bool
    public var notNull: Bool
    public var unique: Bool
    public var defaultValue: SQLLiteral?
    public var references: ForeignKeyReference?
    /// A key the database numbers (the default); false for a key every insert gives (`assigned`):
    /// no identity column for it. (SQLite's INTEGER PRIMARY KEY is the rowid either way.)
    public var isGenerated = true

    public init(name: String, type: ColumnType, isPrimaryKey: Bool = false, notNull: Bool = false, unique: Bool = false,
                defaultValue: SQLLiteral? = nil, references: ForeignKeyReference? = nil) {
        self.name = name
        self.type = type
        self.isPrimaryKey = isPrimaryKey
        self.notNull = notNull
        self.unique = unique
        self.defaultValue = defaultValue
        self.references = references
    }
}

/// `CREATE TABLE [IF NOT EXISTS] "book" (columns[, PRIMARY KEY (...)])`
public struct CreateTable: Sendable, Equatable {
    public var name: String
    public var columns: [ColumnDefinition]
    /// A composite primary key as a table constraint (a join table's pair); empty otherwise.
    public var primaryKey: [String]
    public var ifNotExists: Bool
    public init(name: String, columns: [ColumnDefinition], primaryKey: [String] = [], ifNotExists: Bool = false) {
        self.name = name
        self.columns = columns
        self.primaryKey = primaryKey
        self.ifNotExists = ifNotExists
    }
}

/// `CREATE [UNIQUE] INDEX "book_year" ON "book"("year")`
public struct CreateIndex: Sendable, Equatable {
    public var name: String
    public var table: String
    public var columns: [String]
    public var unique: Bool
    public var ifNotExists: Bool
    public init(name: String, table: String, columns: [String], unique: Bool = false, ifNotExists: Bool = false) {
        self.name = name
        self.table = table
        self.columns = columns
        self.unique = unique
        self.ifNotExists = ifNotExists
    }
}

// MARK: - Transaction control

/// A savepoint's name; `quoted` keeps the spelling the statement log has always shown.
public struct Savepoint: Sendable, Equatable {
    public var name: String
    public var quoted: Bool
    public init(_ name: String, quoted: Bool = true) {
        self.name = name
        self.quoted = quoted
    }
    /// The unit of work's flush inside an open transaction.
    public static let flush = Savepoint("flush", quoted: false)
    /// `:seed`'s rows, all or none.
    public static let seed = Savepoint("seed", quoted: true)
}

/// BEGIN, COMMIT, ROLLBACK and the savepoint statements.
public enum TransactionStatement: Sendable, Equatable {
    case begin
    /// A transaction that takes the write lock at once (SQLite's BEGIN IMMEDIATE), so a second
    /// writer waits at BEGIN instead of failing at its first write.
    case beginImmediate
    case commit
    case rollback
    case savepoint(Savepoint)
    case release(Savepoint)
    case rollbackTo(Savepoint)
}

// MARK: - Changing a column in place

/// One change ALTER TABLE makes to an existing column where the database can (PostgreSQL; not
/// SQLite, which rebuilds the table instead).
public enum ColumnAlteration: Sendable, Equatable {
    /// `ALTER COLUMN … TYPE new USING …`: the values are converted.
    case type(from: ColumnType, to: ColumnType)
    /// `SET NOT NULL` / `DROP NOT NULL`.
    case notNull(Bool)
    /// `SET DEFAULT …` / `DROP DEFAULT`.
    case defaultValue(SQLLiteral?)
    /// `ADD CONSTRAINT "t_c_key" UNIQUE ("c")` / `DROP CONSTRAINT "t_c_key"`.
    case unique(Bool)
    /// `DROP CONSTRAINT "t_c_fkey"` and, for a new target, `ADD CONSTRAINT "t_c_fkey" FOREIGN KEY …`.
    case foreignKey(ForeignKeyReference?)
}

// MARK: - Transactions and locks

/// The SQL standard's isolation levels, weakest first (`begin isolation serializable`).
public enum IsolationLevel: String, Sendable, CaseIterable {
    case readUncommitted = "read uncommitted"
    case readCommitted = "read committed"
    case repeatableRead = "repeatable read"
    case serializable
}

/// A pessimistic lock on the rows a SELECT reads (`Query.lock`).
public enum RowLock: Sendable, Equatable {
    /// `FOR UPDATE`: other writers of these rows wait until this transaction ends.
    case forUpdate
    /// `FOR UPDATE NOWAIT`: fail at once instead of waiting.
    case forUpdateNoWait
    /// `FOR UPDATE SKIP LOCKED`: leave out rows another transaction holds.
    case forUpdateSkipLocked
}

// MARK: - Schema statements

/// One step of a schema change, as the mapping plans it and the session runs it.
public enum SchemaStatement: Sendable, Equatable {
    case createTable(CreateTable)
    case createIndex(CreateIndex)
    case dropTable(String)
    case dropIndex(String)
    /// `ALTER TABLE "book" ADD COLUMN ...`
    case addColumn(table: String, ColumnDefinition)
    /// `ALTER TABLE "book" DROP COLUMN "subtitle"`
    case dropColumn(table: String, column: String)
    /// `ALTER TABLE "new_book" RENAME TO "book"`
    case renameTable(String, to: String)
    /// `INSERT INTO "new_book" (columns) SELECT columns FROM "book"`: a rebuild's copy.
    case copyRows(from: String, into: String, columns: [String])
    case transaction(TransactionStatement)
    /// Foreign-key enforcement off or on around a table rebuild (where the dialect needs it).
    case foreignKeyEnforcement(Bool)
    /// Lists the rows of a table whose foreign keys point nowhere (rows, not an error).
    case foreignKeyCheck(table: String)
    /// `ALTER TABLE "book" ALTER COLUMN "year" …`: a column changed in place.
    case alterColumn(table: String, column: String, ColumnAlteration)
    /// Moves the table's identity column past its largest id (after rows were copied in with
    /// their ids), where the database numbers rows with a sequence; nil SQL elsewhere.
    case resetGeneratedKey(table: String, column: String)
    /// `INSERT INTO "car" ("id", "doors") SELECT "id", "doors" FROM "vehicle" WHERE "type" IN ('Car', …)`:
    /// the rows of some classes of a single-table hierarchy moved into a joined subclass table.
    case copyClassRows(from: String, into: String, columns: [String], discriminator: String, classes: [String])
    /// `UPDATE "vehicle" SET "doors" = (SELECT "car"."doors" FROM "car" WHERE "car"."id" = "vehicle"."id") WHERE "id" IN (SELECT "id" FROM "car")`:
    /// a joined subclass table's columns moved back into the root's table.
    case copyColumnsBack(into: String, from: String, columns: [String])
}

// MARK: - Rendering

extension Dialect {
    /// The SQL of a schema statement; nil when this dialect needs no such step (a database that
    /// checks foreign keys itself has no foreign-key switch).
    public func render(_ statement: SchemaStatement) -> String? {
        let sql = schemaSQL(statement)
        if let sql { statementTrees?.record(sql, .schema(statement)) }
        return sql
    }

    private func schemaSQL(_ statement: SchemaStatement) -> String? {
        switch statement {
        case .createTable(let table):
            var parts = table.columns.map(columnDefinitionSQL)
            if !table.primaryKey.isEmpty {
                parts.append("PRIMARY KEY (" + table.primaryKey.map(quoteIdentifier).joined(separator: ", ") + ")")
            }
            return "CREATE TABLE " + (table.ifNotExists ? "IF NOT EXISTS " : "") + quoteIdentifier(table.name)
                + " (" + parts.joined(separator: ", ") + ")"
        case .createIndex(let index):
            return "CREATE " + (index.unique ? "UNIQUE " : "") + "INDEX " + (index.ifNotExists ? "IF NOT EXISTS " : "") + quoteIdentifier(index.name)
                + " ON " + quoteIdentifier(index.table) + "(" + index.columns.map(quoteIdentifier).joined(separator: ", ") + ")"
        case .dropTable(let name):
            return "DROP TABLE " + quoteIdentifier(name)
        case .dropIndex(let name):
            return "DROP INDEX " + quoteIdentifier(name)
        case .addColumn(let table, let column):
            return "ALTER TABLE " + quoteIdentifier(table) + " ADD COLUMN " + columnDefinitionSQL(column)
        case .dropColumn(let table, let column):
            return "ALTER TABLE " + quoteIdentifier(table) + " DROP COLUMN " + quoteIdentifier(column)
        case .renameTable(let old, let new):
            return "ALTER TABLE " + quoteIdentifier(old) + " RENAME TO " + quoteIdentifier(new)
        case .copyRows(let source, let target, let columns):
            let list = columns.map(quoteIdentifier).joined(separator: ", ")
            return "INSERT INTO " + quoteIdentifier(target) + " (" + list + ") SELECT " + list + " FROM " + quoteIdentifier(source)
        case .transaction(let control):
            return transactionSQL(control)
        case .foreignKeyEnforcement(let enabled):
            return foreignKeyEnforcementSQL(enabled)
        case .foreignKeyCheck(let table):
            return foreignKeyCheckSQL(table: table)
        case .alterColumn(let table, let column, let change):
            return alterColumnSQL(table: table, column: column, change)
        case .resetGeneratedKey(let table, let column):
            return resetGeneratedKeySQL(table: table, column: column)
        case .copyClassRows(let source, let target, let columns, let discriminator, let classes):
            let list = columns.map(quoteIdentifier).joined(separator: ", ")
            // Class names are identifiers (letters, digits, _): literals that hold no user data.
            return "INSERT INTO " + quoteIdentifier(target) + " (" + list + ") SELECT " + list + " FROM " + quoteIdentifier(source)
                + " WHERE " + quoteIdentifier(discriminator) + " IN (" + classes.map { stringLiteral($0) }.joined(separator: ", ") + ")"
        case .copyColumnsBack(let target, let source, let columns):
            let key = quoteIdentifier("id")
            let sets = columns.map { c in
                quoteIdentifier(c) + " = (SELECT " + quoteIdentifier(source) + "." + quoteIdentifier(c) + " FROM " + quoteIdentifier(source)
                    + " WHERE " + quoteIdentifier(source) + "." + key + " = " + quoteIdentifier(target) + "." + key + ")"
            }
            return "UPDATE " + quoteIdentifier(target) + " SET " + sets.joined(separator: ", ")
                + " WHERE " + key + " IN (SELECT " + key + " FROM " + quoteIdentifier(source) + ")"
        }
    }

    /// `ALTER TABLE "t" ALTER COLUMN "c" …` (or the constraint form), in standard SQL; the
    /// constraint names are PostgreSQL's defaults (`t_c_key`, `t_c_fkey`), which is what a
    /// CREATE TABLE without names gets there.
    public func alterColumnSQL(table: String, column: String, _ change: ColumnAlteration) -> String {
        let prefix = "ALTER TABLE " + quoteIdentifier(table) + " "
        let alter = prefix + "ALTER COLUMN " + quoteIdentifier(column) + " "
        switch change {
        case .type(let from, let to):
            return alter + "TYPE " + columnTypeName(to) + " USING " + conversionSQL(quoteIdentifier(column), from: from, to: to)
        case .notNull(let on):
            return alter + (on ? "SET NOT NULL" : "DROP NOT NULL")
        case .defaultValue(let value):
            return alter + (value.map { "SET DEFAULT " + literalSQL($0) } ?? "DROP DEFAULT")
        case .unique(let on):
            let name = quoteIdentifier(table + "_" + column + "_key")
            return prefix + (on ? "ADD CONSTRAINT " + name + " UNIQUE (" + quoteIdentifier(column) + ")" : "DROP CONSTRAINT " + name)
        case .foreignKey(let reference):
            let name = quoteIdentifier(table + "_" + column + "_fkey")
            guard let reference else { return prefix + "DROP CONSTRAINT " + name }
            var sql = prefix + "ADD CONSTRAINT " + name + " FOREIGN KEY (" + quoteIdentifier(column) + ") REFERENCES "
                + quoteIdentifier(reference.table) + "(" + quoteIdentifier(reference.column) + ")"
            if let rule = reference.onDelete { sql += " ON DELETE " + rule }
            return sql
        }
    }


    /// `"author_id" INTEGER NOT NULL REFERENCES "author"("id") ON DELETE CASCADE`
    public func columnDefinitionSQL(_ column: ColumnDefinition) -> String {
        var parts = [quoteIdentifier(column.name), columnTypeName(column.type)]
        if column.isPrimaryKey {
            // An integer key is numbered by the database (SQLite's rowid, an identity column).
            // A text (natural) key: NOT NULL too, which SQLite's PRIMARY KEY alone does not imply.
            parts.append(column.type == .integer ? (column.isGenerated ? generatedKeyClause() : "PRIMARY KEY") : "PRIMARY KEY NOT NULL")
            return parts.joined(separator: " ")
        }
        if column.notNull { parts.append("NOT NULL") }
        if column.unique { parts.append("UNIQUE") }
        if let value = column.defaultValue { parts.append("DEFAULT " + literalSQL(value)) }
        if let reference = column.references {
            parts.append("REFERENCES " + quoteIdentifier(reference.table) + "(" + quoteIdentifier(reference.column) + ")")
            if let rule = reference.onDelete { parts.append("ON DELETE " + rule) }
        }
        return parts.joined(separator: " ")
    }

    /// A DDL literal: `42`, `1.5`, `'O''Brien'`, the dialect's boolean, `NULL`.
    public func literalSQL(_ literal: SQLLiteral) -> String {
        switch literal {
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .text(let s): return stringLiteral(s)
        case .bool(let b): return booleanLiteral(b)
        case .null: return "NULL"
        }
    }
}
