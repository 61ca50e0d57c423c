import DSL
import Foundation
import Mapping
import Report
import Runtime

// `:compare QUERY`: the same objects loaded three ways — lazily (1 + N statements), with
// include (IN: 2 statements), with include using: join (1 statement, repeated rows) — each on a
// fresh identity map, measured side by side.

/// What one loading strategy cost.
struct StrategyRun {
    /// "lazy (touch each)", "include (IN)", "include, using: join".
    var name: String
    var statements: Int
    var rowsRead: Int
    /// JOIN only: rows that repeated a parent already built (collapsed into it).
    var collapsed: Int?
    var objects: Int
    var sqlMilliseconds: Double
    var totalMilliseconds: Double
    /// The statements, with repeats of one SQL folded into one record for the SQL pane.
    var records: [StatementRecord]
}

extension Workbench {
    func compare(_ argument: String, range: SourceRange, into report: inout Report) throws {
        if argument == "pattern" || argument.hasPrefix("pattern ") {
            return try comparePattern(String(argument.dropFirst("pattern".count)).trimmingWhitespace(), range: range, into: &report)
        }
        if argument == "inheritance" || argument.hasPrefix("inheritance ") {
            return try compareInheritance(String(argument.dropFirst("inheritance".count)).trimmingWhitespace(), range: range, into: &report)
        }
        let resolved = try resolveQueryArgument(argument, range: range, command: "compare")
        guard case .rows(let query, let info) = resolved else {
            throw EvalError(":compare loads objects and their association; an aggregate loads none", at: range,
                            hint: "for example :compare \(exampleInclude(info: nil))")
        }
        guard query.includes.count == 1, let include = query.includes.first else {
            throw EvalError(query.includes.isEmpty
                                ? ":compare needs the association to load: add include(...) to the query"
                                : ":compare compares one include at a time", at: range,
                            hint: "for example :compare \(exampleInclude(info: info)) compares loading books lazily, with IN and with JOIN")
        }
        guard query.selection == nil else {
            throw EvalError(":compare loads whole objects: remove select(...)", at: range)
        }
        guard !session.hasPendingWorkOrTransaction else {
            throw EvalError(":compare empties the identity map before each run, which would discard pending changes", at: range,
                            hint: "run `save` (or `rollback`) first, then :compare again")
        }
        let savedPolicy = session.lazyPolicy
        defer { session.lazyPolicy = savedPolicy }
        var plain = query
        plain.includes = []
        plain.dsl = removingInclude(from: query.dsl)
        let path = include.path
        let variable = String(info.name.prefix(1)).lowercased()

        // 1. Lazy: the query, then touching the association of each object (select policy),
        // within a time budget: without an index on the foreign key, each touch scans a table.
        session.lazyPolicy = .select
        var stopped: (touched: Int, total: Int)?
        let deadline = Date().addingTimeInterval(compareLazyBudgetSeconds)
        var lazy = try measureStrategy("lazy (touch each)", label: "lazy") { () -> FetchResult in
            let result = try session.fetch(plain)
            var owners = result.objects
            var entity = info.mapping
            levels: for name in path {
                guard let association = entity.association(named: name), let next = session.schema.entity(association.target) else { break }
                var children: [ManagedObject] = []
                var seen = Set<ObjectIdentifier>()
                for (i, owner) in owners.enumerated() {
                    if Date() > deadline {
                        stopped = (i, owners.count)
                        break levels
                    }
                    for child in try session.load(association, of: owner, access: "\(owner.ref).\(name)").objects
                    where seen.insert(ObjectIdentifier(child)).inserted {
                        children.append(child)
                    }
                }
                owners = children
                entity = next
            }
            return result
        }
        session.lazyPolicy = savedPolicy
        if let stopped { lazy.name = "lazy (stopped at \(formatCount(stopped.touched)) of \(formatCount(stopped.total)))" }

        // 2. include with IN, 3. include using: join.
        var inQuery = plain
        inQuery.includes = [IncludePath(path: path, strategy: .inList)]
        inQuery.dsl = query.dsl
        let inList = try measureStrategy("include (IN)", label: "IN") { try session.fetch(inQuery) }
        var joinQuery = plain
        joinQuery.includes = [IncludePath(path: path, strategy: .join)]
        joinQuery.dsl = query.dsl
        let join = try measureStrategy("include, using: join", label: "JOIN") { try session.fetch(joinQuery) }
        _ = session.forget()
        forgetObjectVariables()

        let runs = [lazy, inList, join]
        report.sql = StatementRecords(runs.flatMap(\.records))
        report.mapping = [session.schema.facts(for: info.name, in: session.dialect)]
        let pathText = path.joined(separator: ".")
        report.blocks.append(.table(
            title: "Loading \(pathText) for \(plain.dsl): three strategies, each on an empty identity map",
            header: ["strategy", "statements", "rows read", "rows collapsed", "objects", "SQL ms", "total ms"],
            rows: runs.map { run in
                [run.name, formatCount(run.statements), formatCount(run.rowsRead), run.collapsed.map(formatCount) ?? "—",
                 formatCount(run.objects), String(format: "%.2f", run.sqlMilliseconds), String(format: "%.2f", run.totalMilliseconds)]
            }))
        report.notes += compareNotes(lazy: lazy, inList: inList, join: join, entity: info.name, variable: variable, path: pathText,
                                     policy: savedPolicy)
        if let stopped {
            let perObject = lazy.totalMilliseconds / Double(max(1, stopped.touched))
            report.notes.insert(Note(.info, "the lazy run was stopped after \(Int(compareLazyBudgetSeconds)) s, at \(formatCount(stopped.touched)) of \(formatCount(stopped.total)) objects; all of them would take about \(String(format: "%.0f", perObject * Double(stopped.total) / 1000)) s"), at: 0)
        }
        // The lookup column of each lazy statement, when it has no index: every touch scans.
        for w in unindexed(wantedColumns(.rows(query, info))) where w.reason.hasPrefix(include.dsl) {
            report.notes.append(Note(.info, "\(w.table).\(w.column) has no index, so each of the lazy statements reads the whole \(w.table) table (and IN/JOIN scan it once): add `index(\(w.property))` to entity \(w.entity) and compare again; :explain \(query.dsl) shows the plans"))
        }
    }

    /// Runs one strategy on an empty identity map and measures it from the statement log.
    func measureStrategy(_ name: String, label: String, _ body: () throws -> FetchResult) throws -> StrategyRun {
        _ = session.forget()
        let before = session.log.current.count
        let start = Date()
        let result = try session.log.withCause(label) { try body() }
        let total = Date().timeIntervalSince(start) * 1000
        let records = Array(session.log.current[before...])
        var collapsed: Int?
        if let rows = result.joinRows { collapsed = rows - result.objects.count }
        return StrategyRun(name: name, statements: records.count, rowsRead: records.reduce(0) { $0 + $1.rows },
                           collapsed: collapsed, objects: session.identityMapCount,
                           sqlMilliseconds: records.reduce(0) { $0 + $1.ms }, totalMilliseconds: total,
                           records: folded(records, label: label))
    }

    /// Statements labelled with their strategy; consecutive runs of the same SQL fold into one
    /// record (rows and time summed), so 10,000 lazy loads do not flood the SQL pane.
    func folded(_ records: [StatementRecord], label: String) -> [StatementRecord] {
        var out: [StatementRecord] = []
        var repeats = 0
        for record in records {
            if let last = out.last, last.sql == record.sql {
                repeats += 1
                out[out.count - 1].rows += record.rows
                out[out.count - 1].ms += record.ms
                out[out.count - 1].cause = "\(label): \(firstCause(last.cause, label: label)) and \(formatCount(repeats)) more like it: \(formatCount(repeats + 1)) statements, one per object (rows and time are their total)"
                continue
            }
            repeats = 0
            var labelled = record
            labelled.cause = record.cause == label ? label : "\(label): \(record.cause)"
            out.append(labelled)
        }
        return out
    }

    private func firstCause(_ cause: String, label: String) -> String {
        var c = cause
        if c.hasPrefix(label + ": ") { c.removeFirst(label.count + 2) }
        if let range = c.range(of: " and ") { c = String(c[..<range.lowerBound]) }
        return c
    }

    /// The notes that make the trade-off readable.
    func compareNotes(lazy: StrategyRun, inList: StrategyRun, join: StrategyRun, entity: String, variable: String, path: String,
                      policy: LazyPolicy) -> [Note] {
        var notes: [Note] = []
        notes.append(Note(.nPlusOne, "lazy: 1 query for the \(entity)s, then one more each time \(variable).\(path) is touched: \(formatCount(lazy.statements)) statements (the N+1 problem). Each is quick; together they cost \(String(format: "%.2f", lazy.totalMilliseconds)) ms here, and on a networked database every statement is also a round trip"))
        notes.append(Note(.info, "include (IN): \(formatCount(inList.statements)) statements however many \(entity)s there are: the second lists their ids in IN (…) (in chunks of 30,000), and no row is repeated"))
        if let collapsed = join.collapsed {
            notes.append(Note(.info, "include using: join: \(formatCount(join.statements)) statement, but \(formatCount(join.rowsRead)) rows: each \(entity) row repeats once per related row (\(formatCount(collapsed)) rows collapsed into objects already built); with two to-many includes the rows multiply"))
        }
        let fastest = [lazy, inList, join].min { $0.totalMilliseconds < $1.totalMilliseconds }
        if let fastest {
            let same = lazy.objects == inList.objects && inList.objects == join.objects
            notes.append(Note(.info, "fastest here: \(fastest.name) (\(String(format: "%.2f", fastest.totalMilliseconds)) ms). "
                              + (same ? "All three built the same \(formatCount(inList.objects)) objects"
                                      : "Objects built: lazy \(formatCount(lazy.objects)), IN \(formatCount(inList.objects)), JOIN \(formatCount(join.objects))")))
        }
        notes.append(Note(.identityMap, "each run started on an empty identity map (like :forget), so none reused another's objects; the identity map is left empty"
                          + (policy == .select ? "" : "; lazy ran with :set lazy select, and your setting (\(policy.rawValue)) is restored")))
        return notes
    }

    /// Forgets variables that hold objects (they would point at objects the session dropped).
    func forgetObjectVariables() {
        variables = variables.filter {
            if case .object = $0.value { return false }
            if case .objects = $0.value { return false }
            return true
        }
        lastObjects = []
    }

    /// "Author.all.include(books).limit(5)" → "Author.all.limit(5)"; a lone include leaves "Author.all".
    func removingInclude(from dsl: String) -> String {
        guard let start = dsl.range(of: ".include(") else { return dsl }
        var depth = 0
        var end = start.upperBound
        var index = start.upperBound
        while index < dsl.endIndex {
            let ch = dsl[index]
            if ch == "(" { depth += 1 }
            if ch == ")" {
                if depth == 0 { end = dsl.index(after: index); break }
                depth -= 1
            }
            index = dsl.index(after: index)
        }
        var result = String(dsl[..<start.lowerBound]) + String(dsl[end...])
        if !result.contains(".") { result += ".all" }
        return result
    }

    private func exampleInclude(info: EntityInfo?) -> String {
        let candidates = info.map { [$0] } ?? session.schema.orderedEntities.compactMap { session.info($0.name) }
        for i in candidates {
            if let a = i.mapping.associations.first(where: { $0.isToMany }) ?? i.mapping.associations.first {
                return "\(i.name).all.include(\(a.name))"
            }
        }
        return "Author.all.include(books)"
    }
}
