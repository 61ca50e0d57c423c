import DSL
import Mapping
import Report
import DatabaseKit

// Validations, callbacks and timestamps around a flush (spec §10; Rails' callbacks guide,
// Hibernate's @PrePersist/@PreUpdate, SQLAlchemy's before_flush): per object, in order,
// validate → before callbacks (and timestamps) → SQL → after callbacks → commit. A failed
// validation stops the save before any SQL and leaves the unit of work as it was; a failure
// later (a callback's value, a constraint) puts back what the callbacks changed.
//
// Off the hot path: an entity without rules has no `EntityLifecycle`, and a flush asks first
// whether any entity has one (one pass over the few entities), so plain inserts pay nothing.

/// An entity's lifecycle rules, read from its declaration once per mapping.
final class EntityLifecycle {
    struct Rule {
        let column: Int
        let property: String
        let type: ScalarType
        let decl: ValidationDecl
    }

    struct Callback {
        let decl: CallbackDecl
        /// The column each assignment sets (parallel to `decl.assignments`).
        let columns: [Int]
    }

    let rules: [Rule]
    let callbacks: [Callback]
    /// `timestamps`: the columns of created_at and updated_at.
    let createdAt: Int?
    let updatedAt: Int?
    /// `soft delete`: the column of deleted_at.
    let deletedAt: Int?

    /// nil when the mapping declares no rule, callback, timestamps or soft delete.
    init?(mapping: EntityMapping) {
        var rules: [Rule] = []
        var callbacks: [Callback] = []
        var hasTimestamps = false, hasSoftDelete = false
        for member in mapping.declaration.members {
            switch member {
            case .property(let p):
                guard let column = mapping.columnIndex(forProperty: p.name.name), let type = mapping.columns[column].scalarType else { continue }
                for rule in p.validations { rules.append(Rule(column: column, property: p.name.name, type: type, decl: rule)) }
            case .callback(let decl):
                let columns = decl.assignments.map { mapping.columnIndex(forProperty: $0.property.name) ?? -1 }
                if !columns.contains(-1) { callbacks.append(Callback(decl: decl, columns: columns)) }
            case .timestamps: hasTimestamps = true
            case .softDelete: hasSoftDelete = true
            default: break
            }
        }
        guard !rules.isEmpty || !callbacks.isEmpty || hasTimestamps || hasSoftDelete else { return nil }
        self.rules = rules
        self.callbacks = callbacks
        createdAt = hasTimestamps ? mapping.columnIndex(forProperty: "created_at") : nil
        updatedAt = hasTimestamps ? mapping.columnIndex(forProperty: "updated_at") : nil
        deletedAt = hasSoftDelete ? mapping.columnIndex(forProperty: "deleted_at") : nil
    }

    /// True when an insert or update has something to run: rules, callbacks or timestamps.
    var runsOnSave: Bool { !rules.isEmpty || !callbacks.isEmpty || createdAt != nil }

    /// The callbacks of `timing` that run for `event` (`save` runs for insert and update).
    func callbacks(_ timing: CallbackDecl.Timing, for event: CallbackDecl.Event) -> [Callback] {
        callbacks.filter { $0.decl.timing == timing && ($0.decl.event == event || ($0.decl.event == .save && (event == .insert || event == .update))) }
    }
}

/// One object's way through a save, as the SQL pane and JSON show it.
final class TimelineBuilder {
    let object: ManagedObject
    let event: CallbackDecl.Event
    var steps: [String] = []
    init(object: ManagedObject, event: CallbackDecl.Event) {
        self.object = object
        self.event = event
    }
}

extension Session {
    /// True when some entity has lifecycle rules (a handful of entities: cheap).
    var hasLifecycleRules: Bool { infos.values.contains { $0.lifecycle != nil } }

    /// A flush with validations, callbacks and timestamps around it (see the file's comment).
    func flushWithLifecycle(reason: String) throws -> FlushResult {
        // (An entity whose only rule is `soft delete` has a timeline for its deletes only.)
        var timelines: [TimelineBuilder] = []
        for object in unitOfWork.newObjects where object.entity.lifecycle?.runsOnSave == true { timelines.append(TimelineBuilder(object: object, event: .insert)) }
        for object in unitOfWork.dirtyObjects where object.entity.lifecycle?.runsOnSave == true { timelines.append(TimelineBuilder(object: object, event: .update)) }
        for object in unitOfWork.deletedObjects where object.entity.lifecycle != nil { timelines.append(TimelineBuilder(object: object, event: .delete)) }
        guard !timelines.isEmpty else { return try unitOfWork.flush(reason: reason, in: self) }

        // 1. Validate every object first: a failure stops the save before anything changed.
        var failures: [String] = []
        for timeline in timelines where timeline.event != .delete {
            guard let lifecycle = timeline.object.entity.lifecycle, !lifecycle.rules.isEmpty else { continue }
            var passed: [String] = []
            for rule in lifecycle.rules {
                let value = timeline.object.value(ofColumn: rule.column)
                if Self.satisfies(value, rule) {
                    passed.append("\(rule.property) \(rule.decl.source)")
                } else {
                    let shown = reportValue(value).display
                    timeline.steps.append("validate ✗ \(rule.property) \(shown) fails \(rule.decl.source)")
                    failures.append("\(timeline.object.ref).\(rule.property) = \(shown) fails validate(\(rule.decl.source))")
                }
            }
            if !passed.isEmpty { timeline.steps.insert("validate ✓ " + passed.joined(separator: ", "), at: 0) }
        }
        if !failures.isEmpty {
            publish(timelines, outcome: "stopped: nothing was written")
            throw ORMError("not valid: " + failures[0] + (failures.count > 1 ? " (and \(failures.count - 1) more: " + failures.dropFirst().joined(separator: "; ") + ")" : ""),
                           hint: "nothing was written and everything is still pending as it was; fix the value and save again")
        }

        // 2. Before callbacks and timestamps, remembering each object as it was (to put back on failure).
        let now = self.now()
        var saved: [(object: ManagedObject, values: [DatabaseValue], original: [DatabaseValue]?, state: ObjectState)] = []
        func putBack() {
            for entry in saved.reversed() {
                entry.object.values = entry.values
                entry.object.originalValues = entry.original
                entry.object.state = entry.state
            }
        }
        do {
            for timeline in timelines {
                let object = timeline.object
                guard let lifecycle = object.entity.lifecycle else { continue }
                saved.append((object, object.values, object.originalValues, object.state))
                for callback in lifecycle.callbacks(.before, for: timeline.event) {
                    try run(callback, on: object, now: now, timeline: timeline)
                }
                if timeline.event == .insert {
                    var set: [String] = []
                    if let column = lifecycle.createdAt, case .null = object.value(ofColumn: column) {
                        object.setValue(.text(now), ofColumn: column)
                        set.append("created_at")
                    }
                    if let column = lifecycle.updatedAt {
                        object.setValue(.text(now), ofColumn: column)
                        set.append("updated_at")
                    }
                    if !set.isEmpty { timeline.steps.append("timestamps: \(set.joined(separator: ", ")) = \"\(now)\"") }
                } else if timeline.event == .update, let column = lifecycle.updatedAt {
                    assign(object, column: column, value: .text(now), shown: nil, explains: false)
                    timeline.steps.append("timestamps: updated_at = \"\(now)\"")
                }
            }
        } catch {
            putBack()
            publish(timelines, outcome: "stopped: nothing was written")
            throw error
        }

        // 3. The SQL.
        let result: FlushResult
        do {
            result = try unitOfWork.flush(reason: reason, in: self)
        } catch {
            putBack()
            for timeline in timelines { timeline.steps.append("SQL ✗ (rolled back)") }
            publish(timelines, outcome: "nothing was written; the callbacks' changes were put back")
            throw error
        }
        let verb: [CallbackDecl.Event: String] = [.insert: "INSERT", .update: "UPDATE", .delete: "DELETE"]
        for timeline in timelines {
            let soft = timeline.event == .delete && timeline.object.entity.lifecycle?.deletedAt != nil
            timeline.steps.append(soft ? "SQL: UPDATE deleted_at (soft delete: the row stays, queries skip it)" : "SQL: \(verb[timeline.event] ?? "")")
        }

        // 4. After callbacks: they change the object in memory; a later save writes that.
        for timeline in timelines {
            guard let lifecycle = timeline.object.entity.lifecycle else { continue }
            for callback in lifecycle.callbacks(.after, for: timeline.event) {
                do { try run(callback, on: timeline.object, now: now, timeline: timeline) } catch let error as ORMError {
                    timeline.steps.append("after \(callback.decl.event.rawValue) ✗ \(error.message)")
                }
            }
        }
        publish(timelines, outcome: nil)
        return result
    }

    /// Runs one callback's assignments on `object`.
    private func run(_ callback: EntityLifecycle.Callback, on object: ManagedObject, now: String, timeline: TimelineBuilder) throws {
        let mapping = object.entity.mapping
        var done: [String] = []
        for (n, assignment) in callback.decl.assignments.enumerated() {
            let column = callback.columns[n]
            let result: TypedValue
            do {
                result = try ScalarExpression.evaluate(assignment.value, now: { now }) { leaf in
                    guard case .name(let id) = leaf, let index = mapping.columnIndex(forProperty: id.name) else {
                        throw ExpressionError("a callback reads its own object's properties", at: leaf.range)
                    }
                    return TypedValue(object.value(ofColumn: index), mapping.columns[index].scalarType)
                }
            } catch let error as ExpressionError {
                timeline.steps.append("\(callback.decl.name) ✗ \(assignment.property.name): \(error.message)")
                throw ORMError("on \(callback.decl.name) of \(object.ref) failed: \(assignment.property.name) = …: \(error.message)",
                               hint: "nothing was written; the callback's changes were put back")
            }
            var value = result.value
            let target = mapping.columns[column]
            if case .null = value, !target.isNullable {
                timeline.steps.append("\(callback.decl.name) ✗ \(assignment.property.name) = nil")
                throw ORMError("on \(callback.decl.name) of \(object.ref) set \(mapping.name).\(assignment.property.name) to nil, but it is required (NOT NULL)",
                               hint: "nothing was written; the callback's changes were put back")
            }
            if target.scalarType == .double, case .integer(let i) = value { value = .real(Double(i)) }
            if object.state == .new { object.setValue(value, ofColumn: column) } else {
                assign(object, column: column, value: value, shown: nil, explains: false)
            }
            done.append("\(assignment.property.name) = \(reportValue(value).display)")
        }
        timeline.steps.append("\(callback.decl.name): " + done.joined(separator: ", "))
    }

    /// Hands the timelines to the report (`Report.lifecycle`).
    private func publish(_ timelines: [TimelineBuilder], outcome: String?) {
        for timeline in timelines {
            var steps = timeline.steps
            if let outcome { steps.append(outcome) }
            pendingTimelines.append(LifecycleTimeline(ref: timeline.object.ref, steps: steps))
        }
    }

    /// Whether `value` passes `rule` (nil passes: whether a value is required is its type's `?`).
    static func satisfies(_ value: DatabaseValue, _ rule: EntityLifecycle.Rule) -> Bool {
        if case .null = value { return true }
        switch rule.decl.rule {
        case .format(let format):
            guard case .text(let s) = value else { return false }
            return format.name == "url" ? isURL(s) : isEmail(s)
        case .length(let min, let max):
            guard case .text(let s) = value else { return false }
            let count = Int64(s.count)
            return (min.map { count >= $0 } ?? true) && (max.map { count <= $0 } ?? true)
        case .compare(let op, let literal):
            guard let order = compare(value, sqliteValue(literal, type: rule.type)) else { return false }
            switch op {
            case .equal: return order == 0
            case .notEqual: return order != 0
            case .less: return order < 0
            case .lessEqual: return order <= 0
            case .greater: return order > 0
            case .greaterEqual: return order >= 0
            default: return false
            }
        case .oneOf(let literals):
            return literals.contains { compare(value, sqliteValue($0, type: rule.type)) == 0 }
        }
    }

    /// `name@domain.tld`: one @, something before it, a dot inside the domain, no spaces.
    static func isEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !s.contains(" ") else { return false }
        let domain = parts[1]
        guard let dot = domain.lastIndex(of: "."), dot != domain.startIndex, domain.index(after: dot) != domain.endIndex else { return false }
        return !domain.hasPrefix(".")
    }

    /// `http://host...` or `https://host...` without spaces.
    static func isURL(_ s: String) -> Bool {
        for scheme in ["http://", "https://"] where s.hasPrefix(scheme) {
            return s.count > scheme.count && !s.contains(" ")
        }
        return false
    }
}
