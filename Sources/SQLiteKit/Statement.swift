import CSQLite

// MARK: - Statement

/// A prepared statement: owns its `sqlite3_stmt` and finalizes it in `deinit`.
///
/// Get one from `Connection.prepare(_:)` (yours alone) or `Connection.cachedStatement(_:)`
/// (shared, prepared once per SQL text). A statement does not keep its connection alive: the
/// connection closes with `sqlite3_close_v2`, which waits for the last statement to finalize.
public final class Statement {
    /// The SQL text this statement was prepared from.
    public let sql: String
    /// The C statement handle; valid for the lifetime of this object.
    @usableFromInline let handle: OpaquePointer
    /// The connection handle, for error messages.
    let connectionHandle: OpaquePointer
    /// Number of `?` placeholders, read once at prepare time.
    public let parameterCount: Int

    /// Prepares `sql`, which must hold exactly one statement (whitespace and comments may follow).
    init(connectionHandle: OpaquePointer, sql: String, persistent: Bool) throws {
        var statementHandle: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let flags = persistent ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        var hasTrailingStatement = false
        let utf8Count = sql.utf8.count
        let resultCode = sql.withCString { text in
            let code = sqlite3_prepare_v3(connectionHandle, text, Int32(utf8Count + 1), flags,
                                          &statementHandle, &tail)
            if code == SQLITE_OK, let tail { hasTrailingStatement = !isOnlyWhitespaceOrComments(tail) }
            return code
        }
        guard resultCode == SQLITE_OK else {
            throw SQLiteError.fromConnection(connectionHandle, resultCode: resultCode, sql: sql)
        }
        guard let statementHandle else {
            throw SQLiteError(extendedCode: SQLITE_MISUSE, message: "no SQL statement to prepare", sql: sql)
        }
        if hasTrailingStatement {
            sqlite3_finalize(statementHandle)
            throw SQLiteError(extendedCode: SQLITE_MISUSE,
                              message: "only one statement can be prepared at a time; use execute() for several",
                              sql: sql)
        }
        self.sql = sql
        self.handle = statementHandle
        self.connectionHandle = connectionHandle
        self.parameterCount = Int(sqlite3_bind_parameter_count(statementHandle))
    }

    /// Wraps a handle prepared by `Connection.execute(_:)`, which splits a script itself.
    init(connectionHandle: OpaquePointer, handle: OpaquePointer, sql: String) {
        self.sql = sql
        self.handle = handle
        self.connectionHandle = connectionHandle
        self.parameterCount = Int(sqlite3_bind_parameter_count(handle))
    }

    deinit {
        // The result repeats the last step's error, which was already thrown where it happened.
        sqlite3_finalize(handle)
        shortTexts?.deallocate()
    }

    // MARK: - Binding

    /// Binds `values` to the placeholders in order; throws `SQLITE_RANGE` if the count differs.
    public func bind(_ values: [SQLiteValue]) throws {
        try bind(values, outlivingSteps: false)
    }

    /// `outlivingSteps`: the caller keeps `values` alive until the statement is reset and binds
    /// every placeholder again before stepping it another time (`Connection.run` and `query`
    /// do), so SQLite may read long texts where they are instead of copying each one.
    func bind(_ values: [SQLiteValue], outlivingSteps: Bool) throws {
        try values.withUnsafeBufferPointer { try bind($0, outlivingSteps: outlivingSteps) }
    }

    /// `bind(_:outlivingSteps:)` of values read where they are (an array's or an object's storage).
    func bind(_ values: UnsafeBufferPointer<SQLiteValue>, outlivingSteps: Bool) throws {
        guard values.count == parameterCount else {
            throw SQLiteError(extendedCode: SQLITE_RANGE,
                              message: "expected \(parameterCount) parameter(s), got \(values.count)",
                              sql: sql)
        }
        // Whether the statement runs is asked once, not per text; the values are read through a
        // buffer pointer, which lends each one (the array's subscript copied and released it).
        let isIdle = sqlite3_stmt_busy(handle) == 0
        for offset in values.indices {
            try bind(values[offset], at: Int32(offset + 1), outlivingSteps: outlivingSteps, isIdle: isIdle)
        }
    }

    /// Bytes of each placeholder's short text (`shortTextCapacity` per placeholder), owned by
    /// the statement: a short text is copied here and bound where it is, so SQLite neither
    /// allocates nor frees a copy per bind (its own copy costs a malloc, a free, and the
    /// release of the value before). Valid until that placeholder is bound again.
    private var shortTexts: UnsafeMutablePointer<UInt8>?
    static let shortTextCapacity = 32

    /// Binds one value at a 1-based placeholder index.
    func bind(_ value: SQLiteValue, at index: Int32, outlivingSteps: Bool = false) throws {
        try bind(value, at: index, outlivingSteps: outlivingSteps, isIdle: sqlite3_stmt_busy(handle) == 0)
    }

    /// `isIdle`: the statement is not running (`sqlite3_stmt_busy` is 0).
    private func bind(_ value: SQLiteValue, at index: Int32, outlivingSteps: Bool, isIdle: Bool) throws {
        let resultCode: Int32
        switch value {
        case .null:
            resultCode = sqlite3_bind_null(handle, index)
        case .integer(let integer):
            resultCode = sqlite3_bind_int64(handle, index, integer)
        case .real(let real):
            resultCode = sqlite3_bind_double(handle, index, real)
        case .text(let text):
            // Native (and small) text is read where it is, without copying the string value;
            // other text is made contiguous in a copy first.
            let isInPlace = text.isContiguousUTF8
            let staysPut = outlivingSteps && isInPlace
            resultCode = text.utf8.withContiguousStorageIfAvailable { bytes in
                bindText(bytes, at: index, staysPut: staysPut, isIdle: isIdle)
            } ?? {
                var copy = text
                return copy.withUTF8 { bindText($0, at: index, staysPut: false, isIdle: isIdle) }
            }()
        case .blob(let bytes):
            resultCode = bytes.withUnsafeBytes { buffer in
                guard let start = buffer.baseAddress, buffer.count > 0 else {
                    // Likewise: an empty blob is a zero-length blob, not NULL.
                    return sqlite3_bind_zeroblob(handle, index, 0)
                }
                return sqlite3_bind_blob64(handle, index, start, sqlite3_uint64(buffer.count),
                                           ormlab_sqlite_transient())
            }
        }
        guard resultCode == SQLITE_OK else {
            throw SQLiteError.fromConnection(connectionHandle, resultCode: resultCode, sql: sql)
        }
    }

    /// Binds a text's bytes. `staysPut`: they stay where they are until the statement is reset
    /// and rebound, so a long text may be bound in place.
    private func bindText(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int32, staysPut: Bool, isIdle: Bool) -> Int32 {
        // The byte length (not NUL-termination) delimits the text, so embedded NULs survive.
        guard let start = bytes.baseAddress, bytes.count > 0 else {
            // A nil pointer would bind NULL; an empty string must stay an empty string.
            return sqlite3_bind_text64(handle, index, "", 0, ormlab_sqlite_static(), UInt8(SQLITE_UTF8))
        }
        let capacity = Statement.shortTextCapacity
        // (Not while the statement runs: SQLite refuses the bind, and may be reading the slot.)
        if bytes.count <= capacity, index >= 1, Int(index) <= parameterCount, isIdle {
            if shortTexts == nil {
                shortTexts = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * parameterCount)
            }
            if let shortTexts {
                let slot = shortTexts + (Int(index) - 1) * capacity
                slot.update(from: start, count: bytes.count)
                return UnsafeRawPointer(slot).withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
                    sqlite3_bind_text64(handle, index, characters, sqlite3_uint64(bytes.count),
                                        ormlab_sqlite_static(), UInt8(SQLITE_UTF8))
                }
            }
        }
        // A long native text's bytes stay where they are while the caller keeps it; a short one
        // may be held inline (a small string), in the copy made to read it.
        let inPlace = staysPut && bytes.count > 15
        return start.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
            sqlite3_bind_text64(handle, index, characters, sqlite3_uint64(bytes.count),
                                inPlace ? ormlab_sqlite_static() : ormlab_sqlite_transient(), UInt8(SQLITE_UTF8))
        }
    }

    /// Sets every placeholder back to NULL.
    public func clearBindings() {
        // Documented to always return SQLITE_OK.
        sqlite3_clear_bindings(handle)
    }

    // MARK: - Running

    /// Runs the statement to its next row: true when a row is available, false when done.
    public func step() throws -> Bool {
        countersNeedReset = true
        needsReset = true
        let resultCode = sqlite3_step(handle)
        switch resultCode {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw SQLiteError.fromConnection(connectionHandle, resultCode: resultCode, sql: sql)
        }
    }

    /// True when the statement stepped since its last `reset()`.
    private(set) var needsReset = false

    /// Rewinds the statement so it can run again; bindings are kept.
    public func reset() {
        needsReset = false
        // sqlite3_reset returns the error of the last step, which `step()` already threw.
        sqlite3_reset(handle)
    }

    /// True between the first `step()` and the `reset()` or the last row.
    public var isBusy: Bool { sqlite3_stmt_busy(handle) != 0 }

    /// The row the statement is positioned on; only meaningful after `step()` returned true.
    public var row: Row { Row(statementHandle: handle) }

    // MARK: - Columns

    /// Number of result columns (0 for statements that return no rows).
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// The name of result column `i` (its `AS` alias if any).
    public func columnName(_ i: Int) -> String {
        sqlite3_column_name(handle, Int32(i)).map { String(cString: $0) } ?? ""
    }

    /// True when the statement makes no direct change to the database file.
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    // MARK: - Counters

    /// True when the statement stepped since its counters were last reset: `Connection` resets
    /// them before a run only then (each run reads them once at its end, with a reset), so
    /// each report counts that run alone without eight counter calls per run.
    var countersNeedReset = false

    /// SQLite's counters since preparation or the last `status(reset: true)`.
    public func status(reset: Bool) -> StatementStatus {
        if reset { countersNeedReset = false }
        let resetFlag: Int32 = reset ? 1 : 0
        return StatementStatus(
            vmSteps: Int(sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_VM_STEP, resetFlag)),
            fullScanSteps: Int(sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_FULLSCAN_STEP, resetFlag)),
            sorts: Int(sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_SORT, resetFlag)),
            autoIndexes: Int(sqlite3_stmt_status(handle, SQLITE_STMTSTATUS_AUTOINDEX, resetFlag)))
    }
}

// MARK: - SQL text helpers

/// True if the C string holds only whitespace and SQL comments (what may follow a statement).
func isOnlyWhitespaceOrComments(_ text: UnsafePointer<CChar>) -> Bool {
    var position = text
    while position.pointee != 0 {
        let character = UInt8(bitPattern: position.pointee)
        switch character {
        case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0C:
            position += 1
        case UInt8(ascii: ";"):
            position += 1
        case UInt8(ascii: "-") where position[1] == CChar(UInt8(ascii: "-")):
            while position.pointee != 0 && position.pointee != CChar(UInt8(ascii: "\n")) { position += 1 }
        case UInt8(ascii: "/") where position[1] == CChar(UInt8(ascii: "*")):
            position += 2
            while position.pointee != 0
                    && !(position.pointee == CChar(UInt8(ascii: "*")) && position[1] == CChar(UInt8(ascii: "/"))) {
                position += 1
            }
            if position.pointee != 0 { position += 2 }
        default:
            return false
        }
    }
    return true
}
