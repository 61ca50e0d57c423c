import Foundation
import GRDB

// Usage: RosettaGRDB SCHEMA.sql [ENTRY-ID ...]
// Prints, per entry, every statement GRDB's trace saw (Database.trace, .profile events: the
// SQL text with ? placeholders, once per statement run), transactions included, after the fixture was loaded and the
// schema read into GRDB's cache.

final class StatementLog: @unchecked Sendable {
    private let lock = NSLock()
    private var statements: [String] = []
    func append(_ sql: String) { lock.lock(); statements.append(sql); lock.unlock() }
    func take() -> [String] { lock.lock(); defer { lock.unlock() }; return statements }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, let schema = try? String(contentsOfFile: arguments[1], encoding: .utf8) else {
    FileHandle.standardError.write("usage: RosettaGRDB SCHEMA.sql [ENTRY-ID ...]\n".data(using: .utf8)!)
    exit(2)
}
let wanted = Array(arguments.dropFirst(2))
print("@version GRDB 7.10.0")
for id in wanted.isEmpty ? entries.map(\.id) : wanted {
    guard let entry = entries.first(where: { $0.id == id }) else {
        print("@missing \(id)")
        continue
    }
    let path = NSTemporaryDirectory() + "rosetta-grdb-\(ProcessInfo.processInfo.processIdentifier).sqlite3"
    try? FileManager.default.removeItem(atPath: path)
    do {
        let dbQueue = try DatabaseQueue(path: path)
        try dbQueue.writeWithoutTransaction { db in try db.execute(sql: schema) }
        // GRDB reads the schema (columns, primary and foreign keys) once per connection and
        // caches it, as ActiveRecord does; read it before logging starts, so that the log holds
        // the entry's own SQL.
        try dbQueue.read { db in
            for table in ["author", "book", "review"] {
                _ = try db.columns(in: table)
                _ = try db.primaryKey(table)
                _ = try db.foreignKeys(on: table)
            }
        }
        let log = StatementLog()
        dbQueue.inDatabase { db in
            // .profile, not .statement: SQLite reports each foreign-key cascade action as a
            // statement event carrying the text of the DELETE that caused it (one DELETE read
            // as four), while a profile event comes once per statement GRDB ran, when it ends.
            db.trace(options: .profile) { event in
                if case let .profile(statement, _) = event { log.append(statement.sql) }
            }
        }
        try entry.run(dbQueue)
        print("@@ \(id)")
        for statement in log.take() {
            print(statement.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " "))
        }
        try dbQueue.close()
    } catch {
        FileHandle.standardError.write("entry \(id) failed: \(error)\n".data(using: .utf8)!)
        exit(1)
    }
    try? FileManager.default.removeItem(atPath: path)
}
