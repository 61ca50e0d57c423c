import Testing
@testable import SQLiteKit

// MARK: - Values in, values out

/// Values that are easy to break: quotes, `;`, NUL bytes, emoji, extremes, empty text and blobs.
let trickyValues: [SQLiteValue] = [
    .null,
    .integer(0), .integer(-1), .integer(Int64.max), .integer(Int64.min),
    .real(3.25), .real(-0.5), .real(1e-300),
    .text(""), .text("O'Brien"), .text("\"double\" and 'single'"),
    .text("x'); DROP TABLE item; --"), .text("a\u{0}b\u{0}"), .text("emoji 👩‍💻 café ñ 漢字"),
    .blob([]), .blob([0]), .blob([0, 1, 2, 0x7F, 0x80, 0xFF, 0]),
]

@Test(arguments: trickyValues)
func valueSurvivesARoundTrip(_ value: SQLiteValue) throws {
    let connection = try Connection()
    try connection.execute("CREATE TABLE item(id INTEGER PRIMARY KEY, v)")   // no affinity: stored as bound
    try connection.run("INSERT INTO item(v) VALUES (?)", [value])
    var readBack: [SQLiteValue] = []
    let rows = try connection.query("SELECT v, typeof(v) FROM item") { row in
        readBack.append(row.value(0))
        #expect(row.string(1) == value.storageClass)
    }
    #expect(rows == 1)
    #expect(readBack == [value])
}

@Test func typedAccessorsReadEachStorageClass() throws {
    let connection = try Connection()
    var seen = 0
    try connection.query("SELECT 42, 2.5, 'a' || char(0) || 'b', x'00FF', NULL") { row in
        seen += 1
        #expect(row.columnCount == 5)
        #expect(row.int64(0) == 42)
        #expect(row.double(1) == 2.5)
        #expect(row.string(2) == "a\u{0}b")
        #expect(row.string(2).utf8.count == 3)
        #expect(row.blob(3) == [0x00, 0xFF])
        #expect(row.isNull(4))
        #expect(!row.isNull(0))
        #expect(row.string(4) == "")
        #expect(row.blob(4) == [])
        #expect(row.int64(4) == 0)
        #expect(row.values == [.integer(42), .real(2.5), .text("a\u{0}b"), .blob([0x00, 0xFF]), .null])
    }
    #expect(seen == 1)
}

@Test func columnNamesComeFromTheSelectList() throws {
    let connection = try Connection()
    try connection.query("SELECT 1 AS id, 'x' AS \"full name\"") { row in
        #expect(row.columnName(0) == "id")
        #expect(row.columnName(1) == "full name")
    }
}

@Test func quotedSemicolonsDoNotSplitAScript() throws {
    let connection = try Connection()
    try connection.execute("""
        CREATE TABLE note(body TEXT);
        INSERT INTO note VALUES ('it''s; fine -- really /* yes */');
        """)
    var bodies: [String] = []
    try connection.query("SELECT body FROM note") { bodies.append($0.string(0)) }
    #expect(bodies == ["it's; fine -- really /* yes */"])
}

@Test func sqlLiteralsAreForDisplay() {
    #expect(SQLiteValue.null.sqlLiteral == "NULL")
    #expect(SQLiteValue.integer(-7).sqlLiteral == "-7")
    #expect(SQLiteValue.real(2.5).sqlLiteral == "2.5")
    #expect(SQLiteValue.text("O'Brien").sqlLiteral == "'O''Brien'")
    #expect(SQLiteValue.blob([0xCA, 0xFE, 0x01]).sqlLiteral == "X'CAFE01'")
    let fromLiterals: [SQLiteValue] = [1, 2.5, "x"]
    #expect(fromLiterals == [.integer(1), .real(2.5), .text("x")])
}
