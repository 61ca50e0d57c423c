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
