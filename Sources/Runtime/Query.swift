import DSL
import Mapping
import DatabaseKit
import SQLBuilder

// A query after name resolution: every property and association is checked against the mapping,
// so compiling it to SQL cannot fail on names. The workbench builds these from DSL expressions.

/// A column reached from the query's root entity through zero or more to-one associations:
/// `name` (no hops), `author.name` (one belongs-to hop → a JOIN).
public struct ColumnPath: Sendable, Equatable {
    /// To-one associations followed from the root, in order, with the entity each starts from.
    public var hops: [Hop]
    /// The entity that owns the column.
    public var entity: String
    public var column: String
    public var scalarType: ScalarType?

    public struct Hop: Sendable, Equatable {
        public var from: String
        public var association: Association
        public init(from: String, association: Association) {
            self.from = from
            self.association = association
        }
    }

    public init(hops: [Hop] = [], entity: String, column: String, scalarType: ScalarType?) {
        self.hops = hops
        self.entity = entity
        self.column = column
        self.scalarType = scalarType
    }

    /// As written in the DSL: "author.name".
    public var dslPath: String {
        (hops.map(\.association.name) + [column]).joined(separator: ".")
    }
}

/// A value in a condition.
public indirect enum Operand: Sendable, Equatable {
    case column(ColumnPath)
    case value(DatabaseValue)
    case arithmetic(Operand, String, Operand)
    /// `lower(email)` in a bulk update's value: the SQL function of the same name.
    case function(ScalarFunction, [Operand])
}

/// A resolved condition of `where(...)` / `having(...)`.
public indirect enum Predicate: Sendable, Equatable {
    case compare(Operand, String, Operand)
    case like(Operand, Operand)
    case isNull(Operand, negated: Bool)
    case inList(Operand, [DatabaseValue])
    case and([Predicate])
    case or([Predicate])
    case not(Predicate)
    /// `books.any(year > 2000)`: EXISTS over a to-many association (condition in the target's scope).
    case any(owner: String, association: Association, condition: Predicate?)
    /// A condition on an aggregate, for `having`: `count > 2`.
    case aggregate(Aggregate, String, DatabaseValue)
}

/// `count`, `sum(price)`, ...
public struct Aggregate: Sendable, Equatable {
    public enum Function: String, Sendable, CaseIterable {
        case count = "COUNT", sum = "SUM", avg = "AVG", min = "MIN", max = "MAX"
    }
    public var function: Function
    public var column: ColumnPath?
    public init(_ function: Function, _ column: ColumnPath?) {
        self.function = function
        self.column = column
    }

    /// As written in the DSL: "count", "max(year)".
    public var dsl: String {
        guard let column else { return function.rawValue.lowercased() }
        return "\(function.rawValue.lowercased())(\(column.dslPath))"
    }
}

/// How an `include` loads its association.
public enum EagerStrategy: String, Sendable, Equatable {
    /// A second query with `WHERE fk IN (...)` (Rails' preload, SQLAlchemy's selectinload).
    case inList = "in"
    /// One `LEFT JOIN` whose rows are collapsed into objects (Rails' eager_load, SQLAlchemy's joinedload).
    case join
}

/// `include(books.tags, using: join)`: an association path loaded eagerly.
public struct IncludePath: Sendable, Equatable {
    /// Association names from the root: ["books", "tags"].
    public var path: [String]
    public var strategy: EagerStrategy
    public init(path: [String], strategy: EagerStrategy) {
        self.path = path
        self.strategy = strategy
    }
    public var dsl: String {
        let p = path.joined(separator: ".")
        return strategy == .join ? "include(\(p), using: join)" : "include(\(p))"
    }
}

/// Which rows of a soft-deleting entity a query reads.
public enum DeletedRows: Sendable, Equatable {
    case skip, include, only
}

/// A resolved query on one root entity.
public struct Query: Sendable, Equatable {
    public var entity: String
    public var filter: Predicate?
    public var order: [(path: ColumnPath, descending: Bool)]
    public var limit: Int64?
    public var offset: Int64?
    /// Keyset pagination: rows after this key (with the default key order): an id, or a
    /// natural key's text.
    public var afterKey: DatabaseValue?
    /// Projection: the scalar columns to load (id always comes along); nil loads all.
    public var selection: [String]?
    public var includes: [IncludePath]
    /// GROUP BY columns.
    public var grouping: [ColumnPath]
    public var having: Predicate?
    /// The DSL text of this query, used as the statement's cause ("Author.where(born < 1950)").
    public var dsl: String
    /// `.lock`: pessimistic locking of the rows it loads (FOR UPDATE, or SQLite's BEGIN IMMEDIATE).
    public var lock: RowLock? = nil
    /// For an entity with `soft delete`: skip deleted rows (the default), include them
    /// (`with_deleted`) or read only them (`only_deleted`).
    public var deletedRows: DeletedRows = .skip
    /// `distinct`: SELECT DISTINCT.
    public var distinct = false

    public init(entity: String, dsl: String) {
        self.entity = entity
        self.filter = nil
        self.order = []
        self.limit = nil
        self.offset = nil
        self.afterKey = nil
        self.selection = nil
        self.includes = []
        self.grouping = []
        self.having = nil
        self.dsl = dsl
    }

    public static func == (a: Query, b: Query) -> Bool {
        a.entity == b.entity && a.filter == b.filter && a.limit == b.limit && a.offset == b.offset
            && a.selection == b.selection && a.includes == b.includes && a.dsl == b.dsl
            && a.order.map(\.path) == b.order.map(\.path) && a.order.map(\.descending) == b.order.map(\.descending)
            && a.grouping == b.grouping && a.having == b.having && a.afterKey == b.afterKey && a.lock == b.lock && a.deletedRows == b.deletedRows && a.distinct == b.distinct
    }
}
