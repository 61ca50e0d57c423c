import DSL
import Foundation
import Mapping
import Report
import Runtime
import SQLBuilder

// `:compare inheritance Vehicle [ROWS]`: the hierarchy rooted at Vehicle built three times, under
// inheritance(single), (joined) and (concrete), each on a scratch in-memory database with the
// same seeded rows, then the same three reads measured on each: the base query (Vehicle.all),
// a subclass query (Car.all) and a find by id after :forget. The current session is untouched.

/// The default number of rows (kept small so the CI's golden transcripts stay fast; 100000 is
/// the performance comparison the issue asks for: `:compare inheritance Vehicle 100000`).
let defaultInheritanceCompareRows = 3_000

/// What one strategy cost.
struct InheritanceRun {
    var strategy: InheritanceStrategy
    /// "vehicle (6 columns, 3,000 rows)".
    var tables: [String]
    var nullCells: Int
    var cells: Int
    /// Per measured query: statements, rows read, milliseconds.
    var queries: [(statements: Int, rows: Int, ms: Double)]
    var seedMilliseconds: Double
    var records: [StatementRecord]
    var plan: [String]
}

extension Workbench {
    func compareInheritance(_ argument: String, range: SourceRange, into report: inout Report) throws {
        let parts = argument.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let schema = session.schema
        guard let rootName = parts.first else {
            throw EvalError(":compare inheritance needs the root of a hierarchy", at: range,
                            hint: "for example :compare inheritance Vehicle (or :compare inheritance Vehicle 100000 for the timing)")
        }
        guard let member = schema.hierarchy[rootName] else {
            throw EvalError("\(rootName) is not a class of an inheritance hierarchy", at: range,
                            hint: "declare one first: entity \(rootName) inheritance(single) { … } and entity Car : \(rootName) { … }")
        }
        guard member.parent == nil else {
            throw EvalError("\(rootName) is not the root of its hierarchy: the strategy belongs to \(member.root)", at: range,
                            hint: ":compare inheritance \(member.root)")
        }
        var rows = defaultInheritanceCompareRows
        if parts.count > 1 {
            guard let n = Int(parts[1].filter { $0 != "_" && $0 != "," }), n > 0, n <= 300_000 else {
                throw EvalError("'\(parts[1])' is not a number of rows between 1 and 300,000", at: range,
                                hint: ":compare inheritance \(rootName) 100000")
            }
            rows = n
        }
        let classes = schema.subtree(of: rootName)
        guard classes.count > 1 else {
            throw EvalError("\(rootName) has no subclass yet, so the strategies do not differ", at: range,
                            hint: "define one: entity Car : \(rootName) { doors: Int }")
        }
        let runs = try InheritanceStrategy.allCases.map { try inheritanceRun($0, root: rootName, classes: classes, rows: rows) }

        let sub = classes[1]
        // Ids are handed out in seeding order under every strategy: the first row of the last class.
        let perClass = rows / classes.count
        let probeID = (classes.count - 1) * perClass + 1
        let queries = ["\(rootName).all", "\(sub).all", "\(rootName)#\(probeID)"]
        report.sql = StatementRecords(runs.flatMap(\.records))
        func ms(_ v: Double) -> String { String(format: "%.2f ms", v) }
        var table: [[String]] = [
            ["tables"] + runs.map { $0.tables.joined(separator: ", ") },
            ["NULL cells"] + runs.map { "\(formatCount($0.nullCells)) of \(formatCount($0.cells))" },
        ]
        for (q, query) in queries.enumerated() {
            table.append([query] + runs.map { run in
                let m = run.queries[q]
                return "\(m.statements) stmt · \(formatCount(m.rows)) rows · \(ms(m.ms))"
            })
        }
        table.append(["seeding \(formatCount(perClass * classes.count)) rows"] + runs.map { ms($0.seedMilliseconds) })
        report.blocks.append(.table(title: "The \(rootName) hierarchy (\(classes.joined(separator: ", "))) under each strategy, \(formatCount(perClass)) rows per class",
                                    header: [""] + runs.map { "inheritance(\($0.strategy.rawValue))" }, rows: table))
        for run in runs where !run.plan.isEmpty {
            report.blocks.append(.code(title: "query plan of \(rootName).all under inheritance(\(run.strategy.rawValue))", lines: run.plan))
        }
        report.notes.append(Note(.info, "single: one table and no JOIN, but every row carries NULL in the columns of the other classes, and a subclass's required columns cannot be NOT NULL in the table"))
        report.notes.append(Note(.info, "joined: no NULL cells and every constraint in the table, but each subclass row costs a JOIN to read and one INSERT per level to write; a base query LEFT JOINs every subclass table"))
        report.notes.append(Note(.info, "concrete: a subclass query reads one table with no JOIN, but a base query is a UNION ALL of every table, a find by id on the base class searches them all, and ids need a generator shared by the tables"))
        report.notes.append(Note(.info, "each strategy ran on its own scratch in-memory database with the same seeded rows; the current database is unchanged"
                                     + (rows == defaultInheritanceCompareRows ? " (:compare inheritance \(rootName) 100000 for a timing that shows the difference)" : "")))
    }

    /// Builds the hierarchy under `strategy` on a fresh in-memory database, seeds it, and runs
    /// the three reads.
    private func inheritanceRun(_ strategy: InheritanceStrategy, root: String, classes: [String], rows: Int) throws -> InheritanceRun {
        let scratch = try Workbench()
        scratch.buildsReports = true
        let schema = session.schema
        let inHierarchy = Set(classes)
        for name in classes {
            guard var decl = schema.hierarchy[name]?.declaration else { continue }
            if name == root, let written = decl.inheritance { decl.inheritance = InheritanceDecl(strategy: strategy, range: written.range) }
            // Associations to entities outside the hierarchy stay out of the scratch database.
            decl.members = decl.members.filter { member in
                guard case .property(let p) = member, ScalarType(rawValue: p.type.name.name) == nil else { return true }
                return inHierarchy.contains(p.type.name.name)
            }
            let change = scratch.session.define(decl, source: "")
            if change.hasErrors {
                throw ORMError("the scratch database for inheritance(\(strategy.rawValue)) could not define \(name): \(change.diagnostics.first?.message ?? "")")
            }
        }
        let perClass = rows / classes.count
        let seedStart = Date()
        for name in classes {
            let seeded = scratch.run(":seed \(name) \(perClass)")
            if let failed = seeded.first(where: { !$0.ok }) {
                throw ORMError("seeding \(name) under inheritance(\(strategy.rawValue)) failed: \(failed.diagnostics.first?.message ?? "")")
            }
        }
        let seedMilliseconds = Date().timeIntervalSince(seedStart) * 1000
        let probeID = (classes.count - 1) * perClass + 1
        var measured: [(Int, Int, Double)] = []
        var records: [StatementRecord] = []
        for query in ["\(root).all", "\(classes[1]).all", "\(root)#\(probeID)"] {
            _ = scratch.run(":forget")
            let reports = scratch.run(query)
            let sql = reports.flatMap { Array($0.sql) }
            measured.append((sql.count, sql.reduce(0) { $0 + $1.rows }, sql.reduce(0) { $0 + $1.ms }))
            records += sql
        }
        // Tables and NULL cells, counted with COUNT(*) - COUNT(column) per column.
        let newSchema = scratch.session.schema
        var tableNames: [String] = []
        for name in classes {
            for table in [newSchema.tableName(forEntity: name)] + (name == root && strategy == .concrete ? [newSchema.idGeneratorTable(ofRoot: root)] : [])
            where !tableNames.contains(table) { tableNames.append(table) }
        }
        var tables: [String] = []
        var nullCells = 0, cells = 0
        for table in tableNames {
            let columns = try scratch.session.database.columns(of: table).map(\.name)
            let select = Select(columns: [.function("COUNT", [.raw("*")])] + columns.map { .function("COUNT", [.column(table: nil, name: $0)]) }, from: table)
            let rendered = scratch.session.dialect.render(select)
            var counts: [Int64] = []
            _ = try scratch.session.database.query(rendered.sql, rendered.arguments) { row in
                counts = (0..<row.columnCount).map { row.int64($0) }
            }
            let total = Int(counts.first ?? 0)
            for c in counts.dropFirst() { nullCells += total - Int(c) }
            cells += total * columns.count
            tables.append("\(table) (\(columns.count) col · \(formatCount(total)) rows)")
        }
        let explained = scratch.run(":explain \(root).all")
        var plan: [String] = []
        for report in explained {
            for case .code(_, let lines) in report.blocks { plan += lines }
        }
        return InheritanceRun(strategy: strategy, tables: tables, nullCells: nullCells, cells: cells,
                              queries: measured.map { (statements: $0.0, rows: $0.1, ms: $0.2) },
                              seedMilliseconds: seedMilliseconds, records: folded(records, label: "inheritance(\(strategy.rawValue))"), plan: plan)
    }
}

extension Workbench {
    /// Stored definitions with each subclass after its parent: a redefinition is stored last
    /// (a root whose strategy changed comes after its subclasses), and a subclass can only be
    /// defined once its parent is.
    func storedInHierarchyOrder(_ stored: [(name: String, source: String)]) -> [(name: String, source: String)] {
        var parents: [String: String] = [:]
        for (name, source) in stored {
            for case .entity(let decl) in Parser.parse(SourceFile(name: "stored \(name)", text: source)).commands {
                if let parent = decl.parent { parents[name] = parent.name }
            }
        }
        guard !parents.isEmpty else { return stored }
        let names = Set(stored.map(\.name))
        var remaining = stored
        var ordered: [(name: String, source: String)] = []
        var placed = Set<String>()
        while !remaining.isEmpty {
            let next = remaining.firstIndex { item in
                guard let parent = parents[item.name], names.contains(parent) else { return true }
                return placed.contains(parent)
            } ?? 0
            placed.insert(remaining[next].name)
            ordered.append(remaining.remove(at: next))
        }
        return ordered
    }
}
