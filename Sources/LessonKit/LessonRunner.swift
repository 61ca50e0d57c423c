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
    /// The report the checks read last (for `:check`).
    private var lastChecked: Report?

    /// The lesson in progress: which step, on which sandbox, how many hints were given.
    private struct Active {
        var lesson: Lesson
        /// 0-based; equal to `lesson.steps.count` once the lesson is finished.
        var stepIndex: Int
        var sandbox: Workbench
        var hintsGiven = 0
        var misses = 0
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

    // MARK: - Checking every command

    /// Checks a report against the current step and appends the outcome as lesson notes.
    public func observe(_ report: inout Report) {
        guard let active, let step = active.step else { return }
        let input = report.input.trimmed
        if input.hasPrefix(":") {
            // Workbench commands are checked only when the step is about one (":pending").
            let name = commandName(input)
            if LessonRunner.commandNames.contains(name) { return }
            let expected = lastCommand(of: step.solution.code)
            guard expected.hasPrefix(":"), commandName(expected) == name else { return }
        }
        lastChecked = report
        report.notes += outcome(of: step, on: report)
    }

    private func outcome(of step: LessonStep, on report: Report) -> [Note] {
        guard var current = active else { return [] }
        let results = step.checks.map { $0.evaluate(report, in: current.sandbox) }
        let passing = results.filter(\.passed).count
        var notes: [Note] = []
        let total = current.lesson.steps.count
        if passing == results.count {
            let already = store.progress(current.lesson.id)?.passed.contains(step.number) ?? false
            try? store.update(current.lesson.id) { $0.passed.append(step.number); $0.step = step.number }
            current.misses = 0
            notes.append(Note(.lesson, "✓ Step \(step.number) of \(total) \(already ? "passes again" : "passed"): \(results.count == 1 ? "its check holds" : results.count == 2 ? "both checks hold" : "all \(results.count) checks hold")"))
            notes += results.map { Note(.lesson, $0.line) }
            notes.append(Note(.lesson, step.number < total
                ? ":next goes on to step \(step.number + 1): \(current.lesson.steps[step.number].title)"
                : "that was the last step: :next finishes the lesson"))
        } else {
            current.misses += 1
            notes.append(Note(.lesson, "Step \(step.number) of \(total), not yet: \(passing) of \(results.count) checks pass"))
            notes += results.map { Note(.lesson, $0.line) }
            if current.misses >= 2 && current.hintsGiven < step.hints.count {
                notes.append(Note(.lesson, "stuck? :hint gives a hint (\(step.hints.count - current.hintsGiven) left); :reset starts the step again"))
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
        case "reset": return reset()
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
            report.blocks.append(.text(title: nil, body: "→ Start or resume one with :lesson ID (for example :lesson \(nextSuggestion() ?? library.lessons[0].id))."))
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
        let saved = store.progress(id)
        var index = 0
        if let saved, !saved.completed { index = min(max(saved.step, 1), lesson.steps.count) - 1 }
        do {
            let sandbox = try Sandbox.build(lesson, upTo: index)
            install(on: sandbox)
            active = Active(lesson: lesson, stepIndex: index, sandbox: sandbox)
            lastChecked = nil
        } catch {
            report.diagnostics.append(lessonError("the lesson cannot start: \(error)", hint: "ormlab lesson verify \(id) shows what is wrong"))
            report.ok = false
            return report
        }
        if saved == nil { try? store.update(id) { $0.step = 1 } }
        if let saved, saved.completed { report.notes.append(Note(.lesson, "you finished this lesson before; here it is again from step 1")) }
        if index > 0 { report.notes.append(Note(.lesson, "resuming at step \(index + 1): your sandbox holds the state after the earlier steps' reference solutions")) }
        show(active!, into: &report, withIntro: index == 0)
        if index == 0 {
            report.blocks.append(.text(title: nil, body: "(You are in a sandbox: a fresh in-memory database with the lesson's setup. Your own session is untouched; :lesson off returns to it.)"))
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
        lastChecked = nil
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

    func check(into report: inout Report) {
        guard let active, let step = active.step else { return noLesson(into: &report) }
        guard let last = lastChecked else {
            report.notes.append(Note(.lesson, "nothing to check yet: type a command for step \(step.number); its report is checked"))
            return
        }
        report.notes.append(Note(.lesson, "checking `\(Sandbox.firstLine(last.input))` again"))
        report.notes += outcome(of: step, on: last)
    }

    func solution(into report: inout Report) {
        guard let active, let step = active.step else { return noLesson(into: &report) }
        report.blocks.append(.code(title: "Reference solution for step \(step.number)", lines: step.solution.code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)))
        report.notes.append(Note(.lesson, "type it (each line is one command) to see its report and pass the checks"))
    }

    /// `:next`: the next step; a step not passed yet is skipped with a warning and the sandbox
    /// is rebuilt so the next step starts from the expected state.
    func next() -> Report {
        var report = Report(input: ":next")
        guard var active, let step = active.step else {
            noLesson(into: &report)
            return report
        }
        let passed = store.progress(active.lesson.id)?.passed.contains(step.number) ?? false
        let nextIndex = active.stepIndex + 1
        if !passed {
            report.notes.append(Note(.lesson, "step \(step.number) is not passed yet; skipping it. Your sandbox is rebuilt with its reference solution so the next step starts from the expected state"))
            do {
                active.sandbox = try Sandbox.build(active.lesson, upTo: nextIndex)
                install(on: active.sandbox)
            } catch {
                report.diagnostics.append(lessonError("the next step cannot start: \(error)", hint: nil))
                report.ok = false
                return report
            }
        } else if nextIndex < active.lesson.steps.count {
            do {
                try Sandbox.run(active.lesson.steps[nextIndex].setup, lesson: active.lesson, on: active.sandbox, what: "step \(nextIndex + 1) setup")
            } catch {
                report.notes.append(Note(.lesson, "the step's setup did not run cleanly on your sandbox (\(error)); :reset rebuilds it"))
            }
        }
        active.stepIndex = nextIndex
        active.hintsGiven = 0
        active.misses = 0
        lastChecked = nil
        self.active = active
        if nextIndex >= active.lesson.steps.count {
            let allPassed = (store.progress(active.lesson.id)?.passed.count ?? 0) >= active.lesson.steps.count
            try? store.update(active.lesson.id) { $0.completed = true; $0.step = active.lesson.steps.count }
            report.blocks.append(.text(title: "✓ Lesson complete: \(active.lesson.title)", body: displayText(active.lesson.outro)))
            if !allPassed { report.notes.append(Note(.lesson, "some steps were skipped; :lesson \(active.lesson.id) starts again whenever you like")) }
            report.notes.append(Note(.lesson, "the sandbox stays for experiments; :lesson off returns to your own session, :lessons lists the next lessons"))
        } else {
            try? store.update(active.lesson.id) { $0.step = nextIndex + 1 }
            show(active, into: &report, withIntro: false)
        }
        return report
    }

    /// `:reset`: a fresh sandbox in the state the step starts from; hints start over.
    func reset() -> Report {
        var report = Report(input: ":reset")
        guard var active, active.step != nil else {
            noLesson(into: &report)
            return report
        }
        do {
            active.sandbox = try Sandbox.build(active.lesson, upTo: active.stepIndex)
            install(on: active.sandbox)
        } catch {
            report.diagnostics.append(lessonError("the step cannot be rebuilt: \(error)", hint: nil))
            report.ok = false
            return report
        }
        active.hintsGiven = 0
        active.misses = 0
        lastChecked = nil
        self.active = active
        report.notes.append(Note(.lesson, "step \(active.stepIndex + 1) starts again on a fresh sandbox: the setup and the earlier steps' reference solutions were replayed"))
        show(active, into: &report, withIntro: false)
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

    private func commandName(_ input: String) -> String {
        String(input.dropFirst().prefix { $0.isLetter || $0 == "-" })
    }

    private func lastCommand(of code: String) -> String {
        code.split(separator: "\n").map { $0.trimmed }.last { !$0.isEmpty && !$0.hasPrefix("//") } ?? ""
    }
}

/// Markdown as the REPL shows it: fenced examples become indented code, `**bold**` and
/// `*emphasis*` lose their asterisks; everything else (backticks included) stays.
func displayText(_ markdown: String) -> String {
    var out: [String] = []
    var inFence = false
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
        let t = line.trimmed
        if t.hasPrefix("```") || t.hasPrefix("~~~") {
            inFence.toggle()
            continue
        }
        out.append(inFence ? "    " + line : withoutEmphasis(String(line)))
    }
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
