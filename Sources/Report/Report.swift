import DatabaseKit
// The report: what one command did, as plain data. The terminal renderer, the JSON renderer, the
// lesson checks and the tests all read this same value, so nothing is computed twice.

/// Everything one command showed: mapping facts, the SQL it ran with causes, the objects it
/// hydrated, teaching notes and diagnostics, plus free-form output blocks for workbench commands.
public struct Report: Sendable, Equatable {
    /// The command as typed.
    public var input: String
    /// False when the command failed (any error diagnostic).
    public var ok: Bool
    /// Entities whose mapping this command defined, changed or is about.
    public var mapping: [EntityFacts]
    /// Every statement run for this command, in order.
    public var sql: StatementRecords
    /// The objects this command returned or touched, in display order.
    public var objects: [ObjectSnapshot]
    /// A scalar result (`Author.count` → "3", `Author#1.name` → "\"Ursula\""), if any.
    public var value: ReportValue?
    /// Teaching notes under the panes: identity-map hits, N+1 warnings, autoflush, unused eager loads.
    public var notes: [Note]
    public var diagnostics: [DiagnosticRecord]
    /// Extra output of workbench commands (`:help`, `:log`, `:pending`, `:explain`, `:sql` rows...).
    public var blocks: [Block]
    /// Objects that exist in the result but were left out of `objects` (large results).
    public var omittedObjects: Int
    /// The session that ran the command, when more than one is open (pane headers name it).
    public var sessionName: String? = nil
    /// Each saved object's way through validations, callbacks, SQL and commit (spec §10).
    public var lifecycle: [LifecycleTimeline] = []

    public init(input: String, ok: Bool = true, mapping: [EntityFacts] = [], sql: StatementRecords = [],
                objects: [ObjectSnapshot] = [], value: ReportValue? = nil, notes: [Note] = [],
                diagnostics: [DiagnosticRecord] = [], blocks: [Block] = [], omittedObjects: Int = 0) {
        self.input = input
        self.ok = ok
        self.mapping = mapping
        self.sql = sql
        self.objects = objects
        self.value = value
        self.notes = notes
        self.diagnostics = diagnostics
        self.blocks = blocks
        self.omittedObjects = omittedObjects
    }

    /// The same, with the statements as an array.
    public init(input: String, ok: Bool = true, mapping: [EntityFacts] = [], sql: [StatementRecord],
                objects: [ObjectSnapshot] = [], value: ReportValue? = nil, notes: [Note] = [],
                diagnostics: [DiagnosticRecord] = [], blocks: [Block] = [], omittedObjects: Int = 0) {
        self.init(input: input, ok: ok, mapping: mapping, sql: StatementRecords(sql), objects: objects, value: value,
                  notes: notes, diagnostics: diagnostics, blocks: blocks, omittedObjects: omittedObjects)
    }

    /// Makes this the empty report of a new command, as `Report(input:)` would, in place: a
    /// script reuses one report for all its commands, so a command's report is neither built
    /// as a temporary and copied nor destroyed field by field when most fields are empty.
    /// (Reports handed out before keep their own arrays: they are values.)
    public mutating func reset(input: String) {
        self.input = input
        ok = true
        if !mapping.isEmpty { mapping = [] }
        if !sql.isEmpty { sql = [] }
        if !objects.isEmpty { objects = [] }
        value = nil
        if !notes.isEmpty { notes = [] }
        if !diagnostics.isEmpty { diagnostics = [] }
        if !blocks.isEmpty { blocks = [] }
        omittedObjects = 0
        sessionName = nil
        if !lifecycle.isEmpty { lifecycle = [] }
    }

    /// One-line summary under the panes: "1 query · 2 rows · 2 objects (1 from the identity map)".
    public var summary: String {
        var parts: [String] = []
        let n = sql.count
        parts.append("\(n) \(n == 1 ? "statement" : "statements")")
        let rows = sql.reduce(0) { $0 + $1.rows }
        parts.append("\(rows) \(rows == 1 ? "row" : "rows")")
        let total = objects.count + omittedObjects
        if total > 0 {
            var s = "\(total) \(total == 1 ? "object" : "objects")"
            let hits = objects.filter(\.fromIdentityMap).count
            if hits > 0 { s += " (\(hits) from the identity map)" }
            parts.append(s)
        }
        return parts.joined(separator: " · ")
    }
}

// MARK: - Mapping facts

/// How one entity maps to its table.
public struct EntityFacts: Sendable, Equatable {
    public var entity: String
    public var table: String
    public var columns: [ColumnFacts]
    public var associations: [AssociationFacts]
    /// `CREATE INDEX` lines in readable form: "author_name ON author(name)".
    public var indexes: [String]
    /// Not nil while the entity waits for another to be defined ("waiting for Book").
    public var status: String?
    /// Who writes its objects, once a pattern was chosen with `:set pattern`: "the session's
    /// unit of work …" or "each object itself …" (nil otherwise: nothing is shown).
    public var persistedBy: String?
    /// For a class of an inheritance hierarchy: its place, where its rows live and what the
    /// strategy costs (a NULL, a JOIN, a UNION ALL); empty for other entities.
    public var inheritance: [String] = []

    public init(entity: String, table: String, columns: [ColumnFacts], associations: [AssociationFacts],
                indexes: [String] = [], status: String? = nil) {
        self.entity = entity
        self.table = table
        self.columns = columns
        self.associations = associations
        self.indexes = indexes
        self.status = status
    }
}

/// property → column with its SQL type and constraints.
public struct ColumnFacts: Sendable, Equatable {
    /// The property name ("name"), or the association's name for a foreign key ("author").
    public var property: String
    public var column: String
    /// "INTEGER", "TEXT", "REAL", "BLOB".
    public var sqlType: String
    /// "PRIMARY KEY", "NOT NULL", "UNIQUE", "DEFAULT 0", "REFERENCES author(id) ON DELETE CASCADE".
    public var constraints: [String]

    public init(property: String, column: String, sqlType: String, constraints: [String]) {
        self.property = property
        self.column = column
        self.sqlType = sqlType
        self.constraints = constraints
    }
}

/// One association, named in the vocabulary learners meet in other ORMs.
public struct AssociationFacts: Sendable, Equatable {
    public var name: String
    /// "belongs-to", "has-many", "has-one", "many-to-many".
    public var kind: String
    public var target: String
    /// Where the data lives: "author.id ← book.author_id", "join table book_tag(book_id, tag_id)".
    public var storage: String
    /// Extra facts: "optional", "required", "on delete cascade", "inverse of Book.author", "pending".
    public var details: [String]

    public init(name: String, kind: String, target: String, storage: String, details: [String] = []) {
        self.name = name
        self.kind = kind
        self.target = target
        self.storage = storage
        self.details = details
    }
}

// MARK: - SQL

/// One executed statement with why it ran.
public struct StatementRecord: Sendable, Equatable {
    public var sql: String
    public var params: [ReportValue]
    /// Rows returned (SELECT) or changed (INSERT/UPDATE/DELETE).
    public var rows: Int
    /// Wall time in milliseconds.
    public var ms: Double
    /// What triggered it: "Author.all", "Author#1.books", "include(books)", "save: Author#1 dirty",
    /// "autoflush before Author.all".
    public var cause: String
    /// The driver's own counters (SQLite's statement status): VM steps, full-scan steps, sorts, auto-indexes.
    public var counters: StatementCounters?
    /// Set when SQLite refused the statement: the error, in ORM terms where the runtime knows them.
    public var error: String?

    public init(sql: String, params: [ReportValue] = [], rows: Int = 0, ms: Double = 0, cause: String,
                counters: StatementCounters? = nil, error: String? = nil) {
        self.sql = sql
        self.params = params
        self.rows = rows
        self.ms = ms
        self.cause = cause
        self.counters = counters
        self.error = error
    }
}

/// The statements of a report, in order: a random-access collection of `StatementRecord`, made
/// from an array or from the statement log's entries (`StatementEntries`, plain values held by
/// this report), each record made when it is read. A flush of 10,000 inserts keeps its compact
/// entries (SQL text shared, parameters as bound, causes as their parts), and a report that
/// nobody reads never builds the 10,000 records.
///
/// Why the records themselves are not made when the command ends: measured on ormlab-bench's
/// "script" workload (10,000 inserts + save), making the save's 10,000 records at the end of
/// the command took the script's run from 196.8 M to 252.4 M instructions (callgrind, warm-up +
/// one run): +28%, against a budget of 5%. The entries are the plain values the report copies
/// instead: the log's arrays as they were when the command ended (copy-on-write), so a later
/// command cannot change a report already handed out, and reading one calls nothing outside
/// Report.
public struct StatementRecords: RandomAccessCollection, MutableCollection, RangeReplaceableCollection,
                                ExpressibleByArrayLiteral, Sendable, Equatable {
    private enum Storage: Sendable {
        case records([StatementRecord])
        case entries(StatementEntries)
    }
    private var storage: Storage
    /// The number of statements, kept apart: a command asks for it several times.
    public private(set) var endIndex: Int

    public init() {
        storage = .records([])
        endIndex = 0
    }
    public init(_ records: [StatementRecord]) {
        storage = .records(records)
        endIndex = records.count
    }
    public init<S: Sequence>(_ records: S) where S.Element == StatementRecord { self.init(Array(records)) }
    public init(arrayLiteral records: StatementRecord...) { self.init(records) }
    /// Records made from the log's entries as they are read.
    public init(entries: StatementEntries) {
        endIndex = entries.count
        storage = .entries(entries)
    }

    public var startIndex: Int { 0 }
    public func index(after i: Int) -> Int { i + 1 }
    public func index(before i: Int) -> Int { i - 1 }

    public subscript(position: Int) -> StatementRecord {
        get {
            switch storage {
            case .records(let records): return records[position]
            case .entries(let entries):
                precondition(position >= 0 && position < entries.count, "StatementRecords index out of range")
                return entries.record(at: position)
            }
        }
        set {
            var records = array
            storage = .records([])   // (so `records` is the only reference: no copy on write)
            records[position] = newValue
            self = StatementRecords(records)
        }
    }

    public mutating func replaceSubrange<C: Collection>(_ subrange: Range<Int>, with newElements: C)
        where C.Element == StatementRecord {
        var records = array
        storage = .records([])
        records.replaceSubrange(subrange, with: newElements)
        self = StatementRecords(records)
    }

    /// The records as an array (made from the entries if need be).
    public var array: [StatementRecord] {
        switch storage {
        case .records(let records): return records
        case .entries(let entries): return (0..<entries.count).map(entries.record(at:))
        }
    }

    /// The SQL text of statement `i`, without making its record.
    public func sql(at i: Int) -> String {
        switch storage {
        case .records(let records): return records[i].sql
        case .entries(let entries): return entries.sql(at: i)
        }
    }

    /// The positions of the statements whose SQL starts with `prefix`, without making their
    /// records (the N+1 check looks for SELECTs among a flush's thousands of INSERTs).
    public func indices(ofSQLWithPrefix prefix: String) -> [Int] {
        switch storage {
        case .records(let records): return records.indices.filter { records[$0].sql.hasPrefix(prefix) }
        case .entries(let entries): return entries.indices(ofSQLWithPrefix: prefix)
        }
    }

    /// The cause of statement `i`, without making its record.
    public func cause(at i: Int) -> String {
        switch storage {
        case .records(let records): return records[i].cause
        case .entries(let entries): return entries.cause(at: i)
        }
    }

    public static func == (lhs: StatementRecords, rhs: StatementRecords) -> Bool {
        lhs.count == rhs.count && lhs.elementsEqual(rhs)
    }
}

/// A statement's counters as the report shows them: the driver's per-statement counters
/// (`DatabaseKit.StatementStatus`: VM steps, full-scan steps, sorts, automatic-index rows),
/// plain values already.
public typealias StatementCounters = StatementStatus

// MARK: - Objects

/// A value as shown to the learner (and typed in JSON).
public enum ReportValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case bool(Bool)
    /// Binary data, shown by size.
    case blob([UInt8])
    /// An exact decimal (a Decimal property), written as it is: `10.50`.
    case decimal(String)

    /// As the DSL would write it: `nil`, `42`, `3.5`, `"text"`, `true`, `<3 bytes>`.
    public var display: String {
        switch self {
        case .null: return "nil"
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .text(let s):
            var out = "\""
            for ch in s.unicodeScalars {
                switch ch {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                default:
                    // C0, DEL and C1 controls (U+0080–U+009F: a terminal reads U+009B as an escape).
                    if ch.value < 0x20 || (0x7F...0x9F).contains(ch.value) { out += "\\u{\(String(ch.value, radix: 16))}" }
                    else { out.unicodeScalars.append(ch) }
                }
            }
            return out + "\""
        case .bool(let b): return b ? "true" : "false"
        case .blob(let bytes): return "<\(bytes.count) bytes>"
        case .decimal(let text): return text
        }
    }
}

/// One object as the objects pane shows it.
/// One object's lifecycle during a save: validate → before callbacks → SQL → after callbacks →
/// commit, each step as a line ("validate ✓ email format: email", "before save: email = \"a@x.org\"").
public struct LifecycleTimeline: Sendable, Equatable {
    public var ref: String
    public var steps: [String]
    public init(ref: String, steps: [String]) {
        self.ref = ref
        self.steps = steps
    }
}

public struct ObjectSnapshot: Sendable, Equatable {
    /// "Author#1", or "Author (new)" before it has an id.
    public var ref: String
    public var entity: String
    /// The object's state when the command ended, copied from the runtime's (see `State`).
    public var state: State
    /// Property values in declaration order; to-one foreign keys appear as their association.
    public var values: [NamedValue]
    public var associations: [AssociationSnapshot]
    /// True when this object came from the identity map instead of a fresh row.
    public var fromIdentityMap: Bool
    /// Old values of dirty properties (name → old value).
    public var changes: [NamedValue]
    /// Under Active Record, the state in its words ("new record", "persisted", "persisted,
    /// changed", "destroyed"); nil under the data mapper, whose words are `state`'s.
    public var activeRecordState: String?

    public init(ref: String, entity: String, state: State, values: [NamedValue],
                associations: [AssociationSnapshot] = [], fromIdentityMap: Bool = false,
                changes: [NamedValue] = []) {
        self.ref = ref
        self.entity = entity
        self.state = state
        self.values = values
        self.associations = associations
        self.fromIdentityMap = fromIdentityMap
        self.changes = changes
    }
}

extension ObjectSnapshot {
    /// A plain copy of the object's lifecycle state (Runtime's `ObjectState` is the concept and
    /// says what each means): the names the objects pane and the JSON report show.
    public enum State: String, Sendable, Equatable {
        case new, clean, dirty, deleted, partial, detached
        /// The row changed behind the session's back (bulk statement, raw `:sql`): values not current.
        case stale
    }
}

public struct NamedValue: Sendable, Equatable {
    public var name: String
    public var value: ReportValue
    public init(_ name: String, _ value: ReportValue) {
        self.name = name
        self.value = value
    }
}

/// Whether an association of an object is loaded, and what it holds.
public struct AssociationSnapshot: Sendable, Equatable {
    public var name: String
    /// nil: not loaded. Otherwise the refs it holds ("Book#1"); a to-one that is nil holds [].
    public var loaded: [String]?
    public var isToMany: Bool

    public init(name: String, loaded: [String]?, isToMany: Bool) {
        self.name = name
        self.loaded = loaded
        self.isToMany = isToMany
    }

    /// "⟨not loaded⟩", "[Book#1, Book#2]", "Author#1", "nil".
    public var display: String {
        guard let loaded else { return "⟨not loaded⟩" }
        if isToMany {
            if loaded.count > 4 { return "[\(loaded.prefix(3).joined(separator: ", ")), … \(loaded.count) total]" }
            return "[\(loaded.joined(separator: ", "))]"
        }
        return loaded.first ?? "nil"
    }
}

// MARK: - Notes, diagnostics, blocks

public struct Note: Sendable, Equatable {
    /// What the note is about. Lessons check notes by kind (`note: save`), never by their
    /// wording, so a kind is given to each note a lesson may need to see; the raw values are
    /// the names lessons and the JSON output use.
    public enum Kind: String, Sendable, CaseIterable {
        case identityMap = "identity-map"
        case nPlusOne = "n+1"
        case unusedEagerLoad = "unused-eager-load"
        case autoflush
        /// begin, nothing to save, save inside begin … commit, commit with nothing open.
        case transaction
        /// A save wrote the unit of work in one transaction.
        case save
        /// `rollback` restored the objects (or found nothing pending).
        case rollback
        /// Something waits in the unit of work: an insert or delete until `save`, `:pending`'s summary.
        case pending
        /// A redefinition migrated a table (ALTER TABLE ADD COLUMN, or a rebuild).
        case migration
        /// An entity waits for another to declare the other side.
        case waiting
        /// A JOIN's rows were collapsed into fewer objects.
        case joinRows = "join-rows"
        /// A LIMIT was applied to root ids in a subquery because of a JOIN.
        case joinLimit = "join-limit"
        /// `:explain` advice: a filter, join or order with no index.
        case missingIndex = "missing-index"
        /// SQLite's ON DELETE CASCADE / SET NULL changed other rows.
        case cascade
        /// Raw `:sql` changed rows behind the session's back.
        case rawSQL = "raw-sql"
        /// A save overwrote a value another session saved after this one read it.
        case lostUpdate = "lost-update"
        /// Locks, lock waits and isolation levels (`lock`, `begin isolation`, `database is locked`).
        case locking
        /// `:session`: a session opened, switched to or closed.
        case session
        /// A bulk update or delete: one statement, rules skipped, loaded objects synced or stale.
        case bulk
        /// An object is stale: its row changed behind the session's back.
        case stale
        /// Validations and callbacks around a save (the lifecycle timeline).
        case lifecycle
        case info
        case lesson
        /// Under Active Record: an object wrote itself (create, save, destroy), or a bare `save` wrote nothing.
        case activeRecord = "active-record"
    }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}

/// A diagnostic as the report carries it: position plus the pre-rendered source excerpt.
public struct DiagnosticRecord: Sendable, Equatable {
    public var severity: String
    public var message: String
    public var line: Int
    public var column: Int
    public var hint: String?
    /// The full rendering with the quoted source line and caret.
    public var rendered: String

    public init(severity: String, message: String, line: Int, column: Int, hint: String?, rendered: String) {
        self.severity = severity
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
        self.rendered = rendered
    }
}

/// Free-form output of a workbench command.
public enum Block: Sendable, Equatable {
    /// A heading and paragraphs of text.
    case text(title: String?, body: String)
    /// A table with a header row: `:sql` results, `:compare`, `:stats`.
    case table(title: String?, header: [String], rows: [[String]])
    /// Preformatted lines shown as they are (query-plan trees, DSL examples, Swift code).
    case code(title: String?, lines: [String])
    /// An entity-relationship diagram (`:diagram`), laid out by each renderer for its medium.
    case diagram(title: String?, ERDiagram)
}
