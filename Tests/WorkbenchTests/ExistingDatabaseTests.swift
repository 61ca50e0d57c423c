import Foundation
import Report
import SQLiteKit
import Testing
@testable import Workbench

// Bringing your own database (issue 18): explicit mapping in the DSL, the exact Decimal, and a
// model inferred from a database ORMLab did not make, which opening never writes to. The
// fixtures are SQL text under Tests/Fixtures, built into a database file by each test.

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

/// A database file built from a fixture's SQL, in a fresh directory.
private func fixtureDatabase(_ name: String, in directory: URL) throws -> String {
    let sql = try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
    let path = directory.appendingPathComponent(name + ".sqlite").path
    let connection = try Connection(path: path)
    try connection.execute(sql)
    return path
}

private func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

private func opening(_ workbench: Workbench) throws -> Report { try #require(workbench.openingReport) }

private func modelText(_ report: Report) -> String {
    for case .code(let title, let lines) in report.blocks where title?.hasPrefix("Inferred model") == true { return lines.joined(separator: "\n") }
    return ""
}

@Suite struct ExistingDatabaseTests {
    // MARK: - Inference

    @Test func chinookStyleTablesBecomeEntitiesWithTheirRealNames() throws {
        try withTemporaryDirectory { dir in
            let path = try fixtureDatabase("chinook-style.sql", in: dir)
            let workbench = try Workbench(databasePath: path)
            let report = try opening(workbench)
            let model = modelText(report)
            #expect(model.contains("""
            entity Artist table("Artist") {
              id: Int column("ArtistId")
              name: String? column("Name")
              albums: [Album] via artist
            }
            """))
            #expect(model.contains(#"artist: Artist column("ArtistId")"#))
            #expect(model.contains(#"unitPrice: Decimal column("UnitPrice")"#))
            #expect(model.contains(#"hireDate: Date? column("HireDate")"#))
            #expect(model.contains(#"reportsTo: Employee? column("ReportsTo")"#))
            #expect(model.contains(#"tracks: [Track] join("PlaylistTrack", "PlaylistId", "TrackId") via playlists"#))
            #expect(!model.contains("entity PlaylistTrack"))
            let notes = report.notes.map(\.message)
            #expect(notes.contains { $0.hasPrefix("view AlbumTrackCount: skipped") })
            #expect(notes.contains { $0.contains("Employee.employeesAsReportsTo: invented name") && $0.contains("self-reference") })
            #expect(notes.contains { $0.hasPrefix("table PlaylistTrack: its key is two foreign keys") })
            // The mapping pane shows the real names and the declared types.
            let artist = try #require(report.mapping.first { $0.entity == "Artist" })
            #expect(artist.table == "Artist")
            #expect(artist.columns.map(\.column) == ["ArtistId", "Name"])
            #expect(artist.columns.map(\.sqlType) == ["INTEGER", "NVARCHAR(120)"])
        }
    }

    @Test func openingAndQueryingLeaveTheFileByteForByteUnchanged() throws {
        try withTemporaryDirectory { dir in
            let path = try fixtureDatabase("chinook-style.sql", in: dir)
            let before = try bytes(path)
            let workbench = try Workbench(databasePath: path)
            let reports = runAll(workbench, """
            Artist#1.albums
            Album.include(tracks).all
            Album.include(tracks, using: join).all
            :forget
            for a in Album.all { a.tracks.count }
            Playlist#1.tracks
            Invoice.sum(total)
            :explain Album.where(artist == Artist#1)
            """)
            #expect(sqlTexts(reports[0]).last == #"SELECT "Album".* FROM "Album" WHERE "Album"."ArtistId" = ?"#)
            #expect(sqlTexts(reports[2]).first?.contains(#"LEFT JOIN "Track" ON "Track"."AlbumId" = "Album"."AlbumId""#) == true)
            #expect(reports[4].notes.contains { $0.kind == .nPlusOne })
            #expect(sqlTexts(reports[5]).contains(#"SELECT "PlaylistTrack"."PlaylistId", "Track".* FROM "Track" JOIN "PlaylistTrack" ON "PlaylistTrack"."TrackId" = "Track"."TrackId" WHERE "PlaylistTrack"."PlaylistId" = ?"#))
            // 0.10 + 0.20 and the rest, summed as whole cents: exactly 6.24.
            #expect(reports[6].value == .decimal("6.24"))
            #expect(sqlTexts(reports[6]) == [#"SELECT SUM(ROUND("Invoice"."Total" * 100)) FROM "Invoice""#])
            #expect(try bytes(path) == before)
            #expect(try !Connection(path: path).tableNames().contains("_ormlab_entities"))
            // :save keeps the inferred model as DSL (and writes only the file it was asked to).
            let saved = dir.appendingPathComponent("model.orm").path
            expectOK(try #require(workbench.run(":save \(saved)").last))
            let script = try String(contentsOfFile: saved, encoding: .utf8)
            #expect(script.contains("entity Track table(\"Track\") {\n  id: Int column(\"TrackId\")"))
            #expect(script.contains("  index(album)"))
            #expect(try bytes(path) == before)
        }
    }

    @Test func writesUseTheRealNamesAndDecimalsStayExact() throws {
        try withTemporaryDirectory { dir in
            let path = try fixtureDatabase("chinook-style.sql", in: dir)
            let workbench = try Workbench(databasePath: path)
            let reports = runAll(workbench, """
            insert Invoice(customer: Customer#1, invoiceDate: "2024-01-01", total: 10.50)
            save
            Invoice#5
            Invoice.sum(total)
            """)
            #expect(dataSQL(reports[1]) == [#"INSERT INTO "Invoice" ("CustomerId", "InvoiceDate", "Total") VALUES (?, ?, ?)"#])
            #expect(reports[1].sql.first { $0.sql.hasPrefix("INSERT") }?.params.last == .text("10.50"))
            let invoice = try #require(reports[2].objects.first)
            #expect(value(invoice, "total") == .decimal("10.50"))
            #expect(reports[3].value == .decimal("16.74"))
            // More digits than the column keeps: refused, not rounded.
            let refused = try #require(workbench.run("insert Invoice(customer: Customer#1, invoiceDate: \"2024-01-01\", total: 10.505)").last)
            #expect(!refused.ok)
            #expect(refused.diagnostics.first?.message == "10.505 does not fit Invoice.total: it keeps 2 digits after the point")
        }
    }

    @Test func theGRDBExportOfAnInferredModelUsesTheRealNamesAsCodingKeys() throws {
        try withTemporaryDirectory { dir in
            let path = try fixtureDatabase("chinook-style.sql", in: dir)
            let workbench = try Workbench(databasePath: path)
            let report = try #require(workbench.run(":export swift grdb").last)
            expectOK(report)
            guard case .code(_, let lines)? = report.blocks.first else { Issue.record("no code"); return }
            let code = lines.joined(separator: "\n")
            #expect(code.contains(#"static let databaseTableName = "Track""#))
            #expect(code.contains(#"case id = "TrackId""#))
            #expect(code.contains(#"case albumID = "AlbumId""#))
            #expect(code.contains("var unitPrice: Decimal"))
            #expect(code.contains(#"case playlistID = "PlaylistId""#))
            #expect(code.contains("static let track = belongsTo(Track.self"))
        }
    }

    @Test func theFirstSchemaChangeStoresTheWholeModelWithANote() throws {
        try withTemporaryDirectory { dir in
            let path = try fixtureDatabase("chinook-style.sql", in: dir)
            do {
                let workbench = try Workbench(databasePath: path)
                let reports = runAll(workbench, """
                entity Artist table("Artist") { id: Int column("ArtistId"); name: String? column("Name"); country: String?; albums: [Album] via artist }
                """)
                #expect(reports[0].notes.contains { $0.message.hasPrefix("ORMLab's metadata table now holds the model (the 6 inferred entities and Artist)") })
            }
            let reopened = try Workbench(databasePath: path)
            #expect(reopened.openingReport == nil)
            #expect(reopened.session.schema.order.count == 7)
            #expect(reopened.session.schema.entity("Artist")?.columns.map(\.name) == ["ArtistId", "Name", "country"])
        }
    }

    @Test func snakeCaseBlogAndBadInputAreSaidNotCrashedOn() throws {
        try withTemporaryDirectory { dir in
            let path = try fixtureDatabase("blog-snake-case.sql", in: dir)
            let before = try bytes(path)
            let workbench = try Workbench(databasePath: path)
            let report = try opening(workbench)
            let model = modelText(report)
            #expect(model.contains(#"entity Author table("authors") {"#))
            #expect(model.contains("email: String? unique"))
            #expect(model.contains(#"tags: [Tag] join("post_tags", "post_id", "tag_id") via posts"#))
            #expect(model.contains("author: Author on delete cascade"))
            let notes = report.notes.map(\.message)
            #expect(notes.contains { $0.hasPrefix("table schema_migrations: skipped, it has no primary key") })
            #expect(notes.contains { $0 == "table index: its name is a word of the DSL, but entity names are capitalised, so Index is used as it is" })
            #expect(notes.contains { $0.hasPrefix("Index.entity: 'entity' is a word of the DSL, so the property is named entityValue") })
            #expect(notes.contains { $0.hasPrefix("Index.userName2: userName was taken") })
            #expect(notes.contains { $0.hasPrefix("index.legacy_ref references legacy_things(id), which is not an entity here") })
            #expect(notes.contains { $0 == "Index.shape: type GEOMETRY is not one ORMLab maps; read as String" })
            #expect(notes.contains { $0 == "Index.misc: its column has no declared type; read as String (SQLite keeps whatever was stored)" })
            #expect(notes.contains { $0.contains("Author.postsAsEditor") })
            let reports = runAll(workbench, """
            Post.where(published == true).include(tags).all
            Author#1.postsAsAuthor
            Index.count
            """)
            #expect(sqlTexts(reports[1]) == [#"SELECT "authors".* FROM "authors" WHERE "authors"."id" = ?"#,
                                             #"SELECT "posts".* FROM "posts" WHERE "posts"."author_id" = ?"#])
            #expect(reports[0].objects.count == 2)
            #expect(try bytes(path) == before)
        }
    }

    @Test func inferWorksOnTablesMadeWithSQL() throws {
        let reports = try runScript("""
        :sql CREATE TABLE [Artist] ([ArtistId] INTEGER PRIMARY KEY, [Name] NVARCHAR(120))
        :infer
        insert Artist(name: "AC/DC")
        save
        :infer
        """)
        expectOK(reports[1])
        #expect(reports[1].mapping.first?.columns.map(\.column) == ["ArtistId", "Name"])
        #expect(dataSQL(reports[3]) == [#"INSERT INTO "Artist" ("Name") VALUES (?)"#])
        #expect(!reports[4].ok)
    }

    @Test func oddSchemasAreInferredWithANoteForEachGuess() throws {
        let reports = try runScript("""
        :sql CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)
        :sql CREATE TABLE friendships (user_id INTEGER REFERENCES users(id), friend_id INTEGER REFERENCES users(id), PRIMARY KEY (user_id, friend_id))
        :sql CREATE TABLE profiles (id INTEGER PRIMARY KEY REFERENCES users(id), bio TEXT)
        :sql CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT)
        :sql CREATE TABLE cities (id INTEGER PRIMARY KEY, country_code TEXT REFERENCES countries(code))
        :sql CREATE TABLE "String" (id INTEGER PRIMARY KEY, value TEXT)
        :infer
        insert User(name: "a")
        insert User(name: "b")
        User#1.friends.add(User#2)
        save
        """)
        for report in reports { expectOK(report) }
        let notes = reports[6].notes.map(\.message)
        #expect(notes.contains("Country.id: countries.code is TEXT, a natural key: objects are found by its text (Country#…), and every insert gives it"))
        // The foreign key named after the natural key it references is the association `country`.
        #expect(reports[6].mapping.first { $0.entity == "City" }?.associations.map(\.name) == ["country"])
        #expect(notes.contains("table String: String is a scalar type, so the entity is named StringRecord"))
        #expect(notes.contains { $0.hasPrefix("profiles.id is the key and also references users") })
        #expect(notes.contains { $0.hasPrefix("User.friends and User.users: invented names") })
        #expect(dataSQL(reports[10]).contains(#"INSERT INTO "friendships" ("user_id", "friend_id") VALUES (?, ?)"#))
    }

    // MARK: - Explicit mapping in the DSL

    @Test func explicitNamesReachTheDDLAndEveryStatement() throws {
        let reports = try runScript("""
        entity Artist table("Artist") { id: Int column("ArtistId"); name: String column("Name"); albums: [Album] }
        entity Album table("Album") { id: Int column("AlbumId"); title: String column("Title"); price: Decimal column("Price"); artist: Artist column("ArtistId"); tags: [Tag] join("AlbumTag", "AlbumId", "TagId") }
        entity Tag { name: String; albums: [Album] }
        insert Artist(name: "AC/DC")
        insert Album(title: "Back in Black", price: 9.99, artist: Artist#1)
        save
        Artist#1.albums.count
        Album.sum(price)
        :schema
        """)
        for report in reports { expectOK(report) }
        guard case .code(_, let schema)? = reports[8].blocks.first else { Issue.record("no schema"); return }
        #expect(schema.contains(#"CREATE TABLE "Artist" ("ArtistId" INTEGER PRIMARY KEY, "Name" TEXT NOT NULL)"#))
        #expect(schema.contains(#"CREATE TABLE "Album" ("AlbumId" INTEGER PRIMARY KEY, "Title" TEXT NOT NULL, "Price" NUMERIC(10,2) NOT NULL, "ArtistId" INTEGER NOT NULL REFERENCES "Artist"("ArtistId"))"#))
        #expect(schema.contains(#"CREATE TABLE "AlbumTag" ("AlbumId" INTEGER NOT NULL REFERENCES "Album"("AlbumId") ON DELETE CASCADE, "TagId" INTEGER NOT NULL REFERENCES "tag"("id") ON DELETE CASCADE, PRIMARY KEY ("AlbumId", "TagId"))"#))
        #expect(reports[7].value == .decimal("9.99"))
    }

    @Test(arguments: [
        ("entity A { code: String; n: Int; key(code, n) }",
         1, 34, "composite primary keys are mapped only for join entities (key over two to-one properties): a key over scalar values (code, n) would need objects identified by several columns, and ORMLab identifies each object by one key column (an integer id or a natural key)"),
        ("entity A { name: String join(\"x\", \"a\", \"b\") }", 1, 25, "join(...) names the join table of a many-to-many, and 'name' is String"),
        ("entity A table(\"\") { name: String }", 1, 16, "a table or column name cannot be empty or hold control characters"),
        ("entity A { id: Double column(\"Code\") }", 1, 12, "the primary key is an Int (or a String, a natural key) and takes only a column name and `assigned`"),
        ("entity A { name: String column(Name) }", 1, 32, "expected the real name in quotes in column(...), found 'Name'"),
        ("entity A { total: Decimal = \"x\" }", 1, 29, "default value \"x\" is not a Decimal"),
    ])
    func badMappingsAreDiagnosedWithLineAndColumn(_ script: String, _ line: Int, _ column: Int, _ message: String) throws {
        let report = try #require(try runScript(script).first)
        #expect(!report.ok)
        let d = try #require(report.diagnostics.first)
        #expect(d.message == message)
        #expect(d.line == line && d.column == column)
    }
}
