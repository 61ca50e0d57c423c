import DatabaseKit

// The statement trees behind the SQL text a session ran, for `:dialect NAME`: the SQL pane in
// another dialect is the same tree rendered by that dialect's renderer, not the text rewritten.
//
// The statement log keeps text only (a 10,000-insert flush shares one SQL text; see
// `StatementRecords` in Report.swift), so the tree is kept once per distinct text, not per
// statement run: the session's dialect is a `SessionDialect`, which records each tree it renders
// under the text it wrote. Statement caches (an entity's INSERT, the flush's UPDATEs) render once,
// so recording costs one dictionary look-up per render, never per executed statement.

/// A statement ORMLab renders, as a value any dialect can render again.
public enum SQLStatement: Sendable, Equatable {
    case select(Select)
    case insert(Insert)
    case update(Update)
    case delete(Delete)
    /// DDL, transaction control, the foreign-key switches of a table rebuild.
    case schema(SchemaStatement)
    /// `begin isolation LEVEL`.
    case begin(isolation: IsolationLevel)
}

/// Text → tree, for the texts one session's dialect rendered (filled when a text is new).
/// A session is used by one thread at a time, as its connection is.
public final class StatementTrees: @unchecked Sendable {
    private var byText: [String: SQLStatement] = [:]
    /// Distinct texts kept at most (chunked IN lists make new texts). When full, new texts are
    /// not kept (the pane translates them from their text and says so); the ones kept stay, as
    /// a cached statement (an entity's INSERT) is rendered only once.
    public static let capacity = 20_000

    public init() {}

    /// Keeps `tree` as the statement behind `sql` (the first tree for a text wins: a later one
    /// renders the same text, so it differs only in the values bound to its placeholders).
    public func record(_ sql: String, _ tree: @autoclosure () -> SQLStatement) {
        guard byText.count < Self.capacity, byText[sql] == nil else { return }
        byText[sql] = tree()
    }

    /// The tree that rendered `sql`, or nil for text ORMLab did not render (`:sql`, PRAGMA …).
    public func tree(for sql: String) -> SQLStatement? { byText[sql] }

    public var count: Int { byText.count }
}

/// A session's dialect: `base` spells everything; each statement it renders is recorded in
/// `statementTrees`. (Every `Dialect` requirement is forwarded here: a new requirement needs a
/// line below, or the wrapper answers with the protocol's default. `SessionDialectTests` checks.)
public struct SessionDialect: Dialect {
    public let base: any Dialect
    public let trees: StatementTrees

    public init(_ base: any Dialect, trees: StatementTrees = StatementTrees()) {
        // Never a wrapper of a wrapper.
        if let inner = base as? SessionDialect { self.base = inner.base } else { self.base = base }
        self.trees = trees
    }

    public var statementTrees: StatementTrees? { trees }

    public var name: String { base.name }
    public func quoteIdentifier(_ name: String) -> String { base.quoteIdentifier(name) }
    public func columnTypeName(_ type: ColumnType) -> String { base.columnTypeName(type) }
    public func stringLiteral(_ text: String) -> String { base.stringLiteral(text) }
    public func placeholder(_ index: Int) -> String { base.placeholder(index) }
    public func booleanLiteral(_ value: Bool) -> String { base.booleanLiteral(value) }
    public func limitClause(limit: String?, offset: String?) -> String { base.limitClause(limit: limit, offset: offset) }
    public var supportsReturning: Bool { base.supportsReturning }
    public func savepointName(_ savepoint: Savepoint) -> String { base.savepointName(savepoint) }
    public func transactionSQL(_ statement: TransactionStatement) -> String {
        let sql = base.transactionSQL(statement)
        trees.record(sql, .schema(.transaction(statement)))
        return sql
    }
    public func foreignKeyEnforcementSQL(_ enabled: Bool) -> String? {
        let sql = base.foreignKeyEnforcementSQL(enabled)
        if let sql { trees.record(sql, .schema(.foreignKeyEnforcement(enabled))) }
        return sql
    }
    public func foreignKeyCheckSQL(table: String) -> String? {
        let sql = base.foreignKeyCheckSQL(table: table)
        if let sql { trees.record(sql, .schema(.foreignKeyCheck(table: table))) }
        return sql
    }
    public func generatedKeyClause() -> String { base.generatedKeyClause() }
    public var readsGeneratedKeysWithReturning: Bool { base.readsGeneratedKeysWithReturning }
    public func insertOutputClause(_ columns: [String]) -> String { base.insertOutputClause(columns) }
    public func insertReturningClause(_ columns: [String]) -> String { base.insertReturningClause(columns) }
    public var caseInsensitiveLikeOperator: String { base.caseInsensitiveLikeOperator }
    public var likeEscapesWithBackslash: Bool { base.likeEscapesWithBackslash }
    public var altersColumnsInPlace: Bool { base.altersColumnsInPlace }
    public func conversionSQL(_ column: String, from: ColumnType, to: ColumnType) -> String {
        base.conversionSQL(column, from: from, to: to)
    }
    public func resetGeneratedKeySQL(table: String, column: String) -> String? {
        let sql = base.resetGeneratedKeySQL(table: table, column: column)
        if let sql { trees.record(sql, .schema(.resetGeneratedKey(table: table, column: column))) }
        return sql
    }
    public var savepointStartsTransaction: Bool { base.savepointStartsTransaction }
    public func beginSQL(isolation: IsolationLevel) -> String? {
        let sql = base.beginSQL(isolation: isolation)
        if let sql { trees.record(sql, .begin(isolation: isolation)) }
        return sql
    }
    public var isolationLevelsNote: String { base.isolationLevelsNote }
    public func rowLockClause(_ lock: RowLock) -> String? { base.rowLockClause(lock) }
    public var locksWholeDatabase: Bool { base.locksWholeDatabase }
}

extension Dialect {
    /// A recorded statement in this dialect: its SQL (nil when this database needs no such step,
    /// such as a foreign-key switch where foreign keys are checked anyway) and its arguments.
    public func render(_ statement: SQLStatement) -> RenderedSQL? {
        switch statement {
        case .select(let s): return SQLRenderer.render(s, in: self)
        case .insert(let s): return SQLRenderer.render(s, in: self)
        case .update(let s): return SQLRenderer.render(s, in: self)
        case .delete(let s): return SQLRenderer.render(s, in: self)
        case .schema(let s): return render(s).map { RenderedSQL(sql: $0, arguments: []) }
        case .begin(let isolation): return beginSQL(isolation: isolation).map { RenderedSQL(sql: $0, arguments: []) }
        }
    }
}
