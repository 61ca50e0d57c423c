import DSL
import Mapping
import Report
import Runtime
import DatabaseKit

// `for x in …`: loops over objects, associations, queries and keyset batches.

extension Workbench {
    func runLoop(_ variable: Identifier, _ sequenceExpr: Expr, _ body: [ScriptStatement], range: SourceRange, into report: inout Report) throws {
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
        var last: DatabaseValue? = nil
        var number = 0
        while true {
            var q = query
            q.afterKey = last ?? query.afterKey ?? info.firstBatchKey
            q.limit = size
            number += 1
            // The query's text already ends with the batches(of:) call the learner typed.
            q.dsl = (query.dsl.contains(".batches(") ? query.dsl : "\(query.dsl).batches(of: \(size))") + " batch \(number)"
            let objects = try session.fetch(q).objects
            if objects.isEmpty { break }
            try body(objects)
            last = objects.last?.keyValue
            if Int64(objects.count) < size { break }
        }
    }
}
