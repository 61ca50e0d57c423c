import Render
import Report
import Runtime
import Testing
@testable import Workbench

// Issue 20: arithmetic and string expressions in assignments; bulk update and delete as ONE
// statement; `:set sync evaluate|fetch|none`; stale objects after bulk statements and raw :sql.

private let accounts = """
entity Account { email: String unique; name: String; balance: Int = 0; rate: Double = 0 }
insert Account(email: "a@x.org", name: " Ann ", balance: 100)
insert Account(email: "b@x.org", name: "Bob", balance: 5)
insert Account(email: "c@x.org", name: "Cy", balance: 0)
save
"""

private func bank() throws -> Workbench {
    let wb = try Workbench()
    runAll(wb, accounts)
    return wb
}

@Suite struct ExpressionAssignmentTests {
    @Test func arithmeticOnAPropertyMakesTheObjectDirtyWithTheComputedValue() throws {
        let wb = try bank()
        let r = try #require(wb.run("Account#1.balance = Account#1.balance - 30").first)
        expectOK(r)
        #expect(r.objects.first?.state == .dirty)
        #expect(value(r.objects[0], "balance") == .integer(70))
        let save = try #require(wb.run("save").first)
        #expect(dataSQL(save) == [#"UPDATE "account" SET "balance" = ? WHERE "id" = ?"#])
        #expect(save.sql[1].params == [.integer(70), .integer(1)])
    }

    @Test func stringPlusAndTheScalarFunctions() throws {
        let wb = try bank()
        let r = try #require(wb.run(#"Account#1.name = upper(trim(Account#1.name)) + "!""#).first)
        expectOK(r)
        #expect(value(r.objects[0], "name") == .text("ANN!"))
        let lower = try #require(wb.run(#"Account#2.email = lower("X@Y.ORG")"#).first)
        #expect(value(lower.objects[0], "email") == .text("x@y.org"))
        // Int into a Double property is widened; precedence is the usual one.
        let rate = try #require(wb.run("Account#2.rate = 1 + 2 * 3 / 2").first)
        #expect(value(rate.objects[0], "rate") == .real(4))
    }

    @Test func mistakesInExpressionsAreDiagnosedWhereTheyAre() throws {
        let wb = try bank()
        let mixed = try #require(wb.run(#"Account#1.name = Account#1.name + 1"#).first)
        #expect(!mixed.ok)
        #expect(mixed.diagnostics.first?.message == "'+' joins two Strings, but this mixes String and Int")
        #expect(mixed.diagnostics.first?.column == 18)
        let type = try #require(wb.run(#"Account#1.balance = Account#1.name + "x""#).first)
        #expect(type.diagnostics.first?.message == #"type mismatch: 'balance' is Int, but " Ann x" is String"#)
        let zero = try #require(wb.run("Account#1.balance = Account#1.balance / 0").first)
        #expect(zero.diagnostics.first?.message == "division by zero")
        let bare = try #require(wb.run("Account#1.balance = balance - 30").first)
        #expect(bare.diagnostics.first?.message == "unknown name 'balance'")
        // Nothing of the failed commands changed the object.
        let after = try #require(wb.run("Account#1").first)
        #expect(after.objects.first?.state == .clean)
    }
}

@Suite struct BulkStatementTests {
    @Test func aBulkUpdateSaysItLeavesTimestampsAndTheVersionAlone() throws {
        let wb = try Workbench()
        runAll(wb, """
        entity Ledger { total: Int; version; timestamps }
        insert Ledger(total: 1)
        save
        """)
        let r = try #require(wb.run("Ledger.where(total > 0).update(total: total + 1)").first)
        expectOK(r)
        // One statement, and it touches neither updated_at nor version: as Rails' update_all.
        #expect(dataSQL(r) == [#"UPDATE "ledger" SET "total" = "total" + ? WHERE "total" > ?"#])
        let note = try #require(r.notes.first { $0.kind == .bulk }?.message)
        #expect(note.contains("nor does it set updated_at or add 1 to version, as Rails' update_all does not"))
        #expect(note.contains("optimistic lock cannot see this change"))
        // Without those columns the note does not mention them.
        let plain = try #require(wb.run("entity Tally { n: Int }").first)
        expectOK(plain)
        let bulk = try #require(wb.run("Tally.where(n > 0).update(n: n + 1)").first)
        #expect(bulk.notes.first { $0.kind == .bulk }?.message.contains("nor does it") == false)
    }

    @Test func bulkUpdateIsOneStatementWithColumnArithmeticInSQL() throws {
        let wb = try bank()
        let r = try #require(wb.run("Account.where(balance < 50).update(balance: balance + 10, name: lower(name))").first)
        expectOK(r)
        #expect(sqlTexts(r) == [#"UPDATE "account" SET "balance" = "balance" + ?, "name" = LOWER("name") WHERE "balance" < ?"#])
        #expect(r.sql[0].params == [.integer(10), .integer(50)])
        #expect(r.sql[0].rows == 2)
        #expect(r.notes.contains { $0.kind == .bulk && $0.message.contains("validations and callbacks did not run") })
        // The rows really changed.
        let check = try #require(wb.run(":sql SELECT balance, name FROM account ORDER BY id").first)
        guard case .table(_, _, let rows) = try #require(check.blocks.first) else { Issue.record("no table"); return }
        #expect(rows == [["100", "\" Ann \""], ["15", "\"bob\""], ["10", "\"cy\""]])
    }

    @Test func syncEvaluateUpdatesLoadedObjectsInMemoryWithoutSQL() throws {
        let wb = try bank()
        let r = try #require(wb.run("Account.where(balance < 50).update(balance: balance + 10)").first)
        // Only the UPDATE ran; the loaded objects that match were changed in memory.
        #expect(r.sql.count == 1)
        #expect(r.objects.map(\.ref) == ["Account#2", "Account#3"])
        #expect(r.objects.map(\.state) == [.clean, .clean])
        #expect(r.objects.compactMap { value($0, "balance") } == [.integer(15), .integer(10)])
        let one = try #require(wb.run("Account#1").first)
        #expect(value(one.objects[0], "balance") == .integer(100))
    }

    @Test func syncFetchReadsTheChangedRowsBackWithReturning() throws {
        let wb = try bank()
        runAll(wb, ":set sync fetch")
        let r = try #require(wb.run("Account.where(id == 1).update(balance: balance * 2)").first)
        #expect(sqlTexts(r) == [#"UPDATE "account" SET "balance" = "balance" * ? WHERE "id" = ? RETURNING *"#])
        #expect(r.objects.map(\.ref) == ["Account#1"])
        #expect(value(r.objects[0], "balance") == .integer(200))
    }

    @Test func syncNoneMarksLoadedObjectsStaleAndTouchingOneSaysHowToRefresh() throws {
        let wb = try bank()
        runAll(wb, ":set sync none")
        let r = try #require(wb.run("Account.where(id == 1).update(balance: balance - 30)").first)
        #expect(r.objects.map(\.state) == [.stale, .stale, .stale])
        let touch = try #require(wb.run("Account#1.balance").first)
        #expect(!touch.ok)
        #expect(touch.diagnostics.first?.message.hasPrefix("Account#1 is stale") == true)
        #expect(touch.diagnostics.first?.hint?.contains("Account#1.reload") == true)
        let assign = try #require(wb.run("Account#1.balance = 1").first)
        #expect(!assign.ok)
        // The pane never shows the old value as current.
        let shown = try #require(wb.run("Account#1").first)
        let text = PlainRenderer.render(shown)
        #expect(text.contains("balance = ? (stale; loaded as 100)"))
        // A query that returns the row reads it again: clean, with the current value.
        let again = try #require(wb.run("Account.where(id == 1)").first)
        #expect(again.objects.first?.state == .clean)
        #expect(value(again.objects[0], "balance") == .integer(70))
    }

    @Test func rawSQLWriteMarksTheTablesLoadedObjectsStale() throws {
        let wb = try bank()
        let r = try #require(wb.run(":sql UPDATE account SET balance = 0 WHERE id = 2").first)
        expectOK(r)
        #expect(r.objects.map(\.state) == [.stale, .stale, .stale])
        #expect(r.notes.contains { $0.kind == .stale && $0.message.contains("Account#2.reload") || $0.message.contains("Account#1.reload") })
        // Another table's write leaves them alone.
        #expect(Runtime_tableWritten(#"DELETE FROM "account" WHERE id = 1"#) == "account")
        #expect(Runtime_tableWritten("INSERT OR REPLACE INTO main.book (x) VALUES (1)") == "book")
        #expect(Runtime_tableWritten("SELECT 1") == nil)
    }

    @Test func bulkDeleteIsOneStatementAndLoadedObjectsLeaveTheSession() throws {
        let wb = try bank()
        let r = try #require(wb.run("Account.where(balance == 0).delete()").first)
        #expect(sqlTexts(r) == [#"DELETE FROM "account" WHERE "balance" = ?"#])
        #expect(r.objects.map(\.ref) == ["Account#3"])
        #expect(r.objects.map(\.state) == [.detached])
        let gone = try #require(wb.run("Account#3").first)
        #expect(!gone.ok)
        // The per-object form stays: it loads the objects and each gets its own DELETE at save.
        runAll(wb, "delete Account.where(balance > 0)")
        let save = try #require(wb.run("save").first)
        #expect(dataSQL(save) == [#"DELETE FROM "account" WHERE "id" = ?"#, #"DELETE FROM "account" WHERE "id" = ?"#])
    }

    @Test func bulkUpdateThroughAnAssociationUsesASubquery() throws {
        let wb = try Workbench()
        runAll(wb, """
        entity Author { name: String; books: [Book] }
        entity Book { title: String; year: Int; author: Author }
        insert Author(name: "Le Guin")
        insert Book(title: "A", year: 1969, author: Author#1)
        save
        """)
        let r = try #require(wb.run(#"Book.where(author.name == "Le Guin").update(year: year + 1)"#).first)
        expectOK(r)
        #expect(sqlTexts(r) == [#"UPDATE "book" SET "year" = "year" + ? WHERE "id" IN (SELECT "book"."id" FROM "book" JOIN "author" ON "author"."id" = "book"."author_id" WHERE "author"."name" = ?)"#])
        // evaluate cannot judge a path in memory: the loaded books are marked stale instead.
        #expect(r.objects.map(\.state) == [.stale])
    }

    @Test func badBulkInputIsRefusedBeforeAnythingRuns() throws {
        let wb = try bank()
        let cases: [(String, String, Int)] = [
            ("Account.update(balanse: 1)", "unknown property 'balanse' on Account", 16),
            (#"Account.update(balance: "x")"#, #"type mismatch: 'balance' is Int, but "x" is String"#, 25),
            ("Account.update(id: 1)", "the primary key cannot be updated", 16),
            ("Account.update(balance)", "update takes labelled values: property: value", 16),
            ("Account.order(name).update(balance: 1)", "a bulk update takes a condition only, not order(...)", 21),
            ("Account.delete(1)", "delete() takes no arguments: the query says which rows", 16),
            ("Account.update(name: nil)", "Account.name is required (NOT NULL)", 22),
        ]
        for (command, message, column) in cases {
            let r = try #require(wb.run(command).first)
            #expect(!r.ok, "\(command)")
            #expect(r.sql.isEmpty, "\(command) ran SQL")
            #expect(r.diagnostics.first?.message == message, "\(command)")
            #expect(r.diagnostics.first?.column == column, "\(command)")
        }
        let relationship = try Workbench()
        runAll(relationship, """
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        """)
        let r = try #require(relationship.run("Book.update(author: Author#1)").first)
        #expect(r.diagnostics.first?.message == "author is a belongs-to association: a bulk update sets plain properties")
        #expect(r.sql.isEmpty)
        // :explain never runs a bulk statement.
        let explain = try #require(wb.run(":explain Account.where(id == 1).delete()").first)
        #expect(!explain.ok)
        #expect(wb.run("Account.count").first?.value == .integer(3))
    }
}

private func Runtime_tableWritten(_ sql: String) -> String? {
    Session.tableWritten(by: sql)
}

@Suite struct ConstraintInORMTermsTests {
    @Test func aUniqueViolationNamesTheRowThatHoldsTheValue() throws {
        let wb = try bank()
        runAll(wb, #"insert Account(email: "a@x.org", name: "Dup")"#)
        let save = try #require(wb.run("save").first)
        #expect(save.diagnostics.first?.message == #"cannot save Account (new #4): email "a@x.org" is already taken (account.email is unique; Account#1 holds it)"#)
        #expect(save.sql.last?.cause == #"which row holds email "a@x.org""#)
    }

    @Test func aBulkDeleteRefusedByAForeignKeyIsExplained() throws {
        let wb = try Workbench()
        runAll(wb, """
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        insert Author(name: "A"); insert Book(title: "B", author: Author#1); save
        """)
        let r = try #require(wb.run("Author.all.delete()").first)
        #expect(r.diagnostics.first?.message == "the bulk DELETE of Author rows failed: other rows still refer to some of them (Book.author; a foreign key without an ON DELETE rule); nothing was deleted")
        #expect(r.sql.first?.error?.hasPrefix("the bulk DELETE of Author rows failed") == true)
    }
}
