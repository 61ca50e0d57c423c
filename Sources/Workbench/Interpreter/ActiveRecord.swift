import DSL
import Mapping
import Report
import Runtime
import DatabaseKit

// The per-object persistence methods (`Book#1.save`, `.destroy`, `.reload`, `.changes`) and how
// `insert`, `delete` and `save` read under Active Record (`:set pattern active-record`). The
// writes themselves are the Runtime's (`ActiveRecordPersistence.swift`).

/// The methods an object answers as a statement of its own, for completion and help.
let persistenceMethodNames: Set<String> = ["save", "destroy", "reload", "changes"]

extension Workbench {
    /// `X.save`, `X.destroy()`…: the base and the method, when `expr` has that shape.
    func persistenceMethodCall(_ expr: Expr) -> (base: Expr, name: Identifier, arguments: [Argument])? {
        switch expr {
        case .member(let base, let name, _) where persistenceMethodNames.contains(name.name):
            return (base, name, [])
        case .call(let base, let name, let arguments, _) where persistenceMethodNames.contains(name.name):
            return (base, name, arguments)
        default:
            return nil
        }
    }

    /// Runs `Book#1.save` and its kind; false when the base is not an object or has a property
    /// of that name (the expression is then evaluated as usual).
    func runPersistenceMethod(_ call: (base: Expr, name: Identifier, arguments: [Argument]), into report: inout Report) throws -> Bool {
        guard case .object(let object, _) = try evaluate(call.base),
              !object.entity.mapping.memberNames.contains(call.name.name) else { return false }
        if let first = call.arguments.first {
            throw EvalError("\(call.name.name) takes no arguments", at: first.range, hint: "write \(object.ref).\(call.name.name)")
        }
        let ref = object.ref
        do {
            switch call.name.name {
            case "save":
                let changed = session.changes(of: object).map(\.property)
                let result = try session.saveObject(object)
                report.objects = [snapshot(object)]
                showMapping(object.entity.name, into: &report)
                guard let result else {
                    report.notes.append(Note(.activeRecord, "\(ref) has no unsaved changes: save writes nothing and runs no SQL"))
                    return true
                }
                if result.inserted.isEmpty {
                    report.notes.append(Note(.activeRecord, "\(ref) saved itself: one UPDATE of its changed columns (\(changed.joined(separator: ", "))), in its own transaction; no other object was written (Active Record has no unit of work)"))
                } else {
                    report.notes.append(Note(.activeRecord, "\(object.ref) saved itself: its INSERT ran at once, in its own transaction; it is now a persisted record"))
                }
            case "destroy":
                _ = try session.destroy(object)
                report.objects = [snapshot(object)]
                report.notes.append(Note(.activeRecord, "\(ref) destroyed itself: the DELETE ran at once, in its own transaction; the object is left destroyed (frozen, as in Rails)"))
            case "reload":
                let dropped = try session.reload(object)
                report.objects = [snapshot(object)]
                report.notes.append(Note(.info, dropped.isEmpty
                    ? "\(ref) reloaded: its row was read again into this same object; loaded associations are forgotten (they load again when touched)"
                    : "\(ref) reloaded: its row was read again into this same object, and its unsaved changes (\(dropped.joined(separator: ", "))) were dropped"))
            default: // changes
                let changes = session.changes(of: object)
                report.objects = [snapshot(object)]
                report.blocks.append(.code(title: "\(ref).changes", lines: [changesText(changes, of: object)]))
                if changes.isEmpty {
                    report.notes.append(Note(.info, "\(ref) has no unsaved changes"))
                } else {
                    let writer = session.pattern == .activeRecord ? "\(currentSource.slice(call.base.range)).save" : "`save` (the unit of work)"
                    report.notes.append(Note(.info, "each pair is [saved value, current value], as Rails' changes shows it; \(writer) would write \(changes.count == 1 ? "this column" : "these \(changes.count) columns")"))
                }
            }
        } catch let error as ORMError {
            throw EvalError(error.message, at: call.name.range, hint: error.hint)
        }
        return true
    }

    /// `{"title" => ["Dune", "Dune Messiah"]}`: Rails' `changes`, in Ruby's notation.
    func changesText(_ changes: [PropertyChange], of object: ManagedObject) -> String {
        guard !changes.isEmpty else { return "{}" }
        let mapping = object.entity.mapping
        func shown(_ value: DatabaseValue, _ property: String) -> String {
            let type = mapping.columnIndex(forProperty: property).flatMap { mapping.columns[$0].scalarType }
            return displayValue(value, type: type).display
        }
        return "{" + changes.map { "\"\($0.property)\" => [\(shown($0.old, $0.property)), \(shown($0.new, $0.property))]" }
            .joined(separator: ", ") + "}"
    }

    /// `insert` under Active Record: Rails' `create`, written at once in its own transaction.
    func createNow(_ object: ManagedObject, into report: inout Report) throws {
        try session.createNow(object, reason: "insert \(object.entity.name)")
        showTouched([object], into: &report)
        guard buildsReports else { return }
        showMapping(object.entity.name, into: &report)
        report.notes.append(Note(.activeRecord, "\(object.ref) created at once: under Active Record insert is Rails' create, one INSERT in its own transaction; nothing is pending"))
    }

    /// `delete X` under Active Record: each object destroys itself at once.
    func destroyEach(_ objects: [ManagedObject], into report: inout Report) throws {
        for object in objects { _ = try session.destroy(object) }
        showTouched(objects, into: &report)
        report.notes.append(Note(.activeRecord, objects.isEmpty ? "nothing matched; nothing to destroy"
            : "under Active Record delete destroys at once: \(objects.count == 1 ? "one DELETE" : "\(objects.count) DELETEs"), each in its own transaction (\(objects.first.map { "\($0.ref).destroy" } ?? "") is the per-object form)"))
    }

    /// A bare `save` under Active Record: there is no unit of work to write.
    func explainSaveUnderActiveRecord(into report: inout Report) {
        let unsaved = session.unsavedObjects
        var text = "under Active Record there is no unit of work, so `save` alone writes nothing: each object saves itself, Book#1.save, in its own transaction"
        if !unsaved.isEmpty {
            text += "; changed and not saved now: " + unsaved.prefix(5).map(\.ref).joined(separator: ", ") + " (call .save on the variable that holds \(unsaved.count == 1 ? "it" : "each"))"
        }
        report.notes.append(Note(.activeRecord, text))
    }

    /// Under a chosen pattern, the Mapping pane says who writes each entity's objects.
    func namePersister(in report: inout Report) {
        for i in report.mapping.indices where report.mapping[i].persistedBy == nil {
            report.mapping[i].persistedBy = session.pattern.persister
        }
    }
}

extension Workbench {
    /// `:set pattern active-record | data-mapper`.
    func setPattern(_ value: String, range: SourceRange, into report: inout Report) throws {
        guard let pattern = PersistencePattern(rawValue: value) else {
            throw EvalError("pattern is data-mapper or active-record", at: range,
                            hint: suggestion(value, PersistencePattern.allCases.map(\.rawValue)) ?? ":set pattern active-record")
        }
        do {
            try session.setPattern(pattern)
        } catch let error as ORMError {
            throw EvalError(error.message, at: range, hint: error.hint)
        }
        namesPersister = true
        report.mapping = session.schema.order.map { session.schema.facts(for: $0, in: session.dialect) }
        switch pattern {
        case .activeRecord:
            report.notes.append(Note(.activeRecord, "Active Record: each object saves itself, as in Rails. insert writes at once (create); an assignment makes the object dirty until Book#1.save; Book#1.destroy deletes at once; each write is its own transaction; there is no identity map (Author#1 twice: two queries, two objects)"))
        case .dataMapper:
            report.notes.append(Note(.info, "Data Mapper: the session's unit of work collects inserts, changes and deletes, and `save` writes them all in one transaction; the identity map gives one object per row"))
        }
    }

    /// `:set identity-map on | off`.
    func setIdentityMap(_ value: String, range: SourceRange, into report: inout Report) throws {
        guard value == "on" || value == "off" else { throw EvalError("identity-map is on or off", at: range) }
        let on = value == "on"
        if on != session.usesIdentityMap && session.hasPendingChanges {
            throw EvalError("cannot change the identity map while the unit of work holds pending changes", at: range,
                            hint: "`save` (or `rollback`) first; nothing was changed or lost")
        }
        session.setIdentityMap(on)
        report.notes.append(Note(.identityMap, on
            ? "identity map on: one object per row in this session; Author#1 twice runs one query and gives the same object"
            : "identity map off (as in Rails): every load builds new objects; Author#1 twice runs two queries and gives two distinct objects, and a change to one is not seen in the other"))
    }
}

extension Workbench {
    /// After an assignment under Active Record: nothing is pending anywhere, only the object's
    /// own save writes it; and `Book#1.title = …` without an identity map changes an object
    /// that the next `Book#1` will not be.
    func noteActiveRecordAssignment(_ object: ManagedObject, target: Expr, into report: inout Report) {
        guard object.state == .dirty, case .member(let base, _, _) = target else { return }
        let written = currentSource.slice(base.range)
        if case .objectRef = base, !session.usesIdentityMap {
            report.notes.append(Note(.activeRecord, "\(object.ref) is changed, and only its own save writes it; but there is no identity map, so the next \(written) loads a new object without this change: keep the object in a variable (let b = \(written), then b.\(persistedPropertyHint(target)) = …, b.save)"))
        } else {
            report.notes.append(Note(.activeRecord, "\(object.ref) is changed; nothing is pending in any unit of work: \(written).save writes it, in its own transaction (\(written).changes shows what changed)"))
        }
    }

    private func persistedPropertyHint(_ target: Expr) -> String {
        if case .member(_, let name, _) = target { return name.name }
        return "name"
    }
}

extension Workbench {
    /// `Book#1.tags.add(Tag#2)` under Active Record: the join-table row is written at once.
    func linkNow(_ owner: ManagedObject, _ association: Association, _ target: ManagedObject, add: Bool, range: SourceRange) throws {
        do {
            try session.linkNow(owner, association, target, add: add)
        } catch let error as ORMError {
            throw EvalError(error.message, at: range, hint: error.hint)
        }
        let table = association.joinTable?.name ?? "the join table"
        session.addNote(Note(.activeRecord, "\(owner.ref).\(association.name).\(add ? "add" : "remove")(\(target.ref)) was written at once: the row of \(table) \(add ? "inserted" : "deleted") in its own transaction (Active Record, like Rails' book.tags << tag)"))
    }
}

extension Workbench {
    /// `:pending` under Active Record: no unit of work, but the objects changed and not saved,
    /// each with the statement its own save would run.
    func activeRecordPendingReport(into report: inout Report) throws {
        let unsaved = session.unsavedObjects
        report.objects = unsaved.map { snapshot($0) }
        guard !unsaved.isEmpty else {
            report.notes.append(Note(.activeRecord, "under Active Record there is no unit of work, and no object has unsaved changes"))
            return
        }
        var lines: [String] = []
        for object in unsaved {
            for s in try session.statementsOfSaving(object) {
                lines.append("\(object.ref).save: \(s.sql)" + (s.params.isEmpty ? "" : "  -- " + s.params.joined(separator: ", ")))
            }
        }
        report.blocks.append(.code(title: "each object's own save would run, each in its own transaction", lines: lines))
        report.notes.append(Note(.activeRecord, "under Active Record there is no unit of work: nothing is pending, but \(unsaved.count == 1 ? "this object has" : "these \(unsaved.count) objects have") unsaved changes that only \(unsaved.count == 1 ? "its" : "each one's") own .save writes"))
    }
}

extension Workbench {
    /// `Author#1.books.add(b)` under Active Record: the child's foreign key is saved at once.
    func saveLinkedNow(_ child: ManagedObject, owner: ManagedObject, association: Association, add: Bool) throws {
        _ = try session.saveObject(child)
        session.addNote(Note(.activeRecord, "\(owner.ref).\(association.name).\(add ? "add" : "remove")(\(child.ref)) saved \(child.ref) at once: its foreign key, in its own transaction (Active Record, like Rails' author.books << book)"))
    }
}
