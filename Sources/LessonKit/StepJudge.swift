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
    /// A transaction opened with `begin` was open after it ran (an answer cannot start there).
    public var inTransactionAfter: Bool
    /// The SQL it ran in the learner's sandbox (the first 200 statements), to tell whether the
    /// replay ran the same.
    public var sql: [String]
    public init(input: String, ok: Bool, inTransactionAfter: Bool = false, sql: [String] = []) {
        self.input = input
        self.ok = ok
        self.inTransactionAfter = inTransactionAfter
        self.sql = sql
    }
}

/// One part of a step: checks with the same `[label]`, or one unlabeled check.
public struct PartResult: Sendable, Equatable {
    /// The label, or the check's text (for the author: verify, and the ✓ lines once passed).
    public var name: String
    public var results: [CheckResult]
    /// The label; nil for an unlabeled check.
    public var label: String?
    /// How the learner sees the part before passing: its label, or what the check looks at
    /// ("the value", "the SQL"), never the expected answer.
    public var subject: String { label ?? results.first?.check.subject ?? name }
    public var done: Bool { results.allSatisfy(\.passed) }
    /// Why it is not done: the first failing check's detail.
    public var missing: String? { results.first { !$0.passed }.map { $0.detail.isEmpty ? $0.check.text : $0.detail } }
    /// The same for the learner: what their answer did, not the text it should have had.
    public var missingForLearner: String? { results.first { !$0.passed }.map(\.learnerDetail) }
}

/// The verdict on an attempt after one command.
public struct Judgment: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable {
        /// Every part is done on the replay of the last `answerLength` commands.
        case passed
        /// Not yet; `parts` are those of the replay that got furthest.
        case notYet
        /// The last command failed, and fails on a replay from the step's start too: no part is
        /// shown as done (nothing gets a ✓ under a failed command).
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
    /// Passed on the replay although the command failed in the learner's drifted sandbox.
    public var failedOnlyInSandbox = false
    /// Not passed although every part is done on the replay of the last commands: they ran
    /// inside a transaction the learner opened with `begin` before them, so they did not do the same.
    public var contextDiffers = false

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
    static let showingCommands: Set<String> = ["help", "schema", "mapping", "log", "stats", "pending", "explain", "export", "save", "more", "rosetta"]

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
        commands.append(AttemptCommand(input: report.input, ok: report.ok, inTransactionAfter: live?.session.explicitTransaction ?? false,
                                       sql: (0..<min(report.sql.count, 200)).map(report.sql.sql(at:))))
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
                parts.append(PartResult(name: check.part ?? check.text, results: [result], label: check.part))
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
        // Failed commands stay in the attempt: one may have failed only because earlier
        // experiments changed the sandbox, and run on the replay from the step's start.
        let lastFailed = !last.ok && !failureAsked
        let commands = attempt
        let longest = min(commands.count, maximumAnswerLength(step))
        var best: (parts: [PartResult], length: Int, sandbox: Workbench, score: Int, differences: [String])?
        for length in 1...max(longest, 1) where length <= commands.count {
            var answer: Answer
            let suffix = Array(commands.suffix(length))
            var oks: [Bool]
            do {
                // `:set` commands left out with the earlier commands still hold (the learner saw
                // their effect): the replay starts with them.
                let earlierSettings = commands.dropLast(length).filter { $0.ok && $0.input.trimmed.hasPrefix(":set ") }.map(\.input)
                (answer, oks) = try replay(suffix.map(\.input), lesson: lesson, stepIndex: stepIndex, settings: settings + earlierSettings,
                                           keepFailures: failureAsked)
            } catch {
                judgment.outcome = .broken("\(error)")
                return judgment
            }
            // An answer must run on the replay: its last command, and every command that ran in
            // the learner's sandbox (one failing here needs a command left out before it). A
            // command that failed in both is a slip, and changed nothing.
            let runs = failureAsked ? true : oks.last == true && zip(suffix, oks).allSatisfy { command, ok in ok || !command.ok }
            let parts = self.parts(of: step, on: answer)
            let done = runs ? parts.filter(\.done).count : -1
            // A shorter answer leaves out earlier commands; that is fair when they were experiments,
            // not when they change what the answer does: inside `begin` … a save does not commit,
            // so an answer may not start while a transaction the learner opened is open.
            var differences: [String] = []
            if length < commands.count, commands[commands.count - length - 1].inTransactionAfter {
                differences.append("a transaction opened with begin was open when \(length == 1 ? "this command" : "these \(length) commands") began")
            }
            if runs && done == parts.count && differences.isEmpty {
                judgment.outcome = .passed
                judgment.parts = parts
                judgment.answerLength = length
                judgment.failedOnlyInSandbox = lastFailed
                if let live, length < commands.count || lastFailed, let sandbox = answer.sandbox {
                    judgment.drift = live.sandboxState().differences(from: sandbox.sandboxState())
                    // The panes showed the live run: if it ran other SQL than the replay, say so.
                    let replayed = answer.reports.flatMap { r in (0..<min(r.sql.count, 200)).map(r.sql.sql(at:)) }
                    if judgment.drift.isEmpty && replayed != suffix.flatMap(\.sql) {
                        judgment.drift = ["in your sandbox the same commands ran other SQL"]
                    }
                }
                return judgment
            }
            // The replay that got furthest shows the progress (the longest, on a tie: it is
            // closest to what the learner did, and leaves the least drift).
            if let sandbox = answer.sandbox, best == nil || done >= best!.score {
                best = (parts, length, sandbox, done, differences)
            }
        }
        if lastFailed {
            judgment.outcome = .commandFailed
            return judgment
        }
        if let best {
            judgment.parts = best.parts
            judgment.answerLength = best.length
            judgment.contextDiffers = !best.differences.isEmpty
            if judgment.contextDiffers {
                judgment.drift = best.differences
            } else if let live, best.length < commands.count {
                // Only commands before the judged ones can have drifted the sandbox.
                judgment.drift = live.sandboxState().differences(from: best.sandbox.sandboxState())
            }
        }
        return judgment
    }

    /// Runs `commands` on a fresh sandbox at the step's start (with the learner's settings):
    /// the answer, and whether each command succeeded. The reports of failed commands are left
    /// out of the answer (they changed nothing) unless `keepFailures` (a step about a failure).
    static func replay(_ commands: [String], lesson: Lesson, stepIndex: Int, settings: [String],
                       keepFailures: Bool = false) throws -> (Answer, [Bool]) {
        let sandbox = try Sandbox.build(lesson, upTo: stepIndex)
        Sandbox.apply(settings, on: sandbox)
        var reports: [Report] = []
        var oks: [Bool] = []
        for command in commands {
            let produced = sandbox.run(command, sourceName: "<replay>")
            let ok = produced.allSatisfy(\.ok)
            oks.append(ok)
            if ok || keepFailures { reports += produced }
        }
        return (Answer(reports: reports, sandbox: sandbox), oks)
    }
}


extension Check {
    /// What the check looks at, without what it expects: the learner's progress line names a
    /// part this way, so the answer appears only on `:solution`.
    public var subject: String {
        switch kind {
        case .ok: return "every command runs"
        case .fails: return "a command that fails"
        case .statements: return "the number of statements"
        case .queries: return "the number of queries"
        case .rows: return "the rows read or changed"
        case .objects, .shows: return "the objects shown"
        case .identityMapHits: return "identity-map hits"
        case .sqlContains, .sqlNotContains: return "the SQL"
        case .params: return "the bound values"
        case .objectState(let ref, _): return "\(ref)'s state"
        case .associationLoaded(let ref, let association, _): return "\(ref).\(association)"
        case .propertyValue(let ref, let property, _): return "\(ref).\(property)"
        case .rowValue(let ref, let property, _): return "the stored \(ref).\(property)"
        case .eager: return "eager loading"
        case .value: return "the value"
        case .note, .noNote: return "the notes"
        case .diagnostic: return "the error"
        case .output: return "the output"
        case .counter(let counter, _): return "SQLite's \(counter.rawValue) count"
        case .table(let entity, _): return "\(entity)'s table"
        case .column(let entity, let property, _), .columnExactly(let entity, let property, _): return "the column of \(entity).\(property)"
        case .noEager: return "eager loading"
        case .waits(let entity, _): return "what \(entity) waits for"
        case .pending, .pendingCount: return "the unit of work"
        case .outputNot: return "the output"
        case .columns(let entity, _): return "the columns of \(entity)"
        case .association(let entity, let name, _): return "\(entity).\(name)"
        case .index: return "the indexes"
        }
    }
}

extension CheckResult {
    /// `detail` without the expected text (the SQL, output or error a check looks for).
    public var learnerDetail: String {
        switch check.kind {
        case .sqlContains: return detail == "no SQL ran" ? detail : "not in the SQL your answer ran"
        case .output: return "not in the output of your answer"
        case .outputNot: return "the output shows something it should not"
        case .diagnostic: return detail.hasPrefix("no error") ? detail : "the error says something else"
        case .eager: return detail.contains("batch") ? detail : "nothing was loaded by an include(…)"
        default: return detail.isEmpty ? "not yet" : detail
        }
    }
}
