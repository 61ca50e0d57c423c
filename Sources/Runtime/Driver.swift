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

    /// The connection, through the driver seam: what the workbench and the tools above it use.
    public var database: any Database { db }

    /// Stops the statement running on this session's connection (from another thread, e.g. on
    /// Ctrl-C); the command then fails with an "interrupted" diagnostic and the session goes on.
    public func interrupt() { db.interrupt() }
}

/// A row of the session's driver, read by column index in the hydration loops.
typealias SessionRow = SessionDatabase.Row

extension Session {
    /// A session on an in-memory copy of this session's database, rows included, with the same
    /// naming, lazy policy and autoflush; its mapping is restored by the caller from the stored
    /// declarations (`:compare pattern` runs a script on two such copies).
    public func sessionOnCopy() throws -> Session {
        let copy = Session(connection: try log.withoutRecording { try db.copyInMemory() }, naming: schema.naming)
        copy.lazyPolicy = lazyPolicy
        copy.autoflush = autoflush
        return copy
    }
}
