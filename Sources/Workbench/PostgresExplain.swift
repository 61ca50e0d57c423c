import DatabaseKit
import DSL
import Foundation
import Report
import SQLBuilder

// `:explain` on PostgreSQL, beyond the plan: `:explain analyze QUERY` (EXPLAIN ANALYZE: the query
// runs, and each step says how many rows it really produced, in how many loops and how long),
// and index advice checked the PostgreSQL way — DDL is transactional there, so the suggested
// index is created inside a transaction that is rolled back, on the real rows and statistics
// (SQLite checks on an empty copy of the schema instead).

/// The plans PostgreSQL gave with the suggested indexes: as it would choose (`natural`), and
/// with sequential scans ruled out (`forced`, only when the natural plans use none of them).
struct PostgresIndexTrial {
    var natural: [QueryPlan]
    var forced: [QueryPlan]?
    /// The plans that say whether the indexes can serve the query.
    var usable: [QueryPlan] { forced ?? natural }
}

/// The index a PostgreSQL plan step reads: a SCAN/SEARCH's, or a bitmap index scan's
/// (`BITMAP INDEX book_year [Bitmap Index Scan]`, under the SEARCH … USING BITMAP it feeds).
func postgresIndexName(_ detail: String) -> String? {
    if let name = PlanStep(detail)?.indexName { return name }
    guard detail.hasPrefix("BITMAP INDEX ") else { return nil }
    return detail.dropFirst("BITMAP INDEX ".count).split(separator: " ").first.map(String.init)
}

extension Workbench {
    /// `analyze QUERY` → true and the range of QUERY; otherwise false and the range as it was.
    func takingAnalyzeWord(_ argument: String, range: SourceRange) -> (analyze: Bool, argument: String, range: SourceRange) {
        let word = "analyze"
        guard argument.lowercased().hasPrefix(word), argument.count > word.count,
              argument[argument.index(argument.startIndex, offsetBy: word.count)].isWhitespace else {
            return (false, argument, range)
        }
        let rest = argument.dropFirst(word.count)
        let query = rest.drop { $0.isWhitespace }
        let skipped = argument.utf8.count - query.utf8.count   // ASCII: bytes = columns
        var start = range.start
        start.offset += skipped
        start.column += skipped
        return (true, String(query), SourceRange(start, range.end))
    }

    /// Refuses `:explain analyze` where there is no EXPLAIN ANALYZE (SQLite).
    func checkAnalyzeIsAvailable(range: SourceRange) throws {
        guard session.db.isPostgres else {
            throw EvalError(":explain analyze runs the query and reports each step's actual rows and time: that is PostgreSQL's EXPLAIN ANALYZE, and SQLite's EXPLAIN QUERY PLAN has no such numbers",
                            at: range, hint: "on SQLite, :explain QUERY shows the plan; run on PostgreSQL for actual rows (ormlab --db postgres://…, :help postgres)")
        }
    }

    /// The note under an analyzed plan: it ran, what it cost, and that no object was made.
    func analyzeNote(planningMs: Double, executionMs: Double) -> String {
        "Under EXPLAIN ANALYZE the query ran: PostgreSQL read its rows and threw them away (no objects were made, the identity map is unchanged); "
            + "planning took \(String(format: "%.3f", planningMs)) ms, execution \(String(format: "%.3f", executionMs)) ms. "
            + "The actual rows and loops say what each step really read: compare them with what the query asks for. "
            + "Only queries run here: an update(...) or delete() would really write"
    }

    /// The suggested indexes tried on PostgreSQL in a transaction that is rolled back, shown in
    /// the SQL pane; nil when the trial could not run.
    func postgresIndexTrial(_ advice: [IndexAdvice], for statements: [(sql: String, arguments: [DatabaseValue])]) -> PostgresIndexTrial? {
        let createSQL = advice.compactMap { a in
            session.dialect.render(.createIndex(CreateIndex(name: a.indexName, table: a.table, columns: a.columns, ifNotExists: true)))
        }
        let names = Set(advice.map(\.indexName))
        let declarations = advice.map(\.declaration).joined(separator: " and ")
        func usesAdvice(_ plans: [QueryPlan]) -> Bool {
            plans.flatMap(\.allNodes).contains { postgresIndexName($0.detail).map(names.contains) == true }
        }
        func trial(ruleOut: Bool) -> [QueryPlan]? {
            let cause = ":explain: trying \(declarations) in a transaction that is rolled back" + (ruleOut ? ", sequential scans ruled out" : "")
            return try? session.log.withCause(cause) {
                try session.db.plansTryingIndexes(createSQL, for: statements, ruleOutSequentialScans: ruleOut)
            }.map { $0.map { QueryPlan(rows: $0.map { (id: $0.id, parent: $0.parent, detail: $0.detail) }) } }
        }
        guard let natural = trial(ruleOut: false) else { return nil }
        if usesAdvice(natural) { return PostgresIndexTrial(natural: natural, forced: nil) }
        return PostgresIndexTrial(natural: natural, forced: trial(ruleOut: true))
    }

    /// "checked: with index(year), created in a transaction that was rolled back, PostgreSQL's plan becomes …".
    func postgresCheckedMessage(_ advice: [IndexAdvice], trial: PostgresIndexTrial) -> String {
        let names = Set(advice.map(\.indexName))
        let declarations = advice.map(\.declaration).joined(separator: " and ")
        func steps(_ plans: [QueryPlan]) -> [String] {
            plans.flatMap(\.allNodes).map(\.detail).filter { postgresIndexName($0).map(names.contains) == true }
        }
        let head = "checked: with \(declarations) created in a transaction that was rolled back (PostgreSQL's DDL is transactional; no one else saw the index), "
        guard let forced = trial.forced else {
            return head + "PostgreSQL's plan on the real rows becomes " + steps(trial.natural).joined(separator: "; ")
        }
        let kept = trial.natural.flatMap(\.allNodes).map(\.detail).filter(isCostly)
        return head + "PostgreSQL still chooses " + kept.joined(separator: "; ")
            + ": on a table this small reading it whole is cheaper than the index (the planner's estimate from its statistics). "
            + "With sequential scans ruled out (SET LOCAL enable_seqscan = off) it uses " + steps(forced).joined(separator: "; ")
            + ": the index serves the query, and pays off as the table grows"
    }

    /// On PostgreSQL, a costly plan although an index already serves the query: whether the
    /// existing index can serve it (tried with sequential scans ruled out, rolled back).
    func postgresExistingIndexMessage(for statements: [(sql: String, arguments: [DatabaseValue])], costly: [String]) -> String? {
        guard session.db.isPostgres,
              let plans = try? session.log.withCause(":explain: the existing indexes with sequential scans ruled out, in a transaction that is rolled back", {
                  try session.db.plansTryingIndexes([], for: statements, ruleOutSequentialScans: true)
              }) else { return nil }
        let indexSteps = plans.flatMap { $0 }.map(\.detail).filter { postgresIndexName($0) != nil }
        guard !indexSteps.isEmpty else { return nil }
        return "PostgreSQL chose " + costly.joined(separator: "; ")
            + " although an index can serve this query: on a table this small reading it whole is cheaper (the planner's estimate from its statistics). "
            + "With sequential scans ruled out (SET LOCAL enable_seqscan = off, rolled back) it uses " + indexSteps.joined(separator: "; ")
            + ": the index is there for when the table grows (:explain analyze shows the actual rows)"
    }
}
