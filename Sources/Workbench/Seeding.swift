import DSL
import Foundation
import Mapping
import Report
import Runtime
import SQLBuilder
import DatabaseKit

// `:seed Entity N`: N rows of deterministic fake data, written straight to the table in one
// transaction with one prepared INSERT reused for every row. The rows bypass the session on
// purpose (no objects, no identity map): seeding is test data, not the unit of work.

/// The most rows one `:seed` writes.
let maxSeedRows = 1_000_000

extension Workbench {
    // MARK: - :seed

    func seed(_ argument: String, range: SourceRange, into report: inout Report) throws {
        let parts = argument.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 2 else {
            throw EvalError(":seed takes an entity and a number of rows", at: range, hint: "for example :seed Author 100")
        }
        let entityName = parts[0]
        guard let info = session.info(entityName) else {
            throw unknownEntity(Identifier(entityName, range))
        }
        let digits = parts[1].filter { $0 != "_" && $0 != "," }
        guard let count = Int(digits), count > 0 else {
            throw EvalError("'\(parts[1])' is not a number of rows", at: range, hint: "for example :seed \(entityName) 1000")
        }
        guard count <= maxSeedRows else {
            throw EvalError("at most \(maxSeedRows) rows per :seed", at: range, hint: "seed in several steps if you need more")
        }
        // Seeding numbers its rows; a text key means something the faker cannot invent (a
        // country code), so such an entity is filled by hand. (Rows pointing at one are seeded:
        // they pick among the keys its table has.)
        if info.naturalKeys != nil {
            throw EvalError("\(info.name) has a natural key (text), which :seed cannot invent", at: range,
                            hint: "insert \(info.name) rows with their keys, insert \(info.name)(id: \"…\", …); entities pointing at \(info.name) can then be seeded")
        }
        let plan = try SeedPlan(info: info, count: count, workbench: self, range: range)
        try plan.run(into: &report, workbench: self)
    }
}

// MARK: - The plan

/// Everything one `:seed` needs before the first INSERT: how each column is filled, the parent
/// ids for foreign keys, the targets of many-to-many links.
struct SeedPlan {
    /// How one column of the table gets its values.
    enum Filler {
        case scalar(FakeData.Kind, unique: Bool, optional: Bool)
        /// A belongs-to: keys of existing parent rows (ids, or a natural key's texts; for a
        /// unique foreign key, each used once).
        case parent(keys: [DatabaseValue], optional: Bool, unique: Bool)
        /// A belongs-to pointing at the seeded entity itself: earlier rows of this table.
        case selfReference(optional: Bool)
        /// A polymorphic belongs-to's type column: one of the targets that has rows, and one of
        /// its ids, which the id column after it takes (`polymorphicID`).
        case polymorphicType(targets: [(name: String, ids: [Int64])], optional: Bool)
        case polymorphicID
        /// The same value in every row: a hierarchy class's discriminator (`type = 'Car'`).
        case fixed(DatabaseValue)
    }

    struct Link {
        var association: Association
        var table: String
        var sql: String
        /// The other side's keys (ids, or a natural key's texts).
        var targetKeys: [DatabaseValue]
    }

    let mapping: EntityMapping
    let count: Int
    let columns: [Column]
    var fillers: [Filler] = []
    var links: [Link] = []
    /// Rows before seeding and the largest id, so serial numbers (unique values) continue;
    /// the existing ids are read only for a self-reference (a manager among earlier rows).
    var existingRows = 0
    var maxID: Int64 = 0
    var existingIDs: [Int64] = []
    var notes: [String] = []
    let cause: String
    /// A joined or concrete hierarchy class: the INSERTs of one row, in order (nil otherwise).
    var hierarchyInserts: [String]?

    init(info: EntityInfo, count: Int, workbench: Workbench, range: SourceRange) throws {
        mapping = info.mapping
        self.count = count
        columns = Array(mapping.columns.dropFirst())
        cause = ":seed \(mapping.name) \(count)"
        let db = workbench.session.database
        let dialect = workbench.session.dialect
        let log = workbench.session.log
        let table = mapping.table
        let id = SQLExpr.column(table: nil, name: mapping.primaryKeyColumn)
        /// `SELECT "id" FROM "table" [WHERE ...] ORDER BY "id"` (the key column of `entity`'s table).
        func idQuery(of table: String, key: String = mapping.primaryKeyColumn, where filter: SQLExpr? = nil) -> RenderedSQL {
            let keyColumn = SQLExpr.column(table: nil, name: key)
            return dialect.render(Select(columns: [keyColumn], from: table, filter: filter, orderBy: [OrderTerm(keyColumn)]))
        }
        var size = Select(columns: [.function("COUNT", [.raw("*")]), .function("COALESCE", [.function("MAX", [id]), .raw("0")])], from: table)
        size.source = workbench.session.schema.rowSource(of: mapping.name)   // a class of a hierarchy: its rows
        let sizeQuery = dialect.render(size)
        hierarchyInserts = workbench.session.hierarchyInsertSQL(of: mapping.name)
        _ = try log.withCause(cause + ": rows so far") {
            try db.query(sizeQuery.sql, sizeQuery.arguments) { row in
                existingRows = Int(row.int64(0))
                maxID = row.int64(1)
            }
        }
        let schema = workbench.session.schema
        for column in columns {
            switch column.role {
            case .primaryKey:
                continue
            case .scalar where column.name == Schema.discriminatorColumn && schema.hierarchy[mapping.name] != nil:
                fillers.append(.fixed(.text(mapping.name)))
            case .scalar(let type):
                // subject_type / subject_id of `subject: Post | Photo`: an existing row of a target.
                if let polymorphic = mapping.polymorphicAssociations.first(where: { $0.kind == .belongsTo && ($0.typeColumn == column.name || $0.idColumn == column.name) }) {
                    if column.name == polymorphic.idColumn { fillers.append(.polymorphicID); continue }
                    var targets: [(name: String, ids: [Int64])] = []
                    for target in polymorphic.targets {
                        guard let parent = schema.entity(target) else { continue }
                        var ids: [Int64] = []
                        _ = try log.withCause(cause + ": ids of \(target) for \(polymorphic.name)") {
                            let query = idQuery(of: parent.table, key: parent.primaryKeyColumn)
                            try db.query(query.sql, query.arguments) { row in ids.append(row.int64(0)) }
                        }
                        if !ids.isEmpty { targets.append((target, ids)) }
                    }
                    if targets.isEmpty && !column.isNullable {
                        throw EvalError("seed \(polymorphic.targets.joined(separator: " or ")) first: every \(mapping.name) needs \(article(polymorphic.name)) \(polymorphic.name), and none of its tables has rows",
                                        at: range, hint: ":seed \(polymorphic.targets[0]) 100, then :seed \(mapping.name) \(count)")
                    }
                    fillers.append(.polymorphicType(targets: targets, optional: column.isNullable))
                    continue
                }
                let kind = FakeData.kind(for: column, type: type, entity: mapping.name)
                fillers.append(.scalar(kind, unique: column.isUnique, optional: column.isNullable))
            case .foreignKey(let association, let target):
                if target == mapping.name {
                    if !column.isNullable {
                        throw EvalError("\(mapping.name).\(association) is required and points at \(mapping.name) itself, so no first row can be seeded",
                                        at: range, hint: "make it optional (\(association): \(target)?) to seed a hierarchy")
                    }
                    if existingIDs.isEmpty && existingRows > 0 {
                        _ = try log.withCause(cause + ": ids of \(target) for \(association)") {
                            let query = idQuery(of: table)
                            try db.query(query.sql, query.arguments) { row in existingIDs.append(row.int64(0)) }
                        }
                    }
                    fillers.append(.selfReference(optional: true))
                    continue
                }
                guard let parent = schema.entity(target) else { continue }
                var ids: [DatabaseValue] = []
                let foreignKey = SQLExpr.column(table: nil, name: column.name)
                // A unique foreign key: only the parents no row points at yet.
                let query = column.isUnique
                    ? idQuery(of: parent.table, key: parent.primaryKeyColumn,
                              where: .notInSubquery(.column(table: nil, name: parent.primaryKeyColumn),
                                                    Select(columns: [foreignKey], from: table, filter: .isNull(foreignKey, negated: true))))
                    : idQuery(of: parent.table, key: parent.primaryKeyColumn)
                _ = try log.withCause(cause + ": ids of \(target) for \(association)") {
                    try db.query(query.sql, query.arguments) { row in ids.append(row.value(0)) }
                }
                if !column.isNullable {
                    if ids.isEmpty && !column.isUnique {
                        throw EvalError("seed \(target) first: every \(mapping.name) needs \(article(association)) \(association) (\(mapping.name).\(association) is required), and \(parent.table) has no rows",
                                        at: range, hint: ":seed \(target) 100, then :seed \(mapping.name) \(count)")
                    }
                    if column.isUnique && ids.count < count {
                        throw EvalError("only \(ids.count) \(target) row\(ids.count == 1 ? "" : "s") have no \(mapping.name) yet, and \(mapping.name).\(association) is unique (one-to-one)",
                                        at: range, hint: ids.isEmpty ? ":seed \(target) \(count) first" : "seed at most \(ids.count), or :seed \(target) \(count - ids.count) more first")
                    }
                } else if ids.isEmpty {
                    notes.append("\(target) has no rows, so \(association) stays nil (it is optional)")
                } else if column.isUnique && ids.count < count {
                    notes.append("\(mapping.name).\(association) is unique: only \(ids.count) row\(ids.count == 1 ? " gets" : "s get") a \(target), the rest stay nil")
                }
                fillers.append(.parent(keys: ids, optional: column.isNullable, unique: column.isUnique))
            }
        }
        // Many-to-many: link each new row to 0–3 rows of the other side, when it has rows.
        for association in mapping.associations where association.kind == .manyToMany {
            guard let jt = association.joinTable, let target = schema.entity(association.target) else { continue }
            var ids: [DatabaseValue] = []
            _ = try log.withCause(cause + ": ids of \(association.target) for \(association.name)") {
                let query = idQuery(of: target.table, key: target.primaryKeyColumn)
                try db.query(query.sql, query.arguments) { row in ids.append(row.value(0)) }
            }
            if ids.isEmpty {
                notes.append("\(association.target) has no rows yet, so no \(jt.name) links: :seed \(association.target) 20, then seed \(mapping.name) again to link them")
                continue
            }
            let sql = dialect.render(Insert(table: jt.name, columns: [jt.ownerColumn, jt.targetColumn], values: [.parameter, .parameter])).sql
            links.append(Link(association: association, table: jt.name, sql: sql, targetKeys: ids))
        }
    }

    /// `INSERT INTO "book" ("title", "year", "author_id") VALUES (?, ?, ?)`, prepared once and
    /// run for every row with its values bound.
    func insertSQL(in dialect: any Dialect) -> String {
        var insert = Insert(table: mapping.table, columns: columns.map(\.name), values: columns.map { _ in .parameter })
        // PostgreSQL hands each new key back with RETURNING (read as the driver's lastInsertID).
        insert.generatedKey = mapping.columns.first?.name
        return dialect.render(insert).sql
    }

    // MARK: - Running

    func run(into report: inout Report, workbench: Workbench) throws {
        let session = workbench.session
        let db = session.database
        let log = session.log
        let dialect = session.dialect
        let sql = insertSQL(in: dialect)
        var rng = SplitMix64(seed: stableHash(mapping.name) ^ (UInt64(bitPattern: maxID) &* 0x9E37_79B9_7F4A_7C15))
        // Unique foreign keys hand out each parent once, in a shuffled order.
        var uniqueParents: [Int: [DatabaseValue]] = [:]
        for (i, filler) in fillers.enumerated() {
            if case .parent(var ids, _, true) = filler {
                ids.shuffle(using: &rng)
                uniqueParents[i] = ids
            }
        }
        var insertedIDs: [Int64] = []
        insertedIDs.reserveCapacity(count)
        var sample: [(id: Int64, values: [DatabaseValue])] = []
        var firstValues: [DatabaseValue] = []
        var linkCounts = Array(repeating: 0, count: links.count)
        var firstLink: [[DatabaseValue]] = Array(repeating: [], count: links.count)
        let insideTransaction = db.isInTransaction
        // Seeding undoes itself (ROLLBACK or ROLLBACK TO seed): no statement savepoint per row on PostgreSQL.
        let guardWasPaused = session.db.statementGuardPaused
        session.db.statementGuardPaused = true
        defer { session.db.statementGuardPaused = guardWasPaused }
        // A savepoint nests inside begin … commit; where a savepoint cannot start a transaction
        // (PostgreSQL), a seeding outside one is its own BEGIN … COMMIT.
        let ownTransaction = !insideTransaction && !dialect.savepointStartsTransaction
        try log.withCause(cause + (ownTransaction ? ": one transaction for all rows" : ": one transaction for all rows (a savepoint, so it also nests inside begin … commit)")) {
            try db.execute(dialect.transactionSQL(ownTransaction ? .begin : .savepoint(.seed)))
        }
        // PostgreSQL: the keys first, from the identity column's sequence (one statement), then
        // every row in one COPY after the loop; SQLite runs the prepared INSERT per row.
        // (A hierarchy class inserts a row into each of its tables instead: no COPY.)
        let copyKeys: [Int64]? = session.db.loadsRowsWithCopy && hierarchyInserts == nil
            ? try log.withCause(cause + ": \(formatCount(count)) ids from \(mapping.table)'s identity sequence, for the COPY") {
                try session.db.reserveKeys(table: mapping.table, column: mapping.primaryKeyColumn, count: count)
            }
            : nil
        var copiedRows: [[DatabaseValue]] = []
        var copiedLinks: [[[DatabaseValue]]] = Array(repeating: [], count: links.count)
        if copyKeys != nil { copiedRows.reserveCapacity(count) }
        let start = Date()
        do {
            try log.suspendingRecording {
                var values = [DatabaseValue](repeating: .null, count: columns.count)
                var chosen = Set<DatabaseValue>()
                var polymorphicID = DatabaseValue.null  // set by the type column, read by the id column after it
                for n in 0..<count {
                    let serial = Int(maxID) + n + 1
                    let persona = FakeData.persona(&rng)
                    for (i, filler) in fillers.enumerated() {
                        switch filler {
                        case .scalar(let kind, let unique, let optional):
                            if optional && !unique && rng.chance(0.1) {
                                values[i] = .null
                            } else {
                                values[i] = FakeData.value(kind, unique: unique, serial: serial, persona: persona, rng: &rng)
                            }
                        case .parent(let keys, let optional, let unique):
                            if unique {
                                values[i] = n < (uniqueParents[i]?.count ?? 0) ? uniqueParents[i]![n] : .null
                            } else if keys.isEmpty || (optional && rng.chance(0.1)) {
                                values[i] = .null
                            } else {
                                values[i] = rng.pick(keys)
                            }
                        case .polymorphicType(let targets, let optional):
                            if targets.isEmpty || (optional && rng.chance(0.1)) {
                                values[i] = .null
                                polymorphicID = .null
                            } else {
                                let target = targets[rng.int(0...(targets.count - 1))]
                                values[i] = .text(target.name)
                                polymorphicID = .integer(rng.pick(target.ids))
                            }
                        case .polymorphicID:
                            values[i] = polymorphicID
                        case .fixed(let value):
                            values[i] = value
                        case .selfReference:
                            let pool = existingIDs.count + insertedIDs.count
                            if pool == 0 || rng.chance(0.2) {
                                values[i] = .null
                            } else {
                                let k = rng.int(0...(pool - 1))
                                values[i] = .integer(k < existingIDs.count ? existingIDs[k] : insertedIDs[k - existingIDs.count])
                            }
                        }
                    }
                    let id: Int64
                    if hierarchyInserts != nil {
                        id = try session.insertHierarchyRow(of: mapping.name, values: values)
                    } else if let copyKeys {
                        id = copyKeys[n]
                        copiedRows.append([.integer(id)] + values)
                    } else {
                        try db.run(sql, values)
                        id = db.lastInsertID
                    }
                    insertedIDs.append(id)
                    if n == 0 { firstValues = values }
                    if sample.count < 5 { sample.append((id, values)) }
                    for (l, link) in links.enumerated() {
                        chosen.removeAll(keepingCapacity: true)
                        for _ in 0..<rng.int(0...3) {
                            let target = rng.pick(link.targetKeys)
                            guard chosen.insert(target).inserted else { continue }
                            if copyKeys != nil {
                                copiedLinks[l].append([.integer(id), target])
                            } else {
                                try db.run(link.sql, [.integer(id), target])
                            }
                            if linkCounts[l] == 0 { firstLink[l] = [.integer(id), target] }
                            linkCounts[l] += 1
                        }
                    }
                }
            }
            if copyKeys != nil {
                try log.withCause(cause + ": every row in one COPY (ids reserved above)") {
                    try session.db.copyRows(into: mapping.table, columns: [mapping.primaryKeyColumn] + columns.map(\.name), rows: copiedRows)
                }
                for (l, link) in links.enumerated() where !copiedLinks[l].isEmpty {
                    let jt = link.association.joinTable
                    try log.withCause(cause + ": \(link.association.name) links in one COPY") {
                        try session.db.copyRows(into: link.table, columns: [jt?.ownerColumn ?? "", jt?.targetColumn ?? ""], rows: copiedLinks[l])
                    }
                    linkCounts[l] = copiedLinks[l].count
                    firstLink[l] = copiedLinks[l][0]
                }
            }
        } catch {
            try? log.withCause(cause + ": undo") {
                if ownTransaction {
                    try db.execute(dialect.transactionSQL(.rollback))
                } else {
                    try db.execute(dialect.transactionSQL(.rollbackTo(.seed)))
                    try db.execute(dialect.transactionSQL(.release(.seed)))
                }
            }
            let message = (error as? any DatabaseError)?.message ?? "\(error)"
            throw ORMError("seeding stopped at row \(insertedIDs.count + 1) of \(count): \(dialect.name): \(message); nothing was inserted (the seeding ran in one transaction, rolled back)",
                           hint: "a unique or check constraint in the existing data may clash with the generated values; :sql can show them")
        }
        let insertSeconds = Date().timeIntervalSince(start)
        // RELEASE commits (or, inside begin … commit, folds into the open transaction); it is
        // recorded after the summaries below so the SQL pane reads in order.
        let release = dialect.transactionSQL(ownTransaction ? .commit : .release(.seed))
        try log.suspendingRecording { try db.execute(release) }
        let seconds = Date().timeIntervalSince(start)

        // One record stands for the N executions of the prepared INSERT (the COPYs recorded themselves).
        if let hierarchyInserts {
            for (k, part) in hierarchyInserts.enumerated() {
                log.recordSummary(StatementRecord(sql: part, rows: count, ms: k == 0 ? insertSeconds * 1000 : 0,
                                                  cause: "\(cause): one row in each table of the class, prepared once, run \(formatCount(count)) times\(k == 0 ? "" : " (time included above)")"))
            }
        } else if copyKeys == nil {
            log.recordSummary(StatementRecord(sql: sql, params: firstValues.map(reportValue), rows: count, ms: insertSeconds * 1000,
                                              cause: "\(cause): prepared once, run \(formatCount(count)) times (values of the first row shown)"))
        }
        for (l, link) in links.enumerated() where linkCounts[l] > 0 && copyKeys == nil {
            log.recordSummary(StatementRecord(sql: link.sql, params: firstLink[l].map(reportValue), rows: linkCounts[l], ms: 0,
                                              cause: "\(cause): \(link.association.name) links, prepared once, run \(formatCount(linkCounts[l])) times (time included above)"))
        }
        log.recordSummary(StatementRecord(sql: release, ms: (seconds - insertSeconds) * 1000,
                                          cause: "\(cause): end of the transaction"))
        let expired = session.expireLoadedAssociations()

        // The report: counts, timing, a few sample rows; no objects.
        report.mapping = [session.schema.facts(for: mapping.name, in: session.dialect)]
        let rate = seconds > 0 ? Int(Double(count) / seconds) : count
        var summary = "seeded \(formatCount(count)) \(mapping.name) row\(count == 1 ? "" : "s") in \(String(format: "%.2f", seconds)) s (\(formatCount(rate)) rows/s), "
            + (copyKeys == nil ? "in one transaction with one prepared INSERT" : "in one transaction with one COPY (PostgreSQL's bulk load; the ids were taken from the sequence first)")
            + "; \(mapping.table) now has \(formatCount(existingRows + count)) rows"
        for (l, link) in links.enumerated() {
            summary += "; \(formatCount(linkCounts[l])) \(link.table) links (\(link.association.name), 0–3 per row)"
        }
        report.notes.append(Note(.info, summary))
        for note in notes { report.notes.append(Note(.info, note)) }
        report.notes.append(Note(.info, "seeded rows are not loaded as objects (the identity map is untouched); query them like any other rows, e.g. \(mapping.name).count or \(mapping.name).limit(5)"))
        if expired > 0 {
            report.notes.append(Note(.info, "loaded associations of \(expired) object\(expired == 1 ? "" : "s") were expired: new rows may belong to them, so they reload when touched"))
        }
        if insideTransaction {
            report.notes.append(Note(.transaction, "seeded inside the open transaction: rollback undoes the seeding too"))
        }
        report.blocks.append(.table(title: "First \(sample.count) of \(formatCount(count)) seeded rows",
                                    header: ["id"] + columns.map(\.property),
                                    rows: sample.map { row in
                                        [String(row.id)] + zip(columns, row.values).map { column, value in
                                            if case .foreignKey(_, let target) = column.role, case .integer(let id) = value { return "\(target)#\(id)" }
                                            if case .foreignKey(_, let target) = column.role, case .text(let key) = value { return "\(target)#\(naturalKeyReference(key))" }
                                            return displayValue(value, type: column.scalarType, scale: column.decimalScale).display
                                        }
                                    }))
    }
}

/// "a" or "an" before a word (by its first letter, which is good enough for property names).
func article(_ word: String) -> String {
    guard let first = word.lowercased().first else { return "a" }
    return "aeiou".contains(first) ? "an" : "a"
}

/// 100000 → "100,000".
func formatCount(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
}
