// Runs the exported migrator on a fresh in-memory database and prints the schema it created,
// one line per object: type, name, table, SQL (tab-separated), ordered by name. Then joins
// through every association (Checks.swift) and reports how many on standard error.
import Foundation
import GRDB

// `ormlab export --db`: the records of a database ORMLab did not make read that database itself
// (its real table and column names are their coding keys); no migration, nothing to compare.
if let path = ProcessInfo.processInfo.environment["ORMLAB_GRDB_DATABASE"] {
    var configuration = Configuration()
    configuration.readonly = true
    let existing = try DatabaseQueue(path: path, configuration: configuration)
    let checked = try existing.read(checkAssociations)
    FileHandle.standardError.write(Data("\(checked) associations resolved and their rows decoded from the database itself\n".utf8))
    exit(0)
}

let dbQueue = try DatabaseQueue()
try ORMLabSchema.migrator.migrate(dbQueue)
try dbQueue.read { db in
    let rows = try Row.fetchAll(db, sql: """
        SELECT type, name, tbl_name, sql FROM sqlite_master
        WHERE tbl_name != 'grdb_migrations'
        ORDER BY name
        """)
    for row in rows {
        let type: String = row["type"], name: String = row["name"], table: String = row["tbl_name"]
        let sql: String? = row["sql"]
        print([type, name, table, sql ?? "NULL"].joined(separator: "\t"))
    }
}

let checked = try dbQueue.read(checkAssociations)
FileHandle.standardError.write(Data("\(checked) associations resolved\n".utf8))
