import DSL
import SQLBuilder
import DatabaseKit

// The resolved schema: what every entity maps to. Built from `EntityDecl`s by `SchemaBuilder`,
// read by the runtime (hydration, query compilation, unit of work), the renderers' mapping pane
// and the Swift exporters.

/// The scalar types a property can have.
public enum ScalarType: String, Sendable, CaseIterable {
    case int = "Int"
    case double = "Double"
    case string = "String"
    case bool = "Bool"
    case date = "Date"
    case data = "Data"
    /// Exact decimal numbers (money): `NUMERIC(10,2)`. Never computed through Double, see
    /// `ExactDecimal`.
    case decimal = "Decimal"

    /// What its column holds; the dialect names the SQL type (`Dialect.columnTypeName`).
    public var columnType: ColumnType {
        switch self {
        case .decimal: return .decimal(precision: ExactDecimal.defaultPrecision, scale: ExactDecimal.defaultScale)
        case .int: return .integer
        case .bool: return .boolean
        case .double: return .real
        case .string: return .text
        case .date: return .date
        case .data: return .blob
        }
    }
}

/// What a column holds.
public enum ColumnRole: Sendable, Equatable {
    /// The integer primary key `id`.
    case primaryKey
    /// A scalar property.
    case scalar(ScalarType)
    /// The foreign key of a belongs-to association (`author_id` for `author: Author`).
    case foreignKey(association: String, target: String)
}

/// One column of an entity's table, in physical order.
public struct Column: Sendable, Equatable {
    /// The SQL column name ("name", "author_id").
    public var name: String
    /// The property (or association, for a foreign key) it stores.
    public var property: String
    public var role: ColumnRole
    public var isNullable: Bool
    public var isUnique: Bool
    public var defaultValue: Literal?
    /// For foreign keys: the rule SQLite enforces on delete of the parent, if declared.
    public var onDelete: DeleteRule?
    /// Where the learner declared it.
    public var declRange: SourceRange?
    /// The type the existing table declares (`NVARCHAR(120)`, `NUMERIC(10,2)`), when the table
    /// was made by another program: the mapping pane shows it, and a Decimal takes its scale.
    public var declaredType: String?
    /// The primary key only: every insert gives it (`id: Int assigned`); the database numbers none.
    public var isAssignedKey = false
    /// The key is text (a natural key, `id: String column("code")`), or the foreign key points at
    /// one: the column holds TEXT, and objects are identified by that text.
    public var holdsTextKey = false

    public init(name: String, property: String, role: ColumnRole, isNullable: Bool = false,
                isUnique: Bool = false, defaultValue: Literal? = nil, onDelete: DeleteRule? = nil,
                declRange: SourceRange? = nil) {
        self.name = name
        self.property = property
        self.role = role
        self.isNullable = isNullable
        self.isUnique = isUnique
        self.defaultValue = defaultValue
        self.onDelete = onDelete
        self.declRange = declRange
    }

    /// What the column holds: keys are integers, a scalar its type's kind.
    public var columnType: ColumnType {
        switch role {
        case .primaryKey, .foreignKey: return holdsTextKey ? .text : .integer
        case .scalar(.decimal):
            let (precision, scale) = ExactDecimal.precisionAndScale(declaredType)
            return .decimal(precision: precision, scale: scale)
        case .scalar(let t): return t.columnType
        }
    }

    /// The digits after the point of a Decimal column (2 unless its declared type says).
    public var decimalScale: Int { ExactDecimal.precisionAndScale(declaredType).scale }

    public var scalarType: ScalarType? {
        if case .scalar(let t) = role { return t }
        return nil
    }
}

/// The association kinds, named as in Rails/ActiveRecord (and recognisable in every ORM).
public enum AssociationKind: String, Sendable, Equatable {
    /// This table holds the foreign key (`book.author_id`).
    case belongsTo = "belongs-to"
    /// The other table holds a foreign key pointing here; many rows.
    case hasMany = "has-many"
    /// The other table holds a unique foreign key pointing here; at most one row.
    case hasOne = "has-one"
    /// Both sides are arrays: a join table holds pairs of ids.
    case manyToMany = "many-to-many"

    public var isToMany: Bool { self == .hasMany || self == .manyToMany }
}

/// A join table for a many-to-many association.
public struct JoinTable: Sendable, Equatable, Hashable {
    /// "book_tag"
    public var name: String
    /// Column pointing at the owning side ("book_id" when seen from Book.tags).
    public var ownerColumn: String
    /// Column pointing at the target side ("tag_id").
    public var targetColumn: String

    public init(name: String, ownerColumn: String, targetColumn: String) {
        self.name = name
        self.ownerColumn = ownerColumn
        self.targetColumn = targetColumn
    }
}

/// One association of an entity, seen from that entity.
public struct Association: Sendable, Equatable {
    public var name: String
    public var kind: AssociationKind
    /// The entity on the other side.
    public var target: String
    /// belongs-to: the column in this entity's table; has-many / has-one: the column in the
    /// target's table that points back here. nil for many-to-many (see `joinTable`).
    public var foreignKey: String?
    /// Many-to-many only; columns seen from this side.
    public var joinTable: JoinTable?
    /// The association on the other side, when declared ("author" for Author.books).
    public var inverse: String?
    /// belongs-to only: may the foreign key be NULL?
    public var isOptional: Bool
    public var onDelete: DeleteRule?
    public var declRange: SourceRange?

    public init(name: String, kind: AssociationKind, target: String, foreignKey: String? = nil,
                joinTable: JoinTable? = nil, inverse: String? = nil, isOptional: Bool = false,
                onDelete: DeleteRule? = nil, declRange: SourceRange? = nil) {
        self.name = name
        self.kind = kind
        self.target = target
        self.foreignKey = foreignKey
        self.joinTable = joinTable
        self.inverse = inverse
        self.isOptional = isOptional
        self.onDelete = onDelete
        self.declRange = declRange
    }

    public var isToMany: Bool { kind.isToMany }
}

/// A secondary index.
public struct Index: Sendable, Equatable {
    /// "author_name", "book_year"
    public var name: String
    public var columns: [String]
    public var isUnique: Bool
    public init(name: String, columns: [String], isUnique: Bool) {
        self.name = name
        self.columns = columns
        self.isUnique = isUnique
    }
}

/// How one entity maps to one table.
public struct EntityMapping: Sendable, Equatable {
    public var name: String
    public var table: String
    /// Physical column order of the table; `columns[0]` is always the primary key `id`.
    /// Managed objects store one value per column, in this order.
    public var columns: [Column]
    /// In declaration order.
    public var associations: [Association]
    public var indexes: [Index]
    /// `subject: Post | Photo` and `comments: [Comment] via subject` (see Polymorphic.swift);
    /// kept apart from `associations`, whose code reads one target and one foreign key.
    public var polymorphicAssociations: [PolymorphicAssociation] = []
    /// The declaration this mapping was built from (replayed when a file database is reopened,
    /// exported as Swift, diffed on redefinition).
    public var declaration: EntityDecl

    public init(name: String, table: String, columns: [Column], associations: [Association],
                indexes: [Index], declaration: EntityDecl) {
        self.name = name
        self.table = table
        self.columns = columns
        self.associations = associations
        self.indexes = indexes
        self.declaration = declaration
    }

    /// The primary key's column ("id", or "ArtistId" when mapped with `id: Int column("ArtistId")`).
    public var primaryKeyColumn: String { columns[0].name }
    /// The optimistic-locking counter's column (a bare `version` member), if declared.
    public var versionColumn: Int? {
        for case .property(let p) in declaration.members where p.isVersion { return columnIndex(forProperty: p.name.name) }
        return nil
    }

    /// Index of the column with this SQL name.
    public func columnIndex(named column: String) -> Int? {
        columns.firstIndex { $0.name == column }
    }

    /// Index of the column storing this scalar property or belongs-to association.
    public func columnIndex(forProperty property: String) -> Int? {
        columns.firstIndex { $0.property == property }
    }

    public func association(named name: String) -> Association? {
        associations.first { $0.name == name }
    }

    /// `soft delete`: the deleted_at column, which a delete sets and queries skip rows by.
    public var softDeleteColumn: String? {
        for member in declaration.members { if case .softDelete = member { return columns.first { $0.property == "deleted_at" }?.name } }
        return nil
    }

    /// Scalar property columns (not id, not foreign keys), in declaration order.
    public var scalarColumns: [Column] {
        columns.filter { if case .scalar = $0.role { return true } else { return false } }
    }

    /// Every name the learner can use after `Entity.` or inside `where(...)`.
    public var memberNames: [String] {
        ["id"] + scalarColumns.map(\.property) + associations.map(\.name) + polymorphicAssociations.map(\.name)
    }
}

/// The whole resolved schema of a session.
public struct Schema: Sendable, Equatable {
    /// Entities by name.
    public var entities: [String: EntityMapping]
    /// Names in the order they were defined.
    public var order: [String]
    /// Declarations waiting for an entity that is not defined yet (name → missing entity names).
    public var waiting: [String: [String]]
    /// The declarations of the waiting entities, in the order they were declared (kept so that
    /// they can be mapped once what they wait for is defined).
    public var waitingDeclarations: [EntityDecl]
    /// Many-to-many join tables that exist.
    public var joinTables: [JoinTable]
    /// New declarations of defined entities that wait for another defined entity to be
    /// redefined: the first side of a many-to-many added between two existing entities. The
    /// entity keeps its current mapping until then.
    public var pendingRedefinitions: [PendingRedefinition]
    public var naming: NamingConvention
    /// SQLite has ALTER TABLE DROP COLUMN (3.35 and later); without it a dropped column takes
    /// the table rebuild. Set by the session from the library it runs on.
    public var canDropColumns = true
    /// Join entities (`key(playlist, track)` over two to-ones): each names the join table of the
    /// many-to-many between its two entities. They have no mapping of their own (see JoinEntity.swift).
    public var joinEntities: [EntityDecl] = []
    /// The classes of inheritance hierarchies (`entity Car : Vehicle`), by entity name; empty
    /// when no entity inherits (Inheritance.swift).
    public var hierarchy: [String: HierarchyMember] = [:]

    public init(naming: NamingConvention = .standard) {
        self.entities = [:]
        self.order = []
        self.waiting = [:]
        self.waitingDeclarations = []
        self.joinTables = []
        self.pendingRedefinitions = []
        self.naming = naming
    }

    public func entity(_ name: String) -> EntityMapping? { entities[name] }

    /// Defined entities in definition order.
    public var orderedEntities: [EntityMapping] { order.compactMap { entities[$0] } }

    /// Why an entity has no table yet: "Book waits for Author, which is not defined", or, when
    /// what it waits for exists, "Book waits for Tag to point back at it". Nil when not waiting.
    public func waitingSentence(for entity: String) -> String? {
        guard let missing = waiting[entity] else { return nil }
        let list = missing.joined(separator: ", ")
        if missing.allSatisfy({ entities[$0] != nil }) {
            return "\(entity) waits for \(list) to point back at it"
        }
        return "\(entity) waits for \(list), which \(missing.count == 1 ? "is" : "are") not defined"
    }
}

/// A redefinition of a defined entity that waits for the entities in `waitsFor` to declare the
/// other side of its new to-many associations.
public struct PendingRedefinition: Sendable, Equatable {
    public var declaration: EntityDecl
    public var waitsFor: [String]

    public var entity: String { declaration.name.name }

    /// "new definition waits for Tag", as the mapping pane and the exports say it.
    public var status: String { "new definition waits for \(waitsFor.joined(separator: ", "))" }
}

/// Table and column naming rules. `standard` is ORMLab's (singular snake_case, like Django/GRDB);
/// `rails` pluralises table names as ActiveRecord does.
public enum NamingConvention: String, Sendable, Equatable, CaseIterable {
    case standard
    case rails
}

extension EntityDecl {
    /// `id: String`: the entity is identified by a natural (text) key.
    public var declaresTextKey: Bool { property(named: "id")?.type.name.name == "String" }
}
