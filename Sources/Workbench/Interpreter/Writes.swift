import DSL
import Mapping
import Report
import Runtime
import DatabaseKit

// Writes into the unit of work: `insert` (with its cached insert plan), assignment and `delete`;
// values checked and converted to the column's type.

/// Why a key is not changed, by how the key is made.
func keyChangeHint(_ mapping: EntityMapping) -> String {
    if mapping.columns[0].holdsTextKey {
        return "a natural key is the object's identity, and the rows pointing at it hold it too: insert a \(mapping.name) with the new key, move what points at the old one, then delete it"
    }
    if mapping.columns[0].isAssignedKey { return "the key is given once, on insert; it identifies the row from then on" }
    return "ids are given by the database on insert"
}

extension Workbench {
    func insert(_ entity: Identifier, _ arguments: [Argument], range: SourceRange) throws -> ManagedObject {
        // Read once: `session` is a `var` (`:session` switches it), and each read of a class's
        // `var` in the value loop costs a retain and a release (1% of the benchmark's script).
        let session = self.session
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
                    // Not a column nor an ordinary association: `subject: Post#1` of a polymorphic one.
                    if let association = plan.mapping.polymorphicAssociation(named: labelName) {
                        try insertPolymorphic(association, arguments[n], into: object, plan: plan, given: &given, references: &references)
                        continue
                    }
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
                case .key:
                    // `insert Track(id: 3504, …)`: the key is written, not numbered by the database
                    // (an "assigned" identifier, for a table whose key nothing generates).
                    guard given.insert(0) else { throw EvalError("'id' is given twice", at: labelRange()) }
                    if session.schema.hierarchy[plan.entityName] != nil {
                        throw EvalError("\(plan.entityName) is a class of an inheritance hierarchy: its id is numbered for the whole hierarchy", at: labelRange(),
                                        hint: "leave id out; the database numbers it")
                    }
                    // (A natural key is text: `insert Country(id: "FR", …)`.)
                    let value = try valueFor(arguments[n].value, property: "id", isNullable: false,
                                             type: info.naturalKeys == nil ? .int : .string, entity: plan.entityName)
                    if let loaded = session.loadedObject(plan.entityName, key: value) {
                        throw EvalError("\(loaded.ref) is already in this session: its row exists, and the identity map holds one object per row", at: arguments[n].value.range,
                                        hint: plan.mapping.columns[0].isAssignedKey ? "give another key" : "give another id, or leave id out and let the database number it")
                    }
                    session.setValue(value, ofColumn: 0, ofNewObject: object)
                case .association(let index):
                    let association = plan.mapping.associations[index]
                    guard association.kind == .belongsTo, column >= 0 else {
                        throw EvalError("\(labelName) is a \(association.kind.rawValue) association: its foreign key lives in \(association.target)", at: labelRange(),
                                        hint: association.kind == .manyToMany ? "insert first, then \(plan.mapping.name)#id.\(labelName).add(\(association.target)#1)"
                                              : "insert the \(association.target) with \(association.inverse ?? plan.mapping.name.lowercased()): \(plan.mapping.name)#id instead")
                    }
                    guard given.insert(column) else { throw EvalError("'\(labelName)' is given twice", at: labelRange()) }
                    switch try evaluate(arguments[n].value) {
                    case .object(let object, _) where session.schema.isKind(object.entity.name, of: association.target):
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
        if plan.mapping.columns[0].isAssignedKey, !given.contains(0) {
            if info.naturalKeys != nil {
                throw EvalError("missing value for 'id': \(plan.entityName) has a natural key, so every insert gives it", at: range,
                                hint: "add id: \"…\" to the insert, a text no \(plan.entityName) has")
            }
            throw EvalError("missing value for 'id': \(plan.entityName)'s key is assigned, so every insert gives it (the database numbers none)", at: range,
                            hint: "add id: … to the insert, a number no \(plan.entityName) has")
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
        // A pattern match, not `==` (ScalarType has String raw values), on the insert path.
        if case .decimal = type { return try exactDecimal(v, range: range, property: property, entity: entity) }
        return try convert(v, given: given, to: type, property: property, range: range)
    }

    /// A value for a Decimal column, exact: a number literal is read from its source text
    /// (`10.50` as written, not the Double the lexer made of it), checked against the column's
    /// scale, and bound as text ('10.50'), so it never passes through Double.
    @inline(never) // off the insert path: `checked` stays small enough to be inlined there
    private func exactDecimal(_ v: DatabaseValue, range: SourceRange, property: String, entity: String) throws -> DatabaseValue {
        let scale = session.schema.entity(entity)?.columns.first { $0.property == property }?.decimalScale ?? ExactDecimal.defaultScale
        let text: String
        switch v {
        case .integer(let i): text = String(i)
        case .real(let d):
            let written = currentSource.slice(range).filter { !$0.isWhitespace }
            text = ExactDecimal(text: written, scale: 18) != nil ? written : "\(d)"
        case .text(let s) where ExactDecimal(text: s, scale: 18) != nil: text = s
        default:
            throw EvalError("type mismatch: '\(property)' is Decimal, but \(reportValue(v).display) is not a number", at: range,
                            hint: "write a number such as 10.50")
        }
        guard let exact = ExactDecimal(text: text, scale: scale) else {
            throw EvalError("\(text) does not fit \(entity).\(property): it keeps \(scale) digit\(scale == 1 ? "" : "s") after the point", at: range,
                            hint: "a Decimal is exact, so it is not rounded for you: write it with at most \(scale) decimal\(scale == 1 ? "" : "s")")
        }
        return exact.databaseValue
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
        // A Decimal compared in a query (where(total > 9.5)): SQLite compares it with the
        // NUMERIC column as a number.
        case (.decimal, .integer), (.decimal, .real): return v
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
            throw EvalError("the primary key cannot be assigned", at: name.range, hint: keyChangeHint(mapping))
        }
        if object.state == .stale { throw staleObject(object, touching: name) }
        if let association = mapping.polymorphicAssociation(named: name.name) {
            try assignPolymorphic(object, association, name: name, valueExpr)
            return object
        }
        if let association = mapping.association(named: name.name) {
            guard association.kind == .belongsTo else {
                throw EvalError("\(name.name) is a \(association.kind.rawValue) association and cannot be assigned", at: name.range,
                                hint: association.isToMany ? "use \(mapping.name)#\(object.id ?? 0).\(name.name).add(...) / .remove(...)" : "assign it from the \(association.target) side")
            }
            switch try evaluate(valueExpr) {
            case .object(let value, _) where session.schema.isKind(value.entity.name, of: association.target):
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

/// What an insert needs from an entity's mapping, read out once per mapping: for each label,
/// its column, and the required columns. Looking labels up in the mapping itself copied the
/// whole mapping (a struct held by a class) for each value of each insert.
final class InsertPlan {
    enum Kind {
        case scalar(ScalarType)
        /// The primary key, given by the learner (`id: 3504`).
        case key
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
        // Last: most inserts leave the key to the database.
        targets.append(Target(label: "id", kind: .key, column: 0, isNullable: false))
        self.targets = targets
        labels = targets.map(\.label)
        // The key too when every insert gives it (`id: Int assigned`).
        requiredColumns = mapping.columns.indices.filter { i in
            i == 0 ? mapping.columns[0].isAssignedKey : !mapping.columns[i].isNullable && mapping.columns[i].defaultValue == nil
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
