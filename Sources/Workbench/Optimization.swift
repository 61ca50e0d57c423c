import DSL
import Foundation
import Mapping
import Report
import Runtime
import SQLBuilder
import DatabaseKit

// The optimization workbench: `:explain QUERY` (SQLite's plan as a tree, in ORM terms, with
// index suggestions) and `:compare QUERY` (lazy vs IN vs JOIN loading, measured).

/// A query as `:explain` and `:compare` need it: resolved, but not run.
enum ResolvedQuery {
    case rows(Query, EntityInfo)
    case aggregate(Query, Aggregate, EntityInfo)
}

/// A column whose index would help a query, and why the query uses it.
struct WantedColumn: Equatable {
    var entity: String
    var table: String
    var column: String
    /// What to write inside `index(...)`: the property, or the association for a foreign key.
    var property: String
    /// "filters on year", "orders by title", "include(books) looks up book.author_id".
    var reason: String
    /// What the index would save: "turns the scan into a search", "saves the sort".
    var benefit: String
}

extension Workbench {
    // MARK: - Parsing a query argument

    /// Parses the argument of `:explain` / `:compare` as an expression, with diagnostics pointing
    /// into the typed line, and resolves it into a query without running it.
    func resolveQueryArgument(_ argument: String, range: SourceRange, command: String) throws -> ResolvedQuery {
        let example = command == "compare" ? ":compare Author.all.include(books)" : ":explain Book.where(year > 2000)"
        guard !argument.isEmpty else {
            throw EvalError(":\(command) needs a query", at: range, hint: "for example \(example)")
        }
        let parsed = Parser.parse(currentSource, range: range)
        if let failure = parsed.diagnostics.first { throw EvalError(failure) }
        guard parsed.items.count == 1, case .command(.statement(.expression(let expr))) = parsed.items[0] else {
            throw EvalError(":\(command) takes one query", at: range, hint: "for example \(example)")
        }
        try checkExpressionDepth(.expression(expr))
        return try resolveWithoutRunning(expr, command: command, example: example)
    }

    /// `Book.where(...)`, `Book`, `Book.count`, `Book.max(year)`, `Book.group(year).count`,
    /// `Book.where(...).first`, `Book.all.batches(of: 100)` (its first batch).
    func resolveWithoutRunning(_ expr: Expr, command: String, example: String) throws -> ResolvedQuery {
        func baseQuery(_ base: Expr) throws -> (Query, EntityInfo)? {
            switch try evaluate(base) {
            case .query(let q, let info): return (q, info)
            case .entity(let info): return (Query(entity: info.name, dsl: "\(info.name).all"), info)
            default: return nil
            }
        }
        let text = currentSource.slice(expr.range)
        switch expr {
        case .member(let base, let name, _) where name.name == "count" || name.name == "first":
            if let (query, info) = try baseQuery(base) {
                var q = query
                q.dsl = text
                if name.name == "count" { return .aggregate(q, Aggregate(.count, nil), info) }
                q.limit = 1
                if q.order.isEmpty { q.order = [(ColumnPath(entity: info.name, column: info.mapping.primaryKeyColumn, scalarType: .int), false)] }
                return .rows(q, info)
            }
        case .call(let base, let name, let arguments, _) where ["sum", "avg", "min", "max"].contains(name.name):
            if let (query, info) = try baseQuery(base) {
                guard arguments.count == 1, arguments[0].label == nil else {
                    throw EvalError("\(name.name)(...) takes one property", at: name.range)
                }
                let path = try columnPath(arguments[0].value, entity: info.mapping)
                var q = query
                q.dsl = text
                let function = Aggregate.Function(rawValue: name.name.uppercased()) ?? .count
                return .aggregate(q, Aggregate(function, path), info)
            }
        default:
            break
        }
        bulkRefusal = ":\(command) takes a query; update(...) and delete() write rows, so they do not run here"
        defer { bulkRefusal = nil }
        switch try evaluate(expr) {
        case .query(let q, let info): return .rows(q, info)
        case .entity(let info): return .rows(Query(entity: info.name, dsl: "\(info.name).all"), info)
        case .batches(let q, let info, let size):
            var first = q
            first.afterKey = q.afterKey ?? info.firstBatchKey
            first.limit = size
            first.dsl = (q.dsl.hasSuffix(".batches(of: \(size))") ? q.dsl : "\(q.dsl).batches(of: \(size))") + " batch 1"
            return .rows(first, info)
        default:
            throw EvalError(":\(command) takes a query, not '\(text)'", at: expr.range, hint: "for example \(example)")
        }
    }

    // MARK: - :explain

    func explain(_ argument: String, range: SourceRange, into report: inout Report) throws {
        // `:explain analyze QUERY`: PostgreSQL's EXPLAIN ANALYZE (PostgresExplain.swift).
        let (analyze, argument, range) = takingAnalyzeWord(argument, range: range)
        if analyze { try checkAnalyzeIsAvailable(range: range) }
        var analyzedMs: (planning: Double, execution: Double) = (0, 0)
        let resolved = try resolveQueryArgument(argument, range: range, command: "explain")
        let compiler = QueryCompiler(schema: session.schema)
        var statements: [(label: String, select: Select)] = []
        let entity: String
        switch resolved {
        case .aggregate(let query, let aggregate, let info):
            entity = info.name
            statements.append((query.dsl, compiler.aggregate(query, aggregate)))
        case .rows(let query, let info):
            entity = info.name
            let joinPaths = query.includes.filter { $0.strategy == .join }.map(\.path)
            if joinPaths.isEmpty {
                statements.append((query.dsl, compiler.select(query)))
            } else {
                statements.append((query.dsl, try compiler.joinedSelect(query, includePaths: joinPaths).select))
            }
            // Each IN include runs one more query per level; its plan does not depend on the ids.
            for include in query.includes where include.strategy == .inList {
                var current = info.mapping
                for name in include.path {
                    guard let association = current.association(named: name), let next = session.schema.entity(association.target) else { break }
                    statements.append(("\(include.dsl): the second query, WHERE … IN (the ids of the \(current.name)s)",
                                       compiler.associationLoad(association, ownerKeys: [.integer(1), .integer(2)])))
                    current = next
                }
            }
        }
        report.mapping = [session.schema.facts(for: entity, in: session.dialect)]
        let wanted = wantedColumns(resolved)
        var costly = false
        var explained: [(sql: String, arguments: [DatabaseValue], plan: QueryPlan)] = []
        for (n, statement) in statements.enumerated() {
            let rendered = session.dialect.render(statement.select)
            let rows = try session.log.withCause(":explain \(analyze ? "analyze " : "")\(statement.label)") {
                if analyze, let analyzed = try session.db.analyzedQueryPlan(rendered.sql, rendered.arguments) {
                    analyzedMs.planning += analyzed.planningMs
                    analyzedMs.execution += analyzed.executionMs
                    return analyzed.steps.map { (id: $0.id, parent: $0.parent, detail: $0.detail) }
                }
                return try session.database.queryPlan(rendered.sql, rendered.arguments).map { (id: $0.id, parent: $0.parent, detail: $0.detail) }
            }
            let plan = QueryPlan(rows: rows)
            explained.append((rendered.sql, rendered.arguments, plan))
            var explainer = PlanExplainer(schema: session.schema)
            explainer.aliases = aliases(in: statement.select)
            let title = statements.count == 1 ? "Query plan of \(statement.label)" : "Query plan \(n + 1) of \(statements.count): \(statement.label)"
            report.blocks.append(.code(title: title, lines: [rendered.sql, ""] + plan.render(explaining: explainer.explain)))
            if plan.allNodes.contains(where: { isCostly($0.detail) }) { costly = true }
        }
        if case .aggregate(_, let aggregate, _) = resolved, aggregate.function == .min || aggregate.function == .max,
           let column = aggregate.column, column.column != session.schema.primaryKeyColumn(ofEntity: column.entity), !unindexed(wanted.filter { $0.column == column.column }).isEmpty {
            costly = true
        }
        if analyze { report.notes.append(Note(.info, analyzeNote(planningMs: analyzedMs.planning, executionMs: analyzedMs.execution))) }
        let rootIndex = rootIndexPlan(resolved)
        var suggestions = costly ? indexAdvice(resolved, wanted: wanted, root: rootIndex) : []
        // Advice the tool checked is advice that is true: the plans again, on an empty copy of
        // the schema with the suggested indexes; an index SQLite would not use is not suggested.
        var checked: [QueryPlan]?
        // PostgreSQL: the index created in a transaction that is rolled back, on the real rows.
        var postgresTrial: PostgresIndexTrial?
        if !suggestions.isEmpty, session.db.isPostgres {
            postgresTrial = postgresIndexTrial(suggestions, for: explained.map { ($0.sql, $0.arguments) })
            if let trial = postgresTrial {
                let used = Set(trial.usable.flatMap(\.allNodes).compactMap { postgresIndexName($0.detail) })
                suggestions = suggestions.filter { used.contains($0.indexName) }
                checked = suggestions.isEmpty ? nil : trial.usable
            }
        } else if !suggestions.isEmpty, let after = try? plansWithIndexes(suggestions, for: explained.map { ($0.sql, $0.arguments) }) {
            let used = Set(after.flatMap(\.allNodes).compactMap { PlanStep($0.detail)?.indexName })
            suggestions = suggestions.filter { used.contains($0.indexName) }
            checked = suggestions.isEmpty ? nil : after
        }
        if suggestions.isEmpty {
            // PostgreSQL may read a small table whole although an index serves the query.
            if costly, let message = postgresExistingIndexMessage(for: explained.map { ($0.sql, $0.arguments) },
                                                                  costly: explained.flatMap(\.plan.allNodes).map(\.detail).filter(isCostly)) {
                report.notes.append(Note(.info, message))
                return
            }
            report.notes.append(Note(.info, costly ? costlyWithoutAdvice(resolved, wanted: wanted, root: rootIndex, plans: explained.map(\.plan))
                                                   : cheapPlanMessage(explained.map(\.plan))))
            return
        }
        var byEntity: [String: [IndexAdvice]] = [:]
        var entityOrder: [String] = []
        for advice in suggestions {
            if byEntity[advice.entity] == nil { entityOrder.append(advice.entity) }
            byEntity[advice.entity, default: []].append(advice)
        }
        for name in entityOrder {
            let indexes = byEntity[name] ?? []
            for advice in indexes {
                report.notes.append(Note(.missingIndex, advice.message))
            }
            if let redefinition = redefinition(of: name, adding: indexes.map(\.declaration)) {
                report.blocks.append(.code(title: "To add \(indexes.count == 1 ? "the index" : "the indexes"), define \(name) again (the migration only runs CREATE INDEX; no row is touched)",
                                           lines: redefinition.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)))
            }
        }
        if let checked, let trial = postgresTrial {
            report.notes.append(Note(.info, postgresCheckedMessage(suggestions, trial: trial)))
            // The plan after, beside the plan before (drawn above).
            var explainer = PlanExplainer(schema: session.schema)
            for (n, plan) in trial.natural.enumerated() where n < explained.count {
                let title = "Query plan with \(suggestions.map(\.declaration).joined(separator: " and ")) (tried in a transaction that was rolled back)"
                explainer.aliases = [:]
                report.blocks.append(.code(title: explained.count == 1 ? title : title + ", \(n + 1) of \(explained.count)",
                                           lines: plan.render(explaining: explainer.explain)))
            }
            if trial.forced != nil {
                for (n, plan) in checked.enumerated() where n < explained.count {
                    report.blocks.append(.code(title: "… and with sequential scans ruled out" + (explained.count == 1 ? "" : ", \(n + 1) of \(explained.count)"),
                                               lines: plan.render(explaining: explainer.explain)))
                }
            }
        } else if let checked {
            report.notes.append(Note(.info, checkedMessage(suggestions, plans: checked, root: rootIndex)))
        }
        if hasLike(resolved) {
            report.notes.append(Note(.info, "LIKE cannot use an ordinary index in SQLite (it is case-insensitive), so a filter with like still scans"))
        }
    }

    /// A plan step that reads more than it needs: a full scan, an automatic index, a temporary sort.
    func isCostly(_ detail: String) -> Bool {
        if detail.hasPrefix("USE TEMP B-TREE") { return true }
        guard let step = PlanStep(detail) else { return false }
        switch step.access {
        case .scan, .automaticIndex: return true
        default: return false
        }
    }

    /// Table aliases of a SELECT ("author_2" → "author").
    func aliases(in select: Select) -> [String: String] {
        var out: [String: String] = [:]
        if let alias = select.fromAlias { out[alias] = select.from }
        for join in select.joins { if let alias = join.alias { out[alias] = join.table } }
        return out
    }

    // MARK: - Index suggestions

    /// The columns a query filters, joins, orders or groups on, with the reason.
    func wantedColumns(_ resolved: ResolvedQuery) -> [WantedColumn] {
        var out: [WantedColumn] = []
        let schema = session.schema
        func add(_ entity: String, _ column: String, _ reason: String, benefit: String = "turns the scan into a search") {
            guard let mapping = schema.entity(entity), column != mapping.primaryKeyColumn,
                  let c = mapping.columns.first(where: { $0.name == column }) else { return }
            guard !out.contains(where: { $0.table == mapping.table && $0.column == column }) else { return }
            out.append(WantedColumn(entity: entity, table: mapping.table, column: column, property: c.property, reason: reason, benefit: benefit))
        }
        func addHops(_ path: ColumnPath, _ what: String) {
            for hop in path.hops {
                switch hop.association.kind {
                case .belongsTo:
                    // Reaching Book rows from a matching Author goes through book.author_id.
                    add(hop.from, hop.association.foreignKey ?? "", "\(what) goes through \(hop.from).\(hop.association.name)")
                case .hasOne:
                    add(hop.association.target, hop.association.foreignKey ?? "", "\(what) joins \(hop.from).\(hop.association.name)")
                default:
                    break
                }
            }
        }
        func walk(_ p: Runtime.Predicate, root: String) {
            switch p {
            case .compare(let a, let op, let b):
                guard op != "!=" else { return }
                for case .column(let path) in [a, b] {
                    add(path.entity, path.column, "the query filters on \(writtenPath(path))")
                    addHops(path, "the filter on \(writtenPath(path))")
                }
            case .isNull(let a, _), .inList(let a, _):
                if case .column(let path) = a {
                    add(path.entity, path.column, "the query filters on \(writtenPath(path))")
                    addHops(path, "the filter on \(writtenPath(path))")
                }
            case .like(let a, _):
                if case .column(let path) = a { addHops(path, "the filter on \(writtenPath(path))") }
            case .and(let terms), .or(let terms):
                terms.forEach { walk($0, root: root) }
            case .not:
                break
            case .any(let owner, let association, let condition):
                if association.kind == .hasMany || association.kind == .hasOne, let fk = association.foreignKey {
                    add(association.target, fk, "\(association.name).any(…) looks up \(schema.entity(association.target)?.table ?? association.target).\(fk) for each \(owner)")
                }
                if let condition { walk(condition, root: association.target) }
            case .aggregate:
                break
            }
        }
        let query: Query
        switch resolved {
        case .rows(let q, _): query = q
        case .aggregate(let q, let aggregate, _):
            query = q
            if let column = aggregate.column, aggregate.function == .min || aggregate.function == .max, q.grouping.isEmpty {
                add(column.entity, column.column, "\(aggregate.dsl) looks for the \(aggregate.function == .min ? "smallest" : "largest") \(writtenPath(column))", benefit: "one index entry instead of every row")
            }
        }
        if let filter = query.filter { walk(filter, root: query.entity) }
        for term in query.order {
            add(term.path.entity, term.path.column, "the query orders by \(writtenPath(term.path))", benefit: "saves the sort")
        }
        for g in query.grouping {
            add(g.entity, g.column, "the query groups by \(writtenPath(g))", benefit: "saves the sort")
        }
        for include in query.includes {
            var current = query.entity
            for name in include.path {
                guard let association = schema.entity(current)?.association(named: name) else { break }
                if association.kind == .hasMany || association.kind == .hasOne, let fk = association.foreignKey,
                   let target = schema.entity(association.target) {
                    add(association.target, fk, "\(include.dsl) looks up \(target.table).\(fk) for the \(current)s")
                }
                current = association.target
            }
        }
        return out
    }

    /// The wanted columns that no index starts with (the primary key and UNIQUE columns have one).
    func unindexed(_ wanted: [WantedColumn]) -> [WantedColumn] {
        wanted.filter { w in
            guard let mapping = session.schema.entity(w.entity) else { return false }
            if mapping.columns.first(where: { $0.name == w.column })?.isUnique == true { return false }
            return !mapping.indexes.contains { $0.columns.first == w.column }
        }
    }

    func hasFilter(_ resolved: ResolvedQuery) -> Bool {
        switch resolved {
        case .rows(let q, _), .aggregate(let q, _, _): return q.filter != nil || q.having != nil
        }
    }

    func hasLike(_ resolved: ResolvedQuery) -> Bool {
        let query: Query
        switch resolved {
        case .rows(let q, _), .aggregate(let q, _, _): query = q
        }
        func walk(_ p: Runtime.Predicate) -> Bool {
            switch p {
            case .like: return true
            case .and(let t), .or(let t): return t.contains(where: walk)
            case .not(let inner): return walk(inner)
            case .any(_, _, let c): return c.map(walk) ?? false
            default: return false
            }
        }
        return query.filter.map(walk) ?? false
    }

    /// The entity's current definition with `lines` added before its closing brace, ready to paste.
    func redefinition(of entity: String, adding lines: [String]) -> String? {
        guard let source = history.last(where: { definedEntity($0) == entity }) ?? storedSource(entity) else { return nil }
        guard let close = source.lastIndex(of: "}") else { return nil }
        let body = source[..<close]
        if source.contains("\n") {
            let indent = "  "
            var head = String(body)
            while let last = head.last, last == " " || last == "\t" { head.removeLast() }
            if !head.hasSuffix("\n") { head += "\n" }
            return head + lines.map { indent + $0 + "\n" }.joined() + String(source[close...])
        }
        var head = String(body)
        while let last = head.last, last == " " { head.removeLast() }
        let separator = head.hasSuffix("{") ? " " : "; "
        return head + separator + lines.joined(separator: "; ") + " " + String(source[close...])
    }

    /// "Book" for a history entry "entity Book { ... }".
    private func definedEntity(_ text: String) -> String? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "{" || $0 == "\n" })
        guard words.count >= 2, words[0] == "entity" else { return nil }
        return String(words[1])
    }

    private func storedSource(_ entity: String) -> String? {
        (try? session.storedDeclarations())?.last(where: { $0.name == entity })?.source
    }
}
