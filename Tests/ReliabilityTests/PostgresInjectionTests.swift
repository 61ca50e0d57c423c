import DSL
import Foundation
import Report
import Testing
@testable import Workbench

// The injection tests of InjectionTests.swift, on PostgreSQL: hostile text in every position a
// learner can put text is bound as a parameter ($1, $2) and found as data, identifiers that are
// SQL keywords are quoted, hostile workbench arguments change nothing. And a server that drops
// the connection mid-session: one error, the session goes on and reconnects on the next command.
// Needs ORMLAB_TEST_PG (./dev test, or ./dev pg); skipped, saying so, without it.

let reliabilityServer: String? = {
    let url = ProcessInfo.processInfo.environment["ORMLAB_TEST_PG"]
    if url == nil || url!.isEmpty {
        FileHandle.standardError.write(Data("SKIPPING the PostgreSQL injection and reconnection tests: ORMLAB_TEST_PG is not set (run ./dev test, or ./dev pg and export ORMLAB_TEST_PG=<its last line>)\n".utf8))
        return nil
    }
    return url
}()

/// A workbench on a fresh schema of the test server (dropped by `body`'s end).
private func withPostgresWorkbench(library: Bool = true, _ body: (Workbench) throws -> Void) throws {
    let base = reliabilityServer!
    let schema = "rel_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    let admin = try Workbench(databasePath: base)
    try admin.session.database.execute("CREATE SCHEMA \(schema)")
    defer { try? admin.session.database.execute("DROP SCHEMA \(schema) CASCADE") }
    let wb = try Workbench(databasePath: base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema)
    if library { expectAllOK(wb.run(librarySchema, sourceName: "<schema>")) }
    try body(wb)
}

@Suite("Injection on PostgreSQL", .serialized, .enabled(if: reliabilityServer != nil, "ORMLAB_TEST_PG is not set: no PostgreSQL server"))
struct PostgresInjectionTests {
    @Test("hostile strings as values on PostgreSQL", arguments: hostileStrings.filter { !$0.contains("\u{0}") && !$0.hasPrefix("\\") })
    func hostileValues(_ hostile: String) throws {
        try withPostgresWorkbench { wb in
            let h = quoteDSLString(hostile)
            let reports = wb.run(hostileValueScript(h))
            expectAllOK(reports)
            let values = reports.map(\.value)
            #expect(values[3] == .integer(1))
            // ILIKE: `%` matches both authors. (A pattern ending in a backslash is refused by
            // PostgreSQL — backslash is LIKE's escape there, not on SQLite: see below.)
            #expect(values[4] == .integer(hostile == "%" ? 2 : 1))
            #expect(values[5] == .integer(1))
            #expect(values[6] == .integer(0))
            #expect(values[11] == .integer(2))
            #expect(values[12] == .integer(1))
            #expect(values[13] == .text(hostile))
            #expect(values[16...] == [.integer(2), .integer(1), .integer(2)])
            let statements = reports.flatMap(\.sql)
            for statement in statements where hostile.count > 2 {
                #expect(!statement.sql.contains(hostile), "\(statement.sql)")
            }
            #expect(statements.contains { $0.params.contains(.text(hostile)) && $0.sql.contains("$1") })
        }
    }

    /// Backslash is PostgreSQL's LIKE escape character (SQLite's LIKE has none): a pattern that
    /// ends with one is refused with PostgreSQL's message, the session goes on; `\'` matches a
    /// quote. The text is still bound, never spliced.
    @Test func aBackslashInALikePatternIsPostgresLikeEscape() throws {
        try withPostgresWorkbench { wb in
            let reports = wb.run(#"""
                insert Author(name: "\\", born: 1)
                insert Author(name: "'", born: 1)
                save
                Author.where(name like "\\").count
                Author.where(name like "\\'").count
                Author.where(name == "\\").count
                """#)
            #expect(reports[3].ok == false)
            #expect(reports[3].diagnostics.first?.message == "PostgreSQL: LIKE pattern must not end with escape character")
            #expect(reports[4].value == .integer(1))   // \' is the quote itself
            #expect(reports[5].value == .integer(1))
        }
    }

    /// PostgreSQL's text cannot hold a NUL (SQLite stores it): libpq would send the text cut at
    /// the NUL, so the driver refuses the value with one diagnostic; nothing is written or cut.
    @Test func aNULInTextIsRefusedAndTheSessionGoesOn() throws {
        try withPostgresWorkbench { wb in
            let reports = wb.run("insert Author(name: \(quoteDSLString("x\u{0}'; DELETE FROM book; --")), born: 1)\nsave\nrollback\nBook.count\nAuthor.count")
            #expect(reports[1].ok == false)
            #expect(reports[1].diagnostics.first?.message.contains("NUL character") == true)
            #expect(reports[3].value == .integer(1))
            #expect(reports[4].value == .integer(1))
            #expect(wb.run(#"Author.where(name == "x").count"#)[0].value == .integer(0))
        }
    }

    @Test func identifiersThatAreSQLAreQuoted() throws {
        try withPostgresWorkbench(library: false) { wb in
            let reports = wb.run(sqlWordIdentifiersScript)
            expectAllOK(reports)
            #expect(reports.last?.value == .integer(1))
            expectEveryIdentifierQuoted(reports)
        }
    }

    @Test("workbench commands with hostile arguments change nothing on PostgreSQL", arguments: [
        ":mapping '; DROP TABLE author; --",
        ":set naming '; DROP TABLE author; --",
        ":nonsense '; DROP TABLE author; --",
    ])
    func hostileCommandArguments(_ command: String) throws {
        try withPostgresWorkbench { wb in
            let reports = wb.run(command + "\nAuthor.count")
            #expect(reports.first?.ok == false)
            #expect(reports.first?.sql.isEmpty == true)
            #expect(reports.last?.value == .integer(1))
        }
    }

    /// The server ends the session's connection (as a restart or shutdown does): outside a
    /// transaction the next command opens it again and says so, nothing pending is lost; inside
    /// one, the command fails (the transaction is gone), `rollback` resets the objects, and the
    /// session goes on.
    @Test func aDroppedConnectionReconnectsOnTheNextCommand() throws {
        try withPostgresWorkbench { wb in
            func terminate() throws {
                let marker = "ormlab_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
                expectAllOK(wb.run(":sql SET application_name = '\(marker)'"))
                let admin = try Workbench(databasePath: reliabilityServer!)
                var ended = false
                try admin.session.database.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", [.text(marker)]) {
                    ended = $0.int64(0) == 1 || $0.string(0) == "t"
                }
                #expect(ended)
            }
            expectAllOK(wb.run("insert Author(name: \"Octavia\", born: 1947)"))
            try terminate()
            let after = wb.run("save\nAuthor.count")
            expectAllOK(after)
            #expect(after[0].notes.contains { $0.message.contains("was lost (the server restarted or ended the session) and opened again") })
            #expect(after[1].value == .integer(2))

            expectAllOK(wb.run("begin\nAuthor#1.born = 1930\nsave"))
            try terminate()
            let lost = wb.run("Author.count")[0]
            #expect(!lost.ok)
            #expect(lost.diagnostics.first?.message.contains("was lost inside a transaction, and PostgreSQL rolled that transaction back") == true)
            let recovered = wb.run("rollback\nAuthor#1.born\nAuthor.where(born == 1929).count")
            expectAllOK(recovered)
            #expect(recovered[1].value == .integer(1929))
            #expect(recovered[2].value == .integer(1))
        }
    }
}
