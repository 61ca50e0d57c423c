import Testing
import DatabaseKit
@testable import SQLiteKit

// What the layers above learn through the driver seam: each constraint failure's kind, the
// metadata table's round trip, the query plan, the schema listing and the schema version.

@Suite struct DatabaseSeamTests {
    /// The error `sql` raises, seen as the seam's `DatabaseError`.
    func failure(_ connection: Connection, _ sql: String, _ params: [DatabaseValue]) -> (any DatabaseError)? {
        do {
            try connection.run(sql, params)
            return nil
        } catch {
            return error as? any DatabaseError
        }
    }

    @Test func eachConstraintFailureSaysItsKind() throws {
        let connection = try libraryConnection()
        let insertBook = "INSERT INTO book(title, author_id) VALUES (?, ?)"
        #expect(failure(connection, insertBook, [.text("Dune"), .integer(99)])?.violatedConstraint == .foreignKey)
        #expect(failure(connection, insertBook, [.null, .integer(1)])?.violatedConstraint == .notNull)
        #expect(failure(connection, "INSERT INTO author(email) VALUES (?)", [.text("ann@example.com")])?.violatedConstraint == .unique)
        #expect(failure(connection, "INSERT INTO author(id) VALUES (?)", [.integer(1)])?.violatedConstraint == .unique)
        try connection.execute("CREATE TABLE t(n INTEGER CHECK (n > 0))")
        #expect(failure(connection, "INSERT INTO t(n) VALUES (?)", [.integer(-1)])?.violatedConstraint == .other)
        let syntax = failure(connection, "INSERT INTO nowhere VALUES (?)", [.integer(1)])
        #expect(syntax != nil && syntax?.violatedConstraint == nil)
    }

    @Test func theDriverNamesTheColumnsOfABrokenConstraint() throws {
        let connection = try libraryConnection()
        #expect(failure(connection, "INSERT INTO author(email) VALUES (?)", [.text("ann@example.com")])?.violatedColumns == ["author.email"])
        #expect(failure(connection, "INSERT INTO book(title, author_id) VALUES (?, ?)", [.null, .integer(1)])?.violatedColumns == ["book.title"])
        try connection.execute("CREATE TABLE pair(a INTEGER, b INTEGER, UNIQUE (a, b))")
        try connection.execute("INSERT INTO pair(a, b) VALUES (1, 2)")
        #expect(failure(connection, "INSERT INTO pair(a, b) VALUES (?, ?)", [.integer(1), .integer(2)])?.violatedColumns == ["pair.a", "pair.b"])
        // A foreign key failure names no column; a failure that is no constraint names none.
        #expect(failure(connection, "INSERT INTO book(title, author_id) VALUES (?, ?)", [.text("Dune"), .integer(99)])?.violatedColumns == [])
        #expect(failure(connection, "INSERT INTO nowhere VALUES (?)", [.integer(1)])?.violatedColumns == [])
    }

    @Test func storedEntityDefinitionsRoundTripAndStayOutOfListings() throws {
        let connection = try Connection()
        #expect(try connection.storedEntityDefinitions() == [])
        try connection.execute(#"CREATE TABLE "author" ("id" INTEGER PRIMARY KEY)"#)
        try connection.storeEntityDefinition(StoredEntityDefinition(name: "Author", source: "entity Author { }"))
        try connection.storeEntityDefinition(StoredEntityDefinition(name: "Book", source: "entity Book { }"))
        try connection.storeEntityDefinition(StoredEntityDefinition(name: "Author", source: "entity Author { name: String }"))
        #expect(try connection.storedEntityDefinitions() == [
            StoredEntityDefinition(name: "Book", source: "entity Book { }"),
            StoredEntityDefinition(name: "Author", source: "entity Author { name: String }"),
        ])
        #expect(try connection.tableNames().filter { !connection.isMetadataTable($0) } == ["author"])
        #expect(try connection.schemaObjects() == [
            SchemaObject(type: "table", name: "author", tableName: "author", sql: #"CREATE TABLE "author" ("id" INTEGER PRIMARY KEY)"#),
        ])
    }

    @Test func queryPlanAndSchemaVersion() throws {
        let connection = try libraryConnection()
        let before = try #require(connection.schemaVersion())
        let plan = try connection.queryPlan("SELECT * FROM book WHERE author_id = ?", [.integer(1)])
        #expect(plan.count == 1 && plan[0].parent == 0 && plan[0].detail.hasPrefix("SCAN book"))
        try connection.execute("CREATE INDEX book_author ON book(author_id)")
        #expect(connection.schemaVersion() == before + 1)
        let indexed = try connection.queryPlan("SELECT * FROM book WHERE author_id = ?", [.integer(1)])
        #expect(indexed.map(\.detail) == ["SEARCH book USING INDEX book_author (author_id=?)"])
    }

    @Test func anEmptyCopyHasTheSchemaAndNoRows() throws {
        let connection = try libraryConnection()
        try connection.execute("CREATE INDEX book_title ON book(title)")
        let copy = try connection.emptyCopyOfSchema()
        #expect(try copy.tableNames() == ["author", "book"])
        var rows = 0
        try copy.query("SELECT * FROM author") { _ in rows += 1 }
        #expect(rows == 0)
        #expect(try copy.queryPlan("SELECT * FROM book WHERE title = ?", [.text("Dune")]).map(\.detail)
                == ["SEARCH book USING INDEX book_title (title=?)"])
        // The original is untouched by what the copy gets.
        try copy.execute("CREATE INDEX book_author ON book(author_id)")
        #expect(try connection.schemaObjects().map(\.name).contains("book_author") == false)
        #expect(connection.supportsDropColumn == (Connection.libraryVersionNumber >= 3_035_000))
    }
}
