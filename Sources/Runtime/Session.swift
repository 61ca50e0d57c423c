import DSL
import Mapping
import Report
import DatabaseKit
import SQLBuilder

/// A mistake or failure in ORM terms: which object, which association, and what to do instead.
public struct ORMError: Error, Equatable {
    public var message: String
    public var hint: String?
    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
}

/// What `rollback` undid: the objects put back (or discarded when new), and the many-to-many
/// link changes ("Book#1.tags.add(Tag#2)") that were pending or written since the last commit.
public struct RollbackResult {
    public var objects: [ManagedObject]
    public var linkChanges: [String]
    public var isEmpty: Bool { objects.isEmpty && linkChanges.isEmpty }
}

/// How touching an unloaded association behaves (`:set lazy ...`).
public enum LazyPolicy: String, Sendable, CaseIterable {
    /// Run a query for this one object (the default; the source of N+1).
    case select
    /// Load the association for every object of the same query at once (Hibernate's batch fetching).
    case batch
    /// Refuse: a diagnostic (Rails' strict_loading, SQLAlchemy's raiseload).
    case raise
}

/// The ORM session: connection, schema, identity map, unit of work and statement log.
///
/// One object per row per session (the identity map); changes are collected and written by
/// `save` in one transaction (the unit of work); every statement is recorded with its cause.
public final class Session {
    public let db: SessionDatabase
    /// How this session's driver spells SQL: every statement it runs is rendered by it.
    public let dialect: any Dialect
    /// The statement trees behind the SQL text this session rendered, by text (`:dialect NAME`).
    public let statementTrees = StatementTrees()
    public internal(set) var schema: Schema
    var infos: [String: EntityInfo] = [:]
    /// The source text of each pending redefinition (`Schema.pendingRedefinitions`), stored in a
    /// file database once the redefinition is applied.
    var pendingRedefinitionSources: [String: String] = [:]
    public let log: StatementLog
    public var lazyPolicy: LazyPolicy = .select
    public var autoflush = true
    /// What `now()` gives in assignments and callbacks, and timestamps (a Date value, UTC).
    public var now: () -> String = ScalarExpression.systemNow
    /// How a bulk update or delete treats objects already loaded (`:set sync ...`).
    public var bulkSync: BulkSync = .evaluate
    let unitOfWork = UnitOfWork()
    /// Who persists objects (`:set pattern`): the session's unit of work, or each object itself
    /// (Active Record). See `ActiveRecordPersistence.swift`.
    public internal(set) var pattern: PersistencePattern = .dataMapper
    /// Whether a row is one object per session (`:set identity-map`); off, as in Rails, every
    /// load builds new objects. Checked once per load, never per row.
    public internal(set) var usesIdentityMap = true
    /// Without an identity map: the ids of the rows loaded so far, by entity, and how many
    /// objects were built for a row that already had one (`objectsLoadedTwice`).
    var rowsLoadedWithoutIdentityMap: [String: Set<Int64>] = [:]
    var duplicateObjectCount = 0
    /// Active Record objects changed and not saved yet (they are in no unit of work), so a
    /// switch of pattern cannot leave them behind.
    var unsavedActiveRecordObjects: [ManagedObject] = []
    /// `begin` was typed and no `commit`/`rollback` yet.
    public internal(set) var explicitTransaction = false
    /// Notes produced while running the current command (autoflush, cascades...).
    public internal(set) var pendingNotes: [Note] = []
    /// The lifecycle timelines of the current command's flushes (validations, callbacks).
    public internal(set) var pendingTimelines: [LifecycleTimeline] = []
    /// The objects of recent queries, by load group number (see `ManagedObject.loadGroup`).
    var loadGroups: [Int: [ManagedObject]] = [:]
    var loadGroupCounter = 0
    /// Objects whose `eagerLoaded` is not empty, so a new command resets only those (not every
    /// object of the identity map, which may hold a million).
    var eagerlyLoadedObjects: [ManagedObject] = []
    /// True while other sessions share the database: a save first compares each changed
    /// property's row with what this session read, and names a lost update (`noteLostUpdates`).
    public var checksLostUpdates = false

    /// `log`: a log to continue (a session moved to another connection keeps its history).
    public convenience init(connection: SessionDatabase, naming: NamingConvention = .standard) {
        self.init(connection: connection, naming: naming, log: StatementLog())
    }

    init(connection: SessionDatabase, naming: NamingConvention, log: StatementLog) {
        self.db = connection
        self.log = log
        // Records the tree behind each text it renders, for `:dialect NAME` (StatementTrees.swift).
        self.dialect = SessionDialect(connection.sqlDialect, trees: statementTrees)
        self.schema = Schema(naming: naming)
        schema.canDropColumns = connection.supportsDropColumn
        // The log itself, not the session: it refers to nothing, so this makes no cycle, and
        // calling the observer then costs no check-and-retain of an unowned session per statement.
        connection.observer = { [log] executed in log.record(executed) }
        connection.lendingObserver = { [log] executed, params in log.record(executed, lending: params) }
        connection.failureObserver = { [log, database = dialect.name] executed, error in
            log.recordFailure(executed, error: error, database: database)
        }
    }

    public func info(_ entity: String) -> EntityInfo? { infos[entity] }

    /// Sets the naming convention for entities defined from now on.
    public func setNaming(_ naming: NamingConvention) { schema.naming = naming }

    // MARK: - Commands

    public func beginCommand(_ text: String) {
        log.beginCommand(text)
        // (Only when there is something to clear: most commands of a script leave nothing, and
        // assigning an empty array still releases the old one.)
        if !pendingNotes.isEmpty { pendingNotes = [] }
        if !pendingTimelines.isEmpty { pendingTimelines = [] }
        if !eagerlyLoadedObjects.isEmpty {
            for object in eagerlyLoadedObjects { object.eagerLoaded = [] }
            eagerlyLoadedObjects = []
        }
    }

    public func addNote(_ note: Note) { pendingNotes.append(note) }

    /// The surprises a "why" note explained already in this session ("savepoint", "same value"…):
    /// each is explained once, the first time it happens, not under every command after.
    public private(set) var explainedTopics: Set<String> = []

    /// True the first time `topic` is asked about in this session (it is then marked explained).
    public func shouldExplain(_ topic: String) -> Bool {
        explainedTopics.insert(topic).inserted
    }

    /// Forgets which topics were explained: for a session whose earlier commands nobody read
    /// (a lesson's setup, replayed in its sandbox), so the learner still gets each "why" once.
    public func forgetExplainedTopics() { explainedTopics = [] }

    /// Adds `note` to the current command's notes the first time `topic` comes up in this session.
    public func explainOnce(_ topic: String, _ note: Note) {
        if shouldExplain(topic) { addNote(note) }
    }

    // MARK: - Defining entities

    /// Maps a declaration, runs its DDL (or migration) and records the declaration for reopening.
    /// On failure the schema is unchanged.
    /// `onDisk`: what the entity's table holds when it no longer matches the mapping (changed with
    /// raw SQL); the migration then starts from it, which repairs the drift.
    public func define(_ decl: EntityDecl, source: String, onDisk: TableOnDisk? = nil) -> SchemaChange {
        var change = schema.defining(decl, onDisk: onDisk, in: dialect)
        if change.diagnostics.contains(where: { $0.severity == .error }) { return change }
        if !change.statements.isEmpty && (db.isInTransaction || unitOfWork.hasChanges) {
            change.diagnostics.append(Diagnostic(.error, "cannot change the schema while changes are pending or a transaction is open",
                                                 at: decl.name.range, hint: "run `save` (or `rollback`) first, then define \(decl.name.name) again"))
            change.schema = schema
            return change
        }
        // The DDL and the stored declaration are written in one transaction, so a crash between
        // them cannot leave a table the next session does not know how to map. A table rebuild
        // brings its own BEGIN … COMMIT (after PRAGMA foreign_keys = OFF, which a transaction
        // would ignore); the declaration is stored just before that COMMIT.
        let name = decl.name.name
        if change.schema.pendingRedefinitions.contains(where: { $0.entity == name }) {
            // Waiting for the other side: nothing runs, and the stored declaration stays the one
            // the tables were made from.
            pendingRedefinitionSources[name] = source
            adopt(change.schema)
            return change
        }
        /// This declaration, and the waiting ones it applied (stored first, so a reopened file
        /// replays them before the entity they waited for).
        func saveDeclarations() throws {
            for applied in change.appliedRedefinitions {
                if let appliedSource = pendingRedefinitionSources[applied] {
                    try saveDeclaration(applied, source: appliedSource)
                }
            }
            try saveDeclaration(name, source: source)
        }
        let ownTransaction = change.steps.contains(.transaction(.begin))
        let wrapInTransaction = !change.steps.isEmpty && !ownTransaction
        var declarationSaved = false
        /// Undoes a failed change: the rebuild's ROLLBACK is shown like its BEGIN; ours is not.
        func rollBack() {
            guard db.isInTransaction else { return }
            if wrapInTransaction { log.withoutRecording { try? run(.rollback) } } else { try? run(.rollback) }
        }
        do {
            if wrapInTransaction { try log.withoutRecording { try run(.begin) } }
            try log.withCause("entity \(decl.name.name)") {
                for step in change.steps {
                    if step == .transaction(.commit) && !declarationSaved {
                        try log.withoutRecording { try saveDeclarations() }
                        declarationSaved = true
                    }
                    guard let statement = dialect.render(step) else { continue }
                    if case .foreignKeyCheck = step {
                        // Violations come back as rows, not as an error.
                        var violations = 0
                        try db.query(statement, []) { _ in violations += 1 }
                        if violations > 0 {
                            throw ORMError("the rebuilt table breaks \(violations) foreign key reference\(violations == 1 ? "" : "s")",
                                           hint: "some rows point at rows that do not exist; fix them (:sql) and define \(decl.name.name) again")
                        }
                    } else {
                        try db.execute(statement)
                    }
                }
            }
            try log.withoutRecording {
                if !declarationSaved { try saveDeclarations() }
                if wrapInTransaction { try run(.commit) }
            }
        } catch let error as any DatabaseError {
            rollBack()
            restoreForeignKeyEnforcement()
            if let missing = requiredColumnWithoutValue(error, in: change.schema, entity: decl.name.name) {
                change.diagnostics.append(missing(decl))
            } else {
                change.diagnostics.append(Diagnostic(.error, "\(dialect.name) refused the schema change: \(error.message)", at: decl.name.range,
                                                     hint: explainSchemaError(error)))
            }
            change.schema = schema
            return change
        } catch let error as ORMError {
            rollBack()
            restoreForeignKeyEnforcement()
            change.diagnostics.append(Diagnostic(.error, error.message, at: decl.name.range, hint: error.hint))
            change.schema = schema
            return change
        } catch {
            rollBack()
            change.diagnostics.append(Diagnostic(.error, "\(error)", at: decl.name.range))
            change.schema = schema
            return change
        }
        db.clearStatementCache()
        adopt(change.schema)
        // Only now, after success: a failed change keeps the schema, pending redefinitions included.
        pendingRedefinitionSources[name] = nil
        for applied in change.appliedRedefinitions { pendingRedefinitionSources[applied] = nil }
        if onDisk != nil {
            // The rows were changed behind the mapping's back: loaded objects may not match them.
            infos[name]?.identityMap.removeAll()
        }
        return change
    }

    /// "NOT NULL constraint failed: new_book.isbn" while copying rows into the rebuilt table: a
    /// new required property without a default, on a table that has rows. Said in ORM terms.
    private func requiredColumnWithoutValue(_ error: any DatabaseError, in newSchema: Schema, entity: String) -> ((EntityDecl) -> Diagnostic)? {
        let prefix = "NOT NULL constraint failed: "
        guard error.message.hasPrefix(prefix), let mapping = newSchema.entity(entity) else { return nil }
        let target = error.message.dropFirst(prefix.count)
        guard let dot = target.firstIndex(of: "."), target[..<dot] == "new_" + mapping.table else { return nil }
        let columnName = String(target[target.index(after: dot)...])
        guard let column = mapping.columns.first(where: { $0.name == columnName }) else { return nil }
        let rows = (try? log.withoutRecording { () -> Int64 in
            var n: Int64 = 0
            let count = dialect.render(Select(columns: [.function("COUNT", [.raw("*")])], from: mapping.table))
            try db.query(count.sql, count.arguments) { n = $0.int64(0) }
            return n
        }) ?? 0
        let written: String
        let example: String
        switch column.role {
        case .scalar(let type):
            written = "\(column.property): \(type.rawValue)"
            let sample: String
            switch type {
            case .int: sample = "0"
            case .double: sample = "0.0"
            case .decimal: sample = "0.00"
            case .string: sample = "\"\""
            case .bool: sample = "false"
            case .date: sample = "\"2024-01-01\""
            case .data: sample = "\"\""
            }
            example = "give it a default (\(written) = \(sample)) or make it optional (\(written)?)"
        case .foreignKey(let association, let target):
            written = "\(association): \(target)"
            example = "make it optional (\(written)?), then set it on each \(entity) and make it required again"
        case .primaryKey:
            return nil
        }
        return { decl in
            Diagnostic(.error, "\(entity) has \(rows) row\(rows == 1 ? "" : "s"), and the new required property '\(column.property)' has no value for them; the table rebuild was rolled back, nothing changed",
                       at: decl.members.compactMap { m -> SourceRange? in
                           if case .property(let p) = m, p.name.name == column.property { return p.range }
                           return nil
                       }.first ?? decl.name.range,
                       hint: example)
        }
    }

    private func explainSchemaError(_ error: any DatabaseError) -> String? {
        if error.message.contains("NOT NULL") {
            return "existing rows have no value for a new required property: give it a default (= ...) or make it optional (?)"
        }
        if error.isConstraintViolation {
            return "existing rows break the new constraint; fix the data first (:sql can help) or relax the definition"
        }
        return nil
    }

    /// Moves each time a schema is adopted (an entity defined, changed or restored): what was
    /// derived from an entity's mapping is stale once it moved.
    public private(set) var schemaGeneration = 0

    /// Makes `newSchema` current: refreshes runtime infos, keeps live objects.
    func adopt(_ newSchema: Schema) {
        let old = schema
        schema = newSchema
        schemaGeneration += 1
        for name in newSchema.order {
            guard let mapping = newSchema.entities[name] else { continue }
            if let info = infos[name] {
                let oldColumns = old.entities[name]?.columns.map(\.name) ?? []
                info.update(mapping)
                if oldColumns != mapping.columns.map(\.name) {
                    // The table changed shape: loaded objects no longer match; forget them.
                    info.identityMap.removeAll()
                }
            } else {
                infos[name] = EntityInfo(mapping: mapping, dialect: dialect)
            }
        }
        if !newSchema.hierarchy.isEmpty { adoptInheritance(newSchema) }
    }

    /// Runs a transaction control statement in this session's dialect.
    func run(_ control: TransactionStatement) throws {
        try db.execute(dialect.transactionSQL(control))
    }

    /// Turns foreign-key enforcement back on after a failed table rebuild (where the dialect
    /// switches it off for one).
    private func restoreForeignKeyEnforcement() {
        if let sql = dialect.foreignKeyEnforcementSQL(true) { try? db.execute(sql) }
    }

    private func saveDeclaration(_ name: String, source: String) throws {
        try db.storeEntityDefinition(StoredEntityDefinition(name: name, source: source))
    }

    /// Stores declarations in the database's metadata without running anything else: the
    /// inferred model of a database ORMLab did not make, once the learner changes its schema,
    /// so that reopening restores the whole model and not only the entity changed.
    public func storeDeclarations(_ declarations: [(name: String, source: String)]) throws {
        // Like the declaration `define` stores: ORMLab's bookkeeping, not the learner's statements.
        try log.withoutRecording { for (name, source) in declarations { try saveDeclaration(name, source: source) } }
    }

    /// Entity declarations stored in a file database by an earlier session, in definition order.
    public func storedDeclarations() throws -> [(name: String, source: String)] {
        try log.withoutRecording { try db.storedEntityDefinitions().map { ($0.name, $0.source) } }
    }

    /// Rebuilds the mapping from a stored declaration without running DDL (the tables exist).
    public func restore(_ decl: EntityDecl, keepingDeclaredTypes: Bool = false) -> [Diagnostic] {
        var change = schema.defining(decl, in: dialect)
        if change.diagnostics.contains(where: { $0.severity == .error }) { return change.diagnostics }
        if keepingDeclaredTypes {
            // Tables another program made: the mapping pane shows the types they declare
            // (NVARCHAR(120), NUMERIC(10,2)), and a Decimal takes its scale from them. Every
            // mapped entity, since this one may have mapped others that were waiting for it.
            for var mapping in change.schema.orderedEntities where !mapping.columns.contains(where: { $0.declaredType != nil }) {
                guard let onDisk = try? log.withoutRecording({ try db.columns(of: mapping.table) }) else { continue }
                var declared = Dictionary(onDisk.map { ($0.name.lowercased(), $0.type) }, uniquingKeysWith: { a, _ in a })
                // PostgreSQL's NUMERIC(10,2): the catalog keeps the modifiers columns(of:) leaves out.
                if let full = try? log.withoutRecording({ try db.schemaCatalog?.declaredColumnTypes(of: mapping.table) }) {
                    for (column, type) in full { declared[column.lowercased()] = type }
                }
                for i in mapping.columns.indices {
                    mapping.columns[i].declaredType = declared[mapping.columns[i].name.lowercased()].flatMap { $0.isEmpty ? nil : $0 }
                }
                // Its indexes keep the names the database gave them (IFK_AlbumArtistId), so
                // the mapping pane, :explain and a later migration speak of the real ones.
                if let catalog = db.schemaCatalog, let real = try? log.withoutRecording({ try catalog.indexes(of: mapping.table) }) {
                    for i in mapping.indexes.indices {
                        if let match = real.first(where: { $0.columns == mapping.indexes[i].columns && $0.isUnique == mapping.indexes[i].isUnique }) {
                            mapping.indexes[i].name = match.name
                        }
                    }
                }
                change.schema.entities[mapping.name] = mapping
            }
        }
        // The table's column order, which ALTER TABLE ADD COLUMN may have made unlike the
        // declaration's: objects are read by position, so the mapping follows the table.
        if let table = change.schema.entity(decl.name.name)?.table,
           let onDisk = try? log.withoutRecording({ try db.columns(of: table).map(\.name) }),
           let reordered = change.schema.withColumnOrder(onDisk, of: decl.name.name) {
            adopt(reordered)
            return []
        }
        adopt(change.schema)
        return []
    }

    // MARK: - Transactions

    /// `begin`: opens an explicit transaction; `save` inside it flushes without committing.
    /// `begin`; `immediate` runs BEGIN IMMEDIATE, which takes SQLite's write lock at once.
    /// `isolation`: the level asked for (`begin isolation serializable`), spelled by the dialect.
    public func begin(immediate: Bool = false, isolation: IsolationLevel? = nil, cause: String? = nil) throws {
        guard !explicitTransaction else { throw ORMError("a transaction is already open", hint: "`commit` or `rollback` it first") }
        var statement = dialect.transactionSQL(immediate ? .beginImmediate : .begin)
        if let isolation {
            guard let sql = dialect.beginSQL(isolation: isolation) else {
                throw ORMError("\(dialect.name) has no \(isolation.rawValue.uppercased()) isolation level",
                               hint: dialect.isolationLevelsNote)
            }
            statement = sql
        }
        try log.withCause(cause ?? (immediate ? "begin immediate" : isolation.map { "begin isolation \($0.rawValue)" } ?? "begin")) {
            if db.isInTransaction {
                // An autoflush left an implicit transaction open; it becomes the explicit one.
                addNote(Note(.transaction, "an autoflush had already opened a transaction; it continues as the explicit one"))
            } else {
                try db.execute(statement)
            }
        }
        explicitTransaction = true
    }

    /// `save`: flushes the unit of work and commits, in one transaction (unless `begin` is open).
    public func save() throws -> FlushResult {
        if checksLostUpdates { noteLostUpdates() }
        let firstTimeline = pendingTimelines.count
        let result = try flush(reason: "save")
        if !explicitTransaction && db.isInTransaction {
            try log.withCause("save") { try run(.commit) }
            unitOfWork.committed()
            for i in firstTimeline..<pendingTimelines.count { pendingTimelines[i].steps.append("commit") }
        } else if explicitTransaction {
            addNote(Note(.transaction, "inside begin … commit, save flushes the changes; commit makes them permanent"))
        }
        return result
    }

    /// `commit`: flushes and commits the open transaction.
    public func commit() throws -> FlushResult {
        if checksLostUpdates { noteLostUpdates() }
        let firstTimeline = pendingTimelines.count
        let result = try flush(reason: "commit")
        if db.isInTransaction {
            try log.withCause("commit") { try run(.commit) }
            for i in firstTimeline..<pendingTimelines.count { pendingTimelines[i].steps.append("commit") }
        } else {
            addNote(Note(.transaction, "no transaction was open; there was nothing to commit"))
        }
        explicitTransaction = false
        unitOfWork.committed()
        return result
    }

    /// `rollback`: discards pending changes and rolls back the open transaction; objects return
    /// to their last committed state and loaded associations are expired (as SQLAlchemy does).
    public func rollback() throws -> RollbackResult {
        // The link changes it undoes, read before they are cleared: pending ones, and those an
        // autoflush already wrote inside the transaction being rolled back.
        let links = (unitOfWork.flushedLinkChanges + unitOfWork.linkChanges).map(\.description)
        if db.isInTransaction {
            try log.withCause("rollback") { try run(.rollback) }
        }
        explicitTransaction = false
        let restored = unitOfWork.restoreCommittedState(session: self)
        for info in infos.values {
            for object in info.identityMap.values { object.associations.removeAll() }
        }
        return RollbackResult(objects: restored, linkChanges: links)
    }

    /// `:forget`: the identity map empties (a new request); pending changes are discarded.
    public func forget() -> Int {
        var count = 0
        for info in infos.values {
            count += info.inheritance == nil ? info.identityMap.count : info.ownObjectCount
            info.identityMap.removeAll()
        }
        loadGroups.removeAll()
        unitOfWork.clear()
        unsavedActiveRecordObjects = []
        rowsLoadedWithoutIdentityMap = [:]
        return count
    }

    /// Number of objects in the identity map.
    public var identityMapCount: Int { infos.values.reduce(0) { $0 + ($1.inheritance == nil ? $1.identityMap.count : $1.ownObjectCount) } }
}

extension Session {
    /// Takes `old`'s mapping, identity map, history and settings: the same session, moved to a
    /// new connection (an in-memory database copied to a file so a second session can open it).
    /// `old` must have nothing pending and no transaction open; it is not used afterwards.
    func takeOver(from old: Session) {
        schema = old.schema
        infos = old.infos
        pendingRedefinitionSources = old.pendingRedefinitionSources
        lazyPolicy = old.lazyPolicy
        autoflush = old.autoflush
        loadGroups = old.loadGroups
        loadGroupCounter = old.loadGroupCounter
        explainedTopics = old.explainedTopics
        schemaGeneration = old.schemaGeneration + 1
    }
}
