// The abstract syntax tree of the ORMLab DSL. Every node carries its source range so that any
// later layer (mapping, runtime) can point a diagnostic at the exact text.

// MARK: - Commands

/// One top-level command: what the learner typed at one prompt, or one statement of a script.
///
/// Every case is one reference (a `ScriptStatement` is a box already; the others are boxed), so a
/// command is 8 bytes where it was 97: a script moves each command through several layers,
/// and the largest case set the size of all of them.
public enum Command: Sendable, Equatable {
    indirect case entity(EntityDecl)
    case statement(ScriptStatement)
    /// A workbench command such as `:help lazy`. `name` excludes the colon; `argument` is the raw
    /// rest of the line, trimmed (`:explain Book.where(year > 2000)` has argument "Book.where(...)").
    indirect case workbench(name: String, argument: String, range: SourceRange, argumentRange: SourceRange)

    public var range: SourceRange {
        switch self {
        case .entity(let e): return e.range
        case .statement(let s): return s.range
        case .workbench(_, _, let r, _): return r
        }
    }
}

// MARK: - Entity definitions

/// `entity Author { ... }`
public struct EntityDecl: Sendable, Equatable {
    public var name: Identifier
    public var members: [MemberDecl]
    public var range: SourceRange
    /// `table("Artist")`: the real table, when it is not the naming convention's (explicit
    /// mapping, as `self.table_name` in Rails or `@Table(name:)` in JPA).
    public var table: MappedName?
    /// `entity Car : Vehicle`: the entity this one inherits from (see Inheritance.swift).
    public var parent: Identifier? = nil
    /// `entity Vehicle inheritance(single)`: how a hierarchy rooted here maps to tables.
    public var inheritance: InheritanceDecl? = nil

    public init(name: Identifier, members: [MemberDecl], range: SourceRange, table: MappedName? = nil) {
        self.name = name
        self.members = members
        self.range = range
        self.table = table
    }
}

/// A real table or column name written in the DSL (`table("Artist")`, `column("ArtistId")`),
/// with where it was written.
public struct MappedName: Sendable, Equatable {
    public var name: String
    public var range: SourceRange
    public init(_ name: String, _ range: SourceRange) {
        self.name = name
        self.range = range
    }
}

/// `join("PlaylistTrack", "PlaylistId", "TrackId")` on a many-to-many: its join table and the
/// columns pointing at this side and at the other (JPA's `@JoinTable(joinColumns:, inverseJoinColumns:)`).
public struct JoinTableDecl: Sendable, Equatable {
    public var table: MappedName
    public var ownerColumn: MappedName
    public var targetColumn: MappedName
    public var range: SourceRange
    public init(table: MappedName, ownerColumn: MappedName, targetColumn: MappedName, range: SourceRange) {
        self.table = table
        self.ownerColumn = ownerColumn
        self.targetColumn = targetColumn
        self.range = range
    }
}

/// A name with where it was written.
public struct Identifier: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var range: SourceRange
    public init(_ name: String, _ range: SourceRange) {
        self.name = name
        self.range = range
    }
    public var description: String { name }
}

public enum MemberDecl: Sendable, Equatable {
    case property(PropertyDecl)
    /// `index(a, b)` or `unique index(a, b)` on its own line.
    case index(IndexDecl)
    /// `key(playlist, track)`: a composite primary key.
    case key(KeyDecl)
    /// `on before save { email = lower(email) }`
    case callback(CallbackDecl)
    /// `timestamps`: created_at and updated_at, set by the unit of work.
    case timestamps(SourceRange)
    /// `soft delete`: deleted_at; delete sets it, queries skip such rows.
    case softDelete(SourceRange)
    /// `scope rich = where(balance > 1000)`: a named query, chainable.
    case scope(ScopeDecl)
}

/// `key(playlist, track)`
public struct KeyDecl: Sendable, Equatable {
    public var properties: [Identifier]
    public var range: SourceRange
    public init(properties: [Identifier], range: SourceRange) {
        self.properties = properties
        self.range = range
    }
}

/// `validate(format: email)`, `validate(length: 1...80)`, `validate(>= 0)`, `validate(in: ["a", "b"])`
/// after a property: checked by the unit of work before any SQL of a save.
public struct ValidationDecl: Sendable, Equatable {
    public enum Rule: Sendable, Equatable {
        /// `format: email` (the known formats: `ValidationDecl.formats`).
        case format(Identifier)
        /// `length: 1...80`, `length: 3...`, `length: ...80` (characters).
        case length(min: Int64?, max: Int64?)
        /// `>= 0`, `< 100`: the value compared with a literal.
        case compare(BinaryOperator, Literal)
        /// `in: ["a", "b"]`: one of these values.
        case oneOf([Literal])
    }
    public var rule: Rule
    public var range: SourceRange
    public init(rule: Rule, range: SourceRange) {
        self.rule = rule
        self.range = range
    }

    /// The formats `validate(format: ...)` knows.
    public static let formats = ["email", "url"]

    /// The rule as written: `format: email`, `length: 1...80`, `>= 0`, `in: ["a", "b"]`.
    public var source: String {
        switch rule {
        case .format(let name): return "format: \(name.name)"
        case .length(let min, let max): return "length: \(min.map(String.init) ?? "")...\(max.map(String.init) ?? "")"
        case .compare(let op, let literal): return "\(op.rawValue) \(literal.source)"
        case .oneOf(let values): return "in: [" + values.map(\.source).joined(separator: ", ") + "]"
        }
    }
}

/// `on before|after insert|update|save|delete { property = expression; … }`
public struct CallbackDecl: Sendable, Equatable {
    public enum Timing: String, Sendable, Equatable, CaseIterable { case before, after }
    public enum Event: String, Sendable, Equatable, CaseIterable { case insert, update, save, delete }
    public struct Assignment: Sendable, Equatable {
        public var property: Identifier
        public var value: Expr
        public var range: SourceRange
        public init(property: Identifier, value: Expr, range: SourceRange) {
            self.property = property
            self.value = value
            self.range = range
        }
    }
    public var timing: Timing
    public var event: Event
    public var assignments: [Assignment]
    public var range: SourceRange
    public init(timing: Timing, event: Event, assignments: [Assignment], range: SourceRange) {
        self.timing = timing
        self.event = event
        self.assignments = assignments
        self.range = range
    }
    /// `before save`
    public var name: String { "\(timing.rawValue) \(event.rawValue)" }
}

/// `scope rich = where(balance > 1000).order(name)`: `query` is that chain on the entity's name
/// (`Account.where(balance > 1000).order(name)`), evaluated when the scope is used.
public struct ScopeDecl: Sendable, Equatable {
    public var name: Identifier
    public var query: Expr
    public var range: SourceRange
    public init(name: Identifier, query: Expr, range: SourceRange) {
        self.name = name
        self.query = query
        self.range = range
    }
}

/// `name: Type? unique index = default on delete cascade via inverse`
public struct PropertyDecl: Sendable, Equatable {
    public var name: Identifier
    public var type: TypeRef
    /// `unique` modifier.
    public var isUnique: Bool
    /// `index` modifier.
    public var isIndexed: Bool
    /// `= literal`
    public var defaultValue: Literal?
    /// `on delete cascade | set null | restrict`
    public var onDelete: DeleteRule?
    /// `via inverseName`
    public var via: Identifier?
    /// `validate(...)` rules, in the order written.
    public var validations: [ValidationDecl] = []
    public var range: SourceRange
    /// `column("ArtistId")`: the real column (of a scalar, of the key `id`, or a to-one's foreign key).
    public var column: MappedName?
    /// `join("PlaylistTrack", "PlaylistId", "TrackId")` on a many-to-many.
    public var joinTable: JoinTableDecl?
    /// A bare `version` member: the optimistic-locking counter (Hibernate's `@Version`, Rails'
    /// `lock_version`), an `Int = 1` the unit of work checks and increments on every UPDATE.
    public var isVersion = false
    /// `id: Int assigned`: the key is given by every insert, not numbered by the database
    /// (Hibernate's assigned identifier; a legacy table whose key has no identity or sequence).
    public var isAssignedKey = false

    public init(name: Identifier, type: TypeRef, isUnique: Bool = false, isIndexed: Bool = false,
                defaultValue: Literal? = nil, onDelete: DeleteRule? = nil, via: Identifier? = nil,
                range: SourceRange) {
        self.name = name
        self.type = type
        self.isUnique = isUnique
        self.isIndexed = isIndexed
        self.defaultValue = defaultValue
        self.onDelete = onDelete
        self.via = via
        self.range = range
    }
}

/// A written type: `String`, `Int?`, `Author`, `[Book]`.
public struct TypeRef: Sendable, Equatable {
    /// The element name: `String`, `Author` (for `[Book]`, `Book`).
    public var name: Identifier
    public var isOptional: Bool
    public var isArray: Bool
    public var range: SourceRange
    /// `Post | Photo`: every entity a polymorphic belongs-to may point at, in the order written
    /// (`name` is the first). Empty for an ordinary type.
    public var polymorphicTargets: [Identifier] = []
    /// True for `subject: Post | Photo` (Rails' `belongs_to :subject, polymorphic: true`).
    public var isPolymorphic: Bool { !polymorphicTargets.isEmpty }

    public init(name: Identifier, isOptional: Bool = false, isArray: Bool = false, range: SourceRange) {
        self.name = name
        self.isOptional = isOptional
        self.isArray = isArray
        self.range = range
    }
}

public enum DeleteRule: String, Sendable, Equatable {
    case cascade = "CASCADE"
    case setNull = "SET NULL"
    case restrict = "RESTRICT"
}

public struct IndexDecl: Sendable, Equatable {
    public var columns: [Identifier]
    public var isUnique: Bool
    public var range: SourceRange
    public init(columns: [Identifier], isUnique: Bool, range: SourceRange) {
        self.columns = columns
        self.isUnique = isUnique
        self.range = range
    }
}

// MARK: - Statements

/// One statement of a script, as the interpreter evaluates it (not SQLiteKit's prepared `Statement`).
public indirect enum ScriptStatement: Sendable, Equatable {
    /// `insert Author(name: "x", born: 1929)`
    case insert(entity: Identifier, arguments: [Argument], range: SourceRange)
    /// `delete Book#3`, `delete b`
    case delete(Expr, range: SourceRange)
    /// `target = value` where target is a member access (`Author#1.name = "x"`, `a.author = Author#2`).
    case assign(target: Expr, value: Expr, range: SourceRange)
    /// `let name = expr`
    case letBinding(name: Identifier, value: Expr, range: SourceRange)
    /// `let a = insert Author(name: "x")`: names a new object so later commands can refer to it
    /// before it has an id (the unit of work then orders the inserts).
    case letInsert(name: Identifier, entity: Identifier, arguments: [Argument], range: SourceRange)
    /// `for a in Author.all { a.books.count }` — body statements separated by newlines or `;`.
    case forLoop(variable: Identifier, sequence: Expr, body: [ScriptStatement], range: SourceRange)
    /// `save`, `rollback`, `begin`, `commit`.
    case transaction(TransactionVerb, range: SourceRange)
    /// Any expression evaluated for its result: a query, `Author#1`, `Author#1.books`, `b.tags.add(Tag#1)`.
    case expression(Expr)

    public var range: SourceRange {
        switch self {
        case .insert(_, _, let r), .delete(_, let r), .assign(_, _, let r), .letBinding(_, _, let r), .letInsert(_, _, _, let r),
             .forLoop(_, _, _, let r), .transaction(_, let r):
            return r
        case .expression(let e):
            return e.range
        }
    }
}

public enum TransactionVerb: String, Sendable, Equatable {
    case save, rollback, begin, commit
    /// `begin immediate`: SQLite's BEGIN IMMEDIATE, which takes the database's write lock at once.
    case beginImmediate = "begin immediate"
    /// `begin isolation <level>`: a transaction at a named isolation level.
    case beginReadUncommitted = "begin isolation read uncommitted"
    case beginReadCommitted = "begin isolation read committed"
    case beginRepeatableRead = "begin isolation repeatable read"
    case beginSerializable = "begin isolation serializable"
}

/// One argument of a call: `name: "x"`, `born < 1950`, `name desc`, `using: join`.
///
/// The label is stored as its parts (a flag, the name, the range), not as an `Identifier?`:
/// with the optional stored, Swift 6.3 built each new argument twice and copied one through
/// its value witness into the array (a copy and a destroy per value of a script's inserts).
/// `label` reads and writes it as before.
public struct Argument: Sendable, Equatable {
    @usableFromInline var hasLabel: Bool
    @usableFromInline var labelText: String
    @usableFromInline var labelRange: SourceRange
    public var value: Expr
    /// `asc` / `desc` written after the value (in `order(...)`).
    public var direction: SortDirection?
    public var range: SourceRange

    public init(label: Identifier? = nil, value: Expr, direction: SortDirection? = nil, range: SourceRange) {
        if let label {
            hasLabel = true
            labelText = label.name
            labelRange = label.range
        } else {
            hasLabel = false
            labelText = ""
            labelRange = Argument.noRange
        }
        self.value = value
        self.direction = direction
        self.range = range
    }

    public var label: Identifier? {
        get { hasLabel ? Identifier(labelText, labelRange) : nil }
        set {
            hasLabel = newValue != nil
            labelText = newValue?.name ?? ""
            labelRange = newValue?.range ?? Argument.noRange
        }
    }

    /// The label's name, without making an `Identifier` (inlinable: the interpreter reads it
    /// in place, per value of an insert).
    @inlinable public var labelName: String? { hasLabel ? labelText : nil }

    /// The range stored for an absent label: every missing label has the same parts, so the
    /// synthesized `==` compares labels as `Identifier?` did.
    private static var noRange: SourceRange {
        SourceRange(SourceLocation(line: 0, column: 0, offset: 0), SourceLocation(line: 0, column: 0, offset: 0))
    }
}

extension Argument {
    /// The value when it is a literal, read out without copying the whole expression (an
    /// `Expr` holds a name or literal inline, so a copy of one is a switch over its cases).
    @inlinable public var literalValue: (literal: Literal, range: SourceRange)? {
        if case .literal(let literal, let range) = value { return (literal, range) }
        return nil
    }
}

public enum SortDirection: String, Sendable, Equatable {
    case asc = "ASC"
    case desc = "DESC"
}

// MARK: - Expressions

///
/// Names and literals, the leaves, are stored inline: a script of inserts makes one per value,
/// and a box each was an allocation, a free and reference counting per value. The other cases
/// are boxed (`indirect`), which keeps an `Expr` small.
public enum Expr: Sendable, Equatable {
    /// A bare name: an entity (`Author`), a variable (`a`), a property inside `where` (`born`),
    /// or a keyword-like value (`join` in `using: join`).
    case name(Identifier)
    case literal(Literal, SourceRange)
    /// `Author#1`
    indirect case objectRef(entity: Identifier, id: Int64, range: SourceRange)
    /// `Country#FR`, `Country#"New Zealand"`: an object of an entity with a natural (text) key.
    indirect case keyRef(entity: Identifier, key: String, range: SourceRange)
    /// `base.name` — property access, association navigation, or a query step without arguments
    /// (`Author.all`, `.count`, `.first`).
    indirect case member(base: Expr, name: Identifier, range: SourceRange)
    /// `base.name(arguments)` — `where(...)`, `order(...)`, `include(...)`, `add(...)`, `any(...)`.
    indirect case call(base: Expr, name: Identifier, arguments: [Argument], range: SourceRange)
    /// `lhs op rhs`: comparisons, `and`, `or`, `like`, `in`, arithmetic.
    indirect case binary(op: BinaryOperator, lhs: Expr, rhs: Expr, range: SourceRange)
    /// `not x`, `-x`
    indirect case unary(op: UnaryOperator, operand: Expr, range: SourceRange)
    /// `[1, 2, 3]`
    case list([Expr], range: SourceRange)
    /// `lower(email)`, `trim(name)`, `now()`: one of the scalar functions of assignments and
    /// callbacks (`ScalarFunction` lists them); written without a receiver.
    indirect case function(name: Identifier, arguments: [Expr], range: SourceRange)

    public var range: SourceRange {
        switch self {
        case .name(let id): return id.range
        case .literal(_, let r), .objectRef(_, _, let r), .keyRef(_, _, let r), .member(_, _, let r), .call(_, _, _, let r),
             .binary(_, _, _, let r), .unary(_, _, let r), .list(_, let r), .function(_, _, let r):
            return r
        }
    }
}

public enum Literal: Sendable, Equatable, Hashable {
    case integer(Int64)
    case double(Double)
    case string(String)
    case bool(Bool)
    case null

    /// The literal as the learner would write it.
    public var source: String {
        switch self {
        case .integer(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(format1(d)) : String(d)
        case .string(let s): return quoteDSLString(s)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "nil"
        }
    }
}

private func format1(_ d: Double) -> String {
    // 2.0 prints as "2.0"; keeps the decimal point so the literal stays a Double.
    String(d)
}

/// Writes a string as a DSL string literal with escapes.
public func quoteDSLString(_ s: String) -> String {
    var out = "\""
    for ch in s.unicodeScalars {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case "\0": out += "\\0"
        default:
            if ch.value < 0x20 { out += "\\u{\(String(ch.value, radix: 16))}" } else { out.unicodeScalars.append(ch) }
        }
    }
    return out + "\""
}

public enum BinaryOperator: String, Sendable, Equatable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case and
    case or
    case like
    case `in`
    case plus = "+"
    case minus = "-"
    case times = "*"
    case divide = "/"
}

/// The functions an expression may call without a receiver (`lower(email)`), in assignments,
/// callbacks and bulk updates: each maps onto the SQL function of the same meaning.
public enum ScalarFunction: String, Sendable, CaseIterable {
    case lower, upper, trim, now

    /// How many arguments it takes.
    public var arity: Int { self == .now ? 0 : 1 }
}

public enum UnaryOperator: String, Sendable, Equatable {
    case not
    case negate = "-"
}

// MARK: - Parse results

/// What the parser produced for one source, in source order: each command it could read, and for
/// each command it could not, one diagnostic (after an error the parser skips to the next command,
/// so one mistake gives one message and the rest of a script still runs).
public struct ParseResult: Sendable {
    public enum Item: Sendable, Equatable {
        case command(Command)
        /// A command that failed to parse; `range` covers its whole text (for the report's input).
        /// Boxed, so an item is as small as a command.
        indirect case failure(Diagnostic, range: SourceRange)

        public var range: SourceRange {
            switch self {
            case .command(let c): return c.range
            case .failure(_, let r): return r
            }
        }
    }

    public var items: [Item]

    public init(items: [Item]) { self.items = items }

    public var commands: [Command] {
        items.compactMap { if case .command(let c) = $0 { return c } else { return nil } }
    }

    public var diagnostics: [Diagnostic] {
        items.compactMap { if case .failure(let d, _) = $0 { return d } else { return nil } }
    }
}
