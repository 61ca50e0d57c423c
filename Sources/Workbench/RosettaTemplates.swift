import DSL
import Mapping

// `:rosetta` for a query the catalogue has no entry for: the same query in each ORM, generated
// from templates (one per ORM, in the idiom of that ORM's recorder), and marked "not recorded":
// there is no SQL beside it, because nothing ran it. Only the parts every template knows are
// accepted: Entity[.all].where(property OP value)*.order(property [desc])*.limit(n).include(a)*
// and a final .count; anything else is named with the reason.

/// A query the templates can write: its parts, read from the DSL tree.
struct RosettaQueryShape {
    struct Condition { var property: String; var op: BinaryOperator; var value: Literal }
    var entity: String
    var conditions: [Condition] = []
    var order: [(property: String, descending: Bool)] = []
    var limit: Int64?
    var includes: [String] = []
    var counts = false
}

/// Why a query is beyond the templates: which part, and why.
struct RosettaTemplateError: Error {
    var message: String
    var range: SourceRange
}

enum RosettaTemplates {
    /// Reads `text` (one query) into a shape, or says which part the templates cannot write.
    static func shape(of text: String) -> Result<RosettaQueryShape, RosettaTemplateError> {
        let file = SourceFile(name: "<rosetta>", text: text)
        let items = Parser.parse(file).items
        let whole = SourceRange(SourceLocation(line: 1, column: 1, offset: 0), SourceLocation(line: 1, column: 1, offset: 0))
        guard items.count == 1, case .command(let command) = items[0], case .statement(let statement) = command,
              case .expression(let expression) = statement else {
            return .failure(RosettaTemplateError(message: "the templates write one query (Entity.where(…).order(…).limit(n).include(…), or .count), not a command", range: items.first?.range ?? whole))
        }
        return read(expression)
    }

    private static func read(_ expression: Expr) -> Result<RosettaQueryShape, RosettaTemplateError> {
        switch expression {
        case .name(let entity):
            guard entity.name.first?.isUppercase == true else {
                return .failure(RosettaTemplateError(message: "'\(entity.name)' is not an entity: a query starts with one (Book.where(…))", range: entity.range))
            }
            return .success(RosettaQueryShape(entity: entity.name))
        case .member(let base, let name, let range):
            return read(base).flatMap { shape in
                var shape = shape
                switch name.name {
                case "all": return .success(shape)
                case "count":
                    shape.counts = true
                    return .success(shape)
                default:
                    return .failure(RosettaTemplateError(message: "'.\(name.name)' is not one of the parts the templates write (where, order, limit, include, count)", range: range))
                }
            }
        case .call(let base, let name, let arguments, let range):
            return read(base).flatMap { shape in
                var shape = shape
                if shape.counts {
                    return .failure(RosettaTemplateError(message: "'.\(name.name)(…)' after count: count ends the query", range: range))
                }
                switch name.name {
                case "where":
                    for argument in arguments {
                        guard case .binary(let op, .name(let property), .literal(let value, _), _) = argument.value,
                              [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual].contains(op) else {
                            return .failure(RosettaTemplateError(message: "the templates write a condition as property OP value (year > 1970); this one (and, or, not, like, in, a path or nil) is beyond them", range: argument.range))
                        }
                        if case .null = value {
                            return .failure(RosettaTemplateError(message: "a comparison with nil is IS NULL, which each ORM spells its own way; the templates do not write it", range: argument.range))
                        }
                        shape.conditions.append(.init(property: property.name, op: op, value: value))
                    }
                case "order":
                    for argument in arguments {
                        guard case .name(let property) = argument.value else {
                            return .failure(RosettaTemplateError(message: "the templates order by a property (order(year desc))", range: argument.range))
                        }
                        shape.order.append((property.name, argument.direction == .desc))
                    }
                case "limit":
                    guard arguments.count == 1, case .literal(.integer(let n), _) = arguments[0].value else {
                        return .failure(RosettaTemplateError(message: "limit takes one number", range: range))
                    }
                    shape.limit = n
                case "include":
                    for argument in arguments {
                        guard argument.label == nil, case .name(let association) = argument.value else {
                            return .failure(RosettaTemplateError(message: "the templates include one association by name (include(books)); a nested path or using: join is in the catalogue (:rosetta nested-include, :rosetta include-join)", range: argument.range))
                        }
                        shape.includes.append(association.name)
                    }
                default:
                    return .failure(RosettaTemplateError(message: "'.\(name.name)(…)' is not one of the parts the templates write (where, order, limit, include, count)", range: range))
                }
                return .success(shape)
            }
        default:
            return .failure(RosettaTemplateError(message: "the templates write a query that starts with an entity (Book.where(…))", range: expression.range))
        }
    }

    /// Each ORM's code for the shape: (ORM, code lines).
    static func code(for shape: RosettaQueryShape) -> [(orm: String, lines: [String])] {
        let e = shape.entity
        let variable = snakeCase(e) + (shape.counts ? "_count" : "s")
        func value(_ literal: Literal) -> String {
            switch literal {
            case .string(let s): return "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\""
            case .bool(let b): return b ? "true" : "false"
            default: return literal.source
            }
        }
        func pyValue(_ literal: Literal) -> String {
            if case .bool(let b) = literal { return b ? "True" : "False" }
            return value(literal)
        }

        // ActiveRecord
        var ar = e
        for c in shape.conditions {
            ar += c.op == .equal ? ".where(\(snakeCase(c.property)): \(value(c.value)))"
                : c.op == .notEqual ? ".where.not(\(snakeCase(c.property)): \(value(c.value)))"
                : ".where(\"\(snakeCase(c.property)) \(c.op.rawValue) ?\", \(value(c.value)))"
        }
        if !shape.order.isEmpty { ar += ".order(" + shape.order.map { "\(snakeCase($0.property)): :\($0.descending ? "desc" : "asc")" }.joined(separator: ", ") + ")" }
        if let n = shape.limit { ar += ".limit(\(n))" }
        if !shape.includes.isEmpty { ar += ".includes(" + shape.includes.map { ":" + snakeCase($0) }.joined(separator: ", ") + ")" }
        ar += shape.counts ? ".count" : ".to_a"

        // Hibernate (HQL)
        let alias = String(e.prefix(1)).lowercased()
        var hql = shape.counts ? "select count(\(alias)) from \(e) \(alias)" : (shape.includes.isEmpty ? "from \(e) \(alias)" : "select distinct \(alias) from \(e) \(alias)")
        if !shape.counts { for a in shape.includes { hql += " left join fetch \(alias).\(a)" } }
        if !shape.conditions.isEmpty {
            hql += " where " + shape.conditions.enumerated().map { i, c in "\(alias).\(c.property) \(c.op == .equal ? "=" : c.op == .notEqual ? "<>" : c.op.rawValue) :p\(i + 1)" }.joined(separator: " and ")
        }
        if !shape.order.isEmpty { hql += " order by " + shape.order.map { "\(alias).\($0.property)\($0.descending ? " desc" : "")" }.joined(separator: ", ") }
        var hibernate = ["\(shape.counts ? "Long" : "List<\(e)>") \(lowerCamel(variable)) = \(shape.counts ? "(Long) " : "")session.createQuery(\"\(hql)\")"]
        for (i, c) in shape.conditions.enumerated() { hibernate.append("    .setParameter(\"p\(i + 1)\", \(value(c.value)))") }
        if let n = shape.limit { hibernate.append("    .setMaxResults(\(n))") }
        hibernate[hibernate.count - 1] += shape.counts ? ".uniqueResult();" : ".list();"

        // SQLAlchemy
        var statement = shape.counts ? "select(func.count()).select_from(\(e))" : "select(\(e))"
        for c in shape.conditions { statement += ".where(\(e).\(snakeCase(c.property)) \(c.op.rawValue) \(pyValue(c.value)))" }
        if !shape.order.isEmpty { statement += ".order_by(" + shape.order.map { "\(e).\(snakeCase($0.property))\($0.descending ? ".desc()" : "")" }.joined(separator: ", ") + ")" }
        if let n = shape.limit { statement += ".limit(\(n))" }
        if !shape.includes.isEmpty && !shape.counts { statement += ".options(" + shape.includes.map { "selectinload(\(e).\(snakeCase($0)))" }.joined(separator: ", ") + ")" }
        let sqlalchemy = shape.counts ? "\(variable) = session.scalar(\(statement))" : "\(variable) = session.scalars(\(statement)).all()"

        // Django
        let lookups: [BinaryOperator: String] = [.less: "__lt", .lessEqual: "__lte", .greater: "__gt", .greaterEqual: "__gte"]
        var django = "\(e).objects"
        let filters = shape.conditions.filter { $0.op != .notEqual }.map { "\(snakeCase($0.property))\(lookups[$0.op] ?? "")=\(pyValue($0.value))" }
        if !filters.isEmpty { django += ".filter(" + filters.joined(separator: ", ") + ")" }
        for c in shape.conditions where c.op == .notEqual { django += ".exclude(\(snakeCase(c.property))=\(pyValue(c.value)))" }
        if !shape.order.isEmpty { django += ".order_by(" + shape.order.map { "\"\($0.descending ? "-" : "")\(snakeCase($0.property))\"" }.joined(separator: ", ") + ")" }
        if !shape.includes.isEmpty && !shape.counts { django += ".prefetch_related(" + shape.includes.map { "\"\(snakeCase($0))\"" }.joined(separator: ", ") + ")" }
        if let n = shape.limit { django += "[:\(n)]" }
        django = shape.counts ? "\(variable) = \(django).count()" : "\(variable) = list(\(django))"

        // GRDB
        var request = e
        for c in shape.conditions { request += ".filter(Column(\"\(snakeCase(c.property))\") \(c.op.rawValue) \(value(c.value)))" }
        if !shape.order.isEmpty { request += ".order(" + shape.order.map { "Column(\"\(snakeCase($0.property))\")\($0.descending ? ".desc" : "")" }.joined(separator: ", ") + ")" }
        if let n = shape.limit { request += ".limit(\(n))" }
        if !shape.includes.isEmpty && !shape.counts { request += shape.includes.map { ".including(all: \(e).\($0))" }.joined() }
        let fetch = shape.counts ? ".fetchCount(db)" : shape.includes.isEmpty ? ".fetchAll(db)" : ".asRequest(of: \(e)Info.self).fetchAll(db)"
        let grdb = ["let \(lowerCamel(variable)) = try dbQueue.read { db in", "    try \(request)\(fetch)", "}"]

        return [("ActiveRecord", ["\(variable) = \(ar)"]), ("Hibernate", hibernate), ("SQLAlchemy", [sqlalchemy]),
                ("Django", [django]), ("GRDB", grdb)]
    }

    private static func lowerCamel(_ snake: String) -> String {
        let parts = snake.split(separator: "_")
        return (parts.first.map(String.init) ?? "") + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
