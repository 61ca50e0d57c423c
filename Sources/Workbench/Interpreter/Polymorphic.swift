import DSL
import Mapping
import Report
import Runtime
import DatabaseKit

// Polymorphic associations in the interpreter: `Comment#1.subject`, `Post#1.comments`,
// `insert Comment(subject: Photo#2)`, `Comment#1.subject = Post#1`, `include(subject)`.

extension Workbench {
    /// `Comment#1.subject` (the object, read from the table its subject_type names) or
    /// `Post#1.comments` (a list).
    func polymorphicMember(_ object: ManagedObject, _ association: PolymorphicAssociation, access: String, range: SourceRange) throws -> Value {
        let load: AssociationLoad
        do {
            load = try session.load(association, of: object, access: access)
        } catch let error as ORMError {
            throw EvalError(error.message, at: range, hint: error.hint)
        }
        switch association.kind {
        case .belongsTo:
            guard let target = load.objects.first else {
                // The columns name a row that is not there: what no foreign key prevents.
                if let typeIndex = object.entity.mapping.columnIndex(named: association.typeColumn),
                   let idIndex = object.entity.mapping.columnIndex(named: association.idColumn),
                   case .text(let type) = object.value(ofColumn: typeIndex), case .integer(let id) = object.value(ofColumn: idIndex) {
                    session.addNote(Note(.info, "\(access) is nil: \(object.ref) says \(association.typeColumn) = '\(type)', \(association.idColumn) = \(id), and no \(type)#\(id) exists. An orphan: with no foreign key, the database let its \(type) be deleted"))
                }
                return .scalar(.null, nil)
            }
            if !load.ranQuery, load.fromIdentityMap, session.log.current.isEmpty {
                session.addNote(Note(.identityMap, "\(access): \(target.ref) was already in the identity map, so no query ran"))
            }
            return .object(target, fromIdentityMap: !load.ranQuery)
        case .hasMany:
            return .objects(load.objects)
        }
    }

    /// `subject: Photo#2` in an insert: subject_type = "Photo", subject_id = 2 (or the new
    /// Photo's id, filled in at the flush, which inserts the Photo first).
    func insertPolymorphic(_ association: PolymorphicAssociation, _ argument: Argument, into object: ManagedObject, plan: InsertPlan,
                           given: inout GivenColumns, references: inout [(column: Int, target: ManagedObject)]) throws {
        let label = argument.label?.range ?? argument.range
        guard association.kind == .belongsTo else {
            throw EvalError("\(association.name) is a polymorphic has-many: its columns live in \(association.targets[0])", at: label,
                            hint: "insert the \(association.targets[0]) with \(association.inverse ?? "subject"): \(plan.mapping.name)#id instead")
        }
        guard let typeIndex = plan.mapping.columnIndex(named: association.typeColumn),
              let idIndex = plan.mapping.columnIndex(named: association.idColumn) else { return }
        guard given.insert(typeIndex), given.insert(idIndex) else {
            throw EvalError("'\(association.name)' is given twice (or with \(association.typeColumn)/\(association.idColumn))", at: label)
        }
        let example = "\(association.name): \(association.targets[0])#1"
        switch try evaluate(argument.value) {
        case .object(let target, _):
            guard association.targets.contains(target.entity.name) else {
                throw EvalError("\(plan.mapping.name).\(association.name) points at \(association.targets.joined(separator: " or ")), not at \(target.entity.name)",
                                at: argument.value.range, hint: "give one of them, e.g. \(example)")
            }
            if target.state == .deleted || target.state == .detached {
                throw EvalError("\(target.ref) is deleted", at: argument.value.range)
            }
            session.setValue(.text(target.entity.name), ofColumn: typeIndex, ofNewObject: object)
            references.append((idIndex, target))
        case .scalar(.null, _):
            guard association.isOptional else {
                throw EvalError("\(plan.mapping.name).\(association.name) is required", at: argument.value.range, hint: "give an object, e.g. \(example)")
            }
        default:
            throw EvalError("\(association.name) needs an object of \(association.targets.joined(separator: " or "))", at: argument.value.range,
                            hint: "for example \(example)")
        }
    }

    /// `Comment#1.subject = Post#1` (or nil).
    func assignPolymorphic(_ object: ManagedObject, _ association: PolymorphicAssociation, name: Identifier, _ valueExpr: Expr) throws {
        guard association.kind == .belongsTo else {
            throw EvalError("\(name.name) is a polymorphic has-many and cannot be assigned", at: name.range,
                            hint: "assign the other side: \(association.targets[0])#1.\(association.inverse ?? "subject") = \(object.ref)")
        }
        let target: ManagedObject?
        switch try evaluate(valueExpr) {
        case .object(let value, _): target = value
        case .scalar(.null, _): target = nil
        default:
            throw EvalError("\(name.name) needs an object of \(association.targets.joined(separator: " or "))", at: valueExpr.range,
                            hint: "for example \(association.targets[0])#1, or nil")
        }
        do {
            try session.assign(object, polymorphic: association, to: target)
        } catch let error as ORMError {
            throw EvalError(error.message, at: valueExpr.range, hint: error.hint)
        }
    }

    /// `include(subject)`: the path when it names a polymorphic association (one level, loaded
    /// with one IN query per type); nil for an ordinary path.
    func polymorphicIncludePath(_ expr: Expr, entity: EntityMapping, strategy: EagerStrategy) throws -> [String]? {
        var root = expr
        while case .member(let base, _, _) = root { root = base }
        guard case .name(let first) = root, let association = entity.polymorphicAssociation(named: first.name) else { return nil }
        if case .member = expr {
            throw EvalError("include(...) goes one level through the polymorphic \(first.name): its targets are of several entities", at: expr.range,
                            hint: "write include(\(first.name)); touch the next level on each object, or query each type")
        }
        if strategy == .join {
            let which = association.kind == .belongsTo ? "one LEFT JOIN per type (\(association.targets.joined(separator: ", ")))" : "a join on type and id"
            throw EvalError("include(\(first.name), using: join) is not offered: a polymorphic association has no single key to JOIN on (it would take \(which))",
                            at: expr.range, hint: "write include(\(first.name)): one IN query per type")
        }
        return [first.name]
    }

    /// `where(subject == Post#1)`: a polymorphic association is two columns, and a condition
    /// names them (as in SQL); no path goes through it (its rows are in several tables).
    func polymorphicInCondition(_ association: PolymorphicAssociation, _ name: Identifier) -> EvalError {
        switch association.kind {
        case .belongsTo:
            return EvalError("\(name.name) is polymorphic (\(association.targets.joined(separator: " | "))): a condition compares its two columns", at: name.range,
                             hint: "write \(PolymorphicAssociation.typeProperty(association.name)) == \"\(association.targets[0])\" and \(PolymorphicAssociation.idProperty(association.name)) == 1")
        case .hasMany:
            return EvalError("\(name.name) is a polymorphic has-many: a condition cannot go through it", at: name.range,
                             hint: "query \(association.targets[0]) instead: \(association.targets[0]).where(\(association.inverse.map(PolymorphicAssociation.typeProperty) ?? "subject_type") == \"…\")")
        }
    }
}
