import Foundation
import Testing
@testable import SQLiteKit

// MARK: - Errors

/// author ← book, with a unique email and a NOT NULL title.
func libraryConnection() throws -> Connection {
    let connection = try Connection()
    try connection.execute("""
        CREATE TABLE author(id INTEGER PRIMARY KEY, email TEXT UNIQUE);
        CREATE TABLE book(id INTEGER PRIMARY KEY, title TEXT NOT NULL,
                          author_id INTEGER NOT NULL REFERENCES author(id));
        INSERT INTO author(id, email) VALUES (1, 'ann@example.com');
        """)
    return connection
}

@Test func foreignKeysAreEnforced() throws {
    let connection = try libraryConnection()
    let sql = "INSERT INTO book(title, author_id) VALUES (?, ?)"
    let error = #expect(throws: SQLiteError.self) {
        try connection.run(sql, [.text("Dune"), .integer(99)])
    }
    #expect(error?.code == 19)
    #expect(error?.extendedCode == 787)
    #expect(error?.codeName == "SQLITE_CONSTRAINT_FOREIGNKEY")
    #expect(error?.message == "FOREIGN KEY constraint failed")
    #expect(error?.sql == sql)
    #expect(error?.isConstraintViolation == true)
    #expect(error?.isInterrupted == false)
    // The connection carries on, and the same cached statement works with valid values.
    #expect(try connection.run(sql, [.text("Dune"), .integer(1)]) == 1)
}

@Test func deletingAReferencedRowIsAForeignKeyViolation() throws {
    let connection = try libraryConnection()
    try connection.run("INSERT INTO book(title, author_id) VALUES ('Emma', 1)")
    let error = #expect(throws: SQLiteError.self) { try connection.run("DELETE FROM author WHERE id = 1") }
    #expect(error?.codeName == "SQLITE_CONSTRAINT_FOREIGNKEY")
}

@Test func uniqueAndNotNullViolationsAreNamed() throws {
    let connection = try libraryConnection()
    let unique = #expect(throws: SQLiteError.self) {
        try connection.run("INSERT INTO author(email) VALUES (?)", [.text("ann@example.com")])
    }
    #expect(unique?.codeName == "SQLITE_CONSTRAINT_UNIQUE")
    #expect(unique?.message == "UNIQUE constraint failed: author.email")
    #expect(unique?.description == """
        SQLITE_CONSTRAINT_UNIQUE: UNIQUE constraint failed: author.email \
        (SQL: INSERT INTO author(email) VALUES (?))
        """)

    let notNull = #expect(throws: SQLiteError.self) {
        try connection.run("INSERT INTO book(title, author_id) VALUES (NULL, 1)")
    }
    #expect(notNull?.codeName == "SQLITE_CONSTRAINT_NOTNULL")
    #expect(notNull?.message == "NOT NULL constraint failed: book.title")

    let primaryKey = #expect(throws: SQLiteError.self) {
        try connection.run("INSERT INTO author(id) VALUES (1)")
    }
    #expect(primaryKey?.codeName == "SQLITE_CONSTRAINT_PRIMARYKEY")
}

@Test func aSyntaxErrorCarriesTheSQL() throws {
    let connection = try Connection()
    let error = #expect(throws: SQLiteError.self) { try connection.run("SELEC name FROM author") }
    #expect(error?.code == 1)
    #expect(error?.codeName == "SQLITE_ERROR")
    #expect(error?.message == "near \"SELEC\": syntax error")
    #expect(error?.sql == "SELEC name FROM author")
    #expect(error?.description == "SQLITE_ERROR: near \"SELEC\": syntax error (SQL: SELEC name FROM author)")
    #expect(error?.isConstraintViolation == false)
}

@Test func aFailingScriptNamesTheFailingStatementAndKeepsTheOnesBefore() throws {
    let connection = try Connection()
    let error = #expect(throws: SQLiteError.self) {
        try connection.execute("CREATE TABLE a(x);\nCREATE TABLE a(y);\nCREATE TABLE c(z);")
    }
    #expect(error?.message == "table a already exists")
    #expect(error?.sql == "CREATE TABLE a(y);\nCREATE TABLE c(z)")
    #expect(try connection.tableNames() == ["a"])
}

@Test func openingAnImpossiblePathThrows() {
    let error = #expect(throws: SQLiteError.self) {
        _ = try Connection(path: "/nonexistent-ormlab-dir/sub/db.sqlite")
    }
    #expect(error?.codeName == "SQLITE_CANTOPEN")
    #expect(error?.message == "unable to open database file")
}

@Test func unknownCodesStillHaveAName() {
    #expect(SQLiteError(extendedCode: 5 | (1 << 8), message: "").codeName == "SQLITE_BUSY_RECOVERY")
    #expect(SQLiteError(extendedCode: 19 | (60 << 8), message: "").codeName == "SQLITE_CONSTRAINT")
    #expect(SQLiteError(extendedCode: 19 | (60 << 8), message: "").code == 19)
    #expect(SQLiteError(extendedCode: 200, message: "").codeName == "SQLITE_UNKNOWN(200)")
}
