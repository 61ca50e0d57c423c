import Mapping

// SQLite's EXPLAIN QUERY PLAN as a tree, each step explained in ORM terms. Pure functions of the
// plan rows and the schema, so the rendering is pinned by exact-string tests.

/// The query plan SQLite chose for one statement: the rows of `EXPLAIN QUERY PLAN` as a tree.
struct QueryPlan: Equatable {
    /// One step of the plan ("SCAN book", "USE TEMP B-TREE FOR ORDER BY").
    struct Node: Equatable {
        var id: Int
        var detail: String
        var children: [Node] = []
    }

    var roots: [Node]

    /// Builds the tree from `(id, parent, detail)` rows; a row whose parent is unknown is a root.
    init(rows: [(id: Int, parent: Int, detail: String)]) {
        var childrenOf: [Int: [(id: Int, detail: String)]] = [:]
        let ids = Set(rows.map(\.id))
        var rootRows: [(id: Int, detail: String)] = []
        for row in rows {
            if row.parent != 0 && ids.contains(row.parent) {
                childrenOf[row.parent, default: []].append((row.id, row.detail))
            } else {
                rootRows.append((row.id, row.detail))
            }
        }
        func build(_ id: Int, _ detail: String, depth: Int) -> Node {
            var node = Node(id: id, detail: detail)
            if depth < 32 {
                node.children = (childrenOf[id] ?? []).map { build($0.id, $0.detail, depth: depth + 1) }
            }
            return node
        }
        roots = rootRows.map { build($0.id, $0.detail, depth: 0) }
    }

    /// Every node, depth first.
    var allNodes: [Node] {
        var out: [Node] = []
        func walk(_ n: Node) { out.append(n); n.children.forEach(walk) }
        roots.forEach(walk)
        return out
    }

    /// The tree drawn with box characters, each step followed by its explanation:
    ///
    ///     QUERY PLAN
    ///     ├─ SCAN book
    ///     │    reads every row of book (every Book): the cost grows with the table
    ///     └─ USE TEMP B-TREE FOR ORDER BY
    ///          sorts the rows in a temporary B-tree: no index gives this order
    func render(explaining explain: (String) -> String?) -> [String] {
        var lines = ["QUERY PLAN"]
        func walk(_ node: Node, prefix: String, isLast: Bool) {
            lines.append(prefix + (isLast ? "└─ " : "├─ ") + node.detail)
            let inner = prefix + (isLast ? "   " : "│  ")
            if let text = explain(node.detail) {
                lines.append(inner + (node.children.isEmpty ? "  " : "│ ") + text)
            }
            for (i, child) in node.children.enumerated() {
                walk(child, prefix: inner, isLast: i == node.children.count - 1)
            }
        }
        for (i, root) in roots.enumerated() { walk(root, prefix: "", isLast: i == roots.count - 1) }
        return lines
    }
}

// MARK: - Reading plan steps

/// What one plan step does, parsed from its detail text (SQLite 3.36+ wording, older accepted).
struct PlanStep: Equatable {
    enum Access: Equatable {
        /// SCAN t: every row.
        case scan
        /// SCAN t USING [COVERING] INDEX i: every row, in index order.
        case scanIndex(String, covering: Bool)
        /// SEARCH t USING INTEGER PRIMARY KEY (rowid=?)
        case primaryKey(String)
        /// SEARCH t USING [COVERING] INDEX i (a=?)
        case index(String, condition: String, covering: Bool)
        /// SEARCH t USING AUTOMATIC [PARTIAL] [COVERING] INDEX (a=?)
        case automaticIndex(condition: String)
        /// SEARCH t (nothing after it): the min/max optimization, one entry if an index or the
        /// primary key orders the column, else every row.
        case minMax
        /// SEARCH t USING BITMAP (PostgreSQL's Bitmap Heap Scan): an index lists the matching
        /// rows first, then they are read in table order.
        case bitmap
    }
    var table: String
    var access: Access
    var leftJoin: Bool

    /// nil for steps that read no table (temp B-trees, subqueries).
    init?(_ detail: String) {
        var words = detail.split(separator: " ").map(String.init)
        guard words.count >= 2, words[0] == "SCAN" || words[0] == "SEARCH" else { return nil }
        let isSearch = words[0] == "SEARCH"
        words.removeFirst()
        if words.first == "TABLE" { words.removeFirst() }     // SQLite before 3.36
        guard let name = words.first else { return nil }
        table = name
        words.removeFirst()
        if words.first == "AS", words.count >= 2 { table = words[1]; words.removeFirst(2) }
        leftJoin = words.last == "LEFT-JOIN"
        if leftJoin { words.removeLast() }
        let rest = words.joined(separator: " ")
        let condition: String = {
            guard let open = rest.firstIndex(of: "("), let close = rest.lastIndex(of: ")"), open < close else { return "" }
            return String(rest[rest.index(after: open)..<close])
        }()
        if rest.hasPrefix("USING INTEGER PRIMARY KEY") {
            access = .primaryKey(condition)
        } else if rest.hasPrefix("USING AUTOMATIC") {
            access = .automaticIndex(condition: condition)
        } else if rest.hasPrefix("USING COVERING INDEX ") || rest.hasPrefix("USING INDEX ") {
            let covering = rest.hasPrefix("USING COVERING")
            let afterIndex = rest.components(separatedBy: "INDEX ").dropFirst().joined(separator: "INDEX ")
            let index = afterIndex.split(separator: " ").first.map(String.init) ?? ""
            access = isSearch ? .index(index, condition: condition, covering: covering) : .scanIndex(index, covering: covering)
        } else if rest.hasPrefix("USING BITMAP") {
            access = .bitmap
        } else if !isSearch {
            access = .scan
        } else if rest.isEmpty {
            access = .minMax
        } else {
            return nil
        }
    }
}

// MARK: - Explaining in ORM terms

/// Explains plan steps with the names learners know: entities, associations, indexes.
struct PlanExplainer {
    let schema: Schema
    /// Aliases used in the statement ("author_2" → "author").
    var aliases: [String: String] = [:]

    /// "the book table (Book)", "the author table as author_2 (Author)", "the book_tag join
    /// table (Book.tags)".
    func describe(_ name: String) -> String {
        let table = aliases[name] ?? name
        let alias = table == name ? "" : " as \(name)"
        if let entity = schema.orderedEntities.first(where: { $0.table == table }) {
            return "the \(table) table\(alias) (\(entity.name))"
        }
        for entity in schema.orderedEntities {
            for a in entity.associations where a.kind == .manyToMany && a.joinTable?.name == table {
                return "the \(table) join table\(alias) (\(entity.name).\(a.name))"
            }
        }
        return "\(name)"
    }

    func explain(_ detail: String) -> String? {
        if let step = PlanStep(detail) {
            let t = describe(step.table)
            var text: String
            switch step.access {
            case .scan:
                text = "reads every row of \(t): a full scan, its cost grows with the table"
            case .scanIndex(let index, let covering):
                text = covering
                    ? "reads all of index \(index) instead of \(t): the index holds every column needed"
                    : "reads every row of \(t) in the order of index \(index): still every row, but no sort"
            case .primaryKey(let condition):
                text = condition.contains("=") && !condition.contains(">") && !condition.contains("<")
                    ? "jumps straight to one row of \(t) by its id (the primary key): no scan"
                    : "jumps to a range of ids in \(t) via the primary key (\(condition)): only those rows are read"
            case .index(let index, let condition, let covering):
                text = "jumps via index \(index) to the rows of \(t) with \(condition): only matching rows are read"
                if covering { text += ", and the index alone answers (covering: no table reads)" }
            case .automaticIndex(let condition):
                text = "no index of \(t) fits (\(condition)), so SQLite builds a throw-away index for this one statement, every time it runs"
            case .minMax:
                text = "looks for the smallest or largest value in \(t): one step through an index (or the id), otherwise every row"
            case .bitmap:
                text = "reads the rows of \(t) that the index below found, in table order (a bitmap of matching rows): only matching rows are read"
            }
            if step.leftJoin { text += " (LEFT JOIN: rows without a match are kept)" }
            return text
        }
        return planExplanations.first { entry in entry.prefixes.contains { detail.hasPrefix($0) } }?.text
    }
}

/// What plan steps other than scans and searches mean, by the prefix SQLite gives them; the
/// first match wins, so the more specific prefixes come first.
private let planExplanations: [(prefixes: [String], text: String)] = [
    (["USE TEMP B-TREE FOR ORDER BY"], "sorts the rows in a temporary B-tree: no index gives this order"),
    (["USE TEMP B-TREE FOR GROUP BY"], "groups the rows by sorting them in a temporary B-tree: no index gives the groups' order"),
    (["USE TEMP B-TREE FOR DISTINCT"], "removes duplicate rows with a temporary B-tree"),
    (["USE TEMP B-TREE FOR"], "sorts part of the result in a temporary B-tree (an index gives the rest of the order)"),
    (["CORRELATED SCALAR SUBQUERY", "CORRELATED LIST SUBQUERY"],
     "a subquery that depends on the outer row (an EXISTS from .any(...)): it runs once per outer row"),
    (["SCALAR SUBQUERY"], "a subquery that runs once"),
    (["LIST SUBQUERY"], "the subquery of IN (…) runs once and its ids are looked up (e.g. a LIMIT applied to parents before a JOIN)"),
    (["MULTI-INDEX OR"], "an `or`: each side is looked up with its own index, then the rows are combined"),
    (["BLOOM FILTER ON"], "a quick in-memory pre-check that skips rows without a match before the lookup"),
    (["MATERIALIZE", "CO-ROUTINE"], "a subquery computed into a temporary result first"),
    // PostgreSQL's plan nodes (PostgresKit names them this way).
    (["BITMAP INDEX"], "looks the matching rows up in the index and marks them in a bitmap, for the step above to read"),
    (["HASH JOIN"], "a hash join: one side is loaded into an in-memory hash table, the other side's rows look their match up in it"),
    (["MERGE JOIN"], "a merge join: both sides sorted by the join key and walked side by side"),
    (["NESTED LOOP"], "a nested loop join: for each row of the outer side, the inner side is searched (fast when that search uses an index)"),
    (["HASH "], "builds the in-memory hash table the hash join above probes"),
    (["AGGREGATE"], "computes the aggregate (COUNT, SUM, GROUP BY) over the rows below"),
    (["LIMIT"], "stops after the rows asked for"),
]
