import Foundation
import Report
import Testing
@testable import Workbench

// Issue 21: on PostgreSQL a failed statement inside a transaction aborts the whole transaction
// ("current transaction is aborted, commands ignored until end of transaction block"); SQLite
// undoes just that statement. ORMLab runs each statement inside a transaction after a savepoint
// (SAVEPOINT/RELEASE not shown, as psql's ON_ERROR_ROLLBACK), and a failed one is undone with
// ROLLBACK TO SAVEPOINT ormlab_statement, shown under it: the transaction and the unit of work
// go on, as on SQLite. Needs ORMLAB_TEST_PG (skipped loudly without it, see PostgresSessionTests).

@Suite(.enabled(if: sessionServer != nil, "ORMLAB_TEST_PG is not set: no PostgreSQL server for the statement savepoint tests"))
struct PostgresStatementSavepointTests {
    @Test func aFailedStatementInsideBeginIsUndoneAndTheTransactionGoesOn() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            runAll(wb, """
                entity Author { email: String unique }
                insert Author(email: "a@b.c")
                insert Author(email: "x@y.z")
                save
                begin
                """)
            // A pending change made before the failure stays in the unit of work.
            runAll(wb, "insert Author(email: \"pending@b.c\")")
            let failed = try runScript(#"Author.where(email == "x@y.z").update(email: "a@b.c")"#, in: wb)[0]
            #expect(!failed.ok)
            #expect(failed.diagnostics.first?.message.contains("author_email_key") == true)
            // The autoflush's savepoint, its insert, then the UPDATE that failed and the undo of just that.
            #expect(sqlTexts(failed) == [
                "SAVEPOINT flush",
                #"INSERT INTO "author" ("email") VALUES ($1) RETURNING "id""#,
                "RELEASE SAVEPOINT flush",
                #"UPDATE "author" SET "email" = $1 WHERE "email" = $2"#,
                "ROLLBACK TO SAVEPOINT ormlab_statement",
            ])
            #expect(failed.sql[3].error?.contains("duplicate key") == true)
            #expect(failed.notes.contains { $0.message.contains("ROLLBACK TO SAVEPOINT ormlab_statement undid only the failed statement") })
            #expect(wb.session.database.isInTransaction)

            // The transaction is usable: a query shows only its own statement (no savepoint
            // lines), a new insert and commit work, and everything of the transaction is kept.
            let query = runAll(wb, #"Author.where(email == "x@y.z")"#)[0]
            #expect(sqlTexts(query) == [#"SELECT "author".* FROM "author" WHERE "author"."email" = $1"#])
            #expect(query.objects.count == 1)
            let rest = runAll(wb, "insert Author(email: \"n@e.w\")\ncommit\nAuthor.count")
            #expect(rest[1].sql.map(\.sql).last == "COMMIT")
            #expect(rest[2].value?.display == "4")
            #expect(!wb.session.database.isInTransaction)
        }
    }

    @Test func aFailedQueryInsideBeginLeavesTheTransactionUsable() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            runAll(wb, "entity Tally { n: Int }\ninsert Tally(n: 3)\nsave\nbegin\nTally.where(n == 3).update(n: n + 1)")
            // Division by zero: SQLite answers NULL, PostgreSQL refuses the statement (22012).
            let failed = try runScript("Tally.where(n / 0 > 1)", in: wb)[0]
            #expect(!failed.ok)
            #expect(sqlTexts(failed).last == "ROLLBACK TO SAVEPOINT ormlab_statement")
            // The UPDATE before it is still part of the transaction; rollback undoes it.
            let before = runAll(wb, "Tally.where(n == 4).count\nrollback\nTally.where(n == 3).count")
            #expect(before[0].value?.display == "1")
            #expect(before[2].value?.display == "1")
        }
    }

    @Test func outsideATransactionNothingIsAdded() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            runAll(wb, "entity Author { email: String unique }\ninsert Author(email: \"a@b.c\")\ninsert Author(email: \"x@y.z\")\nsave")
            let failed = try runScript(#"Author.where(email == "x@y.z").update(email: "a@b.c")"#, in: wb)
            #expect(failed.first?.ok == false)
            let statements = failed.flatMap(sqlTexts)
            #expect(!statements.contains { $0.contains("ormlab_statement") })
            #expect(!failed.flatMap(\.notes).contains { $0.message.contains("ormlab_statement") })
        }
    }
}

/// `:dialect sqlserver` shows the bound values under SQL Server's names (`@p1`), PostgreSQL's
/// under `$1`; the SQLite pane keeps `?` (no server needed).
@Test func theDialectViewNamesTheBoundValuesByTheTargetsPlaceholders() throws {
    let wb = try Workbench()
    runAll(wb, "entity Author { name: String; born: Int }\ninsert Author(name: \"Le Guin\", born: 1929)\nsave\n:dialect sqlserver")
    let shown = runAll(wb, #"Author.where(name == "Le Guin" and born > 1900)"#)[0]
    #expect(shown.sql.first?.sql == #"SELECT "author".* FROM "author" WHERE "author"."name" = ? AND "author"."born" > ?"#)
    let block = shown.blocks.compactMap { block -> [String]? in
        if case .code(let title, let lines) = block, title?.hasPrefix("In SQL Server") == true { return lines }
        return nil
    }.first
    #expect(block?.last?.hasSuffix(#"  -- @p1 = "Le Guin", @p2 = 1900"#) == true)
    runAll(wb, ":dialect postgres")
    let pg = runAll(wb, #"Author.where(name == "Le Guin" and born > 1900)"#)[0]
    let pgBlock = pg.blocks.compactMap { block -> [String]? in
        if case .code(_, let lines) = block { return lines }
        return nil
    }.first
    #expect(pgBlock?.last?.hasSuffix(#"  -- $1 = "Le Guin", $2 = 1900"#) == true)
}
