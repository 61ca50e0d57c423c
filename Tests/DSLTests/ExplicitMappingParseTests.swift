import Testing
@testable import DSL

// Explicit mapping (issue 18): `table("…")` after an entity's name, `column("…")` and
// `join("…", "…", "…")` after a property, `key(…)` as a member; and their mistakes, each one
// diagnostic with its place.

@Suite struct ExplicitMappingParseTests {
    @Test(arguments: [
        (#"entity Artist table("Artist") { id: Int column("ArtistId"); name: String column("Name") }"#,
         "(entity Artist table:Artist (id Int column:ArtistId) (name String column:Name))"),
        (#"entity Album { artist: Artist? column("ArtistId") on delete set null }"#,
         "(entity Album (artist Artist? on-delete:SET NULL column:ArtistId))"),
        (#"entity Playlist { tracks: [Track] join("PlaylistTrack", "PlaylistId", "TrackId") via playlists }"#,
         "(entity Playlist (tracks [Track] via:playlists join:PlaylistTrack(PlaylistId,TrackId)))"),
        ("entity PlaylistTrack { playlist: Playlist; track: Track; key(playlist, track) }",
         "(entity PlaylistTrack (playlist Playlist) (track Track) (key playlist track))"),
        // Without parentheses they are ordinary names.
        ("entity T { table: String; column: Int; key: Bool; join: Decimal }",
         "(entity T (table String) (column Int) (key Bool) (join Decimal))"),
    ])
    func parses(_ text: String, _ expected: String) {
        #expect(shape(text) == [expected])
    }

    @Test(arguments: [
        (#"entity A table(Artist) { name: String }"#, "1:16", "expected the real name in quotes in table(...), found 'Artist'"),
        (#"entity A table("A", "B") { name: String }"#, "1:19", "table(...) takes one name"),
        (#"entity A { t: [T] join("x", "a") }"#, "1:19", "join(...) takes three names: the join table, its column pointing at this entity, its column pointing at the other"),
        ("entity A { key(a b) }", "1:18", "expected ')' to close '(' opened at 1:15"),
    ])
    func mistakes(_ text: String, _ location: String, _ message: String) {
        #expect(shape(text) == ["(error \(location) \(message))"])
    }
}
