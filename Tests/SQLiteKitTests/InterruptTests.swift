import Foundation
import Testing
@testable import SQLiteKit

// MARK: - Interrupting a running query

@Test(.timeLimit(.minutes(1)))
func interruptFromAnotherThreadStopsALongQuery() throws {
    let connection = try Connection()
    try connection.execute("CREATE TABLE t(x); BEGIN; INSERT INTO t VALUES (1)")
    let countToABillion = """
        WITH RECURSIVE counter(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM counter WHERE n < 1000000000)
        SELECT count(*) FROM counter
        """
    // sqlite3_interrupt only stops statements already running: under load the query may start
    // after the first call, so the interrupter repeats until the query has ended.
    let finished = NSLock()
    nonisolated(unsafe) var done = false
    let interrupter = Thread {
        while true {
            Thread.sleep(forTimeInterval: 0.2)
            if finished.withLock({ done }) { return }
            connection.interrupt()
        }
    }
    let start = Date()
    interrupter.start()
    var rows = 0
    let error = #expect(throws: SQLiteError.self) {
        try connection.query(countToABillion) { _ in rows += 1 }
    }
    finished.withLock { done = true }
    #expect(Date().timeIntervalSince(start) < 30)
    #expect(rows == 0)
    #expect(error?.isInterrupted == true)
    #expect(error?.codeName == "SQLITE_INTERRUPT")
    #expect(error?.message == "interrupted")
    #expect(error?.sql == countToABillion)

    // The connection still works, the same cached statement included.
    try connection.execute("COMMIT")
    var values: [Int64] = []
    try connection.query("SELECT x FROM t") { values.append($0.int64(0)) }
    let shortCount = countToABillion.replacingOccurrences(of: "1000000000", with: "1000")
    try connection.query(shortCount) { values.append($0.int64(0)) }
    #expect(values == [1, 1000])
}

@Test func interruptWithNothingRunningDoesNotAffectTheNextStatement() throws {
    let connection = try Connection()
    connection.interrupt()
    var values: [Int64] = []
    try connection.query("SELECT 1") { values.append($0.int64(0)) }
    #expect(values == [1])
}

@Test func transactionsAreVisible() throws {
    let connection = try Connection()
    #expect(!connection.isInTransaction)
    try connection.execute("BEGIN")
    #expect(connection.isInTransaction)
    try connection.execute("ROLLBACK")
    #expect(!connection.isInTransaction)
}
