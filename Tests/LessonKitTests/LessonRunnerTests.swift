import Foundation
import Report
import Testing
import Workbench
@testable import LessonKit

@Suite struct LessonRunnerTests {
    let stateDirectory = temporaryDirectory()

    func makeRunner() throws -> LessonRunner {
        let library = LessonLibrary(lessons: [try parsed(sampleLesson)])
        return LessonRunner(library: library, store: ProgressStore(environment: ["XDG_STATE_HOME": stateDirectory]), home: try Workbench())
    }

    func lessonNotes(_ report: Report?) -> [String] {
        (report?.notes ?? []).filter { $0.kind == .lesson }.map(\.message)
    }

    @Test func startsOnASandboxAndChecksEveryCommand() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        let home = runner.home
        let start = runner.run(":lesson finding")
        #expect(start.count == 1)
        #expect(runner.currentLessonID == "finding")
        #expect(runner.workbench !== home)
        #expect(start[0].blocks.contains(.text(title: "Step 1 of 2: Find one", body: "Find the author with id 2.\n\n    Author#1")))

        let wrong = runner.run("Author#1").last
        #expect(lessonNotes(wrong) == ["Step 1 of 2, not yet: 2 of 3 parts done: the number of statements ✓ · the objects shown ✓ · "
                                       + "Author#2.name: not yet (Author#2 is not loaded in the session)"])
        let right = runner.run("Author#2").last
        #expect(lessonNotes(right) == ["✓ Step 1 of 2 passed: all 3 parts done", "✓ statements: 1", "✓ objects: 1",
                                       "✓ Author#2.name == \"Butler\"", ":next goes on to step 2: Rename"])
        #expect(runner.store.progress("finding") == LessonProgress(step: 1, passed: [1]))
        // The home workbench never saw these commands.
        #expect(home.session.schema.order.isEmpty)
    }

    @Test func hintsComeOneAtATime() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        _ = runner.run(":lesson finding")
        #expect(runner.run(":hint")[0].blocks == [.text(title: "Hint 1 of 2", body: "Use Entity#id. It finds by primary key.")])
        #expect(runner.run(":hint")[0].blocks == [.text(title: "Hint 2 of 2", body: "Type Author#2.")])
        #expect(lessonNotes(runner.run(":hint").first) == ["no more hints; :solution shows the reference solution"])
        #expect(runner.run(":solution")[0].blocks == [.code(title: "Reference solution for step 1", lines: ["Author#2"])])
    }

    @Test func checkJudgesTheAttemptAgain() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        _ = runner.run(":lesson finding")
        #expect(lessonNotes(runner.run(":check").first) == ["nothing to check yet: type your answer; every command is judged"])
        _ = runner.run("Author#1")
        #expect(lessonNotes(runner.run(":check").first).first?.hasPrefix("Step 1 of 2, not yet: 2 of 3 parts done") == true)
        _ = runner.run("Author#2")
        let again = lessonNotes(runner.run(":check").first)
        #expect(again.first == "✓ Step 1 of 2 passes again: all 3 parts done")
    }

    @Test func nextStartsTheStepFromItsExpectedStateAndRunsItsSetup() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        // An experiment (a rename, saved) before the right answer: the step passes on the replay,
        // and the next step starts without the experiment.
        _ = runner.run(":lesson finding\nAuthor#1.name = \"Ursula\"\nsave")
        let passed = runner.run("Author#2").last
        #expect(lessonNotes(passed).contains("judged from the step's start: your earlier experiments are not counted (your last command passed on a fresh replay; what it shows here comes from your changed sandbox: :reset and the same answer shows it from the step's start)"))
        let sandbox = runner.workbench
        let next = runner.run(":next")[0]
        #expect(runner.workbench !== sandbox)
        #expect(runner.currentStepNumber == 2)
        #expect(lessonNotes(next).first == "step 2 starts from its expected state (the reference solutions replayed), not from your experiments: rows of author hold other values")
        #expect(next.blocks.contains(.text(title: "Step 2 of 2: Rename", body: "Rename Author#2 to \"Octavia E. Butler\" without saving.")))
        // The step's setup (:forget) ran: Author#2 is no longer loaded; the rename is gone.
        #expect(runner.workbench.loadedSnapshot("Author#2") == nil)
        #expect(runner.run("Author#1.name").last?.value == .text("Le Guin"))
    }

    @Test func skippingWarnsAndResetReplaysTheEarlierSolutions() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        _ = runner.run(":lesson finding")
        let skip = runner.run(":next")[0]
        #expect(lessonNotes(skip).first == "step 1 is not passed yet; skipping it (it is not marked as passed; :reset lesson starts the lesson over)")
        // Step 2: a wrong value, saved; :reset brings back a sandbox where nothing is changed.
        let saved = runner.run("Author#2.name = \"Octavia Butler\"\nsave").last
        #expect(lessonNotes(saved).first == "Step 2 of 2, not yet: 1 of 3 parts done: every command runs ✓ · Author#2's state: not yet (Author#2 is clean) · "
                + "Author#2.name: not yet (Author#2.name is \"Octavia Butler\")")
        let before = runner.workbench
        let reset = runner.run(":reset")[0]
        #expect(runner.workbench !== before)
        #expect(lessonNotes(reset).first == "step 2 starts again on a fresh sandbox: the setup and the earlier steps' reference solutions were replayed")
        let name = runner.run("Author#2.name").last
        #expect(name?.value == .text("\"Butler\"") || name?.value == .text("Butler"))
        let pass = runner.run("Author#2.name = \"Octavia E. Butler\"").last
        #expect(lessonNotes(pass).first == "✓ Step 2 of 2 passed: all 3 parts done")
        let done = runner.run(":next")[0]
        #expect(done.blocks.first == .text(title: "✓ Lesson complete: Finding objects", body: "Recap\n\nWell done."))
        #expect(runner.store.progress("finding")?.completed == true)
        #expect(runner.currentStepNumber == nil)
    }

    @Test func progressResumesInANewSessionAtTheSavedStep() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let first = try makeRunner()
        _ = first.run(":lesson finding\nAuthor#2\n:next")
        let second = try makeRunner()
        let list = second.run(":lessons")[0]
        #expect(list.blocks == [.table(title: "Lessons", header: ["#", "id", "title", "progress"], rows: [["1", "finding", "Finding objects", "step 2 of 2"]]),
                               .text(title: nil, body: "→ Start or resume one with :lesson ID or :lesson # (for example :lesson finding).")])
        let resumed = second.run(":lesson finding")[0]
        #expect(second.currentStepNumber == 2)
        #expect(lessonNotes(resumed).first == "resuming at step 2: your sandbox holds the state after the earlier steps' reference solutions")
    }

    @Test func leavingReturnsToTheHomeSession() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        _ = runner.run("entity Note { text: String }\n:lesson finding")
        let off = runner.run(":lesson off")[0]
        #expect(runner.workbench === runner.home)
        #expect(lessonNotes(off) == ["left the lesson finding; back in your own session (progress is saved; :lesson finding resumes at step 1)"])
        #expect(runner.home.session.schema.order == ["Note"])
        // Outside a lesson, reports are not checked.
        #expect(lessonNotes(runner.run("Note.count").first).isEmpty)
    }

    @Test func unknownLessonIsAnError() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        let report = runner.run(":lesson fnding")[0]
        #expect(!report.ok)
        #expect(report.diagnostics.first?.message == "no lesson 'fnding'")
        #expect(report.diagnostics.first?.hint == "lessons: finding")
    }

    @Test func workbenchCommandsAreNotCheckedUnlessTheStepIsAboutThem() throws {
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let runner = try makeRunner()
        _ = runner.run(":lesson finding")
        #expect(lessonNotes(runner.run(":help").first).isEmpty)
        #expect(lessonNotes(runner.run(":schema").first).isEmpty)
    }
}
