import DSL
import Mapping
import Report
import Runtime
import DatabaseKit

// Evaluating expressions: entity names, literals, variables, queries and member access (the
// loads a member triggers go through the session's loaders).

extension Workbench {
    func evaluate(_ expr: Expr) throws -> Value {
        switch expr {
        case .name(let id):
            if let v = variables[id.name] {
                if !openSessions.isEmpty { try checkObjectBelongsToCurrentSession(v, name: id) }
                return v
            }
            if let info = session.info(id.name) { return .entity(info) }
            if session.schema.waiting[id.name] != nil {
                throw EvalError("\(id.name) is not mapped yet: it waits for \(session.schema.waiting[id.name]!.joined(separator: ", "))", at: id.range,
                                hint: "define the missing entities first")
            }
            if let join = session.schema.joinEntity(named: id.name), let (a, b) = join.joinEntitySides {
                // A composite identity is not modelled: its pairs are read through the many-to-many.
                throw EvalError("\(id.name) is a join entity: its rows are the pairs of the many-to-many \(a.type.name.name) ↔ \(b.type.name.name), not objects with an identity of their own",
                                at: id.range, hint: (session.schema.entity(a.type.name.name)?.associations.first { $0.kind == .manyToMany && $0.target == b.type.name.name }
                                    .map { "read them through the many-to-many, e.g. \(a.type.name.name)#1.\($0.name); " } ?? "")
                                    + "or :sql SELECT * FROM \"\(join.table?.name ?? id.name)\"")
            }
            let candidates = session.schema.order + Array(variables.keys)
            throw EvalError("unknown name '\(id.name)'", at: id.range, hint: suggestion(id.name, candidates)
                            ?? (session.schema.order.isEmpty ? "define an entity first, e.g. entity Author { name: String }" : "entities: \(session.schema.order.joined(separator: ", "))"))
        case .keyRef(let entity, let key, let range):
            guard let info = session.info(entity.name) else { throw unknownEntity(entity) }
            guard info.naturalKeys != nil else {
                throw EvalError("\(entity.name) is identified by an integer id, not by text", at: range,
                                hint: "write \(entity.name)#1; \(entity.name).all lists the objects")
            }
            let shown = "\(entity.name)#\(naturalKeyReference(key))"
            let found = try session.find(info.name, naturalKey: key, cause: shown)
            guard let object = found.object else {
                throw EvalError("\(shown) does not exist", at: range,
                                hint: "no row of \(info.table) has \(info.mapping.primaryKeyColumn) \(reportValue(.text(key)).display) (keys are compared exactly, case included); \(entity.name).all lists the objects")
            }
            return .object(object, fromIdentityMap: found.fromIdentityMap)
        case .objectRef(let entity, let id, let range):
            guard let info = session.info(entity.name) else { throw unknownEntity(entity) }
            if info.naturalKeys != nil {
                throw EvalError("\(entity.name) has a natural key (text), so #\(id) names no object", at: range,
                                hint: "write its key's text: \(entity.name)#\"\(id)\", or a word as in \(entity.name)#FR; \(entity.name).all lists the objects")
            }
            let found = try session.find(info.name, id: id, cause: "\(entity.name)#\(id)")
            guard let object = found.object else {
                // (With soft delete the row may be there, deleted: queries skip it.)
                let soft = info.mapping.softDeleteColumn != nil
                // (In a hierarchy the id may be another class's object: Truck#1 when #1 is a Car.)
                let root = session.schema.hierarchy[info.name].map(\.root)
                throw EvalError("\(entity.name)#\(id) does not exist" + (soft ? " (or is soft-deleted)" : ""), at: range,
                                hint: soft ? "\(entity.name) skips soft-deleted rows; \(entity.name).with_deleted.where(id == \(id)) finds it if it is one"
                                    : root.map { root in "no \(entity.name) has id \(id); if a row has it, it is of another class of \(root): \(root)#\(id) reads it as its real class; \(entity.name).all lists the objects" }
                                    ?? "no row of \(info.table) has id \(id); \(entity.name).all lists the objects")
            }
            return .object(object, fromIdentityMap: found.fromIdentityMap)
        case .literal(let literal, _):
            return .scalar(sqliteValue(literal, type: nil), literalType(literal))
        case .member(let base, let name, let range):
            return try member(try evaluate(base), name, arguments: nil, range: range, baseExpr: base)
        case .call(let base, let name, let arguments, let range):
            return try member(try evaluate(base), name, arguments: arguments, range: range, baseExpr: base)
        case .list(_, let range):
            throw EvalError("a list can only appear after `in` inside where(...)", at: range)
        case .binary(let op, _, _, _) where ScalarExpression.isArithmetic(op):
            return try scalarExpression(expr)
        case .unary(.negate, _, _), .function:
            return try scalarExpression(expr)
        case .binary(let op, _, _, let range):
            throw EvalError("'\(op.rawValue)' can only be used inside where(...), having(...) or any(...)", at: range,
                            hint: "for example Author.where(born < 1950)")
        case .unary(let op, _, let range):
            throw EvalError("'\(op.rawValue)' can only be used inside where(...)", at: range)
        }
    }

    /// `Account#1.balance - 30`, `lower(a.email) + "!"`: arithmetic, string `+` and the scalar
    /// functions, computed here; each operand is evaluated as any expression is.
    func scalarExpression(_ expr: Expr) throws -> Value {
        do {
            let result = try ScalarExpression.evaluate(expr, now: session.now) { leaf in
                switch try evaluate(leaf) {
                case .scalar(let value, let type):
                    return TypedValue(value, type)
                case .association(_, let association, let access) where !association.isToMany:
                    throw EvalError("\(access) is a \(association.target) object, not a value", at: leaf.range,
                                    hint: "use one of its properties, e.g. \(access).id")
                default:
                    if case .name(let id) = leaf, variables[id.name] == nil, session.info(id.name) == nil {
                        throw EvalError("unknown name '\(id.name)'", at: leaf.range,
                                        hint: "outside a callback, name the object: Account#1.\(id.name), or a variable bound with let")
                    }
                    throw EvalError("'\(currentSource.slice(leaf.range))' is not a value: arithmetic needs numbers, and '+' joins Strings",
                                    at: leaf.range)
                }
            }
            return .scalar(result.value, result.type)
        } catch let error as ExpressionError {
            throw EvalError(error.message, at: error.range, hint: error.hint)
        }
    }

    /// Touching a stale object: its values may be old, so none is given as current.
    func staleObject(_ object: ManagedObject, touching name: Identifier) -> EvalError {
        EvalError("\(object.ref) is stale: its row was changed behind the session's back (a bulk statement or raw :sql), so \(object.ref).\(name.name) in memory may be old",
                  at: name.range, hint: "\(object.ref).reload reads the row again (a query that returns it does too, and :forget drops every loaded object)")
    }

    func unknownEntity(_ id: Identifier) -> EvalError {
        if let missing = session.schema.waiting[id.name] {
            return EvalError("\(id.name) is not mapped yet: it waits for \(missing.joined(separator: ", "))", at: id.range,
                             hint: "define \(missing.joined(separator: " and ")) first")
        }
        return EvalError("unknown entity '\(id.name)'", at: id.range,
                         hint: suggestion(id.name, session.schema.order) ?? (session.schema.order.isEmpty
                            ? "define it first: entity \(id.name) { name: String }"
                            : "defined entities: \(session.schema.order.joined(separator: ", "))"))
    }

    func suggestion(_ name: String, _ candidates: [String]) -> String? {
        nearest(name, in: candidates).map { "did you mean '\($0)'?" }
    }

    /// Type of a literal as written.
    func literalType(_ literal: Literal) -> ScalarType? {
        switch literal {
        case .integer: return .int
        case .double: return .double
        case .string: return .string
        case .bool: return .bool
        case .null: return nil
        }
    }

    func member(_ base: Value, _ name: Identifier, arguments: [Argument]?, range: SourceRange, baseExpr: Expr) throws -> Value {
        let text = currentSource.slice(range)
        switch base {
        case .entity(let info):
            var query = Query(entity: info.name, dsl: info.name)
            query.dsl = info.name
            return try queryMethod(&query, info: info, name, arguments, range: range, text: text)
        case .query(var query, let info):
            return try queryMethod(&query, info: info, name, arguments, range: range, text: text)
        case .object(let object, _):
            return try objectMember(object, name, arguments: arguments, range: range, access: text)
        case .association(let owner, let association, let access):
            return try associationMember(owner, association, access: access, name, arguments: arguments, range: range)
        case .objects(let objects):
            if name.name == "count" && arguments == nil { return .scalar(.integer(Int64(objects.count)), .int) }
            if name.name == "first" && arguments == nil { return objects.first.map { .object($0, fromIdentityMap: true) } ?? .scalar(.null, nil) }
            throw EvalError("a list of objects has no '\(name.name)'", at: name.range, hint: "use .count or .first, or loop over it with for x in ... { }")
        case .scalar(.null, _):
            throw EvalError("'\(currentSource.slice(baseExpr.range))' is nil, so it has no '\(name.name)'", at: name.range)
        case .scalar, .table, .nothing, .batches:
            throw EvalError("'\(currentSource.slice(baseExpr.range))' has no member '\(name.name)'", at: name.range)
        }
    }

    /// `a.name`, `a.books`, `a.author` on an object.
    func objectMember(_ object: ManagedObject, _ name: Identifier, arguments: [Argument]?, range: SourceRange, access: String) throws -> Value {
        let mapping = object.entity.mapping
        if arguments != nil {
            throw EvalError("'\(name.name)' is not a method of \(mapping.name) objects", at: name.range,
                            hint: "objects have properties and associations: \(mapping.memberNames.joined(separator: ", "))")
        }
        if name.name == "id" {
            if object.entity.naturalKeys != nil { return .scalar(object.keyValue, .string) }
            return object.id.map { .scalar(.integer($0), .int) } ?? .scalar(.null, .int)
        }
        if object.state == .stale { throw staleObject(object, touching: name) }
        if let association = mapping.association(named: name.name) {
            return .association(object, association, access: access)
        }
        if let association = mapping.polymorphicAssociation(named: name.name) {
            return try polymorphicMember(object, association, access: access, range: range)
        }
        if let index = mapping.columnIndex(forProperty: name.name), let type = mapping.columns[index].scalarType {
            guard object.isLoaded(column: index) else {
                throw EvalError("\(object.ref).\(name.name) was not selected: this object is partial", at: name.range,
                                hint: "select(...) loaded only some properties; add \(name.name) to select(...) or load the object without select")
            }
            return .scalar(object.value(ofColumn: index), type)
        }
        if let index = mapping.columnIndex(named: name.name) {
            return .scalar(object.value(ofColumn: index), .int)
        }
        throw EvalError("unknown property '\(name.name)' on \(mapping.name)", at: name.range,
                        hint: suggestion(name.name, mapping.memberNames) ?? "\(mapping.name) has: \(mapping.memberNames.joined(separator: ", "))")
    }
}
