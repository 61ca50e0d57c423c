import DSL
import Foundation
import Render
import Report
import Testing
@testable import Workbench

// MARK: - Names

@Suite("SQL and Swift keywords as names", .timeLimit(.minutes(1)))
struct KeywordNameTests {
    @Test("SQL keywords as entity and property names are quoted everywhere and queries work")
    func sqlKeywords() throws {
        let reports = try run("""
            entity Order { group: String; select: Int; where: Bool; from: String?; order: Int = 0; table: [Table] }
            entity Table { index: Int index; default: Double?; order: Order; unique index(index, default) }
            insert Order(group: "g", select: 1, where: true, from: "x")
            save
            insert Table(index: 7, order: Order#1)
            save
            Order.where(group == "g" and select > 0 and where and from like "x%").order(order desc, select)
            Order.group(group).count
            Order.select(group, select)
            Table.where(order.group == "g").include(order)
            Order.where(table.any(index == 7)).include(table, using: join)
            Order#1.table
            Order#1.select = 2
            save
            delete Table#1
            save
            """)
        expectAllOK(reports)
        #expect(reports[0].sql.isEmpty) // Order waits for Table
        #expect(reports[1].sql.map(\.sql).first == 
            #"CREATE TABLE "order" ("id" INTEGER PRIMARY KEY, "group" TEXT NOT NULL, "select" INTEGER NOT NULL, "where" INTEGER NOT NULL, "from" TEXT, "order" INTEGER NOT NULL DEFAULT 0)"#)
        #expect(reports[6].sql.map(\.sql) == [
            #"SELECT "order".* FROM "order" WHERE "order"."group" = ? AND "order"."select" > ? AND "order"."where" = ? AND "order"."from" LIKE ? ORDER BY "order"."order" DESC, "order"."select""#,
        ])
        #expect(reports[7].sql.map(\.sql) == [#"SELECT "order"."group", COUNT(*) FROM "order" GROUP BY "order"."group""#])
        #expect(reports[9].objects.map(\.ref) == ["Table#1"])
        #expect(reports[10].objects.first?.ref == "Order#1")
    }

    @Test("Swift keywords and backtick-quoted DSL keywords as names")
    func swiftAndDSLKeywords() throws {
        let reports = try run("""
            entity Class { self: String; Type: Int; init: Bool; protocol: String?; `let`: Int = 0 }
            entity `in` { `for`: String; `not`: Int? }
            insert Class(self: "s", Type: 1, init: false, `let`: 5)
            insert `in`(`for`: "f")
            save
            Class.where(self == "s" and Type == 1 and not init and `let` == 5).count
            `in`.where(`for` == "f" and `not` == nil).count
            let `let` = Class#1
            `let`.self
            """)
        expectAllOK(reports)
        #expect(reports[5].value == .integer(1))
        #expect(reports[6].value == .integer(1))
        #expect(reports[8].value == .text("s"))
    }

    @Test("names that would collide with SQLite's or ORMLab's own tables are diagnosed", arguments: [
        ("entity SqliteMaster { x: Int }", "table name 'sqlite_master' is reserved by SQLite (names starting with sqlite_ are)"),
        ("entity Sqlite_Sequence { x: Int }", "table name 'sqlite_sequence' is reserved by SQLite (names starting with sqlite_ are)"),
        ("entity _ormlabEntities { x: Int }", "table name '_ormlab_entities' is reserved: ORMLab keeps its own data in tables starting with _ormlab"),
        ("entity _ormlabProgress { x: Int }", "table name '_ormlab_progress' is reserved: ORMLab keeps its own data in tables starting with _ormlab"),
    ])
    func reservedTables(_ definition: String, _ message: String) throws {
        let wb = try libraryWorkbench()
        let report = wb.run(definition)[0]
        #expect(messages(report) == [message])
        #expect(report.sql.isEmpty)
        #expect(wb.run("Author.count")[0].value == .integer(1))
    }
}
