import Foundation
import TestSupport
import Report
import SQLiteKit
import Testing
@testable import Workbench

// File databases: `save` is one transaction, a killed process leaves the last committed state,
// reopening restores the mapping, and a file ORMLab cannot use is a clear message, not a crash.

/// The schema of the file database tests: every association kind.
let fileSchema = """
entity Author { name: String unique; born: Int?; books: [Book] }
entity Book { title: String; year: Int index; author: Author; tags: [Tag] }
entity Tag { name: String unique; books: [Book] }
"""

/// Opens `path` with SQLiteKit directly (not through ORMLab) and reads one integer.
func scalar(_ sql: String, in path: String) throws -> Int64 {
    let connection = try Connection(path: path)
    var result: Int64 = -1
    try connection.query(sql) { row in result = row.int64(0) }
    return result
}

@Suite("File databases", .timeLimit(.minutes(1)))
struct FileDatabaseTests {
    @Test("a second `ormlab --db FILE` queries the entities the first one defined")
    func reopenRestoresMapping() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let db = directory.appendingPathComponent("library.db").path
        let first = try runORMLab(["--db", db], stdin: Data("""
            \(fileSchema)
            insert Author(name: "Ursula", born: 1929)
            insert Book(title: "The Dispossessed", year: 1974, author: Author#1)
            insert Tag(name: "sf")
            save
            Book#1.tags.add(Tag#1)
            save
            entity Author { name: String unique; born: Int?; country: String = "US"; books: [Book] }
            """.utf8))
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let second = try runORMLab(["--db", db, "--format", "json"], stdin: Data("""
            Author.where(name == "Ursula" and country == "US").count
            Book.where(author.name == "Ursula" and tags.any(name == "sf")).include(tags).count
            Book#1.tags.count
            insert Author(name: "Ted", born: 1967)
            save
            Author.count
            """.utf8))
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        let lines = second.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 6)
        #expect(lines.allSatisfy { $0.contains(#""ok":true"#) })
        // Each count query's value, in the JSON report.
        for (index, expected) in [(0, "1"), (1, "1"), (2, "1"), (5, "2")] where index < lines.count {
            #expect(lines[index].contains(#""value":\#(expected)"#) || lines[index].contains(#""value":"\#(expected)""#), "\(lines[index])")
        }
        #expect(try scalar("SELECT COUNT(*) FROM author", in: db) == 2)
    }

    @Test("reopening through the Workbench restores entities, associations, indexes and rows")
    func reopenThroughWorkbench() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let db = directory.appendingPathComponent("w.db").path
        do {
            let wb = try Workbench(databasePath: db)
            expectAllOK(wb.run(fileSchema + "\ninsert Author(name: \"A\")\ninsert Book(title: \"B\", year: 1, author: Author#1)\nsave"))
        }
        let wb = try Workbench(databasePath: db)
        #expect(wb.session.schema.order == ["Author", "Book", "Tag"])
        let reports = wb.run("Author#1.books.count\n:schema")
        expectAllOK(reports)
        #expect(reports[0].value == .integer(1))
        #expect(reports[0].sql.map(\.sql) == [#"SELECT "author".* FROM "author" WHERE "author"."id" = ?"#,
                                              #"SELECT "book".* FROM "book" WHERE "book"."author_id" = ?"#])
    }

    @Test("a database ORMLab did not create opens with an inferred model, says what it skipped, and is not written")
    func foreignDatabase() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let db = directory.appendingPathComponent("foreign.db").path
        do {
            let connection = try Connection(path: db)
            try connection.execute("CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('x')")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let result = try runORMLab(["--db", db], stdin: Data("Author.count\n".utf8))
        // Issue 18 changed this: the file opens; `Author.count` fails (no such entity), so exit 1.
        #expect(result.status == 1)
        #expect(!result.killedBySignal)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.contains("table people: skipped, it has no primary key"))
        #expect(result.stdout.contains("Inferred model: 0 entities from 1 table"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
        #expect(try scalar("SELECT COUNT(*) FROM sqlite_master", in: db) == 1)
    }

    @Test("corrupt, truncated and unusable files give a clear message and exit code 1", arguments: [
        "garbage", "truncated", "directory", "missing directory", "bad declaration",
    ])
    func unusableFiles(_ kind: String) throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        var db = directory.appendingPathComponent("x.db").path
        let expected: String
        switch kind {
        case "garbage":
            try Data(String(repeating: "not a database ", count: 300).utf8).write(to: URL(fileURLWithPath: db))
            expected = "file is not a database"
        case "truncated":
            do {
                let wb = try Workbench(databasePath: db)
                expectAllOK(wb.run(fileSchema + "\n" + (0..<200).map { "insert Author(name: \"a\($0)\")" }.joined(separator: "\n") + "\nsave"))
            }
            let data = try Data(contentsOf: URL(fileURLWithPath: db))
            try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: db))
            expected = "database disk image is malformed"
        case "directory":
            db = directory.path
            expected = "unable to open database file"
        case "missing directory":
            db = directory.appendingPathComponent("no/such/dir/x.db").path
            expected = "unable to open database file"
        default:
            do {
                let connection = try Connection(path: db)
                try connection.execute(#"CREATE TABLE "_ormlab_entities" ("position" INTEGER PRIMARY KEY, "name" TEXT NOT NULL UNIQUE, "source" TEXT NOT NULL); INSERT INTO "_ormlab_entities" ("name", "source") VALUES ('Author', 'entity Author { name: Strin }')"#)
            }
            expected = "the stored definition of Author no longer maps: unknown type 'Strin'"
        }
        let result = try runORMLab(["--db", db], stdin: Data("Author.count\n".utf8))
        #expect(!result.killedBySignal)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("ormlab: cannot open \(db): \(expected)"), "\(result.stderr)")
    }

    @Test("save is one transaction: BEGIN, the writes, COMMIT; a failing save leaves the file as it was")
    func saveIsOneTransaction() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let db = directory.appendingPathComponent("t.db").path
        let wb = try Workbench(databasePath: db)
        expectAllOK(wb.run(fileSchema))
        let reports = wb.run("""
            insert Author(name: "A")
            insert Author(name: "B")
            save
            """)
        let save = try #require(reports.last)
        expectOK(save)
        #expect(save.sql.first?.sql == "BEGIN")
        #expect(save.sql.last?.sql == "COMMIT")
        #expect(try scalar("SELECT COUNT(*) FROM author", in: db) == 2)
        let failing = wb.run("""
            insert Author(name: "C")
            insert Author(name: "A")
            save
            """)
        #expect(failing.last?.ok == false)
        #expect(try scalar("SELECT COUNT(*) FROM author", in: db) == 2)
        #expect(wb.session.db.isInTransaction == false)
    }

    @Test("SIGKILL at random moments, and in the middle of the save's transaction, leaves the last committed state",
          .timeLimit(.minutes(1)))
    func killDuringSave() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let db = directory.appendingPathComponent("kill.db").path
        let journal = db + "-journal"
        let setup = try runORMLab(["--db", db], stdin: Data((fileSchema + "\ninsert Author(name: \"seed\")\nsave\n").utf8))
        #expect(setup.status == 0, "\(setup.stdout)")

        let batch = 1_000
        var generator = SeededGenerator(seed: 20_260_521)
        var committed: Int64 = 1
        var fullRun: TimeInterval = 0
        var midTransaction = 0
        var outcomes: [String] = []
        let started = Date()
        for trial in 0..<16 {
            // A new entity (its DDL and stored definition commit together), then a batch of
            // inserts saved at once; the process is killed somewhere along the way.
            var script = "entity Note\(trial) { text: String; author: Author? }\n"
            for i in 0..<batch { script += "insert Author(name: \"t\(trial)-\(i)\")\n" }
            script += "save\n"
            let outcome: KillOutcome
            if trial == 0 {
                // Measure a complete run first.
                let begin = Date()
                outcome = try runAndKill(["--db", db], stdin: Data(script.utf8), after: 60)
                fullRun = Date().timeIntervalSince(begin)
            } else if trial % 2 == 1 {
                // Anywhere: before the DDL, among the pending inserts, during or after the save.
                let delay = fullRun * Double(generator.next() % 1_100) / 1_000
                outcome = try runAndKill(["--db", db], stdin: Data(script.utf8), after: delay)
            } else {
                // As soon as the save's rollback journal exists (the transaction is writing),
                // plus up to 3 ms.
                let extra = Double(generator.next() % 3_000) / 1_000_000
                var seenAt: Date?
                outcome = try runAndKill(["--db", db], stdin: Data(script.utf8), after: fullRun * 3) { elapsed in
                    if let seenAt { return Date().timeIntervalSince(seenAt) >= extra }
                    if elapsed > fullRun * 0.4 && FileManager.default.fileExists(atPath: journal) { seenAt = Date() }
                    return false
                }
            }
            let journalSize = (try? FileManager.default.attributesOfItem(atPath: journal))?[.size] as? Int
            let hotJournal = (journalSize ?? 0) > 0
            if outcome == .killed && hotJournal { midTransaction += 1 }
            let integrity = try Connection(path: db).integrityCheck()
            #expect(integrity == "ok", "trial \(trial): \(integrity)")
            let count = try scalar("SELECT COUNT(*) FROM author", in: db)
            #expect(count == committed || count == committed + Int64(batch), "trial \(trial): \(count) rows, committed \(committed)")
            outcomes.append("\(outcome == .killed ? "killed" : "exited")\(hotJournal ? " mid-transaction" : ""), \(count == committed ? "unchanged" : "saved")")
            committed = count
            // The definition of Note<trial> is either stored with its table, or neither exists.
            let tables = try scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'note\(trial)'", in: db)
            let stored = try scalar("SELECT COUNT(*) FROM _ormlab_entities WHERE name = 'Note\(trial)'", in: db)
            #expect(tables == stored, "trial \(trial): table \(tables), stored definition \(stored)")
            if Date().timeIntervalSince(started) > 25 { break }
        }
        #expect(midTransaction > 0, "no kill landed inside a transaction: \(outcomes)")
        #expect(outcomes.contains { $0.hasPrefix("killed") && $0.hasSuffix("unchanged") }, "\(outcomes)")
        // The survivor still opens, with its mapping, and agrees with the file.
        let reopened = try runORMLab(["--db", db], stdin: Data("Author.count\n".utf8))
        #expect(reopened.status == 0, "\(reopened.stderr)")
        #expect(reopened.stdout.contains("= \(committed)"), "\(reopened.stdout)")
    }
}

// MARK: - Killing a process

enum KillOutcome { case killed, exited }

/// Starts `ormlab` with `stdin` and sends SIGKILL after `delay` seconds, or as soon as
/// `trigger` (polled with the seconds since the start) says so, unless it has exited by then.
func runAndKill(_ arguments: [String], stdin: Data, after delay: TimeInterval,
                trigger: (TimeInterval) -> Bool = { _ in false }) throws -> KillOutcome {
    let start = Date()
    let child = try ChildProcess(try ormlabExecutable().path, arguments, stdin: stdin)
    while child.isRunning {
        let elapsed = Date().timeIntervalSince(start)
        if elapsed >= delay || trigger(elapsed) { break }
        usleep(200)
    }
    guard child.isRunning else { return .exited }
    child.send(SIGKILL)
    return child.wait().signaled ? .killed : .exited
}
