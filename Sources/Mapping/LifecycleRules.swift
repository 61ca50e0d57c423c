import DSL

// Checks the lifecycle members of a declaration (spec §10) when the entity is defined, so a
// mistake is reported with its caret at the definition and nothing runs: `validate(...)` rules
// against their property's type, callbacks' assignments against the properties they set (the
// expression is typed from the entity's own properties), scopes' names.

/// The scalar properties a callback of `decl` can read and assign, with their types and whether
/// they are optional (the lifecycle columns too: created_at, updated_at, deleted_at).
func callbackProperties(of decl: EntityDecl) -> [String: (type: ScalarType, isOptional: Bool)] {
    var properties: [String: (type: ScalarType, isOptional: Bool)] = [:]
    for p in decl.properties {
        if let scalar = p.type.scalar, !p.type.isArray { properties[p.name.name] = (scalar, p.type.isOptional) }
    }
    for member in decl.members {
        switch member {
        case .timestamps:
            properties["created_at"] = (.date, true)
            properties["updated_at"] = (.date, true)
        case .softDelete:
            properties["deleted_at"] = (.date, true)
        default:
            break
        }
    }
    return properties
}

func validateLifecycle(_ decl: EntityDecl) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    let entity = decl.name.name
    let properties = callbackProperties(of: decl)
    for p in decl.properties {
        for rule in p.validations {
            if let problem = validationProblem(rule, property: p) { diagnostics.append(problem) }
        }
    }
    var scopes: Set<String> = []
    var seenTimestamps = false, seenSoftDelete = false
    for member in decl.members {
        switch member {
        case .callback(let callback):
            for assignment in callback.assignments {
                let name = assignment.property.name
                guard let target = properties[name] else {
                    let isAssociation = decl.property(named: name) != nil
                    diagnostics.append(Diagnostic(.error, isAssociation
                        ? "a callback assigns plain properties; '\(name)' is an association of \(entity)"
                        : "unknown property '\(name)' on \(entity) in 'on \(callback.name)'",
                        at: assignment.property.range,
                        hint: nearest(name, in: Array(properties.keys).sorted()).map { "did you mean '\($0)'?" }
                            ?? "\(entity) has: \(properties.keys.sorted().joined(separator: ", "))"))
                    continue
                }
                switch staticType(of: assignment.value, properties: properties, entity: entity) {
                case .failure(let diagnostic):
                    diagnostics.append(diagnostic)
                case .success(let type):
                    guard let type else {
                        if !target.isOptional {
                            diagnostics.append(Diagnostic(.error, "\(entity).\(name) is required (NOT NULL), so a callback cannot set it to nil",
                                                          at: assignment.value.range, hint: "give a \(target.type.rawValue), or declare it optional: \(name): \(target.type.rawValue)?"))
                        }
                        continue
                    }
                    let fits = type == target.type || (type == .int && target.type == .double) || (type == .string && target.type == .date)
                    if !fits {
                        diagnostics.append(Diagnostic(.error, "type mismatch in 'on \(callback.name)': '\(name)' is \(target.type.rawValue), but this is \(type.rawValue)",
                                                      at: assignment.value.range,
                                                      hint: target.type == .string ? "a String comes from a String property, a text in quotes, lower(), upper() or trim()" : nil))
                    }
                }
            }
        case .scope(let scope):
            if !scopes.insert(scope.name.name).inserted {
                diagnostics.append(Diagnostic(.error, "duplicate scope '\(scope.name.name)' in \(entity)", at: scope.name.range))
            }
            if decl.property(named: scope.name.name) != nil {
                diagnostics.append(Diagnostic(.error, "scope '\(scope.name.name)' has the name of a property of \(entity)", at: scope.name.range,
                                              hint: "give the scope another name"))
            }
        case .timestamps(let range):
            if seenTimestamps { diagnostics.append(Diagnostic(.error, "timestamps is declared twice in \(entity)", at: range)) }
            seenTimestamps = true
            for name in ["created_at", "updated_at"] where decl.property(named: name) != nil {
                diagnostics.append(Diagnostic(.error, "'timestamps' adds \(name), which \(entity) already declares", at: range,
                                              hint: "remove the property \(name) (timestamps sets it), or remove timestamps"))
            }
        case .softDelete(let range):
            if seenSoftDelete { diagnostics.append(Diagnostic(.error, "soft delete is declared twice in \(entity)", at: range)) }
            seenSoftDelete = true
            if decl.property(named: "deleted_at") != nil {
                diagnostics.append(Diagnostic(.error, "'soft delete' adds deleted_at, which \(entity) already declares", at: range,
                                              hint: "remove the property deleted_at, or remove soft delete"))
            }
        default:
            break
        }
    }
    return diagnostics
}

/// What is wrong with one `validate(...)` rule on `property`, if anything.
private func validationProblem(_ rule: ValidationDecl, property p: PropertyDecl) -> Diagnostic? {
    let name = p.name.name
    guard let scalar = p.type.scalar, !p.type.isArray else {
        return Diagnostic(.error, "validate(...) checks a plain property, and '\(name)' is an association", at: rule.range,
                          hint: "a required association is written without '?'")
    }
    switch rule.rule {
    case .format(let format):
        guard ValidationDecl.formats.contains(format.name) else {
            return Diagnostic(.error, "unknown format '\(format.name)' in validate(format: ...)", at: format.range,
                              hint: nearest(format.name, in: ValidationDecl.formats).map { "did you mean '\($0)'?" }
                                ?? "formats: " + ValidationDecl.formats.joined(separator: ", "))
        }
        if scalar != .string {
            return Diagnostic(.error, "validate(format: \(format.name)) checks a String, and '\(name)' is \(withArticle(scalar.rawValue))", at: rule.range)
        }
    case .length(let min, let max):
        if scalar != .string {
            return Diagnostic(.error, "validate(length: ...) counts the characters of a String, and '\(name)' is \(withArticle(scalar.rawValue))", at: rule.range,
                              hint: scalar == .int || scalar == .double ? "for a number write validate(>= 1) or validate(<= 80)" : nil)
        }
        if let min, let max, min > max {
            return Diagnostic(.error, "validate(length: \(min)...\(max)) allows no length: \(min) is more than \(max)", at: rule.range)
        }
        if let min, min < 0 { return Diagnostic(.error, "a length cannot be negative", at: rule.range) }
    case .compare(_, let literal):
        if let problem = literalProblem(literal, scalar: scalar) {
            return Diagnostic(.error, "validate(\(rule.source)) on '\(name)': \(problem)", at: rule.range)
        }
    case .oneOf(let values):
        if values.isEmpty { return Diagnostic(.error, "validate(in: []) allows no value", at: rule.range, hint: "list the allowed values: in: [\"a\", \"b\"]") }
        for value in values {
            if let problem = literalProblem(value, scalar: scalar) {
                return Diagnostic(.error, "validate(\(rule.source)) on '\(name)': \(problem)", at: rule.range)
            }
        }
    }
    return nil
}

private func literalProblem(_ literal: Literal, scalar: ScalarType) -> String? {
    switch (literal, scalar) {
    case (.integer, .int), (.integer, .double), (.double, .double), (.string, .string), (.string, .date), (.bool, .bool): return nil
    default:
        return "\(literal.source) is not \(withArticle(scalar.rawValue))"
    }
}

/// The type of a callback's expression, from the entity's own properties: nil for `nil`.
func staticType(of expr: Expr, properties: [String: (type: ScalarType, isOptional: Bool)], entity: String) -> Result<ScalarType?, Diagnostic> {
    switch expr {
    case .literal(let literal, _):
        switch literal {
        case .integer: return .success(.int)
        case .double: return .success(.double)
        case .string: return .success(.string)
        case .bool: return .success(.bool)
        case .null: return .success(nil)
        }
    case .name(let id):
        guard let property = properties[id.name] else {
            return .failure(Diagnostic(.error, "unknown property '\(id.name)' on \(entity) in a callback", at: id.range,
                                       hint: nearest(id.name, in: Array(properties.keys).sorted()).map { "did you mean '\($0)'?" }
                                        ?? "a callback reads its own object's properties: \(properties.keys.sorted().joined(separator: ", "))"))
        }
        return .success(property.type)
    case .binary(let op, let lhs, let rhs, let range) where [.plus, .minus, .times, .divide].contains(op):
        let a: ScalarType?, b: ScalarType?
        switch staticType(of: lhs, properties: properties, entity: entity) {
        case .failure(let d): return .failure(d)
        case .success(let t): a = t
        }
        switch staticType(of: rhs, properties: properties, entity: entity) {
        case .failure(let d): return .failure(d)
        case .success(let t): b = t
        }
        if a == .string || b == .string {
            guard op == .plus, a == .string || a == nil, b == .string || b == nil else {
                return .failure(Diagnostic(.error, op == .plus ? "'+' joins two Strings, but this mixes \(a?.rawValue ?? "nil") and \(b?.rawValue ?? "nil")"
                                                               : "'\(op.rawValue)' needs numbers; Strings only join with '+'", at: range))
            }
            return .success(.string)
        }
        for side in [a, b] where side != nil && side != .int && side != .double {
            return .failure(Diagnostic(.error, "'\(op.rawValue)' needs numbers, but this is \(side!.rawValue)", at: range))
        }
        return .success(a == .double || b == .double ? .double : .int)
    case .unary(.negate, let operand, let range):
        switch staticType(of: operand, properties: properties, entity: entity) {
        case .failure(let d): return .failure(d)
        case .success(let t):
            if let t, t != .int && t != .double { return .failure(Diagnostic(.error, "'-' needs a number, but this is \(t.rawValue)", at: range)) }
            return .success(t)
        }
    case .function(let name, let arguments, let range):
        guard let function = ScalarFunction(rawValue: name.name) else {
            return .failure(Diagnostic(.error, "unknown function '\(name.name)'", at: name.range))
        }
        guard arguments.count == function.arity else {
            return .failure(Diagnostic(.error, "\(function.rawValue)() takes \(function.arity == 0 ? "no arguments" : "one String")", at: range))
        }
        if function == .now { return .success(.date) }
        switch staticType(of: arguments[0], properties: properties, entity: entity) {
        case .failure(let d): return .failure(d)
        case .success(let t):
            if let t, t != .string {
                return .failure(Diagnostic(.error, "\(function.rawValue)() needs a String, but this is \(t.rawValue)", at: arguments[0].range))
            }
            return .success(.string)
        }
    default:
        return .failure(Diagnostic(.error, "a callback computes from its own object's properties, literals, + - * /, lower(), upper(), trim() and now()",
                                   at: expr.range, hint: "for example: email = lower(email)"))
    }
}
