import DSL
import Mapping
import Report
import Runtime
import DatabaseKit
import SQLBuilder

// Turns query-method chains (`Author.where(...).order(...)`) into resolved `Query` values,
// checking every name against the mapping and every value against its column's type.

extension Workbench {
    // MARK: - Query methods

    func queryMethod(_ query: inout Query, info: EntityInfo, _ name: Identifier, _ arguments: [Argument]?,
                     range: SourceRange, text: String) throws -> Value {
        let previous = query.dsl
        query.dsl = text
        let args = arguments ?? []
        func noArguments() throws {
            if let arguments, !arguments.isEmpty {
                throw EvalError("\(name.name) takes no arguments", at: arguments[0].range)
            }
        }
        func oneInteger() throws -> Int64 {
            guard args.count == 1, args[0].label == nil, case .scalar(.integer(let n), _) = try evaluate(args[0].value) else {
                throw EvalError("\(name.name)(...) takes one whole number", at: arguments?.first?.range ?? name.range, hint: "for example \(name.name)(10)")
            }
            guard n >= 0 else { throw EvalError("\(name.name) cannot be negative", at: args[0].range) }
            return n
        }
        if query.lock != nil, ["count", "sum", "avg", "min", "max", "group"].contains(name.name) {
            throw EvalError("lock locks the rows a query loads as objects; \(name.name) loads none (an aggregate reads rows without locking them)", at: name.range,
                            hint: "lock the objects instead: \(info.name).where(...).lock.all")
        }
        switch name.name {
        case "all":
            try noArguments()
            query.dsl = previous == info.name ? "\(info.name).all" : previous
            return .query(query, info)
        case "where":
            guard !args.isEmpty else { throw EvalError("where(...) needs a condition", at: name.range, hint: "for example \(info.name).where(id > 1)") }
            for arg in args {
                if let label = arg.label {
                    throw EvalError("where takes a condition, not a labelled value", at: label.range,
                                    hint: "write \(label.name) == \(currentSource.slice(arg.value.range))")
                }
                let p = try predicate(arg.value, entity: info.mapping)
                query.filter = query.filter.map { .and([$0, p]) } ?? p
            }
            return .query(query, info)
        case "order":
            guard !args.isEmpty else { throw EvalError("order(...) needs a property", at: name.range, hint: "for example order(name desc)") }
            for arg in args {
                let path = try columnPath(arg.value, entity: info.mapping)
                query.order.append((path, arg.direction == .desc))
            }
            return .query(query, info)
        case "limit":
            query.limit = try oneInteger()
            return .query(query, info)
        case "offset":
            query.offset = try oneInteger()
            return .query(query, info)
        case "select":
            guard !args.isEmpty else { throw EvalError("select(...) needs at least one property", at: name.range) }
            var columns: [String] = []
            for arg in args {
                guard case .name(let id) = arg.value else {
                    throw EvalError("select(...) takes property names", at: arg.range)
                }
                guard let index = info.mapping.columnIndex(forProperty: id.name), index > 0 else {
                    if id.name == "id" { continue }
                    throw EvalError("unknown property '\(id.name)' on \(info.name)", at: id.range,
                                    hint: suggestion(id.name, info.mapping.columns.map(\.property)))
                }
                columns.append(info.mapping.columns[index].name)
            }
            query.selection = columns
            // `distinct.select(year)`: the distinct values, not partial objects (each with its id).
            if query.distinct { return try distinctValues(query, info: info, columns: columns) }
            return .query(query, info)
        case "include":
            guard let first = args.first, first.label == nil else {
                throw EvalError("include(...) needs an association", at: name.range,
                                hint: info.mapping.associations.first.map { "for example include(\($0.name))" })
            }
            var strategy = EagerStrategy.inList
            for arg in args.dropFirst() {
                guard arg.label?.name == "using", case .name(let s) = arg.value, s.name == "join" || s.name == "in" else {
                    throw EvalError("include takes `using: join` (one LEFT JOIN) or `using: in` (a second query, the default)", at: arg.range)
                }
                strategy = s.name == "join" ? .join : .inList
            }
            if let path = try polymorphicIncludePath(first.value, entity: info.mapping, strategy: strategy) {
                query.includes.append(IncludePath(path: path, strategy: strategy))
                return .query(query, info)
            }
            let path = try associationPath(first.value, entity: info.mapping)
            query.includes.append(IncludePath(path: path, strategy: strategy))
            return .query(query, info)
        case "first":
            try noArguments()
            var q = query
            q.limit = 1
            if q.order.isEmpty { q.order = [(ColumnPath(entity: info.name, column: info.mapping.primaryKeyColumn, scalarType: .int), false)] }
            let result = try session.fetch(q)
            guard let object = result.objects.first else { return .scalar(.null, nil) }
            return .object(object, fromIdentityMap: result.identityHits.contains(ObjectIdentifier(object)))
        case "lock":
            let lock = try rowLock(args, name: name)
            guard query.grouping.isEmpty else {
                throw EvalError("lock locks the rows a query loads as objects; a group(...) query has none to lock", at: name.range,
                                hint: "lock the objects: \(info.name).where(...).lock.all")
            }
            query.lock = lock
            return .query(query, info)
        case "count":
            try noArguments()
            return try runAggregate(query, Aggregate(.count, nil))
        case "sum", "avg", "min", "max":
            guard args.count == 1, args[0].label == nil else {
                throw EvalError("\(name.name)(...) takes one property", at: name.range, hint: "for example \(name.name)(\(info.mapping.scalarColumns.first?.property ?? "id"))")
            }
            let path = try columnPath(args[0].value, entity: info.mapping)
            if (name.name == "sum" || name.name == "avg"), let t = path.scalarType, t != .int && t != .double && t != .decimal {
                throw EvalError("\(name.name) needs a number, but \(path.dslPath) is \(t.rawValue)", at: args[0].range)
            }
            let fn = Aggregate.Function(rawValue: name.name.uppercased()) ?? .count
            return try runAggregate(query, Aggregate(fn, path))
        case "group":
            guard !args.isEmpty else { throw EvalError("group(...) needs a property", at: name.range) }
            for arg in args {
                // Grouping by a to-one association groups by its foreign key.
                var path = try columnPath(arg.value, entity: info.mapping)
                path.scalarType = path.scalarType ?? .int
                query.grouping.append(path)
            }
            return .query(query, info)
        case "having":
            guard !query.grouping.isEmpty else {
                throw EvalError("having(...) filters groups: use it after group(...)", at: name.range,
                                hint: "for example \(info.name).group(...).having(count > 1).count")
            }
            guard args.count == 1 else { throw EvalError("having(...) takes one condition", at: name.range) }
            query.having = try havingPredicate(args[0].value, entity: info.mapping)
            return .query(query, info)
        case "after":
            guard args.count == 1, case .object(let object, _) = try evaluate(args[0].value), object.entity.name == info.name, object.id != nil else {
                throw EvalError("after(...) takes an object of \(info.name): after(\(info.name)#100)", at: name.range,
                                hint: "keyset pagination: rows with a larger id than that object, in id order")
            }
            query.afterKey = object.keyValue
            return .query(query, info)
        case "batches":
            guard args.count == 1, args[0].label?.name == "of", case .scalar(.integer(let n), _) = try evaluate(args[0].value), n > 0 else {
                throw EvalError("batches takes a size: batches(of: 1000)", at: name.range)
            }
            return .batches(query, info, size: n)
        case _ where scopeNamed(name.name, in: info) != nil:
            return try applyScope(name, arguments: arguments, to: &query, info: info, text: text)
        case "distinct":
            try noArguments()
            query.distinct = true
            if let selection = query.selection { return try distinctValues(query, info: info, columns: selection) }
            return .query(query, info)
        case "exists":
            try noArguments()
            return .scalar(.integer(try session.exists(query) ? 1 : 0), .bool)
        case "pluck":
            guard !args.isEmpty else {
                throw EvalError("pluck(...) needs at least one property", at: name.range,
                                hint: "for example \(info.name).pluck(\(info.mapping.scalarColumns.first?.property ?? "id"))")
            }
            var paths: [ColumnPath] = []
            do {
                for arg in args {
                    if let label = arg.label { throw EvalError("pluck takes property names, not labelled values", at: label.range) }
                    paths.append(try columnPath(arg.value, entity: info.mapping))
                }
            } catch {
                keepsOwnDiagnostic = true // (ActiveRecord's pluck is ORMLab's too: its own message stands)
                throw error
            }
            let rows = try session.values(query, columns: paths)
            return .table(header: paths.map(writtenPath), rows: rows.map { row in
                row.enumerated().map { i, v in displayValue(v, type: foreignKeyTarget(paths[i]) == nil ? paths[i].scalarType : nil).display }
            })
        case "with_deleted", "only_deleted":
            try noArguments()
            guard info.mapping.softDeleteColumn != nil else {
                throw EvalError("\(info.name) has no soft delete, so no row is hidden: \(name.name) changes nothing", at: name.range,
                                hint: "declare it in the entity: soft delete")
            }
            query.deletedRows = name.name == "with_deleted" ? .include : .only
            return .query(query, info)
        case "update", "delete":
            do {
                if name.name == "update" { return try bulkUpdate(query, info: info, arguments: args, name: name, range: range, text: text) }
                return try bulkDelete(query, info: info, arguments: args, name: name, range: range, text: text)
            } catch {
                keepsOwnDiagnostic = true
                throw error
            }
        default:
            if info.mapping.association(named: name.name) != nil || info.mapping.columnIndex(forProperty: name.name) != nil {
                throw EvalError("'\(name.name)' is a property of \(info.name) objects, not of the \(info.name) query", at: name.range,
                                hint: "pick an object first: \(info.name)#1.\(name.name), or \(info.name).first")
            }
            let scopes = info.mapping.declaration.members.compactMap { if case .scope(let s) = $0 { return s.name.name } else { return nil } }
            throw EvalError("unknown query method '\(name.name)'", at: name.range,
                            hint: suggestion(name.name, queryMethodNames + scopes) ?? "queries have: \((queryMethodNames + scopes).joined(separator: ", "))")
        }
    }

    /// The distinct values of some columns, as a table (an object has its id, so distinct objects
    /// of a projection would all differ).
    func distinctValues(_ query: Query, info: EntityInfo, columns: [String]) throws -> Value {
        let paths = columns.map { column in
            ColumnPath(entity: info.name, column: column, scalarType: info.mapping.columns.first { $0.name == column }?.scalarType)
        }
        let rows = try session.values(query, columns: paths)
        return .table(header: paths.map(writtenPath), rows: rows.map { row in
            row.enumerated().map { i, v in displayValue(v, type: paths[i].scalarType).display }
        })
    }

    func scopeNamed(_ name: String, in info: EntityInfo) -> ScopeDecl? {
        for member in info.mapping.declaration.members { if case .scope(let scope) = member, scope.name.name == name { return scope } }
        return nil
    }

    /// `Account.rich`: the scope's query (`where(balance > 1000)`), evaluated now and added to
    /// this one (conditions with AND, orders after, a limit or include as given).
    func applyScope(_ name: Identifier, arguments: [Argument]?, to query: inout Query, info: EntityInfo, text: String) throws -> Value {
        guard let scope = scopeNamed(name.name, in: info) else { return .query(query, info) }
        if let arguments, !arguments.isEmpty {
            throw EvalError("scope \(name.name) takes no arguments", at: arguments[0].range)
        }
        // The scope was written in the entity's definition: its text is read from there.
        let saved = currentSource
        currentSource = scopeSources[info.name] ?? SourceFile(text: "")
        let scoped: Query
        do {
            defer { currentSource = saved }
            guard case .query(let q, _) = try evaluate(scope.query) else {
                throw EvalError("scope \(name.name) of \(info.name) is not a query", at: name.range)
            }
            scoped = q
        } catch let error as EvalError {
            throw EvalError("scope \(name.name) of \(info.name): \(error.diagnostic.message)", at: name.range, hint: error.diagnostic.hint)
        }
        if let filter = scoped.filter { query.filter = query.filter.map { .and([$0, filter]) } ?? filter }
        query.order += scoped.order
        query.limit = scoped.limit ?? query.limit
        query.offset = scoped.offset ?? query.offset
        query.includes += scoped.includes
        if scoped.deletedRows != .skip { query.deletedRows = scoped.deletedRows }
        query.dsl = text
        return .query(query, info)
    }

    func runAggregate(_ query: Query, _ aggregate: Aggregate) throws -> Value {
        var result = try session.aggregate(query, aggregate)
        if aggregate.function == .sum, let column = aggregate.column, column.scalarType == .decimal {
            // The SQL summed whole units (see QueryCompiler.aggregateExpr): back to an exact decimal.
            let scale = session.schema.entity(column.entity)?.columns.first { $0.name == column.column }?.decimalScale ?? 2
            result.rows = result.rows.map { row in
                var row = row
                if let last = row.last {
                    let units: Int64? = switch last { case .integer(let i): i; case .real(let d): Int64(exactly: d.rounded()); default: nil }
                    if let units { row[row.count - 1] = ExactDecimal(units: units, scale: scale).databaseValue }
                }
                return row
            }
        }
        if query.grouping.isEmpty {
            let v = result.rows.first?.last ?? .null
            let type: ScalarType? = aggregate.function == .count ? .int : (aggregate.function == .avg ? .double : aggregate.column?.scalarType)
            return .scalar(v, type)
        }
        // Group columns by their property; a to-one group shows its object ref ("Author#1").
        let aggregateType: ScalarType? = aggregate.function == .count ? .int : (aggregate.function == .avg ? .double : aggregate.column?.scalarType)
        let header = query.grouping.map(writtenPath) + [aggregate.dsl]
        let rows = result.rows.map { row in
            row.enumerated().map { i, value -> String in
                guard i < query.grouping.count else { return displayValue(value, type: aggregateType).display }
                let path = query.grouping[i]
                if let target = foreignKeyTarget(path), case .integer(let id) = value { return "\(target)#\(id)" }
                return displayValue(value, type: foreignKeyTarget(path) == nil ? path.scalarType : nil).display
            }
        }
        return .table(header: header, rows: rows)
    }

    /// A column path as the learner writes it: a foreign key by its association ("author").
    func writtenPath(_ path: ColumnPath) -> String {
        let property = session.schema.entity(path.entity)?.columns.first { $0.name == path.column }?.property ?? path.column
        return (path.hops.map(\.association.name) + [property]).joined(separator: ".")
    }

    /// The target entity when the path ends at a belongs-to's foreign key.
    func foreignKeyTarget(_ path: ColumnPath) -> String? {
        guard let column = session.schema.entity(path.entity)?.columns.first(where: { $0.name == path.column }),
              case .foreignKey(_, let target) = column.role else { return nil }
        return target
    }

    // MARK: - Paths

    /// `books.tags` inside include(...): association names from the entity.
    func associationPath(_ expr: Expr, entity: EntityMapping) throws -> [String] {
        var names: [Identifier] = []
        var e = expr
        while case .member(let base, let name, _) = e {
            names.insert(name, at: 0)
            e = base
        }
        guard case .name(let first) = e else {
            throw EvalError("include(...) takes association names, like include(books) or include(books.tags)", at: expr.range)
        }
        names.insert(first, at: 0)
        var current = entity
        var path: [String] = []
        for name in names {
            guard let association = current.association(named: name.name) else {
                throw EvalError("\(current.name) has no association '\(name.name)'", at: name.range,
                                hint: suggestion(name.name, current.associations.map(\.name))
                                    ?? (current.associations.isEmpty ? "\(current.name) has no associations" : "its associations: \(current.associations.map(\.name).joined(separator: ", "))"))
            }
            guard let next = session.schema.entity(association.target) else { break }
            path.append(name.name)
            current = next
        }
        return path
    }

    /// A column reached through to-one associations: `name`, `author.name`, `author` (the FK).
    func columnPath(_ expr: Expr, entity: EntityMapping) throws -> ColumnPath {
        var names: [Identifier] = []
        var e = expr
        while case .member(let base, let name, _) = e {
            names.insert(name, at: 0)
            e = base
        }
        guard case .name(let first) = e else {
            throw EvalError("expected a property name here", at: expr.range, hint: "properties of \(entity.name): \(entity.memberNames.joined(separator: ", "))")
        }
        names.insert(first, at: 0)
        var hops: [ColumnPath.Hop] = []
        var current = entity
        for (i, name) in names.enumerated() {
            let isLast = i == names.count - 1
            if name.name == "id" && isLast {
                return ColumnPath(hops: hops, entity: current.name, column: current.primaryKeyColumn,
                                  scalarType: current.columns[0].holdsTextKey ? .string : .int)
            }
            if let association = current.association(named: name.name) {
                if association.isToMany {
                    throw EvalError("\(name.name) is a to-many association (\(association.kind.rawValue)): many \(association.target)s per \(current.name)", at: name.range,
                                    hint: "to filter on it, ask whether any matches: \(name.name).any(\(session.schema.entity(association.target)?.scalarColumns.first?.property ?? "id") == ...)")
                }
                if isLast {
                    // The association itself: compare its foreign key (belongs-to only).
                    guard association.kind == .belongsTo, let fk = association.foreignKey else {
                        throw EvalError("\(name.name) is a has-one association; compare one of its properties, e.g. \(name.name).id", at: name.range)
                    }
                    let holdsText = current.columns.first { $0.name == fk }?.holdsTextKey ?? false
                    return ColumnPath(hops: hops, entity: current.name, column: fk, scalarType: holdsText ? .string : .int)
                }
                guard let target = session.schema.entity(association.target) else { break }
                hops.append(ColumnPath.Hop(from: current.name, association: association))
                current = target
                continue
            }
            if let index = current.columnIndex(forProperty: name.name), let type = current.columns[index].scalarType {
                guard isLast else {
                    throw EvalError("\(name.name) is a \(type.rawValue) property, so it has no '\(names[i + 1].name)'", at: names[i + 1].range)
                }
                return ColumnPath(hops: hops, entity: current.name, column: current.columns[index].name, scalarType: type)
            }
            if let polymorphic = current.polymorphicAssociation(named: name.name) { throw polymorphicInCondition(polymorphic, name) }
            throw EvalError("unknown property '\(name.name)' on \(current.name)", at: name.range,
                            hint: suggestion(name.name, current.memberNames) ?? "\(current.name) has: \(current.memberNames.joined(separator: ", "))")
        }
        throw EvalError("expected a property", at: expr.range)
    }


    // MARK: - Conditions

    func predicate(_ expr: Expr, entity: EntityMapping) throws -> Predicate {
        switch expr {
        case .binary(.and, let l, let r, _):
            return .and(try flatten(.and, l, r).map { try predicate($0, entity: entity) }.flatMap { p -> [Predicate] in
                if case .and(let inner) = p { return inner } else { return [p] }
            })
        case .binary(.or, let l, let r, _):
            return .or(try flatten(.or, l, r).map { try predicate($0, entity: entity) })
        case .unary(.not, let inner, _):
            return .not(try predicate(inner, entity: entity))
        case .binary(let op, let lhs, let rhs, let range):
            switch op {
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
                return try comparison(op, lhs, rhs, entity: entity, range: range)
            case .like:
                let left = try operand(lhs, entity: entity)
                guard case .column(let path) = left.operand, path.scalarType == .string else {
                    throw EvalError("like compares a String property with a pattern", at: lhs.range, hint: "for example name like \"U%\" (% matches any text, _ one character)")
                }
                let right = try operand(rhs, entity: entity, expected: .string)
                return .like(left.operand, right.operand)
            case .in:
                let left = try operand(lhs, entity: entity)
                guard case .list(let items, _) = rhs else {
                    throw EvalError("in needs a list", at: rhs.range, hint: "for example year in [1974, 1969]")
                }
                var values: [DatabaseValue] = []
                for item in items {
                    let v = try operand(item, entity: entity, expected: left.type)
                    guard case .value(let value) = v.operand else { throw EvalError("the list after in holds values", at: item.range) }
                    values.append(value)
                }
                return .inList(left.operand, values)
            default:
                throw EvalError("'\(op.rawValue)' gives a number, not a condition", at: range, hint: "compare it: (…) > 10")
            }
        case .call(let base, let name, let arguments, let range) where name.name == "any":
            return try anyPredicate(base, arguments, entity: entity, range: range)
        case .member(let base, let name, let range) where name.name == "any":
            return try anyPredicate(base, [], entity: entity, range: range)
        case .name, .member:
            // A Bool property on its own: where(active).
            let path = try columnPath(expr, entity: entity)
            guard path.scalarType == .bool else {
                throw EvalError("'\(currentSource.slice(expr.range))' is not a condition", at: expr.range,
                                hint: "compare it, e.g. \(currentSource.slice(expr.range)) == …")
            }
            return .compare(.column(path), "==", .value(.integer(1)))
        default:
            throw EvalError("'\(currentSource.slice(expr.range))' is not a condition", at: expr.range,
                            hint: "a condition compares properties with values, e.g. born < 1950 and name like \"U%\"")
        }
    }

    func flatten(_ op: BinaryOperator, _ l: Expr, _ r: Expr) -> [Expr] {
        var out: [Expr] = []
        var stack: [Expr] = [r, l]
        while let e = stack.popLast() {
            if case .binary(let o, let a, let b, _) = e, o == op { stack.append(b); stack.append(a) } else { out.append(e) }
        }
        return out
    }

    /// `books.any(year > 2000)` → EXISTS over the association.
    func anyPredicate(_ base: Expr, _ arguments: [Argument], entity: EntityMapping, range: SourceRange) throws -> Predicate {
        guard case .name(let name) = base else {
            throw EvalError("any(...) follows a to-many association of \(entity.name), like books.any(year > 2000)", at: base.range)
        }
        guard let association = entity.association(named: name.name) else {
            if let polymorphic = entity.polymorphicAssociation(named: name.name) { throw polymorphicInCondition(polymorphic, name) }
            throw EvalError("\(entity.name) has no association '\(name.name)'", at: name.range, hint: suggestion(name.name, entity.associations.map(\.name)))
        }
        guard association.isToMany, let target = session.schema.entity(association.target) else {
            throw EvalError("any(...) is for to-many associations; \(name.name) is to-one, so compare it directly: \(name.name).property == …", at: name.range)
        }
        guard arguments.count <= 1 else { throw EvalError("any(...) takes one condition", at: range) }
        let condition = try arguments.first.map { try predicate($0.value, entity: target) }
        return .any(owner: entity.name, association: association, condition: condition)
    }

    struct TypedOperand {
        var operand: Operand
        var type: ScalarType?
    }

    func comparison(_ op: BinaryOperator, _ lhs: Expr, _ rhs: Expr, entity: EntityMapping, range: SourceRange) throws -> Predicate {
        let left = try operand(lhs, entity: entity)
        let right = try operand(rhs, entity: entity, expected: left.type)
        // A literal on the left and a column on the right: check the literal against the column.
        if case .value = left.operand, case .column = right.operand {
            _ = try operand(lhs, entity: entity, expected: right.type)
        }
        let isNil = { (o: Operand) -> Bool in if case .value(.null) = o { return true }; return false }
        if isNil(right.operand) || isNil(left.operand) {
            guard op == .equal || op == .notEqual else {
                throw EvalError("nil can only be compared with == or !=", at: range)
            }
            let subject = isNil(right.operand) ? left.operand : right.operand
            return .isNull(subject, negated: op == .notEqual)
        }
        if let lt = left.type, let rt = right.type, !compatible(lt, rt) {
            throw EvalError("type mismatch: \(currentSource.slice(lhs.range)) is \(lt.rawValue), \(currentSource.slice(rhs.range)) is \(rt.rawValue)", at: range)
        }
        return .compare(left.operand, op.rawValue, right.operand)
    }

    func compatible(_ a: ScalarType, _ b: ScalarType) -> Bool {
        if a == b { return true }
        let numeric: Set<ScalarType> = [.int, .double]
        return numeric.contains(a) && numeric.contains(b)
    }

    /// A property path, a literal, an object (its id), a variable, or arithmetic of those.
    func operand(_ expr: Expr, entity: EntityMapping, expected: ScalarType? = nil) throws -> TypedOperand {
        switch expr {
        case .literal(let literal, let range):
            let type = literalType(literal)
            var value = sqliteValue(literal, type: expected)
            if let expected, literal != .null {
                value = try convert(value, given: type, to: expected, property: "the value", range: range)
            }
            return TypedOperand(operand: .value(value), type: expected ?? type)
        case .objectRef, .keyRef:
            guard case .object(let object, _) = try evaluate(expr), object.id != nil else {
                throw EvalError("\(currentSource.slice(expr.range)) has no id yet", at: expr.range)
            }
            // The key as the column holds it: an integer id, or a natural key's text.
            return TypedOperand(operand: .value(object.keyValue), type: object.entity.naturalKeys == nil ? .int : .string)
        case .name(let id) where entity.columnIndex(forProperty: id.name) == nil && entity.association(named: id.name) == nil && id.name != "id":
            if let v = variables[id.name] {
                switch v {
                case .scalar(let value, let type): return TypedOperand(operand: .value(value), type: type)
                case .object(let o, _): return TypedOperand(operand: .value(o.id != nil ? o.keyValue : .null), type: o.entity.naturalKeys == nil ? .int : .string)
                default: break
                }
            }
            return TypedOperand(operand: .column(try columnPath(expr, entity: entity)), type: nil)
        case .binary(let op, let l, let r, _) where [.plus, .minus, .times, .divide].contains(op):
            let a = try operand(l, entity: entity, expected: nil)
            let b = try operand(r, entity: entity, expected: nil)
            for side in [a, b] where side.type != nil && side.type != .int && side.type != .double {
                throw EvalError("arithmetic needs numbers", at: expr.range)
            }
            let type: ScalarType = (a.type == .double || b.type == .double) ? .double : .int
            return TypedOperand(operand: .arithmetic(a.operand, op.rawValue, b.operand), type: type)
        case .unary(.negate, let inner, _):
            let a = try operand(inner, entity: entity, expected: expected)
            return TypedOperand(operand: .arithmetic(.value(.integer(0)), "-", a.operand), type: a.type)
        case .member, .name:
            let path = try columnPath(expr, entity: entity)
            return TypedOperand(operand: .column(path), type: path.scalarType)
        default:
            throw EvalError("expected a property or a value here", at: expr.range)
        }
    }

    /// `count > 2` inside having(...): a condition on each group's row count.
    func havingPredicate(_ expr: Expr, entity: EntityMapping) throws -> Predicate {
        switch expr {
        case .binary(.and, let l, let r, _):
            return .and([try havingPredicate(l, entity: entity), try havingPredicate(r, entity: entity)])
        case .binary(.or, let l, let r, _):
            return .or([try havingPredicate(l, entity: entity), try havingPredicate(r, entity: entity)])
        case .unary(.not, let inner, _):
            return .not(try havingPredicate(inner, entity: entity))
        case .binary(let op, .name(let id), .literal(let literal, _), _)
            where id.name == "count" && [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(op):
            guard case .integer = literal else {
                throw EvalError("count is compared with a whole number", at: expr.range, hint: "for example having(count > 2)")
            }
            return .aggregate(Aggregate(.count, nil), op.rawValue, sqliteValue(literal, type: .int))
        default:
            throw EvalError("having(...) compares the number of rows in each group: having(count > 2)", at: expr.range)
        }
    }
}

