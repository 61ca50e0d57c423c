import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct ScriptRunnerTests {
    @Test func exitCodesFollowTheSpec() throws {
        let dir = try temporaryDirectory()
        let good = dir + "/good.orm", bad = dir + "/bad.orm"
        try "entity Author { name: String }\nAuthor.count\n".write(toFile: good, atomically: true, encoding: .utf8)
        try "entity Author { name: String }\nAuthor.nope\nAuthor.count\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(try runProcess(ormlabBinary, ["run", good]).status == 0)
        let failed = try runProcess(ormlabBinary, ["run", bad])
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("error: unknown query method 'nope'"))
        #expect(failed.stdout.contains("» Author.count"), "the script goes on after the failed command")
        #expect(try runProcess(ormlabBinary, ["run"]).status == 2)
        #expect(try runProcess(ormlabBinary, ["--format", "xml"]).status == 2)
        #expect(try runProcess(ormlabBinary, ["run", dir + "/missing.orm"]).status == 2)
    }

    @Test func stdinIsReadLikeAScriptWithoutPromptsOrColour() throws {
        let result = try runProcess(ormlabBinary, [], stdin: Data("entity Author { name: String }\ninsert Author(name: \"x\")\nAuthor.count\n".utf8))
        #expect(result.status == 0)
        #expect(!result.stdout.contains("ormlab>"))
        #expect(!result.stdout.contains("\u{1B}["))
        #expect(result.stdout.contains("= 1"))
    }

    @Test func nonUTF8BytesOnStdinAreADiagnosticNotACrash() throws {
        var bytes = Data("entity Author { name: String }\ninsert Author(name: \"".utf8)
        bytes.append(contentsOf: [0xFF, 0xFE, 0xC3])
        bytes.append(Data("\")\nAuthor.count\n".utf8))
        let result = try runProcess(ormlabBinary, [], stdin: bytes)
        #expect(result.status == 0)
        #expect(result.stdout.contains("= 1"))
    }

    @Test func jsonLinesOnePerCommand() throws {
        let result = try runProcess(ormlabBinary, ["--format", "json"], stdin: Data("entity Author { name: String }\nAuthor.count\n".utf8))
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["ok"] as? Bool == true)
        }
    }

    @Test func aFileDatabaseRestoresItsMappingOnReopen() throws {
        let dir = try temporaryDirectory()
        let db = dir + "/library.sqlite"
        let first = try runProcess(ormlabBinary, ["--db", db], stdin: Data("""
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        insert Author(name: "Le Guin")
        insert Book(title: "The Dispossessed", author: Author#1)
        save
        """.utf8))
        #expect(first.status == 0)
        let second = try runProcess(ormlabBinary, ["--db", db], stdin: Data("Author#1.books\nBook.where(author.name == \"Le Guin\").count\n".utf8))
        #expect(second.status == 0, "\(second.stdout)")
        #expect(second.stdout.contains("Book#1"))
        #expect(second.stdout.contains("= 1"))
    }

    @Test func aDatabaseORMLabDidNotCreateOpensWithAnInferredModelAndACorruptOneIsAClearError() throws {
        let dir = try temporaryDirectory()
        let foreign = dir + "/foreign.sqlite"
        // A plain SQLite file with a table, made through ORMLab's raw :sql on a fresh file is not
        // possible (it would add ORMLab's metadata), so write a corrupt file and a foreign one.
        try Data("this is not a database at all, just text that is long enough".utf8).write(to: URL(fileURLWithPath: dir + "/corrupt.sqlite"))
        let corrupt = try runProcess(ormlabBinary, ["--db", dir + "/corrupt.sqlite"], stdin: Data("\n".utf8))
        #expect(corrupt.status == 1)
        #expect(corrupt.stderr.contains("cannot open"))
        _ = try runProcess("/usr/bin/env", ["python3", "-c", "import sqlite3; c = sqlite3.connect('\(foreign)'); c.execute('create table t(x)'); c.commit()"])
        if FileManager.default.fileExists(atPath: foreign) {
            // Issue 18: a database ORMLab did not make opens with a model inferred from it (here
            // none: `t` has no primary key, and the note says so), and the file is not written.
            let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
            let result = try runProcess(ormlabBinary, ["--db", foreign], stdin: Data("\n".utf8))
            #expect(result.status == 0)
            #expect(result.stdout.contains("table t: skipped, it has no primary key"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
        }
    }
}
