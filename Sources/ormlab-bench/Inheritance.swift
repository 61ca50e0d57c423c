import CSQLite
import Foundation
import Runtime
import Workbench

// The inheritance workloads: `Vehicle.all` over 100,000 rows (half Car, half Truck) under each
// strategy, each row hydrated as an object of its real class. The baseline runs the very SQL
// ORMLab ran and reads every column of every row by hand (its class from `type`).

let inheritanceRows = 100_000

/// A database file with the Vehicle hierarchy under `strategy`, seeded with `rows` rows.
func makeVehicleDatabase(at path: String, strategy: String, rows: Int) throws {
    try defineEntities(at: path, [
        "entity Vehicle inheritance(\(strategy)) { make: String; wheels: Int }",
        "entity Car : Vehicle { doors: Int }",
        "entity Truck : Vehicle { payload: Double }",
    ])
    let workbench = try Workbench(databasePath: path)
    for command in [":seed Car \(rows / 2)", ":seed Truck \(rows - rows / 2)"] {
        for report in workbench.run(command) where !report.ok {
            throw BenchError("seeding failed: \(report.diagnostics.map(\.message).joined(separator: "; "))")
        }
    }
}

/// `Vehicle.all`
let allVehicles = Query(entity: "Vehicle", dsl: "Vehicle.all")

/// One row as a hand-written loop would keep it: its class and its values.
struct VehicleRow {
    var id: Int64
    var type: String
    var make: String
    var wheels: Int64
    var doors: Int64?
    var payload: Double?
}

/// Runs `sql` (ORMLab's own statement) and reads each row by column name.
func baselineLoadVehicles(_ db: RawDatabase, sql: String) throws -> [VehicleRow] {
    let statement = try db.prepare(sql)
    defer { sqlite3_finalize(statement) }
    var index: [String: Int32] = [:]
    for i in 0..<sqlite3_column_count(statement) { index[String(cString: sqlite3_column_name(statement, i))] = i }
    guard let id = index["id"], let type = index["type"], let make = index["make"], let wheels = index["wheels"],
          let doors = index["doors"], let payload = index["payload"] else { throw BenchError("unexpected columns in \(sql)") }
    var rows: [VehicleRow] = []
    while sqlite3_step(statement) == SQLITE_ROW {
        rows.append(VehicleRow(id: sqlite3_column_int64(statement, id), type: columnString(statement, type),
                               make: columnString(statement, make), wheels: sqlite3_column_int64(statement, wheels),
                               doors: sqlite3_column_type(statement, doors) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, doors),
                               payload: sqlite3_column_type(statement, payload) == SQLITE_NULL ? nil : sqlite3_column_double(statement, payload)))
    }
    return rows
}

/// The three inheritance workloads (keys inheritance_single, inheritance_joined, inheritance_concrete).
func inheritanceComparisons(file: (String) -> String, fixture: (String, (String) throws -> Void) throws -> Void,
                            wanted: (String) -> Bool, runs: Int) throws -> [Comparison] {
    var comparisons: [Comparison] = []
    for strategy in ["single", "joined", "concrete"] where wanted("inheritance_\(strategy)") {
        let name = "inheritance-\(strategy).db"
        try fixture(name) { try makeVehicleDatabase(at: $0, strategy: strategy, rows: inheritanceRows) }
        let orm = try ORMLabLoads(path: file(name))
        let raw = try RawDatabase(path: file(name))
        _ = try orm.fetch(allVehicles)
        guard let sql = orm.lastSQL.first, orm.lastSQL.count == 1 else { throw BenchError("Vehicle.all ran \(orm.lastSQL.count) statements") }
        comparisons.append(try compare("inheritance_\(strategy)", "inheritance(\(strategy)): Vehicle.all, \(inheritanceRows.formatted) rows as Car and Truck objects",
                                       target: 2.5, runs: runs,
            ormlab: {
                let (ms, objects) = try orm.fetch(allVehicles)
                try require(objects.count == inheritanceRows, "ORMLab hydrated \(objects.count) objects")
                try require(objects.first?.entity.name == "Car" && objects.last?.entity.name == "Truck", "objects are not of their real class")
                return ms
            },
            baseline: {
                var rows: [VehicleRow] = []
                let ms = try timed { rows = try baselineLoadVehicles(raw, sql: sql) }
                try require(rows.count == inheritanceRows, "the baseline read \(rows.count) rows")
                return ms
            }))
    }
    return comparisons
}
