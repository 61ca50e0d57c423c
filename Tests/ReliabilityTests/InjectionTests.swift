import DSL
import Foundation
import Report
import Testing
@testable import Workbench

// Every value travels as a bound parameter and every identifier is quoted: hostile text in every
// position a learner can put text is stored and found as data, and never becomes SQL. (`:sql` is
// raw SQL by design and is left out.)

/// Strings that would break out of a naively spliced SQL literal, identifier or parameter list.
let hostileStrings = [
    "'; DROP TABLE author; --",
    "\"; DROP TABLE \"author\"; --",
    "') OR ('1'='1",
    "1 OR 1=1",
    "x\u{0}'; DELETE FROM book; --",
    "?", "?1", ":name", "@p", "$1",
    "%", "_", "\\", "\\'",
    "Robert'); DROP TABLE tag;--",
    "*/ DROP TABLE author /*",
    "\u{2028}\u{FEFF}'\u{FF07}",
]

/// Entities, properties and indexes named like SQL words (`drop`, `table`, `where`, `group`,
/// `by`, `from`, `select`), written, linked and queried: the quoted-identifier tests run it on
/// SQLite and on PostgreSQL.
let sqlWordIdentifiersScript = """
entity Drop { table: String unique; select: [Where]; index(table) }
entity Where { from: Drop?; group: [Group]; unique index(from) }
entity Group { by: String index; where: [Where] }
insert Drop(table: "t")
insert Where(from: Drop#1)
insert Group(by: "b")
save
Group#1.where.add(Where#1)
save
Drop.where(select.any(group.any(by == "b"))).include(select.group).count
"""

/// Identifiers are lowercase in `sqlWordIdentifiersScript` and SQL keywords uppercase: once the
/// quoted identifiers are cut out, no statement of the session has a lowercase letter left.
func expectEveryIdentifierQuoted(_ reports: [Report], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    for statement in reports.flatMap(\.sql).map(\.sql) where !statement.hasSuffix(" flush") { // SAVEPOINT flush
        let unquoted = statement.replacingOccurrences(of: #""[^"]*""#, with: "", options: .regularExpression)
        #expect(!unquoted.contains { $0.isLowercase }, "\(statement)", sourceLocation: sourceLocation)
    }
}

/// The commands the hostile-value tests run (on SQLite and on PostgreSQL), with `h` (a quoted
/// DSL string) as every value: insert, where, like, in, assignment and a unique column.
func hostileValueScript(_ h: String) -> String {
    """
    insert Author(name: \(h), born: 1)
    insert Tag(name: \(h))
    save
    Author.where(name == \(h)).count
    Author.where(name like \(h)).count
    Author.where(name in [\(h), "x", \(h)]).count
    Author.where(name != \(h) and books.any(title == \(h))).count
    Author#1.name = \(h)
    Book#1.title = \(h)
    save
    :forget
    Author.where(name == \(h)).count
    Book.where(title == \(h) and author.name == \(h)).count
    Tag.where(name == \(h)).first.name
    Tag#2.name = "plain"
    save
    Author.count
    Book.count
    Tag.count
    """
}

@Suite("Injection", .timeLimit(.minutes(1)))
struct InjectionTests {
    @Test("hostile strings as values in insert, where, like, in, assignment and unique columns", arguments: hostileStrings)
    func hostileValues(_ hostile: String) throws {
        let wb = try libraryWorkbench()
        let h = quoteDSLString(hostile)
        let reports = wb.run(hostileValueScript(h))
        expectAllOK(reports)
        let values = reports.map(\.value)
        #expect(values[3] == .integer(1))
        #expect(values[5] == .integer(1))
        #expect(values[6] == .integer(0))
        #expect(values[11] == .integer(2))
        #expect(values[12] == .integer(1))
        #expect(values[13] == .text(hostile))
        #expect(values[16...] == [.integer(2), .integer(1), .integer(2)])
        // The text never reaches the SQL: only `?` and the bound values carry it.
        let statements = reports.flatMap(\.sql)
        #expect(!statements.isEmpty)
        for statement in statements where hostile.count > 2 {
            #expect(!statement.sql.contains(hostile), "\(statement.sql)")
        }
        #expect(statements.contains { $0.params.contains(.text(hostile)) })
    }

    @Test("names cannot carry quotes or SQL: the lexer only reads letters, digits and '_'", arguments: [
        ("entity a\"b { x: Int }", "unterminated string literal"),
        ("entity `a\"b` { x: Int }", "expected a name between backticks"),
        ("entity Author2 { `x'; DROP TABLE author; --`: Int }", "expected a name between backticks"),
        ("entity Author2 { \"name\": String }", "expected a property such as 'name: String', found '\"name\"'"),
        ("insert Author(\"name\": \"x\")", "expected ')' to close '(' opened at 1:14"),
        ("Author.where(`name; DROP TABLE author` == 1)", "expected a name between backticks"),
        ("Author.order(\"name\")", "expected a property name here"),
        ("Author.select(\"name\")", "select(...) takes property names"),
        ("Author.include(\"books\")", "include(...) takes association names, like include(books) or include(books.tags)"),
        ("entity Author2 { x: Int; index(\"x\") }", "expected a property name in index(...), found '\"x\"'"),
    ])
    func hostileNames(_ command: String, _ message: String) throws {
        let wb = try libraryWorkbench()
        let reports = wb.run(command + "\nAuthor.count\nBook.count")
        #expect(reports.first.map(messages) == [message])
        #expect(reports.dropFirst().map(\.value) == [.integer(1), .integer(1)])
    }

    @Test("identifiers that are SQL are quoted: tables, columns, foreign keys, join tables and indexes")
    func quotedIdentifiers() throws {
        let reports = try run(sqlWordIdentifiersScript)
        expectAllOK(reports)
        #expect(reports.flatMap(\.sql).map(\.sql).filter { $0.hasPrefix("CREATE") } == [
            #"CREATE TABLE "drop" ("id" INTEGER PRIMARY KEY, "table" TEXT NOT NULL UNIQUE)"#,
            #"CREATE INDEX "drop_table" ON "drop"("table")"#,
            #"CREATE TABLE "where" ("id" INTEGER PRIMARY KEY, "from_id" INTEGER REFERENCES "drop"("id"))"#,
            #"CREATE UNIQUE INDEX "where_from_id" ON "where"("from_id")"#,
            #"CREATE TABLE "group" ("id" INTEGER PRIMARY KEY, "by" TEXT NOT NULL)"#,
            #"CREATE INDEX "group_by" ON "group"("by")"#,
            #"CREATE TABLE "group_where" ("group_id" INTEGER NOT NULL REFERENCES "group"("id") ON DELETE CASCADE, "where_id" INTEGER NOT NULL REFERENCES "where"("id") ON DELETE CASCADE, PRIMARY KEY ("group_id", "where_id"))"#,
        ])
        #expect(reports.last?.value == .integer(1))
        expectEveryIdentifierQuoted(reports)
    }

    @Test("workbench commands with hostile arguments answer with diagnostics and change nothing", arguments: [
        ":mapping '; DROP TABLE author; --",
        ":help \"; DROP TABLE author",
        ":set naming '; DROP TABLE author; --",
        ":set lazy ' OR 1=1",
        ":lesson '; DROP TABLE author; --",
        ":load /nonexistent/'; DROP TABLE author; --",
        ":nonsense '; DROP TABLE author; --",
    ])
    func hostileCommandArguments(_ command: String) throws {
        let wb = try libraryWorkbench()
        let reports = wb.run(command + "\nAuthor.count")
        #expect(reports.first?.ok == false)
        #expect(reports.first?.sql.isEmpty == true)
        #expect(reports.last?.value == .integer(1))
    }

    @Test(":save and :load take a file name as it is: quotes, $( ) and ; are part of the name, not a shell command")
    func hostileFileNames() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let name = "a'b\"c;$(touch pwned) `touch pwned2` & x.orm"
        let path = directory.appendingPathComponent(name).path
        let wb = try libraryWorkbench()
        let saved = wb.run(":save \(path)")
        expectAllOK(saved)
        #expect(listing(of: directory) == [name])
        let fresh = try Workbench()
        let loaded = fresh.run(":load \(path)\nAuthor.where(name == \"Ursula\").count")
        expectAllOK(loaded)
        #expect(loaded.last?.value == .integer(1))
        #expect(listing(of: directory) == [name])
    }
}
