import DSL
@testable import Mapping

// The mapping tests are written in the DSL the learner types, read by the real parser, so every
// range (line:column) is the one a learner would see.

/// The entity declarations of `source`, in order.
func entities(_ source: String) -> [EntityDecl] {
    Parser.parse(SourceFile(text: source)).commands.compactMap {
        if case .entity(let decl) = $0 { return decl } else { return nil }
    }
}

/// Defines every entity of `source` in order, stopping at the first change with an error.
func define(_ source: String, in start: Schema = Schema()) -> (schema: Schema, changes: [SchemaChange]) {
    var schema = start
    var changes: [SchemaChange] = []
    for decl in entities(source) {
        let change = schema.defining(decl)
        changes.append(change)
        schema = change.schema
    }
    return (schema, changes)
}

/// The change of defining one more entity.
func change(_ source: String, in schema: Schema) -> SchemaChange {
    schema.defining(entities(source)[0])
}

/// "1:5 error: message"
func describe(_ d: Diagnostic) -> String {
    "\(d.line):\(d.column) \(d.severity.rawValue): \(d.message)"
}

