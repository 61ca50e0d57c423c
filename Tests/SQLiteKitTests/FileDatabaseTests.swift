import Foundation
import Testing
@testable import SQLiteKit

// MARK: - Databases on disk

/// A fresh path in the temporary directory, removed (with journal files) after `body`.
func withTemporaryPath(_ body: (String) throws -> Void) rethrows {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("ormlab-sqlitekit-\(UUID().uuidString).sqlite").path
    defer {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
    try body(path)
}

@Test func aFileDatabaseKeepsItsDataAcrossReopening() throws {
    try withTemporaryPath { path in
        #expect(!FileManager.default.fileExists(atPath: path))
        do {
            let connection = try Connection(path: path)
            #expect(connection.path == path)
            try connection.execute("""
                CREATE TABLE author(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL DEFAULT 'anon');
                CREATE TABLE book(id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES author(id), title TEXT);
                """)
            try connection.run("INSERT INTO author(name) VALUES (?)", [.text("Ann")])
            try connection.run("INSERT INTO book(author_id, title) VALUES (?, ?)", [.integer(1), .text("Ünïcode 📚")])
        }
        #expect(FileManager.default.fileExists(atPath: path))

        let reopened = try Connection(path: path)
        #expect(try reopened.tableNames() == ["author", "book"])   // sqlite_sequence left out
        var titles: [String] = []
        try reopened.query("SELECT b.title FROM book b JOIN author a ON a.id = b.author_id WHERE a.name = ?",
                           [.text("Ann")]) { titles.append($0.string(0)) }
        #expect(titles == ["Ünïcode 📚"])
        #expect(try reopened.integrityCheck() == "ok")
        // Foreign keys are on for the reopened connection too.
        let error = #expect(throws: SQLiteError.self) { try reopened.run("DELETE FROM author") }
        #expect(error?.codeName == "SQLITE_CONSTRAINT_FOREIGNKEY")
    }
}

@Test func columnsDescribeATable() throws {
    let connection = try Connection()
    try connection.execute("""
        CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'anon', born INTEGER)
        """)
    let columns = try connection.columns(of: "author")
    #expect(columns.map(\.name) == ["id", "name", "born"])
    #expect(columns.map(\.type) == ["INTEGER", "TEXT", "INTEGER"])
    #expect(columns.map(\.notNull) == [false, true, false])
    #expect(columns.map(\.defaultValue) == [nil, "'anon'", nil])
    #expect(columns.map(\.primaryKey) == [true, false, false])
    #expect(try connection.columns(of: "missing").isEmpty)
}

@Test func integrityCheckOnAGarbageFileThrowsNotADatabase() throws {
    try withTemporaryPath { path in
        let garbage = Data(String(repeating: "this is not a database. ", count: 200).utf8)
        try garbage.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: SQLiteError.self) {
            let connection = try Connection(path: path)
            _ = try connection.integrityCheck()
        }
        #expect(error?.codeName == "SQLITE_NOTADB")
        #expect(error?.message == "file is not a database")
    }
}
