import Report
import Workbench

/// `ormlab lesson verify`: every step's reference solution must pass all its checks on the state
/// the step starts from, and every wrong answer must fail at least one — otherwise the checks
/// do not test what the lesson teaches.
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

    static func verify(_ step: LessonStep, at index: Int, of lesson: Lesson) -> StepResult {
        var problems: [String] = []
        var result = StepResult(lessonID: lesson.id, step: step.number, title: step.title, passed: false, problems: [], summary: "")

        // The reference solution passes every check.
        do {
            let sandbox = try Sandbox.build(lesson, upTo: index)
            let reports = Sandbox.runBlock(step.solution, lesson: lesson, on: sandbox)
            guard let last = reports.last else {
                result.problems = ["the solution block (line \(step.solution.line)) has no commands"]
                result.summary = "no solution"
                return result
            }
            for report in reports.dropLast() where !report.ok && !step.expectsFailure {
                problems.append("solution command `\(Sandbox.firstLine(report.input))` failed: \(report.diagnostics.first?.message ?? "error")")
            }
            let failed = step.checks.map { $0.evaluate(last, in: sandbox) }.filter { !$0.passed }
            for f in failed { problems.append("solution (line \(step.solution.line)): \(f.line)") }
        } catch {
            result.problems = ["\(error)"]
            result.summary = "the step's starting state cannot be built"
            return result
        }

        // Each wrong answer fails at least one check.
        if step.wrongAnswers.isEmpty { problems.append("no ```orm wrong block: add a plausible mistake the checks must catch") }
        for wrong in step.wrongAnswers {
            do {
                let sandbox = try Sandbox.build(lesson, upTo: index)
                let reports = Sandbox.runBlock(wrong, lesson: lesson, on: sandbox)
                guard let last = reports.last else {
                    problems.append("wrong answer (line \(wrong.line)) has no commands")
                    continue
                }
                if step.checks.allSatisfy({ $0.evaluate(last, in: sandbox).passed }) {
                    problems.append("wrong answer (line \(wrong.line)) `\(Sandbox.firstLine(wrong.code))` passes every check: the checks do not catch it")
                }
            } catch {
                problems.append("\(error)")
            }
        }
        result.passed = problems.isEmpty
        result.problems = problems
        let w = step.wrongAnswers.count
        result.summary = result.passed
            ? "solution passes \(step.checks.count) check\(step.checks.count == 1 ? "" : "s"); \(w) wrong answer\(w == 1 ? "" : "s") fail\(w == 1 ? "s" : "")"
            : "\(problems.count) problem\(problems.count == 1 ? "" : "s")"
        return result
    }

    /// "14 passed, 1 failed".
    public static func summary(_ results: [StepResult]) -> String {
        let passed = results.filter(\.passed).count
        return "\(passed) passed, \(results.count - passed) failed"
    }
}
