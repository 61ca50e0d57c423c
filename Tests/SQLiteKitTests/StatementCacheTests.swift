import Testing
@testable import SQLiteKit

// MARK: - Statement cache

@Test func theCacheReturnsTheSameStatementForTheSameSQL() throws {
    let connection = try Connection()
    let first = try connection.cachedStatement("SELECT ?")
    let second = try connection.cachedStatement("SELECT ?")
    let other = try connection.cachedStatement("SELECT ? + 0")
    #expect(first === second)
    #expect(first !== other)
    connection.clearStatementCache()
    #expect(try connection.cachedStatement("SELECT ?") !== first)
    #expect(try connection.prepare("SELECT ?") !== connection.prepare("SELECT ?"))
}

@Test func aReusedStatementRunsWithNewBindings() throws {
    let connection = try Connection()
    try connection.execute("CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT)")
    for name in ["Ann", "Bob", "Cy"] {
        try connection.run("INSERT INTO author(name) VALUES (?)", [.text(name)])
    }
    var names: [String] = []
    for id in [3, 1, 2, 99] as [Int64] {
        try connection.query("SELECT name FROM author WHERE id = ?", [.integer(id)]) { names.append($0.string(0)) }
    }
    #expect(names == ["Cy", "Ann", "Bob"])
}

@Test func cachedStatementsComeBackResetWithBindingsCleared() throws {
    let connection = try Connection()
    let statement = try connection.cachedStatement("SELECT ?, ?")
    try statement.bind([.integer(1), .text("x")])
    #expect(try statement.step())
    #expect(statement.isBusy)
    let again = try connection.cachedStatement("SELECT ?, ?")
    #expect(again === statement)
    #expect(!again.isBusy)
    #expect(try again.step())
    #expect(again.row.values == [.null, .null])
    #expect(again.columnCount == 2)
    #expect(again.columnName(0) == "?")
}

@Test func aNestedQueryWithTheSameSQLGetsItsOwnStatement() throws {
    let connection = try Connection()
    try connection.execute("""
        CREATE TABLE node(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES node(id), name TEXT);
        INSERT INTO node VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 1, 'b'), (4, 2, 'a1'), (5, 3, 'b1');
        """)
    let childrenSQL = "SELECT id, name FROM node WHERE parent_id IS ? ORDER BY id"
    var visited: [String] = []
    func walk(_ parent: SQLiteValue, depth: Int) throws {
        try connection.query(childrenSQL, [parent]) { row in
            visited.append(String(repeating: " ", count: depth) + row.string(1))
            try walk(.integer(row.int64(0)), depth: depth + 1)
        }
    }
    try walk(.null, depth: 0)
    #expect(visited == ["root", " a", "  a1", " b", "  b1"])
}

@Test func bindingTheWrongNumberOfValuesThrows() throws {
    let connection = try Connection()
    let error = #expect(throws: SQLiteError.self) {
        try connection.query("SELECT ?, ?", [.integer(1)]) { _ in }
    }
    #expect(error?.codeName == "SQLITE_RANGE")
    #expect(error?.message == "expected 2 parameter(s), got 1")
    #expect(error?.sql == "SELECT ?, ?")
}

@Test func runAndPrepareTakeOneStatementOnly() throws {
    let connection = try Connection()
    try connection.execute("CREATE TABLE t(x)")
    let error = #expect(throws: SQLiteError.self) {
        try connection.run("INSERT INTO t VALUES (1); DROP TABLE t")
    }
    #expect(error?.codeName == "SQLITE_MISUSE")
    #expect(try connection.tableNames() == ["t"])
    // A trailing semicolon and comment are fine.
    #expect(try connection.run("INSERT INTO t VALUES (1); -- done") == 1)
}

@Test func aStatementStepsByHand() throws {
    let connection = try Connection()
    let statement = try connection.prepare("SELECT 1 UNION ALL SELECT 2")
    #expect(statement.sql == "SELECT 1 UNION ALL SELECT 2")
    #expect(statement.parameterCount == 0)
    #expect(try statement.step())
    #expect(statement.row.int64(0) == 1)
    #expect(try statement.step())
    #expect(statement.row.int64(0) == 2)
    #expect(try !statement.step())
    statement.reset()
    #expect(try statement.step())
    #expect(statement.row.int64(0) == 1)
}

@Test func aStatementMayOutliveItsConnection() throws {
    var connection: Connection? = try Connection()
    let statement = try connection?.prepare("SELECT 1")
    let cached = try connection?.cachedStatement("SELECT 2")
    #expect(try statement?.step() == true)
    connection = nil   // closes with sqlite3_close_v2: the handle lives until both are finalized
    #expect(statement?.sql == "SELECT 1")
    #expect(cached?.sql == "SELECT 2")
}
