import DSL
import Mapping
import Report
import Runtime
import DatabaseKit

// Associations: reading one (`a.books`, `b.author`) and changing a to-many (`add`/`remove`).

extension Workbench {
    /// `a.books.count`, `b.tags.add(Tag#1)`, `b.author.name`.
    func associationMember(_ owner: ManagedObject, _ association: Association, access: String, _ name: Identifier,
                           arguments: [Argument]?, range: SourceRange) throws -> Value {
        switch name.name {
        case "add" where association.isToMany, "remove" where association.isToMany:
            guard let arguments, arguments.count == 1, arguments[0].label == nil else {
                throw EvalError("\(name.name) takes one object: \(access).\(name.name)(\(association.target)#1)", at: name.range)
            }
            guard case .object(let target, _) = try evaluate(arguments[0].value), session.schema.isKind(target.entity.name, of: association.target) else {
                throw EvalError("\(access).\(name.name)(...) needs a \(association.target) object", at: arguments[0].range,
                                hint: "for example \(association.target)#1")
            }
            try changeCollection(owner, association, target, add: name.name == "add", range: range)
            // The owner came from the identity map unless this command read its row (`Book#1`
            // after :forget); a row read here may be the target's (`Tag#2`), not the owner's.
            let ownerRead = session.log.current.contains { $0.cause == owner.ref }
            return .object(owner, fromIdentityMap: !ownerRead)
        case "count" where association.isToMany && arguments == nil:
            let load = try session.load(association, of: owner, access: access)
            return .scalar(.integer(Int64(load.objects.count)), .int)
        default:
            if association.isToMany {
                throw EvalError("'\(name.name)' is not available on the to-many association \(access)", at: name.range,
                                hint: "use .count, .add(x), .remove(x), or loop: for x in \(access) { ... }")
            }
            let load = try session.load(association, of: owner, access: access)
            guard let target = load.objects.first else {
                throw EvalError("\(access) is nil, so it has no '\(name.name)'", at: name.range)
            }
            return try objectMember(target, name, arguments: arguments, range: range, access: access + "." + name.name)
        }
    }

    func changeCollection(_ owner: ManagedObject, _ association: Association, _ target: ManagedObject, add: Bool, range: SourceRange) throws {
        switch association.kind {
        case .manyToMany where session.pattern == .activeRecord:
            try linkNow(owner, association, target, add: add, range: range)
        case .manyToMany:
            let before = session.pendingLinkCount
            session.link(owner, association, target, add: add)
            let change = "\(owner.ref).\(association.name).\(add ? "add" : "remove")(\(target.ref))"
            let table = association.joinTable?.name ?? "the join table"
            if loopPasses > 0 {
                // In a loop, one note for all its passes (not one line per object).
                if loopPasses == 1 {
                    session.addNote(Note(.info, "the link changes of this loop (\(change), …) are pending: rows of \(table) are written at the next `save` (:pending shows them)"))
                }
            } else if session.pendingLinkCount < before {
                session.addNote(Note(.info, "\(change) cancels the opposite change still pending: nothing will be written for this pair"))
            } else {
                session.addNote(Note(.info, "\(change) is pending: the row of \(table) is \(add ? "inserted" : "deleted") at the next `save` (:pending shows it)"))
            }
        case .hasMany, .hasOne:
            guard let inverse = association.inverse, let back = target.entity.mapping.association(named: inverse) else {
                throw EvalError("\(owner.entity.name).\(association.name) has no inverse to write through", at: range)
            }
            do {
                try session.assign(target, association: back, to: add ? owner : nil)
                // Active Record: Rails' author.books << book saves the book at once.
                if session.pattern == .activeRecord, target.state == .dirty { try saveLinkedNow(target, owner: owner, association: association, add: add) }
            } catch let error as ORMError {
                throw EvalError(add ? error.message : "cannot remove \(target.ref) from \(owner.ref).\(association.name): \(target.entity.name).\(inverse) is required", at: range,
                                hint: add ? error.hint : "delete \(target.ref), or assign it another \(owner.entity.name); or make \(inverse) optional (\(inverse): \(owner.entity.name)?)")
            }
        case .belongsTo:
            throw EvalError("\(association.name) is a to-one association: assign it instead", at: range)
        }
    }
}
