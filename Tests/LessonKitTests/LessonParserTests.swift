import Testing
@testable import LessonKit

@Suite struct LessonParserTests {
    @Test func readsTitleIdIntroSetupAndSteps() throws {
        let lesson = try parsed(sampleLesson)
        #expect(lesson.id == "finding")
        #expect(lesson.title == "Finding objects")
        // A shown setup stays in the prose where it was written; a hidden one leaves no trace.
        #expect(lesson.intro == "Prose before the steps.\n\n```orm setup shown\nentity Author { name: String; born: Int?; books: [Book] }\nentity Book { title: String; author: Author }\n```")
        #expect(lesson.setup.count == 2)
        #expect(lesson.setup[0].shown && !lesson.setup[1].shown)
        #expect(lesson.setup[0].line == 7)
        #expect(lesson.setup[0].code == "entity Author { name: String; born: Int?; books: [Book] }\nentity Book { title: String; author: Author }")
        #expect(lesson.steps.map(\.title) == ["Find one", "Rename"])
        #expect(lesson.outro == "## Recap\n\nWell done.")
    }

    /// The Rosetta markers around a generated "In other ORMs" part are one-line HTML comments:
    /// invisible on GitHub, and not shown to the learner either.
    @Test func oneLineHTMLCommentsAreNotShown() throws {
        let text = sampleLesson.replacingOccurrences(of: "Well done.", with: "<!-- rosetta: find-by-id -->\nWell done.\n<!-- rosetta: end -->")
        #expect(text.contains("<!-- rosetta: end -->"))
        #expect(try parsed(text).outro == "## Recap\n\nWell done.")
    }

    @Test func readsAStep() throws {
        let step = try parsed(sampleLesson).steps[0]
        #expect(step.number == 1)
        #expect(step.solution.code == "Author#2")
        #expect(step.wrongAnswers.map(\.code) == ["Author#1", "Author.all"])
        #expect(step.hints == ["Use Entity#id. It finds by primary key.", "Type Author#2."])
        #expect(step.checks.map(\.text) == ["statements: 1", "objects: 1", "Author#2.name == \"Butler\""])
        // A plain orm block is an example: it stays in the task.
        #expect(step.task == "Find the author with id 2.\n\n```orm\nAuthor#1\n```")
        let second = try parsed(sampleLesson).steps[1]
        #expect(second.setup.map(\.code) == [":forget"])
        #expect(second.wrongAnswers[0].code == "Author#2.name = \"Octavia Butler\"")
    }

    @Test func frontMatterGivesTitleAndId() throws {
        let text = "---\ntitle: Front\nid: front-matter\n---\n\n## Step 1: One\n```orm solution\nAuthor\n```\nChecks:\n- fails\n"
        let lesson = try parsed(text)
        #expect(lesson.title == "Front")
        #expect(lesson.id == "front-matter")
    }

    @Test func idDefaultsToTheFileNameWithoutItsNumber() throws {
        #expect(LessonParser.defaultID(forFile: "Lessons/07-lazy-loading.md") == "lazy-loading")
        #expect(LessonParser.defaultID(forFile: "identity.md") == "identity")
        let lesson = try parsed("# T\n## Step 1: a\n```orm solution\nx\n```\nChecks:\n- ok\n", file: "/x/03-one-to-one.md")
        #expect(lesson.id == "one-to-one")
    }

    @Test(arguments: [
        ("# T\n## Step 1: a\nChecks:\n- ok\n", 2, "step 1 has no ```orm solution block"),
        ("# T\n## Step 1: a\n```orm solution\nx\n```\n", 2, "step 1 has no checks: add a Checks: line followed by - statements: 1 and the like"),
        ("# T\n## Step 2: a\n", 2, "this is step 2, but step 1 was expected (steps are numbered 1, 2, 3...)"),
        ("# T\n## Step 1: a\n```orm solution\nx\n", 3, "the code block that starts here never ends (add a ``` line)"),
        ("# T\n```orm solution\nx\n```\n", 2, "an orm solution block belongs inside a step (## Step N: ...)"),
        ("# T\n## Step 1: a\n```orm answer\nx\n```\n", 3, "unknown block 'orm answer': use orm setup, orm setup shown, orm solution, orm wrong or orm explore (plain orm for an example)"),
        ("Just prose\n", 1, "a lesson starts with a title: # Lazy loading and the N+1 problem"),
        ("# T\nno steps\n", 1, "the lesson has no steps: add ## Step 1: ... with a task, an orm solution block and Checks:"),
    ] as [(String, Int, String)])
    func mistakesNameTheirLine(text: String, line: Int, message: String) {
        let result = LessonParser.parse(text, file: "bad.md")
        #expect(result == .failure(LessonFileError(file: "bad.md", line: line, message: message)))
    }

    @Test func anUnknownCheckIsAnErrorOnItsLine() {
        let text = "# T\n## Step 1: a\n```orm solution\nx\n```\nChecks:\n- ok\n- statments: 2\n"
        guard case .failure(let error) = LessonParser.parse(text, file: "bad.md") else {
            Issue.record("expected an error")
            return
        }
        #expect(error.line == 8)
        #expect(error.message.hasPrefix("unknown check 'statments: 2'; checks are: ok · fails · statements: N"))
    }

    @Test func displayTextIndentsExamplesAndDropsEmphasis() {
        #expect(displayText("A **bold** and *soft* word, `a*b` and \"author\".*\n```orm\nAuthor.all\n```")
                == "A bold and soft word, `a*b` and \"author\".*\n    Author.all")
    }
}
