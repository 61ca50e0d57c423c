import DSL
import Mapping
import Report
import Runtime
import DatabaseKit

// The interpreter: what an expression evaluates to, and each evaluated script statement (insert,
// assignment, delete, let, for, transaction verbs) dispatched to the file of its concern.

/// What a DSL expression evaluates to.
indirect enum Value {
    /// A bare entity name: `Author`.
    case entity(EntityInfo)
    /// A query not run yet (like a Rails relation or a Django queryset).
    case query(Query, EntityInfo)
    /// A query split into keyset batches: `Book.all.batches(of: 1000)`.
    case batches(Query, EntityInfo, size: Int64)
    case object(ManagedObject, fromIdentityMap: Bool)
    case objects([ManagedObject])
    /// An association of an object, not touched yet: `a.books`.
    case association(ManagedObject, Association, access: String)
    case scalar(DatabaseValue, ScalarType?)
    /// Rows of an aggregate with `group(...)`, as displayed ("Author#1" for a to-one group).
    case table(header: [String], rows: [[String]])
    case nothing
}

/// Query methods in completion order; also used for did-you-mean.
public let queryMethodNames = ["all", "where", "order", "limit", "offset", "select", "include", "count", "first",
                               "group", "having", "sum", "avg", "min", "max", "after", "batches",
                               "update", "delete", "with_deleted", "only_deleted", "distinct", "exists", "pluck"]

extension Workbench {
    func runStatement(_ statement: ScriptStatement, into report: inout Report) throws {
        switch statement {
        case .expression(let expr):
            if let call = persistenceMethodCall(expr), try runPersistenceMethod(call, into: &report) { break }
            let value = try evaluate(expr)
            try show(value, for: expr, into: &report)
        case .insert(let entity, let arguments, let range):
            let object = try insert(entity, arguments, range: range)
            if object.id != nil { noteAssignedKey(of: object, into: &report) }
            if session.pattern == .activeRecord {
                try createNow(object, into: &report)
            } else if buildsReports {
                showTouched([object], into: &report)
                showMapping(object.entity.name, into: &report)
                report.notes.append(Note(.pending, "\(object.ref) is new: the INSERT is pending in the unit of work and runs at the next `save` (or before a query that needs it: autoflush). :pending shows it."))
            } else {
                report.omittedObjects = 1 // what showTouched counts, without the array and the entity's name
            }
        case .assign(let target, let value, let range):
            let object = try assign(target, value, range: range)
            showTouched([object], into: &report)
            if session.pattern == .activeRecord { noteActiveRecordAssignment(object, target: target, into: &report) }
        case .delete(let expr, _):
            let objects = try objectsToDelete(expr)
            if session.pattern == .activeRecord {
                try destroyEach(objects, into: &report)
                break
            }
            for object in objects { try session.delete(object) }
            showTouched(objects, into: &report)
            if objects.isEmpty {
                report.notes.append(Note(.info, "nothing matched; nothing to delete"))
            } else {
                report.notes.append(Note(.pending, "\(objects.count == 1 ? objects[0].ref : "\(objects.count) objects") marked for deletion; the DELETE runs at `save` (:pending shows it)"))
            }
            // No foreign key behind a polymorphic association: say what happens to the rows pointing here.
            if let first = objects.first, session.schema.hasPolymorphicAssociations, let note = session.polymorphicOrphanNote(deleting: first) {
                report.notes.append(Note(.info, note))
            }
        case .letInsert(let name, let entity, let arguments, let range):
            let object = try insert(entity, arguments, range: range)
            variables[name.name] = .object(object, fromIdentityMap: true)
            if session.pattern == .activeRecord {
                try createNow(object, into: &report)
                break
            }
            report.objects = [snapshot(object)]
            report.mapping = [session.schema.facts(for: object.entity.name, in: session.dialect)]
            report.notes.append(Note(.pending, "\(name.name) is \(object.ref): new, its INSERT pending until `save`; other inserts can refer to it, and the unit of work writes it first"))
        case .letBinding(let name, let expr, _):
            let value = try evaluate(expr)
            let bound = try bindable(value, expr: expr)
            variables[name.name] = bound
            try show(bound, for: expr, into: &report, binding: name.name)
        case .forLoop(let variable, let sequence, let body, let range):
            try runLoop(variable, sequence, body, range: range, into: &report)
        case .transaction(let verb, _):
            try runTransaction(verb, into: &report)
        }
    }

    /// `let` keeps queries unevaluated (they run when used) and everything else as is.
    func bindable(_ value: Value, expr: Expr) throws -> Value {
        if case .association(let owner, let association, let access) = value {
            let load = try session.load(association, of: owner, access: access)
            return association.isToMany ? .objects(load.objects) : (load.objects.first.map { .object($0, fromIdentityMap: !load.ranQuery) } ?? .scalar(.null, nil))
        }
        return value
    }

    /// The diagnostic of a failed command; or, when the command shows a habit from another ORM
    /// where it failed (`Author.find(1)`), the one naming the ORMLab form (see `ForeignHabits`).
    func habitAware(_ diagnostic: Diagnostic, in file: SourceFile, command range: SourceRange) -> Diagnostic {
        if keepsOwnDiagnostic {
            keepsOwnDiagnostic = false
            return diagnostic
        }
        return ForeignHabits.diagnostic(for: diagnostic, in: file, command: range, isKnownName: { name in
            variables[name] != nil || session.schema.order.contains { session.info($0)?.mapping.memberNames.contains(name) == true }
                // Under Active Record, Book#1.save and .destroy are ORMLab's own forms, not habits.
                || (session.pattern == .activeRecord && persistenceMethodNames.contains(name))
        }) ?? diagnostic
    }
}

extension Workbench {
    /// `insert Track(id: 3504, …)`: the key is written by the INSERT, not numbered by the
    /// database. On a database that numbers keys from a sequence, that number does not move.
    /// Once per session, as the other first-time explanations.
    func noteAssignedKey(of object: ManagedObject, into report: inout Report) {
        let mapping = object.entity.mapping
        let kind = object.entity.naturalKeys != nil ? "natural key" : mapping.columns[0].isAssignedKey ? "assigned key" : "given key"
        guard session.shouldExplain(kind) else { return }
        let key = mapping.columns[0].name
        if object.entity.naturalKeys != nil {
            report.notes.append(Note(.pending, "\(object.ref): \(mapping.name) has a natural key, text that means something outside the database (a country code, an ISBN): the INSERT writes \(mapping.table).\(key) as given, and objects are found by it (\(object.ref))"))
            return
        }
        if mapping.columns[0].isAssignedKey {
            report.notes.append(Note(.pending, "\(object.ref): \(mapping.name)'s key is assigned, so the INSERT writes \(mapping.table).\(key) as given (Hibernate's assigned identifier); the database numbers none"))
            return
        }
        var text = "\(object.ref): the key was given, so the INSERT writes \(mapping.table).\(key) (an assigned identifier, as Hibernate calls it); the database numbers only the keys left out"
        if let reset = session.dialect.resetGeneratedKeySQL(table: mapping.table, column: key) {
            text += ". \(session.dialect.name) numbers them from a sequence, which a given key does not move: a later insert without id may draw a number that is taken. Rails' reset_pk_sequence! and Django's sqlsequencereset move it past the largest key: :sql \(reset)"
        }
        report.notes.append(Note(.pending, text))
    }
}
