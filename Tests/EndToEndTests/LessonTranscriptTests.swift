import Foundation
import TestSupport
import Testing

// Lessons run by the real binary: a transcript piped into `ormlab lesson ID`, and the REPL in
// a terminal. The lesson is written here, so these tests do not depend on Lessons/.

@Suite(.serialized) struct LessonTranscriptTests {
    @Test func exploreThenAnswerPassesAndTheNextStepStartsClean() throws {
        let dirs = try lessonDirectories()
        // An experiment (an extra author, saved), a misspelling, then the answer: it passes,
        // judged from the step's start; step 2 starts without the extra author, so its count is 3.
        let answers = "insert Author(name: \"X\")\nsave\nAuthor#1.nmae = \"U\"\nAuthor#1.name = \"U\"\nsave\n:next\n"
            + "insert Author(name: \"C\")\nAuthor.count\n:next\n"
        let result = try runProcess(ormlabBinary, ["lesson", "1", "--dir", dirs.lessons], stdin: Data(answers.utf8),
                                    environment: ["XDG_STATE_HOME": dirs.state, "HOME": dirs.state])
        let out = result.stdout
        #expect(out.contains("» :lesson 1\nLesson 1 · Rename and count"))
        #expect(out.contains("note: Step 1 of 2, not yet: 1 of 2 parts done: the rename: not yet (the row in author holds name = \"Le Guin\") · the save ✓"))
        #expect(out.contains("note: Step 1 of 2, not yet: that command failed (its error says why), so it changed nothing"))
        #expect(out.contains("""
            note: ✓ Step 1 of 2 passed: all 2 parts done
            note: ✓ the rename
            note: ✓ the save
            note: judged from the step's start: your earlier experiments are not counted (your last 2 commands passed on a fresh replay; what it shows here comes from your changed sandbox: :reset and the same answer shows it from the step's start)
            note: :next goes on to step 2: Count
            """))
        #expect(out.contains("note: step 2 starts from its expected state (the reference solutions replayed), not from your experiments: table author has 3 rows (2 in the replay)"))
        #expect(out.contains("= 3\n"))
        #expect(out.contains("note: ✓ Step 2 of 2 passed: all 2 parts done"))
        #expect(out.contains("✓ Lesson complete: Rename and count\nIn other ORMs\n\n• Rails: `author.update(name: \"U\")` saves at once."))
        // No answer was printed before :solution, and a failed command showed no ✓.
        #expect(!out.contains("Reference solution"))
        let progress = try String(contentsOfFile: dirs.state + "/ormlab/lessons.json", encoding: .utf8)
        #expect(progress.contains("\"completed\" : true"))
        #expect(result.status == 1, "the misspelled command failed")
    }

    @Test func wrongAnswersDoNotPass() throws {
        let dirs = try lessonDirectories()
        let result = try runProcess(ormlabBinary, ["lesson", "rename", "--dir", dirs.lessons], stdin: Data("Author#1.name = \"U\"\n:hint\n:hint\n:hint\n:solution\n".utf8),
                                    environment: ["XDG_STATE_HOME": dirs.state, "HOME": dirs.state])
        #expect(!result.stdout.contains("passed"))
        #expect(result.stdout.contains("Hint 1 of 2\nChanges wait in the unit of work."))
        #expect(result.stdout.contains("note: no more hints; :solution shows the reference solution"))
        #expect(result.stdout.contains("Reference solution for step 1\n  Author#1.name = \"U\"\n  save"))
        #expect(result.status == 0)
    }

    @Test func verifyRunsTheLessonThroughTheSameJudge() throws {
        let dirs = try lessonDirectories()
        let result = try runProcess(ormlabBinary, ["lesson", "verify", "--dir", dirs.lessons])
        #expect(result.stdout == """
            ✓ rename step 1: Rename and save — solution passes (2 parts); 1 wrong answer fails; explore-then-answer passes
            ✓ rename step 2: Count — solution passes (2 parts); 1 wrong answer fails; explore-then-answer passes
            2 passed, 0 failed

            """)
        #expect(result.status == 0)
    }
}
