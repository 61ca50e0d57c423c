// Test helpers: parse strings, and print the AST as compact S-expressions so tests can pin its
// shape in one readable line.
@testable import DSL

func parse(_ text: String) -> ParseResult {
    Parser.parse(SourceFile(name: "<test>", text: text))
}

/// The only diagnostic of parsing `text`, rendered; or a note that there was none.
func renderedError(_ text: String) -> String {
    let file = SourceFile(name: "<test>", text: text)
    let result = Parser.parse(file)
    guard let diagnostic = result.diagnostics.first else { return "no diagnostic" }
    return diagnostic.rendered(in: file)
}

/// S-expressions of every item: commands as their AST, failures as `(error L:C message)`.
func shape(_ text: String) -> [String] {
    parse(text).items.map { item in
        switch item {
        case .command(let c): return sexpr(c)
        case .failure(let d, _): return "(error \(d.range.start) \(d.message))"
        }
    }
}

func sexpr(_ command: Command) -> String {
    switch command {
    case .entity(let e): return sexpr(e)
    case .statement(let s): return sexpr(s)
    case .workbench(let name, let argument, _, _): return "(:\(name) \(quoteDSLString(argument)))"
    }
}

func sexpr(_ e: EntityDecl) -> String {
    "(entity \(e.name)" + (e.table.map { " table:\($0.name)" } ?? "") + e.members.map { " " + sexpr($0) }.joined() + ")"
}

func sexpr(_ m: MemberDecl) -> String {
    switch m {
    case .index(let i):
        return "(\(i.isUnique ? "unique-index" : "index") \(i.columns.map(\.name).joined(separator: " ")))"
    case .property(let p):
        var out = "(\(p.name) \(p.type.isArray ? "[\(p.type.name)]" : p.type.name.name)\(p.type.isOptional ? "?" : "")"
        if p.isUnique { out += " unique" }
        if p.isIndexed { out += " index" }
        if let d = p.defaultValue { out += " =\(d.source)" }
        if let r = p.onDelete { out += " on-delete:\(r.rawValue)" }
        if let v = p.via { out += " via:\(v)" }
        if let c = p.column { out += " column:\(c.name)" }
        if let j = p.joinTable { out += " join:\(j.table.name)(\(j.ownerColumn.name),\(j.targetColumn.name))" }
        for rule in p.validations { out += " validate(\(rule.source))" }
        return out + ")"
    case .key(let k):
        return "(key \(k.properties.map(\.name).joined(separator: " ")))"
    case .callback(let c):
        return "(on \(c.name)" + c.assignments.map { " (= \($0.property) \(sexpr($0.value)))" }.joined() + ")"
    case .timestamps:
        return "(timestamps)"
    case .softDelete:
        return "(soft-delete)"
    case .scope(let scope):
        return "(scope \(scope.name) \(sexpr(scope.query)))"
    }
}

func sexpr(_ s: ScriptStatement) -> String {
    switch s {
    case .insert(let entity, let args, _): return "(insert \(entity)" + args.map { " " + sexpr($0) }.joined() + ")"
    case .delete(let e, _): return "(delete \(sexpr(e)))"
    case .assign(let t, let v, _): return "(set \(sexpr(t)) \(sexpr(v)))"
    case .letBinding(let n, let v, _): return "(let \(n) \(sexpr(v)))"
    case .letInsert(let n, let entity, let args, _): return "(let \(n) (insert \(entity)" + args.map { " " + sexpr($0) }.joined() + "))"
    case .forLoop(let v, let seq, let body, _):
        return "(for \(v) \(sexpr(seq))" + body.map { " " + sexpr($0) }.joined() + ")"
    case .transaction(let verb, _): return "(\(verb.rawValue))"
    case .expression(let e): return sexpr(e)
    }
}

func sexpr(_ a: Argument) -> String {
    var out = a.label.map { "\($0.name): " } ?? ""
    out += sexpr(a.value)
    if let d = a.direction { out += " \(d.rawValue)" }
    return a.label == nil && a.direction == nil ? out : "[\(out)]"
}

func sexpr(_ e: Expr) -> String {
    switch e {
    case .name(let id): return id.name
    case .literal(let l, _): return l.source
    case .objectRef(let entity, let id, _): return "\(entity)#\(id)"
    case .keyRef(let entity, let key, _): return "\(entity)#\"\(key)\""
    case .member(let base, let name, _): return "(. \(sexpr(base)) \(name))"
    case .call(let base, let name, let args, _):
        return "(\(name) \(sexpr(base))" + args.map { " " + sexpr($0) }.joined() + ")"
    case .binary(let op, let l, let r, _): return "(\(op.rawValue) \(sexpr(l)) \(sexpr(r)))"
    case .unary(let op, let x, _): return "(\(op.rawValue) \(sexpr(x)))"
    case .list(let items, _): return "[" + items.map(sexpr).joined(separator: " ") + "]"
    case .function(let name, let args, _): return "(\(name)()" + args.map { " " + sexpr($0) }.joined() + ")"
    }
}
