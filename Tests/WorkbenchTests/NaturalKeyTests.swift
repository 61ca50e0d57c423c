import Foundation
import Report
import Testing
@testable import Workbench

// Natural keys (`id: String column("code")`): objects are found by their text, foreign keys
// and join tables hold it, every insert gives it, and the identity map keeps one object per row.

private let countries = """
entity Country { id: String column("code"); name: String; cities: [City]; languages: [Language] }
entity City { name: String; country: Country }
entity Language { id: String column("tag"); name: String; countries: [Country] }
insert Country(id: "FR", name: "France")
insert Country(id: "NZ", name: "New Zealand")
insert Language(id: "fr", name: "French")
save
insert City(name: "Paris", country: Country#FR)
insert City(name: "Wellington", country: Country#NZ)
Country#FR.languages.add(Language#fr)
save
:forget
"""

@Suite struct NaturalKeyTests {
    @Test func theTableHoldsTextKeysAndTheForeignKeysPointingAtThem() throws {
        let wb = try Workbench()
        let reports = runAll(wb, countries)
        let ddl = reports[0...2].flatMap(dataSQL)
        #expect(ddl.contains(#"CREATE TABLE "country" ("code" TEXT PRIMARY KEY NOT NULL, "name" TEXT NOT NULL)"#))
        #expect(ddl.contains(#"CREATE TABLE "city" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "country_id" TEXT NOT NULL REFERENCES "country"("code"))"#))
        #expect(ddl.last == #"CREATE TABLE "country_language" ("country_id" TEXT NOT NULL REFERENCES "country"("code") ON DELETE CASCADE, "language_id" TEXT NOT NULL REFERENCES "language"("tag") ON DELETE CASCADE, PRIMARY KEY ("country_id", "language_id"))"#)
        #expect(reports[2].mapping.first { $0.entity == "Country" }?.columns.first?.constraints == ["PRIMARY KEY", "(natural key)"])
        let save = reports[10]
        #expect(dataSQL(save) == [
            #"INSERT INTO "city" ("name", "country_id") VALUES (?, ?)"#,
            #"INSERT INTO "city" ("name", "country_id") VALUES (?, ?)"#,
            #"INSERT INTO "country_language" ("country_id", "language_id") VALUES (?, ?)"#,
        ])
        #expect(save.sql.filter { $0.sql.hasPrefix("INSERT") }.map { $0.params.map(\.display) } == [["\"Paris\"", "\"FR\""], ["\"Wellington\"", "\"NZ\""], ["\"FR\"", "\"fr\""]])
    }

    @Test func objectsAreFoundByTheirTextAndTheIdentityMapKeepsOnePerRow() throws {
        let wb = try Workbench()
        runAll(wb, countries)
        let first = runAll(wb, "Country#FR")[0]
        #expect(dataSQL(first) == [#"SELECT "country".* FROM "country" WHERE "country"."code" = ?"#])
        #expect(first.sql[0].params.map(\.display) == ["\"FR\""])
        #expect(first.objects.map(\.ref) == ["Country#FR"])
        let again = runAll(wb, "Country#FR")[0]
        #expect(again.sql.isEmpty)
        #expect(again.objects.first?.fromIdentityMap == true)
        // The same row through a query is the same object.
        let all = runAll(wb, "Country.all")[0]
        #expect(all.objects.map(\.ref) == ["Country#FR", "Country#NZ"])
        #expect(all.objects.map(\.fromIdentityMap) == [true, false])
        #expect(runAll(wb, "Country#FR.id")[0].value?.display == "\"FR\"")
    }

    @Test func associationsLoadByTheKeyText() throws {
        let wb = try Workbench()
        runAll(wb, countries)
        let lazy = runAll(wb, "City#1.country")[0]
        #expect(dataSQL(lazy).last == #"SELECT "country".* FROM "country" WHERE "country"."code" = ?"#)
        #expect(lazy.objects.map(\.ref) == ["Country#FR"])
        runAll(wb, ":forget")
        let eager = runAll(wb, "Country.all.include(cities)")[0]
        #expect(dataSQL(eager) == [#"SELECT "country".* FROM "country""#, #"SELECT "city".* FROM "city" WHERE "city"."country_id" IN (?, ?)"#])
        #expect(eager.sql[1].params.map(\.display) == ["\"FR\"", "\"NZ\""])
        #expect(eager.objects.first?.associations.first { $0.name == "cities" }?.loaded == ["City#1"])
        runAll(wb, ":forget")
        let join = runAll(wb, "City.include(country, using: join).all")[0]
        #expect(dataSQL(join) == [#"SELECT "city".*, "country".* FROM "city" LEFT JOIN "country" ON "country"."code" = "city"."country_id""#])
        #expect(join.objects.map { $0.associations.first { $0.name == "country" }?.loaded } == [["Country#FR"], ["Country#NZ"]])
        runAll(wb, ":forget")
        let manyToMany = runAll(wb, "Language#fr.countries")[0]
        #expect(dataSQL(manyToMany).last == #"SELECT "country_language"."language_id", "country".* FROM "country" JOIN "country_language" ON "country_language"."country_id" = "country"."code" WHERE "country_language"."language_id" = ?"#)
        #expect(manyToMany.objects.map(\.ref) == ["Country#FR"])
        let filtered = runAll(wb, "City.where(country == Country#NZ).all")[0]
        #expect(dataSQL(filtered).last == #"SELECT "city".* FROM "city" WHERE "city"."country_id" = ?"#)
        #expect(filtered.objects.map(\.ref) == ["City#2"])
    }

    @Test func updatesDeletesAndUnlinksBindTheKeyText() throws {
        let wb = try Workbench()
        runAll(wb, countries)
        let update = runAll(wb, "Country#NZ.name = \"Aotearoa\"\nsave")[1]
        #expect(dataSQL(update) == [#"UPDATE "country" SET "name" = ? WHERE "code" = ?"#])
        #expect(update.sql.first { $0.sql.hasPrefix("UPDATE") }?.params.map(\.display) == ["\"Aotearoa\"", "\"NZ\""])
        let unlink = runAll(wb, "Country#FR.languages.remove(Language#fr)\nsave")[1]
        #expect(dataSQL(unlink) == [#"DELETE FROM "country_language" WHERE "country_id" = ? AND "language_id" = ?"#])
        // A parent with children is refused by the foreign key, in ORM terms.
        let refused = wb.run("delete Country#FR\nsave")[1]
        #expect(refused.diagnostics.first?.message == "cannot delete Country#FR: other rows still refer to it (City.country; foreign key without an ON DELETE rule)")
        runAll(wb, "rollback")
        let deleted = runAll(wb, "insert Country(id: \"DE\", name: \"Germany\")\nsave\ndelete Country#DE\nsave")[3]
        #expect(dataSQL(deleted) == [#"DELETE FROM "country" WHERE "code" = ?"#])
        #expect(deleted.objects.map(\.ref) == ["Country#DE"])
    }

    @Test func anyTextIsAKeyAndItsReferenceIsQuotedWhenItIsNotAWord() throws {
        let wb = try Workbench()
        runAll(wb, "entity Place { id: String; name: String }")
        let insert = runAll(wb, #"insert Place(id: "Côte d'Ivoire", name: "CI")"#)[0]
        #expect(insert.objects.map(\.ref) == [#"Place#"Côte d'Ivoire""#])
        runAll(wb, "save\n:forget")
        let found = runAll(wb, #"Place#"Côte d'Ivoire""#)[0]
        #expect(found.objects.map(\.ref) == [#"Place#"Côte d'Ivoire""#])
        #expect(found.sql.first?.params.map(\.display) == [#""Côte d'Ivoire""#])
        // Keys are compared exactly: another case is another key.
        let other = try #require(wb.run("Place#\"côte d'ivoire\"").last?.diagnostics.first)
        #expect(other.message == #"Place#"côte d'ivoire" does not exist"#)
    }

    @Test func wrongKeysGetDiagnosticsWithLineAndColumn() throws {
        let wb = try Workbench()
        runAll(wb, countries)
        var d = try #require(wb.run("Country#1").last?.diagnostics.first)
        #expect(d.message == "Country has a natural key (text), so #1 names no object")
        #expect((d.line, d.column) == (1, 1))
        d = try #require(wb.run("City#FR").last?.diagnostics.first)
        #expect(d.message == "City is identified by an integer id, not by text")
        d = try #require(wb.run(#"insert Country(name: "Spain")"#).last?.diagnostics.first)
        #expect(d.message == "missing value for 'id': Country has a natural key, so every insert gives it")
        d = try #require(wb.run(#"insert Country(id: 34, name: "Spain")"#).last?.diagnostics.first)
        #expect(d.message == "type mismatch: 'id' is String, but 34 is Int")
        #expect((d.line, d.column) == (1, 20))
        runAll(wb, "Country#FR")
        d = try #require(wb.run(#"insert Country(id: "FR", name: "France")"#).last?.diagnostics.first)
        #expect(d.message == "Country#FR is already in this session: its row exists, and the identity map holds one object per row")
        #expect(d.hint == "give another key")
        d = try #require(wb.run(":seed Country 3").last?.diagnostics.first)
        #expect(d.message == "Country has a natural key (text), which :seed cannot invent")
        d = try #require(wb.run("entity Post { id: String; title: String }\nentity Photo { url: String }\nentity Comment { body: String; subject: Post | Photo }").last?.diagnostics.first)
        #expect(d.message == "Post has a natural key (text), and a polymorphic association's subject_id column holds integer ids")
        d = try #require(wb.run("entity Vehicle inheritance(single) { id: String; name: String }").last?.diagnostics.first)
        #expect(d.message == "Vehicle is in an inheritance hierarchy, whose ids are numbered for the whole hierarchy, so its key cannot be natural (text)")
        d = try #require(wb.run("entity Currency { code: String; name: String; key(code) }").last?.diagnostics.first)
        #expect(d.message == #"key(code) over one text property is a natural key, which ORMLab declares as the key itself: id: String column("code")"#)
        #expect((d.line, d.column) == (1, 47))
        // A key a row has, but the session did not load: the database refuses the INSERT.
        runAll(wb, ":forget")
        let taken = wb.run("insert Country(id: \"NZ\", name: \"Again\")\nsave")[1]
        #expect(taken.diagnostics.first?.message == "cannot save Country#NZ: a row of country already has the key \"NZ\" (country.code is the primary key)")
        #expect(taken.diagnostics.first?.hint == "an insert does not update an existing row: give another key, or `rollback` to drop this insert and read the row with Country#NZ; nothing was saved")
        runAll(wb, "rollback")
        // Nothing of the refused commands is pending.
        #expect(runAll(wb, ":pending")[0].objects.isEmpty)
    }

    @Test func seedingPicksParentsAndLinkTargetsAmongTheirKeys() throws {
        let wb = try Workbench()
        runAll(wb, countries)
        let seed = runAll(wb, ":seed City 200")[0]
        #expect(dataSQL(seed).contains(#"SELECT "code" FROM "country" ORDER BY "code""#))
        #expect(dataSQL(seed).contains(#"INSERT INTO "city" ("name", "country_id") VALUES (?, ?)"#))
        // Every seeded city points at a country that exists (the foreign key holds its code).
        let orphans = runAll(wb, #":sql SELECT COUNT(*) FROM "city" WHERE "country_id" NOT IN (SELECT "code" FROM "country")"#)[0]
        #expect(orphans.blocks.contains { if case .table(_, _, let rows) = $0 { return rows == [["0"]] } else { return false } })
        #expect(runAll(wb, "City.where(country == Country#NZ).count")[0].value.map { Int($0.display) ?? 0 }.map { $0 > 1 } == true)
        // A many-to-many to a natural key links to its texts.
        let other = try Workbench()
        runAll(other, """
            entity Tag { id: String; posts: [Post] }
            entity Post { title: String; tags: [Tag] }
            insert Tag(id: "sf")
            insert Tag(id: "classic")
            save
            """)
        let posts = runAll(other, ":seed Post 50")[0]
        #expect(dataSQL(posts).contains(#"INSERT INTO "post_tag" ("post_id", "tag_id") VALUES (?, ?)"#))
        let badLinks = runAll(other, #":sql SELECT COUNT(*) FROM "post_tag" WHERE "tag_id" NOT IN ('sf', 'classic')"#)[0]
        #expect(badLinks.blocks.contains { if case .table(_, _, let rows) = $0 { return rows == [["0"]] } else { return false } })
        #expect(runAll(other, "Tag#sf.posts")[0].objects.count > 0)
    }

    @Test func aFileDatabaseWithNaturalKeysReopens() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("countries.sqlite").path
            runAll(try Workbench(databasePath: path), countries)
            let reopened = try Workbench(databasePath: path)
            let cities = runAll(reopened, "Country#FR.cities")[0]
            #expect(cities.objects.map(\.ref) == ["City#1"])
            #expect(value(try #require(cities.objects.first), "country_id")?.display == "\"FR\"")
        }
    }

    @Test func theExportsUseStringForTextKeys() throws {
        let wb = try Workbench()
        runAll(wb, countries)
        let plain = runAll(wb, ":export swift plain")[0]
        let text = plain.blocks.compactMap { block -> String? in
            if case .code(_, let lines) = block { return lines.joined(separator: "\n") }
            return nil
        }.joined()
        #expect(text.contains("/// The natural key: given by every insert.\n    var id: String"))
        #expect(text.contains("var countryID: String"))
    }
}
