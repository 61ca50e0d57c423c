// The driver seam: what the ORM asks of a database, whichever one it is. SQLiteKit's `Connection`
// conforms; a second driver (PostgresKit over libpq) is one more conforming type. Nothing above
// the drivers calls a C API or names a driver's own tables: it calls these.
//
// SQL text reaches a driver already rendered by a `Dialect` (SQLBuilder), with its values bound
// as parameters. What a driver adds on its own is only what its database alone can answer:
// introspection (its catalog), query plans, and where ORMLab keeps its metadata.

// MARK: - Database

/// An open database connection: runs rendered SQL, reports every statement to `observer`, and
/// answers the questions only the database itself can (catalog, plans, generated keys).
///
/// `Row` is an associated type, not an existential, so code that holds the concrete driver (the
/// Runtime's hydration loops) reads columns by index with direct, inlinable calls.
public protocol Database: AnyObject {
    /// A row of a running query, read by column index; valid only inside the query's body.
    associatedtype Row: DatabaseRow

    /// The trace hook: called after every statement run through `execute`, `run` or `query`.
    var observer: ((ExecutedStatement) -> Void)? { get set }

    // MARK: Running statements

    /// Runs statements without parameters (DDL, transaction control, a script of several).
    func execute(_ sql: String) throws
    /// Runs a write with bound parameters through the statement cache (prepared once per SQL
    /// text, reused); returns the number of rows changed.
    @discardableResult
    func run(_ sql: String, _ params: [DatabaseValue]) throws -> Int
    /// Runs a query with bound parameters through the statement cache, stepping its rows into
    /// `body`; returns the number of rows.
    @discardableResult
    func query(_ sql: String, _ params: [DatabaseValue], _ body: (Row) throws -> Void) throws -> Int
    /// Forgets the prepared statements (after a schema change, so they are planned again).
    func clearStatementCache()

    // MARK: State

    /// The generated key (SQLite: rowid) of the most recent successful INSERT.
    var lastInsertID: Int64 { get }
    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    var changes: Int { get }
    /// True inside an explicit transaction (BEGIN or a savepoint without its end yet).
    var isInTransaction: Bool { get }
    /// True when the database can drop a column with `ALTER TABLE … DROP COLUMN` (no rebuild).
    var supportsDropColumn: Bool { get }
    /// Stops the running statement at its next opportunity (safe from another thread).
    func interrupt()

    // MARK: Explain and introspection

    /// The plan the database would use for `sql`, one step per row; recorded like a query.
    func queryPlan(_ sql: String, _ params: [DatabaseValue]) throws -> [QueryPlanStep]
    /// The user tables, sorted by name (the database's own tables excluded).
    func tableNames() throws -> [String]
    /// The columns of `table` in order; empty if there is no such table.
    func columns(of table: String) throws
        -> [(name: String, type: String, notNull: Bool, defaultValue: String?, primaryKey: Bool)]
    /// A number that changes with every schema change (SQLite's `schema_version`); read before
    /// every command, so it is not recorded and stays cheap.
    func schemaVersion() -> Int64?
    /// Each schema object (table, index) with its DDL, ORMLab's metadata table left out.
    func schemaObjects() throws -> [SchemaObject]
    /// `"ok"` for a healthy database, else the findings, one per line.
    func integrityCheck() throws -> String
    /// A new, empty database of the same kind with this one's schema (and planner statistics),
    /// to try a change such as an index and read the plans it gives, leaving this one untouched.
    func emptyCopyOfSchema() throws -> Self

    // MARK: ORMLab's metadata

    /// The entity declarations stored by `storeEntityDefinition`, in the order first stored.
    func storedEntityDefinitions() throws -> [StoredEntityDefinition]
    /// Stores (or replaces) an entity's declaration, so a reopened database restores its mapping.
    func storeEntityDefinition(_ definition: StoredEntityDefinition) throws
    /// True for the table the driver keeps ORMLab's metadata in (left out of listings).
    func isMetadataTable(_ name: String) -> Bool
    /// The keys, foreign keys, indexes and views of the schema, or nil when the driver cannot
    /// read them (yet); by default the driver itself when it conforms to `SchemaCatalog`.
    var schemaCatalog: (any SchemaCatalog)? { get }
}

extension Database {
    public var schemaCatalog: (any SchemaCatalog)? { self as? any SchemaCatalog }

    /// `query(_:_:_:)` without parameters.
    @discardableResult
    public func query(_ sql: String, _ body: (Row) throws -> Void) throws -> Int {
        try query(sql, [], body)
    }

    /// `run(_:_:)` without parameters.
    @discardableResult
    public func run(_ sql: String) throws -> Int {
        try run(sql, [])
    }
}

// MARK: - DatabaseRow

/// A row of a running query, read by column index (0-based, below `columnCount`).
public protocol DatabaseRow {
    /// Number of columns in the row.
    var columnCount: Int { get }
    /// True when column `i` holds NULL.
    func isNull(_ i: Int) -> Bool
    /// Column `i` as an integer (NULL reads as 0).
    func int64(_ i: Int) -> Int64
    /// Column `i` as an integer, or nil when it holds NULL.
    func nonNullInt64(_ i: Int) -> Int64?
    /// Column `i` as a double (NULL reads as 0.0).
    func double(_ i: Int) -> Double
    /// Column `i` as text ("" for NULL).
    func string(_ i: Int) -> String
    /// Column `i` as bytes ([] for NULL).
    func blob(_ i: Int) -> [UInt8]
    /// Column `i` as the value it holds, unconverted.
    func value(_ i: Int) -> DatabaseValue
    /// The name of column `i` (its `AS` alias if any).
    func columnName(_ i: Int) -> String
}

extension DatabaseRow {
    /// Every column of the row as values, in order (allocates; for display, not for hydration).
    public var values: [DatabaseValue] { (0..<columnCount).map { value($0) } }
}

// MARK: - DatabaseError

/// A failure the database reported, in terms every driver can answer; the driver's own error
/// type (`SQLiteError`) conforms and carries its codes.
public protocol DatabaseError: Error, CustomStringConvertible {
    /// The database's message.
    var message: String { get }
    /// The SQL being prepared or run, if any.
    var sql: String? { get }
    /// The driver's name for the precise failure (`SQLITE_CONSTRAINT_UNIQUE`).
    var codeName: String { get }
    /// True for a broken UNIQUE, NOT NULL, CHECK or foreign key constraint.
    var isConstraintViolation: Bool { get }
    /// True when the statement was stopped by `interrupt()`.
    var isInterrupted: Bool { get }
    /// True when the statement gave up waiting for a lock another connection holds.
    var isLockTimeout: Bool { get }
    /// Which kind of constraint the statement broke, when it broke one.
    var violatedConstraint: ConstraintKind? { get }
    /// The columns of the broken constraint as "table.column", when the database names them
    /// (each driver reads its own message format; empty when it cannot tell).
    var violatedColumns: [String] { get }
}

extension DatabaseError {
    public var violatedColumns: [String] { [] }
    /// True when the statement gave up waiting for a lock another connection holds
    /// (SQLite's `database is locked`, PostgreSQL's `lock_timeout`).
    public var isLockTimeout: Bool { false }
}

/// The kinds of constraint an ORM explains in its own terms.
public enum ConstraintKind: Sendable, Equatable {
    case foreignKey
    /// UNIQUE or PRIMARY KEY: the value is already taken.
    case unique
    case notNull
    /// CHECK, or one the driver cannot tell apart.
    case other
}

// MARK: - Answers

/// One step of a query plan: its id, its parent's id (0 at the top) and what it does.
public struct QueryPlanStep: Sendable, Equatable {
    public var id: Int
    public var parent: Int
    public var detail: String
    public init(id: Int, parent: Int, detail: String) {
        self.id = id
        self.parent = parent
        self.detail = detail
    }
}

/// An object of the database schema as its catalog lists it.
public struct SchemaObject: Sendable, Equatable {
    /// `table`, `index`, ...
    public var type: String
    public var name: String
    /// The table it belongs to (itself for a table).
    public var tableName: String
    /// Its DDL; nil for objects the database made itself (an automatic index).
    public var sql: String?
    public init(type: String, name: String, tableName: String, sql: String?) {
        self.type = type
        self.name = name
        self.tableName = tableName
        self.sql = sql
    }
}

/// An entity declaration as ORMLab stores it in the database: its name and its DSL source.
public struct StoredEntityDefinition: Sendable, Equatable {
    public var name: String
    public var source: String
    public init(name: String, source: String) {
        self.name = name
        self.source = source
    }
}

// MARK: - Reading a schema ORMLab did not make

/// A foreign key as the catalog declares it: `from` in this table references `table`(`to`).
public struct ForeignKeyInfo: Sendable, Equatable {
    public var from: String
    public var table: String
    /// Nil when the reference names no column (the parent's primary key).
    public var to: String?
    /// `CASCADE`, `SET NULL`, `RESTRICT`, `NO ACTION`, `SET DEFAULT`.
    public var onDelete: String
    public init(from: String, table: String, to: String?, onDelete: String) {
        self.from = from
        self.table = table
        self.to = to
        self.onDelete = onDelete
    }
}

/// An index as the catalog lists it.
public struct IndexInfo: Sendable, Equatable {
    public var name: String
    public var columns: [String]
    public var isUnique: Bool
    /// Made by a PRIMARY KEY or UNIQUE constraint rather than CREATE INDEX.
    public var isFromConstraint: Bool
    /// A partial index (`CREATE INDEX … WHERE …`): it serves only queries that imply its
    /// condition, so the mapping does not count it as an index on its columns.
    public var isPartial: Bool
    public init(name: String, columns: [String], isUnique: Bool, isFromConstraint: Bool, isPartial: Bool = false) {
        self.name = name
        self.columns = columns
        self.isUnique = isUnique
        self.isFromConstraint = isFromConstraint
        self.isPartial = isPartial
    }
}

/// What inferring a model from an existing database reads of the catalog. A driver that cannot
/// answer (yet) reports none, and the model is inferred from tables and columns alone.
public protocol SchemaCatalog {
    /// The primary key's columns of `table`, in key order (empty when it has none).
    func primaryKeyColumns(of table: String) throws -> [String]
    func foreignKeys(of table: String) throws -> [ForeignKeyInfo]
    func indexes(of table: String) throws -> [IndexInfo]
    /// The views, sorted by name.
    func viewNames() throws -> [String]
    /// Declared types with their modifiers by column name (`NUMERIC(10,2)`), where `columns(of:)`
    /// gives less; empty when `columns(of:)` says it all (SQLite keeps the DDL's text).
    func declaredColumnTypes(of table: String) throws -> [String: String]
    /// True when the database gives `column` of `table` a value on INSERT without one (SQLite's
    /// rowid alias, PostgreSQL's identity or sequence default): a key ORMLab can leave out.
    func generatesValue(of column: String, in table: String) throws -> Bool
}

extension SchemaCatalog {
    public func declaredColumnTypes(of table: String) throws -> [String: String] { [:] }
    public func generatesValue(of column: String, in table: String) throws -> Bool { true }
}
