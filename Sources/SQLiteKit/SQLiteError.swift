import CSQLite
import DatabaseKit

// MARK: - SQLiteError

/// A failed SQLite call: the primary and extended result code, SQLite's message and the SQL.
///
/// Every `sqlite3_*` call that can fail is checked where it is called and becomes this one error
/// type, so callers match on `code`/`extendedCode` (or `codeName`) instead of on messages.
public struct SQLiteError: DatabaseError, Sendable {
    /// The primary result code (the low byte of `extendedCode`), e.g. `SQLITE_CONSTRAINT` = 19.
    public var code: Int32
    /// The extended result code, e.g. `SQLITE_CONSTRAINT_FOREIGNKEY` = 787.
    public var extendedCode: Int32
    /// SQLite's message (`sqlite3_errmsg`), or ours for a misuse detected before calling SQLite.
    public var message: String
    /// The SQL being prepared or run when the error happened, if any.
    public var sql: String?

    /// Creates an error from an extended result code; the primary code is its low byte.
    public init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.code = extendedCode & 0xFF
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// The C name of the most precise code known: `"SQLITE_CONSTRAINT_UNIQUE"`, `"SQLITE_INTERRUPT"`.
    public var codeName: String {
        if let name = resultCodeNames[extendedCode] { return name }
        if let name = resultCodeNames[code] { return name }
        return "SQLITE_UNKNOWN(\(extendedCode))"
    }

    /// True for any `SQLITE_CONSTRAINT_*` failure (unique, foreign key, not null, check, ...).
    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }

    /// True when the statement was stopped by `Connection.interrupt()`.
    public var isInterrupted: Bool { code == SQLITE_INTERRUPT }
    /// `SQLITE_BUSY` (another connection holds the lock past the busy timeout) or `SQLITE_LOCKED`.
    public var isLockTimeout: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }

    /// The kind of constraint broken, from the extended code (`SQLITE_CONSTRAINT_FOREIGNKEY`...).
    public var violatedConstraint: ConstraintKind? {
        guard isConstraintViolation else { return nil }
        // (sqlite3.h defines the extended codes as macro expressions Swift does not import.)
        switch extendedCode {
        case 787: return .foreignKey          // SQLITE_CONSTRAINT_FOREIGNKEY
        case 2067, 1555: return .unique       // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
        case 1299: return .notNull            // SQLITE_CONSTRAINT_NOTNULL
        default: return .other
        }
    }

    /// SQLite names them after "failed: " in its message: "UNIQUE constraint failed: book_tag.book_id,
    /// book_tag.tag_id" (a foreign key failure names none).
    public var violatedColumns: [String] {
        guard isConstraintViolation, let range = message.firstRange(of: "failed: ") else { return [] }
        return message[range.upperBound...].split(separator: ",").map { String($0.drop { $0 == " " }) }
    }

    /// `SQLITE_CONSTRAINT_UNIQUE: UNIQUE constraint failed: author.email (SQL: INSERT ...)`.
    public var description: String {
        var text = "\(codeName): \(message)"
        if let sql { text += " (SQL: \(sql))" }
        return text
    }
}

// MARK: - Building errors from a handle

extension SQLiteError {
    /// The error SQLite reports for `db` right after a failed call that returned `resultCode`.
    ///
    /// Must be called before any other call on `db`, which would overwrite `sqlite3_errmsg`.
    static func fromConnection(_ db: OpaquePointer?, resultCode: Int32, sql: String?) -> SQLiteError {
        var extended = resultCode
        var message: String
        if let db {
            // The returned code is already extended once extended result codes are on; before that
            // (while opening) ask the handle for the extended one.
            if resultCode & 0xFF == resultCode {
                let fromHandle = sqlite3_extended_errcode(db)
                if fromHandle & 0xFF == resultCode { extended = fromHandle }
            }
            message = sqlite3_errmsg(db).map { String(cString: $0) } ?? ""
        } else {
            message = ""
        }
        if message.isEmpty { message = sqlite3_errstr(extended).map { String(cString: $0) } ?? "unknown error" }
        return SQLiteError(extendedCode: extended, message: message, sql: sql)
    }
}

// MARK: - Result code names

/// Every primary and extended result code of SQLite 3.40, by value (from sqlite3.h).
let resultCodeNames: [Int32: String] = [
    0: "SQLITE_OK",
    1: "SQLITE_ERROR",
    2: "SQLITE_INTERNAL",
    3: "SQLITE_PERM",
    4: "SQLITE_ABORT",
    5: "SQLITE_BUSY",
    6: "SQLITE_LOCKED",
    7: "SQLITE_NOMEM",
    8: "SQLITE_READONLY",
    9: "SQLITE_INTERRUPT",
    10: "SQLITE_IOERR",
    11: "SQLITE_CORRUPT",
    12: "SQLITE_NOTFOUND",
    13: "SQLITE_FULL",
    14: "SQLITE_CANTOPEN",
    15: "SQLITE_PROTOCOL",
    16: "SQLITE_EMPTY",
    17: "SQLITE_SCHEMA",
    18: "SQLITE_TOOBIG",
    19: "SQLITE_CONSTRAINT",
    20: "SQLITE_MISMATCH",
    21: "SQLITE_MISUSE",
    22: "SQLITE_NOLFS",
    23: "SQLITE_AUTH",
    24: "SQLITE_FORMAT",
    25: "SQLITE_RANGE",
    26: "SQLITE_NOTADB",
    27: "SQLITE_NOTICE",
    28: "SQLITE_WARNING",
    100: "SQLITE_ROW",
    101: "SQLITE_DONE",
    257: "SQLITE_ERROR_MISSING_COLLSEQ",
    513: "SQLITE_ERROR_RETRY",
    769: "SQLITE_ERROR_SNAPSHOT",
    266: "SQLITE_IOERR_READ",
    522: "SQLITE_IOERR_SHORT_READ",
    778: "SQLITE_IOERR_WRITE",
    1034: "SQLITE_IOERR_FSYNC",
    1290: "SQLITE_IOERR_DIR_FSYNC",
    1546: "SQLITE_IOERR_TRUNCATE",
    1802: "SQLITE_IOERR_FSTAT",
    2058: "SQLITE_IOERR_UNLOCK",
    2314: "SQLITE_IOERR_RDLOCK",
    2570: "SQLITE_IOERR_DELETE",
    2826: "SQLITE_IOERR_BLOCKED",
    3082: "SQLITE_IOERR_NOMEM",
    3338: "SQLITE_IOERR_ACCESS",
    3594: "SQLITE_IOERR_CHECKRESERVEDLOCK",
    3850: "SQLITE_IOERR_LOCK",
    4106: "SQLITE_IOERR_CLOSE",
    4362: "SQLITE_IOERR_DIR_CLOSE",
    4618: "SQLITE_IOERR_SHMOPEN",
    4874: "SQLITE_IOERR_SHMSIZE",
    5130: "SQLITE_IOERR_SHMLOCK",
    5386: "SQLITE_IOERR_SHMMAP",
    5642: "SQLITE_IOERR_SEEK",
    5898: "SQLITE_IOERR_DELETE_NOENT",
    6154: "SQLITE_IOERR_MMAP",
    6410: "SQLITE_IOERR_GETTEMPPATH",
    6666: "SQLITE_IOERR_CONVPATH",
    6922: "SQLITE_IOERR_VNODE",
    7178: "SQLITE_IOERR_AUTH",
    7434: "SQLITE_IOERR_BEGIN_ATOMIC",
    7690: "SQLITE_IOERR_COMMIT_ATOMIC",
    7946: "SQLITE_IOERR_ROLLBACK_ATOMIC",
    8202: "SQLITE_IOERR_DATA",
    8458: "SQLITE_IOERR_CORRUPTFS",
    262: "SQLITE_LOCKED_SHAREDCACHE",
    518: "SQLITE_LOCKED_VTAB",
    261: "SQLITE_BUSY_RECOVERY",
    517: "SQLITE_BUSY_SNAPSHOT",
    773: "SQLITE_BUSY_TIMEOUT",
    270: "SQLITE_CANTOPEN_NOTEMPDIR",
    526: "SQLITE_CANTOPEN_ISDIR",
    782: "SQLITE_CANTOPEN_FULLPATH",
    1038: "SQLITE_CANTOPEN_CONVPATH",
    1294: "SQLITE_CANTOPEN_DIRTYWAL",
    1550: "SQLITE_CANTOPEN_SYMLINK",
    267: "SQLITE_CORRUPT_VTAB",
    523: "SQLITE_CORRUPT_SEQUENCE",
    779: "SQLITE_CORRUPT_INDEX",
    264: "SQLITE_READONLY_RECOVERY",
    520: "SQLITE_READONLY_CANTLOCK",
    776: "SQLITE_READONLY_ROLLBACK",
    1032: "SQLITE_READONLY_DBMOVED",
    1288: "SQLITE_READONLY_CANTINIT",
    1544: "SQLITE_READONLY_DIRECTORY",
    516: "SQLITE_ABORT_ROLLBACK",
    275: "SQLITE_CONSTRAINT_CHECK",
    531: "SQLITE_CONSTRAINT_COMMITHOOK",
    787: "SQLITE_CONSTRAINT_FOREIGNKEY",
    1043: "SQLITE_CONSTRAINT_FUNCTION",
    1299: "SQLITE_CONSTRAINT_NOTNULL",
    1555: "SQLITE_CONSTRAINT_PRIMARYKEY",
    1811: "SQLITE_CONSTRAINT_TRIGGER",
    2067: "SQLITE_CONSTRAINT_UNIQUE",
    2323: "SQLITE_CONSTRAINT_VTAB",
    2579: "SQLITE_CONSTRAINT_ROWID",
    2835: "SQLITE_CONSTRAINT_PINNED",
    3091: "SQLITE_CONSTRAINT_DATATYPE",
    283: "SQLITE_NOTICE_RECOVER_WAL",
    539: "SQLITE_NOTICE_RECOVER_ROLLBACK",
    284: "SQLITE_WARNING_AUTOINDEX",
    279: "SQLITE_AUTH_USER",
    256: "SQLITE_OK_LOAD_PERMANENTLY",
    512: "SQLITE_OK_SYMLINK",
]
