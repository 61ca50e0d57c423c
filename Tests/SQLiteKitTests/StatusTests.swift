import Testing
@testable import SQLiteKit

// MARK: - Statement status counters

/// A table of 100 rows, `v` unindexed, `w` indexed; the observer's records are returned by `run`.
func countersConnection() throws -> (Connection, StatementRecorder) {
    let connection = try Connection()
    try connection.execute("""
        CREATE TABLE item(id INTEGER PRIMARY KEY, v INTEGER, w INTEGER);
        CREATE INDEX item_w ON item(w);
        WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100)
        INSERT INTO item(v, w) SELECT (n * 37) % 100, n FROM s;
        """)
    let recorder = StatementRecorder()
    recorder.attach(to: connection)
    return (connection, recorder)
}

@Test func aTableScanCountsFullScanSteps() throws {
    let (connection, recorder) = try countersConnection()
    try connection.query("SELECT id FROM item WHERE v = ?", [.integer(37)]) { _ in }
    try connection.query("SELECT id FROM item WHERE w = ?", [.integer(37)]) { _ in }
    let status = recorder.statements.map(\.status)
    #expect(status.count == 2)
    #expect(status[0].fullScanSteps == 99)   // every row but the last steps forward
    #expect(status[1].fullScanSteps == 0)    // the index finds the row
    #expect(status[0].vmSteps > status[1].vmSteps)
}

@Test func orderByAnUnindexedColumnSorts() throws {
    let (connection, recorder) = try countersConnection()
    try connection.query("SELECT id FROM item ORDER BY v") { _ in }
    try connection.query("SELECT id FROM item ORDER BY w") { _ in }
    #expect(recorder.statements.map(\.status.sorts) == [1, 0])
}

@Test func countersAreForOneExecutionOfACachedStatement() throws {
    let (connection, recorder) = try countersConnection()
    let sql = "SELECT id FROM item WHERE v = ?"
    try connection.query(sql, [.integer(1)]) { _ in }
    try connection.query(sql, [.integer(2)]) { _ in }
    #expect(recorder.statements.map(\.status.fullScanSteps) == [99, 99])
    #expect(recorder.statements[0].status == recorder.statements[1].status)
}

@Test func aJoinWithoutAnIndexBuildsAnAutomaticIndex() throws {
    let (connection, recorder) = try countersConnection()
    try connection.execute("CREATE TABLE tag(item_v INTEGER, label TEXT); INSERT INTO tag VALUES (1, 'x'), (2, 'y')")
    recorder.statements.removeAll()
    try connection.query("SELECT item.id, tag.label FROM item JOIN tag ON tag.item_v = item.v") { _ in }
    #expect(recorder.statements.first.map { $0.status.autoIndexes > 0 } == true)
}

@Test func statementStatusCanBeReadAndReset() throws {
    let connection = try Connection()
    let statement = try connection.prepare("SELECT 1 ORDER BY 1")
    while try statement.step() {}
    #expect(statement.status(reset: false).vmSteps > 0)
    #expect(statement.status(reset: true).vmSteps > 0)
    #expect(statement.status(reset: false) == StatementStatus())
}

@Test func countersLeaveOutStepsTakenOutsideARun() throws {
    // A run resets the counters first only when the statement stepped since they were last
    // reset: steps of the cached statement taken by hand, or of a run without an observer, or
    // of a query stopped by a failing body, must not be counted in the next run.
    let (connection, recorder) = try countersConnection()
    let sql = "SELECT id FROM item WHERE v = ?"
    try connection.query(sql, [.integer(1)]) { _ in }
    let cached = try connection.cachedStatement(sql)
    try cached.bind([.integer(2)])
    while try cached.step() {}
    cached.reset()
    try connection.query(sql, [.integer(3)]) { _ in }
    let observer = connection.observer
    connection.observer = nil
    try connection.query(sql, [.integer(4)]) { _ in }
    connection.observer = observer
    try connection.query(sql, [.integer(5)]) { _ in }
    struct Stop: Error {}
    _ = try? connection.query("SELECT id FROM item", []) { _ in throw Stop() }
    try connection.query("SELECT id FROM item", []) { _ in }
    #expect(recorder.statements.count == 5)
    #expect(recorder.statements[0].status == recorder.statements[1].status)
    #expect(recorder.statements[1].status == recorder.statements[2].status)
    #expect(recorder.statements[3].status.fullScanSteps == 0)   // stopped at the first row
    #expect(recorder.statements[4].status.fullScanSteps == 99)
}
