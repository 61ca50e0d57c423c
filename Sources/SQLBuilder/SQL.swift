import DatabaseKit

// An SQL tree and its renderer. Values never enter SQL text: rendering collects them as bound
// arguments in order, and every identifier is quoted by the dialect (so `order` or `group` are
// fine names). Where databases differ, the renderer asks the `Dialect` (Dialect.swift).

// MARK: - Expressions

/// An SQL expression.
public indirect enum SQLExpr: Sendable, Equatable {
    /// `"table"."column"` (or just `"column"` when table is nil).
    case column(table: String?, name: String)
    /// A bound parameter `?` with its value.
    case value(DatabaseValue)
    /// A placeholder whose value the caller binds itself (a statement rendered once and run
    /// many times, such as an entity's INSERT).
    case parameter
    /// A fixed piece of SQL that holds no user data (`NULL`, `*`).
    case raw(String)
    case binary(SQLExpr, String, SQLExpr)
    case not(SQLExpr)
    case isNull(SQLExpr, negated: Bool)
    case inList(SQLExpr, [SQLExpr])
    case inSubquery(SQLExpr, Select)
    case notInSubquery(SQLExpr, Select)
    case exists(Select)
    /// `COUNT(*)`, `MAX("book"."year")`
    case function(String, [SQLExpr])
    /// `"author".*`
    case allColumns(table: String)
    /// `1`/`TRUE`, as the dialect writes a boolean.
    case boolean(Bool)
    /// Conjunction / disjunction of several terms (parenthesised as needed).
    case and([SQLExpr])
    case or([SQLExpr])
    /// `CAST(NULL AS INTEGER)`: a NULL of a column's type, for a UNION ALL branch that has no
    /// such column (PostgreSQL types a UNION's columns from its branches; a bare NULL is text).
    case typedNull(ColumnType)

    public static func eq(_ a: SQLExpr, _ b: SQLExpr) -> SQLExpr { .binary(a, "=", b) }
}

// MARK: - Statements

public struct Join: Sendable, Equatable {
    public enum Kind: String, Sendable { case inner = "JOIN", left = "LEFT JOIN" }
    public var kind: Kind
    public var table: String
    public var alias: String?
    public var on: SQLExpr
    /// A derived table joined in place of `table` (which is then its alias): the rows of a class
    /// of an inheritance hierarchy (Runtime/InheritanceQueries.swift). nil for a plain table.
    public var source: [Select]? = nil
    public init(_ kind: Kind, table: String, alias: String? = nil, on: SQLExpr) {
        self.kind = kind
        self.table = table
        self.alias = alias
        self.on = on
    }
}

public struct OrderTerm: Sendable, Equatable {
    public var expr: SQLExpr
    public var descending: Bool
    public init(_ expr: SQLExpr, descending: Bool = false) {
        self.expr = expr
        self.descending = descending
    }
}

/// `SELECT ... FROM ... [JOIN ...] [WHERE ...] [GROUP BY ...] [HAVING ...] [ORDER BY ...] [LIMIT ...] [OFFSET ...]`
public struct Select: Sendable, Equatable {
    public var columns: [SQLExpr]
    public var from: String
    public var fromAlias: String?
    public var joins: [Join]
    public var filter: SQLExpr?
    public var groupBy: [SQLExpr]
    public var having: SQLExpr?
    public var orderBy: [OrderTerm]
    public var limit: SQLExpr?
    public var offset: SQLExpr?
    public var distinct: Bool
    /// Pessimistic locking of the rows read (`FOR UPDATE`), where the dialect has row locks.
    public var lock: RowLock? = nil
    /// A derived table read in place of `from` (which is then its alias): one SELECT, or several
    /// combined with UNION ALL (an inheritance hierarchy's rows; nil for a plain table).
    public var source: [Select]? = nil
    /// `AS "name"` for the column at the same index (nil: none); a UNION takes its column names
    /// from its first SELECT.
    public var columnAliases: [String?] = []

    public init(columns: [SQLExpr], from: String, fromAlias: String? = nil, joins: [Join] = [],
                filter: SQLExpr? = nil, groupBy: [SQLExpr] = [], having: SQLExpr? = nil,
                orderBy: [OrderTerm] = [], limit: SQLExpr? = nil, offset: SQLExpr? = nil, distinct: Bool = false) {
        self.columns = columns
        self.from = from
        self.fromAlias = fromAlias
        self.joins = joins
        self.filter = filter
        self.groupBy = groupBy
        self.having = having
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
        self.distinct = distinct
    }

    /// Adds a condition with AND.
    public mutating func addFilter(_ condition: SQLExpr) {
        if let existing = filter {
            // A conjunction's terms join the existing ones (no parentheses around them).
            var added = [condition]
            if case .and(let terms) = condition { added = terms }
            if case .and(let terms) = existing { filter = .and(terms + added) } else { filter = .and([existing] + added) }
        } else {
            filter = condition
        }
    }
}

public struct Insert: Sendable, Equatable {
    public var table: String
    public var columns: [String]
    public var values: [SQLExpr]
    /// Columns the database generates that the statement hands back (the new row's key), in
    /// the dialect's way: `RETURNING`, `OUTPUT INSERTED`, or nothing (the driver asks after).
    public var returning: [String] = []
    /// The key column the database numbers, handed back as the dialect reads generated keys:
    /// `RETURNING` where the driver reads it so (PostgreSQL), `OUTPUT INSERTED` (SQL Server),
    /// nothing where the driver asks after the INSERT (SQLite's rowid, MySQL's LAST_INSERT_ID()).
    public var generatedKey: String? = nil
    public init(table: String, columns: [String], values: [SQLExpr]) {
        self.table = table
        self.columns = columns
        self.values = values
    }
}

extension Insert {
    /// The columns this INSERT hands back in `dialect`: `returning`, or the generated key where
    /// the dialect reads it in the statement itself (RETURNING, OUTPUT INSERTED).
    public func returningColumns(in dialect: any Dialect) -> [String] {
        if !returning.isEmpty { return returning }
        guard let key = generatedKey else { return [] }
        return dialect.readsGeneratedKeysWithReturning || !dialect.insertOutputClause([key]).isEmpty ? [key] : []
    }
}

public struct Update: Sendable, Equatable {
    public var table: String
    public var assignments: [(column: String, value: SQLExpr)]
    public var filter: SQLExpr?
    /// `RETURNING ...`: the changed rows, in the same trip (a bulk update's `:set sync fetch`).
    public var returning: [SQLExpr]
    public init(table: String, assignments: [(column: String, value: SQLExpr)], filter: SQLExpr?, returning: [SQLExpr] = []) {
        self.table = table
        self.assignments = assignments
        self.filter = filter
        self.returning = returning
    }
    public static func == (a: Update, b: Update) -> Bool {
        a.table == b.table && a.filter == b.filter && a.assignments.map(\.column) == b.assignments.map(\.column)
            && a.assignments.map(\.value) == b.assignments.map(\.value) && a.returning == b.returning
    }
}

public struct Delete: Sendable, Equatable {
    public var table: String
    public var filter: SQLExpr?
    /// `RETURNING ...`: the deleted rows' columns (a bulk delete's `:set sync fetch`).
    public var returning: [SQLExpr]
    public init(table: String, filter: SQLExpr?, returning: [SQLExpr] = []) {
        self.table = table
        self.filter = filter
        self.returning = returning
    }
}

// MARK: - Rendering

/// SQL text with its arguments, ready to prepare and bind.
public struct RenderedSQL: Sendable, Equatable {
    public var sql: String
    public var arguments: [DatabaseValue]
    public init(sql: String, arguments: [DatabaseValue]) {
        self.sql = sql
        self.arguments = arguments
    }
}

/// Renders statements in a dialect; collects arguments in the order their placeholders appear.
public struct SQLRenderer {
    private var arguments: [DatabaseValue] = []
    /// Placeholders written so far (bound or not), for dialects that number them.
    private var placeholders = 0
    private let dialect: any Dialect

    public init(dialect: any Dialect = standardDialect) {
        self.dialect = dialect
    }

    public static func render(_ select: Select, in dialect: any Dialect = standardDialect) -> RenderedSQL {
        var r = SQLRenderer(dialect: dialect)
        let sql = r.select(select)
        return RenderedSQL(sql: sql, arguments: r.arguments)
    }

    public static func render(_ insert: Insert, in dialect: any Dialect = standardDialect) -> RenderedSQL {
        var r = SQLRenderer(dialect: dialect)
        let values = insert.values.map { r.expr($0) }.joined(separator: ", ")
        let returning = insert.returningColumns(in: dialect)
        var sql = "INSERT INTO \(dialect.quoteIdentifier(insert.table))"
        if !insert.columns.isEmpty { sql += " (\(insert.columns.map(dialect.quoteIdentifier).joined(separator: ", ")))" }
        if !returning.isEmpty { sql += dialect.insertOutputClause(returning) }
        // No column: a row of defaults (an id generator's next key, Inheritance.swift).
        sql += insert.columns.isEmpty ? " DEFAULT VALUES" : " VALUES (\(values))"
        if !returning.isEmpty { sql += dialect.insertReturningClause(returning) }
        return RenderedSQL(sql: sql, arguments: r.arguments)
    }

    public static func render(_ update: Update, in dialect: any Dialect = standardDialect) -> RenderedSQL {
        var r = SQLRenderer(dialect: dialect)
        let sets = update.assignments.map { "\(dialect.quoteIdentifier($0.column)) = \(r.expr($0.value))" }.joined(separator: ", ")
        var sql = "UPDATE \(dialect.quoteIdentifier(update.table)) SET \(sets)"
        if let f = update.filter { sql += " WHERE " + r.expr(f) }
        if !update.returning.isEmpty { sql += " RETURNING " + update.returning.map { r.expr($0) }.joined(separator: ", ") }
        return RenderedSQL(sql: sql, arguments: r.arguments)
    }

    public static func render(_ delete: Delete, in dialect: any Dialect = standardDialect) -> RenderedSQL {
        var r = SQLRenderer(dialect: dialect)
        var sql = "DELETE FROM \(dialect.quoteIdentifier(delete.table))"
        if let f = delete.filter { sql += " WHERE " + r.expr(f) }
        if !delete.returning.isEmpty { sql += " RETURNING " + delete.returning.map { r.expr($0) }.joined(separator: ", ") }
        return RenderedSQL(sql: sql, arguments: r.arguments)
    }

    /// Renders a lone expression (for tests and explanations).
    public static func render(_ expr: SQLExpr, in dialect: any Dialect = standardDialect) -> RenderedSQL {
        var r = SQLRenderer(dialect: dialect)
        let sql = r.expr(expr)
        return RenderedSQL(sql: sql, arguments: r.arguments)
    }

    private mutating func select(_ s: Select) -> String {
        var sql = "SELECT "
        if s.distinct { sql += "DISTINCT " }
        if s.columnAliases.isEmpty {
            sql += s.columns.map { expr($0) }.joined(separator: ", ")
        } else {
            sql += s.columns.enumerated().map { i, column in
                let alias = i < s.columnAliases.count ? s.columnAliases[i] : nil
                return expr(column) + (alias.map { " AS " + dialect.quoteIdentifier($0) } ?? "")
            }.joined(separator: ", ")
        }
        if let source = s.source {
            sql += " FROM " + derivedTable(source) + " AS " + dialect.quoteIdentifier(s.fromAlias ?? s.from)
        } else {
            sql += " FROM " + dialect.quoteIdentifier(s.from)
            if let alias = s.fromAlias { sql += " AS " + dialect.quoteIdentifier(alias) }
        }
        for j in s.joins {
            if let source = j.source {
                sql += " \(j.kind.rawValue) \(derivedTable(source)) AS \(dialect.quoteIdentifier(j.alias ?? j.table))"
            } else {
                sql += " \(j.kind.rawValue) \(dialect.quoteIdentifier(j.table))"
                if let alias = j.alias { sql += " AS " + dialect.quoteIdentifier(alias) }
            }
            sql += " ON " + expr(j.on)
        }
        if let f = s.filter { sql += " WHERE " + expr(f) }
        if !s.groupBy.isEmpty { sql += " GROUP BY " + s.groupBy.map { expr($0) }.joined(separator: ", ") }
        if let h = s.having { sql += " HAVING " + expr(h) }
        if !s.orderBy.isEmpty {
            sql += " ORDER BY " + s.orderBy.map { expr($0.expr) + ($0.descending ? " DESC" : "") }.joined(separator: ", ")
        }
        // (Limit before offset: their placeholders are numbered in the order SQLite writes them.)
        let limit = s.limit.map { expr($0) }
        let offset = s.offset.map { expr($0) }
        sql += dialect.limitClause(limit: limit, offset: offset)
        if let lock = s.lock, let clause = dialect.rowLockClause(lock) { sql += clause }
        return sql
    }

    /// `(SELECT …)` or `(SELECT … UNION ALL SELECT …)`: a derived table.
    private mutating func derivedTable(_ parts: [Select]) -> String {
        "(" + parts.map { select($0) }.joined(separator: " UNION ALL ") + ")"
    }

    /// Binding strength, to parenthesise only where needed.
    private static func precedence(_ e: SQLExpr) -> Int {
        switch e {
        case .or: return 1
        case .and: return 2
        case .not: return 3
        case .binary(_, let op, _):
            switch op {
            case "=", "!=", "<>", "<", "<=", ">", ">=", "LIKE", "IS", "IS NOT": return 4
            case "+", "-": return 5
            case "*", "/", "%": return 6
            default: return 4
            }
        case .isNull, .inList, .inSubquery, .notInSubquery: return 4
        default: return 10
        }
    }

    private mutating func operand(_ e: SQLExpr, above: Int) -> String {
        let text = expr(e)
        return Self.precedence(e) <= above ? "(\(text))" : text
    }

    private mutating func placeholder() -> String {
        placeholders += 1
        return dialect.placeholder(placeholders)
    }

    private mutating func expr(_ e: SQLExpr) -> String {
        switch e {
        case .column(let table, let name):
            if let table { return dialect.quoteIdentifier(table) + "." + dialect.quoteIdentifier(name) }
            return dialect.quoteIdentifier(name)
        case .value(let v):
            arguments.append(v)
            return placeholder()
        case .parameter:
            return placeholder()
        case .raw(let s):
            return s
        case .boolean(let b):
            return dialect.booleanLiteral(b)
        case .binary(let a, let op, let b):
            let p = Self.precedence(e)
            // Left-associative: the left side may share our precedence, the right may not.
            // (The DSL's `like` ignores case, as SQLite's LIKE does: ILIKE on PostgreSQL.)
            let spelled = op == "LIKE" ? dialect.caseInsensitiveLikeOperator : op
            return "\(operand(a, above: p - 1)) \(spelled) \(operand(b, above: p))"
        case .not(let inner):
            return "NOT " + operand(inner, above: 3)
        case .isNull(let inner, let negated):
            return operand(inner, above: 4) + (negated ? " IS NOT NULL" : " IS NULL")
        case .inList(let inner, let items):
            return operand(inner, above: 4) + " IN (" + items.map { expr($0) }.joined(separator: ", ") + ")"
        case .inSubquery(let inner, let sub):
            return operand(inner, above: 4) + " IN (" + select(sub) + ")"
        case .notInSubquery(let inner, let sub):
            return operand(inner, above: 4) + " NOT IN (" + select(sub) + ")"
        case .exists(let sub):
            return "EXISTS (" + select(sub) + ")"
        case .function(let name, let args):
            return name + "(" + args.map { expr($0) }.joined(separator: ", ") + ")"
        case .allColumns(let table):
            return dialect.quoteIdentifier(table) + ".*"
        case .and(let terms):
            if terms.isEmpty { return dialect.booleanLiteral(true) }
            return terms.map { operand($0, above: 2) }.joined(separator: " AND ")
        case .or(let terms):
            if terms.isEmpty { return dialect.booleanLiteral(false) }
            return terms.map { operand($0, above: 1) }.joined(separator: " OR ")
        case .typedNull(let type):
            return "CAST(NULL AS " + dialect.columnTypeName(type) + ")"
        }
    }
}

extension Dialect {
    /// A statement's SQL in this dialect, with its arguments.
    /// (A session's dialect keeps the tree under the text, once per text, for `:dialect NAME`.)
    public func render(_ select: Select) -> RenderedSQL {
        let rendered = SQLRenderer.render(select, in: self)
        statementTrees?.record(rendered.sql, .select(select))
        return rendered
    }
    public func render(_ insert: Insert) -> RenderedSQL {
        let rendered = SQLRenderer.render(insert, in: self)
        statementTrees?.record(rendered.sql, .insert(insert))
        return rendered
    }
    public func render(_ update: Update) -> RenderedSQL {
        let rendered = SQLRenderer.render(update, in: self)
        statementTrees?.record(rendered.sql, .update(update))
        return rendered
    }
    public func render(_ delete: Delete) -> RenderedSQL {
        let rendered = SQLRenderer.render(delete, in: self)
        statementTrees?.record(rendered.sql, .delete(delete))
        return rendered
    }
    /// A lone expression's SQL (for tests and explanations).
    public func render(_ expr: SQLExpr) -> RenderedSQL { SQLRenderer.render(expr, in: self) }
}
