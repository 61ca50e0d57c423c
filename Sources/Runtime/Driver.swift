import DatabaseKit
import SQLBuilder
import SQLiteKit

// The one file of the Runtime that names a driver. The session holds SQLiteKit's connection as
// its concrete type, so the hot paths (hydration reading columns by index, the flush binding an
// object's values in place) make direct calls that inline down to the C API, not a witness call
// per column; everything the Runtime asks of it is a `Database` requirement, except the flush's
// `run(_:lending:)`, a driver-specific fast path. A second driver makes this alias a generic
// parameter of `Session` (or a second session type), and the layers above do not change: they
// see the connection only as `any Database` (`Session.database`).

/// The driver a session talks to (see the file comment for why it is concrete).
public typealias SessionDatabase = SQLiteKit.Connection

extension SessionDatabase {
    /// The SQL dialect this driver speaks.
    static var sqlDialect: any Dialect { SQLiteDialect() }
}

extension Session {
    /// A session on a new connection to the database at `path` (`":memory:"` for one in memory).
    public static func open(path: String) throws -> Session {
        Session(connection: try SessionDatabase(path: path))
    }

    /// This session, moved to a copy of its database in a new file at `path`: SQLite's in-memory
    /// database belongs to one connection, so a second session needs the data in a file both can
    /// open. Mapping, identity map, statement log and settings come along; nothing may be pending.
    public func movedToFile(at path: String) throws -> Session {
        guard !hasPendingChanges, !db.isInTransaction else {
            throw ORMError("this session has unsaved changes or an open transaction", hint: "`save` or `rollback` first, then open the second session")
        }
        let connection = try SessionDatabase(path: path)
        try db.copyDatabase(into: connection)
        let moved = Session(connection: connection, naming: schema.naming, log: log)
        moved.takeOver(from: self)
        return moved
    }

    /// A second session on the database file this session uses, sharing its mapping.
    public func openingAnotherSession() throws -> Session {
        let other = Session(connection: try SessionDatabase(path: db.path), naming: schema.naming)
        other.shareMapping(of: self)
        return other
    }

    /// The connection, through the driver seam: what the workbench and the tools above it use.
    public var database: any Database { db }

    /// Stops the statement running on this session's connection (from another thread, e.g. on
    /// Ctrl-C); the command then fails with an "interrupted" diagnostic and the session goes on.
    public func interrupt() { db.interrupt() }
}

/// A row of the session's driver, read by column index in the hydration loops.
typealias SessionRow = SessionDatabase.Row
