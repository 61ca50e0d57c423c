import DSL
import Mapping
import Runtime
import DatabaseKit

// Schema drift: raw SQL (`:sql`, or another tool on a file database) may change a table behind
// the mapping's back. Reading rows by the mapping's column order from a changed table would
// hydrate wrong values, and writing would fail with SQLite's words; so statements stop with a
// diagnostic in ORM terms until the entity is defined again (its migration then starts from the
// table as it is) or the change is undone. A change
// made in this session is known at once; one made by another program is seen by the next
// command that runs SQL, before it runs (an insert of literals runs none: see checkSchemaDrift).

/// One table that no longer matches its entity's mapping.
struct SchemaDrift: Equatable {
    var entity: String
    var table: String
    /// Nil when the table is gone.
    var missingColumns: [String]?
    var unmappedColumns: [String]
    /// What the table holds now (for repairing it by defining the entity again).
    var onDisk: TableOnDisk

    /// "the table author no longer matches the mapping of Author (missing born; unmapped extra)"
    var description: String {
        guard let missing = missingColumns else { return "the table \(table) of \(entity) is gone" }
        var parts: [String] = []
        if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
        if !unmappedColumns.isEmpty { parts.append("unmapped \(unmappedColumns.joined(separator: ", "))") }
        if parts.isEmpty { parts.append("its columns are in another order") }
        return "the table \(table) no longer matches the mapping of \(entity) (\(parts.joined(separator: "; ")))"
    }
}

extension Workbench {
    /// The database's schema version (SQLite's `PRAGMA schema_version`): it changes with every
    /// CREATE, ALTER and DROP. The driver reads it through a statement of its own, prepared
    /// once (it is read before every command), so it is not in the statement log.
    func schemaVersion() -> Int64? { session.database.schemaVersion() }

    /// The tables that no longer match the mapping, compared afresh.
    func driftedTables() -> [SchemaDrift] {
        guard let tables = try? session.database.tableNames() else { return [] }
        var drift: [SchemaDrift] = []
        for entity in session.schema.orderedEntities {
            guard tables.contains(entity.table) else {
                drift.append(SchemaDrift(entity: entity.name, table: entity.table, missingColumns: nil, unmappedColumns: [], onDisk: .gone))
                continue
            }
            let columns = (try? session.database.columns(of: entity.table).map(\.name)) ?? []
            var expected = entity.columns.map(\.name)
            // A class of a hierarchy: its table's columns are the strategy's (Inheritance.swift),
            // in the order ALTER TABLE added them.
            if !session.schema.hierarchy.isEmpty, let table = session.schema.physicalColumns(of: entity.name) {
                expected = Set(table) == Set(columns) ? columns : table
            }
            let missing = expected.filter { !columns.contains($0) }
            let extra = columns.filter { !expected.contains($0) }
            if !missing.isEmpty || !extra.isEmpty || columns != expected {
                drift.append(SchemaDrift(entity: entity.name, table: entity.table, missingColumns: missing, unmappedColumns: extra,
                                         onDisk: .columns(columns)))
            }
        }
        return drift
    }

    /// The drift, recomputed only when the schema version moved since the last look.
    func currentDrift() -> [SchemaDrift] {
        let version = schemaVersion()
        if let cache = driftCache, cache.version == version, version != nil { return cache.drift }
        let drift = driftedTables()
        driftCache = (version, drift)
        return drift
    }

    /// How to make the table and the mapping agree again: define the entity again (its migration
    /// then starts from the table as it is), or undo the change with :sql.
    func repairHint(_ drift: SchemaDrift) -> String {
        let redefine = "define \(drift.entity) again (as it is, or as the table now is) and the table is rebuilt to match, keeping the rows; or "
        guard let missing = drift.missingColumns else {
            let create = session.schema.createStatements(for: drift.entity, in: session.dialect).first.map { ": :sql \($0)" } ?? ""
            return "define \(drift.entity) again to create the table, or recreate it as the mapping expects (the CREATE TABLE that :schema shows)\(create)"
        }
        var steps: [String] = []
        if !missing.isEmpty { steps.append("add or rename back \(missing.joined(separator: ", "))") }
        if !drift.unmappedColumns.isEmpty { steps.append("drop or rename \(drift.unmappedColumns.joined(separator: ", "))") }
        if steps.isEmpty { steps.append("put the columns back in the mapping's order") }
        return redefine + "make the table match the mapping again with :sql ALTER TABLE \(drift.table) …: \(steps.joined(separator: "; ")) (:schema shows the CREATE TABLE the mapping expects)"
    }

    /// Notes after a `:sql` that changed the schema: what no longer matches, and how to fix it.
    func schemaDrift() -> [String] {
        currentDrift().map { drift in
            "warning: \(drift.description): the SQL changed the schema behind the ORM's back, so statements on \(drift.entity) stop until they agree again. To fix: \(repairHint(drift))."
        }
    }

    /// Stops a statement while some table no longer matches its mapping, naming first the
    /// entities the command mentions.
    func checkSchemaDrift(before statement: ScriptStatement, range: SourceRange, input: String) throws {
        if case .transaction(let verb, _) = statement, verb == .begin || verb == .beginImmediate || verb == .rollback || verb.rawValue.hasPrefix("begin isolation") { return }
        // An insert of literals runs no SQL (its INSERT waits for the next save or query, which
        // look afresh), so it stops on the drift already known (from :sql, or the last command
        // that looked) without reading the schema version: on a file database that read is a read
        // transaction, eight system calls, more than the rest of a script line costs.
        let drift: [SchemaDrift]
        if statement.isInsertOfLiterals, let known = driftCache { drift = known.drift } else { drift = currentDrift() }
        guard !drift.isEmpty else { return }
        let words = Set(input.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init))
        let ordered = drift.filter { words.contains($0.entity) } + drift.filter { !words.contains($0.entity) }
        let first = ordered[0]
        let others = ordered.dropFirst().map(\.entity)
        throw EvalError("\(first.description): it was changed behind the ORM's back (with :sql or another tool)", at: range,
                        hint: "reading rows by this mapping would show wrong values, so statements stop until the table and the mapping agree; "
                            + repairHint(first) + (others.isEmpty ? "" : " (\(others.joined(separator: ", ")) changed too)"))
    }
}
