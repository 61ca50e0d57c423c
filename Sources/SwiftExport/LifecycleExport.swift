import DSL
import Mapping

// The lifecycle rules of an entity in Swift (spec §10): `validate(...)` as a throwing
// `validate()` (plain style), called by GRDB's `willInsert`/`willUpdate` persistence callbacks,
// which also set the `timestamps` columns. Callbacks are listed as comments (their expressions
// are ORMLab's), soft delete as a comment on how queries skip deleted rows.

extension ExportModel {
    /// True when some entity declares validations, so the shared error type is written.
    var hasValidations: Bool { entities.contains { !validationRules($0).isEmpty } }

    /// `struct ValidationError`, written once per file when some entity validates.
    func validationErrorType(into code: inout CodeWriter) {
        code.line("/// A value a `validate(...)` rule of the ORMLab model refuses.")
        code.block("struct ValidationError: Error, CustomStringConvertible") { code in
            code.line("var entity: String")
            code.line("var property: String")
            code.line("var rule: String")
            code.line("var description: String { \"\\(entity).\\(property) fails validate(\\(rule))\" }")
            code.line()
            code.line("/// `name@domain.tld`: one @, something before it, a dot inside the domain, no spaces.")
            code.block("static func isEmail(_ s: String) -> Bool") { code in
                code.line("let parts = s.split(separator: \"@\", omittingEmptySubsequences: false)")
                code.line("guard parts.count == 2, !parts[0].isEmpty, !s.contains(\" \"), let dot = parts[1].lastIndex(of: \".\") else { return false }")
                code.line("return dot != parts[1].startIndex && parts[1].index(after: dot) != parts[1].endIndex")
            }
            code.line()
            code.block("static func isURL(_ s: String) -> Bool") { code in
                code.line("(s.hasPrefix(\"http://\") || s.hasPrefix(\"https://\")) && !s.contains(\" \") && s.count > 8")
            }
        }
    }

    /// Each rule with the Swift property it checks.
    func validationRules(_ entity: ExportedEntity) -> [(property: ExportedProperty, rule: ValidationDecl)] {
        var rules: [(ExportedProperty, ValidationDecl)] = []
        for case .property(let p) in entity.mapping.declaration.members {
            guard let property = entity.properties.first(where: { $0.column.property == p.name.name }) else { continue }
            for rule in p.validations { rules.append((property, rule)) }
        }
        return rules
    }

    /// `func validate() throws`: one check per rule (nil passes: a required value is the type).
    func validateFunction(_ entity: ExportedEntity, into code: inout CodeWriter) {
        let rules = validationRules(entity)
        guard !rules.isEmpty else { return }
        code.line("/// The `validate(...)` rules of the ORMLab model; ORMLab runs them before any SQL of a save.")
        code.block("func validate() throws") { code in
            for (property, rule) in rules {
                let name = identifier(property.name)
                let value = property.column.isNullable ? "value" : name
                let condition: String
                switch rule.rule {
                case .format(let format):
                    condition = format.name == "url" ? "ValidationError.isURL(\(value))" : "ValidationError.isEmail(\(value))"
                case .length(let min, let max):
                    switch (min, max) {
                    case let (lo?, hi?): condition = "(\(lo)...\(hi)).contains(\(value).count)"
                    case let (lo?, nil): condition = "\(value).count >= \(lo)"
                    case let (nil, hi?): condition = "\(value).count <= \(hi)"
                    default: condition = "true"
                    }
                case .compare(let op, let literal):
                    condition = "\(value) \(op.rawValue) \(swiftLiteral(literal))"
                case .oneOf(let values):
                    condition = "[" + values.map(swiftLiteral).joined(separator: ", ") + "].contains(\(value))"
                }
                let thrown = "throw ValidationError(entity: \(swiftStringLiteral(entity.mapping.name)), property: \(swiftStringLiteral(property.column.property)), rule: \(swiftStringLiteral(rule.source)))"
                if property.column.isNullable {
                    code.line("if let value = \(name), !(\(condition)) { \(thrown) }")
                } else {
                    code.line("if !(\(condition)) { \(thrown) }")
                }
            }
        }
    }

    /// Comments for what Swift code does not run by itself: callbacks and soft delete.
    func lifecycleComments(_ entity: ExportedEntity, into code: inout CodeWriter) {
        for member in entity.mapping.declaration.members {
            switch member {
            case .callback(let callback):
                code.line("// on \(callback.name): " + callback.assignments.map { "\($0.property.name) = …" }.joined(separator: "; ")
                          + " (ORMLab callback; run it in your save path)")
            case .softDelete:
                code.line("// soft delete: deleting sets deleted_at; filter deleted_at == nil in queries.")
            default:
                break
            }
        }
    }

    /// The Swift names of the timestamps columns, when the entity declares `timestamps`.
    func timestampProperties(_ entity: ExportedEntity) -> (created: String, updated: String)? {
        guard entity.mapping.declaration.members.contains(where: { if case .timestamps = $0 { return true } else { return false } }),
              let created = entity.properties.first(where: { $0.column.property == "created_at" }),
              let updated = entity.properties.first(where: { $0.column.property == "updated_at" }) else { return nil }
        return (identifier(created.name), identifier(updated.name))
    }
}

private func swiftLiteral(_ literal: Literal) -> String {
    switch literal {
    case .string(let s): return swiftStringLiteral(s)
    case .integer(let i): return String(i)
    case .double(let d): return String(d)
    case .bool(let b): return b ? "true" : "false"
    case .null: return "nil"
    }
}
