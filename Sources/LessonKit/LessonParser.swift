import Foundation

/// Reads a lesson from Markdown (the format is documented in Lessons/README.md).
///
/// The file stays readable as plain Markdown: a `# Title`, an `id: ...` line, prose, fenced
/// `orm setup` blocks, then `## Step N: ...` sections with the task, one `orm solution` block,
/// `orm wrong` and `orm explore` blocks, `> hint: ...` lines and a `Checks:` list.
public enum LessonParser {
    /// Parses the text of one lesson file. `file` names it in errors and gives the default id
    /// ("07-lazy-loading.md" → "lazy-loading").
    public static func parse(_ text: String, file: String) -> Result<Lesson, LessonFileError> {
        var parser = State(file: file)
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        do {
            try parser.read(lines)
            return .success(try parser.finish())
        } catch let error as LessonFileError {
            return .failure(error)
        } catch {
            return .failure(LessonFileError(file: file, line: 1, message: "\(error)"))
        }
    }

    /// "07-lazy-loading.md" → "lazy-loading".
    public static func defaultID(forFile file: String) -> String {
        var name = (file as NSString).lastPathComponent
        if name.hasSuffix(".md") { name = String(name.dropLast(3)) }
        let digits = name.prefix { $0.isNumber }
        if !digits.isEmpty, name.dropFirst(digits.count).first == "-" { name = String(name.dropFirst(digits.count + 1)) }
        return name
    }

    // MARK: - The line-by-line reader

    private struct StepDraft {
        var number: Int
        var title: String
        var line: Int
        var task: [String] = []
        var setup: [CodeBlock] = []
        var solutions: [CodeBlock] = []
        var wrong: [CodeBlock] = []
        var explore: [CodeBlock] = []
        var hints: [String] = []
        var checks: [Check] = []
    }

    private enum Section { case intro, step, outro }

    private struct Fence {
        var marker: String
        var role: String?      // "setup", "solution", "wrong", or nil for an example
        var shown: Bool
        var line: Int
        var raw: String
        var code: [String] = []
        var onlyOn: String? = nil
    }

    private struct State {
        let file: String
        var title: String?
        var id: String?
        var databases: [String]?
        var intro: [String] = []
        var setup: [CodeBlock] = []
        var steps: [StepDraft] = []
        var outro: [String] = []
        var section = Section.intro
        var fence: Fence?
        var inChecks = false
        var inHint = false

        init(file: String) { self.file = file }

        func error(_ line: Int, _ message: String) -> LessonFileError {
            LessonFileError(file: file, line: line, message: message)
        }

        mutating func read(_ lines: [String]) throws {
            var index = 0
            // Optional front matter: ---, key: value lines, ---.
            if lines.first?.trimmed == "---" {
                index = 1
                while index < lines.count, lines[index].trimmed != "---" {
                    let line = lines[index]
                    if let colon = line.firstIndex(of: ":") {
                        let key = line[..<colon].trimmed.lowercased()
                        let value = line[line.index(after: colon)...].trimmed.trimmingCharacters(in: "\"'")
                        if key == "id" { id = value }
                        if key == "title" { title = value }
                        if key == "database" || key == "databases" { databases = try readDatabases(value, line: index + 1) }
                    }
                    index += 1
                }
                guard index < lines.count else { throw error(1, "the front matter that starts with --- never ends (add a --- line)") }
                index += 1
            }
            while index < lines.count {
                try readLine(lines[index], number: index + 1)
                index += 1
            }
            if let fence { throw error(fence.line, "the code block that starts here never ends (add a ``` line)") }
        }

        mutating func readLine(_ line: String, number: Int) throws {
            let trimmed = line.trimmed
            // Inside a fenced block: collect until the closing fence.
            if var open = fence {
                if trimmed.hasPrefix(open.marker) && trimmed.allSatisfy({ $0 == open.marker.first }) {
                    fence = nil
                    try close(open, closingLine: line)
                } else {
                    open.code.append(line)
                    fence = open
                }
                return
            }
            // A one-line HTML comment (`<!-- rosetta: … -->`, which marks the part of "In other
            // ORMs" generated from the Rosetta catalogue) is invisible on GitHub: not shown here either.
            if trimmed.hasPrefix("<!--") && trimmed.hasSuffix("-->") { return }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                let markerChar = trimmed.first!
                let marker = String(trimmed.prefix { $0 == markerChar })
                let info = trimmed.dropFirst(marker.count).trimmed.lowercased().split(separator: " ").map(String.init)
                var role: String?
                var shown = false
                var onlyOn: String?
                if info.first == "orm", info.count >= 2 {
                    role = info[1]
                    guard ["setup", "solution", "wrong", "explore"].contains(info[1]) else {
                        throw error(number, "unknown block '\(info.joined(separator: " "))': use orm setup, orm setup shown, orm solution, orm wrong or orm explore (plain orm for an example)")
                    }
                    shown = info.count >= 3 && ["shown", "show", "visible"].contains(info[2])
                    if role == "wrong" && info.count == 3 && ["sqlite", "postgres"].contains(info[2]) { onlyOn = info[2] }
                    else if role != "setup" && info.count > 2 { throw error(number, "'orm \(info[1])' takes no marker") }
                }
                if role != nil && role != "setup" && section != .step {
                    throw error(number, "an orm \(role!) block belongs inside a step (## Step N: ...)")
                }
                fence = Fence(marker: marker, role: role, shown: shown, line: number, raw: line)
                fence?.onlyOn = onlyOn
                inChecks = false
                inHint = false
                return
            }
            // Headings.
            if trimmed.hasPrefix("# ") && title == nil && section == .intro {
                title = trimmed.dropFirst(2).trimmed
                return
            }
            if trimmed.hasPrefix("## ") {
                inChecks = false
                inHint = false
                let heading = trimmed.dropFirst(3).trimmed
                if let step = try stepHeading(heading, line: number) {
                    let expected = steps.count + 1
                    guard step.number == expected else { throw error(number, "this is step \(step.number), but step \(expected) was expected (steps are numbered 1, 2, 3...)") }
                    steps.append(step)
                    section = .step
                    return
                }
                if section == .intro { intro.append(line); return }
                section = .outro
                outro.append(line)
                return
            }
            if section == .intro, databases == nil, trimmed.lowercased().hasPrefix("database:") {
                databases = try readDatabases(String(trimmed.dropFirst("database:".count)), line: number)
                return
            }
            if section == .intro, id == nil, trimmed.lowercased().hasPrefix("id:") {
                let value = trimmed.dropFirst(3).trimmed
                guard !value.isEmpty, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                    throw error(number, "an id is letters, digits and dashes, like id: lazy-loading")
                }
                id = value
                return
            }
            switch section {
            case .intro: intro.append(line)
            case .outro: outro.append(line)
            case .step: try readStepLine(line, trimmed: trimmed, number: number)
            }
        }

        mutating func readStepLine(_ line: String, trimmed: String, number: Int) throws {
            var step = steps.removeLast()
            defer { steps.append(step) }
            let lower = trimmed.lowercased()
            if lower.hasPrefix("> hint:") {
                step.hints.append(trimmed.dropFirst("> hint:".count).trimmed)
                inHint = true
                inChecks = false
                return
            }
            if inHint, trimmed.hasPrefix(">") {
                let more = trimmed.dropFirst().trimmed
                if !more.isEmpty { step.hints[step.hints.count - 1] += " " + more }
                return
            }
            inHint = false
            let bare = lower.replacingOccurrences(of: "*", with: "").trimmed
            if bare == "checks:" || bare == "checks" {
                inChecks = true
                return
            }
            if inChecks {
                if trimmed.hasPrefix("- ") || trimmed.hasPrefix("* ") {
                    switch Check.parse(String(trimmed.dropFirst(2))) {
                    case .success(let check): step.checks.append(check)
                    case .failure(let e): throw error(number, e.message)
                    }
                    return
                }
                if trimmed.isEmpty { return }
                inChecks = false
            }
            step.task.append(line)
        }

        func stepHeading(_ heading: String, line: Int) throws -> StepDraft? {
            guard heading.lowercased().hasPrefix("step ") else { return nil }
            let rest = heading.dropFirst(5)
            let digits = rest.prefix { $0.isNumber }
            guard let n = Int(digits) else { return nil }
            var title = rest.dropFirst(digits.count).trimmed
            if title.hasPrefix(":") || title.hasPrefix(".") || title.hasPrefix("—") || title.hasPrefix("-") { title = title.dropFirst().trimmed }
            return StepDraft(number: n, title: title, line: line)
        }

        mutating func close(_ fence: Fence, closingLine: String) throws {
            let code = fence.code.joined(separator: "\n")
            var block = CodeBlock(code: code, line: fence.line + 1, shown: fence.shown)
            block.onlyOn = fence.onlyOn
            switch fence.role {
            case "setup":
                // A shown setup stays in the prose where the author put it (listed, and run).
                if fence.shown { appendToProse([fence.raw] + fence.code + [closingLine]) }
                if section == .step {
                    var step = steps.removeLast()
                    step.setup.append(block)
                    steps.append(step)
                } else {
                    setup.append(block)
                }
            case "solution", "wrong", "explore":
                var step = steps.removeLast()
                switch fence.role {
                case "solution": step.solutions.append(block)
                case "wrong": step.wrong.append(block)
                default: step.explore.append(block)
                }
                steps.append(step)
            default:
                // An example: stays in the prose.
                appendToProse([fence.raw] + fence.code + [closingLine])
            }
        }

        mutating func appendToProse(_ lines: [String]) {
            switch section {
            case .intro: intro += lines
            case .outro: outro += lines
            case .step:
                var step = steps.removeLast()
                step.task += lines
                steps.append(step)
            }
        }

        func finish() throws -> Lesson {
            guard let title, !title.isEmpty else { throw error(1, "a lesson starts with a title: # Lazy loading and the N+1 problem") }
            guard !steps.isEmpty else { throw error(1, "the lesson has no steps: add ## Step 1: ... with a task, an orm solution block and Checks:") }
            var out: [LessonStep] = []
            for draft in steps {
                guard draft.solutions.count == 1 else {
                    throw error(draft.line, draft.solutions.isEmpty ? "step \(draft.number) has no ```orm solution block"
                                                                    : "step \(draft.number) has \(draft.solutions.count) solution blocks; put the commands in one")
                }
                guard !draft.checks.isEmpty else {
                    throw error(draft.line, "step \(draft.number) has no checks: add a Checks: line followed by - statements: 1 and the like")
                }
                out.append(LessonStep(number: draft.number, title: draft.title, task: tidy(draft.task), setup: draft.setup,
                                      solution: draft.solutions[0], wrongAnswers: draft.wrong, explorations: draft.explore, hints: draft.hints, checks: draft.checks))
            }
            var lesson = Lesson(id: id ?? LessonParser.defaultID(forFile: file), title: title, file: file,
                                intro: tidy(intro), setup: setup, steps: out, outro: tidy(outro))
            if let databases { lesson.databases = databases }
            return lesson
        }

        /// `database: postgres` or `database: sqlite, postgres`: where the lesson runs and is verified.
        func readDatabases(_ text: String, line: Int) throws -> [String] {
            let names = text.split(whereSeparator: { $0 == "," || $0 == " " }).map { $0.lowercased() == "postgresql" ? "postgres" : $0.lowercased() }
            guard !names.isEmpty, names.allSatisfy({ $0 == "sqlite" || $0 == "postgres" }) else {
                throw error(line, "database: names sqlite, postgres, or both (database: sqlite, postgres)")
            }
            return names
        }

        /// Drops leading and trailing blank lines, and runs of blank lines (where hidden blocks were).
        func tidy(_ lines: [String]) -> String {
            var lines: [String] = lines.enumerated().compactMap { i, line in
                i > 0 && line.trimmed.isEmpty && lines[i - 1].trimmed.isEmpty ? nil : line
            }
            while let f = lines.first, f.trimmed.isEmpty { lines.removeFirst() }
            while let l = lines.last, l.trimmed.isEmpty { lines.removeLast() }
            return lines.joined(separator: "\n")
        }
    }
}
