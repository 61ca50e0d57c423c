import Testing
@testable import SQLiteKit

// The failure hook: a statement SQLite refuses while running is reported with its parameters
// (so the SQL pane can show it), then the error is thrown as before.

@Test func failureObserverSeesTheRefusedStatementAndItsValues() throws {
    let connection = try Connection()
    try connection.execute("CREATE TABLE author(id INTEGER PRIMARY KEY, email TEXT UNIQUE)")
    try connection.run("INSERT INTO author(email) VALUES (?)", [.text("a@x")])
    var failures: [(sql: String, params: [SQLiteValue], code: String)] = []
    var successes = 0
    connection.observer = { _ in successes += 1 }
    connection.failureObserver = { executed, error in failures.append((executed.sql, executed.params, error.codeName)) }
    #expect(throws: SQLiteError.self) { try connection.run("INSERT INTO author(email) VALUES (?)", [.text("a@x")]) }
    #expect(throws: SQLiteError.self) { try connection.execute("INSERT INTO author(email) VALUES ('a@x')") }
    #expect(throws: SQLiteError.self) {
        try connection.query("INSERT INTO author(email) VALUES (?) RETURNING id", [.text("a@x")]) { _ in }
    }
    #expect(failures.map(\.sql) == ["INSERT INTO author(email) VALUES (?)", "INSERT INTO author(email) VALUES ('a@x')",
                                    "INSERT INTO author(email) VALUES (?) RETURNING id"])
    #expect(failures.map(\.params) == [[.text("a@x")], [], [.text("a@x")]])
    #expect(failures.map(\.code) == ["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_UNIQUE"])
    #expect(successes == 0)
    try connection.run("INSERT INTO author(email) VALUES (?)", [.text("b@x")])
    #expect(successes == 1 && failures.count == 3)
}
