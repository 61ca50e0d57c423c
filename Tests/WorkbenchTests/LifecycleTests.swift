import Render
import Report
import Testing
@testable import Workbench

// Issue 20: validations and callbacks run by the unit of work, per object, in the order
// validate → before → SQL → after → commit, shown as a timeline; timestamps set by the flush.

private let accountModel = """
entity Account {
  email: String unique validate(format: email)
  name: String validate(length: 1...80)
  balance: Int = 0 validate(>= 0)
  kind: String = "basic" validate(in: ["basic", "gold"])
  timestamps
  on before save { email = lower(email) }
  on before insert { name = trim(name) }
}
"""

private func bank() throws -> Workbench {
    let wb = try Workbench()
    wb.session.now = { "2024-05-01T12:00:00" }
    runAll(wb, accountModel)
    return wb
}

@Suite struct LifecycleTests {
    @Test func aSaveRunsValidationsCallbacksAndTimestampsBeforeTheInsert() throws {
        let wb = try bank()
        runAll(wb, #"insert Account(email: "Ann@X.org", name: "  Ann ", balance: 100)"#)
        let save = try #require(wb.run("save").first)
        expectOK(save)
        #expect(dataSQL(save) == [#"INSERT INTO "account" ("email", "name", "balance", "kind", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?, ?)"#])
        #expect(save.sql[1].params == [.text("ann@x.org"), .text("Ann"), .integer(100), .text("basic"),
                                        .text("2024-05-01T12:00:00"), .text("2024-05-01T12:00:00")])
        #expect(save.lifecycle == [LifecycleTimeline(ref: "Account#1", steps: [
            #"validate ✓ email format: email, name length: 1...80, balance >= 0, kind in: ["basic", "gold"]"#,
            #"before save: email = "ann@x.org""#,
            #"before insert: name = "Ann""#,
            #"timestamps: created_at, updated_at = "2024-05-01T12:00:00""#,
            "SQL: INSERT",
            "commit",
        ])])
        // The timeline is in the SQL pane and in JSON.
        #expect(PlainRenderer.render(save).contains("lifecycle of Account#1:\n  1. validate ✓ email format: email"))
        #expect(JSONRenderer.render(save).contains(#""lifecycle":[{"ref":"Account#1","steps":["validate ✓"#))
    }

    @Test func anUpdateRunsBeforeSaveButNotBeforeInsertAndMovesUpdatedAt() throws {
        let wb = try bank()
        runAll(wb, #"insert Account(email: "a@x.org", name: "Ann"); save"#)
        wb.session.now = { "2024-06-01T08:00:00" }
        runAll(wb, #"Account#1.name = "  Bo ""#)
        let save = try #require(wb.run("save").first)
        #expect(dataSQL(save) == [#"UPDATE "account" SET "name" = ?, "updated_at" = ? WHERE "id" = ?"#])
        #expect(save.sql[1].params == [.text("  Bo "), .text("2024-06-01T08:00:00"), .integer(1)])
        #expect(save.lifecycle.first?.steps.contains(#"before save: email = "a@x.org""#) == true)
        #expect(save.lifecycle.first?.steps.contains { $0.hasPrefix("before insert") } == false)
    }

    @Test func aFailedValidationStopsTheSaveBeforeAnySQLAndLeavesEverythingPending() throws {
        let wb = try bank()
        runAll(wb, #"insert Account(email: "a@x.org", name: "Ann", balance: 100); save"#)
        runAll(wb, "Account#1.balance = Account#1.balance - 130")
        runAll(wb, #"let b = insert Account(email: "nope", name: "Bo")"#)
        let save = try #require(wb.run("save").first)
        #expect(!save.ok)
        #expect(save.sql.isEmpty)
        #expect(save.diagnostics.first?.message == #"not valid: Account (new #2).email = "nope" fails validate(format: email) (and 1 more: Account#1.balance = -30 fails validate(>= 0))"#)
        #expect(save.lifecycle.map(\.ref) == ["Account (new #2)", "Account#1"])
        #expect(save.lifecycle[1].steps.contains("validate ✗ balance -30 fails >= 0"))
        // Everything is pending as it was: the same objects, states and values.
        let pending = try #require(wb.run(":pending").first)
        #expect(pending.objects.map(\.ref) == ["Account (new #2)", "Account#1"])
        #expect(pending.objects.map(\.state) == [.new, .dirty])
        #expect(value(pending.objects[0], "email") == .text("nope"))
        #expect(value(pending.objects[1], "balance") == .integer(-30))
        // Fixed, the same save goes through.
        runAll(wb, #"Account#1.balance = 0; b.email = "b@x.org""#)
        let again = try #require(wb.run("save").first)
        expectOK(again)
        #expect(dataSQL(again).count == 2)
    }

    @Test func aConstraintFailureAfterTheCallbacksPutsTheirChangesBack() throws {
        let wb = try bank()
        runAll(wb, #"insert Account(email: "a@x.org", name: "Ann"); save"#)
        runAll(wb, #"insert Account(email: "A@X.ORG", name: " Bo ")"#)
        let save = try #require(wb.run("save").first)
        #expect(!save.ok)
        // The INSERT ran with the lowered email and failed on UNIQUE; the object is as typed again.
        let object = try #require(wb.run(":pending").first?.objects.first)
        #expect(value(object, "email") == .text("A@X.ORG"))
        #expect(value(object, "name") == .text(" Bo "))
        #expect(value(object, "created_at") == .null)
        #expect(save.lifecycle.first?.steps.last == "nothing was written; the callbacks' changes were put back")
    }

    @Test func badLifecycleDeclarationsAreRefusedWithACaret() throws {
        let wb = try Workbench()
        let cases: [(String, String, Int)] = [
            ("entity Bad { n: Int validate(format: emial) }", "unknown format 'emial' in validate(format: ...)", 38),
            ("entity Bad { n: Int validate(length: 1...3) }", "validate(length: ...) counts the characters of a String, and 'n' is an Int", 21),
            ("entity Bad { n: Int validate(size: 3) }", "unknown validation 'size'", 30),
            (#"entity Bad { n: Int validate(in: ["a"]) }"#, #"validate(in: ["a"]) on 'n': "a" is not an Int"#, 21),
            (#"entity Bad { n: Int; on before save { n = "x" } }"#, "type mismatch in 'on before save': 'n' is Int, but this is String", 43),
            ("entity Bad { n: Int; on before save { m = 1 } }", "unknown property 'm' on Bad in 'on before save'", 39),
            ("entity Bad { n: Int; on before save { n = upper(n) } }", "upper() needs a String, but this is Int", 49),
            ("entity Bad { n: Int; on before sav { n = 1 } }", "expected insert, update, save or delete after 'on before', found 'sav'", 32),
            ("entity Bad { n: Int; on before save { n = nil } }", "Bad.n is required (NOT NULL), so a callback cannot set it to nil", 43),
        ]
        for (command, message, column) in cases {
            let r = try #require(wb.run(command).first)
            #expect(!r.ok, "\(command)")
            #expect(r.diagnostics.first?.message == message, "\(command)")
            #expect(r.diagnostics.first?.column == column, "\(command)")
            #expect(r.sql.isEmpty, "\(command) ran SQL")
        }
        #expect(wb.session.schema.entity("Bad") == nil)
    }

    @Test func entitiesWithoutRulesFlushAsBefore() throws {
        let wb = try Workbench()
        runAll(wb, #"entity Plain { name: String }; insert Plain(name: "x")"#)
        let save = try #require(wb.run("save").first)
        #expect(save.lifecycle.isEmpty)
        #expect(!JSONRenderer.render(save).contains("lifecycle"))
    }
}

@Suite struct LifecycleExportTests {
    @Test func validationsBecomeAThrowingValidateAndGRDBCallbacks() throws {
        let wb = try Workbench()
        runAll(wb, """
        entity Account { email: String validate(format: email); nick: String? validate(length: ...8); balance: Int = 0 validate(>= 0); timestamps; soft delete }
        """)
        let plain = try #require(wb.run(":export swift plain").first)
        let plainText = plain.blocks.map { "\($0)" }.joined()
        #expect(plainText.contains(#"if !(ValidationError.isEmail(email)) { throw ValidationError(entity: \"Account\", property: \"email\", rule: \"format: email\") }"#))
        #expect(plainText.contains(#"if let value = nick, !(value.count <= 8)"#))
        #expect(plainText.contains("struct ValidationError: Error"))
        let grdb = try #require(wb.run(":export swift grdb").first)
        let grdbText = grdb.blocks.map { "\($0)" }.joined()
        #expect(grdbText.contains("mutating func willInsert(_ db: Database) throws"))
        #expect(grdbText.contains("if createdAt == nil { createdAt = now }"))
        #expect(grdbText.contains("func willUpdate(_ db: Database, columns: Set<String>) throws"))
        #expect(grdbText.contains("// soft delete: deleting sets deleted_at"))
    }
}
