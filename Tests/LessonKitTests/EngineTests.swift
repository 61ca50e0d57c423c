import Foundation
import Report
import Testing
import Workbench
@testable import LessonKit

/// A lesson for the grading engine: parts, a save asked for, a count after an insert, eager
/// loading, and a step about a mistake.
let engineLesson = """
# Engine
id: engine

```orm setup
entity Author { name: String; rating: Double = 0.5; books: [Book] }
entity Book { title: String; author: Author }
insert Author(name: "Le Guin")
insert Author(name: "Butler")
insert Author(name: "Chiang")
insert Book(title: "Earthsea", author: Author#1)
insert Book(title: "Kindred", author: Author#2)
save
:forget
```

## Step 1: Rename and save

Give Author#1 a new name and make it stick.

```orm solution
Author#1.name = "U"
save
```

```orm wrong
Author#1.name = "U"
```

```orm wrong
begin
Author#1.name = "U"
save
rollback
```

```orm explore
Author#2.name = "B"
save
Author#1
```

> hint: Changes wait in the unit of work.
> hint: Assign, then save.

Checks:
- [the rename] row Author#1.name == "U"
- [the save] note: save

## Step 2: Insert and count

Insert an author named "C" and count the authors.

```orm solution
insert Author(name: "C")
Author.count
```

```orm wrong
Author.count
```

Checks:
- [the insert] note: pending
- [the count] value: 4

## Step 3: Load the books eagerly

Load every author with their books in one more query.

```orm solution
Author.all.include(books)
```

```orm wrong
:set lazy batch
for a in Author.all { a.books.count }
```

Checks:
- eager: books
- no note: n+1

## Step 4: Make a mistake

Ask for a property that does not exist, misspelled as you like.

```orm solution
Author#1.nmae
```

```orm wrong
Author#1.name
```

```orm wrong
Author#1.name(
```

Checks:
- fails
- diagnostic: unknown property

## In other ORMs

- **Rails**: `save` writes one object.
"""

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

@Suite struct MatchingTests {
    @Test func textMatchesAtTokenBoundariesOnly() {
        #expect(containsAtTokenBoundaries("\"rating\" REAL NOT NULL DEFAULT 0", "DEFAULT 0"))
        #expect(!containsAtTokenBoundaries("\"rating\" REAL NOT NULL DEFAULT 0.5", "DEFAULT 0"))
        #expect(!containsAtTokenBoundaries("Author waits for Books", "waits for Book"))
        #expect(!containsAtTokenBoundaries("SELECT * FROM \"authors\"", "FROM \"author"))
        #expect(containsAtTokenBoundaries("WHERE \"book\".\"id\" IN (?, ?)", "IN ("))
        #expect(!containsAtTokenBoundaries("LIMIT 10", "LIMIT 1"))
    }

    @Test func aColumnIsComparedConstraintByConstraint() throws {
        let wb = try Workbench()
        _ = wb.run("entity Author { name: String; rating: Double = 0.5 }")
        let report = try #require(wb.run(":mapping Author").last)
        let results = try ["column Author.rating: rating REAL NOT NULL DEFAULT 0", "column Author.rating: DEFAULT 0.5", "column Author.rating: NOT NULL DEFAULT 0.5",
                           "column Author.rating: NULL", "sql contains: DEFAULT 0"].map { try Check.parse($0).get().evaluate(report, in: wb) }
        #expect(results.map(\.passed) == [false, true, true, false, false])
        #expect(results[0].detail == "Author.rating → rating REAL NOT NULL DEFAULT 0.5")
    }

    @Test func notesAreCheckedByKindNeverByWording() throws {
        let wb = try Workbench()
        _ = wb.run("entity Author { name: String }\ninsert Author(name: \"A\")\nsave")
        // The insert's note mentions autoflush in its prose; it is a pending note.
        let insert = try #require(wb.run("insert Author(name: \"B\")").last)
        let onInsert = try ["note: autoflush", "note: pending"].map { try Check.parse($0).get().evaluate(insert, in: wb) }
        #expect(onInsert.map(\.passed) == [false, true])
        let save = try #require(wb.run("save").last)
        #expect(save.notes.map(\.kind) == [.save])
        _ = wb.run("Author#1.name = \"Z\"")
        let rollback = try #require(wb.run("rollback").last)
        #expect(rollback.notes.map(\.kind) == [.rollback])
        #expect(try Check.parse("note: rollback").get().evaluate(rollback, in: wb).passed)
        #expect(try !Check.parse("note: save").get().evaluate(rollback, in: wb).passed)
    }

    @Test func rowReadsTheDatabaseWithoutTheIdentityMap() throws {
        let wb = try Workbench()
        _ = wb.run("entity Author { name: String; books: [Book] }\nentity Book { title: String; author: Author }\ninsert Author(name: \"A\")\ninsert Book(title: \"T\", author: Author#1)\nsave")
        _ = wb.run("Author#1.name = \"B\"")
        let check = try Check.parse("row Author#1.name == \"B\"").get()
        let before = check.evaluate(Answer(reports: [], sandbox: wb))
        #expect(!before.passed)
        #expect(before.detail == "the row in author holds name = \"A\"")
        _ = wb.run("save")
        #expect(check.evaluate(Answer(reports: [], sandbox: wb)).passed)
        #expect(try Check.parse("row Book#1.author == Author#1").get().evaluate(Answer(reports: [], sandbox: wb)).passed)
        #expect(try Check.parse("row Book#1.author_id == 1").get().evaluate(Answer(reports: [], sandbox: wb)).passed)
        #expect(try Check.parse("row Book#2.title == \"T\"").get().evaluate(Answer(reports: [], sandbox: wb)).detail == "table book has no row for Book#2")
        // The read is not a statement of the learner's: the log does not show it.
        #expect(wb.run(":log").last?.blocks.description.contains("SELECT \"id\", \"name\" FROM \"author\"") == false)
    }

    @Test func newObjectsWaitingEntitiesAndExactColumns() throws {
        let wb = try Workbench()
        _ = wb.run("entity Author { name: String unique; born: Int?; books: [Book] }")
        func check(_ line: String, _ script: String = ":schema") throws -> CheckResult {
            let report = try #require(wb.run(script).last)
            return try Check.parse(line).get().evaluate(report, in: wb)
        }
        #expect(try check("waits: Author for Book").passed)
        #expect(try check("waits: Author for Books").detail == "Author waits for Book")
        // A waiting entity's declared associations and columns can be checked already.
        #expect(try check("association Author.books: has-many").passed)
        #expect(try check("columns Author: id, name, born").passed)
        _ = wb.run("entity Book { title: String; author: Author }")
        #expect(try check("waits: Author for Book").detail == "Author is defined: it waits for nothing")
        #expect(try check("column Author.name: TEXT NOT NULL").passed)
        #expect(try !check("column Author.name is: TEXT NOT NULL").passed)
        #expect(try check("column Author.name is: TEXT NOT NULL UNIQUE").passed)
        #expect(try check("column Author.name is: name TEXT UNIQUE NOT NULL").passed)
        #expect(try check("column Author.born is: INTEGER").passed)
        let born = try check("object Author (new #1) is new", "insert Author(name: \"A\", born: 1929)")
        #expect(born.passed)
        #expect(try check("Author (new #1).born == 1929").passed)
        #expect(try check("Author (new #1).born == 1930").detail == "Author (new #1).born is 1929")
        _ = wb.run("save")
        #expect(try check("object Author (new #1) is new").detail == "Author (new #1) is not loaded in the session")
    }

    @Test func noEagerRejectsAnInclude() throws {
        let wb = try Workbench()
        _ = wb.run("entity Author { name: String; books: [Book] }\nentity Book { title: String; author: Author }\ninsert Author(name: \"A\")\ninsert Book(title: \"T\", author: Author#1)\nsave\n:forget")
        let included = try #require(wb.run("for a in Author.all.include(books) { a.books.count }").last)
        let check = try Check.parse("no eager: books").get()
        #expect(check.evaluate(included, in: wb).detail == "books was loaded eagerly (include(books))")
        _ = wb.run(":forget\n:set lazy batch")
        let batched = try #require(wb.run("for a in Author.all { a.books.count }").last)
        #expect(check.evaluate(batched, in: wb).passed)
    }

    @Test func rowReadsLinksFromTheJoinTableAndTheOtherSide() throws {
        let wb = try Workbench()
        _ = wb.run("""
            entity Author { name: String; books: [Book] }
            entity Book { title: String; author: Author; tags: [Tag] }
            entity Tag { name: String; books: [Book] }
            insert Author(name: "A")
            insert Book(title: "T", author: Author#1)
            insert Tag(name: "x")
            insert Tag(name: "y")
            save
            """)
        func row(_ line: String) throws -> CheckResult { try Check.parse(line).get().evaluate(Answer(reports: [], sandbox: wb)) }
        _ = wb.run("Tag#2.books.add(Book#1)")
        // The link waits in the unit of work: the join table has no row yet.
        #expect(try row("row Book#1.tags == [Tag#2]").detail == "the database holds Book#1.tags = []")
        _ = wb.run("save")
        #expect(try row("row Book#1.tags == [Tag#2]").passed)
        #expect(try row("row Author#1.books == [Book#1]").passed)
        #expect(try row("row Tag#1.books == []").passed)
    }

    @Test func pendingReadsTheUnitOfWorkAfterTheAnswer() throws {
        let wb = try Workbench()
        _ = wb.run("""
            entity Book { title: String; tags: [Tag] }
            entity Tag { name: String; books: [Book] }
            insert Book(title: "a")
            insert Tag(name: "x")
            insert Tag(name: "y")
            save
            Book#1.tags.add(Tag#2)
            save
            """)
        func check(_ line: String) throws -> CheckResult { try Check.parse(line).get().evaluate(Answer(reports: [], sandbox: wb)) }
        #expect(try check("pending: 0").passed)
        _ = wb.run("Tag#2.books.remove(Book#1)\nBook#1.title = \"b\"")
        #expect(try check("pending: Book#1.tags.remove(Tag#2)").passed)
        #expect(try check("pending: Tag#2.books.remove(Book#1)").passed)
        #expect(try check("pending: Book#1 dirty (title)").passed)
        #expect(try check("pending: 2").passed)
        let add = try check("pending: Book#1.tags.add(Tag#2)")
        #expect(add.detail == "pending: Book#1 dirty (title); Tag#2.books.remove(Book#1)")
        #expect(!add.passed)
    }

    @Test func exactColumnsAndOutputThatMustBeAbsent() throws {
        let wb = try Workbench()
        _ = wb.run("entity Author { name: String; born: Int?; books: [Book] }\nentity Book { title: String; author: Author }\ninsert Author(name: \"A\")\nsave")
        let report = try #require(wb.run(":pending").last)
        let results = try ["columns Author: id, name, born", "columns Author: id, name", "columns Book: id, title, author",
                           "output not contains: UPDATE", "output contains: UPDATE"].map { try Check.parse($0).get().evaluate(report, in: wb) }
        #expect(results.map(\.passed) == [true, false, true, true, false])
        #expect(results[1].detail == "Author maps id, name, born")
        _ = wb.run("Author#1.name = \"B\"")
        let pending = try #require(wb.run(":pending").last)
        let absent = try Check.parse("output not contains: UPDATE").get().evaluate(pending, in: wb)
        #expect(absent.detail == "the output shows it: 1. UPDATE \"author\" SET \"name\" = ? WHERE \"id\" = ?  -- \"B\", 1")
    }

    @Test func partLabelsAndUnknownNoteKinds() throws {
        let labeled = try Check.parse("[the insert] sql contains: INSERT INTO \"author\"").get()
        #expect(labeled.part == "the insert")
        #expect(labeled.text == "sql contains: INSERT INTO \"author\"")
        #expect(labeled.kind == .sqlContains("INSERT INTO \"author\""))
        #expect(Check.parse("[] ok") == .failure(CheckSyntaxError(message: "a part label needs a name: - [the insert] sql contains: INSERT")))
        let file = LessonParser.parse(engineLesson.replacingOccurrences(of: "- [the save] note: save", with: "- [the save] note: saved in one transaction"), file: "x.md")
        guard case .failure(let error) = file else { Issue.record("an unknown note kind must not parse"); return }
        #expect(error.line == 47)
        #expect(error.message.hasPrefix("unknown note kind 'saved in one transaction': notes are checked by kind, not wording"))
    }

    @Test func eagerPathsComeFromIncludeCausesOnly() {
        #expect(eagerPaths(inCause: "include(books.tags)") == ["books.tags"])
        #expect(eagerPaths(inCause: "Author.all.include(books, using: join)") == ["books"])
        #expect(eagerPaths(inCause: "Author.all.include(books)") == [])
        #expect(eagerPaths(inCause: "a.books (batch: 3 Author objects at once)") == [])
    }
}
