import Foundation
import Report
import Testing
@testable import Workbench

// Issue 21 on PostgreSQL: `:explain analyze QUERY` (the query runs; actual rows, loops, time),
// index advice checked by creating the index in a transaction that is rolled back (plan before
// and after), advice that knows an existing index, and `:seed` with one COPY. Needs
// ORMLAB_TEST_PG (skipped loudly without it, see PostgresSessionTests).

@Suite(.enabled(if: sessionServer != nil, "ORMLAB_TEST_PG is not set: no PostgreSQL server for the explain and seed tests"))
struct PostgresExplainAndSeedTests {
    @Test func explainAnalyzeRunsTheQueryAndShowsActualRows() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            runAll(wb, "entity Book { title: String; year: Int }\n:seed Book 300")
            let analyzed = runAll(wb, ":explain analyze Book.where(year == 2001)")[0]
            #expect(sqlTexts(analyzed).first == #"EXPLAIN (ANALYZE, FORMAT JSON) SELECT "book".* FROM "book" WHERE "book"."year" = $1"#)
            let plan = analyzed.blocks.compactMap { block -> [String]? in
                if case .code(let title, let lines) = block, title?.hasPrefix("Query plan of") == true { return lines }
                return nil
            }.first ?? []
            #expect(plan.contains { $0.contains("SCAN book [Seq Scan] · actual ") && $0.contains("removed by the filter), 1 loop, ") })
            #expect(analyzed.notes.contains { $0.message.hasPrefix("Under EXPLAIN ANALYZE the query ran") })
            #expect(analyzed.objects.isEmpty)
            // A write is refused, not run: ANALYZE would really update the rows.
            let write = try runScript(":explain analyze Book.where(year > 0).update(year: 1)\nBook.where(year == 1).count", in: wb)
            #expect(write[0].ok == false)
            #expect(write[0].sql.isEmpty)
            #expect(write[1].value?.display == "0")
        }
    }

    @Test func explainAnalyzeIsRefusedOnSQLiteWithAColumn() throws {
        let reports = try runScript("entity Book { year: Int }\n:explain analyze Book.where(year == 1)")
        let refused = reports[1]
        #expect(refused.ok == false)
        #expect(refused.diagnostics.first?.message.hasPrefix(":explain analyze runs the query") == true)
        #expect(refused.diagnostics.first?.column == 18)
        #expect(refused.sql.isEmpty)
    }

    @Test func indexAdviceIsCheckedInARolledBackTransactionAndKnowsExistingIndexes() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            runAll(wb, "entity Book { title: String; year: Int }\n:seed Book 300")
            let explained = runAll(wb, ":explain Book.where(year == 2001)")[0]
            #expect(sqlTexts(explained) == [
                #"EXPLAIN (FORMAT JSON) SELECT "book".* FROM "book" WHERE "book"."year" = $1"#,
                "BEGIN",
                #"CREATE INDEX IF NOT EXISTS "book_year" ON "book"("year")"#,
                #"EXPLAIN (FORMAT JSON) SELECT "book".* FROM "book" WHERE "book"."year" = $1"#,
                "ROLLBACK",
                "BEGIN",
                #"CREATE INDEX IF NOT EXISTS "book_year" ON "book"("year")"#,
                "SET LOCAL enable_seqscan = off",
                #"EXPLAIN (FORMAT JSON) SELECT "book".* FROM "book" WHERE "book"."year" = $1"#,
                "ROLLBACK",
            ])   // 300 rows: PostgreSQL keeps its Seq Scan with the index, so it is tried with scans ruled out too
            #expect(explained.notes.contains { $0.message.contains("add `index(year)` to entity Book") })
            #expect(explained.notes.contains { $0.message.hasPrefix("checked: with index(year) created in a transaction that was rolled back") && $0.message.contains("book_year") })
            let titles = explained.blocks.compactMap { block -> String? in
                if case .code(let title, _) = block { return title }
                return nil
            }
            #expect(titles.contains("Query plan with index(year) (tried in a transaction that was rolled back)"))
            // The trial left no index behind.
            #expect(try wb.session.database.schemaObjects().filter { $0.type == "index" }.map(\.name) == ["book_pkey"])

            // With the index declared, the small table is still read whole; the note says why and
            // that the index can serve the query.
            runAll(wb, "entity Book { title: String; year: Int; index(year) }")
            let again = runAll(wb, ":explain Book.where(year == 2001)")[0]
            #expect(again.notes.contains { $0.message.contains("although an index can serve this query") && $0.message.contains("book_year") })
            #expect(!again.notes.contains { $0.message.contains("add `index(year)`") })
        }
    }

    @Test func seedingLoadsEveryRowInOneCopyWithIdsFromTheSequence() throws {
        try withPostgresSchema { url in
            let wb = try Workbench(databasePath: url)
            runAll(wb, """
                entity Author { name: String; books: [Book] }
                entity Book { title: String; year: Int; author: Author; tags: [Tag] }
                entity Tag { name: String unique; books: [Book] }
                :seed Author 20
                :seed Tag 10
                """)
            let seeded = runAll(wb, ":seed Book 500")[0]
            let statements = sqlTexts(seeded)
            #expect(statements.contains("SELECT nextval(pg_get_serial_sequence($1, $2)) FROM generate_series(1, $3)"))
            #expect(statements.contains(#"COPY "book" ("id", "title", "year", "author_id") FROM STDIN"#))
            #expect(statements.contains(#"COPY "book_tag" ("book_id", "tag_id") FROM STDIN"#))
            #expect(!statements.contains { $0.hasPrefix("INSERT") })
            #expect(seeded.sql.first { $0.sql.hasPrefix(#"COPY "book" "#) }?.rows == 500)
            #expect(seeded.notes.contains { $0.message.contains("seeded 500 Book rows") && $0.message.contains("one COPY") })
            let after = runAll(wb, "Book.count\nBook.order(id).first\ninsert Book(title: \"New\", year: 2024, author: Author#1)\nsave\nBook.where(title == \"New\").first")
            #expect(after[0].value?.display == "500")
            #expect(after[1].objects.first?.ref == "Book#1")
            #expect(after[4].objects.first?.ref == "Book#501")   // the sequence moved past the COPY's ids
        }
    }
}
