import Foundation
import Testing

// `--db` with a PostgreSQL connection string and `run --dialect`, through the real binary.

@Suite struct PostgresCommandLineTests {
    @Test func anUnreachableServerIsOneClearErrorWithThePasswordHidden() throws {
        let dir = try temporaryDirectory()
        let script = dir + "/s.orm"
        try "entity Author { name: String }\n".write(toFile: script, atomically: true, encoding: .utf8)
        let result = try runProcess(ormlabBinary, ["run", "--db", "postgresql://me:s3cret@/ormlab?host=/nonexistent/socket/dir&connect_timeout=2", script])
        #expect(result.status == 1)
        #expect(!result.stderr.contains("s3cret"))
        #expect(!result.stdout.contains("s3cret"))
        #expect(result.stderr.contains("ormlab: cannot open postgresql://me:***@/ormlab?host=/nonexistent/socket/dir"))
        #expect(result.stderr.contains("./dev pg starts a private one"))
    }

    @Test func runWithADialectShowsEveryStatementInIt() throws {
        let dir = try temporaryDirectory()
        let script = dir + "/s.orm"
        try "entity Book { title: String }\ninsert Book(title: \"Kindred\")\nsave\n".write(toFile: script, atomically: true, encoding: .utf8)
        let result = try runProcess(ormlabBinary, ["run", "--dialect", "sqlserver", "--no-color", "--width", "120", script])
        #expect(result.status == 0)
        #expect(result.stdout.contains("In SQL Server (shown, not run)"))
        #expect(result.stdout.contains("INSERT INTO [book] ([title]) OUTPUT INSERTED.[id] VALUES (@p1)"))
        #expect(result.stdout.contains("CREATE TABLE [book] ([id] BIGINT IDENTITY(1,1) PRIMARY KEY, [title] NVARCHAR(450) NOT NULL)"))
        let unknown = try runProcess(ormlabBinary, ["run", "--dialect", "oracle", script])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown dialect oracle"))
    }
}

/// The PostgreSQL server of `./dev test` (ORMLAB_TEST_PG), for the lesson-schema test.
private let lessonServer: String? = {
    let url = ProcessInfo.processInfo.environment["ORMLAB_TEST_PG"]
    if url == nil || url!.isEmpty {
        FileHandle.standardError.write(Data("SKIPPING the PostgreSQL lesson-schema test: ORMLAB_TEST_PG is not set (run ./dev test, or ./dev pg and export ORMLAB_TEST_PG=<its last line>)\n".utf8))
        return nil
    }
    return url
}()

@Suite(.enabled(if: lessonServer != nil, "ORMLAB_TEST_PG is not set: no PostgreSQL server for the lesson-schema test"))
struct PostgresLessonSchemaTests {
    /// A lesson run on PostgreSQL makes its sandboxes as schemas of the server; when the session
    /// ends they are dropped, even with a transaction left open in the sandbox (it is rolled back).
    @Test func aLessonOnPostgreSQLLeavesNoSchemaBehind() throws {
        let server = lessonServer!
        func lessonSchemas() throws -> Set<String> {
            let result = try runProcess(ormlabBinary, ["--db", server, "--no-color"],
                                        stdin: Data(":sql SELECT nspname FROM pg_namespace WHERE nspname LIKE 'ormlab_lesson_%'\n".utf8))
            #expect(result.status == 0)
            // The names in the result table (the query's own pattern ends with %, not a name).
            let words = result.stdout.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init)
            return Set(words.filter { $0.hasPrefix("ormlab_lesson_") && $0.count > 14 })
        }
        // (The probe sees schemas: one made here is listed.)
        let probe = try runProcess(ormlabBinary, ["--db", server], stdin: Data(":sql CREATE SCHEMA ormlab_lesson_probe_e2e\n".utf8))
        #expect(probe.status == 0)
        #expect(try lessonSchemas().contains("ormlab_lesson_probe_e2e"))
        _ = try runProcess(ormlabBinary, ["--db", server], stdin: Data(":sql DROP SCHEMA ormlab_lesson_probe_e2e\n".utf8))
        let before = try lessonSchemas()
        let session = try runProcess(ormlabBinary, ["lesson", "locks-and-isolation", "--db", server, "--no-color"],
                                     stdin: Data("begin\nAccount.all\n".utf8))
        #expect(session.stdout.contains("SELECT"))
        #expect(try lessonSchemas().subtracting(before).isEmpty)
    }
}
