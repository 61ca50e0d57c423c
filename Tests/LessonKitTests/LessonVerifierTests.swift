import Foundation
import Testing
@testable import LessonKit

@Suite struct LessonVerifierTests {
    @Test func aGoodLessonPasses() throws {
        let results = LessonVerifier.verify(try parsed(sampleLesson))
        #expect(results.map(\.passed) == [true, true])
        #expect(results[0].lines == ["✓ finding step 1: Find one — solution passes (3 parts); 2 wrong answers fail; explore-then-answer passes"])
        #expect(LessonVerifier.summary(results) == "2 passed, 0 failed")
    }

    @Test func aBrokenReferenceSolutionFailsVerification() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let broken = sampleLesson.replacingOccurrences(of: "```orm solution\nAuthor#2\n```", with: "```orm solution\nAuthor#1\n```")
        try broken.write(toFile: dir + "/01-finding.md", atomically: true, encoding: .utf8)
        let library = LessonLibrary.load(directory: dir)
        let results = library.lessons.flatMap(LessonVerifier.verify)
        #expect(results.map(\.passed) == [false, true])
        #expect(results[0].lines == [
            "✗ finding step 1: Find one — 1 problem",
            "    solution (line 28) does not pass: Author#2.name == \"Butler\" — Author#2 is not loaded in the session",
        ])
        #expect(LessonVerifier.summary(results) == "1 passed, 1 failed")
    }

    @Test func aBrokenSetupFailsEveryStep() throws {
        let lesson = try parsed(sampleLesson.replacingOccurrences(of: "insert Book(title: \"Kindred\", author: Author#2)", with: "insert Book(title: \"Kindred\", author: Author#9)"))
        let results = LessonVerifier.verify(lesson)
        #expect(results.filter(\.passed).isEmpty)
        #expect(results[0].problems == ["01-finding.md:14: the setup failed at `insert Book(title: \"Kindred\", author: Author#9)`: Author#9 does not exist"])
    }

    @Test func aStepWithoutWrongAnswersFails() throws {
        let text = "# T\nid: t\n```orm setup\nentity A { n: Int }\n```\n## Step 1: a\n```orm solution\nA.count\n```\nChecks:\n- value: 0\n"
        let results = LessonVerifier.verify(try parsed(text))
        #expect(results[0].problems == ["no ```orm wrong block: add a plausible mistake the checks must catch"])
    }

    @Test func aFileThatDoesNotParseIsAFailedResult() {
        let result = LessonVerifier.result(for: LessonFileError(file: "Lessons/09-bad.md", line: 4, message: "step 1 has no checks"))
        #expect(result.lines == ["✗ bad: the file does not parse — fix the file", "    Lessons/09-bad.md:4: step 1 has no checks"])
    }

    /// What CI runs: every lesson in Lessons/ verifies.
    @Test func everyLessonInTheRepositoryVerifies() {
        let library = LessonLibrary.load(directory: repositoryLessons)
        #expect(library.errors.isEmpty, "\(library.errors)")
        #expect(library.lessons.count >= 12)
        for lesson in library.lessons {
            #expect(lesson.steps.count >= 3, "\(lesson.id) has \(lesson.steps.count) steps")
            // A PostgreSQL-only lesson is verified on the server by `ormlab lesson verify` in
            // scripts/test-all.sh (ORMLAB_TEST_PG); it takes minutes, so not twice.
            if lesson.needsPostgres {
                print("SKIPPING lesson \(lesson.id) here: it runs on PostgreSQL only; scripts/test-all.sh verifies it with ORMLAB_TEST_PG set")
                continue
            }
            for result in LessonVerifier.verify(lesson) {
                #expect(result.passed, "\(result.lines.joined(separator: "\n"))")
            }
        }
    }
}
