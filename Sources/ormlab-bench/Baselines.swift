import CSQLite

// The physical limit: hand-written loops over the SQLite C API reading into Swift structs.
// Strings are made the way SQLiteKit makes them (UTF-8 bytes by their length), the SQL is the
// SQL ORMLab runs, so the difference between the two sides is ORMLab's own work.

// MARK: - Plain structs

struct PersonRow {
    var id: Int64
    var name: String
    var email: String
    var age: Int64
    var score: Double
    var city: String
}

struct ChildRow {
    var id: Int64
    var name: String
    var parentID: Int64
}

struct ParentRow {
    var id: Int64
    var name: String
    var children: [ChildRow] = []
}

// MARK: - Column reading

@inline(__always)
func columnString(_ statement: OpaquePointer, _ i: Int32) -> String {
    guard let text = sqlite3_column_text(statement, i) else { return "" }
    let count = Int(sqlite3_column_bytes(statement, i))
    return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
}

@inline(__always)
func readChild(_ statement: OpaquePointer, at offset: Int32) -> ChildRow {
    ChildRow(id: sqlite3_column_int64(statement, offset),
             name: columnString(statement, offset + 1),
             parentID: sqlite3_column_int64(statement, offset + 2))
}

// MARK: - Hydration

/// `SELECT "person".* FROM "person"` into an array of structs.
func baselineHydratePeople(_ db: RawDatabase) throws -> [PersonRow] {
    let statement = try db.prepare("SELECT \"person\".* FROM \"person\"")
    defer { sqlite3_finalize(statement) }
    var people: [PersonRow] = []
    while sqlite3_step(statement) == SQLITE_ROW {
        people.append(PersonRow(id: sqlite3_column_int64(statement, 0),
                                name: columnString(statement, 1),
                                email: columnString(statement, 2),
                                age: sqlite3_column_int64(statement, 3),
                                score: sqlite3_column_double(statement, 4),
                                city: columnString(statement, 5)))
    }
    return people
}

// MARK: - Eager loading

/// Parents, then their children with one `IN (...)` query, stitched by a dictionary.
func baselineLoadParentsWithIN(_ db: RawDatabase) throws -> [ParentRow] {
    let parentQuery = try db.prepare("SELECT \"parent\".* FROM \"parent\"")
    defer { sqlite3_finalize(parentQuery) }
    var parents: [ParentRow] = []
    while sqlite3_step(parentQuery) == SQLITE_ROW {
        parents.append(ParentRow(id: sqlite3_column_int64(parentQuery, 0), name: columnString(parentQuery, 1)))
    }
    guard !parents.isEmpty else { return parents }
    let placeholders = Array(repeating: "?", count: parents.count).joined(separator: ", ")
    let childQuery = try db.prepare("SELECT \"child\".* FROM \"child\" WHERE \"child\".\"parent_id\" IN (\(placeholders))")
    defer { sqlite3_finalize(childQuery) }
    for (i, parent) in parents.enumerated() { sqlite3_bind_int64(childQuery, Int32(i + 1), parent.id) }
    var childrenByParent: [Int64: [ChildRow]] = [:]
    while sqlite3_step(childQuery) == SQLITE_ROW {
        let child = readChild(childQuery, at: 0)
        childrenByParent[child.parentID, default: []].append(child)
    }
    for i in parents.indices { parents[i].children = childrenByParent[parents[i].id] ?? [] }
    return parents
}

/// One LEFT JOIN; consecutive rows of the same parent are collapsed into it (a dictionary
/// finds a parent met again after others, so any row order works).
func baselineLoadParentsWithJoin(_ db: RawDatabase) throws -> [ParentRow] {
    let statement = try db.prepare("SELECT \"parent\".*, \"child\".* FROM \"parent\" LEFT JOIN \"child\" ON \"child\".\"parent_id\" = \"parent\".\"id\"")
    defer { sqlite3_finalize(statement) }
    var parents: [ParentRow] = []
    var indexByID: [Int64: Int] = [:]
    var currentID: Int64 = 0
    var current = -1
    while sqlite3_step(statement) == SQLITE_ROW {
        let parentID = sqlite3_column_int64(statement, 0)
        if current < 0 || parentID != currentID {
            if let known = indexByID[parentID] {
                current = known
            } else {
                current = parents.count
                indexByID[parentID] = current
                parents.append(ParentRow(id: parentID, name: columnString(statement, 1)))
            }
            currentID = parentID
        }
        if sqlite3_column_type(statement, 2) != SQLITE_NULL {
            parents[current].children.append(readChild(statement, at: 2))
        }
    }
    return parents
}

// MARK: - Writing

/// The script's rows: one prepared INSERT, run once per row in one transaction.
func baselineInsertPeople(_ db: RawDatabase, _ people: [PersonValues]) throws {
    try db.execute("BEGIN")
    let insert = try db.prepare("INSERT INTO \"person\" (\"name\", \"email\", \"age\", \"score\", \"city\") VALUES (?, ?, ?, ?, ?)")
    for person in people {
        bindText(insert, 1, person.name)
        bindText(insert, 2, person.email)
        sqlite3_bind_int64(insert, 3, person.age)
        sqlite3_bind_double(insert, 4, person.score)
        bindText(insert, 5, person.city)
        guard sqlite3_step(insert) == SQLITE_DONE else {
            sqlite3_finalize(insert)
            throw BenchError("baseline insert failed: \(String(cString: sqlite3_errmsg(db.handle)))")
        }
        sqlite3_reset(insert)
    }
    sqlite3_finalize(insert)
    try db.execute("COMMIT")
}
