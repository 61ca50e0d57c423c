import Foundation
import Report
import Testing
import Workbench
@testable import LessonKit

@Suite struct EngineTests {
    let stateDirectory = temporaryDirectory()

    func makeRunner(_ lessons: [String] = [engineLesson]) throws -> LessonRunner {
        let library = LessonLibrary(lessons: try lessons.enumerated().map { try parsed($0.element, file: "0\($0.offset + 1)-x.md") })
        return LessonRunner(library: library, store: ProgressStore(environment: ["XDG_STATE_HOME": stateDirectory]), home: try Workbench())
    }

    func lessonNotes(_ report: Report?) -> [String] {
        (report?.notes ?? []).filter { $0.kind == .lesson }.map(\.message)
    }

    @Test func verifyRunsSolutionsWrongAnswersAndExploreThenAnswer() throws {
        let results = LessonVerifier.verify(try parsed(engineLesson))
        #expect(results.map(\.passed) == [true, true, true, true], "\(results.flatMap(\.lines))")
        #expect(results[0].summary == "solution passes (2 parts); 2 wrong answers fail; explore-then-answer passes")
    }

    @Test func verifyCatchesAWrongAnswerThatPassesAtItsFirstCommand() throws {
        // Without the save part, the rename passes before `save` is typed: the wrong answer
        // that never saves passes in the REPL, and verify says so.
        let weak = engineLesson.replacingOccurrences(of: "- [the rename] row Author#1.name == \"U\"", with: "- [the rename] Author#1.name == \"U\"")
            .replacingOccurrences(of: "- [the save] note: save\n", with: "")
        let results = LessonVerifier.verify(try parsed(weak))
        #expect(results[0].problems == [
            "solution (line 21) passes already after its command 1 of 2: the checks do not ask for the rest",
            "wrong answer (line 26) `Author#1.name = \"U\"` passes (after its command 1): the checks do not catch it",
            "wrong answer (line 30) `begin` passes (after its command 2): the checks do not catch it",
        ])
    }

    @Test func aStepPassesOnlyWhenEveryPartIsDone() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        _ = runner.run(":lesson engine\n:next")
        let insert = runner.run("insert Author(name: \"C\")").last
        #expect(lessonNotes(insert) == ["Step 2 of 4, not yet: 1 of 2 parts done: the insert ✓ · the count: not yet (the answer showed no value)"])
        let count = runner.run("Author.count").last
        #expect(lessonNotes(count) == ["✓ Step 2 of 4 passed: all 2 parts done", "✓ the insert", "✓ the count", ":next goes on to step 3: Load the books eagerly"])
    }

    @Test func progressNeverShowsTheExpectedAnswer() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let unlabeled = engineLesson.replacingOccurrences(of: "- [the insert] note: pending\n- [the count] value: 4",
                                                          with: "- sql contains: INSERT INTO \"author\"\n- value: 4")
        let runner = try makeRunner([unlabeled])
        _ = runner.run(":lesson engine\n:next")
        let notes = lessonNotes(runner.run("Author.count").last)
        #expect(notes.first == "Step 2 of 4, not yet: 0 of 2 parts done: the SQL: not yet (not in the SQL your answer ran) · the value: not yet (the value is 3)")
        #expect(!notes.joined().contains("INSERT") && !notes.joined().contains("value: 4"))
    }

    @Test func aSaveIsCheckedInTheDatabaseNotInTheIdentityMap() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        _ = runner.run(":lesson engine")
        let renamed = runner.run("Author#1.name = \"U\"").last
        #expect(lessonNotes(renamed).first == "Step 1 of 4, not yet: 0 of 2 parts done: the rename: not yet (the row in author holds name = \"Le Guin\") · the save: not yet (no note was shown)")
        // Inside begin … the save writes but does not commit: still not stored.
        // Leaving `begin` out would pass the rename and save: but here they do not commit.
        let inTransaction = runner.run("begin\nAuthor#1.name = \"U\"\nsave").last
        #expect(lessonNotes(inTransaction).first == "Step 1 of 4, not yet: your last 2 commands do what the step asks on a replay from its start, but here they ran "
                + "inside the transaction you opened with begin, which changes what they do (a save there does not commit; commit or rollback ends it); :reset starts this step again")
        // Typed on their own, the same commands do not pass either.
        let alone = try #require(LessonVerifier.run([CodeBlock(code: "begin\nAuthor#1.name = \"U\"\nsave")], step: 0, of: try parsed(engineLesson)).last)
        #expect(!alone.passed && alone.contextDiffers)
        #expect(alone.drift == ["a transaction opened with begin was open when these 2 commands began"])
        // `commit` stores the rename, but the step asked for a save, and inside begin … the
        // save did not write it in a transaction of its own: still not yet.
        let committed = runner.run("commit").last
        #expect(lessonNotes(committed).first?.hasPrefix("Step 1 of 4, not yet: your last 3 commands do what the step asks on a replay from its start") == true)
    }

    @Test func aFailedCommandNeverShowsAPassedCheck() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        _ = runner.run(":lesson engine\nAuthor#1.name = \"U\"")
        let failed = runner.run("Author#1.nmae = \"U\"").last
        #expect(failed?.ok == false)
        #expect(lessonNotes(failed).first == "Step 1 of 4, not yet: that command failed (its error says why), so it changed nothing")
        #expect(!lessonNotes(failed).joined().contains("✓"))
        // The failed command is left out: the rename before it and a save after it pass.
        #expect(lessonNotes(runner.run("save").last).first == "✓ Step 1 of 4 passed: all 2 parts done")
    }

    @Test func experimentsBeforeTheAnswerAreNotCounted() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        _ = runner.run(":lesson engine\n:next")
        // An extra author, saved: the live count is 5, but the answer is judged from the start.
        _ = runner.run("insert Author(name: \"X\")\nsave")
        let answer = runner.run("insert Author(name: \"C\")\nAuthor.count").last
        #expect(answer?.value == .integer(5))
        #expect(lessonNotes(answer) == [
            "✓ Step 2 of 4 passed: all 2 parts done", "✓ the insert", "✓ the count",
            "judged from the step's start: your earlier experiments are not counted (your last 2 commands passed on a fresh replay; what it shows here comes from your changed sandbox: :reset and the same answer shows it from the step's start)",
            ":next goes on to step 3: Load the books eagerly",
        ])
    }

    @Test func driftIsSaidPlainlyWhenNothingPasses() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        _ = runner.run(":lesson engine\n:next")
        // Seven saved experiments: more than the answer may hold (2 + 4), so the replay cannot
        // include the first; the count is wrong and the sandbox has drifted.
        _ = runner.run("delete Author#3\nsave\nAuthor#1\nAuthor#1\nAuthor#1\nAuthor#1")
        let answer = runner.run("Author.count").last
        let notes = lessonNotes(answer)
        #expect(notes.first == "Step 2 of 4, not yet: 0 of 2 parts done: the insert: not yet (no pending note was shown) · the count: not yet (the value is 3)")
        #expect(notes.contains("your sandbox has drifted from the step's start: table author has 2 rows (3 in the replay). Your last commands are judged on a replay from the step's start; :reset starts this step again"))
    }

    @Test func aCommandThatFailedOnlyBecauseOfAnExperimentCountsOnTheReplay() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        // Step 1 asks to rename Author#1 and save. An experiment marks Author#1 deleted (its save
        // fails: Earthsea points at it): the rename and the save then fail here, but they pass
        // from the step's start, and the note says so without a ✓.
        _ = runner.run(":lesson engine\ndelete Author#1\nsave")
        let rename = runner.run("Author#1.name = \"U\"").last
        #expect(rename?.ok == false)
        let save = runner.run("save").last
        #expect(save?.ok == false)
        #expect(lessonNotes(save) == [
            "Step 1 of 4 passed on a replay from the step's start, where this answer runs; here it failed because earlier experiments changed your sandbox "
                + "(rows of author hold other values; pending in the unit of work: Author#1 deleted)",
            ":next goes on to step 2: Insert and count (from its expected state)",
        ])
    }

    @Test func noDriftIsReportedInTheMiddleOfAnAnswer() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        _ = runner.run(":lesson engine\n:next")
        // Half of the answer: not yet, and nothing has drifted (the whole attempt was replayed).
        let half = lessonNotes(runner.run("insert Author(name: \"C\")").last)
        #expect(half == ["Step 2 of 4, not yet: 1 of 2 parts done: the insert ✓ · the count: not yet (the answer showed no value)"])
    }

    @Test func aPassThatRanOtherSQLHereSaysItWasJudgedFromTheStart() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        // Author#2 renamed but not saved: the answer's save writes it too, here but not on the replay.
        _ = runner.run(":lesson engine\nAuthor#2.name = \"B\"\nAuthor#1.name = \"U\"")
        let save = lessonNotes(runner.run("save").last)
        #expect(save.first == "✓ Step 1 of 4 passed: all 2 parts done")
        #expect(save.contains("judged from the step's start: your earlier experiments are not counted (your last 2 commands passed on a fresh replay; what it shows here comes from your changed sandbox: :reset and the same answer shows it from the step's start)"))
    }

    @Test func resetRestoresThisStepAndResetLessonTheFirst() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        let lesson = try parsed(engineLesson)
        _ = runner.run(":lesson engine\nAuthor#1.name = \"U\"\nsave\n:next\ninsert Author(name: \"C\")\nsave")
        #expect(runner.run("Author.count").last?.value == .integer(4))
        let reset = runner.run(":reset")[0]
        #expect(runner.currentStepNumber == 2)
        #expect(lessonNotes(reset).first == "step 2 starts again on a fresh sandbox: the setup and the earlier steps' reference solutions were replayed")
        #expect(runner.workbench.sandboxState() == (try Sandbox.build(lesson, upTo: 1)).sandboxState())
        #expect(runner.run("Author#1.name").last?.value == .text("U"))
        let whole = runner.run(":reset lesson")[0]
        #expect(runner.currentStepNumber == 1)
        #expect(lessonNotes(whole).first == "the lesson starts again at step 1 on a fresh sandbox with the lesson's setup (steps you passed stay marked)")
        #expect(runner.workbench.sandboxState() == (try Sandbox.build(lesson, upTo: 0)).sandboxState())
        #expect(runner.run("Author#1.name").last?.value == .text("Le Guin"))
        #expect(runner.run(":reset everything")[0].diagnostics.first?.message == "`:reset everything` is not a reset")
    }

    @Test func commandsAfterAPassAreNotGradedAgain() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        _ = runner.run(":lesson engine\nAuthor#1.name = \"U\"\nsave")
        let after = runner.run("Author#1.name = \"V\"").last
        #expect(lessonNotes(after) == ["step 1 is done (this command is not graded); :next goes on to step 2: Insert and count"])
    }

    @Test func eagerLoadingMeansInclude() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        _ = runner.run(":lesson engine\n:next\n:next")
        let batched = runner.run(":set lazy batch\nfor a in Author.all { a.books.count }").last
        #expect(lessonNotes(batched).first == "Step 3 of 4, not yet: 1 of 2 parts done: eager loading: not yet (books was loaded lazily in batches (:set lazy batch), not eagerly) · the notes ✓")
        #expect(lessonNotes(runner.run("Author.all.include(books)").last).first == "✓ Step 3 of 4 passed: all 2 parts done")
    }

    @Test func anyMisspellingPassesAStepAboutTheDiagnostic() throws {
        let lesson = try parsed(engineLesson)
        for typo in ["Author#1.nmae", "Author#1.naem", "Author#1.title"] {
            var attempt = StepAttempt(lesson: lesson, stepIndex: 3)
            let live = try Sandbox.build(lesson, upTo: 3)
            let report = try #require(live.run(typo).last)
            #expect(attempt.record(report, live: live)?.passed == true, "\(typo)")
        }
        for other in ["Author#1.name", "Author#1.name("] {
            var attempt = StepAttempt(lesson: lesson, stepIndex: 3)
            let live = try Sandbox.build(lesson, upTo: 3)
            let report = try #require(live.run(other).last)
            #expect(attempt.record(report, live: live)?.passed == false, "\(other)")
        }
    }

    @Test func lessonsOpenByNumber() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner([sampleLesson, engineLesson])
        let start = runner.run(":lesson 2")[0]
        #expect(start.ok)
        #expect(runner.currentLessonID == "engine")
        #expect(runner.run(":lesson 3")[0].diagnostics.first?.message == "no lesson '3'")
    }

    @Test func settingsAreKeptOnResumeAndDroppedByReset() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let first = try makeRunner()
        _ = first.run(":lesson engine\n:set lazy batch\n:lesson off")
        #expect(first.store.progress("engine")?.settings == [":set lazy batch"])
        let second = try makeRunner()
        let resumed = second.run(":lesson engine")[0]
        #expect(lessonNotes(resumed).contains("your settings apply again: :set lazy batch (:reset drops them)"))
        #expect(second.workbench.session.lazyPolicy == .batch)
        _ = second.run(":reset")
        #expect(second.workbench.session.lazyPolicy == .select)
        #expect(second.store.progress("engine")?.settings == nil)
    }

    @Test func theOutroIsRenderedNotRawMarkdown() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        let done = runner.run(":lesson engine\n:next\n:next\n:next\n:next").last
        #expect(done?.blocks.first == .text(title: "✓ Lesson complete: Engine", body: "In other ORMs\n\n• Rails: `save` writes one object."))
    }
}
