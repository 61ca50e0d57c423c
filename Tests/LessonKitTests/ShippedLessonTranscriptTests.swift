import Foundation
import Report
import Testing
import Workbench
@testable import LessonKit

/// Learner transcripts over the shipped lessons (Lessons/): the misgradings issue 16 found in real
/// sessions — a wrong value, a missing save, a lazy loop or `:set lazy batch` where `include` was
/// asked, a dropped index, a `having` that loses a row — must stay "not yet", and the right answers
/// typed after an experiment must pass. Each transcript starts at its step as a resumed learner would.
@Suite struct ShippedLessonTranscriptTests {
    /// Runs `commands` in lesson `id` resumed at `step` (the step's start: the setup plus the
    /// reference solutions before it) and returns the lesson notes of the last command.
    func transcript(_ id: String, step: Int, _ commands: [String]) throws -> [String] {
        let state = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: state) }
        let library = LessonLibrary.load(directory: repositoryLessons)
        #expect(library.errors.isEmpty, "\(library.errors)")
        let store = ProgressStore(environment: ["XDG_STATE_HOME": state])
        try store.update(id) { $0.step = step }
        let runner = LessonRunner(library: library, store: store, home: try Workbench())
        _ = runner.run(":lesson \(id)")
        #expect(runner.currentLessonID == id)
        #expect(runner.currentStepNumber == step)
        var last: Report?
        for command in commands { last = runner.run(command).last }
        return (last?.notes ?? []).filter { $0.kind == .lesson }.map(\.message)
    }

    func passes(_ id: String, step: Int, _ commands: [String]) throws -> Bool {
        try transcript(id, step: step, commands).contains { $0.hasPrefix("✓ Step \(step) of") }
    }

    @Test("entities-and-mapping 4: any misspelled property passes; a right insert or another error does not")
    func anyMisspellingPasses() throws {
        for typo in ["insert Author(naem: \"Ursula K. Le Guin\")", "insert Author(Name: \"U\")",
                     "insert Author(name: \"U\", emial: \"u@example.org\")"] {
            #expect(try passes("entities-and-mapping", step: 4, [typo]), "\(typo)")
        }
        #expect(try !passes("entities-and-mapping", step: 4, ["insert Author(name: \"Ursula K. Le Guin\")"]))
        #expect(try !passes("entities-and-mapping", step: 4, ["insert Author(name: 42)"]))
    }

    @Test("entities-and-mapping 2: a wrong definition first, then the right one, passes; DEFAULT 0.5 does not")
    func experimentThenRightDefinition() throws {
        #expect(try passes("entities-and-mapping", step: 2, [
            "entity Author { name: String; born: Int; rating: Double = 0 }",
            "entity Author { name: String; born: Int?; rating: Double = 0 }",
        ]))
        #expect(try !passes("entities-and-mapping", step: 2, ["entity Author { name: String; born: Int?; rating: Double = 0.5 }"]))
    }

    @Test("crud 1 and 4: the asked values and the asked save are checked")
    func valuesAndSave() throws {
        #expect(try !passes("crud", step: 1, ["insert Author(name: \"Ursula K. Le Guin\", born: 1930)"]))
        #expect(try passes("crud", step: 1, ["insert Author(name: \"Ursula K. Le Guin\", born: 1929)"]))
        // Autoflush writes the UPDATE, but nothing is committed.
        #expect(try !passes("crud", step: 4, ["Author#1.name = \"Octavia Estelle Butler\"", "Author.count"]))
        #expect(try passes("crud", step: 4, ["Author#1.name = \"Octavia Estelle Butler\"", "save"]))
        // A delete flushed early by a query, then saved, is a saved delete.
        #expect(try passes("crud", step: 5, ["delete Author#2", "Author.count", "save"]))
        #expect(try !passes("crud", step: 5, ["delete Author#2", "Author.count"]))
    }

    @Test("unit-of-work 4 and 6: any rename does not do; begin and rollback without save do not do")
    func unitOfWork() throws {
        #expect(try !passes("unit-of-work", step: 4, [
            "Author#2.name = \"Octavia Butler\"", "insert Author(name: \"N. K. Jemisin\", born: 1972)", "save",
        ]))
        #expect(try !passes("unit-of-work", step: 6, ["begin", "Author#3.name = \"T. Chiang\"", "rollback"]))
        #expect(try passes("unit-of-work", step: 6, ["begin", "Author#3.name = \"T. Chiang\"", "save", "rollback"]))
    }

    @Test("lazy-loading 4: :set lazy batch and a loop is not include")
    func lazyBatchIsNotInclude() throws {
        #expect(try !passes("lazy-loading", step: 4, [":set lazy batch", "for a in Author.all { a.books.count }"]))
        #expect(try passes("lazy-loading", step: 4, ["for a in Author.all.include(books) { a.books.count }"]))
    }

    @Test("lazy-loading 5: include is not :set lazy batch; the loop before the setting, then the answer, passes")
    func lazyBatchAfterAnExperiment() throws {
        #expect(try !passes("lazy-loading", step: 5, ["for a in Author.all.include(books) { a.books.count }"]))
        #expect(try passes("lazy-loading", step: 5, [
            "for a in Author.all { a.books.count }", ":set lazy batch", "for a in Author.all { a.books.count }",
        ]))
    }

    @Test("indexes 6: a definition that drops the year index does not pass")
    func droppedIndex() throws {
        #expect(try !passes("indexes", step: 6, ["entity Book { title: String; year: Int; author: Author; index(author) }"]))
        #expect(try passes("indexes", step: 6, ["entity Book { title: String; year: Int index; author: Author; index(author) }"]))
    }

    @Test("projections-aggregates 5: a having that loses a row or a count does not pass; >= 2 does")
    func havingKeepsTheRows() throws {
        #expect(try !passes("projections-aggregates", step: 5, ["Book.group(author).having(count > 2).count"]))
        #expect(try !passes("projections-aggregates", step: 5, ["Book.where(year > 1968).group(author).having(count > 1).count"]))
        #expect(try passes("projections-aggregates", step: 5, ["Book.group(author).having(count >= 2).count"]))
    }

    @Test("belongs-to-has-many 1: Author waits for Book through a to-many property, not for Books, not through book: Book")
    func waitsForTheRightEntity() throws {
        #expect(try !passes("belongs-to-has-many", step: 1, ["entity Author { name: String; books: [Books] }"]))
        #expect(try !passes("belongs-to-has-many", step: 1, ["entity Author { name: String; book: Book }"]))
        #expect(try passes("belongs-to-has-many", step: 1, ["entity Author { name: String; books: [Book] }"]))
    }

    @Test("many-to-many 2: the link added from the tag's side passes too")
    func linkFromEitherSide() throws {
        #expect(try passes("many-to-many", step: 2, ["Tag#1.books.add(Book#1)", "save"]))
        #expect(try !passes("many-to-many", step: 2, ["Book#1.tags.add(Tag#1)", "Book.count"]))
        #expect(try passes("many-to-many", step: 2, ["Book#1.tags.add(Tag#1)", "Book.count", "save"]))
    }
}
