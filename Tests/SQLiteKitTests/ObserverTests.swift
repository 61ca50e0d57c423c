import Testing
@testable import SQLiteKit

// MARK: - The trace hook

/// Collects what the observer reports.
final class StatementRecorder {
    var statements: [ExecutedStatement] = []
    func attach(to connection: Connection) {
        connection.observer = { [unowned self] in self.statements.append($0) }
    }
}

@Test func observerSeesEachStatementOfAScriptSeparately() throws {
    let connection = try Connection()
    let recorder = StatementRecorder()
    recorder.attach(to: connection)
    try connection.execute("""
        CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        -- a comment between statements
        INSERT INTO author(name) VALUES ('Ann'), ('Bob');
        """)
    #expect(recorder.statements.map(\.sql) == [
        "CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
        "-- a comment between statements\nINSERT INTO author(name) VALUES ('Ann'), ('Bob')",
    ])
    #expect(recorder.statements.map(\.rows) == [0, 2])
    #expect(recorder.statements.allSatisfy { $0.params.isEmpty && $0.duration >= 0 })
}

@Test func observerRecordsWritesWithParamsAndChanges() throws {
    let connection = try Connection()
    try connection.execute("CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT)")
    let recorder = StatementRecorder()
    recorder.attach(to: connection)

    let inserted = try connection.run("INSERT INTO author(name) VALUES (?), (?)", [.text("Ann"), .text("Bob")])
    let updated = try connection.run("UPDATE author SET name = upper(name) WHERE id = ?", [.integer(2)])
    let created = try connection.run("CREATE TABLE tag(id INTEGER PRIMARY KEY)")

    #expect(inserted == 2)
    #expect(updated == 1)
    #expect(created == 0)   // not the stale sqlite3_changes of the UPDATE before it
    #expect(recorder.statements.map(\.sql) == [
        "INSERT INTO author(name) VALUES (?), (?)",
        "UPDATE author SET name = upper(name) WHERE id = ?",
        "CREATE TABLE tag(id INTEGER PRIMARY KEY)",
    ])
    #expect(recorder.statements.map(\.params) == [[.text("Ann"), .text("Bob")], [.integer(2)], []])
    #expect(recorder.statements.map(\.rows) == [2, 1, 0])
    #expect(recorder.statements.allSatisfy { $0.duration >= 0 && $0.status.vmSteps > 0 })
    #expect(connection.lastInsertRowID == 2)
}

@Test func observerRecordsAQueryOnceWithItsRowCount() throws {
    let connection = try Connection()
    try connection.execute("CREATE TABLE n(v INTEGER); INSERT INTO n VALUES (1), (2), (3), (4)")
    let recorder = StatementRecorder()
    recorder.attach(to: connection)

    var values: [Int64] = []
    let rows = try connection.query("SELECT v FROM n WHERE v > ? ORDER BY v", [.integer(1)]) { values.append($0.int64(0)) }

    #expect(rows == 3)
    #expect(values == [2, 3, 4])
    #expect(recorder.statements.count == 1)
    let recorded = try #require(recorder.statements.first)
    #expect(recorded.sql == "SELECT v FROM n WHERE v > ? ORDER BY v")
    #expect(recorded.params == [.integer(1)])
    #expect(recorded.rows == 3)
    #expect(recorded.duration >= 0)
}

@Test func aThrowingBodyStillReportsTheRowsThatRan() throws {
    struct Stop: Error {}
    let connection = try Connection()
    let recorder = StatementRecorder()
    recorder.attach(to: connection)
    #expect(throws: Stop.self) {
        try connection.query("WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 10) SELECT value FROM s") { row in
            if row.int64(0) == 3 { throw Stop() }
        }
    }
    #expect(recorder.statements.map(\.rows) == [3])
    // The cached statement was reset: the same query runs again from the start.
    #expect(try connection.query("WITH RECURSIVE s(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM s WHERE value < 10) SELECT value FROM s") { _ in } == 10)
}

@Test func introspectionIsNotReported() throws {
    let connection = try Connection()
    try connection.execute("CREATE TABLE a(x)")
    let recorder = StatementRecorder()
    recorder.attach(to: connection)
    _ = try connection.tableNames()
    _ = try connection.columns(of: "a")
    _ = try connection.integrityCheck()
    #expect(recorder.statements.isEmpty)
}
