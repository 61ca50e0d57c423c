// MySQL's SQL (8.0): shown beside what ran (`:dialect mysql`), not run.

/// MySQL's spelling of SQL.
public struct MySQLDialect: Dialect {
    public var likeEscapesWithBackslash: Bool { true }
    public init() {}

    public var name: String { "MySQL" }

    /// Backticks (double quotes are strings unless ANSI_QUOTES is on).
    public func quoteIdentifier(_ name: String) -> String {
        "`" + name.replacing("`", with: "``") + "`"
    }

    /// TEXT cannot be UNIQUE or indexed without a length, so text is `VARCHAR(255)`; BOOLEAN is
    /// an alias of `TINYINT(1)`.
    public func columnTypeName(_ type: ColumnType) -> String {
        switch type {
        case .integer: return "BIGINT"
        case .real: return "DOUBLE"
        case .text: return "VARCHAR(255)"
        case .boolean: return "BOOLEAN"
        case .date: return "DATETIME"
        case .blob: return "BLOB"
        case .decimal(let precision, let scale): return "DECIMAL(\(precision),\(scale))"
        }
    }

    /// A backslash escapes in MySQL's default mode, so it is doubled too.
    public func stringLiteral(_ text: String) -> String {
        "'" + text.replacing("\\", with: "\\\\").replacing("'", with: "''") + "'"
    }

    /// `LIMIT n OFFSET m`; an offset alone needs the largest LIMIT (MySQL's manual says so).
    public func limitClause(limit: String?, offset: String?) -> String {
        guard limit != nil || offset != nil else { return "" }
        var clause = " LIMIT " + (limit ?? "18446744073709551615")
        if let offset { clause += " OFFSET " + offset }
        return clause
    }

    /// AUTO_INCREMENT; the new key is read with LAST_INSERT_ID() (no RETURNING).
    public func generatedKeyClause() -> String { "AUTO_INCREMENT PRIMARY KEY" }

    public func savepointName(_ savepoint: Savepoint) -> String {
        savepoint.quoted ? quoteIdentifier(savepoint.name) : savepoint.name
    }

    public func transactionSQL(_ statement: TransactionStatement) -> String {
        switch statement {
        case .begin, .beginImmediate: return "START TRANSACTION"
        case .release(let s): return "RELEASE SAVEPOINT " + savepointName(s)
        case .rollbackTo(let s): return "ROLLBACK TO SAVEPOINT " + savepointName(s)
        default: return standardTransactionSQL(statement)
        }
    }

    /// `SET FOREIGN_KEY_CHECKS = 0/1`.
    public func foreignKeyEnforcementSQL(_ enabled: Bool) -> String? {
        "SET FOREIGN_KEY_CHECKS = " + (enabled ? "1" : "0")
    }
}
