import Foundation
import Render
import Report
import Testing
@testable import Workbench

// Issue 2: one entity end to end. Each statement form's exact SQL, the objects and their
// values, the JSON report shape, diagnostics with line and column.

@Suite struct StatementFormTests {
    let setup = """
    entity Author { name: String; email: String unique; born: Int?; rating: Double = 0 }
    insert Author(name: "Ursula K. Le Guin", email: "ursula@example.org", born: 1929)
    insert Author(name: "Octavia E. Butler", email: "octavia@example.org", born: 1947)
    insert Author(name: "N. K. Jemisin", email: "nk@example.org", born: 1972)
    save
    """

    func last(_ command: String) throws -> Report {
        let wb = try Workbench()
        for r in wb.run(setup) { expectOK(r) }
        let reports = wb.run(command)
        return try #require(reports.last)
    }

    @Test func entityDefinitionRunsItsDDL() throws {
        let r = try #require(try runScript("entity Author { name: String; email: String unique; born: Int?; rating: Double = 0; index(name) }").first)
        expectOK(r)
        #expect(sqlTexts(r) == [
            #"CREATE TABLE "author" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "email" TEXT NOT NULL UNIQUE, "born" INTEGER, "rating" REAL NOT NULL DEFAULT 0)"#,
            #"CREATE INDEX "author_name" ON "author"("name")"#,
        ])
        let facts = try #require(r.mapping.first)
        #expect(facts.table == "author")
        #expect(facts.columns.map(\.column) == ["id", "name", "email", "born", "rating"])
        #expect(facts.columns.map(\.sqlType) == ["INTEGER", "TEXT", "TEXT", "INTEGER", "REAL"])
        #expect(facts.columns[2].constraints == ["NOT NULL", "UNIQUE"])
    }

    @Test func insertIsPendingUntilSave() throws {
        let wb = try Workbench()
        let reports = wb.run("""
        entity Author { name: String; born: Int? }
        insert Author(name: "Le Guin", born: 1929)
        save
        """)
        #expect(reports[1].sql.isEmpty)
        #expect(reports[1].objects.map(\.state) == [.new])
        #expect(reports[1].objects.map(\.ref) == ["Author (new #1)"])
        #expect(sqlTexts(reports[2]) == ["BEGIN", #"INSERT INTO "author" ("name", "born") VALUES (?, ?)"#, "COMMIT"])
        #expect(reports[2].sql[1].params == [.text("Le Guin"), .integer(1929)])
        #expect(reports[2].objects.map(\.ref) == ["Author#1"])
        #expect(reports[2].objects.map(\.state) == [.clean])
    }

    @Test func findByPrimaryKey() throws {
        let wb = try Workbench()
        _ = wb.run(setup)
        _ = wb.run(":forget")
        let first = try #require(wb.run("Author#2").first)
        #expect(sqlTexts(first) == [#"SELECT "author".* FROM "author" WHERE "author"."id" = ?"#])
        #expect(first.sql[0].params == [.integer(2)])
        #expect(first.objects.map(\.ref) == ["Author#2"])
        #expect(value(first.objects[0], "name") == .text("Octavia E. Butler"))
        let second = try #require(wb.run("Author#2").first)
        #expect(second.sql.isEmpty)
        #expect(second.objects[0].fromIdentityMap)
        #expect(second.notes.contains { $0.kind == .identityMap })
    }

    @Test func allWhereOrderLimitOffset() throws {
        let r = try last(#"Author.where(born < 1950 and name like "U%").order(name desc).limit(10).offset(20)"#)
        #expect(sqlTexts(r) == [#"SELECT "author".* FROM "author" WHERE "author"."born" < ? AND "author"."name" LIKE ? ORDER BY "author"."name" DESC LIMIT ? OFFSET ?"#])
        #expect(r.sql[0].params == [.integer(1950), .text("U%"), .integer(10), .integer(20)])
        let all = try last("Author.all")
        #expect(sqlTexts(all) == [#"SELECT "author".* FROM "author""#])
        #expect(all.objects.map(\.ref) == ["Author#1", "Author#2", "Author#3"])
    }

    @Test func orNotInAndNil() throws {
        let r = try last(#"Author.where(not (born > 1950) or name in ["N. K. Jemisin", "X"])"#)
        #expect(sqlTexts(r) == [#"SELECT "author".* FROM "author" WHERE NOT "author"."born" > ? OR "author"."name" IN (?, ?)"#])
        #expect(r.objects.map(\.ref) == ["Author#1", "Author#2", "Author#3"])
        let nilCheck = try last("Author.where(born == nil)")
        #expect(sqlTexts(nilCheck) == [#"SELECT "author".* FROM "author" WHERE "author"."born" IS NULL"#])
        #expect(nilCheck.objects.isEmpty)
        let notNil = try last("Author.where(born != nil).count")
        #expect(sqlTexts(notNil) == [#"SELECT COUNT(*) FROM "author" WHERE "author"."born" IS NOT NULL"#])
        #expect(notNil.value == .integer(3))
    }

    @Test func selectCountFirst() throws {
        // After :forget, so the identity map does not hand back the full objects.
        let select = try last(":forget\nAuthor.select(name, email)")
        #expect(sqlTexts(select) == [#"SELECT "author"."id", "author"."name", "author"."email" FROM "author""#])
        #expect(select.objects.allSatisfy { $0.state == .partial })
        #expect(select.objects[0].values.map(\.name) == ["name", "email"])
        let count = try last("Author.count")
        #expect(sqlTexts(count) == [#"SELECT COUNT(*) FROM "author""#])
        #expect(count.value == .integer(3))
        let first = try last("Author.order(born desc).first")
        #expect(sqlTexts(first) == [#"SELECT "author".* FROM "author" ORDER BY "author"."born" DESC LIMIT ?"#])
        #expect(first.objects.map(\.ref) == ["Author#3"])
    }

    @Test func assignmentUpdatesOnlyTheChangedColumn() throws {
        let wb = try Workbench()
        _ = wb.run(setup)
        let assign = try #require(wb.run(#"Author#1.name = "U. K. Le Guin""#).first)
        #expect(assign.objects.map(\.state) == [.dirty])
        #expect(assign.objects[0].changes == [NamedValue("name", .text("Ursula K. Le Guin"))])
        let save = try #require(wb.run("save").first)
        #expect(dataSQL(save) == [#"UPDATE "author" SET "name" = ? WHERE "id" = ?"#])
        #expect(save.sql.first { $0.sql.hasPrefix("UPDATE") }?.params == [.text("U. K. Le Guin"), .integer(1)])
    }

    @Test func deleteAndRollback() throws {
        let wb = try Workbench()
        _ = wb.run(setup)
        let delete = try #require(wb.run("delete Author#3").first)
        #expect(delete.objects.map(\.state) == [.deleted])
        let save = try #require(wb.run("save").first)
        #expect(dataSQL(save) == [#"DELETE FROM "author" WHERE "id" = ?"#])
        let checked1 = try #require(wb.run("Author.count").first)
        #expect(checked1.value == .integer(2))

        _ = wb.run(#"Author#1.born = 1900"#)
        let rollback = try #require(wb.run("rollback").first)
        #expect(rollback.objects.map(\.state) == [.clean])
        let after = try #require(wb.run("Author#1.born").first)
        #expect(after.value == .integer(1929))
    }

    @Test func beginCommitGroupsSaves() throws {
        let wb = try Workbench()
        _ = wb.run(setup)
        let reports = wb.run("""
        begin
        Author#1.born = 1930
        save
        Author#2.born = 1948
        commit
        """)
        for r in reports { expectOK(r) }
        #expect(sqlTexts(reports[0]) == ["BEGIN"])
        #expect(!sqlTexts(reports[2]).contains("COMMIT"))
        #expect(sqlTexts(reports[4]).last == "COMMIT")
    }

    @Test func aStringWithQuotesAndSQLIsStoredVerbatimAndNeverInSQLText() throws {
        let hostile = #"Robert'); DROP TABLE "author"; -- "quoted" ; 'x'"#
        let literal = #""Robert'); DROP TABLE \"author\"; -- \"quoted\" ; 'x'""#
        let wb = try Workbench()
        let reports = wb.run("""
        entity Author { name: String }
        insert Author(name: \(literal))
        save
        :forget
        Author.where(name == \(literal))
        """)
        for r in reports { expectOK(r) }
        let found = try #require(reports.last)
        #expect(found.objects.count == 1)
        #expect(value(found.objects[0], "name") == .text(hostile))
        for report in reports {
            for statement in report.sql { #expect(!statement.sql.contains("Robert")) }
        }
        #expect(found.sql[0].params == [.text(hostile)])
    }
}
