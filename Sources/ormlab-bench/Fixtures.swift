import CSQLite
import Foundation
import Workbench

// MARK: - The data

/// The 6-column entity of the hydration, memory and script workloads (id + 5 properties).
let personDeclaration = "entity Person { name: String; email: String; age: Int; score: Double; city: String }"

/// Parents and children for the eager-loading workloads; the foreign key is indexed, as a
/// lesson on eager loading would have it.
let parentDeclaration = "entity Parent { name: String; children: [Child] }"
let childDeclaration = "entity Child { name: String; parent: Parent index }"

/// One person row as generated (deterministic: row n always has the same values).
struct PersonValues {
    var name: String
    var email: String
    var age: Int64
    var score: Double
    var city: String

    static let cities = ["Lyon", "Amsterdam", "Buenos Aires", "Kraków", "Nairobi", "Osaka", "Montréal", "Porto"]

    init(_ n: Int) {
        name = "Person \(n)"
        email = "person\(n)@example.com"
        age = Int64(18 + n % 60)
        score = Double(n % 1000) / 10
        city = Self.cities[n % Self.cities.count]
    }

    /// The same values as a DSL insert command.
    var insertCommand: String {
        "insert Person(name: \"\(name)\", email: \"\(email)\", age: \(age), score: \(score), city: \"\(city)\")"
    }
}

// MARK: - A raw connection

/// A bare `sqlite3*` for the baselines and for filling fixtures: no ORMLab code in between.
/// Opened with the same flags as SQLiteKit's `Connection`, so both sides run the same SQLite.
final class RawDatabase {
    let handle: OpaquePointer

    init(path: String) throws {
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &db, flags, nil) == SQLITE_OK, let db else {
            throw BenchError("cannot open \(path)")
        }
        handle = db
        sqlite3_busy_timeout(db, 5_000)
        _ = ormlab_sqlite_enable_fkey(db, 1)
    }

    deinit { sqlite3_close_v2(handle) }

    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &message) != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(message)
            throw BenchError("SQLite: \(text) in \(sql)")
        }
    }

    func prepare(_ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw BenchError("SQLite: \(String(cString: sqlite3_errmsg(handle))) in \(sql)")
        }
        return statement
    }

    func scalar(_ sql: String) throws -> Int64 {
        let statement = try prepare(sql)
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW else { throw BenchError("no row from \(sql)") }
        return sqlite3_column_int64(statement, 0)
    }
}

/// Binds a Swift string as text (copied by SQLite, as SQLiteKit does).
@inline(__always)
func bindText(_ statement: OpaquePointer, _ index: Int32, _ text: String) {
    var text = text
    text.withUTF8 { bytes in
        guard let start = bytes.baseAddress, bytes.count > 0 else {
            _ = sqlite3_bind_text64(statement, index, "", 0, ormlab_sqlite_static(), UInt8(SQLITE_UTF8))
            return
        }
        start.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
            _ = sqlite3_bind_text64(statement, index, characters, sqlite3_uint64(bytes.count),
                                    ormlab_sqlite_transient(), UInt8(SQLITE_UTF8))
        }
    }
}

// MARK: - Building the database files

/// Defines entities through ORMLab (so the file carries its mapping) and fails loudly on errors.
func defineEntities(at path: String, _ declarations: [String]) throws {
    let workbench = try Workbench(databasePath: path)
    for declaration in declarations {
        for report in workbench.run(declaration) where !report.ok {
            throw BenchError("defining entities failed: \(report.diagnostics.map(\.message).joined(separator: "; "))")
        }
    }
}

/// A database file whose Person table holds `count` rows.
func makePersonDatabase(at path: String, rows count: Int) throws {
    try defineEntities(at: path, [personDeclaration])
    let db = try RawDatabase(path: path)
    try db.execute("BEGIN")
    let insert = try db.prepare("INSERT INTO \"person\" (\"name\", \"email\", \"age\", \"score\", \"city\") VALUES (?, ?, ?, ?, ?)")
    for n in 1...count {
        let person = PersonValues(n)
        bindText(insert, 1, person.name)
        bindText(insert, 2, person.email)
        sqlite3_bind_int64(insert, 3, person.age)
        sqlite3_bind_double(insert, 4, person.score)
        bindText(insert, 5, person.city)
        guard sqlite3_step(insert) == SQLITE_DONE else { throw BenchError("filling person failed") }
        sqlite3_reset(insert)
    }
    sqlite3_finalize(insert)
    try db.execute("COMMIT")
    try require(try db.scalar("SELECT COUNT(*) FROM \"person\"") == Int64(count), "person rows")
}

/// A database file with `parents` parents and `childrenPerParent` children each.
func makeParentChildDatabase(at path: String, parents: Int, childrenPerParent: Int) throws {
    try defineEntities(at: path, [parentDeclaration, childDeclaration])
    let db = try RawDatabase(path: path)
    try db.execute("BEGIN")
    let parent = try db.prepare("INSERT INTO \"parent\" (\"name\") VALUES (?)")
    let child = try db.prepare("INSERT INTO \"child\" (\"name\", \"parent_id\") VALUES (?, ?)")
    for p in 1...parents {
        bindText(parent, 1, "Parent \(p)")
        guard sqlite3_step(parent) == SQLITE_DONE else { throw BenchError("filling parent failed") }
        sqlite3_reset(parent)
    }
    // Children interleaved across parents, so a parent's children are not stored together.
    for c in 0..<(parents * childrenPerParent) {
        bindText(child, 1, "Child \(c + 1) of a family")
        sqlite3_bind_int64(child, 2, Int64(c % parents + 1))
        guard sqlite3_step(child) == SQLITE_DONE else { throw BenchError("filling child failed") }
        sqlite3_reset(child)
    }
    sqlite3_finalize(parent)
    sqlite3_finalize(child)
    try db.execute("COMMIT")
}
