import DSL
import Mapping
import Report
import Runtime
import DatabaseKit

// Bulk `Query.update(prop: expr, ...)` and `Query.delete()`: checked whole against the mapping
// before anything runs, then ONE statement (Session.bulkUpdate / bulkDelete). The per-object
// form stays `delete Book.where(...)`: it loads the objects and marks each deleted, so the
// unit of work (and its rules) writes one DELETE per object at save.

extension Workbench {
    func bulkUpdate(_ query: Query, info: EntityInfo, arguments: [Argument], name: Identifier, range: SourceRange, text: String) throws -> Value {
        let mapping = info.mapping
        guard !arguments.isEmpty else {
            throw EvalError("update(...) needs at least one property: value", at: name.range,
                            hint: "for example \(info.name).where(...).update(\(mapping.scalarColumns.first.map { "\($0.property): ..." } ?? "name: ..."))")
        }
        try refuseShapeForBulk(query, info: info, verb: "update", at: name.range)
        var assignments: [(column: Int, value: Operand)] = []
        for argument in arguments {
            guard let label = argument.label else {
                throw EvalError("update takes labelled values: property: value", at: argument.range,
                                hint: "for example update(\(mapping.scalarColumns.first?.property ?? "name"): ...)")
            }
            if label.name == "id" {
                throw EvalError("the primary key cannot be updated", at: label.range, hint: keyChangeHint(mapping))
            }
            if let association = mapping.association(named: label.name) {
                throw EvalError("\(label.name) is a \(association.kind.rawValue) association: a bulk update sets plain properties", at: label.range,
                                hint: association.kind == .belongsTo
                                    ? "change it per object (\(info.name)#1.\(label.name) = \(association.target)#2; save), or with :sql on its foreign key \(association.foreignKey ?? "")"
                                    : "change the other side, per object")
            }
            guard let index = mapping.columnIndex(forProperty: label.name), let type = mapping.columns[index].scalarType else {
                throw EvalError("unknown property '\(label.name)' on \(info.name)", at: label.range,
                                hint: suggestion(label.name, mapping.scalarColumns.map(\.property)) ?? "\(info.name) has: \(mapping.scalarColumns.map(\.property).joined(separator: ", "))")
            }
            if assignments.contains(where: { $0.column == index }) {
                throw EvalError("'\(label.name)' is given twice", at: label.range)
            }
            let value = try bulkOperand(argument.value, entity: mapping)
            if case .value(.null) = value.operand {
                guard mapping.columns[index].isNullable else {
                    throw EvalError("\(info.name).\(label.name) is required (NOT NULL)", at: argument.value.range)
                }
            } else if let given = value.type, !compatible(given, type) || (type == .int && given == .double) {
                throw EvalError("type mismatch: '\(label.name)' is \(type.rawValue), but \(currentSource.slice(argument.value.range)) is \(given.rawValue)",
                                at: argument.value.range)
            }
            // A literal goes to the column as its type stores it (true is 1, 2 in a Double column is 2.0).
            var operand = value.operand
            if case .value(let v) = operand, v != .null {
                operand = .value(try convert(v, given: value.type, to: type, property: label.name, range: argument.value.range))
            }
            assignments.append((index, operand))
        }
        let result = try session.bulkUpdate(query, set: assignments, cause: text)
        bulkNotes(result, verb: "UPDATE", info: info)
        return .objects(result.synced + result.stale)
    }

    func bulkDelete(_ query: Query, info: EntityInfo, arguments: [Argument], name: Identifier, range: SourceRange, text: String) throws -> Value {
        if let first = arguments.first {
            throw EvalError("delete() takes no arguments: the query says which rows", at: first.range,
                            hint: "for example \(info.name).where(\(currentSource.slice(first.range))).delete()")
        }
        try refuseShapeForBulk(query, info: info, verb: "delete", at: name.range)
        let result = try session.bulkDelete(query, cause: text)
        bulkNotes(result, verb: "DELETE", info: info)
        return .objects(result.synced + result.stale)
    }

    /// A bulk statement writes the rows of a condition: no order, limit, projection, include or group.
    private func refuseShapeForBulk(_ query: Query, info: EntityInfo, verb: String, at range: SourceRange) throws {
        if let refusal = bulkRefusal {
            throw EvalError(refusal, at: range)
        }
        var extras: [String] = []
        if !query.order.isEmpty { extras.append("order(...)") }
        if query.limit != nil { extras.append("limit(...)") }
        if query.offset != nil { extras.append("offset(...)") }
        if query.afterKey != nil { extras.append("after(...)") }
        if query.selection != nil { extras.append("select(...)") }
        if !query.includes.isEmpty { extras.append("include(...)") }
        if !query.grouping.isEmpty { extras.append("group(...)") }
        if !extras.isEmpty {
            throw EvalError("a bulk \(verb) takes a condition only, not \(extras.joined(separator: ", "))", at: range,
                            hint: "write \(info.name).where(...).\(verb)(…); to \(verb) some objects one by one, load them and change each")
        }
    }

    /// The notes of a bulk statement: one statement, rules skipped, and what happened to loaded objects.
    private func bulkNotes(_ result: BulkResult, verb: String, info: EntityInfo) {
        let rows = "\(result.rows) row\(result.rows == 1 ? "" : "s")"
        var skipped = ""
        if verb.lowercased() == "update" {
            // What the unit of work sets on every UPDATE of an object, a bulk UPDATE leaves as it
            // was (as Rails' update_all does): say which of those columns this entity has.
            var untouched: [String] = []
            if let column = info.updatedAtColumn { untouched.append("set " + info.mapping.columns[column].name) }
            if let column = info.versionColumn { untouched.append("add 1 to " + info.mapping.columns[column].name) }
            if !untouched.isEmpty {
                skipped = "; nor does it " + untouched.joined(separator: " or ") + ", as Rails' update_all does not"
                if info.versionColumn != nil { skipped += ": another session's optimistic lock cannot see this change" }
            }
        }
        session.addNote(Note(.bulk, "bulk \(verb): one statement for \(rows) of \(info.table); no object was loaded, so validations and callbacks did not run (they run per object at save)" + skipped))
        switch session.bulkSync {
        case .evaluate where !result.couldNotEvaluate:
            if !result.synced.isEmpty {
                let refs = result.synced.prefix(5).map(\.ref).joined(separator: ", ") + (result.synced.count > 5 ? ", …" : "")
                session.addNote(Note(.bulk, "sync evaluate: \(refs) \(verb == "DELETE" ? "left the session (deleted)" : "updated in memory") by judging the condition on the loaded values; no SQL read them"))
            }
        case .fetch:
            if !result.synced.isEmpty {
                let refs = result.synced.prefix(5).map(\.ref).joined(separator: ", ") + (result.synced.count > 5 ? ", …" : "")
                session.addNote(Note(.bulk, "sync fetch: RETURNING gave the \(verb == "DELETE" ? "deleted ids" : "changed rows"); \(refs) \(verb == "DELETE" ? "left the session" : "re-read from them")"))
            }
        default:
            break
        }
        if result.couldNotEvaluate {
            session.addNote(Note(.bulk, "sync evaluate cannot judge this condition in memory (it goes through an association), so the loaded \(info.name) objects are marked stale; :set sync fetch reads the changed rows back"))
        }
        if !result.stale.isEmpty {
            let refs = result.stale.prefix(5).map(\.ref).joined(separator: ", ") + (result.stale.count > 5 ? ", …" : "")
            session.addNote(Note(.bulk, "\(refs) \(result.stale.count == 1 ? "is" : "are") stale: \(result.stale.count == 1 ? "its row" : "their rows") may have changed, so the values in memory are not shown as current; \(result.stale[0].ref).reload (or a query that returns it) reads it again"))
        }
        if !result.skippedDirty.isEmpty {
            session.addNote(Note(.bulk, "\(result.skippedDirty.map(\.ref).joined(separator: ", ")) \(result.skippedDirty.count == 1 ? "has" : "have") unsaved changes and \(result.skippedDirty.count == 1 ? "was" : "were") left as \(result.skippedDirty.count == 1 ? "it is" : "they are"): save writes \(result.skippedDirty.count == 1 ? "its" : "their") values over the bulk statement's"))
        }
    }

    /// A bulk update's value in SQL's terms: properties of the row, literals, variables,
    /// `+ - * /`, string `+` (SQL's `||`), `lower()`, `upper()`, `trim()`, `now()` (bound).
    func bulkOperand(_ expr: Expr, entity: EntityMapping) throws -> TypedOperand {
        switch expr {
        case .binary(let op, let lhs, let rhs, let range) where ScalarExpression.isArithmetic(op):
            let a = try bulkOperand(lhs, entity: entity)
            let b = try bulkOperand(rhs, entity: entity)
            if a.type == .string || b.type == .string {
                guard op == .plus, a.type != nil ? a.type == .string : true, b.type != nil ? b.type == .string : true else {
                    throw EvalError(op == .plus ? "'+' joins two Strings, but this mixes \(a.type?.rawValue ?? "nil") and \(b.type?.rawValue ?? "nil")"
                                                : "'\(op.rawValue)' needs numbers; Strings only join with '+'", at: range)
                }
                return TypedOperand(operand: .arithmetic(a.operand, "||", b.operand), type: .string)
            }
            for side in [a, b] where side.type != nil && side.type != .int && side.type != .double {
                throw EvalError("'\(op.rawValue)' needs numbers, but this is \(side.type!.rawValue)", at: range)
            }
            let type: ScalarType = (a.type == .double || b.type == .double) ? .double : .int
            return TypedOperand(operand: .arithmetic(a.operand, op.rawValue, b.operand), type: type)
        case .function(let name, let arguments, let range):
            guard let function = ScalarFunction(rawValue: name.name) else { throw EvalError("unknown function '\(name.name)'", at: name.range) }
            guard arguments.count == function.arity else {
                throw EvalError("\(function.rawValue)() takes \(function.arity == 0 ? "no arguments" : "one String")", at: range)
            }
            // now() is one instant, bound as a value (the same the objects in memory would get).
            if function == .now { return TypedOperand(operand: .value(.text(session.now())), type: .date) }
            let argument = try bulkOperand(arguments[0], entity: entity)
            guard argument.type == .string || argument.type == nil else {
                throw EvalError("\(function.rawValue)() needs a String, but this is \(argument.type!.rawValue)", at: arguments[0].range)
            }
            return TypedOperand(operand: .function(function, [argument.operand]), type: .string)
        case .member(let base, _, _) where !isPropertyPath(base, entity: entity):
            // `Account#1.balance`, a variable's property: a value computed now, bound.
            guard case .scalar(let v, let t) = try evaluate(expr) else {
                throw EvalError("'\(currentSource.slice(expr.range))' is not a value", at: expr.range)
            }
            return TypedOperand(operand: .value(v), type: t)
        case .name(let id) where entity.association(named: id.name) != nil:
            throw EvalError("\(id.name) is an association; a bulk update's value is a property, a value or arithmetic of those", at: id.range)
        default:
            let typed = try operand(expr, entity: entity)
            if case .column(let path) = typed.operand, !path.hops.isEmpty {
                throw EvalError("a bulk update's value reads the row's own properties, not \(path.dslPath)", at: expr.range,
                                hint: "UPDATE sets columns of one table; compute it per object instead")
            }
            return typed
        }
    }

    /// True when `expr` starts at a property of `entity` (so `author.name` is a path, not a value).
    private func isPropertyPath(_ expr: Expr, entity: EntityMapping) -> Bool {
        var e = expr
        while case .member(let base, _, _) = e { e = base }
        guard case .name(let id) = e else { return false }
        return variables[id.name] == nil && (entity.association(named: id.name) != nil || entity.columnIndex(forProperty: id.name) != nil)
    }
}
