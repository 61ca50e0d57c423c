import CLibPQ
import Foundation
import Runtime
import Workbench

// PostgreSQL hydration: ORMLab on PostgreSQL (PostgresKit) against a hand-written libpq loop
// (PQexec, PQgetvalue, parsing text into Swift structs), in the same process, on the same
// server and table. The server is ORMLAB_BENCH_PG or ORMLAB_TEST_PG (`./dev pg` prints one);
// without either the workload is skipped, saying so.

let postgresServer: String? = {
    let environment = ProcessInfo.processInfo.environment
    return [environment["ORMLAB_BENCH_PG"], environment["ORMLAB_TEST_PG"]].compactMap { $0 }.first { !$0.isEmpty }
}()

/// A fresh schema with `rows` people, made by the server itself (generate_series); returns the
/// connection string that uses it.
func makePostgresPeople(server: String, schema: String, rows: Int) throws -> String {
    let url = server + (server.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema
    let admin = try Workbench(databasePath: server)
    try admin.session.database.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema)")
    let workbench = try Workbench(databasePath: url)
    let defined = workbench.run(personDeclaration, sourceName: "bench")
    try require(defined.allSatisfy(\.ok), "could not define Person on PostgreSQL")
    try workbench.session.database.execute("""
        INSERT INTO "person" ("name", "email", "age", "score", "city")
        SELECT 'Person ' || n, 'person' || n || '@example.com', 18 + n % 60, (n % 1000) / 10.0,
               (ARRAY['Lyon','Amsterdam','Buenos Aires','Kraków','Nairobi','Osaka','Montréal','Porto'])[1 + n % 8]
        FROM generate_series(1, \(rows)) AS n;
        ANALYZE "person"
        """)
    return url
}

func dropPostgresSchema(server: String, schema: String) {
    if let admin = try? Workbench(databasePath: server) {
        try? admin.session.database.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
    }
}

/// The libpq baseline's connection.
final class RawPostgres {
    let connection: OpaquePointer
    init(_ conninfo: String) throws {
        guard let c = PQconnectdb(conninfo), PQstatus(c) == CONNECTION_OK else {
            throw BenchError("libpq could not connect for the baseline")
        }
        connection = c
    }
    deinit { PQfinish(connection) }
}

@inline(__always)
private func pgString(_ result: OpaquePointer, _ row: Int32, _ column: Int32) -> String {
    let bytes = UnsafeRawPointer(PQgetvalue(result, row, column)!).assumingMemoryBound(to: UInt8.self)
    return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(PQgetlength(result, row, column))), as: UTF8.self)
}

@inline(__always)
private func pgInt(_ result: OpaquePointer, _ row: Int32, _ column: Int32) -> Int64 {
    strtoll(PQgetvalue(result, row, column), nil, 10)
}

/// `SELECT "person".* FROM "person"` through libpq into structs (text results, as ORMLab reads them).
func baselineHydratePeoplePostgres(_ db: RawPostgres) throws -> [PersonRow] {
    guard let result = PQexecParams(db.connection, "SELECT \"person\".* FROM \"person\"", 0, nil, nil, nil, nil, 0) else {
        throw BenchError("libpq returned no result")
    }
    defer { PQclear(result) }
    try require(PQresultStatus(result) == PGRES_TUPLES_OK, "the baseline query failed")
    let count = PQntuples(result)
    var people: [PersonRow] = []
    people.reserveCapacity(Int(count))
    for r in 0..<count {
        people.append(PersonRow(id: pgInt(result, r, 0), name: pgString(result, r, 1), email: pgString(result, r, 2),
                                age: pgInt(result, r, 3), score: strtod(PQgetvalue(result, r, 4), nil),
                                city: pgString(result, r, 5)))
    }
    return people
}
