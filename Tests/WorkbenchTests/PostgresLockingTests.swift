import Foundation
import Report
import Testing
@testable import Workbench

// Issue 22 on PostgreSQL: a second session is a second libpq connection; row locks (FOR UPDATE,
// NOWAIT, SKIP LOCKED) with lock_timeout and the note naming who holds the lock; Ctrl-C ends a
// wait; the isolation levels' anomalies and serialization failures. Needs ORMLAB_TEST_PG (the
// server of ./dev test or ./dev pg); skipped, saying so, without it (see `sessionServer`).

private let accounts = """
entity Account { owner: String; balance: Int }
insert Account(owner: "Ada", balance: 100)
insert Account(owner: "Grace", balance: 50)
save
"""

@Suite(.enabled(if: sessionServer != nil, "ORMLAB_TEST_PG is not set: no PostgreSQL server for the locking tests"))
struct PostgresLockingTests {
    @Test func aSecondSessionIsItsOwnConnectionAndSeesSchemaChanges() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            runAll(wb, accounts + "\nAccount#1")
            let open = try #require(wb.run(":session B").first)
            expectOK(open)
            #expect(open.notes.last?.message.contains("session B opened") == true)
            // Two server processes: two connections.
            let pids = wb.openSessions.compactMap { $0.session.db.backendPID }
            #expect(pids.count == 2 && pids[0] != pids[1])
            // B reads the row itself (its own identity map).
            let read = try #require(wb.run("Account#1").first)
            #expect(sqlTexts(read) == [#"SELECT "account".* FROM "account" WHERE "account"."id" = $1"#])
            // A table B creates, and a column B adds, are seen in A.
            runAll(wb, "entity Doctor { name: String; on_call: Bool }\ninsert Doctor(name: \"Alice\", on_call: true)\nsave\nentity Account { owner: String; balance: Int; note: String? }")
            let inA = runAll(wb, ":session A\nDoctor.count\n:forget\nAccount#1.note")
            #expect(inA[1].value == .integer(1))
            #expect(inA[3].value == .null)
            // :sessions lists both with what each holds pending and its transaction.
            runAll(wb, "Account#2.balance = 1\n:session B\nbegin")
            let list = try #require(wb.run(":sessions").first)
            guard case .table(_, let header, let rows)? = list.blocks.first else { Issue.record("no table"); return }
            #expect(header == ["", "session", "objects", "pending", "transaction"])
            #expect(rows.map { [$0[1], $0[3], $0[4]] } == [["A", "Account#2", "none"], ["B", "nothing", "open (since `begin`)"]])
            // Closing A would lose its change: refused, and the change is still listed.
            let close = try #require(wb.run(":session close A").first)
            #expect(!close.ok && close.diagnostics[0].message.contains("session A has 1 unsaved change"))
            runAll(wb, "rollback")
        }
    }

    @Test func forUpdateWaitsUpToLockTimeoutAndNamesTheHolder() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            runAll(wb, accounts + "\n:set lock_timeout 300ms\n:session B\n:session A")
            let lock = try #require(wb.run("Account.where(id == 1).lock.first").first)
            #expect(sqlTexts(lock) == ["BEGIN", #"SELECT "account".* FROM "account" WHERE "account"."id" = $1 ORDER BY "account"."id" LIMIT $2 FOR UPDATE"#])
            runAll(wb, ":session B\nAccount#1.balance = 0")
            let start = Date()
            let save = try #require(wb.run("save").first)
            let waited = Date().timeIntervalSince(start)
            #expect(!save.ok)
            #expect(waited >= 0.25 && waited < 3, "waited \(waited) s for a 300 ms lock_timeout")
            #expect(dataSQL(save) == [#"UPDATE "account" SET "balance" = $1 WHERE "id" = $2"#])
            #expect(save.diagnostics[0].message.contains("gave up waiting for a row lock another session holds (lock_timeout, SQLSTATE 55P03)"))
            let note = try #require(save.notes.first { $0.message.hasPrefix("lock not available (SQLSTATE 55P03)") }?.message)
            #expect(note.contains("session A holds it (its transaction is open since `Account.where(id == 1).lock.first`; its last statement: SELECT"))
            #expect(note.contains("no transaction is open in session B, and its unsaved changes are still in the unit of work"))
            // B keeps its change; after A commits, its save goes through.
            #expect(wb.session.pendingObjects.map(\.ref) == ["Account#1"])
            runAll(wb, ":session A\ncommit\n:session B")
            let retry = try #require(wb.run("save").first)
            expectOK(retry)
            #expect(dataSQL(retry) == [#"UPDATE "account" SET "balance" = $1 WHERE "id" = $2"#])
        }
    }

    /// A lock held by another program (here another workbench's connection, not one of this
    /// workbench's sessions) is found through pg_stat_activity and pg_locks.
    @Test func aLockHeldByAnotherProgramIsNamedFromPgStatActivity() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            runAll(wb, accounts + "\n:set lock_timeout 200ms")
            let other = try Workbench(databasePath: url)
            runAll(other, "Account.where(id == 1).lock.first")
            let save = try #require(wb.run("Account#1.balance = 1\nsave").last)
            #expect(!save.ok)
            let note = try #require(save.notes.first { $0.message.hasPrefix("lock not available (SQLSTATE 55P03)") }?.message)
            #expect(note.contains("another program (server process \(other.session.db.backendPID!)) is idle in transaction; its last statement: SELECT"))
            #expect(note.contains("FOR UPDATE"))
            runAll(other, "rollback")
        }
    }

    @Test func nowaitFailsAtOnceAndSkipLockedLeavesTheLockedRowOut() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            runAll(wb, accounts + "\n:session B\n:session A\nAccount.where(id == 1).lock.first\n:session B")
            let start = Date()
            let nowait = try #require(wb.run("Account.where(id == 1).lock(nowait).first").first)
            #expect(Date().timeIntervalSince(start) < 2)
            #expect(!nowait.ok)
            #expect(sqlTexts(nowait).last == "ROLLBACK")
            #expect(sqlTexts(nowait)[1].hasSuffix("FOR UPDATE NOWAIT"))
            #expect(nowait.notes.contains { $0.message.hasPrefix("lock not available (SQLSTATE 55P03): lock(nowait) (FOR UPDATE NOWAIT) found a row locked and failed at once") })
            #expect(!wb.session.database.isInTransaction)
            let skip = try #require(wb.run("Account.lock(skip_locked).all").first)
            expectOK(skip)
            #expect(sqlTexts(skip) == ["BEGIN", #"SELECT "account".* FROM "account" FOR UPDATE SKIP LOCKED"#])
            #expect(skip.objects.map(\.ref) == ["Account#2"])
            // The other spellings.
            runAll(wb, "rollback\nAccount.lock(skipLocked).all\nrollback\nAccount.lock(skip: locked).all\nrollback")
            let aggregate = try #require(wb.run("Account.lock(nowait).count").first)
            #expect(!aggregate.ok && aggregate.diagnostics[0].message.contains("count loads none"))
            let bad = try #require(wb.run("Account.lock(later).all").first)
            #expect(bad.diagnostics.first?.message == "lock takes nothing, `nowait` or `skip_locked`")
        }
    }

    /// A JOIN's SELECT cannot carry FOR UPDATE (nor lock a LEFT JOIN's optional side): refused,
    /// not run unlocked; an IN-query include keeps the lock on the queried rows.
    @Test func lockWithAJoinIncludeIsRefused() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            runAll(wb, "entity Author { name: String; books: [Book] }\nentity Book { title: String; author: Author }\ninsert Author(name: \"U\")\nsave")
            let joined = try #require(wb.run("Author.include(books, using: join).lock.all").first)
            #expect(!joined.ok && joined.sql.isEmpty)
            #expect(joined.diagnostics[0].message.hasPrefix("lock cannot be combined with include(…, using: join) on PostgreSQL"))
            #expect(!wb.session.database.isInTransaction)
            let inQuery = runAll(wb, "Author.include(books).lock.all\nrollback")[0]
            #expect(sqlTexts(inQuery).prefix(2) == ["BEGIN", #"SELECT "author".* FROM "author" FOR UPDATE"#])
        }
    }

    @Test func ctrlCEndsALockWaitAndBothSessionsGoOn() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            runAll(wb, accounts + "\n:set lock_timeout 10s\n:session B\n:session A\nbegin\nAccount#1.balance = 1\nsave\n:session B\nAccount#1.balance = 2")
            let start = Date()
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { wb.interrupt() }
            let save = try #require(wb.run("save").first)
            let elapsed = Date().timeIntervalSince(start)
            #expect(!save.ok)
            #expect(elapsed < 3, "Ctrl-C (PQcancel) should end the wait long before the 10 s lock_timeout; took \(elapsed) s")
            #expect(save.diagnostics[0].message.contains("canceling statement due to user request"))
            runAll(wb, ":session A\ncommit\n:session B\nsave")
        }
    }

    @Test func readCommittedShowsNonRepeatableReadsAndPhantomsRepeatableReadDoesNot() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            runAll(wb, accounts + "\n:session B")
            let begin = try #require(wb.run("begin isolation read committed").first)
            #expect(sqlTexts(begin) == ["START TRANSACTION ISOLATION LEVEL READ COMMITTED"])
            runAll(wb, "Account#1.balance\n:session A\nAccount#1.balance = 70\ninsert Account(owner: \"Bob\", balance: 5)\nsave\n:session B")
            let again = runAll(wb, "Account#1.reload\nAccount#1.balance\nAccount.count\ncommit")
            #expect(again[1].value == .integer(70))
            #expect(again[2].value == .integer(3))
            runAll(wb, "begin isolation repeatable read\nAccount#1.reload\n:session A\nAccount#1.balance = 50\ninsert Account(owner: \"Cy\", balance: 1)\nsave\n:session B")
            let snapshot = runAll(wb, "Account#1.reload\nAccount#1.balance\nAccount.count\nAccount#1.balance = 60")
            #expect(snapshot[1].value == .integer(70))
            #expect(snapshot[2].value == .integer(3))
            let write = try #require(wb.run("save").first)
            #expect(!write.ok)
            #expect(write.diagnostics[0].message.contains("could not serialize access due to concurrent update"))
            #expect(write.notes.contains { $0.message.hasPrefix("serialization failure (SQLSTATE 40001)") && $0.message.contains("the same write fails again until `rollback`") })
            // The note names this 40001's cause: a row changed since the snapshot, not write skew.
            #expect(write.notes.contains { $0.message.contains("tried to change or lock a row that another session changed and committed") })
            let reset = runAll(wb, "rollback\nAccount#1.reload\nAccount#1.balance")
            #expect(reset[2].value == .integer(50))
            let uncommitted = try #require(wb.run("begin isolation read uncommitted").first)
            #expect(uncommitted.notes.contains { $0.message.contains("runs it as READ COMMITTED") })
            runAll(wb, "rollback")
        }
    }

    @Test func serializablePreventsWriteSkewThatRepeatableReadAllows() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            let onCall = "Doctor.where(on_call == true).count"
            runAll(wb, "entity Doctor { name: String; on_call: Bool }\ninsert Doctor(name: \"Alice\", on_call: true)\ninsert Doctor(name: \"Bob\", on_call: true)\nsave\n:session B")
            func skew(_ level: String) -> Report {
                runAll(wb, "begin isolation \(level)\n\(onCall)\n:session A\n:forget\nbegin isolation \(level)\n\(onCall)\nDoctor#1.on_call = false\ncommit\n:session B\nDoctor#2.on_call = false")
                return wb.run("commit")[0]
            }
            let repeatable = skew("repeatable read")
            expectOK(repeatable)
            #expect(runAll(wb, onCall)[0].value == .integer(0), "write skew: both doctors went off call")
            runAll(wb, "Doctor#1.on_call = true\nDoctor#2.on_call = true\nsave")
            let serializable = skew("serializable")
            #expect(!serializable.ok)
            #expect(serializable.diagnostics[0].message.contains("could not serialize access"))
            #expect(serializable.notes.contains { $0.message.hasPrefix("serialization failure (SQLSTATE 40001)") })
            #expect(serializable.notes.contains { $0.message.contains("(write skew). REPEATABLE READ does not check this") })
            #expect(runAll(wb, "rollback\n" + onCall)[1].value == .integer(1))
        }
    }
}

/// The same options on SQLite: no row locks, so a clear error saying what SQLite does instead.
@Suite struct RowLockOptionsOnSQLiteTests {
    @Test func nowaitAndSkipLockedSayWhatSQLiteDoesInstead() throws {
        let wb = try Workbench()
        runAll(wb, accounts)
        let nowait = try #require(wb.run("Account.where(id == 1).lock(nowait).first").first)
        #expect(!nowait.ok && nowait.sql.isEmpty)
        #expect(nowait.diagnostics[0].message.hasPrefix("SQLite has no row locks, so no NOWAIT"))
        #expect(nowait.diagnostics[0].hint?.contains("`:set lock_timeout 0`") == true)
        #expect(nowait.diagnostics[0].column == 29)
        let skip = try #require(wb.run("Account.lock(skip_locked).all").first)
        #expect(skip.diagnostics[0].message.hasPrefix("SQLite has no row locks, so no SKIP LOCKED"))
        #expect(!wb.session.database.isInTransaction)
    }

    /// SQLite: a save whose COMMIT waits for another session's read lock fails with its writes
    /// inside the still-open transaction; the note says so, and `save` again commits them.
    @Test func aCommitThatCannotGetTheLockSaysWhereTheChangesAre() throws {
        let wb = try Workbench()
        runAll(wb, accounts + "\n:set lock_timeout 100ms\n:session B\nbegin\nAccount#1.balance\n:session A\nAccount#1.balance = 70")
        let save = try #require(wb.run("save").first)
        #expect(!save.ok)
        #expect(sqlTexts(save).last == "COMMIT")
        #expect(save.notes.contains { $0.message.hasPrefix("the COMMIT could not get the lock it needs, so the changes are written inside session A's transaction") })
        let retry = runAll(wb, ":session B\ncommit\n:session A\nsave")
        #expect(sqlTexts(retry[3]) == ["COMMIT"])
        #expect(runAll(wb, ":session B\nAccount#1.reload\nAccount#1.balance")[2].value == .integer(70))
    }

    @Test func anObjectBoundInOneSessionCannotBeChangedInAnother() throws {
        let wb = try Workbench()
        runAll(wb, accounts + "\nlet a = Account#1\n:session B")
        let change = try #require(wb.run("a.balance = 5").first)
        #expect(!change.ok)
        #expect(change.diagnostics[0].message == "a holds Account#1 of session A: each session has its own objects, and session B's identity map and unit of work cannot change or save it")
        #expect(wb.session.pendingObjects.isEmpty)
        // Back in A it is A's object again.
        runAll(wb, ":session A\na.balance = 5\nsave")
    }
}
