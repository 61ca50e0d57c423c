import Report

/// The lifecycle state of a managed object, as in every unit-of-work ORM. The session moves an
/// object between them; a report carries a plain copy (`ObjectSnapshot.State`).
public enum ObjectState: String, Sendable, Equatable {
    /// Inserted in the session, not yet written.
    case new
    /// Matches its row.
    case clean
    /// Changed since it was loaded; an UPDATE is pending.
    case dirty
    /// Marked for deletion; a DELETE is pending.
    case deleted
    /// Loaded with `select(...)`: only some properties are present.
    case partial
    /// Deleted and flushed; no longer in the session.
    case detached
    /// Its row was changed behind the unit of work's back (a bulk update or delete with
    /// `:set sync none`, a raw `:sql` write): the values in memory may be old, so they are not
    /// shown as current; a query that reads the row again, or `reload`, makes it clean.
    case stale
}

extension ObjectSnapshot.State {
    /// The report's copy of `state`.
    public init(_ state: ObjectState) {
        switch state {
        case .new: self = .new
        case .clean: self = .clean
        case .dirty: self = .dirty
        case .deleted: self = .deleted
        case .partial: self = .partial
        case .detached: self = .detached
        case .stale: self = .stale
        }
    }
}
