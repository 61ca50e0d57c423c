import Foundation
import Report
import SQLiteKit
import Testing
@testable import Workbench

// A Decimal column of another program's table keeps its declared scale outside an object too
// (issue 18): NUMERIC(12,4) read as a property, or summed, shows all four digits (it showed 12.35).

@Suite struct ExistingDatabaseDecimalScaleTests {
    @Test func aPropertyReadAndASumShowTheColumnsScale() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("rates.sqlite").path
            try Connection(path: path).execute("""
                CREATE TABLE rates (id INTEGER PRIMARY KEY, rate NUMERIC(12,4) NOT NULL);
                INSERT INTO rates VALUES (1, 12.3456), (2, 0.0001);
                """)
            let workbench = try Workbench(databasePath: path)
            let reports = runAll(workbench, """
            Rate#1.rate
            Rate.sum(rate)
            Rate.max(rate)
            Rate#2.rate
            """)
            #expect(sqlTexts(reports[1]) == [#"SELECT SUM(ROUND("rates"."rate" * 10000)) FROM "rates""#])
            #expect(reports.map(\.value) == [.decimal("12.3456"), .decimal("12.3457"), .decimal("12.3456"), .decimal("0.0001")])
        }
    }
}

@Suite struct ExistingDatabaseKeyGenerationTests {
    /// `INT PRIMARY KEY` is not SQLite's rowid alias: the database gives it no value, so the
    /// inferred model says so and maps the key `assigned` (an INSERT leaving it out would store NULL
    /// and hand back the rowid).
    @Test func aKeyThatIsNotARowidAliasIsSaid() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("keys.sqlite").path
            try Connection(path: path).execute("""
                CREATE TABLE things (id INT PRIMARY KEY, name TEXT);
                CREATE TABLE gadgets (id INTEGER PRIMARY KEY, name TEXT);
                """)
            let opening = try #require(try Workbench(databasePath: path).openingReport)
            let notes = opening.notes.map(\.message)
            #expect(notes.contains("Thing.id: the database gives things.id no value on INSERT (no identity, sequence or rowid alias), so the key is assigned: every insert gives it, insert Thing(id: …, …)"))
            #expect(!notes.contains { $0.hasPrefix("Gadget.id:") })
        }
    }
}
