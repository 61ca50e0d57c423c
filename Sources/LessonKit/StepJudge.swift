import DSL
import Report
import Workbench

// Judging a step (see Lessons/README.md, "How a step is judged"). The learner's attempt is the
// list of commands typed since the step began; after each one, its suffixes, shortest first,
// are replayed on a fresh sandbox built at the step's known start state, and the step passes
// when one of them passes every check. So an experiment that changed the sandbox never makes a
// correct answer fail, and what passes is what the answer did, not what was there before.
// The REPL (`LessonRunner`) and `ormlab lesson verify` (`LessonVerifier`) both judge here.

/// One command of an attempt: as typed, and whether it succeeded when it ran.
public struct AttemptCommand: Sendable, Equatable {
    public var input: String
    public var ok: Bool
    public init(input: String, ok: Bool) {
        self.input = input
        self.ok = ok
    }
}

/// One part of a step: checks with the same `[label]`, or one unlabeled check.
public struct PartResult: Sendable, Equatable {
    /// The label, or the check's text.
    public var name: String
    public var results: [CheckResult]
    public var done: Bool { results.allSatisfy(\.passed) }
    /// Why it is not done: the first failing check's detail.
    public var missing: String? { results.first { !$0.passed }.map { $0.detail.isEmpty ? $0.check.text : $0.detail } }
}

/// The verdict on an attempt after one command.
public struct Judgment: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Every part is done on the replay of the last `answerLength` commands.
        case passed
        /// Not yet; `parts` are those of the replay that got furthest.
        case notYet
        /// The last command failed: nothing is judged (and nothing gets a ✓).
        case commandFailed
        /// The step had passed already: later commands are not graded.
        case alreadyPassed
        /// The step's start state could not be built (the lesson is broken).
        case broken(String)
    }
    public var outcome: Outcome
    public var parts: [PartResult] = []
    /// How many of the last commands the verdict was judged on.
    public var answerLength = 0
    /// How many commands the attempt had.
    public var attemptLength = 0
    /// How the live sandbox differs from the replayed answer: experiments outside the answer.
    public var drift: [String] = []

    public var passed: Bool { outcome == .passed }
    public var partsDone: Int { parts.filter(\.done).count }
}

/// The learner's attempt at one step, judged after every command.
public struct StepAttempt {
    public let lesson: Lesson
    public let stepIndex: Int
    /// `:set` commands in force when the step began (the learner's settings, kept on resume):
    /// replays start from the step's start state with these applied, as the live sandbox has.
    public let settings: [String]
    public private(set) var commands: [AttemptCommand] = []
    /// The judgment that passed the step, once it has.
    public private(set) var passing: Judgment?

    public init(lesson: Lesson, stepIndex: Int, settings: [String] = []) {
        self.lesson = lesson
        self.stepIndex = stepIndex
        self.settings = settings
    }

    public var step: LessonStep { lesson.steps[stepIndex] }

    /// Workbench commands that only show something; they are part of an attempt only when the
    /// step's solution uses them (a step about `:pending`). `:save` and `:export` would write files.
    static let showingCommands: Set<String> = ["help", "schema", "mapping", "log", "stats", "pending", "explain", "export", "save", "more"]

    /// True when the command counts as part of the attempt (not a lesson command, not a
    /// command that only shows something the step does not ask about).
    public func counts(_ input: String) -> Bool {
        let trimmed = input.trimmed
        guard trimmed.hasPrefix(":") else { return !trimmed.isEmpty }
        let name = LessonRunner.commandName(trimmed)
        if LessonRunner.commandNames.contains(name) || quitCommandNames.contains(name) { return false }
        if StepAttempt.showingCommands.contains(name) {
            return StepJudge.commands(of: step.solution.code).contains { $0.hasPrefix(":") && LessonRunner.commandName($0) == name }
        }
        return true
    }

    /// Adds the command of `report` (when it counts) and judges the step; nil when it does not count.
    public mutating func record(_ report: Report, live: Workbench?) -> Judgment? {
        guard counts(report.input) else { return nil }
        if passing != nil { return Judgment(outcome: .alreadyPassed) }
        commands.append(AttemptCommand(input: report.input, ok: report.ok))
        return judge(live: live)
    }

    /// Judges the attempt as it stands (`:check`).
    public mutating func judge(live: Workbench?) -> Judgment {
        if let passing { return passing }
        let judgment = StepJudge.judge(lesson, stepIndex: stepIndex, attempt: commands, settings: settings, live: live)
        if judgment.passed { passing = judgment }
        return judgment
    }
}

public enum StepJudge {
    /// How many commands a passing answer may have: the solution's, plus room for a few more.
    static func maximumAnswerLength(_ step: LessonStep) -> Int { commands(of: step.solution.code).count + 4 }

    /// The commands of a block of code, as typed one by one.
    public static func commands(of code: String) -> [String] {
        let file = SourceFile(name: "<lesson>", text: code)
        return Parser.parse(file).items.map { item in
            switch item {
            case .command(let c): return file.trimmedSlice(c.range)
            case .failure(_, let range): return file.trimmedSlice(range)
            }
        }
    }

    /// The parts of `step`, evaluated on an answer.
    public static func parts(of step: LessonStep, on answer: Answer) -> [PartResult] {
        var parts: [PartResult] = []
        for check in step.checks {
            let result = check.evaluate(answer)
            if let label = check.part, let i = parts.firstIndex(where: { $0.name == label }) {
                parts[i].results.append(result)
            } else {
                parts.append(PartResult(name: check.part ?? check.text, results: [result]))
            }
        }
        return parts
    }

    /// Judges `attempt` on replays from the step's start (see the top of this file). `live` is
    /// the learner's sandbox, compared with the replay to say what drifted (nil in verify).
    public static func judge(_ lesson: Lesson, stepIndex: Int, attempt: [AttemptCommand], settings: [String],
                             live: Workbench?) -> Judgment {
        let step = lesson.steps[stepIndex]
        var judgment = Judgment(outcome: .notYet, attemptLength: attempt.count)
        guard let last = attempt.last else { return judgment }
        let failureAsked = step.expectsFailure
        // A failed command changed nothing (a command runs whole or not at all): it is left out,
        // unless the step asks for a failure. The last one failing is a failed try, not judged.
        if !last.ok && !failureAsked {
            judgment.outcome = .commandFailed
            return judgment
        }
        let commands = failureAsked ? attempt : attempt.filter(\.ok)
        let longest = min(commands.count, maximumAnswerLength(step))
        var best: (parts: [PartResult], length: Int, sandbox: Workbench, score: Int)?
        for length in 1...max(longest, 1) where length <= commands.count {
            let answer: Answer
            do {
                answer = try replay(commands.suffix(length).map(\.input), lesson: lesson, stepIndex: stepIndex, settings: settings)
            } catch {
                judgment.outcome = .broken("\(error)")
                return judgment
            }
            // An answer must run whole on the replay (a command may need one before it).
            let runs = failureAsked ? true : answer.reports.allSatisfy(\.ok)
            let parts = self.parts(of: step, on: answer)
            let done = runs ? parts.filter(\.done).count : -1
            if runs && done == parts.count {
                judgment.outcome = .passed
                judgment.parts = parts
                judgment.answerLength = length
                if let live, length < attempt.count, let sandbox = answer.sandbox {
                    judgment.drift = live.sandboxState().differences(from: sandbox.sandboxState())
                }
                return judgment
            }
            // The replay that got furthest shows the progress (the shortest, on a tie).
            if let sandbox = answer.sandbox, best == nil || done > best!.score {
                best = (parts, length, sandbox, done)
            }
        }
        if let best {
            judgment.parts = best.parts
            judgment.answerLength = best.length
            if let live, attempt.count > 1 {
                judgment.drift = live.sandboxState().differences(from: best.sandbox.sandboxState())
            }
        }
        return judgment
    }

    /// Runs `commands` on a fresh sandbox at the step's start (with the learner's settings).
    static func replay(_ commands: [String], lesson: Lesson, stepIndex: Int, settings: [String]) throws -> Answer {
        let sandbox = try Sandbox.build(lesson, upTo: stepIndex)
        Sandbox.apply(settings, on: sandbox)
        var reports: [Report] = []
        for command in commands {
            reports += sandbox.run(command, sourceName: "<replay>")
        }
        return Answer(reports: reports, sandbox: sandbox)
    }
}
