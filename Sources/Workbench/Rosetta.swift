import DSL
import Foundation
import Report

// The Rosetta catalogue (SPEC §15): one Markdown file per ORM concept under Rosetta/catalogue,
// each with ORMLab's DSL and, per ORM, the idiomatic code and the SQL that ORM really ran on the
// shared fixture (recorded by `./dev rosetta record`, checked by `./dev rosetta check`). The
// files are read at run time, found like the lessons: `$ORMLAB_ROSETTA`, else
// `Rosetta/catalogue` in the current directory or in a parent of the executable. Reading them
// rather than embedding them means a re-recording shows up without a rebuild, and the test that
// checks ORMLab's column reads the very files the learner sees.

/// One ORM's part of a catalogue entry: its code and the statements it ran.
public struct RosettaSection: Sendable, Equatable {
    /// The heading: the ORM and the version that was recorded ("SQLAlchemy 2.0.59", "ORMLab").
    public var heading: String
    /// The code block's language ("orm", "ruby", "python", "swift").
    public var language: String
    public var code: [String]
    /// The statements as logged, one per element; transaction control included.
    public var statements: [String]
    /// The count the file states in its `SQL (N statements…)` line; nil when there is no SQL yet.
    public var statedCount: Int?
    /// Hand-written `> ` lines under the section.
    public var notes: [String]

    /// The ORM's name without the version: "SQLAlchemy", "Objection.js", "ORMLab".
    public var orm: String {
        let words = heading.split(separator: " ")
        if let last = words.last, words.count > 1, last.first?.isNumber == true {
            return words.dropLast().joined(separator: " ")
        }
        return heading
    }

    /// Statements that reach the database as work: BEGIN, COMMIT, ROLLBACK and savepoints are
    /// shown but not counted (ORMs log them differently, some not at all).
    public var countedStatements: Int { statements.filter { !isRosettaTransactionControl($0) }.count }
}

/// BEGIN / COMMIT / ROLLBACK / END / SAVEPOINT / RELEASE, in any ORM's spelling, and GRDB's
/// `PRAGMA query_only` around each read transaction (the same rule as Rosetta/tools/rosetta.py).
public func isRosettaTransactionControl(_ statement: String) -> Bool {
    // Lowercase words: these read other ORMs' logs, they never build a statement.
    let words = statement.split(separator: " ").map { $0.lowercased() }
    guard let first = words.first else { return false }
    if first == "pragma", words.count > 1, words[1] == "query_only" { return true }
    return ["begin", "commit", "rollback", "end", "savepoint", "release"].contains(first)
}

/// One catalogue file.
public struct RosettaEntry: Sendable, Equatable {
    public var id: String
    public var title: String
    /// The lesson whose "In other ORMs" section this entry backs (a lesson id), if any.
    public var lesson: String?
    public var prose: String
    public var file: String
    /// ORMLab's section first, then the recorded ORMs in the file's order.
    public var sections: [RosettaSection]

    public var ormlab: RosettaSection? { sections.first { $0.orm == "ORMLab" } }
    public var dsl: String { ormlab?.code.joined(separator: "\n") ?? "" }
}

/// A catalogue file that is not well-formed: which file, which line, what is wrong.
public struct RosettaFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }
}

public struct RosettaCatalogue: Sendable {
    public var entries: [RosettaEntry]
    public var errors: [RosettaFileError]
    public var directory: String?

    public init(entries: [RosettaEntry] = [], errors: [RosettaFileError] = [], directory: String? = nil) {
        self.entries = entries
        self.errors = errors
        self.directory = directory
    }

    /// Every `*.md` file of the directory but README.md, in name order.
    public static func load(directory: String) -> RosettaCatalogue {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".md") && $0.lowercased() != "readme.md" }
            .sorted()
        var catalogue = RosettaCatalogue(directory: directory)
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                catalogue.errors.append(RosettaFileError(file: path, line: 1, message: "cannot read the file"))
                continue
            }
            switch parse(String(decoding: data, as: UTF8.self), file: path) {
            case .success(let entry):
                if let other = catalogue.entries.first(where: { $0.id == entry.id }) {
                    catalogue.errors.append(RosettaFileError(file: path, line: 1, message: "the id '\(entry.id)' is already used by \(other.file)"))
                } else {
                    catalogue.entries.append(entry)
                }
            case .failure(let error):
                catalogue.errors.append(error)
            }
        }
        return catalogue
    }

    /// `$ORMLAB_ROSETTA`, else `Rosetta/catalogue` in the current directory or in a parent of
    /// the executable; nil when there is none.
    public static func findDirectory(environment: [String: String] = ProcessInfo.processInfo.environment,
                                     currentDirectory: String = FileManager.default.currentDirectoryPath,
                                     executablePath: String? = Bundle.main.executablePath) -> String? {
        if let explicit = environment["ORMLAB_ROSETTA"], !explicit.isEmpty { return explicit }
        var candidates = [(currentDirectory as NSString).appendingPathComponent("Rosetta/catalogue")]
        if let executablePath {
            var directory = ((executablePath as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
            for _ in 0..<6 {
                candidates.append((directory as NSString).appendingPathComponent("Rosetta/catalogue"))
                candidates.append((directory as NSString).appendingPathComponent("share/ormlab/Rosetta/catalogue"))
                directory = (directory as NSString).deletingLastPathComponent
            }
        }
        var isDirectory: ObjCBool = false
        return candidates.first { FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue }
    }

    /// Reads one catalogue file. The shape (Rosetta/README.md): `# Title`, `id: …`, optional
    /// `lesson: …`, prose; then `## ORMLab` and one `## ORM VERSION` section per recorded ORM,
    /// each with one code block, a `SQL (N statements…):` line and a ```sql block, and
    /// optional `> ` notes.
    public static func parse(_ text: String, file: String) -> Result<RosettaEntry, RosettaFileError> {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func fail(_ line: Int, _ message: String) -> Result<RosettaEntry, RosettaFileError> {
            .failure(RosettaFileError(file: file, line: line, message: message))
        }
        var title: String?
        var id: String?
        var lesson: String?
        var prose: [String] = []
        var sections: [RosettaSection] = []
        var i = 0
        while i < lines.count, !lines[i].hasPrefix("## ") {
            let line = lines[i]
            if line.hasPrefix("# "), title == nil { title = String(line.dropFirst(2)) }
            else if line.hasPrefix("id:") { id = line.dropFirst(3).trimmingCharacters(in: .whitespaces) }
            else if line.hasPrefix("lesson:") { lesson = line.dropFirst(7).trimmingCharacters(in: .whitespaces) }
            else if !line.trimmingCharacters(in: .whitespaces).isEmpty { prose.append(line) }
            i += 1
        }
        guard let title else { return fail(1, "no `# Title` line") }
        guard let id, !id.isEmpty else { return fail(1, "no `id:` line before the first section") }
        while i < lines.count {
            let headingLine = i + 1
            let heading = String(lines[i].dropFirst(3)).trimmingCharacters(in: .whitespaces)
            i += 1
            var section = RosettaSection(heading: heading, language: "", code: [], statements: [], statedCount: nil, notes: [])
            var blocks = 0
            while i < lines.count, !lines[i].hasPrefix("## ") {
                let line = lines[i]
                if line.hasPrefix("```") {
                    let language = String(line.dropFirst(3))
                    let start = i + 1
                    var body: [String] = []
                    i += 1
                    while i < lines.count, lines[i] != "```" { body.append(lines[i]); i += 1 }
                    guard i < lines.count else { return fail(start - 1, "the ``` block is not closed") }
                    blocks += 1
                    if blocks == 1 {
                        section.language = language
                        section.code = body
                    } else if blocks == 2, language == "sql" {
                        section.statements = body
                    } else {
                        return fail(start - 1, "section '\(heading)' has a block too many (one code block, then one ```sql block)")
                    }
                } else if line.hasPrefix("SQL (") {
                    let digits = line.dropFirst(5).prefix(while: \.isNumber)
                    guard let n = Int(digits) else { return fail(i + 1, "the SQL line does not start with a count: \(line)") }
                    section.statedCount = n
                } else if line.hasPrefix("> ") {
                    section.notes.append(String(line.dropFirst(2)))
                } else if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                    return fail(i + 1, "unexpected text in section '\(heading)': \(line)")
                }
                i += 1
            }
            guard blocks >= 1 else { return fail(headingLine, "section '\(heading)' has no code block") }
            if let stated = section.statedCount, stated != section.countedStatements {
                return fail(headingLine, "section '\(heading)' says \(stated) statements but lists \(section.countedStatements)")
            }
            if section.orm != "ORMLab", section.statedCount == nil {
                return fail(headingLine, "section '\(heading)' has no recorded SQL")
            }
            sections.append(section)
        }
        guard let first = sections.first, first.orm == "ORMLab", first.language == "orm" else {
            return fail(1, "the first section must be `## ORMLab` with an ```orm block")
        }
        return .success(RosettaEntry(id: id, title: title, lesson: lesson, prose: prose.joined(separator: " "),
                                     file: file, sections: sections))
    }

    /// The entry for `text`: its id (`include-in`), or ORMLab's DSL of the entry written the
    /// same way (spacing aside), or the same shape with other values or names
    /// (`Book.where(year > 1990)` finds `Book.where(year > 1970)`). `exact` says which.
    public func entry(for text: String) -> (entry: RosettaEntry, exact: Bool)? {
        let wanted = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let byID = entries.first(where: { $0.id == wanted }) { return (byID, true) }
        let words = RosettaCatalogue.tokens(wanted, shapeOnly: false)
        if let same = entries.first(where: { RosettaCatalogue.tokens($0.dsl, shapeOnly: false) == words }) { return (same, true) }
        // Only the first command's shape: `Book#1.title = "…"` matches the update entry.
        let shape = RosettaCatalogue.tokens(wanted, shapeOnly: true)
        if let similar = entries.first(where: { RosettaCatalogue.tokens($0.dsl, shapeOnly: true) == shape }) { return (similar, false) }
        let firstShape = RosettaCatalogue.firstCommandTokens(wanted)
        if !firstShape.isEmpty, let similar = entries.first(where: { RosettaCatalogue.firstCommandTokens($0.dsl) == firstShape }) {
            return (similar, false)
        }
        return nil
    }

    /// The DSL's tokens, as text; with `shapeOnly`, literals become their kind (so values do
    /// not count) and newlines and semicolons are one separator.
    static func tokens(_ text: String, shapeOnly: Bool) -> [String] {
        let file = SourceFile(name: "<rosetta>", text: text)
        return Lexer.tokenize(file).compactMap { token -> String? in
            switch token.kind {
            case .endOfInput: return nil
            case .newline, .semicolon: return ";"
            case .integer, .decimal, .string: return shapeOnly ? token.kind.rawValue : token.text
            default: return token.text
            }
        }
        .reduce(into: [String]()) { out, t in if !(t == ";" && (out.last == ";" || out.isEmpty)) { out.append(t) } }
        .dropLastSeparator()
    }

    static func firstCommandTokens(_ text: String) -> [String] {
        let all = tokens(text, shapeOnly: true)
        return Array(all.prefix(while: { $0 != ";" }))
    }
}

private extension Array where Element == String {
    func dropLastSeparator() -> [String] { last == ";" ? Array(dropLast()) : self }
}

// MARK: - :rosetta

extension Workbench {
    /// `:rosetta` lists the catalogue; `:rosetta QUERY-OR-COMMAND` (or an entry id) shows the
    /// matching entry: each ORM's code and the SQL it ran, beside ORMLab's, with the statement
    /// counts compared.
    func rosetta(_ argument: String, range: SourceRange, into report: inout Report) throws {
        if rosettaCatalogue == nil {
            rosettaCatalogue = RosettaCatalogue.findDirectory().map(RosettaCatalogue.load(directory:)) ?? RosettaCatalogue()
        }
        let catalogue = rosettaCatalogue ?? RosettaCatalogue()
        guard catalogue.directory != nil else {
            throw EvalError("the Rosetta catalogue was not found", at: range,
                            hint: "it is Rosetta/catalogue in ORMLab's repository; run ormlab from there or set ORMLAB_ROSETTA to that folder")
        }
        for error in catalogue.errors {
            report.notes.append(Note(.info, "skipped a catalogue file that is not well-formed: \(error)"))
        }
        if argument.isEmpty {
            // One column per ORM: the statements each ran; the DSL last, where a cut hurts least.
            var orms: [String] = []
            for entry in catalogue.entries { for section in entry.sections where !orms.contains(section.orm) { orms.append(section.orm) } }
            let rows = catalogue.entries.map { entry -> [String] in
                [entry.id] + orms.map { orm in entry.sections.first { $0.orm == orm }.map { String($0.countedStatements) } ?? "–" }
                    + [entry.dsl.replacingOccurrences(of: "\n", with: "; ")]
            }
            report.blocks.append(.table(title: "Rosetta catalogue: statements each ORM ran (:rosetta ID or :rosetta QUERY shows one)",
                                        header: ["id"] + orms + ["in ORMLab"], rows: rows))
            return
        }
        guard let (entry, exact) = catalogue.entry(for: argument) else {
            // No entry: the same query from each ORM's template, without SQL (nothing ran it).
            switch RosettaTemplates.shape(of: argument) {
            case .success(let shape):
                report.notes.append(Note(.info, "not recorded: no catalogue entry has this query, so this code comes from templates and no ORM ran it (no SQL to show); run the query here for ORMLab's SQL"))
                for (orm, lines) in RosettaTemplates.code(for: shape) {
                    report.blocks.append(.text(title: "\(orm) (from the template, not recorded)", body: lines.map { "  " + $0 }.joined(separator: "\n")))
                }
                return
            case .failure(let why):
                throw EvalError("no Rosetta entry for '\(argument.firstLine(limit: 40))', and the templates cannot write it: \(why.message)", at: range,
                                hint: "the catalogue has: \(catalogue.entries.map(\.id).joined(separator: ", ")); :rosetta lists them with their ORMLab form")
            }
        }
        report.blocks.append(.text(title: "Rosetta: \(entry.title) (\(entry.id))", body: entry.prose))
        if !exact {
            report.notes.append(Note(.info, "not recorded for this exact query: the entry with the same shape is shown, recorded for: \(entry.dsl.replacingOccurrences(of: "\n", with: "; "))"))
        }
        let ormlabCount = entry.ormlab?.countedStatements ?? 0
        var rows: [[String]] = []
        for section in entry.sections {
            let n = section.countedStatements
            let versus = section.orm == "ORMLab" ? "" : n == ormlabCount ? "same" : n > ormlabCount ? "+\(n - ormlabCount)" : "−\(ormlabCount - n)"
            rows.append([section.heading, String(n), versus])
        }
        report.blocks.append(.table(title: "Statements (not counting BEGIN/COMMIT/ROLLBACK)",
                                    header: ["ORM", "statements", "vs ORMLab"], rows: rows))
        for section in entry.sections where section.orm != "ORMLab" && section.countedStatements != ormlabCount {
            report.notes.append(Note(.info, "\(section.orm): \(section.countedStatements) statement\(section.countedStatements == 1 ? "" : "s") here, ORMLab \(ormlabCount)" + (section.notes.first.map { "; \($0)" } ?? "")))
        }
        // Text blocks, not code blocks: the terminal wraps them (a code line is cut at the
        // width, and these SQL lines are long); each statement is a bullet, so a wrapped one
        // stays visibly one statement.
        for section in entry.sections {
            let n = section.countedStatements
            var lines = section.code.map { "  " + $0 }
            lines.append("")
            lines += section.statements.isEmpty ? ["  (no SQL recorded)"] : section.statements.map { "  • " + $0 }
            if !section.notes.isEmpty { lines += [""] + section.notes.map { "  " + $0 } }
            report.blocks.append(.text(title: "\(section.heading): \(n) statement\(n == 1 ? "" : "s")", body: lines.joined(separator: "\n")))
        }
    }
}

// MARK: - Lessons' "In other ORMs" from the catalogue

extension RosettaCatalogue {
    /// The first line of a generated part of a lesson: `<!-- rosetta: ID ID … -->`.
    public static let lessonMarkerPrefix = "<!-- rosetta:"
    public static let lessonEndMarker = "<!-- rosetta: end -->"

    /// The lines a lesson's "In other ORMs" shows for these entries, between its markers: per
    /// entry, each recorded ORM's code on one line and how many statements it ran. The
    /// RosettaLessonSectionTests compare every lesson's part with this, so none of it is
    /// hand-written (ORMLAB_RECORD=1 rewrites them).
    public func lessonLines(for ids: [String]) -> [String]? {
        var lines = ["\(Self.lessonMarkerPrefix) \(ids.joined(separator: " ")) (generated from Rosetta/catalogue; ORMLAB_RECORD=1 swift test --filter RosettaLessonSection rewrites it) -->"]
        for id in ids {
            guard let entry = entries.first(where: { $0.id == id }) else { return nil }
            lines.append("")
            lines.append("**\(entry.title)** (`:rosetta \(entry.id)` shows the SQL), the statements each ORM ran on the same rows:")
            lines.append("")
            for section in entry.sections {
                let n = section.countedStatements
                lines.append("- **\(section.heading)**: `\(Self.oneLine(section.code, language: section.language))` (\(n) statement\(n == 1 ? "" : "s"))")
            }
        }
        lines.append("")
        lines.append(Self.lessonEndMarker)
        return lines
    }

    /// Code on one line for a list item: comment lines dropped, trailing comments cut, lines
    /// joined with a space where the statement goes on and with "; " where a new one starts.
    static func oneLine(_ code: [String], language: String) -> String {
        let comment = ["python": "#", "ruby": "#", "orm": "//", "swift": "//", "js": "//", "java": "//"][language] ?? "//"
        var parts: [String] = []
        for raw in code {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix(comment) || line.isEmpty { continue }
            if let cut = line.range(of: "  " + comment) { line = String(line[..<cut.lowerBound]).trimmingCharacters(in: .whitespaces) }
            parts.append(line)
        }
        var out = ""
        for (i, part) in parts.enumerated() {
            if i > 0 {
                let previous = parts[i - 1]
                let tight = ["(", "["].contains { previous.hasSuffix($0) } || [".", ")", "]"].contains { part.hasPrefix($0) }
                let goesOn = ["{", ",", ":", " do", " in"].contains { previous.hasSuffix($0) } || part.hasPrefix("}") || part == "end"
                out += tight ? "" : goesOn ? " " : "; "
            }
            out += part
        }
        return out.replacingOccurrences(of: "`", with: "'")
    }
}
