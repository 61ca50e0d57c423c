import Report
@testable import Runtime
import SQLiteKit
import Testing
@testable import Workbench

@Suite struct StatementReuseTests {
    @Test func theSameWriteReusesOnePreparedStatement() throws {
        let db = try Connection()
        try db.execute("CREATE TABLE t (x INTEGER)")
        var seen: [String] = []
        db.observer = { seen.append($0.sql) }
        for i in 0..<3 { try db.run("INSERT INTO t (x) VALUES (?)", [.integer(Int64(i))]) }
        // A query nested inside another with the same SQL still gets its own statement.
        var pairs = 0
        try db.query("SELECT x FROM t WHERE x < ?", [.integer(2)]) { _ in
            try db.query("SELECT x FROM t WHERE x < ?", [.integer(2)]) { _ in pairs += 1 }
        }
        #expect(pairs == 4)
        try db.run("INSERT INTO t (x) VALUES (?)", [.integer(9)])
        var total: Int64 = 0
        try db.query("SELECT SUM(x) FROM t") { total = $0.int64(0) }
        #expect(total == 12)
        #expect(seen.filter { $0.hasPrefix("INSERT") }.count == 4)
    }
}
