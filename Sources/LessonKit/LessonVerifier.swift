import Report
import Workbench

/// `ormlab lesson verify`: for every step, typed into a sandbox at the step's start and judged
/// after every command as the REPL judges: the reference solution must pass (at its last
/// command), every wrong answer must fail, and exploring first must not matter (all the wrong
/// answers then the solution, and each `orm explore` block then the solution, must pass).
public enum LessonVerifier {
    /// The verdict on one step (or on a lesson that could not be run at all).
    public struct StepResult: Sendable, Equatable {
        public var lessonID: String
        /// nil for a problem of the whole lesson (a file that does not parse, a broken setup).
        public var step: Int?
        public var title: String
        public var passed: Bool
        /// Why it failed, one line each; empty when it passed.
        public var problems: [String]
        /// "solution passes 3 checks; 2 wrong answers fail".
        public var summary: String

        /// One line of the verify output, followed by indented problems.
        public var lines: [String] {
            let name = step.map { "\(lessonID) step \($0)" } ?? lessonID
            var out = ["\(passed ? "✓" : "✗") \(name): \(title) — \(summary)"]
            out += problems.map { "    \($0)" }
            return out
        }
    }

    /// Verifies every step of a lesson.
    public static func verify(_ lesson: Lesson) -> [StepResult] {
        var results: [StepResult] = []
        for (index, step) in lesson.steps.enumerated() {
            results.append(verify(step, at: index, of: lesson))
        }
        return results
    }

    /// A lesson file that does not parse, as a failed result.
    public static func result(for error: LessonFileError) -> StepResult {
        StepResult(lessonID: LessonParser.defaultID(forFile: error.file), step: nil, title: "the file does not parse", passed: false,
                   problems: [error.description], summary: "fix the file")
    }

    /// What a transcript did: the command at which the step first passed (1-based), and the
    /// last verdict.
    struct TranscriptOutcome {
        var passedAt: Int?
        var commands: Int
        var last: Judgment?
        var failedCommands: [String] = []
    }

    /// Types `blocks` into a fresh sandbox at the step's start, judging after every command
    /// exactly as the REPL does (`StepAttempt.record`).
    static func run(_ blocks: [CodeBlock], step index: Int, of lesson: Lesson) throws -> TranscriptOutcome {
        let live = try Sandbox.build(lesson, upTo: index)
        var attempt = StepAttempt(lesson: lesson, stepIndex: index)
        var outcome = TranscriptOutcome(commands: 0)
        for block in blocks {
            live.run(block.code, sourceName: lesson.file, firstLine: block.line) { report in
                outcome.commands += 1
                if !report.ok { outcome.failedCommands.append("`\(Sandbox.firstLine(report.input))`: \(report.diagnostics.first?.message ?? "error")") }
                guard let judgment = attempt.record(report, live: live) else { return }
                if case .broken(let problem) = judgment.outcome { outcome.last = judgment; outcome.failedCommands.append(problem); return }
                if judgment.passed && outcome.passedAt == nil { outcome.passedAt = outcome.commands }
                outcome.last = judgment
            }
        }
        return outcome
    }

    static func verify(_ step: LessonStep, at index: Int, of lesson: Lesson) -> StepResult {
        // A wrong answer marked for one database (`orm wrong sqlite`) is checked only there.
        var step = step
        let database = Sandbox.postgresTarget != nil || lesson.needsPostgres ? "postgres" : "sqlite"
        step.wrongAnswers.removeAll { $0.onlyOn != nil && $0.onlyOn != database }
        var problems: [String] = []
        var result = StepResult(lessonID: lesson.id, step: step.number, title: step.title, passed: false, problems: [], summary: "")
        func missing(_ judgment: Judgment?) -> String {
            guard let judgment else { return "no command was judged" }
            switch judgment.outcome {
            case .commandFailed: return "its last command failed"
            case .broken(let problem): return problem
            default:
                if judgment.contextDiffers {
                    return "\(judgment.drift.joined(separator: "; ")): end a wrong block that opens a transaction with rollback"
                }
                return judgment.parts.filter { !$0.done }.map { "\($0.name) — \($0.missing ?? "not done")" }.joined(separator: "; ")
            }
        }
        do {
            // The reference solution passes, at its last command (not before: the checks need all of it).
            let solution = try run([step.solution], step: index, of: lesson)
            if solution.commands == 0 {
                result.problems = ["the solution block (line \(step.solution.line)) has no commands"]
                result.summary = "no solution"
                return result
            }
            if !step.expectsFailure {
                for failed in solution.failedCommands { problems.append("solution command \(failed)") }
            }
            if let at = solution.passedAt {
                if at < solution.commands {
                    problems.append("solution (line \(step.solution.line)) passes already after its command \(at) of \(solution.commands): the checks do not ask for the rest")
                }
            } else {
                problems.append("solution (line \(step.solution.line)) does not pass: \(missing(solution.last))")
            }
            // Each wrong answer fails, after every one of its commands.
            if step.wrongAnswers.isEmpty { problems.append("no ```orm wrong block: add a plausible mistake the checks must catch") }
            for wrong in step.wrongAnswers {
                let outcome = try run([wrong], step: index, of: lesson)
                if outcome.commands == 0 { problems.append("wrong answer (line \(wrong.line)) has no commands"); continue }
                if let at = outcome.passedAt {
                    problems.append("wrong answer (line \(wrong.line)) `\(Sandbox.firstLine(wrong.code))` passes (after its command \(at)): the checks do not catch it")
                }
            }
            // Explore, then answer: every wrong block, then the solution, in one attempt.
            if !step.wrongAnswers.isEmpty {
                let outcome = try run(step.wrongAnswers + [step.solution], step: index, of: lesson)
                if outcome.passedAt == nil {
                    problems.append("the wrong answers followed by the solution, in one attempt, do not pass: \(missing(outcome.last))")
                }
            }
            for explore in step.explorations {
                let outcome = try run([explore, step.solution], step: index, of: lesson)
                if outcome.passedAt == nil {
                    problems.append("the orm explore block (line \(explore.line)) followed by the solution does not pass: \(missing(outcome.last))")
                }
            }
        } catch {
            result.problems = ["\(error)"]
            result.summary = "the step's starting state cannot be built"
            return result
        }
        result.passed = problems.isEmpty
        result.problems = problems
        let w = step.wrongAnswers.count
        let parts = Set(step.checks.map { $0.part ?? $0.text }).count
        result.summary = result.passed
            ? "solution passes (\(parts) part\(parts == 1 ? "" : "s")); \(w) wrong answer\(w == 1 ? "" : "s") fail\(w == 1 ? "s" : ""); explore-then-answer passes"
            : "\(problems.count) problem\(problems.count == 1 ? "" : "s")"
        return result
    }

    /// "14 passed, 1 failed".
    public static func summary(_ results: [StepResult]) -> String {
        let passed = results.filter(\.passed).count
        return "\(passed) passed, \(results.count - passed) failed"
    }
}
