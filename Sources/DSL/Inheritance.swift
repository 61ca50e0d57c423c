// Inheritance in the entity header: `entity Vehicle inheritance(single) { … }` declares a
// hierarchy's root and how it maps to tables; `entity Car : Vehicle { … }` a subclass.
// The names follow Hibernate's InheritanceType and SQLAlchemy's inheritance chapter.

/// How a class hierarchy maps to tables.
public enum InheritanceStrategy: String, Sendable, Equatable, CaseIterable {
    /// One table for the whole hierarchy, a `type` discriminator column; subclass columns are
    /// nullable (Rails' STI, Hibernate's SINGLE_TABLE).
    case single
    /// One table per class holding only that class's own columns, keyed by the parent's id;
    /// loading joins them (Hibernate's JOINED, Django's multi-table inheritance).
    case joined
    /// One full table per concrete class; a base query is a UNION ALL (Hibernate's
    /// TABLE_PER_CLASS, SQLAlchemy's concrete table inheritance).
    case concrete
}

/// `inheritance(joined)` as written.
public struct InheritanceDecl: Sendable, Equatable {
    public var strategy: InheritanceStrategy
    public var range: SourceRange
    public init(strategy: InheritanceStrategy, range: SourceRange) {
        self.strategy = strategy
        self.range = range
    }
}
