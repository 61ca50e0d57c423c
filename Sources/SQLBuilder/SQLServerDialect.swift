// SQL Server's SQL (T-SQL): shown beside what ran (`:dialect sqlserver`), not run.

/// SQL Server's spelling of SQL.
public struct SQLServerDialect: Dialect {
    public init() {}

    public var name: String { "SQL Server" }

    /// Square brackets.
    public func quoteIdentifier(_ name: String) -> String {
        "[" + name.replacing("]", with: "]]") + "]"
    }

    /// NVARCHAR(MAX) cannot be UNIQUE or indexed, so text is `NVARCHAR(450)`; booleans are BIT.
    public func columnTypeName(_ type: ColumnType) -> String {
        switch type {
        case .integer: return "BIGINT"
        case .real: return "FLOAT"
        case .text: return "NVARCHAR(450)"
        case .boolean: return "BIT"
        case .date: return "DATETIME2"
        case .blob: return "VARBINARY(MAX)"
        case .decimal(let precision, let scale): return "DECIMAL(\(precision),\(scale))"
        }
    }

    /// Named parameters: `@p1`, `@p2`, … (what sp_executesql binds).
    public func placeholder(_ index: Int) -> String { "@p" + String(index) }

    /// No TRUE or FALSE in T-SQL: a BIT is 1 or 0.
    public func booleanLiteral(_ value: Bool) -> String { value ? "1" : "0" }

    /// `OFFSET m ROWS FETCH NEXT n ROWS ONLY` (it needs an ORDER BY; a limit alone starts at 0).
    public func limitClause(limit: String?, offset: String?) -> String {
        guard limit != nil || offset != nil else { return "" }
        var clause = " OFFSET " + (offset ?? "0") + " ROWS"
        if let limit { clause += " FETCH NEXT " + limit + " ROWS ONLY" }
        return clause
    }

    public func generatedKeyClause() -> String { "IDENTITY(1,1) PRIMARY KEY" }

    /// `OUTPUT INSERTED.[id]` between the column list and VALUES.
    public func insertOutputClause(_ columns: [String]) -> String {
        guard !columns.isEmpty else { return "" }
        return " OUTPUT " + columns.map { "INSERTED." + quoteIdentifier($0) }.joined(separator: ", ")
    }

    public func savepointName(_ savepoint: Savepoint) -> String { savepoint.name }

    /// SAVE TRANSACTION names a savepoint; there is no RELEASE (it ends with the transaction).
    public func transactionSQL(_ statement: TransactionStatement) -> String {
        switch statement {
        case .begin, .beginImmediate: return "BEGIN TRANSACTION"
        case .commit: return "COMMIT TRANSACTION"
        case .rollback: return "ROLLBACK TRANSACTION"
        case .savepoint(let s): return "SAVE TRANSACTION " + savepointName(s)
        case .release(let s): return "-- (no RELEASE in SQL Server: savepoint " + savepointName(s) + " ends with the transaction)"
        case .rollbackTo(let s): return "ROLLBACK TRANSACTION " + savepointName(s)
        }
    }
}
