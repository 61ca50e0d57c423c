import Mapping
import Report
import Runtime
import DatabaseKit
import SQLBuilder

// What the database holds, read with SQL behind the session's back: the lesson runner asks
// what a `save` wrote (not what the identity map shows), and what changed in a sandbox. These
// reads are not statements of the learner's command, so they are not logged.

/// The row stored for one object, as `Workbench.storedRow(_:)` finds it.
public enum StoredRow: Sendable, Equatable {
    /// `Entity` is not a defined entity (or the reference is not `Entity#id`).
    case unknownEntity
    /// The table has no row with that id.
    case missing(table: String)
    /// The row's values by property (foreign keys by association name and by column name), as
    /// the objects pane would show them; `foreignKeys` names the target entity of each foreign key.
    case row(table: String, values: [NamedValue], foreignKeys: [String: String])
}

/// What a sandbox holds that a lesson step may depend on: tables with their rows, the pending
/// unit of work, the settings and whether a transaction is open. Two sandboxes with equal
/// states behave the same for the next command (the identity map aside: loading is not a change).
public struct SandboxState: Sendable, Equatable {
    public struct Table: Sendable, Equatable {
        public var name: String
        /// The `CREATE` statement SQLite keeps for it.
        public var sql: String
        public var rows: Int
        /// The rows' values, in rowid order, joined (compared, never shown).
        public var content: String
    }
    public var tables: [Table]
    public var indexes: [String]
    /// "Author#1 dirty", "Book (new) new".
    public var pending: [String]
    public var linkChanges: Int
    public var transactionOpen: Bool
    /// "lazy select", "autoflush on".
    public var settings: [String]

    /// What differs from `other` (a replay of the learner's answer), one phrase each: "table
    /// author has 4 rows (3 in the replay)", "pending in the unit of work: Author#1 dirty".
    public func differences(from other: SandboxState) -> [String] {
        var out: [String] = []
        let mine = Dictionary(tables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let theirs = Dictionary(other.tables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for t in tables where theirs[t.name] == nil { out.append("table \(t.name) exists (not in the replay)") }
        for t in other.tables where mine[t.name] == nil { out.append("table \(t.name) is missing") }
        for t in tables {
            guard let o = theirs[t.name] else { continue }
            if t.sql != o.sql { out.append("table \(t.name) is defined differently") }
            if t.rows != o.rows { out.append("table \(t.name) has \(t.rows) row\(t.rows == 1 ? "" : "s") (\(o.rows) in the replay)") }
            else if t.content != o.content { out.append("rows of \(t.name) hold other values") }
        }
        if Set(indexes) != Set(other.indexes) {
            let extra = indexes.filter { !other.indexes.contains($0) }
            let missing = other.indexes.filter { !indexes.contains($0) }
            if !extra.isEmpty { out.append("index \(extra.joined(separator: ", ")) exists") }
            if !missing.isEmpty { out.append("index \(missing.joined(separator: ", ")) is missing") }
        }
        if pending != other.pending || linkChanges != other.linkChanges {
            let extra = pending.filter { !other.pending.contains($0) }
            if !extra.isEmpty { out.append("pending in the unit of work: \(extra.prefix(4).joined(separator: ", "))\(extra.count > 4 ? ", …" : "")") }
            else if linkChanges != other.linkChanges { out.append("\(linkChanges) link change\(linkChanges == 1 ? "" : "s") pending") }
            else { out.append("the unit of work holds other changes") }
        }
        if transactionOpen != other.transactionOpen {
            out.append(transactionOpen ? "a transaction is open" : "no transaction is open")
        }
        for (s, o) in zip(settings, other.settings) where s != o {
            out.append("\(s) (the replay: \(o))")
        }
        return out
    }
}

extension Workbench {
    /// The key of a reference's text after `#`: an id, or a natural key (`FR`, `"New Zealand"`).
    private func storedKey(_ text: Substring, of mapping: EntityMapping) -> DatabaseValue? {
        guard mapping.columns[0].holdsTextKey else { return Int64(text).map(DatabaseValue.integer) }
        var key = String(text)
        if key.count >= 2, key.hasPrefix("\""), key.hasSuffix("\"") { key = String(key.dropFirst().dropLast()) }
        return .text(key)
    }

    /// The row of `ref` ("Author#1") as stored, read with one SELECT that is not logged.
    public func storedRow(_ ref: String) -> StoredRow {
        let parts = ref.split(separator: "#", omittingEmptySubsequences: false)
        guard parts.count == 2, let mapping = session.schema.entity(String(parts[0])), let key = storedKey(parts[1], of: mapping) else { return .unknownEntity }
        let query = session.dialect.render(Select(columns: mapping.columns.map { .column(table: nil, name: $0.name) }, from: mapping.table,
                                                  filter: .eq(.column(table: nil, name: mapping.columns[0].name), .value(key))))
        var values: [NamedValue] = []
        var foreignKeys: [String: String] = [:]
        let found = unlogged {
            (try? session.database.query(query.sql, query.arguments) { row in
                for (i, column) in mapping.columns.enumerated() {
                    let value = displayValue(row.value(i), type: column.scalarType, scale: column.decimalScale)
                    values.append(NamedValue(column.name, value))
                    if case .foreignKey(let association, let target) = column.role {
                        values.append(NamedValue(association, value))
                        foreignKeys[association] = target
                        foreignKeys[column.name] = target
                    } else if column.property != column.name {
                        values.append(NamedValue(column.property, value))
                    }
                }
            }) ?? 0
        }
        return found == 0 ? .missing(table: mapping.table) : .row(table: mapping.table, values: values, foreignKeys: foreignKeys)
    }

    /// What a to-many or has-one association of `ref` holds in the database, as the objects
    /// pane writes it ("[Tag#1, Tag#2]", "Profile#1", "nil"): read from the join table or the
    /// other table's foreign key, not from the identity map. Nil when there is no such association.
    public func storedAssociation(_ ref: String, _ name: String) -> String? {
        let parts = ref.split(separator: "#", omittingEmptySubsequences: false)
        guard parts.count == 2, let mapping = session.schema.entity(String(parts[0])), let key = storedKey(parts[1], of: mapping),
              let association = mapping.association(named: name), let target = session.schema.entity(association.target) else { return nil }
        /// `SELECT "column" FROM "table" WHERE "owner" = ? ORDER BY "column"`
        func ids(_ column: String, from table: String, where owner: String) -> RenderedSQL {
            let selected = SQLExpr.column(table: nil, name: column)
            return session.dialect.render(Select(columns: [selected], from: table, filter: .eq(.column(table: nil, name: owner), .value(key)),
                                                 orderBy: [OrderTerm(selected)]))
        }
        let query: RenderedSQL
        if let join = association.joinTable {
            query = ids(join.targetColumn, from: join.name, where: join.ownerColumn)
        } else if association.kind != .belongsTo, let foreignKey = association.foreignKey {
            query = ids(target.columns[0].name, from: target.table, where: foreignKey)
        } else {
            return nil
        }
        var refs: [String] = []
        let textKeys = target.columns[0].holdsTextKey
        unlogged {
            _ = try? session.database.query(query.sql, query.arguments) { row in
                refs.append("\(target.name)#" + (textKeys ? naturalKeyReference(row.string(0)) : String(row.int64(0))))
            }
        }
        if association.isToMany { return "[" + refs.joined(separator: ", ") + "]" }
        return refs.first ?? "nil"
    }

    /// Why each statement a `save` would run is pending, as `:pending` prints it ("Book#1 dirty
    /// (title)", "Book#1.tags.remove(Tag#2)"); nil when the plan cannot be made.
    public func pendingReasons() -> [String]? {
        (try? session.pendingStatements())?.map(\.reason)
    }

    /// An object of the session as the objects pane shows it, by the ref the pane prints:
    /// `Author#1` from the identity map, or `Author (new #3)` among the new objects.
    public func objectSnapshot(_ ref: String) -> ObjectSnapshot? {
        if let loaded = loadedSnapshot(ref) { return loaded }
        guard ref.hasSuffix(")") else { return nil }
        return session.pendingObjects.first { $0.ref == ref }.map { snapshot($0) }
    }

    /// The sandbox's state (see `SandboxState`), read without logging a statement.
    public func sandboxState() -> SandboxState {
        var tables: [SandboxState.Table] = []
        var indexes: [String] = []
        unlogged {
            let master = ((try? session.database.schemaObjects()) ?? []).map { (type: $0.type, name: $0.name, sql: $0.sql ?? "") }
            for entry in master {
                if entry.type == "index" { indexes.append(entry.name); continue }
                guard entry.type == "table", !entry.name.hasPrefix("sqlite_") else { continue }
                var rows = 0
                var content = ""
                let all = session.dialect.render(Select(columns: [.raw("*")], from: entry.name))
                _ = try? session.database.query(all.sql, all.arguments) { row in
                    rows += 1
                    content += row.values.map(\.sqlLiteral).joined(separator: ",") + "\n"
                }
                tables.append(SandboxState.Table(name: entry.name, sql: entry.sql, rows: rows, content: content))
            }
        }
        let pending = session.pendingObjects.map { "\($0.ref) \($0.state.rawValue)" }
        return SandboxState(tables: tables, indexes: indexes, pending: pending, linkChanges: session.pendingLinkCount,
                            transactionOpen: session.database.isInTransaction,
                            settings: ["lazy loading is \(session.lazyPolicy.rawValue)", "autoflush is \(session.autoflush ? "on" : "off")"])
    }

    /// Runs `body` with the statement log's hook off.
    private func unlogged<T>(_ body: () -> T) -> T {
        let database = session.database
        let observer = database.observer
        database.observer = nil
        defer { database.observer = observer }
        return body()
    }
}
