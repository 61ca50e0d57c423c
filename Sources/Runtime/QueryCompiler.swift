import DSL
import Mapping
import SQLBuilder
import DatabaseKit

/// Turns resolved queries into SQL trees: a to-one path becomes a JOIN, a to-many condition an
/// EXISTS subquery, an aggregate a function call. Pure; it only reads the schema.
public struct QueryCompiler {
    public let schema: Schema

    public init(schema: Schema) { self.schema = schema }

    // MARK: - Scopes and aliases

    /// The tables visible in one SELECT: the root and the joins added for to-one paths.
    final class Scope {
        let rootEntity: String
        let rootName: String
        var usedNames: Set<String>
        /// Join alias by association path ("author", "author.publisher").
        var joinNames: [String: String] = [:]
        var joins: [Join] = []
        /// Paths that appear in a filter need an inner join; order-only paths a left join.
        let schema: Schema

        init(schema: Schema, rootEntity: String, rootName: String, outerNames: Set<String>) {
            self.schema = schema
            self.rootEntity = rootEntity
            self.rootName = rootName
            self.usedNames = outerNames.union([rootName])
        }

        /// The table name or alias that holds `path`'s column, adding JOINs for its hops.
        func name(for path: ColumnPath, joinKind: Join.Kind) -> String {
            var current = rootName
            var currentEntity = rootEntity
            var key = ""
            for hop in path.hops {
                defer { currentEntity = hop.association.target }
                key = key.isEmpty ? hop.association.name : key + "." + hop.association.name
                if let existing = joinNames[key] {
                    current = existing
                    continue
                }
                guard let target = schema.entity(hop.association.target) else { return current }
                let alias = uniqueName(preferred: target.table, fallback: key.split(separator: ".").joined(separator: "_"))
                let targetName = alias
                let on: SQLExpr
                switch hop.association.kind {
                case .belongsTo:
                    on = .eq(.column(table: targetName, name: target.primaryKeyColumn), .column(table: current, name: hop.association.foreignKey ?? "id"))
                default:
                    // has-one: the target's foreign key points back at the current row.
                    on = .eq(.column(table: targetName, name: hop.association.foreignKey ?? "id"),
                             .column(table: current, name: schema.primaryKeyColumn(ofEntity: currentEntity)))
                }
                var join = Join(joinKind, table: target.table, alias: alias == target.table ? nil : alias, on: on)
                join.source = schema.rowSource(of: target.name)   // a class of a hierarchy: its rows (InheritanceQueries)
                joins.append(join)
                joinNames[key] = alias
                current = alias
            }
            return current
        }

        func uniqueName(preferred: String, fallback: String) -> String {
            if !usedNames.contains(preferred) {
                usedNames.insert(preferred)
                return preferred
            }
            var candidate = fallback
            var n = 2
            while usedNames.contains(candidate) {
                candidate = "\(fallback)_\(n)"
                n += 1
            }
            usedNames.insert(candidate)
            return candidate
        }
    }

    // MARK: - Entry points

    /// `SELECT "author".* FROM "author" ...` — the objects of a query (or a projection).
    public func select(_ query: Query) -> Select {
        let root = table(query.entity)
        let scope = Scope(schema: schema, rootEntity: query.entity, rootName: root, outerNames: [])
        var columns: [SQLExpr] = [.allColumns(table: root)]
        if let selection = query.selection {
            columns = [.column(table: root, name: schema.primaryKeyColumn(ofEntity: query.entity))] + selection.map { .column(table: root, name: $0) }
        }
        var s = Select(columns: columns, from: root)
        s.source = schema.rowSource(of: query.entity)
        applyCommonClauses(query, to: &s, scope: scope)
        s.lock = query.lock
        s.distinct = query.distinct
        return s
    }

    /// `Book.pluck(title)`, `Book.distinct.select(year)`: the values of some columns, no objects.
    public func values(_ query: Query, columns: [ColumnPath]) -> Select {
        let root = table(query.entity)
        let scope = Scope(schema: schema, rootEntity: query.entity, rootName: root, outerNames: [])
        var s = Select(columns: [], from: root)
        s.source = schema.rowSource(of: query.entity)
        applyCommonClauses(query, to: &s, scope: scope)
        s.columns = columns.map { .column(table: scope.name(for: $0, joinKind: .left), name: $0.column) }
        s.joins = scope.joins
        s.distinct = query.distinct
        return s
    }

    /// `Book.where(...).exists`: `SELECT 1 FROM ... WHERE ... LIMIT 1`, the cheapest answer
    /// (the database stops at the first matching row; no object, no count).
    public func exists(_ query: Query) -> Select {
        let root = table(query.entity)
        let scope = Scope(schema: schema, rootEntity: query.entity, rootName: root, outerNames: [])
        var s = Select(columns: [.raw("1")], from: root)
        s.source = schema.rowSource(of: query.entity)
        var q = query
        q.order = []
        q.limit = nil
        applyCommonClauses(q, to: &s, scope: scope)
        s.limit = .value(.integer(1))
        return s
    }

    /// `SELECT COUNT(*) ...`, `SELECT MAX("book"."year") ...`, or with `group(...)`:
    /// `SELECT "book"."year", COUNT(*) ... GROUP BY "book"."year"`.
    public func aggregate(_ query: Query, _ aggregate: Aggregate) -> Select {
        let root = table(query.entity)
        let scope = Scope(schema: schema, rootEntity: query.entity, rootName: root, outerNames: [])
        var s = Select(columns: [], from: root)
        s.source = schema.rowSource(of: query.entity)
        var columns: [SQLExpr] = []
        for g in query.grouping {
            let name = scope.name(for: g, joinKind: .left)
            let col = SQLExpr.column(table: name, name: g.column)
            columns.append(col)
            s.groupBy.append(col)
        }
        columns.append(aggregateExpr(aggregate, scope: scope))
        s.columns = columns
        var q = query
        q.order = query.grouping.isEmpty ? [] : query.order
        applyCommonClauses(q, to: &s, scope: scope, orderByID: false)
        if let having = query.having { s.having = predicate(having, scope: scope) }
        // Joins for grouping and having were added after applyCommonClauses' joins; refresh.
        s.joins = scope.joins
        return s
    }

    /// The SQL for one aggregate in a scope.
    func aggregateExpr(_ aggregate: Aggregate, scope: Scope) -> SQLExpr {
        guard let column = aggregate.column else { return .function(aggregate.function.rawValue, [.raw("*")]) }
        let name = scope.name(for: column, joinKind: .left)
        if aggregate.function == .sum, column.scalarType == .decimal {
            // An exact sum of money: each value as whole units of its last digit (10.50 → 1050),
            // summed as integers, read back as units (`ExactDecimal`); a SUM of the values
            // themselves would add doubles (0.1 + 0.2 = 0.30000000000000004).
            let scale = schema.entity(column.entity)?.columns.first { $0.name == column.column }?.decimalScale ?? 2
            var factor = 1
            for _ in 0..<scale { factor *= 10 }
            let units = SQLExpr.function("ROUND", [.binary(.column(table: name, name: column.column), "*", .raw(String(factor)))])
            return .function(aggregate.function.rawValue, [units])
        }
        return .function(aggregate.function.rawValue, [.column(table: name, name: column.column)])
    }

    func applyCommonClauses(_ query: Query, to s: inout Select, scope: Scope, orderByID: Bool = false) {
        let root = scope.rootName
        let primaryKey = schema.primaryKeyColumn(ofEntity: scope.rootEntity)
        if let condition = deletedCondition(query.entity, table: root, rows: query.deletedRows) { s.addFilter(condition) }
        if let filter = query.filter { s.addFilter(predicate(filter, scope: scope)) }
        if let after = query.afterKey {
            s.addFilter(.binary(.column(table: root, name: primaryKey), ">", .value(after)))
        }
        for term in query.order {
            let name = scope.name(for: term.path, joinKind: .left)
            s.orderBy.append(OrderTerm(.column(table: name, name: term.path.column), descending: term.descending))
        }
        if orderByID || (query.afterKey != nil && query.order.isEmpty) {
            s.orderBy.append(OrderTerm(.column(table: root, name: primaryKey)))
        }
        if let limit = query.limit { s.limit = .value(.integer(limit)) }
        if let offset = query.offset {
            s.offset = .value(.integer(offset))
        }
        s.joins = scope.joins
    }

    // MARK: - Conditions

    func operand(_ o: Operand, scope: Scope) -> SQLExpr {
        switch o {
        case .column(let path):
            let name = scope.name(for: path, joinKind: .inner)
            return .column(table: name, name: path.column)
        case .value(let v):
            return .value(v)
        case .arithmetic(let a, let op, let b):
            return .binary(operand(a, scope: scope), op, operand(b, scope: scope))
        case .function(let function, let arguments):
            return functionCall(function, arguments.map { operand($0, scope: scope) })
        }
    }

    func predicate(_ p: Predicate, scope: Scope) -> SQLExpr {
        switch p {
        case .compare(let a, let op, let b):
            let sqlOp = op == "==" ? "=" : op
            return .binary(operand(a, scope: scope), sqlOp, operand(b, scope: scope))
        case .like(let a, let b):
            return .binary(operand(a, scope: scope), "LIKE", operand(b, scope: scope))
        case .isNull(let a, let negated):
            return .isNull(operand(a, scope: scope), negated: negated)
        case .inList(let a, let values):
            return .inList(operand(a, scope: scope), values.map { .value($0) })
        case .and(let terms):
            return .and(terms.map { predicate($0, scope: scope) })
        case .or(let terms):
            return .or(terms.map { predicate($0, scope: scope) })
        case .not(let inner):
            return .not(predicate(inner, scope: scope))
        case .any(_, let association, let condition):
            return .exists(existsSubquery(association, condition: condition, outer: scope))
        case .aggregate(let aggregate, let op, let value):
            let sqlOp = op == "==" ? "=" : op
            return .binary(aggregateExpr(aggregate, scope: scope), sqlOp, .value(value))
        }
    }

    /// `EXISTS (SELECT 1 FROM "book" WHERE "book"."author_id" = "author"."id" AND ...)`; through
    /// the join table for many-to-many.
    func existsSubquery(_ association: Association, condition: Predicate?, outer: Scope) -> Select {
        let targetTable = table(association.target)
        let inner = Scope(schema: schema, rootEntity: association.target, rootName: "", outerNames: outer.usedNames)
        let innerName = inner.uniqueName(preferred: targetTable, fallback: association.name)
        let scope = Scope(schema: schema, rootEntity: association.target, rootName: innerName, outerNames: inner.usedNames)
        var s = Select(columns: [.raw("1")], from: targetTable, fromAlias: innerName == targetTable ? nil : innerName)
        s.source = schema.rowSource(of: association.target)
        switch association.kind {
        case .manyToMany:
            if let jt = association.joinTable {
                s.joins.append(Join(.inner, table: jt.name,
                                    on: .eq(.column(table: jt.name, name: jt.targetColumn), .column(table: innerName, name: schema.primaryKeyColumn(ofEntity: association.target)))))
                s.addFilter(.eq(.column(table: jt.name, name: jt.ownerColumn), .column(table: outer.rootName, name: schema.primaryKeyColumn(ofEntity: outer.rootEntity))))
            }
        default:
            s.addFilter(.eq(.column(table: innerName, name: association.foreignKey ?? "id"),
                            .column(table: outer.rootName, name: schema.primaryKeyColumn(ofEntity: outer.rootEntity))))
        }
        if let deleted = deletedCondition(association.target, table: innerName) { s.addFilter(deleted) }
        if let condition { s.addFilter(predicate(condition, scope: scope)) }
        s.joins += scope.joins
        return s
    }

    // MARK: - JOIN eager loading

    /// One level of a JOIN include: which association, whose columns start at `offset`.
    public struct JoinNode: Sendable {
        /// Index of the parent in a row's object list: 0 is the root, n + 1 is node n.
        public var parent: Int
        public var association: Association
        public var entity: String
        public var offset: Int
    }

    /// `SELECT "author".*, "book".* FROM "author" LEFT JOIN "book" ON ...`: the root's columns,
    /// then each included level's, with the layout to split rows back into objects. A LIMIT or
    /// OFFSET moves into an `id IN (subquery)` so it counts root objects, not joined rows.
    public func joinedSelect(_ query: Query, includePaths: [[String]]) throws -> (select: Select, nodes: [JoinNode]) {
        let root = table(query.entity)
        let scope = Scope(schema: schema, rootEntity: query.entity, rootName: root, outerNames: [])
        var outer = query
        var limitedIDs: Select?
        if query.limit != nil || query.offset != nil {
            var inner = select(query)
            inner.columns = [.column(table: root, name: schema.primaryKeyColumn(ofEntity: query.entity))]
            // Without an order, SQLite may read the ids through any index (a UNIQUE column's,
            // say), so LIMIT would pick other rows than the same query without the JOIN.
            if inner.orderBy.isEmpty { inner.orderBy = [OrderTerm(.column(table: root, name: schema.primaryKeyColumn(ofEntity: query.entity)))] }
            limitedIDs = inner
            outer.filter = nil
            outer.limit = nil
            outer.offset = nil
            outer.afterKey = nil
        }
        var s = Select(columns: [.allColumns(table: root)], from: root)
        applyCommonClauses(outer, to: &s, scope: scope)
        if let limitedIDs { s.addFilter(.inSubquery(.column(table: root, name: schema.primaryKeyColumn(ofEntity: query.entity)), limitedIDs)) }
        var nodes: [JoinNode] = []
        var nodeIndex: [String: Int] = [:]
        var aliases: [Int: String] = [0: root]
        var offset = schema.entity(query.entity)?.columns.count ?? 0
        var joins: [Join] = []
        for path in includePaths {
            var parent = 0
            var entity = query.entity
            var key = ""
            for name in path {
                key = key.isEmpty ? name : key + "." + name
                guard let association = schema.entity(entity)?.association(named: name),
                      let target = schema.entity(association.target) else {
                    throw ORMError("\(entity) has no association '\(name)'")
                }
                if let existing = nodeIndex[key] {
                    parent = existing + 1
                    entity = association.target
                    continue
                }
                let parentName = aliases[parent] ?? root
                let parentKey = schema.primaryKeyColumn(ofEntity: entity)
                let alias = scope.uniqueName(preferred: target.table, fallback: key.split(separator: ".").joined(separator: "_"))
                let aliasOrNil = alias == target.table ? nil : alias
                switch association.kind {
                case .belongsTo:
                    joins.append(Join(.left, table: target.table, alias: aliasOrNil,
                                      on: .eq(.column(table: alias, name: target.primaryKeyColumn), .column(table: parentName, name: association.foreignKey ?? "id"))))
                case .hasMany, .hasOne:
                    joins.append(Join(.left, table: target.table, alias: aliasOrNil,
                                      on: .eq(.column(table: alias, name: association.foreignKey ?? "id"), .column(table: parentName, name: parentKey))))
                case .manyToMany:
                    guard let jt = association.joinTable else { continue }
                    let jtAlias = scope.uniqueName(preferred: jt.name, fallback: jt.name)
                    joins.append(Join(.left, table: jt.name, alias: jtAlias == jt.name ? nil : jtAlias,
                                      on: .eq(.column(table: jtAlias, name: jt.ownerColumn), .column(table: parentName, name: parentKey))))
                    joins.append(Join(.left, table: target.table, alias: aliasOrNil,
                                      on: .eq(.column(table: alias, name: target.primaryKeyColumn), .column(table: jtAlias, name: jt.targetColumn))))
                }
                // A soft-deleted row is not joined in (the condition goes in ON, so the parent stays).
                if let deleted = deletedCondition(association.target, table: alias), let last = joins.popLast() {
                    joins.append(Join(last.kind, table: last.table, alias: last.alias, on: .and([last.on, deleted])))
                }
                s.columns.append(.allColumns(table: alias))
                nodes.append(JoinNode(parent: parent, association: association, entity: association.target, offset: offset))
                nodeIndex[key] = nodes.count - 1
                aliases[nodes.count] = alias
                offset += target.columns.count
                parent = nodes.count
                entity = association.target
            }
        }
        // Filter/order joins first (they may be referenced by WHERE), then the include joins.
        s.joins = scope.joins + joins
        return (s, nodes)
    }

    // MARK: - Association loading

    /// SQL that loads an association for the owners with these keys (one: `= ?`; several: `IN`):
    /// integer ids, or a natural key's texts. For a belongs-to, the keys of the targets.
    /// For many-to-many the owner id comes first in each row, then the target's columns.
    public func associationLoad(_ association: Association, ownerKeys: [DatabaseValue]) -> Select {
        let target = table(association.target)
        let key: SQLExpr
        var s = Select(columns: [.allColumns(table: target)], from: target)
        s.source = schema.rowSource(of: association.target)
        switch association.kind {
        case .belongsTo:
            key = .column(table: target, name: schema.primaryKeyColumn(ofEntity: association.target))
        case .hasMany, .hasOne:
            key = .column(table: target, name: association.foreignKey ?? "id")
        case .manyToMany:
            guard let jt = association.joinTable else { return s }
            s.columns = [.column(table: jt.name, name: jt.ownerColumn), .allColumns(table: target)]
            s.joins = [Join(.inner, table: jt.name, on: .eq(.column(table: jt.name, name: jt.targetColumn),
                                                            .column(table: target, name: schema.primaryKeyColumn(ofEntity: association.target))))]
            key = .column(table: jt.name, name: jt.ownerColumn)
        }
        if ownerKeys.count == 1 {
            s.filter = .eq(key, .value(ownerKeys[0]))
        } else {
            s.filter = .inList(key, ownerKeys.map { .value($0) })
        }
        if let deleted = deletedCondition(association.target, table: target) { s.addFilter(deleted) }
        return s
    }

    func table(_ entity: String) -> String { schema.entity(entity)?.table ?? entity }

    /// `"account"."deleted_at" IS NULL` for an entity with `soft delete` (IS NOT NULL for
    /// `only_deleted`), nil otherwise or for `with_deleted`.
    func deletedCondition(_ entity: String, table: String, rows: DeletedRows = .skip) -> SQLExpr? {
        guard rows != .include, let column = schema.entity(entity)?.softDeleteColumn else { return nil }
        return .isNull(.column(table: table, name: column), negated: rows == .only)
    }

    /// A scalar function in SQL: `LOWER(...)`, `UPPER(...)`, `TRIM(...)`; `now()` is bound as a value
    /// by the caller (the same instant as the objects in memory get).
    func functionCall(_ function: ScalarFunction, _ arguments: [SQLExpr]) -> SQLExpr {
        .function(function.rawValue.uppercased(), arguments)
    }

    // MARK: - Bulk statements

    /// `Account.where(balance < 0).update(balance: balance - 30)`: ONE `UPDATE ... SET ... WHERE`,
    /// the values computed by SQL from the row (`"balance" = "balance" - ?`). A condition through
    /// a to-one path (a JOIN in a SELECT) becomes `"id" IN (SELECT ...)`, as UPDATE has no JOIN.
    public func bulkUpdate(_ query: Query, set assignments: [(column: String, value: Operand)], returning: Bool) -> Update {
        let root = table(query.entity)
        let (filter, scope) = bulkFilter(query)
        let sets = assignments.map { ($0.column, unqualified(operand($0.value, scope: scope), root: root)) }
        return Update(table: root, assignments: sets, filter: filter, returning: returning ? [.raw("*")] : [])
    }

    /// `Account.where(balance == 0).delete()`: ONE `DELETE ... WHERE`.
    public func bulkDelete(_ query: Query, returning: Bool) -> Delete {
        let root = table(query.entity)
        return Delete(table: root, filter: bulkFilter(query).filter,
                      returning: returning ? [.column(table: nil, name: schema.primaryKeyColumn(ofEntity: query.entity))] : [])
    }

    /// The WHERE of a bulk statement: the query's own condition, with its root columns written
    /// bare, or `"id" IN (SELECT "id" ... JOIN ...)` when it needs a join.
    func bulkFilter(_ query: Query) -> (filter: SQLExpr?, scope: Scope) {
        let root = table(query.entity)
        let scope = Scope(schema: schema, rootEntity: query.entity, rootName: root, outerNames: [])
        let deleted = deletedCondition(query.entity, table: root, rows: query.deletedRows)
        guard let condition = query.filter else { return (deleted.map { unqualified($0, root: root) }, scope) }
        var compiled = predicate(condition, scope: scope)
        if let deleted {
            if case .and(let terms) = compiled { compiled = .and([deleted] + terms) } else { compiled = .and([deleted, compiled]) }
        }
        if scope.joins.isEmpty { return (unqualified(compiled, root: root), scope) }
        var ids = select(query)
        let key = schema.primaryKeyColumn(ofEntity: query.entity)
        ids.columns = [.column(table: root, name: key)]
        return (.inSubquery(.column(table: nil, name: key), ids), Scope(schema: schema, rootEntity: query.entity, rootName: root, outerNames: []))
    }

    /// `"account"."balance"` as `"balance"` outside subqueries (an UPDATE names one table).
    func unqualified(_ e: SQLExpr, root: String) -> SQLExpr {
        switch e {
        case .column(let table, let name) where table == root: return .column(table: nil, name: name)
        case .binary(let a, let op, let b): return .binary(unqualified(a, root: root), op, unqualified(b, root: root))
        case .not(let inner): return .not(unqualified(inner, root: root))
        case .isNull(let inner, let negated): return .isNull(unqualified(inner, root: root), negated: negated)
        case .inList(let inner, let items): return .inList(unqualified(inner, root: root), items)
        case .function(let name, let arguments): return .function(name, arguments.map { unqualified($0, root: root) })
        case .and(let terms): return .and(terms.map { unqualified($0, root: root) })
        case .or(let terms): return .or(terms.map { unqualified($0, root: root) })
        default: return e
        }
    }
}
