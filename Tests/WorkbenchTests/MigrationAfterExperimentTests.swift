import Foundation
import Report
import Testing
@testable import Workbench

// Issue 16: after an experiment, redefining an entity still uses ALTER TABLE … ADD COLUMN where
// SQLite allows it (lesson 1, step 2), and a file database reopened afterwards reads its rows by
// the table's column order, not the declaration's.

@Suite struct MigrationAfterExperimentTests {
    @Test func lessonOneStepTwoAfterAddingRatingFirst() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ormlab-migration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("lesson.db").path

        let wb = try Workbench(databasePath: path)
        for report in wb.run(#"entity Author { name: String }"# + "\n" + #"insert Author(name: "Le Guin")"# + "\nsave") { expectOK(report) }
        // The experiment: only rating.
        let experiment = try #require(wb.run("entity Author { name: String; rating: Double = 0 }").last)
        #expect(sqlTexts(experiment) == [#"ALTER TABLE "author" ADD COLUMN "rating" REAL NOT NULL DEFAULT 0"#])
        // The answer: born comes before rating in the declaration, and is still added in place.
        let answer = try #require(wb.run("entity Author { name: String; born: Int?; rating: Double = 0 }").last)
        expectOK(answer)
        #expect(sqlTexts(answer) == [#"ALTER TABLE "author" ADD COLUMN "born" INTEGER"#])
        #expect(answer.notes.map(\.message) == ["column born added with ALTER TABLE ADD COLUMN: existing rows get NULL"])
        #expect(answer.mapping.first?.columns.map(\.column) == ["id", "name", "rating", "born"])
        for report in wb.run("Author#1.born = 1929\nAuthor#1.rating = 4.5\nsave") { expectOK(report) }

        // Reopened: the mapping follows the table's order, so values land in their columns.
        let reopened = try Workbench(databasePath: path)
        let author = try #require(reopened.run("Author#1").last)
        expectOK(author)
        #expect(author.objects.first.map { o in o.values.map { "\($0.name)=\($0.value.display)" } } == [#"name="Le Guin""#, "rating=4.5", "born=1929"])
        let count = try #require(reopened.run("Author.where(born == 1929 and rating == 4.5).count").last)
        #expect(count.value?.display == "1")
    }

    @Test func anExperimentWithAnotherColumnIsDroppedInPlace() throws {
        let wb = try Workbench()
        for report in wb.run(#"entity Author { name: String }"# + "\n" + #"insert Author(name: "Le Guin")"# + "\nsave") { expectOK(report) }
        _ = wb.run("entity Author { name: String; age: Int? }")
        let answer = try #require(wb.run("entity Author { name: String; born: Int?; rating: Double = 0 }").last)
        expectOK(answer)
        #expect(sqlTexts(answer) == [
            #"ALTER TABLE "author" DROP COLUMN "age""#,
            #"ALTER TABLE "author" ADD COLUMN "born" INTEGER"#,
            #"ALTER TABLE "author" ADD COLUMN "rating" REAL NOT NULL DEFAULT 0"#,
        ])
        #expect(try #require(wb.run("Author#1.rating").last).value?.display == "0.0")
    }
}
