import Foundation
import Testing

// `ormlab export FILE.orm --style plain|grdb [-o OUT.swift]` through the real binary.

@Suite(.serialized) struct ExportCommandEndToEndTests {
    private let model = "entity Author { name: String; books: [Book] }\nentity Book { title: String; author: Author }\n"

    @Test func printsPlainCodeOnStandardOutput() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try model.write(toFile: dir + "/model.orm", atomically: true, encoding: .utf8)
        let result = try runProcess(ormlabBinary, ["export", dir + "/model.orm"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout.hasPrefix("// Swift model code exported by ORMLab (style: plain).\n"))
        #expect(result.stdout.contains("struct Book: Codable, Hashable, Identifiable {\n"))
        #expect(result.stdout.contains("    var authorID: Int64\n"))
    }

    @Test func writesGRDBRecordsToTheOutputFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try model.write(toFile: dir + "/model.orm", atomically: true, encoding: .utf8)
        let result = try runProcess(ormlabBinary, ["export", dir + "/model.orm", "--style", "grdb", "-o", dir + "/Model.swift"])
        #expect(result.status == 0)
        #expect(result.stdout == "")
        let code = try String(contentsOfFile: dir + "/Model.swift", encoding: .utf8)
        #expect(code.contains("struct Author: Codable, Hashable, Identifiable, FetchableRecord, MutablePersistableRecord {\n"))
        #expect(code.contains("    static let books = hasMany(Book.self)\n"))
        #expect(code.contains(##"try db.execute(sql: #"CREATE TABLE "book" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL, "author_id" INTEGER NOT NULL REFERENCES "author"("id"))"#)"##))
    }

    @Test func aFailingScriptExportsNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "entity Author { name: Strng }\n".write(toFile: dir + "/bad.orm", atomically: true, encoding: .utf8)
        let result = try runProcess(ormlabBinary, ["export", dir + "/bad.orm", "-o", dir + "/Model.swift"])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("error: unknown type 'Strng' for property 'name'"))
        #expect(result.stderr.hasSuffix("ormlab: 1 entity definition of \(dir)/bad.orm failed; nothing is exported\n"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/Model.swift"))
    }

    @Test func aFailedDataCommandIsAWarningAndTheEntitiesAreExported() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = model + """
            insert Author(name: "Le Guin")
            insert Book(title: "Kindred", autor: Author#1)
            Author.where(nmae == "x")
            save

            """
        try script.write(toFile: dir + "/data.orm", atomically: true, encoding: .utf8)
        let result = try runProcess(ormlabBinary, ["export", dir + "/data.orm", "-o", dir + "/Model.swift"])
        #expect(result.status == 0)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("warning: "))
        #expect(!result.stderr.contains("error:"))
        #expect(result.stderr.contains(" --> \(dir)/data.orm:4:"))
        #expect(result.stderr.contains(" --> \(dir)/data.orm:5:14\n"))
        #expect(result.stderr.hasSuffix("ormlab: warning: 2 data commands of \(dir)/data.orm failed (lines 4, 5); the entities are exported, the data is not part of an export\n"))
        let code = try String(contentsOfFile: dir + "/Model.swift", encoding: .utf8)
        #expect(code.contains("struct Book: Codable, Hashable, Identifiable {\n"))
        #expect(code.contains("    var authorID: Int64\n"))
    }

    @Test func usageMistakesExitWith2() throws {
        #expect(try runProcess(ormlabBinary, ["export", "/nonexistent/model.orm"]).status == 2)
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try model.write(toFile: dir + "/model.orm", atomically: true, encoding: .utf8)
        #expect(try runProcess(ormlabBinary, ["export", dir + "/model.orm", "--style", "kotlin"]).status == 2)
    }

    @Test func printSchemaListsWhatORMLabCreated() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try model.write(toFile: dir + "/model.orm", atomically: true, encoding: .utf8)
        let result = try runProcess(ormlabBinary, ["export", dir + "/model.orm", "--print-schema"])
        #expect(result.stdout == """
            table\tauthor\tauthor\tCREATE TABLE "author" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)
            table\tbook\tbook\tCREATE TABLE "book" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL, "author_id" INTEGER NOT NULL REFERENCES "author"("id"))

            """)
    }
}

// `ormlab export --db FILE`: the model inferred from a database ORMLab did not make, with its
// real table and column names; the database is not written to. (scripts/check-grdb-export.sh
// compiles this export against GRDB and reads the fixture database with it.)
@Suite(.serialized) struct ExportExistingDatabaseEndToEndTests {
    @Test func exportsTheInferredModelWithTheRealNamesAndWritesNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let database = dir + "/shop.sqlite"
        let setup = try runProcess(ormlabBinary, ["--db", database], stdin: """
            :sql CREATE TABLE [Customer] ([CustomerId] INTEGER PRIMARY KEY, [Email] NVARCHAR(60) NOT NULL)
            :sql CREATE TABLE [Invoice] ([InvoiceId] INTEGER PRIMARY KEY, [CustomerId] INTEGER NOT NULL REFERENCES [Customer]([CustomerId]), [Total] NUMERIC(10,2) NOT NULL)
            """.data(using: .utf8))
        #expect(setup.status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        let grdb = try runProcess(ormlabBinary, ["export", "--db", database, "--style", "grdb"])
        #expect(grdb.status == 0, "\(grdb.stderr)")
        #expect(grdb.stdout.contains(#"    static let databaseTableName = "Invoice""#))
        #expect(grdb.stdout.contains(#"        case customerID = "CustomerId""#))
        #expect(grdb.stdout.contains(#"        case total = "Total""#))
        #expect(grdb.stdout.contains("    var total: Decimal\n"))
        let plain = try runProcess(ormlabBinary, ["export", "--db", database])
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("struct Invoice: Codable, Hashable, Identifiable {\n"))
        #expect(plain.stdout.contains(#"        case id = "InvoiceId""#))
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
    }

    @Test func aScriptAndADatabaseTogetherIsAUsageMistake() throws {
        let result = try runProcess(ormlabBinary, ["export", "model.orm", "--db", "x.sqlite"])
        #expect(result.status == 2)
        #expect(result.stderr == "ormlab: export takes a script or --db DATABASE, not both\n")
        let neither = try runProcess(ormlabBinary, ["export"])
        #expect(neither.status == 2)
        #expect(neither.stderr.hasPrefix("ormlab: export needs a script"))
    }
}
