import Mapping
import Report
import Runtime
import DatabaseKit
import SQLBuilder

// The index advice of `:explain`, kept true: SQLite reads one table through one index, so a
// query that filters and orders on the same table needs one index holding the filter columns
// first and the order columns after them; and every piece of advice is checked by asking
// SQLite for the plan again with the suggested indexes (on an empty copy of the schema).

/// One index to suggest: `index(year, title)` on entity Book, and why.
struct IndexAdvice: Equatable {
    var entity: String
    var table: String
    /// SQL column names, in index order.
    var columns: [String]
    /// What to write inside `index(...)`: the properties, or the association for a foreign key.
    var properties: [String]
    /// "the query filters on year", "the query filters on year and orders by title".
    var reason: String
    /// "turns the scan into a search", "saves the sort".
    var benefit: String
    /// An index of the table that starts like this one but stops short (book_year for
    /// (year, title)): named, because the learner may wonder why it is not enough.
    var shorterIndex: Index?
    /// True when the index also gives the asked order (no sort).
    var servesSort = false

    /// The name the migration gives it (Mapping names indexes table_column_column).
    var indexName: String { ([table] + columns).joined(separator: "_") }
    var declaration: String { "index(\(properties.joined(separator: ", ")))" }

    var message: String {
        let declared = "add `\(declaration)` to entity \(entity) (\(benefit))"
        if columns.count == 1 {
            return "\(reason), and \(table).\(columns[0]) has no index: " + declared
        }
        let list = "(" + columns.joined(separator: ", ") + ")"
        if let shorterIndex {
            let shortfall = servesSort ? "leaves the rows to be sorted" : "covers only part of it"
            return "\(reason), and SQLite reads \(table) through one index here: index \(shorterIndex.name) on (\(shorterIndex.columns.joined(separator: ", "))) alone \(shortfall), so "
                + declared + "; it also serves every query \(shorterIndex.name) serves"
        }
        return "\(reason), and SQLite reads \(table) through one index here, so one index must hold \(list) in that order: " + declared
    }
}

/// How one index on the query's own table could serve its filter and its order together.
struct RootIndexPlan {
    var entity: String
    var table: String
    /// Columns compared with == (or IS NULL) in the top-level `and` of the filter.
    var equal: [ColumnPath] = []
    /// Columns compared with <, >, <=, >= or `in` there.
    var range: [ColumnPath] = []
    /// The order (or, without one, the grouping) when it is all on the query's own table.
    var sort: [ColumnPath] = []
    var sortIsGroup = false
    var sortDescending: [Bool] = []
    /// The order is on another table's column (order(author.name)): no index of this table gives it.
    var sortElsewhere = false
    /// The query has a where(...) at all.
    var hasFilter = false
    /// The key column: the table is ordered by it already (the rowid), so no index lists it.
    var primaryKey = "id"

    /// The index columns: equality columns, then the order; a range column instead of the
    /// order when there is one (an index gives the order only within one value of a range column).
    var columns: [String] {
        // An ascending index serves an order read forwards or backwards, so only while the
        // direction stays that of the first term; the rest is sorted whatever the index holds.
        let sameDirection = sortDescending.prefix { $0 == sortDescending.first }.count
        let sort = Array(self.sort.prefix(max(1, sameDirection)))
        var out: [String] = []
        func add(_ c: String) { if c != primaryKey, !out.contains(c) { out.append(c) } }
        equal.forEach { add($0.column) }
        if let first = range.first {
            if sort.first?.column == first.column { sort.forEach { add($0.column) } } else { add(first.column) }
        } else {
            sort.forEach { add($0.column) }
        }
        return out
    }

    /// True when the columns above also give the rows in the asked order.
    var servesSort: Bool {
        guard !sort.isEmpty, !sortElsewhere else { return false }
        if let first = range.first, sort.first?.column != first.column { return false }
        return Set(sortDescending).count <= 1   // ORMLab's indexes are ascending: mixed directions sort
    }

    /// Every column this plan decides about (per-column advice leaves them to it).
    var consideredColumns: Set<String> { Set((equal + range + sort).map(\.column)) }
}

extension Workbench {
    /// The filter's top-level `and` terms, order and grouping on the query's own table.
    func rootIndexPlan(_ resolved: ResolvedQuery) -> RootIndexPlan? {
        let query: Query
        switch resolved {
        case .rows(let q, _), .aggregate(let q, _, _): query = q
        }
        guard let mapping = session.schema.entity(query.entity) else { return nil }
        var plan = RootIndexPlan(entity: query.entity, table: mapping.table)
        plan.primaryKey = mapping.primaryKeyColumn
        plan.hasFilter = query.filter != nil
        func own(_ operand: Runtime.Operand) -> ColumnPath? {
            if case .column(let path) = operand, path.hops.isEmpty, path.entity == query.entity { return path }
            return nil
        }
        let terms: [Runtime.Predicate]
        switch query.filter {
        case .and(let list)?: terms = list
        case let single?: terms = [single]
        case nil: terms = []
        }
        for term in terms {
            switch term {
            case .compare(let a, let op, let b):
                guard let path = own(a) ?? own(b), own(a) == nil || own(b) == nil else { continue }
                if op == "==" { plan.equal.append(path) } else if ["<", ">", "<=", ">="].contains(op) { plan.range.append(path) }
            case .isNull(let a, let negated):
                if !negated, let path = own(a) { plan.equal.append(path) }
            case .inList(let a, _):
                if let path = own(a) { plan.range.append(path) }
            default:
                break
            }
        }
        if !query.order.isEmpty {
            plan.sortElsewhere = query.order.contains { !$0.path.hops.isEmpty || $0.path.entity != query.entity }
            if !plan.sortElsewhere {
                plan.sort = query.order.map(\.path)
                plan.sortDescending = query.order.map(\.descending)
            }
        } else if !query.grouping.isEmpty {
            plan.sortIsGroup = true
            plan.sortElsewhere = query.grouping.contains { !$0.hops.isEmpty || $0.entity != query.entity }
            if !plan.sortElsewhere { plan.sort = query.grouping; plan.sortDescending = query.grouping.map { _ in false } }
        }
        return plan
    }

    /// The indexes to suggest: one for the query's own table (its filter and order together),
    /// and one per column for the other tables (joins, includes, `.any`).
    func indexAdvice(_ resolved: ResolvedQuery, wanted: [WantedColumn], root: RootIndexPlan?) -> [IndexAdvice] {
        var out: [IndexAdvice] = []
        var handled: Set<String> = []
        if let root, let mapping = session.schema.entity(root.entity), !root.columns.isEmpty {
            // The query's own table is read through one index: one piece of advice for it.
            let columns = root.columns
            handled = root.consideredColumns
            if !isServed(columns, in: mapping) {
                let properties = columns.map { c in wanted.first { $0.table == root.table && $0.column == c }?.property
                    ?? mapping.columns.first { $0.name == c }?.property ?? c }
                if columns.count == 1, let w = wanted.first(where: { $0.table == root.table && $0.column == columns[0] }) {
                    out.append(IndexAdvice(entity: w.entity, table: w.table, columns: columns, properties: properties,
                                           reason: w.reason, benefit: w.benefit))
                } else if columns.count >= 2 {
                    func names(_ paths: [ColumnPath]) -> String { paths.map(writtenPath).joined(separator: " and ") }
                    var parts: [String] = []
                    let filters = root.equal + (root.range.first.map { [$0] } ?? [])
                    if !filters.isEmpty { parts.append("filters on \(names(filters))") }
                    if !root.sort.isEmpty { parts.append("\(root.sortIsGroup ? "groups" : "orders") by \(names(root.sort))") }
                    let benefit: String
                    if root.servesSort {
                        benefit = filters.isEmpty
                            ? "reads the rows in that order: no sort"
                            : "finds the matching rows already in \(names(root.sort)) order: no scan and no sort"
                    } else {
                        benefit = "turns the scan into a search"
                    }
                    let shorter = mapping.indexes.filter { !$0.columns.isEmpty && columns.starts(with: $0.columns) }
                        .max { $0.columns.count < $1.columns.count }
                    out.append(IndexAdvice(entity: root.entity, table: root.table, columns: columns, properties: properties,
                                           reason: "the query " + parts.joined(separator: " and "), benefit: benefit, shorterIndex: shorter,
                                           servesSort: root.servesSort))
                }
            }
        }
        for w in unindexed(wanted) {
            if let root, w.table == root.table, handled.contains(w.column) { continue }
            out.append(IndexAdvice(entity: w.entity, table: w.table, columns: [w.column], properties: [w.property],
                                   reason: w.reason, benefit: w.benefit))
        }
        return out
    }

    /// True when an index (or a UNIQUE column) starts with `columns`.
    func isServed(_ columns: [String], in mapping: EntityMapping) -> Bool {
        if columns.count == 1, mapping.columns.first(where: { $0.name == columns[0] })?.isUnique == true { return true }
        return mapping.indexes.contains { $0.columns.starts(with: columns) }
    }

    /// The plans of `statements` on an empty in-memory copy of the schema with `advice`'s indexes
    /// added. Without rows or statistics SQLite plans as it does here (it assumes the same table
    /// sizes), so the plan is the one the learner would get; nothing touches the session's database.
    func plansWithIndexes(_ advice: [IndexAdvice], for statements: [(sql: String, arguments: [DatabaseValue])]) throws -> [QueryPlan] {
        let scratch = try session.database.emptyCopyOfSchema()
        for a in advice {
            let index = CreateIndex(name: a.indexName, table: a.table, columns: a.columns, ifNotExists: true)
            if let sql = session.dialect.render(.createIndex(index)) { try scratch.execute(sql) }
        }
        return try statements.map { statement in
            QueryPlan(rows: try scratch.queryPlan(statement.sql, statement.arguments).map { (id: $0.id, parent: $0.parent, detail: $0.detail) })
        }
    }

    /// "checked: with index(year, title), SQLite's plan becomes SEARCH … (no full scan …)".
    func checkedMessage(_ advice: [IndexAdvice], plans: [QueryPlan], root: RootIndexPlan?) -> String {
        let names = Set(advice.map(\.indexName))
        let steps = plans.flatMap(\.allNodes).map(\.detail).filter { PlanStep($0)?.indexName.map(names.contains) == true }
        let remaining = plans.flatMap(\.allNodes).map(\.detail).filter(isCostly)
        let indexes = advice.map(\.declaration).joined(separator: " and ")
        var text = "checked: with \(indexes) (on an empty copy of the schema), SQLite's plan becomes \(steps.joined(separator: "; "))"
        let scansInOrder = plans.flatMap(\.allNodes).contains {
            if case .scanIndex? = PlanStep($0.detail)?.access { return true } else { return false }
        }
        if remaining.isEmpty && scansInOrder {
            text += ", with no temporary sort: the rows are read in index order (still every row)"
        } else if remaining.isEmpty {
            text += ", with no full scan, automatic index or temporary sort"
        } else {
            text += "; still there: " + remaining.map { "\($0) (\(whyStillCostly($0, root: root)))" }.joined(separator: "; ")
        }
        return text
    }

    /// Why a costly step stays after the advice (or with the indexes the query has).
    func whyStillCostly(_ detail: String, root: RootIndexPlan?) -> String {
        if detail.hasPrefix("USE TEMP B-TREE FOR ORDER BY") || detail.hasPrefix("USE TEMP B-TREE FOR GROUP BY") {
            let what = detail.contains("GROUP BY") ? "grouped" : "sorted"
            guard let root else { return "the rows are still \(what): no index gives this order" }
            if root.sortElsewhere {
                return "the rows are still \(what): the order is on another table's column, which no index of \(root.table) gives"
            }
            if let range = root.range.first, !root.sort.isEmpty, root.sort.first?.column != range.column {
                let sort = root.sort.map(writtenPath).joined(separator: ", ")
                return "the rows are still \(what): \(writtenPath(range)) is compared as a range, and an index on it gives the rows in \(sort) order only within one \(writtenPath(range)) value"
            }
            if Set(root.sortDescending).count > 1 {
                return "the rows are still \(what): the order mixes ascending and descending, and an ORMLab index is ascending"
            }
            return "the rows are still \(what): no index gives this order"
        }
        if detail.hasPrefix("USE TEMP B-TREE FOR RIGHT PART OF ORDER BY") || detail.hasPrefix("USE TEMP B-TREE FOR LAST TERM") {
            let mixed = root.map { Set($0.sortDescending).count > 1 } ?? false
            return "the index gives the first part of the order, and SQLite sorts the rest among rows that tie on it"
                + (mixed ? ": the order mixes ascending and descending, and an ORMLab index is ascending" : "")
        }
        if detail.hasPrefix("USE TEMP B-TREE") { return "a temporary B-tree remains" }
        guard let step = PlanStep(detail) else { return "a costly step remains" }
        switch step.access {
        case .scan:
            if let root, root.table == step.table, !root.hasFilter {
                return "every row of \(step.table) is read because the query asks for every \(root.entity)"
            }
            return "every row of \(step.table) is still read: no condition of the query on \(step.table) can use an index"
        case .automaticIndex: return "SQLite still builds a throw-away index for \(step.table)"
        default: return "a costly step remains"
        }
    }

    /// The note when the plan is costly and no index would help (or the helpful ones exist).
    func costlyWithoutAdvice(_ resolved: ResolvedQuery, wanted: [WantedColumn], root: RootIndexPlan?, plans: [QueryPlan]) -> String {
        if hasLike(resolved) {
            return "LIKE cannot use an ordinary index in SQLite (it is case-insensitive), so a filter with like reads every row"
        }
        if wanted.isEmpty && !hasFilter(resolved) {
            return "the query reads every row because it asks for every row: an index helps only a where(...), order(...), group(...) or include"
        }
        if wanted.isEmpty {
            return "this filter cannot use an index (!= and not(...) match almost every row), so SQLite reads every row"
        }
        let remaining = plans.flatMap(\.allNodes).map(\.detail).filter(isCostly)
        let steps = remaining.map { "\($0) (\(whyStillCostly($0, root: root)))" }.joined(separator: "; ")
        return "the plan still has " + steps
    }

    /// The note when no step of the plan is costly, saying what the plan does read.
    func cheapPlanMessage(_ plans: [QueryPlan]) -> String {
        let steps = plans.flatMap(\.allNodes).compactMap { PlanStep($0.detail) }
        let ordered = steps.compactMap { step -> String? in
            if case .scanIndex(let index, let covering) = step.access {
                return covering ? "\(step.table) is read whole from index \(index) (covering: every column needed is in it)"
                                : "\(step.table) is read whole in the order of index \(index) (every row, but no sort)"
            }
            return nil
        }
        if ordered.isEmpty {
            return "no full scan, automatic index or temporary sort: every table is reached through an index or the primary key"
        }
        return "no full table scan, automatic index or temporary sort: " + ordered.joined(separator: "; ")
    }
}

extension PlanStep {
    /// The index this step reads, if it names one.
    var indexName: String? {
        switch access {
        case .index(let name, _, _), .scanIndex(let name, _): return name
        default: return nil
        }
    }
}
