import DSL
import Report
import Workbench

/// The lesson runner inside the REPL: `:lessons`, `:lesson ID`, `:hint`, `:check`, `:next`,
/// `:solution`, `:reset`, `:lesson off`.
///
/// A lesson runs on its own sandbox (a fresh in-memory workbench with the lesson's setup); the
/// learner's own session (`home`) is untouched and comes back with `:lesson off`. Every report
/// of the sandbox passes through `observe`, which runs the current step's checks and appends
/// what passed and what did not as lesson notes.
public final class LessonRunner {
    /// The lesson commands, without the colon.
    public static let commandNames = ["lessons", "lesson", "hint", "check", "next", "solution", "reset"]

    public let library: LessonLibrary
    public let store: ProgressStore
    /// The learner's own workbench, outside lessons.
    public let home: Workbench
    private var active: Active?
    /// The last verdict (for `:check` with nothing new to judge).
    private var lastJudgment: Judgment?

    /// The lesson in progress: which step, on which sandbox, how many hints were given, and
    /// the learner's attempt at the step.
    private struct Active {
        var lesson: Lesson
        /// 0-based; equal to `lesson.steps.count` once the lesson is finished.
        var stepIndex: Int
        var sandbox: Workbench
        var hintsGiven = 0
        var misses = 0
        /// The commands typed since the step began (or since `:reset`), judged after each.
        var attempt: StepAttempt?
        /// The learner's `:set` commands in this lesson, one per option (kept on resume).
        var settings: [String] = []
        var step: LessonStep? { stepIndex < lesson.steps.count ? lesson.steps[stepIndex] : nil }
    }

    public init(library: LessonLibrary, store: ProgressStore, home: Workbench) {
        self.library = library
        self.store = store
        self.home = home
        install(on: home)
    }

    /// The workbench commands run against: the sandbox during a lesson, else `home`.
    public var workbench: Workbench { active?.sandbox ?? home }
    /// The lesson in progress, if any.
    public var currentLessonID: String? { active?.lesson.id }
    /// The current step (1-based) of the lesson in progress; nil when none or finished.
    public var currentStepNumber: Int? { active?.step?.number }

    /// Registers the lesson commands on a workbench (the home one and every sandbox).
    public func install(on workbench: Workbench) {
        for name in LessonRunner.commandNames {
            workbench.commandHandlers[name] = { [unowned self] argument, _ in self.command(name, argument.trimmed) }
        }
    }

    /// Runs text command by command on the current workbench (a `:lesson` in the middle switches
    /// to the sandbox for the commands after it) and checks each report, as the REPL does.
    public func run(_ text: String, sourceName: String = "<repl>") -> [Report] {
        var reports: [Report] = []
        run(text, sourceName: sourceName) { reports.append($0) }
        return reports
    }

    /// Like `run`, handing each checked report over as soon as its command has run.
    public func run(_ text: String, sourceName: String = "<repl>", onReport: (Report) -> Void) {
        let file = SourceFile(name: sourceName, text: text)
        for item in Parser.parse(file).items {
            let target = workbench
            var produced: [Report] = []
            switch item {
            case .command(let command):
                produced = [target.execute(command, in: file)]
            case .failure(_, let range):
                produced = target.run(file.slice(range), sourceName: sourceName, firstLine: range.start.line)
            }
            for var report in produced {
                observe(&report)
                onReport(report)
            }
            if target.quitRequested { return }
        }
    }

    // MARK: - Judging every command

    /// Judges the current step after the command of `report` and appends the verdict as lesson
    /// notes. Lesson commands, and commands that only show something the step does not ask
    /// about, are not part of the attempt.
    public func observe(_ report: inout Report) {
        guard var current = active, current.step != nil, var attempt = current.attempt else { return }
        rememberSetting(report, in: &current)
        guard let judgment = attempt.record(report, live: current.sandbox) else {
            active = current
            return
        }
        current.attempt = attempt
        active = current
        lastJudgment = judgment
        report.notes += notes(for: judgment)
    }

    /// A `:set` the learner ran in the sandbox is kept with the progress, so a resumed lesson
    /// has it again.
    private func rememberSetting(_ report: Report, in current: inout Active) {
        let input = report.input.trimmed
        guard report.ok, input.hasPrefix(":set "), let option = input.split(separator: " ").dropFirst().first else { return }
        current.settings.removeAll { $0.split(separator: " ").dropFirst().first == option }
        current.settings.append(input)
        let settings = current.settings
        try? store.update(current.lesson.id) { $0.settings = settings }
    }

    /// The verdict in the step's own terms: "✓ Step 2 of 6 passed", or "not yet: 1 of 2 parts
    /// done: the insert ✓ · the count: not yet (the value is 4)"; never a ✓ under a failed command.
    private func notes(for judgment: Judgment) -> [Note] {
        guard var current = active, let step = current.step else { return [] }
        let total = current.lesson.steps.count
        let goOn = step.number < total
            ? ":next goes on to step \(step.number + 1): \(current.lesson.steps[step.number].title)"
            : "that was the last step: :next finishes the lesson"
        var notes: [Note] = []
        switch judgment.outcome {
        case .alreadyPassed:
            return [Note(.lesson, "step \(step.number) is done (this command is not graded); \(goOn)")]
        case .broken(let problem):
            return [Note(.lesson, "this step cannot be judged: \(problem) (ormlab lesson verify \(current.lesson.id) shows what is wrong)")]
        case .passed:
            let already = store.progress(current.lesson.id)?.passed.contains(step.number) ?? false
            try? store.update(current.lesson.id) { $0.passed.append(step.number); $0.step = step.number }
            current.misses = 0
            let parts = judgment.parts
            if judgment.failedOnlyInSandbox {
                // No ✓ under a failed command: say plainly why it failed here and passes anyway.
                notes.append(Note(.lesson, "Step \(step.number) of \(total) passed on a replay from the step's start, where this answer runs;"
                    + " here it failed because earlier experiments changed your sandbox"
                    + (judgment.drift.isEmpty ? "" : " (\(judgment.drift.prefix(2).joined(separator: "; ")))")))
                notes.append(Note(.lesson, goOn + " (from its expected state)"))
                break
            }
            notes.append(Note(.lesson, "✓ Step \(step.number) of \(total) \(already ? "passes again" : "passed")"
                + (parts.count > 1 ? ": all \(parts.count) parts done" : "")))
            notes += parts.map { Note(.lesson, "✓ \($0.name)") }
            if !judgment.drift.isEmpty {
                notes.append(Note(.lesson, "judged from the step's start: your earlier experiments are not counted"
                    + " (\(judgment.answerLength == 1 ? "your last command" : "your last \(judgment.answerLength) commands") passed on a fresh replay;"
                    + " what it shows here comes from your changed sandbox: :reset and the same answer shows it from the step's start)"))
            }
            notes.append(Note(.lesson, goOn))
        case .commandFailed:
            current.misses += 1
            notes.append(Note(.lesson, "Step \(step.number) of \(total), not yet: that command failed (its error says why), so it changed nothing"))
        case .notYet:
            current.misses += 1
            let parts = judgment.parts
            if judgment.contextDiffers {
                notes.append(Note(.lesson, "Step \(step.number) of \(total), not yet: your last \(judgment.answerLength == 1 ? "command does" : "\(judgment.answerLength) commands do") what the step asks on a replay from its start,"
                    + " but here \(judgment.answerLength == 1 ? "it" : "they") ran inside the transaction you opened with begin, which changes what they do (a save there does not commit; commit or rollback ends it); :reset starts this step again"))
            } else if parts.count == 1, let part = parts.first {
                notes.append(Note(.lesson, "Step \(step.number) of \(total), not yet: \(part.subject) — \(part.missingForLearner ?? "not yet")"))
            } else {
                let list = parts.map { $0.done ? "\($0.subject) ✓" : "\($0.subject): not yet (\($0.missingForLearner ?? "missing"))" }
                notes.append(Note(.lesson, "Step \(step.number) of \(total), not yet: \(judgment.partsDone) of \(parts.count) parts done: \(list.joined(separator: " · "))"))
            }
            if !judgment.drift.isEmpty && !judgment.contextDiffers {
                notes.append(Note(.lesson, "your sandbox has drifted from the step's start: \(judgment.drift.prefix(3).joined(separator: "; "))."
                    + " Your last commands are judged on a replay from the step's start; :reset starts this step again"))
            }
        }
        if judgment.outcome == .notYet || judgment.outcome == .commandFailed {
            if current.hintsGiven >= step.hints.count && (current.misses >= 2 || current.hintsGiven > 0) {
                notes.append(Note(.lesson, "stuck? :reset starts this step again from its start; :solution shows the reference answer"))
            } else if current.misses >= 2 {
                notes.append(Note(.lesson, "stuck? :hint gives a hint (\(step.hints.count - current.hintsGiven) left); :reset starts this step again; :solution shows an answer"))
            }
        }
        active = current
        return notes
    }

    // MARK: - Commands

    /// Runs one lesson command (`name` without the colon), as the `:` handlers do.
    public func command(_ name: String, _ argument: String) -> Report {
        var report = Report(input: ":" + name)
        switch name {
        case "lessons":
            if ["quit", "off", "leave"].contains(argument) { return leave() }
            list(into: &report)
        case "lesson":
            if argument.isEmpty {
                if let active { show(active, into: &report, withIntro: false) } else { list(into: &report) }
            } else if ["off", "quit", "leave", "exit"].contains(argument) {
                return leave()
            } else {
                return start(argument)
            }
        case "hint": hint(into: &report)
        case "check": check(into: &report)
        case "next": return next()
        case "solution": solution(into: &report)
        case "reset":
            if argument == "lesson" { return reset(wholeLesson: true) }
            guard argument.isEmpty else {
                report.diagnostics.append(lessonError("`:reset \(argument)` is not a reset", hint: ":reset starts this step again; :reset lesson starts the lesson from step 1"))
                report.ok = false
                return report
            }
            return reset(wholeLesson: false)
        default: break
        }
        return report
    }

    /// `:lessons`: every lesson with its progress.
    func list(into report: inout Report) {
        let rows = library.lessons.enumerated().map { (i, lesson) -> [String] in
            [String(i + 1), lesson.id, lesson.title, progressText(lesson)]
        }
        if rows.isEmpty {
            report.notes.append(Note(.lesson, "no lessons found: set ORMLAB_LESSONS to the Lessons/ directory of an ORMLab checkout"))
        } else {
            report.blocks.append(.table(title: "Lessons", header: ["#", "id", "title", "progress"], rows: rows))
            report.blocks.append(.text(title: nil, body: "→ Start or resume one with :lesson ID or :lesson # (for example :lesson \(nextSuggestion() ?? library.lessons[0].id))."))
        }
        for error in library.errors {
            report.notes.append(Note(.lesson, "broken lesson file: \(error)"))
        }
    }

    func progressText(_ lesson: Lesson) -> String {
        guard let p = store.progress(lesson.id) else { return "not started" }
        if p.completed { return "✓ done" }
        return "step \(min(max(p.step, 1), lesson.steps.count)) of \(lesson.steps.count)"
    }

    private func nextSuggestion() -> String? {
        library.lessons.first { store.progress($0.id)?.completed != true }?.id
    }

    /// `:lesson ID`: starts the lesson, or resumes it at the saved step, on a fresh sandbox.
    public func start(_ id: String) -> Report {
        var report = Report(input: ":lesson \(id)")
        guard let lesson = library.lesson(id) else {
            let ids = library.lessons.map(\.id)
            let close = ids.filter { $0.hasPrefix(id) || $0.contains(id) }
            report.diagnostics.append(lessonError("no lesson '\(id)'", hint: close.isEmpty ? "lessons: \(ids.joined(separator: ", "))" : "did you mean '\(close[0])'?"))
            report.ok = false
            return report
        }
        let saved = store.progress(lesson.id)
        var index = 0
        if let saved, !saved.completed { index = min(max(saved.step, 1), lesson.steps.count) - 1 }
        let settings = saved?.settings ?? []
        do {
            let sandbox = try Sandbox.build(lesson, upTo: index)
            let refused = Sandbox.apply(settings, on: sandbox)
            install(on: sandbox)
            active = Active(lesson: lesson, stepIndex: index, sandbox: sandbox,
                            attempt: StepAttempt(lesson: lesson, stepIndex: index, settings: settings.filter { !refused.contains($0) }),
                            settings: settings.filter { !refused.contains($0) })
            lastJudgment = nil
            if !settings.isEmpty && refused.count < settings.count {
                report.notes.append(Note(.lesson, "your settings apply again: \(settings.filter { !refused.contains($0) }.joined(separator: ", ")) (:reset drops them)"))
            }
        } catch {
            let noServer = lesson.needsPostgres && Sandbox.defaultPostgresServer == nil
            report.diagnostics.append(lessonError("the lesson cannot start: \(error)", hint: noServer ? nil : "ormlab lesson verify \(lesson.id) shows what is wrong"))
            report.ok = false
            return report
        }
        let id = lesson.id
        if saved == nil { try? store.update(id) { $0.step = 1 } }
        if let saved, saved.completed { report.notes.append(Note(.lesson, "you finished this lesson before; here it is again from step 1")) }
        if index > 0 { report.notes.append(Note(.lesson, "resuming at step \(index + 1): your sandbox holds the state after the earlier steps' reference solutions")) }
        show(active!, into: &report, withIntro: index == 0)
        if index == 0 {
            let where_ = lesson.needsPostgres ? "a fresh schema on the PostgreSQL server" : "a fresh in-memory database"
            report.blocks.append(.text(title: nil, body: "(You are in a sandbox: \(where_) with the lesson's setup. Your own session is untouched; :lesson off returns to it.)"))
        }
        return report
    }

    private func show(_ active: Active, into report: inout Report, withIntro: Bool) {
        let lesson = active.lesson
        let number = (library.lessons.firstIndex { $0.id == lesson.id } ?? 0) + 1
        if withIntro {
            report.blocks.append(.text(title: "Lesson \(number) · \(lesson.title)", body: displayText(lesson.intro)))
        }
        guard let step = active.step else {
            report.notes.append(Note(.lesson, "this lesson is finished; :lessons lists the others"))
            return
        }
        report.blocks.append(.text(title: "Step \(step.number) of \(lesson.steps.count): \(step.title)", body: displayText(step.task)))
        let hints = step.hints.isEmpty ? "" : ":hint (\(step.hints.count) available) · "
        report.blocks.append(.text(title: nil, body: "→ Type your answer: every command is checked. \(hints):solution · :reset · :lesson off"))
    }

    /// `:lesson off`: back to the learner's own session.
    func leave() -> Report {
        var report = Report(input: ":lesson off")
        guard let active else {
            report.notes.append(Note(.lesson, "no lesson is running; :lessons lists them"))
            return report
        }
        self.active = nil
        lastJudgment = nil
        let where_ = active.step.map { "; :lesson \(active.lesson.id) resumes at step \($0.number)" } ?? ""
        report.notes.append(Note(.lesson, "left the lesson \(active.lesson.id); back in your own session (progress is saved\(where_))"))
        return report
    }

    func hint(into report: inout Report) {
        guard var active, let step = active.step else { return noLesson(into: &report) }
        guard active.hintsGiven < step.hints.count else {
            report.notes.append(Note(.lesson, step.hints.isEmpty ? "this step has no hints; :solution shows the reference solution"
                                                                 : "no more hints; :solution shows the reference solution"))
            return
        }
        let hint = step.hints[active.hintsGiven]
        active.hintsGiven += 1
        report.blocks.append(.text(title: "Hint \(active.hintsGiven) of \(step.hints.count)", body: hint))
        self.active = active
    }

    /// `:check`: judges the attempt again, as it stands.
    func check(into report: inout Report) {
        guard var current = active, current.step != nil, var attempt = current.attempt else { return noLesson(into: &report) }
        guard !attempt.commands.isEmpty else {
            report.notes.append(Note(.lesson, "nothing to check yet: type your answer; every command is judged"))
            return
        }
        let judgment = attempt.judge(live: current.sandbox)
        current.attempt = attempt
        active = current
        lastJudgment = judgment
        report.notes += notes(for: judgment.outcome == .alreadyPassed ? attempt.passing ?? judgment : judgment)
    }

    func solution(into report: inout Report) {
        guard let active, let step = active.step else { return noLesson(into: &report) }
        report.blocks.append(.code(title: "Reference solution for step \(step.number)", lines: step.solution.code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)))
        report.notes.append(Note(.lesson, "type it (each line is one command) to see its report and pass the checks"))
    }

    /// `:next`: the next step, on a sandbox rebuilt at its start (the earlier steps' reference
    /// solutions, then the learner's settings), so what the step says is what the learner has.
    /// A step not passed yet is skipped with a warning.
    func next() -> Report {
        var report = Report(input: ":next")
        guard var current = active, let step = current.step else {
            noLesson(into: &report)
            return report
        }
        let passed = current.attempt?.passing != nil || (store.progress(current.lesson.id)?.passed.contains(step.number) ?? false)
        let nextIndex = current.stepIndex + 1
        if !passed {
            report.notes.append(Note(.lesson, "step \(step.number) is not passed yet; skipping it (it is not marked as passed; :reset lesson starts the lesson over)"))
        }
        do {
            let before = current.sandbox.sandboxState()
            let sandbox = try Sandbox.build(current.lesson, upTo: nextIndex)
            Sandbox.apply(current.settings, on: sandbox)
            install(on: sandbox)
            current.sandbox = sandbox
            let drift = before.differences(from: sandbox.sandboxState())
            if passed && !drift.isEmpty && nextIndex < current.lesson.steps.count {
                report.notes.append(Note(.lesson, "step \(nextIndex + 1) starts from its expected state (the reference solutions replayed), not from your experiments: \(drift.prefix(2).joined(separator: "; "))"))
            }
        } catch {
            report.diagnostics.append(lessonError("the next step cannot start: \(error)", hint: nil))
            report.ok = false
            return report
        }
        current.stepIndex = nextIndex
        current.hintsGiven = 0
        current.misses = 0
        current.attempt = nextIndex < current.lesson.steps.count ? StepAttempt(lesson: current.lesson, stepIndex: nextIndex, settings: current.settings) : nil
        lastJudgment = nil
        active = current
        if nextIndex >= current.lesson.steps.count {
            let allPassed = (store.progress(current.lesson.id)?.passed.count ?? 0) >= current.lesson.steps.count
            try? store.update(current.lesson.id) { $0.completed = true; $0.step = current.lesson.steps.count }
            report.blocks.append(.text(title: "✓ Lesson complete: \(current.lesson.title)", body: displayText(current.lesson.outro)))
            if !allPassed { report.notes.append(Note(.lesson, "some steps were skipped; :lesson \(current.lesson.id) starts again whenever you like")) }
            report.notes.append(Note(.lesson, "the sandbox stays for experiments; :lesson off returns to your own session, :lessons lists the next lessons"))
        } else {
            try? store.update(current.lesson.id) { $0.step = nextIndex + 1 }
            show(current, into: &report, withIntro: false)
        }
        return report
    }

    /// `:reset`: a fresh sandbox at the start of this step (`:reset lesson`: of step 1); the
    /// attempt and the hints start over, and the learner's settings are dropped (the start of
    /// a step is the lesson's own state).
    func reset(wholeLesson: Bool) -> Report {
        var report = Report(input: wholeLesson ? ":reset lesson" : ":reset")
        guard var current = active, current.step != nil || wholeLesson else {
            noLesson(into: &report)
            return report
        }
        let index = wholeLesson ? 0 : current.stepIndex
        do {
            current.sandbox = try Sandbox.build(current.lesson, upTo: index)
            install(on: current.sandbox)
        } catch {
            report.diagnostics.append(lessonError("the step cannot be rebuilt: \(error)", hint: nil))
            report.ok = false
            return report
        }
        let dropped = current.settings
        current.settings = []
        current.stepIndex = index
        current.hintsGiven = 0
        current.misses = 0
        current.attempt = StepAttempt(lesson: current.lesson, stepIndex: index)
        lastJudgment = nil
        active = current
        try? store.update(current.lesson.id) { p in
            p.settings = nil
            if wholeLesson { p.step = 1; p.completed = false }
        }
        report.notes.append(Note(.lesson, wholeLesson
            ? "the lesson starts again at step 1 on a fresh sandbox with the lesson's setup (steps you passed stay marked)"
            : "step \(index + 1) starts again on a fresh sandbox: the setup and the earlier steps' reference solutions were replayed"))
        if !dropped.isEmpty { report.notes.append(Note(.lesson, "your settings were dropped: \(dropped.joined(separator: ", "))")) }
        show(current, into: &report, withIntro: wholeLesson)
        return report
    }

    private func noLesson(into report: inout Report) {
        if let active, active.step == nil {
            report.notes.append(Note(.lesson, "the lesson \(active.lesson.id) is finished; :lessons lists the others, :lesson off leaves"))
        } else {
            report.notes.append(Note(.lesson, "no lesson is running; :lessons lists them, :lesson ID starts one"))
        }
    }

    private func lessonError(_ message: String, hint: String?) -> DiagnosticRecord {
        DiagnosticRecord(severity: "error", message: message, line: 1, column: 1, hint: hint,
                         rendered: "error: \(message)" + (hint.map { "\n  = hint: \($0)" } ?? ""))
    }

    /// ":pending Author" → "pending".
    static func commandName(_ input: String) -> String {
        String(input.trimmed.dropFirst().prefix { $0.isLetter || $0 == "-" })
    }
}

/// Markdown as the REPL shows it: paragraphs joined into one line each (the renderer wraps
/// them at the terminal's width, between words), headings without their `#`, list items with a
/// `•`, fenced examples as indented code, `**bold**` and `*emphasis*` without their asterisks;
/// backticks stay (they mark code in the prose).
func displayText(_ markdown: String) -> String {
    var out: [String] = []
    var inFence = false
    var paragraph: String?
    func flush() {
        if let p = paragraph { out.append(p) }
        paragraph = nil
    }
    for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        let t = raw.trimmed
        if t.hasPrefix("```") || t.hasPrefix("~~~") {
            flush()
            inFence.toggle()
            continue
        }
        if inFence { out.append("    " + raw); continue }
        if t.isEmpty {
            flush()
            if out.last != "" { out.append("") }
            continue
        }
        let indentation = String(raw.prefix { $0 == " " })
        if t.hasPrefix("#") {
            flush()
            out.append(withoutEmphasis(t.drop { $0 == "#" }.trimmed))
        } else if t.hasPrefix("- ") || t.hasPrefix("* ") || t.hasPrefix("+ ") {
            flush()
            paragraph = indentation + "• " + withoutEmphasis(t.dropFirst(2).trimmed)
        } else if let dot = t.firstIndex(of: "."), !t[..<dot].isEmpty, t[..<dot].allSatisfy(\.isNumber), t[t.index(after: dot)...].hasPrefix(" ") {
            flush()
            paragraph = indentation + withoutEmphasis(t)
        } else if t.hasPrefix("|") || (paragraph == nil && indentation.count >= 4) {
            // A table row or an indented code line: as written.
            flush()
            out.append(raw)
        } else if let p = paragraph {
            paragraph = p + " " + withoutEmphasis(t)
        } else {
            paragraph = indentation + withoutEmphasis(t)
        }
    }
    flush()
    while out.last == "" { out.removeLast() }
    while out.first == "" { out.removeFirst() }
    return out.joined(separator: "\n")
}

/// Removes Markdown emphasis markers outside `code spans`.
func withoutEmphasis(_ line: String) -> String {
    var out = ""
    var inCode = false
    let chars = Array(line)
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if c == "`" { inCode.toggle() }
        if c == "*" && !inCode {
            let run = chars[i...].prefix { $0 == "*" }.count
            let before = i > 0 ? chars[i - 1] : " "
            let after = i + run < chars.count ? chars[i + run] : " "
            // An opening marker precedes a word; a closing one follows it.
            let opens = (after.isLetter || after.isNumber || after == "`") && (before.isWhitespace || before.isPunctuation)
            let closes = (before.isLetter || before.isNumber || before == "`") && (after.isWhitespace || after.isPunctuation)
            if run <= 2 && (opens || closes) {
                i += run
                continue
            }
        }
        out.append(c)
        i += 1
    }
    return out
}
