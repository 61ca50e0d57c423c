import Foundation
import Report
import SQLiteKit
import Testing
@testable import Workbench

// A key given on insert (an assigned identifier): `insert Country(id: 33, …)` writes the key in
// the INSERT and reads nothing back; `id: Int assigned` makes every insert give it. On
// PostgreSQL a given key does not move the sequence, and the error on the collision says so.

@Suite struct AssignedKeyTests {
    @Test func aGivenKeyIsWrittenByTheInsertAndOrdersTheChildAfterItsParent() throws {
        let wb = try Workbench()
        runAll(wb, """
            entity Country { name: String; cities: [City] }
            entity City { name: String; country: Country }
            """)
        let insert = runAll(wb, #"insert Country(id: 33, name: "France")"#)[0]
        #expect(insert.objects.first?.ref == "Country#33")
        #expect(insert.notes.contains { $0.message.hasPrefix("Country#33: the key was given, so the INSERT writes country.id") })
        // A child of the new parent waits for the parent's INSERT, even though its key is known.
        let reports = runAll(wb, """
            insert City(name: "Paris", country: Country#33)
            save
            """)
        #expect(dataSQL(reports[0]) == [#"INSERT INTO "country" ("id", "name") VALUES (?, ?)"#])   // autoflush before Country#33
        #expect(dataSQL(reports[1]) == [#"INSERT INTO "city" ("name", "country_id") VALUES (?, ?)"#])
        #expect(reports[1].sql.first { $0.sql.hasPrefix("INSERT") }?.params.map(\.display) == ["\"Paris\"", "33"])
        // The database numbers the keys left out: SQLite's rowid goes on past the largest.
        let next = runAll(wb, "insert Country(name: \"Spain\")\nsave")[1]
        #expect(next.objects.map(\.ref) == ["Country#34"])
        #expect(runAll(wb, ":forget\nCountry#33.cities")[1].objects.map(\.ref) == ["City#1"])
    }

    @Test func pendingShowsTheKeyedInsert() throws {
        let wb = try Workbench()
        runAll(wb, "entity Country { name: String }\ninsert Country(id: 7, name: \"Chad\")")
        let pending = runAll(wb, ":pending")[0]
        let text = blockText(pending)
        #expect(text.contains(#"INSERT INTO "country" ("id", "name") VALUES (?, ?)  -- 7, "Chad""#))
    }

    @Test func badKeysGetDiagnosticsWithLineAndColumn() throws {
        let wb = try Workbench()
        runAll(wb, "entity Country { name: String }\ninsert Country(id: 1, name: \"A\")\nsave")
        var d = try #require(wb.run(#"insert Country(id: 1, name: "B")"#).last?.diagnostics.first)
        #expect(d.message == "Country#1 is already in this session: its row exists, and the identity map holds one object per row")
        #expect((d.line, d.column) == (1, 20))
        d = try #require(wb.run(#"insert Country(id: "FR", name: "B")"#).last?.diagnostics.first)
        #expect(d.message == #"type mismatch: 'id' is Int, but "FR" is String"#)
        d = try #require(wb.run(#"insert Country(id: 2, name: "B", id: 3)"#).last?.diagnostics.first)
        #expect(d.message == "'id' is given twice")
        #expect((d.line, d.column) == (1, 34))
        // Nothing of the refused inserts is pending.
        #expect(runAll(wb, ":pending")[0].objects.isEmpty)
    }

    @Test func anAssignedKeyIsRequiredAndMappedWithoutAnIdentity() throws {
        let wb = try Workbench()
        let define = runAll(wb, #"entity Track { id: Int column("TrackId") assigned; name: String }"#)[0]
        #expect(dataSQL(define) == [#"CREATE TABLE "track" ("TrackId" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)"#])
        #expect(define.mapping.first?.columns.first?.constraints == ["PRIMARY KEY", "(assigned)"])
        let missing = try #require(wb.run(#"insert Track(name: "x")"#).last?.diagnostics.first)
        #expect(missing.message == "missing value for 'id': Track's key is assigned, so every insert gives it (the database numbers none)")
        let saved = runAll(wb, "insert Track(id: 3504, name: \"Song\")\nsave")[1]
        #expect(dataSQL(saved) == [#"INSERT INTO "track" ("TrackId", "name") VALUES (?, ?)"#])
        #expect(saved.objects.map(\.ref) == ["Track#3504"])
        // `assigned` belongs on the key, an Int.
        let misplaced = try #require(wb.run("entity Bad { name: String assigned }").last?.diagnostics.first)
        #expect(misplaced.message == "'assigned' is for the primary key: every insert gives the key, and the database numbers none")
        let textKey = try #require(wb.run("entity Bad { id: Double assigned }").last?.diagnostics.first)
        #expect(textKey.message == "the primary key is an Int (or a String, a natural key) and takes only a column name and `assigned`")
    }

    @Test func anInferredKeyThatNothingNumbersIsAssigned() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("legacy.sqlite").path
            try Connection(path: path).execute("CREATE TABLE things (id INT PRIMARY KEY, name TEXT)")
            let wb = try Workbench(databasePath: path)
            let opening = try #require(wb.openingReport)
            #expect(blockText(opening).contains("id: Int assigned"))
            let missing = try #require(wb.run(#"insert Thing(name: "x")"#).last?.diagnostics.first)
            #expect(missing.message.hasPrefix("missing value for 'id'"))
            let saved = runAll(wb, "insert Thing(id: 5, name: \"x\")\nsave\n:sql SELECT id, rowid FROM things")
            #expect(dataSQL(saved[1]) == [#"INSERT INTO "things" ("id", "name") VALUES (?, ?)"#])
            #expect(saved[1].objects.map(\.ref) == ["Thing#5"])
        }
    }
}

@Suite(.enabled(if: sessionServer != nil, "ORMLAB_TEST_PG is not set: no PostgreSQL server for the assigned-key tests"))
struct PostgresAssignedKeyTests {
    @Test func aGivenKeyDoesNotMoveTheSequenceAndTheErrorSaysHowToMoveIt() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            let reports = runAll(wb, """
                entity Country { name: String }
                insert Country(id: 1, name: "France")
                save
                """)
            #expect(dataSQL(reports[2]) == [#"INSERT INTO "country" ("id", "name") VALUES ($1, $2)"#])
            #expect(reports[1].notes.contains { $0.message.contains("a later insert without id may draw a number that is taken") })
            let failed = wb.run("insert Country(name: \"Spain\")\nsave")[1]
            let d = try #require(failed.diagnostics.first)
            #expect(d.message == "cannot save Country (new #2): the key PostgreSQL drew from country's sequence is taken (country.id is the primary key): rows were inserted with keys given explicitly, which do not move the sequence")
            #expect(d.hint?.hasSuffix(#":sql SELECT setval(pg_get_serial_sequence('"country"', 'id'), COALESCE(MAX("id"), 0) + 1, false) FROM "country"; nothing was saved"#) == true)
            // The hint's statement works: the next save draws 2.
            let fixed = runAll(wb, #"""
                :sql SELECT setval(pg_get_serial_sequence('"country"', 'id'), COALESCE(MAX("id"), 0) + 1, false) FROM "country"
                save
                """#)
            #expect(fixed[1].objects.map(\.ref) == ["Country#2"])
        }
    }

    @Test func anAssignedKeyHasNoIdentityColumn() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            let define = runAll(wb, #"entity Track { id: Int column("TrackId") assigned; name: String }"#)[0]
            #expect(dataSQL(define).first == #"CREATE TABLE "track" ("TrackId" BIGINT PRIMARY KEY, "name" TEXT NOT NULL)"#)
            let saved = runAll(wb, "insert Track(id: 3504, name: \"Song\")\nsave")[1]
            #expect(dataSQL(saved) == [#"INSERT INTO "track" ("TrackId", "name") VALUES ($1, $2)"#])
            #expect(saved.notes.isEmpty || !saved.notes.contains { $0.message.contains("sequence") })
        }
    }
}

/// The text and code blocks of a report, as one string.
private func blockText(_ report: Report) -> String {
    report.blocks.map { block -> String in
        switch block {
        case .text(_, let body): return body
        case .code(_, let lines): return lines.joined(separator: "\n")
        default: return ""
        }
    }.joined(separator: "\n")
}
