import Foundation
import Render
import Report
import Testing
@testable import Workbench

// Issue 22: two sessions on one database, the lost update, optimistic locking with `version`,
// pessimistic locking (`lock`, BEGIN IMMEDIATE on SQLite), isolation levels and lock timeouts.

@Suite struct SessionsAndLockingTests {
    let accounts = """
    entity Account { owner: String; balance: Int }
    insert Account(owner: "Ada", balance: 100)
    save
    """
    let versionedAccounts = """
    entity Account { owner: String; balance: Int; version }
    insert Account(owner: "Ada", balance: 100)
    save
    """

    @Test func aSecondSessionHasItsOwnIdentityMapOnTheSameData() throws {
        let wb = try Workbench()
        runAll(wb, accounts + "\nAccount#1")
        let open = try #require(wb.run(":session B").first)
        expectOK(open)
        #expect(open.notes.map(\.kind) == [.session, .session])
        #expect(open.notes[0].message.contains("in-memory database was copied to a temporary file"))
        // B reads the row itself: its identity map is its own, so this is a SELECT, not a hit.
        let read = try #require(wb.run("Account#1").first)
        #expect(sqlTexts(read) == [#"SELECT "account".* FROM "account" WHERE "account"."id" = ?"#])
        #expect(read.sessionName == "B")
        #expect(PlainRenderer.render(read).contains("-- sql · session B --"))
        runAll(wb, "Account#1.balance = 70\nsave")
        // A's loaded object still says 100 (its identity map), the row says 70.
        let back = try #require(wb.run(":session A").first)
        #expect(back.notes.first?.message == "session A: 1 object in its identity map, pending: nothing, transaction: none")
        let inA = try #require(wb.run("Account#1.balance").first)
        #expect(inA.value == .integer(100))
        #expect(inA.sql.isEmpty)
        let raw = try #require(wb.run(":sql SELECT balance FROM account").first)
        #expect(raw.sessionName == "A")
        guard case .table(_, _, let rows) = try #require(raw.blocks.first) else { Issue.record("no rows"); return }
        #expect(rows == [["70"]])
    }

    @Test func sessionsListsWhatEachHolds() throws {
        let wb = try Workbench()
        runAll(wb, accounts + "\n:session B\nAccount#1.balance = 5\n:session A\nbegin\nAccount#1")
        let list = try #require(wb.run(":sessions").first)
        guard case .table(_, let header, let rows) = try #require(list.blocks.first) else { Issue.record("no table"); return }
        #expect(header == ["", "session", "objects", "pending", "transaction"])
        #expect(rows == [["*", "A", "1", "nothing", "open (since `begin`)"],
                         ["", "B", "1", "Account#1", "none"]])
    }

    @Test func singleSessionReportsNameNoSession() throws {
        let wb = try Workbench()
        let reports = runAll(wb, accounts + "\nAccount#1.balance = 5\nsave")
        #expect(reports.allSatisfy { $0.sessionName == nil })
        #expect(!PlainRenderer.render(reports[3]).contains("session"))
    }

    @Test func theLostUpdateIsNamed() throws {
        let wb = try Workbench()
        runAll(wb, accounts + "\nAccount#1.balance\n:session B\nAccount#1.balance = 70\nsave\n:session A\nAccount#1.balance = 150")
        let save = try #require(wb.run("save").first)
        expectOK(save)
        #expect(dataSQL(save) == [#"UPDATE "account" SET "balance" = ? WHERE "id" = ?"#])
        let note = try #require(save.notes.first { $0.kind == .lostUpdate })
        #expect(note.message.hasPrefix("lost update: this save overwrites Account#1.balance = 70, which another session saved after this session read 100; this session never saw it and writes 150"))
        // The check reads without being logged: the SQL pane holds only what the ORM ran.
        #expect(save.sql.count == 3)
    }

    @Test func noLostUpdateNoteWhenNobodyElseWrote() throws {
        let wb = try Workbench()
        runAll(wb, accounts + "\n:session B\n:session A\nAccount#1.balance = 150")
        let save = try #require(wb.run("save").first)
        #expect(!save.notes.contains { $0.kind == .lostUpdate })
    }

    @Test func versionMakesTheSecondSaveFailAndKeepsTheChanges() throws {
        let wb = try Workbench()
        runAll(wb, versionedAccounts + "\nAccount#1.balance\n:session B\nAccount#1.balance = 70")
        let first = try #require(wb.run("save").first)
        #expect(dataSQL(first) == [#"UPDATE "account" SET "balance" = ?, "version" = "version" + 1 WHERE "id" = ? AND "version" = ?"#])
        #expect(first.sql[1].params == [.integer(70), .integer(1), .integer(1)])
        #expect(first.objects.first.flatMap { value($0, "version") } == .integer(2))
        runAll(wb, ":session A\nAccount#1.balance = 150")
        let stale = try #require(wb.run("save").first)
        #expect(!stale.ok)
        #expect(stale.diagnostics.first?.message == "stale object: Account#1 was changed by another session since this session read it: expected version 1, the row has version 2")
        #expect(stale.sql.map(\.sql).last == "ROLLBACK")
        #expect(stale.sql[1].rows == 0)
        // The unit of work still holds the change.
        let pending = try #require(wb.run(":pending").first)
        #expect(pending.objects.map(\.ref) == ["Account#1"])
        #expect(pending.objects.first.flatMap { value($0, "balance") } == .integer(150))
        // Reload and retry.
        let reload = try #require(wb.run("Account#1.reload").first)
        expectOK(reload)
        #expect(reload.objects.first.flatMap { value($0, "balance") } == .integer(70))
        #expect(reload.objects.first?.state == .clean)
        runAll(wb, "Account#1.balance = 120")
        let retry = try #require(wb.run("save").first)
        expectOK(retry)
        #expect(retry.sql[1].params == [.integer(120), .integer(1), .integer(2)])
        #expect(retry.sql[1].rows == 1)
    }

    @Test func versionIsAnIntStartingAtOne() throws {
        let wb = try Workbench()
        let reports = runAll(wb, versionedAccounts)
        #expect(reports[0].mapping.first?.columns.last?.constraints == ["NOT NULL", "DEFAULT 1"])
        #expect(reports[0].notes.contains { $0.kind == .locking && $0.message.hasPrefix("version: optimistic locking") })
        #expect(reports[2].sql[1].params == [.text("Ada"), .integer(100), .integer(1)])
    }

    @Test func lockOnSQLiteBeginsImmediateAndAnotherWriterTimesOut() throws {
        let wb = try Workbench()
        runAll(wb, accounts + "\n:session B\n:set lock_timeout 50ms\n:session A")
        let lock = try #require(wb.run("Account.where(id == 1).lock.first").first)
        expectOK(lock)
        #expect(sqlTexts(lock) == ["BEGIN IMMEDIATE", #"SELECT "account".* FROM "account" WHERE "account"."id" = ? ORDER BY "account"."id" LIMIT ?"#])
        #expect(lock.notes.contains { $0.kind == .locking && $0.message.contains("whole database") })
        runAll(wb, ":session B\nAccount#1.balance = 0")
        let blocked = try #require(wb.run("save").first)
        #expect(!blocked.ok)
        #expect(blocked.diagnostics.first?.message.contains("database is locked") == true)
        let who = try #require(blocked.notes.first { $0.kind == .locking })
        #expect(who.message.contains("session B waited 50 ms"))
        #expect(who.message.contains("session A holds it (its transaction is open since `Account.where(id == 1).lock.first`; its last statement: SELECT"))
        // Both go on: A commits, B's change is still pending and saves.
        runAll(wb, ":session A\ncommit\n:session B")
        let saved = try #require(wb.run("save").first)
        expectOK(saved)
        #expect(dataSQL(saved) == [#"UPDATE "account" SET "balance" = ? WHERE "id" = ?"#])
    }

    @Test func isolationLevelsOnSQLite() throws {
        let wb = try Workbench()
        runAll(wb, accounts)
        let serializable = try #require(wb.run("begin isolation serializable").first)
        expectOK(serializable)
        #expect(sqlTexts(serializable) == ["BEGIN"])
        #expect(serializable.notes.first?.message.hasPrefix("transaction open at SERIALIZABLE: SQLite gives one level, SERIALIZABLE") == true)
        runAll(wb, "rollback")
        let committed = try #require(wb.run("begin isolation read committed").first)
        expectOK(committed)
        #expect(committed.notes.first?.message.hasPrefix("transaction open at READ COMMITTED; SQLite gives one level") == true)
        runAll(wb, "rollback")
        let dirty = try #require(wb.run("begin isolation read uncommitted").first)
        #expect(!dirty.ok)
        #expect(dirty.diagnostics.first?.message == "SQLite has no READ UNCOMMITTED isolation level")
        #expect(dirty.sql.isEmpty)
        let unknown = try #require(wb.run("begin isolation snapshot").first)
        #expect(!unknown.ok)
        #expect(unknown.diagnostics.first?.message == "unknown isolation level 'snapshot'")
        #expect(unknown.diagnostics.first?.column == 17)
    }

    @Test func badInput() throws {
        let wb = try Workbench()
        runAll(wb, accounts + "\n:session B\nAccount#1.balance = 1\n:session A")
        // Closing a session with pending changes refuses; nothing is lost.
        let close = try #require(wb.run(":session close B").first)
        #expect(!close.ok)
        #expect(close.diagnostics.first?.message == "session B has 1 unsaved change; closing it would lose them")
        let list = try #require(wb.run(":sessions").first)
        guard case .table(_, _, let rows) = try #require(list.blocks.first) else { Issue.record("no table"); return }
        #expect(rows.map { $0[3] } == ["nothing", "Account#1"])
        // lock on an aggregate.
        let count = try #require(wb.run("Account.lock.count").first)
        #expect(!count.ok)
        #expect(count.diagnostics.first?.message == "lock locks the rows a query loads as objects; count loads none (an aggregate reads rows without locking them)")
        #expect(count.sql.isEmpty)
        // Names and timeouts.
        #expect(wb.run(":session").first?.ok == false)
        #expect(wb.run(":session a b").first?.ok == false)
        #expect(wb.run(":set lock_timeout soon").first?.diagnostics.first?.message == "lock_timeout takes a duration up to 60s: 2s, 500ms or 0")
        // Discarding is explicit, and then the workbench is back to one session.
        let discard = try #require(wb.run(":session close B discard").first)
        expectOK(discard)
        let after = try #require(wb.run("Account#1").first)
        #expect(after.sessionName == nil)
    }

    @Test func savedScriptsReplayTheSwitches() throws {
        let wb = try Workbench()
        runAll(wb, accounts + "\nAccount#1.balance\n:session B\nAccount#1.balance = 70\nsave\n:session A\nAccount#1.balance = 150\nsave\n:sessions")
        #expect(wb.history.suffix(7) == ["Account#1.balance", ":session B", "Account#1.balance = 70", "save", ":session A", "Account#1.balance = 150", "save"])
        let replay = try Workbench()
        let reports = runAll(replay, wb.history.joined(separator: "\n"))
        #expect(reports.last?.notes.contains { $0.kind == .lostUpdate } == true)
    }

    @Test func definingInOneSessionMapsInTheOther() throws {
        let wb = try Workbench()
        runAll(wb, accounts + "\n:session B\nentity Note { text: String }\ninsert Note(text: \"hi\")\nsave\n:session A")
        let read = try #require(wb.run("Note#1.text").first)
        expectOK(read)
        #expect(read.value == .text("hi"))
    }
}

@Suite struct SessionsSchemaChangeTests {
    /// A table changed in session A: session B's next read sees the new column (its connection
    /// had cached SQLite's old schema; a stale statement read three of four columns).
    @Test func aColumnAddedInOneSessionIsReadInTheOther() throws {
        let wb = try Workbench()
        runAll(wb, "entity Account { owner: String; balance: Int }\ninsert Account(owner: \"Ada\", balance: 100)\nsave\n:session B\nAccount#1\n:session A\nentity Account { owner: String; balance: Int; version }\n:session B")
        let read = try #require(wb.run("Account#1").first)
        expectOK(read)
        #expect(read.objects.first?.state == .clean)
        #expect(read.objects.first.flatMap { value($0, "version") } == .integer(1))
    }
}

@Suite struct SessionNameInOutputTests {
    @Test func jsonNamesTheSessionOnlyWhenTwoAreOpen() throws {
        let wb = try Workbench()
        let one = try #require(wb.run("entity Account { owner: String }").first)
        #expect(!JSONRenderer.render(one).contains("\"session\""))
        _ = wb.run(":session B")
        let two = try #require(wb.run("Account.count").first)
        #expect(JSONRenderer.render(two).contains(#""session":"B""#))
        #expect(TerminalRenderer.render(two, options: RenderOptions(width: 100, color: false)).contains("SQL · session B"))
    }
}

@Suite struct LockWaitInterruptTests {
    /// Ctrl-C (`Workbench.interrupt`, from another thread) during a lock wait: measured, so the
    /// report says what happens rather than what we hope.
    @Test func interruptDuringALockWait() throws {
        let wb = try Workbench()
        runAll(wb, "entity Account { owner: String; balance: Int }\ninsert Account(owner: \"Ada\", balance: 100)\nsave\n:session B\n:session A\nbegin immediate\n:session B\nAccount#1.balance = 1")
        let start = Date()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { wb.interrupt() }
        let save = try #require(wb.run("save").first)
        let elapsed = Date().timeIntervalSince(start)
        #expect(!save.ok)
        print("lock wait interrupted after \(elapsed) s: \(save.diagnostics.first?.message ?? "")")
        #expect(elapsed < 2.5, "Ctrl-C should end the wait before the default lock timeout (5 s)")
        // Both sessions go on.
        runAll(wb, ":session A\ncommit\n:session B\nsave")
    }
}

/// `version` on a joined hierarchy: a change in the subclass's table still checks and increments
/// the version in the root's table, so the second session's save is refused (it used to update
/// car alone, and the lost update went through).
@Test func versionIsCheckedForAJoinedClassWhoseChangeIsInItsOwnTable() throws {
    let wb = try Workbench()
    runAll(wb, """
        entity Vehicle inheritance(joined) { name: String; version }
        entity Car : Vehicle { doors: Int }
        insert Car(name: "Golf", doors: 5)
        save
        Car#1.doors
        :session B
        Car#1.doors = 3
        """)
    let first = try #require(wb.run("save").first)
    #expect(dataSQL(first) == [#"UPDATE "car" SET "doors" = ? WHERE "id" = ?"#,
                               #"UPDATE "vehicle" SET "version" = "version" + 1 WHERE "id" = ? AND "version" = ?"#])
    #expect(first.objects.first.flatMap { value($0, "version") } == .integer(2))
    runAll(wb, ":session A\nCar#1.doors = 4")
    let stale = try #require(wb.run("save").first)
    #expect(!stale.ok)
    #expect(stale.diagnostics.first?.message == "stale object: Car#1 was changed by another session since this session read it: expected version 1, the row has version 2")
    #expect(stale.sql.map(\.sql).last == "ROLLBACK")
}

/// A joined class's lost update is named too, whichever table the property lives in (the check
/// read every changed column from the subclass's table and failed silently for inherited ones).
@Test func theLostUpdateOfAJoinedClassIsNamedInEitherTable() throws {
    let wb = try Workbench()
    runAll(wb, """
        entity Vehicle inheritance(joined) { name: String }
        entity Car : Vehicle { doors: Int }
        insert Car(name: "Golf", doors: 5)
        save
        Car#1.name
        :session B
        Car#1.name = "Polo"
        Car#1.doors = 3
        save
        :session A
        Car#1.name = "Up"
        Car#1.doors = 2
        """)
    let save = try #require(wb.run("save").first)
    expectOK(save)
    let notes = save.notes.filter { $0.kind == .lostUpdate }.map(\.message)
    #expect(notes.count == 2)
    #expect(notes.contains { $0.hasPrefix("lost update: this save overwrites Car#1.name = \"Polo\"") })
    #expect(notes.contains { $0.hasPrefix("lost update: this save overwrites Car#1.doors = 3") })
}
