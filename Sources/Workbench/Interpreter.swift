import DSL
import Mapping
import Report
import Runtime
import DatabaseKit

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
                               "group", "having", "sum", "avg", "min", "max", "after", "batches"]

extension Workbench {
    // MARK: - Statements

    func runStatement(_ statement: DSL.Statement, into report: inout Report) throws {
        switch statement {
        case .expression(let expr):
            let value = try evaluate(expr)
            try show(value, for: expr, into: &report)
        case .insert(let entity, let arguments, let range):
            let object = try insert(entity, arguments, range: range)
            if buildsReports {
                showTouched([object], into: &report)
                showMapping(object.entity.name, into: &report)
                report.notes.append(Note(.pending, "\(object.ref) is new: the INSERT is pending in the unit of work and runs at the next `save` (or before a query that needs it: autoflush). :pending shows it."))
            } else {
                report.omittedObjects = 1 // what showTouched counts, without the array and the entity's name
            }
        case .assign(let target, let value, let range):
            let object = try assign(target, value, range: range)
            showTouched([object], into: &report)
        case .delete(let expr, _):
            let objects = try objectsToDelete(expr)
            for object in objects { try session.delete(object) }
            showTouched(objects, into: &report)
            if objects.isEmpty {
                report.notes.append(Note(.info, "nothing matched; nothing to delete"))
            } else {
                report.notes.append(Note(.pending, "\(objects.count == 1 ? objects[0].ref : "\(objects.count) objects") marked for deletion; the DELETE runs at `save` (:pending shows it)"))
            }
        case .letInsert(let name, let entity, let arguments, let range):
            let object = try insert(entity, arguments, range: range)
            variables[name.name] = .object(object, fromIdentityMap: true)
            report.objects = [snapshot(object)]
            report.mapping = [session.schema.facts(for: object.entity.name)]
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

    func runTransaction(_ verb: TransactionVerb, into report: inout Report) throws {
        switch verb {
        case .begin:
            try session.begin()
            report.notes.append(Note(.transaction, "transaction open: changes written from now on are undone by `rollback` and kept by `commit`"))
        case .beginImmediate:
            try session.begin(immediate: true)
            report.notes.append(Note(.transaction, "transaction open with BEGIN IMMEDIATE: SQLite takes the write (RESERVED) lock now, not at the first write as plain `begin` does; other connections can still read, but none can write until `commit` or `rollback`"))
        case .save:
            let hadTransaction = session.database.isInTransaction
            let result = try session.save()
            showTouched(result.objects, into: &report)
            if result.isEmpty && !hadTransaction {
                report.notes.append(Note(.transaction, "nothing to save: the unit of work is empty"))
            } else if !session.explicitTransaction {
                var parts: [String] = []
                if !result.inserted.isEmpty { parts.append("\(result.inserted.count) inserted") }
                if !result.updated.isEmpty { parts.append("\(result.updated.count) updated") }
                if !result.deleted.isEmpty { parts.append("\(result.deleted.count) deleted") }
                if result.links > 0 { parts.append("\(result.links) link\(result.links == 1 ? "" : "s") changed") }
                let what = parts.isEmpty ? "earlier autoflushed changes" : parts.joined(separator: ", ")
                report.notes.append(Note(.save, "saved in one transaction: \(what)"))
            }
        case .commit:
            let result = try session.commit()
            showTouched(result.objects, into: &report)
        case .rollback:
            let restored = try session.rollback()
            showTouched(restored.objects, into: &report)
            report.notes.append(Note(.rollback, rollbackSummary(restored)))
        }
    }

    /// The diagnostic of a failed command; or, when the command shows a habit from another ORM
    /// where it failed (`Author.find(1)`), the one naming the ORMLab form (see `ForeignHabits`).
    func habitAware(_ diagnostic: Diagnostic, in file: SourceFile, command range: SourceRange) -> Diagnostic {
        ForeignHabits.diagnostic(for: diagnostic, in: file, command: range, isKnownName: { name in
            variables[name] != nil || session.schema.order.contains { session.info($0)?.mapping.memberNames.contains(name) == true }
        }) ?? diagnostic
    }

    /// What `rollback` undid, objects and many-to-many link changes alike.
    func rollbackSummary(_ result: RollbackResult) -> String {
        if result.isEmpty { return "rolled back: nothing was pending" }
        let links = result.linkChanges
        let linkText = links.count == 1 ? "the link change \(links[0]) was discarded"
            : "\(links.count) link changes were discarded (\(links.prefix(3).joined(separator: ", "))\(links.count > 3 ? ", …" : ""))"
        if result.objects.isEmpty {
            return "rolled back: \(linkText), so no join-table row changes; loaded associations were expired (they reload when touched)"
        }
        return "rolled back: objects are back to their last saved state; new objects were discarded, and loaded associations were expired (they reload when touched)"
            + (links.isEmpty ? "" : "; \(linkText)")
    }

    // MARK: - Showing results

    func show(_ value: Value, for expr: Expr, into report: inout Report, binding: String? = nil) throws {
        switch value {
        case .entity(let info):
            if binding == nil {
                showMapping(info.name, into: &report)
                report.notes.append(Note(.info, "\(info.name) is an entity; \(info.name).all lists its objects, \(info.name)#1 finds one"))
            }
        case .query(let query, let info):
            if let binding {
                report.value = .text("\(binding) = \(query.dsl)")
                report.notes.append(Note(.info, "\(binding) holds a query, not its results: it runs each time it is used (like a Rails relation or a Django queryset)"))
                return
            }
            let result = try session.fetch(query)
            showMapping(info.name, into: &report)
            setObjects(result.objects, hits: result.identityHits, into: &report)
            if let rows = result.joinRows {
                let parts = result.joinObjects.map { "\($0.count) \($0.entity)" }.joined(separator: " + ")
                // Only to-many joins repeat the parent row; a to-one join repeats the related object instead.
                let roots = result.joinObjects.first?.count ?? result.objects.count
                let related = result.joinObjects.dropFirst().reduce(0) { $0 + $1.count }
                let why = rows > roots ? "each \(info.name) row repeats once per related row"
                                       : related == 0 ? "no related rows were found" : "one row per \(info.name), carrying its related object's columns (a related object shared by several \(info.name) objects is read again in each row)"
                report.notes.append(Note(.joinRows, "JOIN returned \(rows) row\(rows == 1 ? "" : "s"), collapsed into \(parts) object\(rows == 1 ? "" : "s"): \(why)"))
            }
        case .batches(let query, let info, let size):
            var all: [ManagedObject] = []
            try forEachBatch(query, info: info, size: size) { all += $0 }
            showMapping(info.name, into: &report)
            setObjects(all, hits: [], into: &report)
        case .object(let object, let hit):
            showMapping(object.entity.name, into: &report)
            setObjects([object], hits: hit ? [ObjectIdentifier(object)] : [], rowsWereRead: false, into: &report)
            if hit {
                let current = session.log.current
                if current.isEmpty {
                    report.notes.append(Note(.identityMap, "\(object.ref) came from the identity map: it is already loaded in this session, so no SQL ran (one object per row per session)"))
                } else {
                    // The SQL of this command read other rows (`Book#1.tags.remove(Tag#2)` reads Tag#2's): name them.
                    // (An autoflush's statements are named once, as "the autoflush".)
                    var causes: [String] = []
                    for record in current where !record.cause.isEmpty {
                        let cause = record.cause.hasPrefix("autoflush") ? "the autoflush" : record.cause
                        if !causes.contains(cause) { causes.append(cause) }
                    }
                    let listed = causes.count <= 2 ? causes.joined(separator: " and ") : causes.prefix(2).joined(separator: ", ") + ", …"
                    let ran = causes.isEmpty ? "" : "; the SQL above ran for \(listed)"
                    report.notes.append(Note(.identityMap, "\(object.ref) came from the identity map: it is already loaded in this session, so no SQL read its row\(ran)"))
                }
            }
        case .objects(let objects):
            setObjects(objects, hits: [], into: &report)
            if let first = objects.first { showMapping(first.entity.name, into: &report) }
        case .association(let owner, let association, let access):
            let load = try session.load(association, of: owner, access: access)
            showMapping(owner.entity.name, into: &report)
            setObjects(load.objects, hits: load.fromIdentityMap ? Set(load.objects.map(ObjectIdentifier.init)) : [], into: &report)
            if !load.ranQuery {
                if load.fromIdentityMap {
                    report.notes.append(Note(.identityMap, "\(access): \(load.objects.first?.ref ?? "the target") was already in the identity map, so no query ran"))
                } else if session.log.current.isEmpty {
                    report.notes.append(Note(.info, "\(access) was already loaded: no query ran"))
                }
            }
        case .scalar(let v, let type):
            report.value = displayValue(v, type: type)
            if let binding { report.value = .text("\(binding) = \(displayValue(v, type: type).display)") }
        case .table(let header, let rows):
            report.blocks.append(.table(title: nil, header: header, rows: rows))
        case .nothing:
            break
        }
    }

    /// `rowsWereRead`: the hits' rows were read by this command's SQL (a query that found
    /// objects already loaded), rather than found without SQL (`Author#1` from the identity map).
    func setObjects(_ objects: [ManagedObject], hits: Set<ObjectIdentifier>, rowsWereRead: Bool = true, into report: inout Report) {
        lastObjects = objects
        guard buildsReports else {
            report.omittedObjects = objects.count
            return
        }
        report.objects = objects.prefix(objectLimit).map { snapshot($0, fromIdentityMap: hits.contains(ObjectIdentifier($0))) }
        report.omittedObjects = max(0, objects.count - objectLimit)
        let hitCount = objects.filter { hits.contains(ObjectIdentifier($0)) }.count
        if rowsWereRead && hitCount > 0 && !session.log.current.isEmpty && objects.count > 0 {
            report.notes.append(Note(.identityMap, "\(hitCount) of \(objects.count) object\(objects.count == 1 ? " was" : "s were") already in the identity map: the row was read, but the same object came back (its in-memory state wins)"))
        }
    }

    // MARK: - Expressions

    func evaluate(_ expr: Expr) throws -> Value {
        switch expr {
        case .name(let id):
            if let v = variables[id.name] { return v }
            if let info = session.info(id.name) { return .entity(info) }
            if session.schema.waiting[id.name] != nil {
                throw EvalError("\(id.name) is not mapped yet: it waits for \(session.schema.waiting[id.name]!.joined(separator: ", "))", at: id.range,
                                hint: "define the missing entities first")
            }
            let candidates = session.schema.order + Array(variables.keys)
            throw EvalError("unknown name '\(id.name)'", at: id.range, hint: suggestion(id.name, candidates)
                            ?? (session.schema.order.isEmpty ? "define an entity first, e.g. entity Author { name: String }" : "entities: \(session.schema.order.joined(separator: ", "))"))
        case .objectRef(let entity, let id, let range):
            guard let info = session.info(entity.name) else { throw unknownEntity(entity) }
            let found = try session.find(info.name, id: id, cause: "\(entity.name)#\(id)")
            guard let object = found.object else {
                throw EvalError("\(entity.name)#\(id) does not exist", at: range,
                                hint: "no row of \(info.table) has id \(id); \(entity.name).all lists the objects")
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
        case .binary(let op, _, _, let range):
            throw EvalError("'\(op.rawValue)' can only be used inside where(...), having(...) or any(...)", at: range,
                            hint: "for example Author.where(born < 1950)")
        case .unary(let op, _, let range):
            throw EvalError("'\(op.rawValue)' can only be used inside where(...)", at: range)
        }
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

    // MARK: - Members

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
        if name.name == "id" { return object.id.map { .scalar(.integer($0), .int) } ?? .scalar(.null, .int) }
        if let association = mapping.association(named: name.name) {
            return .association(object, association, access: access)
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

    /// `a.books.count`, `b.tags.add(Tag#1)`, `b.author.name`.
    func associationMember(_ owner: ManagedObject, _ association: Association, access: String, _ name: Identifier,
                           arguments: [Argument]?, range: SourceRange) throws -> Value {
        switch name.name {
        case "add" where association.isToMany, "remove" where association.isToMany:
            guard let arguments, arguments.count == 1, arguments[0].label == nil else {
                throw EvalError("\(name.name) takes one object: \(access).\(name.name)(\(association.target)#1)", at: name.range)
            }
            guard case .object(let target, _) = try evaluate(arguments[0].value), target.entity.name == association.target else {
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
            } catch let error as ORMError {
                throw EvalError(add ? error.message : "cannot remove \(target.ref) from \(owner.ref).\(association.name): \(target.entity.name).\(inverse) is required", at: range,
                                hint: add ? error.hint : "delete \(target.ref), or assign it another \(owner.entity.name); or make \(inverse) optional (\(inverse): \(owner.entity.name)?)")
            }
        case .belongsTo:
            throw EvalError("\(association.name) is a to-one association: assign it instead", at: range)
        }
    }

    // MARK: - Writes

    func insert(_ entity: Identifier, _ arguments: [Argument], range: SourceRange) throws -> ManagedObject {
        let plan: InsertPlan
        // A script inserts into one entity line after line: the last plan names it without a
        // lookup by name (entities change only with the schema generation).
        if let last = lastInsertPlan, last.generation == session.schemaGeneration, last.entityName == entity.name {
            plan = last
        } else {
            guard let info = session.info(entity.name) else { throw unknownEntity(entity) }
            plan = insertPlan(for: info)
        }
        let info = plan.info
        // The values go straight into the new object (not in the session until the end, so a
        // mistake in any argument leaves nothing behind); no dictionary, no row array.
        let object = session.makeNewObject(of: info)
        var references: [(column: Int, target: ManagedObject)] = []
        // The columns given so far, for "given twice" and "missing".
        var given = GivenColumns()
        // Where the next label's target is looked for first (see `InsertPlan.targetIndex`).
        var nextTarget = 0
        // Through a pointer, so each argument (its names and literal inline) is read in place
        // rather than copied out of the array.
        try arguments.withUnsafeBufferPointer { arguments in
            for n in arguments.indices {
                // The label's name only: the identifier (and its range, for diagnostics) stays put.
                guard let labelName = arguments[n].labelName else {
                    throw EvalError("insert needs labelled values", at: arguments[n].range,
                                    hint: "write property: value, e.g. \(plan.mapping.scalarColumns.first.map { "\($0.property): ..." } ?? "name: ...")")
                }
                func labelRange() -> SourceRange { arguments[n].label?.range ?? arguments[n].range }
                guard let targetIndex = plan.targetIndex(labelName, guess: nextTarget) else {
                    throw EvalError("unknown property '\(labelName)' on \(plan.mapping.name)", at: labelRange(),
                                    hint: suggestion(labelName, plan.mapping.scalarColumns.map(\.property) + plan.mapping.associations.map(\.name))
                                        ?? "\(plan.mapping.name) has: \(plan.mapping.memberNames.dropFirst().joined(separator: ", "))")
                }
                // Each label names one column (a scalar's, or a belongs-to's foreign key), so a label
                // given twice finds its column among the given ones, before its value is evaluated.
                nextTarget = targetIndex + 1
                let column = plan.targets[targetIndex].column
                switch plan.targets[targetIndex].kind {
                case .scalar(let type):
                    guard given.insert(column) else { throw EvalError("'\(labelName)' is given twice", at: labelRange()) }
                    let isNullable = plan.targets[targetIndex].isNullable
                    if let (literal, valueRange) = arguments[n].literalValue {
                        // Only the literal read out, not the whole expression copied for `valueFor`.
                        session.setValue(try valueFor(literal, range: valueRange, property: labelName, isNullable: isNullable,
                                                      type: type, entity: plan.entityName), ofColumn: column, ofNewObject: object)
                    } else {
                        session.setValue(try valueFor(arguments[n].value, property: labelName, isNullable: isNullable,
                                                      type: type, entity: plan.entityName), ofColumn: column, ofNewObject: object)
                    }
                case .association(let index):
                    let association = plan.mapping.associations[index]
                    guard association.kind == .belongsTo, column >= 0 else {
                        throw EvalError("\(labelName) is a \(association.kind.rawValue) association: its foreign key lives in \(association.target)", at: labelRange(),
                                        hint: association.kind == .manyToMany ? "insert first, then \(plan.mapping.name)#id.\(labelName).add(\(association.target)#1)"
                                              : "insert the \(association.target) with \(association.inverse ?? plan.mapping.name.lowercased()): \(plan.mapping.name)#id instead")
                    }
                    guard given.insert(column) else { throw EvalError("'\(labelName)' is given twice", at: labelRange()) }
                    switch try evaluate(arguments[n].value) {
                    case .object(let object, _) where object.entity.name == association.target:
                        if object.state == .deleted || object.state == .detached {
                            throw EvalError("\(object.ref) is deleted", at: arguments[n].value.range)
                        }
                        references.append((column, object))
                    case .scalar(.null, _):
                        guard association.isOptional else {
                            throw EvalError("\(plan.mapping.name).\(labelName) is required", at: arguments[n].value.range,
                                            hint: "give a \(association.target), e.g. \(labelName): \(association.target)#1")
                        }
                    default:
                        throw EvalError("\(labelName) needs a \(association.target) object", at: arguments[n].value.range,
                                        hint: "for example \(labelName): \(association.target)#1")
                    }
                }
            }
        }
        if plan.requiredColumns.contains(where: { !given.contains($0) }) {
            let missing = plan.requiredColumns.filter { !given.contains($0) }.map { plan.mapping.columns[$0].property }
            throw EvalError("missing \(missing.count == 1 ? "value" : "values") for \(missing.map { "'\($0)'" }.joined(separator: ", ")): required (NOT NULL, no default)", at: range,
                            hint: "add \(missing.map { "\($0): ..." }.joined(separator: ", ")) to the insert")
        }
        return session.insert(object, references: references)
    }

    /// The insert plan of `info`'s current mapping, made once per mapping.
    func insertPlan(for info: EntityInfo) -> InsertPlan {
        let generation = session.schemaGeneration
        // A script inserts into one entity many times in a row: try the last plan first.
        if let plan = lastInsertPlan, plan.info === info, plan.generation == generation { return plan }
        let plan: InsertPlan
        if let known = insertPlans[ObjectIdentifier(info)], known.generation == generation {
            plan = known
        } else {
            plan = InsertPlan(info: info, generation: generation)
            insertPlans[ObjectIdentifier(info)] = plan
        }
        lastInsertPlan = plan
        return plan
    }

    /// Checks and converts a value for a scalar column.
    func valueFor(_ expr: Expr, column: Column, type: ScalarType, entity: String) throws -> DatabaseValue {
        try valueFor(expr, property: column.property, isNullable: column.isNullable, type: type, entity: entity)
    }

    func valueFor(_ expr: Expr, property: String, isNullable: Bool, type: ScalarType, entity: String) throws -> DatabaseValue {
        if case .literal(let literal, let range) = expr {
            return try valueFor(literal, range: range, property: property, isNullable: isNullable, type: type, entity: entity)
        }
        guard case .scalar(let value, let valueType) = try evaluate(expr) else {
            throw EvalError("\(property) is a \(type.rawValue), not an object", at: expr.range)
        }
        return try checked(value, given: valueType, range: expr.range, property: property, isNullable: isNullable,
                           type: type, entity: entity)
    }

    /// `valueFor` of a literal: what `evaluate` gives for it, without boxing it in a `Value`.
    func valueFor(_ literal: Literal, range: SourceRange, property: String, isNullable: Bool, type: ScalarType,
                  entity: String) throws -> DatabaseValue {
        try checked(sqliteValue(literal, type: nil), given: literalType(literal), range: range, property: property,
                    isNullable: isNullable, type: type, entity: entity)
    }

    /// A value for a scalar column: NULL where allowed, else converted to the column's type.
    private func checked(_ v: DatabaseValue, given: ScalarType?, range: SourceRange, property: String, isNullable: Bool,
                         type: ScalarType, entity: String) throws -> DatabaseValue {
        if case .null = v {
            guard isNullable else {
                throw EvalError("\(entity).\(property) is required (NOT NULL)", at: range,
                                hint: "give a \(type.rawValue), or declare it optional: \(property): \(type.rawValue)?")
            }
            return .null
        }
        return try convert(v, given: given, to: type, property: property, range: range)
    }

    func convert(_ v: DatabaseValue, given: ScalarType?, to type: ScalarType, property: String, range: SourceRange) throws -> DatabaseValue {
        func mismatch() -> EvalError {
            let shown = displayValue(v, type: given).display
            var hint: String?
            if type == .int || type == .double, case .text(let s) = v, Double(s) != nil { hint = "write \(s) without quotes" }
            if type == .string { hint = "write it in quotes: \"\(shown)\"" }
            if type == .bool { hint = "write true or false" }
            if type == .date { hint = "write a date as \"2024-05-01\"" }
            return EvalError("type mismatch: '\(property)' is \(type.rawValue), but \(shown) is \(given?.rawValue ?? "a different type")", at: range, hint: hint)
        }
        switch (type, v) {
        case (.int, .integer): return v
        case (.double, .integer(let i)): return .real(Double(i))
        case (.double, .real): return v
        case (.string, .text): return v
        case (.bool, .integer) where given == .bool: return v
        case (.date, .text(let s)):
            guard isValidDate(s) else {
                throw EvalError("'\(s)' is not a date", at: range, hint: "write dates as \"2024-05-01\" or \"2024-05-01T12:30:00\"")
            }
            return v
        case (.data, .text(let s)): return .blob(Array(s.utf8))
        default: throw mismatch()
        }
    }

    func assign(_ target: Expr, _ valueExpr: Expr, range: SourceRange) throws -> ManagedObject {
        guard case .member(let baseExpr, let name, _) = target else {
            throw EvalError("only a property can be assigned: write Author#1.name = \"…\"", at: target.range,
                            hint: "to name a value, use let: let x = …")
        }
        let base = try evaluate(baseExpr)
        let object: ManagedObject
        switch base {
        case .object(let o, _): object = o
        case .association(let owner, let association, let access) where !association.isToMany:
            let load = try session.load(association, of: owner, access: access)
            guard let o = load.objects.first else { throw EvalError("\(access) is nil", at: baseExpr.range) }
            object = o
        default:
            throw EvalError("'\(currentSource.slice(baseExpr.range))' is not an object, so its properties cannot be assigned", at: baseExpr.range)
        }
        if object.state == .deleted || object.state == .detached {
            throw EvalError("\(object.ref) is \(object.state == .deleted ? "marked for deletion" : "no longer in the session")", at: baseExpr.range)
        }
        let mapping = object.entity.mapping
        if name.name == "id" {
            throw EvalError("the primary key cannot be assigned", at: name.range, hint: "ids are given by the database on insert")
        }
        if let association = mapping.association(named: name.name) {
            guard association.kind == .belongsTo else {
                throw EvalError("\(name.name) is a \(association.kind.rawValue) association and cannot be assigned", at: name.range,
                                hint: association.isToMany ? "use \(mapping.name)#\(object.id ?? 0).\(name.name).add(...) / .remove(...)" : "assign it from the \(association.target) side")
            }
            switch try evaluate(valueExpr) {
            case .object(let value, _) where value.entity.name == association.target:
                try session.assign(object, association: association, to: value)
            case .scalar(.null, _):
                do { try session.assign(object, association: association, to: nil) } catch let e as ORMError {
                    throw EvalError(e.message, at: valueExpr.range, hint: e.hint)
                }
            default:
                throw EvalError("\(name.name) needs a \(association.target) object", at: valueExpr.range, hint: "for example \(association.target)#1, or nil")
            }
            return object
        }
        guard let index = mapping.columnIndex(forProperty: name.name), let type = mapping.columns[index].scalarType else {
            throw EvalError("unknown property '\(name.name)' on \(mapping.name)", at: name.range,
                            hint: suggestion(name.name, mapping.memberNames) ?? "\(mapping.name) has: \(mapping.memberNames.joined(separator: ", "))")
        }
        let value = try valueFor(valueExpr, column: mapping.columns[index], type: type, entity: mapping.name)
        session.assign(object, column: index, value: value)
        return object
    }

    func objectsToDelete(_ expr: Expr) throws -> [ManagedObject] {
        switch try evaluate(expr) {
        case .object(let o, _): return [o]
        case .objects(let list): return list
        case .query(let q, _): return try session.fetch(q).objects
        case .association(let owner, let association, let access):
            return try session.load(association, of: owner, access: access).objects
        default:
            throw EvalError("delete needs an object or a query", at: expr.range, hint: "for example delete Book#3")
        }
    }

    // MARK: - Loops

    func runLoop(_ variable: Identifier, _ sequenceExpr: Expr, _ body: [DSL.Statement], range: SourceRange, into report: inout Report) throws {
        let sequence = try evaluate(sequenceExpr)
        var rows: [[String]] = []
        var header = [variable.name]
        for statement in body { header.append(currentSource.slice(statement.range).trimmingWhitespace()) }
        let saved = variables[variable.name]
        defer { variables[variable.name] = saved }
        var all: [ManagedObject] = []
        var includes: [IncludePath] = []
        func iterate(_ objects: [ManagedObject]) throws {
            for object in objects {
                // Nested loops multiply: `for a in X { for b in X { … } }` over a few rows, nested
                // ten deep, would run for ever. Count every pass of every loop in the command.
                loopPasses += 1
                if loopPasses > maximumLoopPasses {
                    throw EvalError("the loop stopped after \(maximumLoopPasses) passes (at most that many per command, nested loops included)", at: range,
                                    hint: "loop over fewer objects: add where(...) or limit(...) to the query, or split the work into several commands")
                }
                variables[variable.name] = .object(object, fromIdentityMap: true)
                var row = [object.ref]
                for statement in body {
                    var inner = Report(input: "")
                    try runStatement(statement, into: &inner)
                    if let v = inner.value { row.append(v.display) }
                    else if !inner.objects.isEmpty || inner.omittedObjects > 0 {
                        let count = inner.objects.count + inner.omittedObjects
                        row.append(count == 1 ? inner.objects[0].ref : "\(count) objects")
                    } else { row.append("") }
                    report.notes += inner.notes.filter { $0.kind != .info && $0.kind != .identityMap }
                }
                rows.append(row)
            }
            all += objects
        }
        switch sequence {
        case .query(let query, _):
            includes = query.includes
            try iterate(try session.fetch(query).objects)
        case .entity(let info):
            try iterate(try session.fetch(Query(entity: info.name, dsl: "\(info.name).all")).objects)
        case .batches(let query, let info, let size):
            try forEachBatch(query, info: info, size: size) { try iterate($0) }
        case .objects(let list):
            try iterate(list)
        case .association(let owner, let association, let access) where association.isToMany:
            try iterate(try session.load(association, of: owner, access: access).objects)
        default:
            throw EvalError("for … in needs a query or a list of objects", at: sequenceExpr.range, hint: "for example for a in Author.all { a.name }")
        }
        setObjects(all, hits: [], into: &report)
        if let first = all.first { showMapping(first.entity.name, into: &report) }
        if rows.count > 0 {
            report.blocks.append(.table(title: "for \(variable.name) in \(currentSource.slice(sequenceExpr.range))", header: header,
                                        rows: Array(rows.prefix(objectLimit)) + (rows.count > objectLimit ? [["… \(rows.count - objectLimit) more"] + Array(repeating: "", count: header.count - 1)] : [])))
        }
        // An include whose association no object touched was wasted work (Bullet's "unused eager loading").
        for include in includes {
            guard let first = include.path.first else { continue }
            if !all.isEmpty && !all.contains(where: { $0.touched.contains(first) }) {
                report.notes.append(Note(.unusedEagerLoad, "unused eager load: \(include.dsl) loaded \(first) for \(all.count) objects, but the loop never touched it; remove the include to save a query"))
            }
        }
    }

    /// Runs a query in keyset batches: `WHERE id > last ORDER BY id LIMIT size` (Rails' find_each,
    /// Django's iterator with chunk_size). Each batch is one statement; the objects stay in the
    /// identity map like those of any query.
    func forEachBatch(_ query: Query, info: EntityInfo, size: Int64, _ body: ([ManagedObject]) throws -> Void) throws {
        var last: Int64? = nil
        var number = 0
        while true {
            var q = query
            q.afterID = last ?? query.afterID ?? 0
            q.limit = size
            number += 1
            // The query's text already ends with the batches(of:) call the learner typed.
            q.dsl = (query.dsl.contains(".batches(") ? query.dsl : "\(query.dsl).batches(of: \(size))") + " batch \(number)"
            let objects = try session.fetch(q).objects
            if objects.isEmpty { break }
            try body(objects)
            last = objects.last?.id
            if Int64(objects.count) < size { break }
        }
    }
}

/// "2024-05-01" or "2024-05-01T12:30:00" (optionally with seconds fraction and Z).
func isValidDate(_ s: String) -> Bool {
    let chars = Array(s.utf8)
    func digits(_ r: Range<Int>) -> Int? {
        guard r.upperBound <= chars.count else { return nil }
        var n = 0
        for i in r { guard chars[i] >= 48 && chars[i] <= 57 else { return nil }; n = n * 10 + Int(chars[i] - 48) }
        return n
    }
    guard chars.count >= 10, let y = digits(0..<4), chars[4] == 45, let m = digits(5..<7), chars[7] == 45, let d = digits(8..<10) else { return false }
    guard y > 0, (1...12).contains(m), (1...31).contains(d) else { return false }
    if chars.count == 10 { return true }
    guard chars.count >= 16, chars[10] == 84 || chars[10] == 32, let h = digits(11..<13), chars[13] == 58, let mi = digits(14..<16),
          h < 24, mi < 60 else { return false }
    return true
}

// MARK: - Insert plans

/// What an insert needs from an entity's mapping, read out once per mapping: for each label,
/// its column, and the required columns. Looking labels up in the mapping itself copied the
/// whole mapping (a struct held by a class) for each value of each insert.
final class InsertPlan {
    enum Kind {
        case scalar(ScalarType)
        /// Index in the mapping's associations.
        case association(Int)
    }

    struct Target {
        var label: String
        var kind: Kind
        /// The scalar's column, or the belongs-to's foreign key column (-1 for other associations).
        var column: Int
        var isNullable: Bool
    }

    let info: EntityInfo
    let mapping: EntityMapping
    let entityName: String
    /// The schema generation the plan was made for (see `Session.schemaGeneration`).
    let generation: Int
    /// Associations first, as a label names an association before a property.
    let targets: [Target]
    /// The label of each target.
    let labels: [String]
    /// Columns that need a value: NOT NULL without a default (the id excepted).
    let requiredColumns: [Int]

    init(info: EntityInfo, generation: Int) {
        self.info = info
        self.generation = generation
        let mapping = info.mapping
        self.mapping = mapping
        entityName = mapping.name
        var targets: [Target] = []
        for (index, association) in mapping.associations.enumerated() {
            targets.append(Target(label: association.name, kind: .association(index),
                                  column: info.foreignKeyIndex[association.name] ?? -1, isNullable: association.isOptional))
        }
        for (i, column) in mapping.columns.enumerated() {
            if let type = column.scalarType {
                targets.append(Target(label: column.property, kind: .scalar(type), column: i, isNullable: column.isNullable))
            }
        }
        self.targets = targets
        labels = targets.map(\.label)
        requiredColumns = mapping.columns.indices.filter { i in
            i > 0 && !mapping.columns[i].isNullable && mapping.columns[i].defaultValue == nil
        }
    }

    /// The index in `targets` of the target labelled `label` (an index: copying the target out
    /// costs more than reading the fields needed), searched from `guess` on, wrapping around:
    /// an insert usually gives its values in the order the entity declares them, so the target
    /// after the previous argument's is nearly always the one (one comparison, not several).
    ///
    /// The guessed target is tried inline (it nearly always is the one); the search is a call.
    @inline(__always)
    func targetIndex(_ label: String, guess: Int = 0) -> Int? {
        if guess >= 0 && guess < labels.count && labels[guess].utf8.count == label.utf8.count && labels[guess] == label {
            return guess
        }
        return searchTarget(label, from: guess)
    }

    @inline(never)
    private func searchTarget(_ label: String, from guess: Int) -> Int? {
        // Compares names only. Lengths first: comparing two different strings is the slow path of `==`.
        let length = label.utf8.count
        let count = labels.count
        guard count > 0 else { return nil }
        var i = guess >= 0 && guess < count ? guess : 0
        for _ in 0..<count {
            if labels[i].utf8.count == length && labels[i] == label { return i }
            i = i + 1 == count ? 0 : i + 1
        }
        return nil
    }
}

/// The columns an insert gave so far: bits for the first 64 columns (no allocation per
/// insert), a list past them.
struct GivenColumns {
    private var bits: UInt64 = 0
    private var others: [Int] = []

    /// Adds `column`; false when it was given already. The bits inline, the list a call.
    @inline(__always)
    mutating func insert(_ column: Int) -> Bool {
        if column >= 0 && column < 64 {
            let bit: UInt64 = 1 << UInt64(column)
            if bits & bit != 0 { return false }
            bits |= bit
            return true
        }
        return insertOther(column)
    }

    @inline(never)
    private mutating func insertOther(_ column: Int) -> Bool {
        if others.contains(column) { return false }
        others.append(column)
        return true
    }

    func contains(_ column: Int) -> Bool {
        if column >= 0 && column < 64 { return bits & (1 << UInt64(column)) != 0 }
        return others.contains(column)
    }
}
