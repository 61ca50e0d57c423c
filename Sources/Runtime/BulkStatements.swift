import DSL
import Mapping
import Report
import SQLBuilder
import DatabaseKit

// Bulk `update(...)` and `delete()` on a query (Rails' update_all/delete_all, Django's
// QuerySet.update, SQLAlchemy's query.update): ONE statement for every matching row, computed
// by the database, with no object loaded, so no validation and no callback runs. The objects
// already loaded that the statement touched are brought in line as `:set sync` says
// (SQLAlchemy's synchronize_session): `evaluate` applies the change in memory, `fetch` reads
// the changed rows back with RETURNING, `none` marks them stale.

/// How a bulk statement treats the objects already loaded (`:set sync ...`).
public enum BulkSync: String, Sendable, CaseIterable {
    /// Judge the condition and compute the new values in memory, for the loaded objects (no SQL).
    case evaluate
    /// Read the changed rows back in the same statement (`RETURNING`), and refresh the loaded ones.
    case fetch
    /// Do nothing but mark the loaded objects of the table stale: their values may be old.
    case none
}

/// What a bulk statement did.
public struct BulkResult {
    /// Rows the database changed or deleted.
    public var rows: Int
    /// Loaded objects brought up to date (updated in memory or re-read), or removed (delete).
    public var synced: [ManagedObject] = []
    /// Loaded objects marked stale.
    public var stale: [ManagedObject] = []
    /// Loaded objects with unsaved changes, left as they are (autoflush was off).
    public var skippedDirty: [ManagedObject] = []
    /// True when `evaluate` could not judge the condition in memory (a path through an
    /// association, say), so the loaded objects were marked stale instead.
    public var couldNotEvaluate = false
}

extension Session {
    /// `Query.update(prop: value, ...)`: one UPDATE. `assignments` are column indexes of the
    /// query's entity with the value each gets, in SQL's terms.
    public func bulkUpdate(_ query: Query, set assignments: [(column: Int, value: Operand)], cause: String) throws -> BulkResult {
        guard let info = infos[query.entity] else { throw ORMError("unknown entity \(query.entity)") }
        if info.inheritance != nil { throw bulkOnHierarchy(info, "update(...)") }
        try autoflushIfNeeded(before: cause)
        let mapping = info.mapping
        let sync = bulkSync
        let fetches = sync == .fetch && dialect.supportsReturning
        let update = QueryCompiler(schema: schema).bulkUpdate(query, set: assignments.map { (mapping.columns[$0.column].name, $0.value) },
                                                              returning: fetches)
        let rendered = dialect.render(update)
        var result = BulkResult(rows: 0)
        // `evaluate` judges the condition on the values before the statement changes them.
        let loaded = info.identityMap.values.filter { $0.state != .new && $0.state != .deleted && $0.state != .detached }
        var matching: [ManagedObject]? = nil
        if sync == .evaluate { matching = evaluateMatches(query.filter, among: loaded) }
        let now = self.now()
        var refreshed: [ManagedObject] = []
        try log.withCause(cause) {
            if fetches {
                result.rows = try db.query(rendered.sql, rendered.arguments) { row in
                    guard let id = info.handle(of: row, at: 0), let object = info.identityMap[id] else { return }
                    if object.state == .dirty { result.skippedDirty.append(object); return }
                    for i in 0..<min(row.columnCount, mapping.columns.count) { object.setValue(row.value(i), ofColumn: i) }
                    object.loadedColumns = nil
                    object.state = .clean
                    refreshed.append(object)
                }
            } else {
                result.rows = try db.run(rendered.sql, rendered.arguments)
            }
        }
        log.setRowsOfLast(result.rows)
        switch sync {
        case .fetch:
            result.synced = refreshed
        case .evaluate:
            guard let matching else {
                result.couldNotEvaluate = true
                markStale(loaded, into: &result)
                break
            }
            for object in matching {
                if object.state == .dirty { result.skippedDirty.append(object); continue }
                var newValues: [(Int, DatabaseValue)] = []
                var computed = true
                for assignment in assignments {
                    guard let value = evaluate(assignment.value, on: object, now: now) else { computed = false; break }
                    newValues.append((assignment.column, convertForColumn(value, mapping.columns[assignment.column])))
                }
                // What SQL computes but memory cannot (a division by zero gives NULL there): stale.
                guard computed else { markStale([object], into: &result); continue }
                for (column, value) in newValues { object.setValue(value, ofColumn: column) }
                result.synced.append(object)
            }
        case .none:
            markStale(loaded, into: &result)
        }
        return result
    }

    /// `Query.delete()`: one DELETE.
    public func bulkDelete(_ query: Query, cause: String) throws -> BulkResult {
        guard let info = infos[query.entity] else { throw ORMError("unknown entity \(query.entity)") }
        if info.inheritance != nil { throw bulkOnHierarchy(info, "delete()") }
        try autoflushIfNeeded(before: cause)
        let sync = bulkSync
        let fetches = sync == .fetch && dialect.supportsReturning
        let compiler = QueryCompiler(schema: schema)
        // `soft delete`: the rows stay; ONE UPDATE sets their deleted_at.
        let rendered: RenderedSQL
        if let column = info.lifecycle?.deletedAt {
            rendered = dialect.render(compiler.bulkUpdate(query, set: [(info.mapping.columns[column].name, .value(.text(now())))], returning: fetches))
        } else {
            rendered = dialect.render(compiler.bulkDelete(query, returning: fetches))
        }
        var result = BulkResult(rows: 0)
        let loaded = info.identityMap.values.filter { $0.state != .new && $0.state != .detached }
        var matching: [ManagedObject]? = nil
        if sync == .evaluate { matching = evaluateMatches(query.filter, among: loaded) }
        var deletedIDs: [Int64] = []
        do {
            try log.withCause(cause) {
                if fetches {
                    result.rows = try db.query(rendered.sql, rendered.arguments) { row in if let id = info.handle(of: row, at: 0) { deletedIDs.append(id) } }
                } else {
                    result.rows = try db.run(rendered.sql, rendered.arguments)
                }
            }
        } catch let error as any DatabaseError where error.violatedConstraint == .foreignKey {
            // In ORM terms: which associations still point at these rows.
            let children = infos.values.sorted { $0.name < $1.name }.flatMap { child in
                child.mapping.associations.filter { $0.kind == .belongsTo && $0.target == info.name && $0.onDelete == nil }.map { "\(child.name).\($0.name)" }
            }
            let message = "the bulk DELETE of \(info.name) rows failed: other rows still refer to some of them (\(children.joined(separator: ", ")); a foreign key without an ON DELETE rule); nothing was deleted"
            log.explainLastFailure(message)
            throw ORMError(message, hint: "delete or reassign those rows first, or declare the association with `on delete cascade` or `on delete set null`")
        }
        log.setRowsOfLast(result.rows)
        var gone: [ManagedObject] = []
        switch sync {
        case .fetch: gone = deletedIDs.compactMap { info.identityMap[$0] }
        case .evaluate:
            if let matching { gone = matching } else {
                result.couldNotEvaluate = true
                markStale(loaded, into: &result)
            }
        case .none: markStale(loaded, into: &result)
        }
        for object in gone {
            // Its row is gone: the object leaves the session (and a pending change to it with it).
            if let id = object.id { info.identityMap[id] = nil }
            unitOfWork.unregisterDirty(object)
            object.state = .detached
            result.synced.append(object)
        }
        // Collections loaded elsewhere may hold a deleted row (and ON DELETE rules changed others).
        if result.rows > 0 { expireLoadedAssociations() }
        return result
    }

    /// Marks the clean or partial objects among `objects` stale (a dirty one keeps its pending change).
    func markStale(_ objects: [ManagedObject], into result: inout BulkResult) {
        for object in objects {
            switch object.state {
            case .clean, .partial, .stale:
                object.state = .stale
                result.stale.append(object)
            case .dirty, .deleted:
                result.skippedDirty.append(object)
            default:
                break
            }
        }
    }

    /// `:sql UPDATE/DELETE ...` changed rows of `table` behind the session's back: its loaded
    /// objects are marked stale. Returns them.
    @discardableResult
    public func markStale(table: String) -> [ManagedObject] {
        var result = BulkResult(rows: 0)
        for info in infos.values where info.table.lowercased() == table.lowercased() {
            markStale(info.identityMap.values, into: &result)
        }
        if !result.stale.isEmpty { expireLoadedAssociations() }
        return result.stale
    }

    /// The table a raw write names (`UPDATE "book" ...`), or nil (SQLBuilder reads the SQL).
    public static func tableWritten(by sql: String) -> String? { RawStatement.tableWritten(by: sql) }

    // MARK: - Judging in memory (`:set sync evaluate`)

    /// The loaded objects whose values satisfy `filter`, or nil when the condition cannot be
    /// judged in memory (it goes through an association, or compares an aggregate).
    func evaluateMatches(_ filter: Predicate?, among objects: [ManagedObject]) -> [ManagedObject]? {
        guard let filter else { return objects }
        guard Self.isEvaluable(filter) else { return nil }
        return objects.filter { object in
            // A partial object without a compared column cannot be judged: treat it as matching
            // (it is then brought in line or marked stale, never left looking current).
            evaluate(filter, on: object) ?? true
        }
    }

    static func isEvaluable(_ p: Predicate) -> Bool {
        func operandOK(_ o: Operand) -> Bool {
            switch o {
            case .column(let path): return path.hops.isEmpty
            case .value: return true
            case .arithmetic(let a, _, let b): return operandOK(a) && operandOK(b)
            case .function(_, let arguments): return arguments.allSatisfy(operandOK)
            }
        }
        switch p {
        case .compare(let a, _, let b), .like(let a, let b): return operandOK(a) && operandOK(b)
        case .isNull(let a, _), .inList(let a, _): return operandOK(a)
        case .and(let terms), .or(let terms): return terms.allSatisfy(isEvaluable)
        case .not(let inner): return isEvaluable(inner)
        case .any, .aggregate: return false
        }
    }

    /// SQL's three-valued answer of `p` for `object`'s values (nil: unknown, as NULL makes it).
    func evaluate(_ p: Predicate, on object: ManagedObject) -> Bool? {
        switch p {
        case .compare(let a, let op, let b):
            guard let x = evaluate(a, on: object, now: now())?.value, let y = evaluate(b, on: object, now: now())?.value else { return nil }
            guard let order = Self.compare(x, y) else { return nil }
            switch op {
            case "==": return order == 0
            case "!=": return order != 0
            case "<": return order < 0
            case "<=": return order <= 0
            case ">": return order > 0
            case ">=": return order >= 0
            default: return nil
            }
        case .like(let a, let b):
            guard case .text(let s)? = evaluate(a, on: object, now: now())?.value,
                  case .text(let pattern)? = evaluate(b, on: object, now: now())?.value else { return nil }
            return Self.like(s, pattern)
        case .isNull(let a, let negated):
            guard let x = evaluate(a, on: object, now: now()) else { return nil }
            let isNull: Bool
            if case .null = x.value { isNull = true } else { isNull = false }
            return negated ? !isNull : isNull
        case .inList(let a, let values):
            guard let x = evaluate(a, on: object, now: now())?.value, Self.compare(x, x) != nil else { return nil }
            return values.contains { Self.compare(x, $0) == 0 }
        case .and(let terms):
            var unknown = false
            for term in terms {
                switch evaluate(term, on: object) {
                case false?: return false
                case nil: unknown = true
                default: break
                }
            }
            return unknown ? nil : true
        case .or(let terms):
            var unknown = false
            for term in terms {
                switch evaluate(term, on: object) {
                case true?: return true
                case nil: unknown = true
                default: break
                }
            }
            return unknown ? nil : false
        case .not(let inner):
            return evaluate(inner, on: object).map { !$0 }
        case .any, .aggregate:
            return nil
        }
    }

    /// An operand's value for `object` (nil when a column is not loaded or the value cannot be computed).
    func evaluate(_ operand: Operand, on object: ManagedObject, now: String) -> TypedValue? {
        switch operand {
        case .column(let path):
            guard path.hops.isEmpty, let index = object.entity.mapping.columnIndex(named: path.column),
                  object.isLoaded(column: index) else { return nil }
            return TypedValue(object.value(ofColumn: index), path.scalarType)
        case .value(let v):
            return TypedValue(v, Self.type(of: v))
        case .arithmetic(let a, let op, let b):
            guard let x = evaluate(a, on: object, now: now), let y = evaluate(b, on: object, now: now) else { return nil }
            let dsl: BinaryOperator
            switch op {
            case "+", "||": dsl = .plus
            case "-": dsl = .minus
            case "*": dsl = .times
            case "/": dsl = .divide
            default: return nil
            }
            let noRange = SourceRange(SourceLocation(line: 0, column: 0, offset: 0), SourceLocation(line: 0, column: 0, offset: 0))
            return try? ScalarExpression.apply(dsl, x, y, range: noRange)
        case .function(let function, let arguments):
            if function == .now { return TypedValue(.text(now), .date) }
            guard let argument = arguments.first.flatMap({ evaluate($0, on: object, now: now) }) else { return nil }
            let noRange = SourceRange(SourceLocation(line: 0, column: 0, offset: 0), SourceLocation(line: 0, column: 0, offset: 0))
            return try? ScalarExpression.call(function, argument, range: noRange)
        }
    }

    static func type(of v: DatabaseValue) -> ScalarType? {
        switch v {
        case .integer: return .int
        case .real: return .double
        case .text: return .string
        case .blob: return .data
        case .null: return nil
        }
    }

    /// A computed value stored as its column stores it (an Int result in a Double column is a real).
    func convertForColumn(_ value: TypedValue, _ column: Column) -> DatabaseValue {
        if column.scalarType == .double, case .integer(let i) = value.value { return .real(Double(i)) }
        return value.value
    }

    /// SQLite's ordering of two values of one kind: -1, 0, 1; nil when either is NULL.
    static func compare(_ a: DatabaseValue, _ b: DatabaseValue) -> Int? {
        switch (a, b) {
        case (.null, _), (_, .null): return nil
        case (.integer(let x), .integer(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.text(let x), .text(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        default:
            if let x = ScalarExpression.double(a), let y = ScalarExpression.double(b) { return x < y ? -1 : (x == y ? 0 : 1) }
            // SQLite orders numbers before text before blobs.
            func rank(_ v: DatabaseValue) -> Int {
                switch v { case .integer, .real: return 0; case .text: return 1; default: return 2 }
            }
            return rank(a) < rank(b) ? -1 : (rank(a) == rank(b) ? 0 : 1)
        }
    }

    /// SQLite's LIKE: `%` any text, `_` one character, ASCII letters without case.
    static func like(_ s: String, _ pattern: String) -> Bool {
        let text = Array(s.lowercased()), p = Array(pattern.lowercased())
        var memo = [[Bool?]](repeating: [Bool?](repeating: nil, count: p.count + 1), count: text.count + 1)
        func match(_ i: Int, _ j: Int) -> Bool {
            if let known = memo[i][j] { return known }
            let result: Bool
            if j == p.count { result = i == text.count }
            else if p[j] == "%" { result = match(i, j + 1) || (i < text.count && match(i + 1, j)) }
            else { result = i < text.count && (p[j] == "_" || p[j] == text[i]) && match(i + 1, j + 1) }
            memo[i][j] = result
            return result
        }
        return match(0, 0)
    }
}
