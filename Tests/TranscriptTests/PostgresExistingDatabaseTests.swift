import Foundation
import Testing
import Report
import Workbench

// Bringing your own database on PostgreSQL (issue 18): the Chinook-style fixture written as
// PostgreSQL DDL is loaded into a fresh schema of the test server (ORMLAB_TEST_PG), and opening
// it infers the model from pg_catalog, as SQLite's catalog does for the SQLite fixture. Its golden
// output is Tests/Transcripts/postgres/existing-database-chinook.txt. Without a server the suite
// is skipped, saying so (see `transcriptServer`).

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private func value(_ object: ObjectSnapshot, _ name: String) -> ReportValue? {
    object.values.first { $0.name == name }?.value
}

/// A fresh schema holding the PostgreSQL Chinook-style fixture; dropped by `body`'s end.
private func withChinookSchema(_ name: String, _ body: (String) throws -> Void) throws {
    let admin = try Workbench(databasePath: transcriptServer!)
    try admin.session.database.execute("DROP SCHEMA IF EXISTS \(name) CASCADE; CREATE SCHEMA \(name)")
    defer { try? admin.session.database.execute("DROP SCHEMA IF EXISTS \(name) CASCADE") }
    let target = connectionString(transcriptServer!, schema: name)
    let fixture = try String(contentsOf: root.appendingPathComponent("Tests/Fixtures/chinook-style-postgres.sql"), encoding: .utf8)
    try admin.session.database.execute("SET search_path TO \(name); " + fixture + "; SET search_path TO DEFAULT")
    try body(target)
}

@Suite(.enabled(if: transcriptServer != nil, "ORMLAB_TEST_PG is not set: no PostgreSQL server for inferring an existing schema"))
struct PostgresExistingDatabaseTests {
    @Test func theChinookStyleSchemaIsInferredFromPgCatalog() throws {
        try withChinookSchema("byo_infer") { target in
            let workbench = try Workbench(databasePath: target)
            let opening = try #require(workbench.openingReport)
            guard case .code(_, let lines)? = opening.blocks.first else { Issue.record("no inferred model"); return }
            let model = lines.joined(separator: "\n")
            #expect(model.contains("""
            entity Artist table("Artist") {
              id: Int column("ArtistId") assigned
              name: String? column("Name")
              albums: [Album] via artist
            }
            """))
            #expect(model.contains(#"unitPrice: Decimal column("UnitPrice")"#))
            #expect(model.contains(#"hireDate: Date? column("HireDate")"#))
            #expect(model.contains(#"email: String unique column("Email")"#))
            #expect(model.contains(#"supportRep: Employee? column("SupportRepId") on delete set null"#))
            #expect(model.contains(#"customer: Customer column("CustomerId") on delete cascade"#))
            #expect(model.contains(#"tracks: [Track] join("PlaylistTrack", "PlaylistId", "TrackId") via playlists"#))
            #expect(model.contains("index(artist)"))
            let notes = opening.notes.map(\.message)
            #expect(notes.contains { $0.hasPrefix("view AlbumTrackCount: skipped") })
            // Chinook's keys are plain INTEGER: PostgreSQL gives them no value, unlike SQLite's rowid.
            #expect(notes.contains("Invoice.id: the database gives Invoice.InvoiceId no value on INSERT (no identity, sequence or rowid alias), so the key is assigned: every insert gives it, insert Invoice(id: …, …)"))
            // The declared type keeps its modifiers, so the money keeps its scale.
            let track = try #require(opening.mapping.first { $0.entity == "Track" })
            #expect(track.columns.first { $0.column == "UnitPrice" }?.sqlType == "NUMERIC(10,2)")
            #expect(try #require(opening.mapping.first { $0.entity == "Album" }).indexes == ["IFK_AlbumArtistId ON Album(ArtistId)"])
        }
    }

    @Test func openingAndReadingWritesNothing() throws {
        try withChinookSchema("byo_readonly") { target in
            let before = try Workbench(databasePath: target)
            let version = before.session.database.schemaVersion()
            let reports = before.run("""
            Artist#1.albums
            Invoice.sum(total)
            Album.where(artist.name == "AC/DC").include(tracks).all
            """)
            for report in reports { #expect(report.ok, "\(report.input): \(report.diagnostics.map(\.message))") }
            #expect(reports[1].value == .decimal("6.24"))
            #expect(before.session.database.schemaVersion() == version)
            #expect(try !before.session.database.tableNames().contains("_ormlab_entities"))
            #expect(reports.allSatisfy { $0.sql.allSatisfy { $0.sql.hasPrefix("SELECT") } })
        }
    }

    @Test func badInputIsSaidNotCrashedOnAndNothingIsWritten() throws {
        let admin = try Workbench(databasePath: transcriptServer!)
        try admin.session.database.execute("""
            DROP SCHEMA IF EXISTS byo_bad CASCADE; DROP SCHEMA IF EXISTS byo_bad_elsewhere CASCADE;
            CREATE SCHEMA byo_bad; CREATE SCHEMA byo_bad_elsewhere;
            CREATE TABLE byo_bad_elsewhere.things (id INTEGER PRIMARY KEY);
            CREATE TABLE byo_bad."entity" (id SERIAL PRIMARY KEY, "Tags" INTEGER[], doc JSONB, spot POINT, wait INTERVAL,
                                           ref INTEGER REFERENCES byo_bad_elsewhere.things (id), price NUMERIC(12,4));
            CREATE TABLE byo_bad.people (id SERIAL PRIMARY KEY, "Name" TEXT, name TEXT);
            CREATE TABLE byo_bad.countries (code CHAR(2) PRIMARY KEY, name TEXT);
            CREATE TABLE byo_bad.logs (msg TEXT);
            INSERT INTO byo_bad."entity" ("Tags", doc, spot, wait, price) VALUES ('{1,2}', '{"a": 1}', '(1,2)', '1 day', 12.3456);
            """)
        defer { try? admin.session.database.execute("DROP SCHEMA IF EXISTS byo_bad CASCADE; DROP SCHEMA IF EXISTS byo_bad_elsewhere CASCADE") }
        let workbench = try Workbench(databasePath: connectionString(transcriptServer!, schema: "byo_bad"))
        let version = workbench.session.database.schemaVersion()
        let opening = try #require(workbench.openingReport)
        let notes = opening.notes.map(\.message)
        #expect(notes.contains("table entity: its name is a word of the DSL, but entity names are capitalised, so Entity is used as it is"))
        #expect(notes.contains("table people: skipped, its columns Name and name differ only in case, which ORMLab's mapping takes for one column (as SQLite does); read it with :sql"))
        // A CHAR(2) key is a natural key: mapped, its objects found by their text.
        #expect(notes.contains("Country.id: countries.code is CHARACTER(2), a natural key: objects are found by its text (Country#…), and every insert gives it"))
        #expect(notes.contains(#"Country.id: CHARACTER(2) pads a shorter key with spaces, and the database hands it back padded: a key stored as 'US' in a CHAR(3) reads as Country#"US " (the comparison ignores the padding, the text does not)"#))
        #expect(notes.contains { $0.hasPrefix("table logs: skipped, it has no primary key") })
        #expect(notes.contains { $0.hasPrefix("entity.ref references things(id), which is not an entity here") })
        #expect(notes.contains("Entity.tags: type INTEGER[] is an array, which ORMLab does not map to one value; read as String (its text form)"))
        #expect(notes.contains("Entity.spot: type POINT is not one ORMLab maps; read as String"))
        #expect(notes.contains("Entity.wait: type INTERVAL is not one ORMLab maps; read as String"))
        #expect(notes.contains("Entity.doc: type JSONB is not one ORMLab maps; read as String"))
        #expect(!notes.contains { $0.hasPrefix("Entity.id:") }) // SERIAL: the database gives the key
        let reports = workbench.run("Entity#1\nEntity.sum(price)")
        for report in reports { #expect(report.ok, "\(report.input): \(report.diagnostics.map(\.message))") }
        let entity = try #require(reports[0].objects.first)
        #expect(value(entity, "tags") == .text("{1,2}"))
        #expect(reports[1].value == .decimal("12.3456"))
        #expect(workbench.session.database.schemaVersion() == version)
        #expect(try !workbench.session.database.tableNames().contains("_ormlab_entities"))
    }

    @Test func theInferredModelsTranscriptMatchesItsGolden() throws {
        try withChinookSchema("byo_golden") { target in
            let script = root.appendingPathComponent("Tests/Transcripts/postgres/existing-database-chinook.orm")
            let golden = script.deletingPathExtension().appendingPathExtension("txt")
            let actual = try Transcript.run(script, databasePath: target).text
            try matchGolden(actual, golden: golden, shownAs: "postgres/\(golden.lastPathComponent)", suite: "PostgresExistingDatabaseTests")
        }
    }
}
