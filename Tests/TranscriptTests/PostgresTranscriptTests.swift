import Foundation
import Testing
import Workbench

// The same golden transcripts run on PostgreSQL: the tour and the Part 1 topics, each in a fresh
// schema of the server `./dev test` starts (ORMLAB_TEST_PG). Their output is recorded separately
// under Tests/Transcripts/postgres/ — the SQL text differs ($1, RETURNING, BIGINT, identity
// columns, RELEASE SAVEPOINT), the objects and notes are the ones SQLite gives.
// `ORMLAB_RECORD=1` re-records them too. Without a server they are skipped, saying so.

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let transcriptServer: String? = {
    let url = ProcessInfo.processInfo.environment["ORMLAB_TEST_PG"]
    if url == nil || url!.isEmpty {
        FileHandle.standardError.write(Data("SKIPPING the PostgreSQL golden transcripts: ORMLAB_TEST_PG is not set (run ./dev test, or ./dev pg and export ORMLAB_TEST_PG=<its last line>)\n".utf8))
        return nil
    }
    return url
}()

/// The scripts that also run on PostgreSQL.
let postgresTranscripts = [
    "tour.orm", "01-entities-and-mapping.orm", "02-crud.orm", "03-belongs-to-and-has-many.orm",
    "04-many-to-many.orm", "06-identity-map.orm", "07-lazy-loading.orm", "08-eager-loading.orm",
    "09-unit-of-work.orm", "10-indexes-and-query-plans.orm", "12-projections-and-aggregates.orm",
    "pg2-failed-statement-in-transaction.orm",
    "polymorphic-associations.orm",
    "inheritance-single.orm", "inheritance-joined-and-concrete.orm",
    "natural-keys.orm",
]

/// The scripts that run on PostgreSQL only (two sessions, row locks, isolation levels): they
/// live in Tests/Transcripts/postgres/ beside their golden output. Not the `existing-database-*`
/// ones: they run on a fixture database PostgresExistingDatabaseTests loads first (run here, on
/// an empty schema, they would record a golden of "unknown entity" errors over theirs).
let postgresOnlyTranscripts: [String] = {
    let directory = root.appendingPathComponent("Tests/Transcripts/postgres")
    return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasSuffix(".orm") && !$0.hasPrefix("existing-database-") }.sorted()
}()

/// `base` with libpq's `options` setting the search path to `schema` (a URI or key=value string).
func connectionString(_ base: String, schema: String) -> String {
    if base.contains("://") { return base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema }
    return base + " options=-csearch_path=" + schema
}

@Suite(.enabled(if: transcriptServer != nil, "ORMLAB_TEST_PG is not set: no PostgreSQL server for the transcripts"))
struct PostgresTranscriptTests {
    @Test(arguments: postgresTranscripts)
    func outputMatchesThePostgresGoldenFile(_ name: String) throws {
        try check(root.appendingPathComponent("Tests/Transcripts/\(name)"), name: name)
    }

    @Test(arguments: postgresOnlyTranscripts)
    func aPostgresOnlyScriptMatchesItsGoldenFile(_ name: String) throws {
        try check(root.appendingPathComponent("Tests/Transcripts/postgres/\(name)"), name: name)
    }

    /// Playground 10 (locks and isolation) is written for PostgreSQL: it runs there too.
    @Test func thePlaygroundLocksScriptMatchesItsPostgresGoldenFile() throws {
        try check(root.appendingPathComponent("Playground/10-locks-and-isolation.orm"), name: "Playground-10-locks-and-isolation.orm")
    }

    private func check(_ script: URL, name: String) throws {
        let golden = root.appendingPathComponent("Tests/Transcripts/postgres/\(name.dropLast(4)).txt")
        let schema = "golden_" + name.dropLast(4).lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        let admin = try Workbench(databasePath: transcriptServer!)
        try admin.session.database.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema)")
        defer { try? admin.session.database.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        let actual = try Transcript.run(script, databasePath: connectionString(transcriptServer!, schema: schema)).text
        try matchGolden(actual, golden: golden, shownAs: "postgres/\(golden.lastPathComponent)", suite: "PostgresTranscriptTests")
    }
}
