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

// MARK: - Eager IN on PostgreSQL

/// A fresh schema with `parents` parents and `childrenPerParent` children each (children
/// interleaved across parents, as in the SQLite fixture); returns the connection string.
func makePostgresParentsAndChildren(server: String, schema: String, parents: Int, childrenPerParent: Int) throws -> String {
    let url = server + (server.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema
    let admin = try Workbench(databasePath: server)
    try admin.session.database.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema)")
    let workbench = try Workbench(databasePath: url)
    let defined = workbench.run(parentDeclaration + "\n" + childDeclaration, sourceName: "bench")
    try require(defined.allSatisfy(\.ok), "could not define Parent and Child on PostgreSQL")
    try workbench.session.database.execute("""
        INSERT INTO "parent" ("name") SELECT 'Parent ' || n FROM generate_series(1, \(parents)) AS n;
        INSERT INTO "child" ("name", "parent_id")
        SELECT 'Child ' || (c + 1) || ' of a family', c % \(parents) + 1 FROM generate_series(0, \(parents * childrenPerParent - 1)) AS c;
        ANALYZE "parent"; ANALYZE "child"
        """)
    return url
}

/// Parents, then their children with one `IN ($1, …)` query (bound as text, as ORMLab binds
/// them), stitched by a dictionary: the hand-written libpq version of `include(children)`.
func baselineLoadParentsWithINPostgres(_ db: RawPostgres) throws -> [ParentRow] {
    guard let parentResult = PQexecParams(db.connection, "SELECT \"parent\".* FROM \"parent\"", 0, nil, nil, nil, nil, 0) else {
        throw BenchError("libpq returned no result")
    }
    defer { PQclear(parentResult) }
    try require(PQresultStatus(parentResult) == PGRES_TUPLES_OK, "the baseline's parent query failed")
    var parents: [ParentRow] = []
    parents.reserveCapacity(Int(PQntuples(parentResult)))
    for r in 0..<PQntuples(parentResult) {
        parents.append(ParentRow(id: pgInt(parentResult, r, 0), name: pgString(parentResult, r, 1)))
    }
    guard !parents.isEmpty else { return parents }
    let placeholders = (1...parents.count).map { "$\($0)" }.joined(separator: ", ")
    let sql = "SELECT \"child\".* FROM \"child\" WHERE \"child\".\"parent_id\" IN (\(placeholders))"
    let texts = parents.map { strdup(String($0.id))! }
    defer { texts.forEach { free($0) } }
    let values = texts.map { UnsafePointer<CChar>($0) as UnsafePointer<CChar>? }
    guard let childResult = values.withUnsafeBufferPointer({ PQexecParams(db.connection, sql, Int32(parents.count), nil, $0.baseAddress, nil, nil, 0) }) else {
        throw BenchError("libpq returned no result")
    }
    defer { PQclear(childResult) }
    try require(PQresultStatus(childResult) == PGRES_TUPLES_OK, "the baseline's child query failed")
    var childrenByParent: [Int64: [ChildRow]] = [:]
    for r in 0..<PQntuples(childResult) {
        let child = ChildRow(id: pgInt(childResult, r, 0), name: pgString(childResult, r, 1), parentID: pgInt(childResult, r, 2))
        childrenByParent[child.parentID, default: []].append(child)
    }
    for i in parents.indices { parents[i].children = childrenByParent[parents[i].id] ?? [] }
    return parents
}
