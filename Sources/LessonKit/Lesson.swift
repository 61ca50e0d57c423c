// The lesson model: what a teacher's Markdown file says, parsed (see Lessons/README.md).

/// One guided lesson: a title and id, an introduction, setup code, and checked steps.
public struct Lesson: Sendable, Equatable {
    /// Short stable name used by `:lesson ID` and the progress file ("lazy-loading").
    public var id: String
    public var title: String
    /// The file it was read from (for messages).
    public var file: String
    /// Prose before the first step, as Markdown.
    public var intro: String
    /// Code run on a fresh sandbox before the first step.
    public var setup: [CodeBlock]
    public var steps: [LessonStep]
    /// Prose after the last step (any `## ` section that is not a step), shown on completion.
    public var outro: String
    /// The databases the lesson runs on and is verified on (`database: postgres` in its front
    /// matter or intro; default SQLite): ["sqlite"], ["postgres"], or both.
    public var databases: [String] = ["sqlite"]

    /// True when the lesson runs on PostgreSQL only: its sandboxes are schemas on a server.
    public var needsPostgres: Bool { !databases.contains("sqlite") }

    public init(id: String, title: String, file: String, intro: String = "", setup: [CodeBlock] = [],
                steps: [LessonStep] = [], outro: String = "") {
        self.id = id
        self.title = title
        self.file = file
        self.intro = intro
        self.setup = setup
        self.steps = steps
        self.outro = outro
    }
}

/// One step: a task, a reference solution, wrong answers, tiered hints and the checks.
public struct LessonStep: Sendable, Equatable {
    /// 1-based position in the lesson.
    public var number: Int
    public var title: String
    /// What to do, as Markdown.
    public var task: String
    /// Code run when the step starts (after the previous steps' solutions), e.g. `:forget`.
    public var setup: [CodeBlock]
    /// The reference solution: runs on the expected state and passes every check.
    public var solution: CodeBlock
    /// Plausible mistakes: each must fail at least one check (`ormlab lesson verify`).
    public var wrongAnswers: [CodeBlock]
    /// Experiments a learner might try before answering (`orm explore`): verify types each,
    /// then the solution, and the step must still pass.
    public var explorations: [CodeBlock]
    /// Hints from gentle to explicit, given one at a time by `:hint`.
    public var hints: [String]
    /// Checks against the learner's answer (see `Answer`); `[label]`ed checks form parts.
    public var checks: [Check]

    public init(number: Int, title: String, task: String = "", setup: [CodeBlock] = [], solution: CodeBlock,
                wrongAnswers: [CodeBlock] = [], explorations: [CodeBlock] = [], hints: [String] = [], checks: [Check] = []) {
        self.number = number
        self.title = title
        self.task = task
        self.setup = setup
        self.solution = solution
        self.wrongAnswers = wrongAnswers
        self.explorations = explorations
        self.hints = hints
        self.checks = checks
    }
}

/// A fenced `orm` block with the line its code starts on in the lesson file.
public struct CodeBlock: Sendable, Equatable {
    public var code: String
    /// Line of the first code line in the Markdown file (diagnostics point there).
    public var line: Int
    /// For setup blocks: list the code when the lesson or step starts (`orm setup shown`).
    public var shown: Bool
    /// For wrong answers: the one database where it is wrong (`orm wrong sqlite`), when on the
    /// other it is a right answer (PostgreSQL's SQL pane shows what SQLite's needs `:dialect` for).
    public var onlyOn: String? = nil

    public init(code: String, line: Int = 1, shown: Bool = false) {
        self.code = code
        self.line = line
        self.shown = shown
    }
}

/// A mistake in a lesson file, with its line.
public struct LessonFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}
