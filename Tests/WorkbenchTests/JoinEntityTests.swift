import Foundation
import Report
import Testing
@testable import Workbench

// Composite primary keys (issue 18): a join entity, `key(playlist, track)` over exactly two
// to-ones, names the join table of the many-to-many between them. Everything else with key(...)
// is refused, each case with its own reason.

@Suite struct JoinEntityTests {
    private let model = """
    entity Playlist table("Playlist") { id: Int column("PlaylistId"); name: String column("Name"); tracks: [Track] }
    entity Track table("Track") { id: Int column("TrackId"); name: String column("Name"); playlists: [Playlist] }
    """

    @Test func aJoinEntityDeclaredFirstNamesTheJoinTableOfTheManyToMany() throws {
        let reports = try runScript("""
        entity Playlist table("Playlist") { id: Int column("PlaylistId"); name: String column("Name") }
        entity Track table("Track") { id: Int column("TrackId"); name: String column("Name") }
        entity PlaylistTrack table("PlaylistTrack") { playlist: Playlist column("PlaylistId"); track: Track column("TrackId"); key(playlist, track) }
        \(model)
        insert Playlist(name: "Heavy")
        insert Track(name: "Go Down")
        Playlist#1.tracks.add(Track#1)
        save
        Playlist#1.tracks
        :sql SELECT "PlaylistId", "TrackId" FROM "PlaylistTrack"
        """)
        for report in reports { expectOK(report) }
        // The join entity runs no SQL; its pane says what it maps and that it waits.
        let join = reports[2]
        #expect(join.sql.isEmpty)
        let facts = try #require(join.mapping.first { $0.entity == "PlaylistTrack" })
        #expect(facts.table == "PlaylistTrack")
        #expect(facts.columns.map(\.column) == ["PlaylistId", "TrackId"])
        #expect(facts.status == "join entity: waits for the many-to-many Playlist ↔ Track")
        #expect(join.notes.contains { $0.message.hasPrefix("PlaylistTrack is a join entity: table PlaylistTrack(PlaylistId, TrackId) will hold the pairs") })
        // The many-to-many creates and uses that table.
        #expect(dataSQL(reports[4]).contains(#"CREATE TABLE "PlaylistTrack" ("PlaylistId" INTEGER NOT NULL REFERENCES "Playlist"("PlaylistId") ON DELETE CASCADE, "TrackId" INTEGER NOT NULL REFERENCES "Track"("TrackId") ON DELETE CASCADE, PRIMARY KEY ("PlaylistId", "TrackId"))"#))
        #expect(dataSQL(reports[8]).contains(#"INSERT INTO "PlaylistTrack" ("PlaylistId", "TrackId") VALUES (?, ?)"#))
        guard case .table(_, let header, let rows)? = reports[10].blocks.first else { Issue.record("no rows"); return }
        #expect(header == ["PlaylistId", "TrackId"] && rows == [["1", "1"]])
    }

    @Test func aJoinEntityAfterTheManyToManyMustNameTheTableItUses() throws {
        let wb = try Workbench()
        runAll(wb, model)
        // The many-to-many made its own join table; a join entity naming another is refused.
        let refused = try #require(wb.run(#"entity PlaylistTrack table("PlaylistTrack") { playlist: Playlist column("PlaylistId"); track: Track column("TrackId"); key(playlist, track) }"#).first)
        #expect(!refused.ok)
        let d = try #require(refused.diagnostics.first)
        #expect(d.message.hasPrefix("Playlist.tracks keeps its pairs in "))
        #expect(d.message.hasSuffix("not in PlaylistTrack(PlaylistId, TrackId)"))
        // Naming the table it has is accepted, and the pane shows the many-to-many it serves.
        let table = try #require(wb.session.schema.entity("Playlist")?.association(named: "tracks")?.joinTable)
        let accepted = try #require(wb.run("entity Pairs table(\"\(table.name)\") { playlist: Playlist column(\"\(table.ownerColumn)\"); track: Track column(\"\(table.targetColumn)\"); key(playlist, track) }").first)
        expectOK(accepted)
        let facts = try #require(accepted.mapping.first { $0.entity == "Pairs" })
        #expect(facts.associations.map(\.name) == ["Playlist.tracks"])
        #expect(facts.status == "join entity: no objects of its own (read the pairs through Playlist.tracks)")
    }

    @Test func aJoinEntityIsRestoredBeforeItsManyToManyWhenTheFileIsReopened() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("music.sqlite").path
            do {
                let wb = try Workbench(databasePath: path)
                runAll(wb, """
                entity Playlist { name: String }
                entity Track { name: String }
                entity PlaylistTrack table("playlist_entries") { playlist: Playlist; track: Track; key(playlist, track) }
                entity Playlist { name: String; tracks: [Track] }
                entity Track { name: String; playlists: [Playlist] }
                insert Playlist(name: "Heavy")
                insert Track(name: "Go Down")
                Playlist#1.tracks.add(Track#1)
                save
                """)
            }
            let reopened = try Workbench(databasePath: path)
            #expect(reopened.session.schema.entity("Playlist")?.association(named: "tracks")?.joinTable?.name == "playlist_entries")
            let count = try #require(reopened.run("Playlist#1.tracks.count").first)
            expectOK(count)
            #expect(sqlTexts(count).contains { $0.contains(#"JOIN "playlist_entries" ON "playlist_entries"."track_id" = "track"."id""#) })
            #expect(count.value == .integer(1))
        }
    }

    @Test(arguments: [
        ("entity A { name: String; b: Int; key(name, b) }", 1, 34,
         "composite primary keys are mapped only for join entities (key over two to-one properties): a key over scalar values (name, b) would need objects identified by several columns, and ORMLab identifies each object by one key column (an integer id or a natural key)"),
        ("entity Playlist { name: String }\nentity Track { name: String }\nentity PlaylistTrack { playlist: Playlist; track: Track; added: Date; key(playlist, track) }", 3, 71,
         "a join entity holds only its two key properties, and PlaylistTrack also has added: a join table with data of its own would need objects identified by two columns, which ORMLab does not model"),
        ("entity Playlist { name: String }\nentity Track { name: String }\nentity PlaylistTrack { playlist: Playlist?; track: Track; key(playlist, track) }", 3, 34,
         "'playlist' is part of the key, so it cannot be optional"),
        ("entity Playlist { name: String }\nentity PlaylistTrack { playlist: Playlist; key(playlist, track) }", 2, 58,
         "key(...) names 'track', which is not a property of PlaylistTrack"),
        ("entity Playlist { name: String }\nentity Playlist2 { playlist: Playlist; key(playlist) }", 2, 40,
         "composite primary keys are mapped only for join entities (key over two to-one properties): a key of 1 property would need objects identified by several columns, and ORMLab identifies each object by one key column (an integer id or a natural key)"),
    ])
    func keysThatAreNotJoinEntitiesAreRefusedWithTheirReason(_ script: String, _ line: Int, _ column: Int, _ message: String) throws {
        let report = try #require(try runScript(script).last)
        #expect(!report.ok)
        let d = try #require(report.diagnostics.first)
        #expect(d.message == message)
        #expect(d.line == line && d.column == column)
    }
}

@Suite struct JoinEntityAsANameTests {
    @Test func aJoinEntityHasNoObjectsAndSaysWhereItsPairsAre() throws {
        let reports = try runScript("""
        entity Playlist { name: String; tracks: [Track] }
        entity Track { name: String; playlists: [Playlist] }
        entity Pairs table("playlist_track") { playlist: Playlist; track: Track; key(playlist, track) }
        Pairs.all
        """)
        expectOK(reports[2])
        let d = try #require(reports[3].diagnostics.first)
        #expect(d.message == "Pairs is a join entity: its rows are the pairs of the many-to-many Playlist ↔ Track, not objects with an identity of their own")
        #expect(d.hint == #"read them through the many-to-many, e.g. Playlist#1.tracks; or :sql SELECT * FROM "playlist_track""#)
        #expect(d.line == 4 && d.column == 1)
        // Nor does it become an entity with an id later.
        let redefined = try #require(try runScript("""
        entity Playlist { name: String; tracks: [Track] }
        entity Track { name: String; playlists: [Playlist] }
        entity Pairs table("playlist_track") { playlist: Playlist; track: Track; key(playlist, track) }
        entity Pairs { note: String }
        """).last)
        #expect(redefined.diagnostics.first?.message == "Pairs is a join entity (the pairs of Playlist ↔ Track), so it cannot become an entity with an id of its own")
    }
}
