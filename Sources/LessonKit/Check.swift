import Render
import Report
import Workbench

// MARK: - The checks a lesson step can make

/// One check against a command's report (and, for object questions, the session behind it).
///
/// Written in a lesson as a list item under `Checks:`; `text` keeps the line as written so the
/// learner sees the check in the author's words.
public struct Check: Sendable, Equatable {
    public var kind: Kind
    /// The check as written in the lesson ("statements: <= 2"), without its part label.
    public var text: String
    /// `- [the insert] sql contains: …`: checks with the same label form one part of the step;
    /// nil for an unlabeled check, which is a part of its own.
    public var part: String?

    public init(_ kind: Kind, text: String, part: String? = nil) {
        self.kind = kind
        self.text = text
        self.part = part
    }

    /// What is checked.
    public enum Kind: Sendable, Equatable {
        /// The command succeeded (no error diagnostic).
        case ok
        /// The command failed (an error diagnostic).
        case fails
        /// Every statement the report shows (BEGIN, INSERT, SELECT... as in the summary line).
        case statements(Comparison)
        /// Only the SELECT statements.
        case queries(Comparison)
        /// Rows returned or changed, summed over the statements.
        case rows(Comparison)
        /// Objects the command returned (including those left out of a long list).
        case objects(Comparison)
        /// The command showed these objects (among others, maybe): `shows: Author#2, Author#3`.
        case shows([String])
        /// Objects that came from the identity map.
        case identityMapHits(Comparison)
        /// Some statement's SQL contains the text (case-sensitive, at token boundaries).
        case sqlContains(String)
        /// Some statement was bound these values, as the SQL pane shows them: `params: 1, "Kindred"`.
        case params(String)
        /// No statement's SQL contains the text.
        case sqlNotContains(String)
        /// `object Author#1 is dirty`.
        case objectState(ref: String, state: ObjectSnapshot.State)
        /// `Author#1.books loaded` / `Author#1.books not loaded`.
        case associationLoaded(ref: String, association: String, loaded: Bool)
        /// `Author#1.name == "X"` (the value as the objects pane shows it).
        case propertyValue(ref: String, property: String, expected: String)
        /// `row Author#1.name == "X"`: the value stored in the database (committed), read with
        /// SQL rather than from the identity map: the asked `save` happened.
        case rowValue(ref: String, property: String, expected: String)
        /// `eager: books.tags`: some statement loaded this association path because of an
        /// `include(...)` (not a lazy load, not `:set lazy batch`).
        case eager([String])
        /// `no eager: books`: no statement loaded this path because of an `include(...)`.
        case noEager([String])
        /// `pending: Book#1.tags.remove(Tag#2)` / `pending: Author#1 dirty (name)`: the unit of work
        /// after the answer holds this entry, as `:pending` prints it (a link from either side);
        /// `pending: 2` / `pending: 0`: it holds that many entries.
        case pending(String)
        case pendingCount(Comparison)
        /// `output not contains: TEXT`: no output block of the answer contains the text.
        case outputNot(String)
        /// `columns Author: id, name, born`: the entity maps exactly these properties to columns
        /// (a foreign key by its association's name), in any order.
        case columns(entity: String, properties: [String])
        /// `waits: Author for Book`: the entity waits for exactly these entities (no table yet).
        case waits(entity: String, for: [String])
        /// `value: 3`: the scalar result (`= 3` under the panes).
        case value(String)
        /// A note of this kind appeared (`note: save`): never a match on the note's wording.
        case note(Note.Kind)
        /// No note of this kind appeared.
        case noNote(Note.Kind)
        /// Some diagnostic's message contains the text at token boundaries
        /// (`diagnostic: unknown property`).
        case diagnostic(String)
        /// Some output block (tables, code, text of `:pending`, `:sql`, loops...) contains the text.
        case output(String)
        /// SQLite's counters summed over the statements: full-scan steps, sorts, automatic indexes.
        case counter(Counter, Comparison)
        /// `table Author: author` — the entity maps to that table.
        case table(entity: String, table: String)
        /// `column Author.email: email TEXT UNIQUE` — each word group is the column name, its type
        /// or one of its constraints, whole ("DEFAULT 0" does not match "DEFAULT 0.5").
        case column(entity: String, property: String, contains: String)
        /// `column Author.name is: TEXT NOT NULL`: the type and every constraint, none missing
        /// and none extra (the column name may be given too).
        case columnExactly(entity: String, property: String, expected: String)
        /// `association Book.author: belongs-to` — "kind storage details" contains the text.
        case association(entity: String, name: String, contains: String)
        /// `index: book_year` — some index of the mapping contains the text.
        case index(String)
    }

    /// SQLite statement counters a check can read.
    public enum Counter: String, Sendable, CaseIterable {
        case fullScans = "full scans"
        case sorts
        case autoIndexes = "auto indexes"
    }
}

/// `2`, `<= 2`, `>= 1`, `< 3`, `> 0`, `== 2`, `!= 0`.
public struct Comparison: Sendable, Equatable, CustomStringConvertible {
    public enum Operator: String, Sendable, CaseIterable {
        case equal = "==", notEqual = "!=", atMost = "<=", atLeast = ">=", less = "<", greater = ">"
    }
    public var op: Operator
    public var number: Int

    public init(_ op: Operator, _ number: Int) {
        self.op = op
        self.number = number
    }

    public func holds(for actual: Int) -> Bool {
        switch op {
        case .equal: return actual == number
        case .notEqual: return actual != number
        case .atMost: return actual <= number
        case .atLeast: return actual >= number
        case .less: return actual < number
        case .greater: return actual > number
        }
    }

    public var description: String { op == .equal ? String(number) : "\(op.rawValue) \(number)" }

    /// Parses "2", "<= 2", "==2"; nil when it is not a comparison.
    static func parse(_ text: String) -> Comparison? {
        let t = text.trimmed
        for op in [Operator.atMost, .atLeast, .equal, .notEqual, .less, .greater] where t.hasPrefix(op.rawValue) {
            guard let n = Int(t.dropFirst(op.rawValue.count).trimmingCharacters(in: " ")) else { return nil }
            return Comparison(op, n)
        }
        return Int(t).map { Comparison(.equal, $0) }
    }
}

// MARK: - Parsing a check line

extension Check {
    /// Every check line form, for error messages and the authors' README.
    public static let forms = [
        "ok", "fails", "statements: N", "queries: N", "rows: N", "objects: N", "identity map hits: N",
        "shows: Entity#1, Entity#2", "sql contains: TEXT", "sql not contains: TEXT", "params: VALUE, VALUE", "object Entity#1 is new|clean|dirty|deleted|partial|detached",
        "Entity#1.association loaded", "Entity#1.association not loaded", "Entity#1.property == VALUE",
        "value: VALUE", "note: KIND", "no note: KIND", "diagnostic: TEXT", "output contains: TEXT",
        "row Entity#1.property == VALUE", "eager: PATH", "no eager: PATH", "waits: Entity for Entity, Entity",
        "pending: ENTRY", "pending: N", "output not contains: TEXT", "columns Entity: property, property",
        "column Entity.property is: TYPE CONSTRAINTS",
        "counter full scans|sorts|auto indexes: N", "table Entity: table", "column Entity.property: TEXT",
        "association Entity.name: TEXT", "index: TEXT",
    ]

    /// Parses one check as written after `- ` under `Checks:`. Numbers take `N`, `<= N`, `>= N`,
    /// `< N`, `> N`, `== N` or `!= N`.
    public static func parse(_ line: String) -> Result<Check, CheckSyntaxError> {
        var text = line.trimmed
        var part: String?
        // `[the insert] sql contains: …`: a part label.
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let label = text[text.index(after: text.startIndex)..<close].trimmed
            guard !label.isEmpty else { return .failure(CheckSyntaxError(message: "a part label needs a name: - [the insert] sql contains: INSERT")) }
            part = label
            text = text[text.index(after: close)...].trimmed
        }
        func fail(_ message: String) -> Result<Check, CheckSyntaxError> { .failure(CheckSyntaxError(message: message)) }
        func made(_ kind: Kind) -> Result<Check, CheckSyntaxError> { .success(Check(kind, text: text, part: part)) }
        let lower = text.lowercased()
        if lower == "ok" { return made(.ok) }
        if lower == "fails" || lower == "fail" { return made(.fails) }

        // "key: rest" forms.
        if let colon = text.firstIndex(of: ":") {
            let key = text[..<colon].trimmed.lowercased()
            let rest = text[text.index(after: colon)...].trimmed
            func number(_ make: (Comparison) -> Kind) -> Result<Check, CheckSyntaxError> {
                guard let c = Comparison.parse(rest) else { return fail("'\(key)' needs a number, like \(key): 2 or \(key): <= 2") }
                return made(make(c))
            }
            func nonEmpty(_ make: (String) -> Kind) -> Result<Check, CheckSyntaxError> {
                let value = unquoteBackticks(rest)
                guard !value.isEmpty else { return fail("'\(key)' needs a text after the colon") }
                return made(make(value))
            }
            switch key {
            case "statements": return number { .statements($0) }
            case "queries": return number { .queries($0) }
            case "rows": return number { .rows($0) }
            case "objects": return number { .objects($0) }
            case "identity map hits": return number { .identityMapHits($0) }
            case "sql contains": return nonEmpty { .sqlContains($0) }
            case "sql not contains": return nonEmpty { .sqlNotContains($0) }
            case "params": return nonEmpty { .params($0) }
            case "value": return nonEmpty { .value($0) }
            case "note", "no note":
                let name = unquoteBackticks(rest).lowercased()
                guard !name.isEmpty else { return fail("'\(key)' needs a note kind after the colon: \(noteKinds)") }
                guard let kind = Note.Kind(rawValue: name), kind != .lesson else {
                    return fail("unknown note kind '\(name)': notes are checked by kind, not wording; kinds are \(noteKinds)")
                }
                return made(key == "note" ? .note(kind) : .noNote(kind))
            case "eager", "no eager":
                let path = unquoteBackticks(rest).split(separator: ".").map { $0.trimmed }
                guard !path.isEmpty, path.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }) else {
                    return fail("write \(key): books or \(key): books.tags (an association path)")
                }
                return made(key == "eager" ? .eager(path) : .noEager(path))
            case "pending":
                let value = unquoteBackticks(rest)
                guard !value.isEmpty else { return fail("write pending: Author#1 dirty (name), pending: Book#1.tags.add(Tag#2) or pending: 0") }
                if let c = Comparison.parse(value) { return made(.pendingCount(c)) }
                return made(.pending(value))
            case "waits":
                let words = rest.split(separator: " ", maxSplits: 2).map(String.init)
                guard words.count == 3, words[1] == "for" else { return fail("write waits: Author for Book (or for Book, Tag)") }
                let targets = words[2].split(separator: ",").map { $0.trimmed }.filter { !$0.isEmpty }
                guard !targets.isEmpty else { return fail("write waits: Author for Book (or for Book, Tag)") }
                return made(.waits(entity: words[0], for: targets))
            case "diagnostic": return nonEmpty { .diagnostic($0) }
            case "output contains": return nonEmpty { .output($0) }
            case "output not contains": return nonEmpty { .outputNot($0) }
            case "index": return nonEmpty { .index($0) }
            case "shows":
                let refs = rest.split(separator: ",").map { $0.trimmed }
                guard !refs.isEmpty, refs.allSatisfy(isObjectRef) else { return fail("write shows: Author#1, Author#2") }
                return made(.shows(refs))
            default: break
            }
            if key.hasPrefix("counter ") {
                let name = String(key.dropFirst("counter ".count)).trimmed
                guard let counter = Counter(rawValue: name) else {
                    return fail("unknown counter '\(name)': counters are \(Counter.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return number { .counter(counter, $0) }
            }
            let words = text[..<colon].trimmed.split(separator: " ").map(String.init)
            if words.count == 3, words[0].lowercased() == "column", words[2].lowercased() == "is" {
                let value = unquoteBackticks(rest)
                let path = words[1].split(separator: ".").map(String.init)
                guard !value.isEmpty, path.count == 2 else { return fail("write column Entity.property is: TYPE CONSTRAINTS") }
                return made(.columnExactly(entity: path[0], property: path[1], expected: value))
            }
            if words.count == 2, words[0].lowercased() == "columns" {
                let names = unquoteBackticks(rest).split(separator: ",").map { $0.trimmed }.filter { !$0.isEmpty }
                guard !names.isEmpty else { return fail("write columns Author: id, name") }
                return made(.columns(entity: words[1], properties: names))
            }
            if words.count == 2, ["table", "column", "association"].contains(words[0].lowercased()) {
                let value = unquoteBackticks(rest)
                guard !value.isEmpty else { return fail("'\(words[0])' needs a text after the colon") }
                if words[0].lowercased() == "table" { return made(.table(entity: words[1], table: value)) }
                let path = words[1].split(separator: ".").map(String.init)
                guard path.count == 2 else { return fail("write \(words[0]) Entity.name: TEXT") }
                if words[0].lowercased() == "column" { return made(.column(entity: path[0], property: path[1], contains: value)) }
                return made(.association(entity: path[0], name: path[1], contains: value))
            }
        }

        // object Author#1 is dirty (or `object Author (new #3) is new`, as the objects pane names a new object)
        if lower.hasPrefix("object "), let isRange = text.range(of: " is ", options: .backwards) {
            let ref = text[text.index(text.startIndex, offsetBy: 7)..<isRange.lowerBound].trimmed
            let stateText = text[isRange.upperBound...].trimmed
            guard isObjectRef(ref) else { return fail("'\(ref)' is not an object reference like Author#1 or Author (new #3)") }
            guard let state = ObjectSnapshot.State(rawValue: stateText.lowercased()) else {
                return fail("unknown state '\(stateText)': new, clean, dirty, deleted, partial or detached")
            }
            return made(.objectState(ref: ref, state: state))
        }
        // Author#1.books loaded / not loaded
        for (tail, loaded) in [(" not loaded", false), (" loaded", true)] where lower.hasSuffix(tail) {
            if let (ref, member) = splitMember(String(text.dropLast(tail.count)).trimmed) {
                return made(.associationLoaded(ref: ref, association: member, loaded: loaded))
            }
        }
        // row Author#1.name == "X"
        if lower.hasPrefix("row "), let range = text.range(of: "=="),
           let (ref, member) = splitMember(text[text.index(text.startIndex, offsetBy: 4)..<range.lowerBound].trimmed) {
            let expected = text[range.upperBound...].trimmed
            guard !expected.isEmpty else { return fail("write the expected value after ==: row Author#1.name == \"Ursula\"") }
            return made(.rowValue(ref: ref, property: member, expected: expected))
        }
        // Author#1.name == "X"
        if let range = text.range(of: "=="), let (ref, member) = splitMember(text[..<range.lowerBound].trimmed) {
            let expected = text[range.upperBound...].trimmed
            guard !expected.isEmpty else { return fail("write the expected value after ==, as the objects pane shows it") }
            return made(.propertyValue(ref: ref, property: member, expected: expected))
        }
        return fail("unknown check '\(text)'; checks are: \(forms.joined(separator: " · "))")
    }

    /// The kinds a `note:` check may name.
    static var noteKinds: String { Note.Kind.allCases.filter { $0 != .lesson }.map(\.rawValue).joined(separator: ", ") }

    /// `Author#1`, or `Author (new #3)` (a new object before its INSERT, as the panes name it).
    static func isObjectRef(_ s: String) -> Bool {
        if s.hasSuffix(")"), let open = s.range(of: " (new #") {
            let entity = s[..<open.lowerBound]
            let number = s[open.upperBound..<s.index(before: s.endIndex)]
            return !entity.isEmpty && entity.first!.isLetter && entity.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && Int(number) != nil
        }
        let parts = s.split(separator: "#", omittingEmptySubsequences: false)
        // An id, or a natural key written as a word (`Country#CA`).
        return parts.count == 2 && !parts[0].isEmpty && parts[0].first!.isLetter
            && (Int64(parts[1]) != nil || (parts[1].first?.isLetter == true && parts[1].allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }))
    }

    /// "Author#1.books" → ("Author#1", "books").
    static func splitMember(_ s: String) -> (String, String)? {
        guard let dot = s.lastIndex(of: ".") else { return nil }
        let ref = String(s[..<dot])
        let member = String(s[s.index(after: dot)...])
        guard isObjectRef(ref), !member.isEmpty, member.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return (ref, member)
    }

    /// `IN (` written as `` `IN (` `` keeps its spaces visible in Markdown; the backticks go.
    static func unquoteBackticks(_ s: String) -> String {
        if s.count >= 2, s.hasPrefix("`"), s.hasSuffix("`") { return String(s.dropFirst().dropLast()) }
        return s
    }
}

/// A check line that does not parse.
public struct CheckSyntaxError: Error, Sendable, Equatable {
    public var message: String
}

// MARK: - Evaluating

/// What a step is judged on: the reports of the learner's answer (the commands replayed on a
/// fresh sandbox at the step's start), in order, and that sandbox after them.
public struct Answer {
    public var reports: [Report]
    public var sandbox: Workbench?

    public init(reports: [Report], sandbox: Workbench?) {
        self.reports = reports
        self.sandbox = sandbox
    }

    /// Every statement of the answer, in order.
    var statements: [StatementRecord] { reports.flatMap { $0.sql.array } }
    /// The last report that showed objects (for `objects:`, `shows:`, `identity map hits:`).
    var objectReport: Report? { reports.last { !$0.objects.isEmpty || $0.omittedObjects > 0 } }
}

/// The outcome of one check: passed or not, and what was actually there.
public struct CheckResult: Sendable, Equatable {
    public var check: Check
    public var passed: Bool
    /// What the answer showed ("3 statements ran", "no statement contains `JOIN`").
    public var detail: String

    /// "✓ statements: 2" / "✗ statements: 2 — 3 statements ran".
    public var line: String { passed ? "✓ \(check.text)" : "✗ \(check.text) — \(detail)" }
}

extension Check {
    /// Evaluates the check on one report (an answer of one command) and the session behind it.
    public func evaluate(_ report: Report, in workbench: Workbench?) -> CheckResult {
        evaluate(Answer(reports: [report], sandbox: workbench))
    }

    /// Evaluates the check on an answer: counts are summed over its reports, objects read from
    /// the last report that showed some, object and mapping questions from the sandbox after it.
    public func evaluate(_ answer: Answer) -> CheckResult {
        func result(_ passed: Bool, _ detail: String) -> CheckResult { CheckResult(check: self, passed: passed, detail: detail) }
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let reports = answer.reports
        let workbench = answer.sandbox
        func object(_ ref: String) -> ObjectSnapshot? {
            workbench?.objectSnapshot(ref) ?? reports.reversed().lazy.compactMap { $0.objects.last(where: { $0.ref == ref }) }.first
        }
        switch kind {
        case .ok:
            guard let failed = reports.first(where: { !$0.ok }) else { return result(!reports.isEmpty, "no command ran") }
            let message = failed.diagnostics.first { $0.severity == "error" }?.message ?? "error"
            return result(false, "`\(Sandbox.firstLine(failed.input))` failed: \(message)")
        case .fails:
            return result(reports.last.map { !$0.ok } ?? false, "the command succeeded")
        case .statements(let c):
            let n = reports.reduce(0) { $0 + $1.sql.count }
            return result(c.holds(for: n), "\(plural(n, "statement")) ran")
        case .queries(let c):
            let n = answer.statements.filter { $0.sql.uppercased().hasPrefix("SELECT") || $0.sql.uppercased().hasPrefix("WITH") }.count
            return result(c.holds(for: n), "\(n) quer\(n == 1 ? "y" : "ies") ran")
        case .rows(let c):
            let n = answer.statements.reduce(0) { $0 + $1.rows }
            return result(c.holds(for: n), "the statements returned or changed \(plural(n, "row"))")
        case .objects(let c):
            let n = answer.objectReport.map { $0.objects.count + $0.omittedObjects } ?? 0
            return result(c.holds(for: n), "the answer showed \(plural(n, "object"))")
        case .shows(let refs):
            let shown = answer.objectReport?.objects.map(\.ref) ?? []
            let missing = refs.filter { !shown.contains($0) }
            return result(missing.isEmpty, shown.isEmpty ? "the answer showed no objects" : "it showed \(shown.prefix(6).joined(separator: ", "))\(shown.count > 6 ? ", …" : ""), not \(missing.joined(separator: ", "))")
        case .identityMapHits(let c):
            let n = answer.objectReport?.objects.filter(\.fromIdentityMap).count ?? 0
            return result(c.holds(for: n), "\(plural(n, "object")) came from the identity map")
        case .sqlContains(let text):
            if answer.statements.contains(where: { containsAtTokenBoundaries($0.sql, text) }) { return result(true, "") }
            return result(false, answer.statements.isEmpty ? "no SQL ran" : "no statement contains `\(text)`")
        case .params(let expected):
            let bound = answer.statements.filter { !$0.params.isEmpty }.map { $0.params.map(\.display).joined(separator: ", ") }
            return result(bound.contains(expected), bound.isEmpty ? "no statement had bound values" : "the bound values were: \(bound.prefix(6).map { "(\($0))" }.joined(separator: " "))\(bound.count > 6 ? " …" : "")")
        case .sqlNotContains(let text):
            if let s = answer.statements.first(where: { containsAtTokenBoundaries($0.sql, text) }) { return result(false, "this statement contains it: \(s.sql)") }
            return result(true, "")
        case .objectState(let ref, let state):
            guard let o = object(ref) else { return result(false, "\(ref) is not loaded in the session") }
            return result(o.state == state, "\(ref) is \(o.state.rawValue)")
        case .associationLoaded(let ref, let name, let loaded):
            guard let o = object(ref) else { return result(false, "\(ref) is not loaded in the session") }
            guard let a = o.associations.first(where: { $0.name == name }) else {
                return result(false, "\(o.entity) has no association '\(name)'")
            }
            let isLoaded = a.loaded != nil
            return result(isLoaded == loaded, "\(ref).\(name) is \(isLoaded ? "loaded" : "not loaded")")
        case .propertyValue(let ref, let property, let expected):
            guard let o = object(ref) else { return result(false, "\(ref) is not loaded in the session") }
            if let v = o.values.first(where: { $0.name == property }) {
                return result(v.value.display == expected, "\(ref).\(property) is \(v.value.display)")
            }
            if let a = o.associations.first(where: { $0.name == property }) {
                return result(a.display == expected, "\(ref).\(property) is \(a.display)")
            }
            return result(false, "\(ref) shows no property '\(property)'")
        case .rowValue(let ref, let property, let expected):
            guard let wb = workbench else { return result(false, "no database to read") }
            switch wb.storedRow(ref) {
            case .unknownEntity: return result(false, "\(ref) is not an object of a defined entity")
            case .missing(let table): return result(false, "table \(table) has no row for \(ref)")
            case .row(let table, let values, let foreignKeys):
                guard let v = values.first(where: { $0.name == property }) else {
                    // A to-many (or has-one) association: its rows in the join table or the other table.
                    guard let links = wb.storedAssociation(ref, property) else { return result(false, "table \(table) has no column for '\(property)'") }
                    if wb.session.database.isInTransaction {
                        return result(false, "the database holds \(links), but a transaction is still open: nothing is committed until save (or commit)")
                    }
                    return result(links == expected, "the database holds \(ref).\(property) = \(links)")
                }
                var shown = v.value.display
                if let target = foreignKeys[property], case .integer(let id) = v.value, expected.contains("#") { shown = "\(target)#\(id)" }
                let matches = shown == expected || stripQuotes(shown) == expected
                if wb.session.database.isInTransaction {
                    // Written by an autoflush or inside begin …: not stored until the transaction commits.
                    return result(false, "the row holds \(shown), but a transaction is still open: nothing is committed until save (or commit)")
                }
                return result(matches, "the row in \(table) holds \(property) = \(shown)")
            }
        case .eager(let path):
            let wanted = path.joined(separator: ".")
            let hit = answer.statements.contains { statement in
                eagerPaths(inCause: statement.cause).contains { $0 == wanted || $0.hasPrefix(wanted + ".") }
            }
            if hit { return result(true, "") }
            let lazy = answer.statements.contains { $0.cause.contains("(batch:") }
            return result(false, lazy ? "\(wanted) was loaded lazily in batches (:set lazy batch), not eagerly"
                                      : "no statement loaded \(wanted) by include(\(wanted))")
        case .noEager(let path):
            let wanted = path.joined(separator: ".")
            if let s = answer.statements.first(where: { eagerPaths(inCause: $0.cause).contains { $0 == wanted || $0.hasPrefix(wanted + ".") } }) {
                return result(false, "\(wanted) was loaded eagerly (\(s.cause))")
            }
            return result(true, "")
        case .outputNot(let text):
            if let block = reports.flatMap(\.blocks).first(where: { containsAtTokenBoundaries(blockText($0), text) }) {
                return result(false, "the output shows it: \(blockText(block).split(separator: "\n").first { containsAtTokenBoundaries(String($0), text) } ?? "")")
            }
            return result(true, "")
        case .columns(let entity, let properties):
            guard let facts = facts(entity, reports, workbench) else { return result(false, "\(entity) is not defined") }
            let mapped = facts.columns.map(\.property)
            return result(Set(mapped) == Set(properties), "\(entity) maps \(mapped.joined(separator: ", "))")
        case .pending(let entry):
            guard let reasons = workbench?.pendingReasons() else { return result(false, "no unit of work to read") }
            let wanted = LinkChange(entry)
            let found = reasons.contains { $0 == entry || (wanted != nil && LinkChange($0) == wanted) }
            return result(found, reasons.isEmpty ? "the unit of work is empty" : "pending: \(reasons.prefix(6).joined(separator: "; "))")
        case .pendingCount(let c):
            guard let reasons = workbench?.pendingReasons() else { return result(false, "no unit of work to read") }
            return result(c.holds(for: reasons.count), reasons.isEmpty ? "the unit of work is empty" : "\(plural(reasons.count, "entry")) pending".replacingOccurrences(of: "entrys", with: "entries"))
        case .waits(let entity, let targets):
            guard let wb = workbench else { return result(false, "no sandbox to read") }
            guard let waiting = wb.session.schema.waiting[entity] else {
                return result(false, wb.session.schema.order.contains(entity) ? "\(entity) is defined: it waits for nothing" : "\(entity) is not declared")
            }
            return result(Set(waiting) == Set(targets), "\(entity) waits for \(waiting.joined(separator: ", "))")
        case .value(let expected):
            guard let v = reports.last(where: { $0.value != nil })?.value else { return result(false, "the answer showed no value") }
            return result(v.display == expected || stripQuotes(v.display) == expected, "the value is \(v.display)")
        case .note(let kind):
            let notes = reports.flatMap(\.notes).filter { $0.kind != .lesson }
            return result(notes.contains { $0.kind == kind },
                          notes.isEmpty ? "no note was shown" : "no \(kind.rawValue) note was shown")
        case .noNote(let kind):
            if let n = reports.flatMap(\.notes).first(where: { $0.kind == kind }) {
                return result(false, "a note says: \(n.message)")
            }
            return result(true, "")
        case .diagnostic(let text):
            let diagnostics = reports.flatMap(\.diagnostics)
            return result(diagnostics.contains { containsAtTokenBoundaries($0.message, text) },
                          diagnostics.isEmpty ? "no error or warning was reported" : "no diagnostic says `\(text)`")
        case .output(let text):
            // On PostgreSQL the SQL pane is PostgreSQL's own text (what `:dialect postgres` shows
            // on SQLite), so its statements count as output too.
            let inSQL = workbench?.session.db.isPostgres == true
                && reports.contains { report in report.sql.indices.contains { containsAtTokenBoundaries(report.sql.sql(at: $0), text) } }
            return result(inSQL || reports.flatMap(\.blocks).contains { containsAtTokenBoundaries(blockText($0), text) }, "no output shows `\(text)`")
        case .counter(let counter, let c):
            let n = answer.statements.reduce(0) { sum, s in
                guard let k = s.counters else { return sum }
                switch counter {
                case .fullScans: return sum + k.fullScanSteps
                case .sorts: return sum + k.sorts
                case .autoIndexes: return sum + k.autoIndexes
                }
            }
            return result(c.holds(for: n), "SQLite counted \(n) \(counter.rawValue)")
        case .table(let entity, let table):
            guard let facts = facts(entity, reports, workbench) else { return result(false, "\(entity) is not defined") }
            return result(facts.table == table, "\(entity) maps to table \(facts.table)")
        case .column(let entity, let property, let text):
            guard let facts = facts(entity, reports, workbench) else { return result(false, "\(entity) is not defined") }
            guard let column = facts.columns.first(where: { $0.property == property }) else {
                return result(false, "\(entity) has no column for '\(property)'")
            }
            let pieces = [column.column, column.sqlType] + column.constraints
            return result(isMadeOfWholePieces(text, pieces), "\(entity).\(property) → \(pieces.joined(separator: " "))")
        case .columnExactly(let entity, let property, let expected):
            guard let facts = facts(entity, reports, workbench) else { return result(false, "\(entity) is not defined") }
            guard let column = facts.columns.first(where: { $0.property == property }) else {
                return result(false, "\(entity) has no column for '\(property)'")
            }
            let pieces = [column.column, column.sqlType] + column.constraints
            // Every piece but the column's name must be named.
            let exact = wholePiecesLeftOver(expected, pieces)?.allSatisfy { $0 == column.column } ?? false
            return result(exact, "\(entity).\(property) → \(pieces.joined(separator: " "))")
        case .association(let entity, let name, let text):
            guard let facts = facts(entity, reports, workbench) else { return result(false, "\(entity) is not defined") }
            guard let a = facts.associations.first(where: { $0.name == name }) else {
                return result(false, "\(entity) has no association '\(name)'")
            }
            let shown = ([a.kind, a.target, a.storage] + a.details).joined(separator: " · ")
            return result(containsAtTokenBoundaries(shown, text), "\(entity).\(name) is \(shown)")
        case .index(let text):
            // The sandbox's mapping after the answer: an index dropped since does not count.
            let indexes = workbench.map { wb in wb.session.schema.order.flatMap { wb.session.schema.facts(for: $0, in: wb.session.dialect).indexes } }
                ?? reports.flatMap(\.mapping).flatMap(\.indexes)
            return result(indexes.contains { containsAtTokenBoundaries($0, text) },
                          indexes.isEmpty ? "there are no indexes" : "indexes: \(Array(Set(indexes)).sorted().joined(separator: ", "))")
        }
    }

    private func facts(_ entity: String, _ reports: [Report], _ workbench: Workbench?) -> EntityFacts? {
        if let wb = workbench {
            // A waiting entity has facts too: its declared columns and associations ("pending").
            let schema = wb.session.schema
            guard schema.order.contains(entity) || schema.waitingDeclarations.contains(where: { $0.name.name == entity }) else { return nil }
            return schema.facts(for: entity, in: wb.session.dialect)
        }
        return reports.flatMap(\.mapping).last { $0.entity == entity }
    }

    private func stripQuotes(_ s: String) -> String {
        s.count >= 2 && s.hasPrefix("\"") && s.hasSuffix("\"") ? String(s.dropFirst().dropLast()) : s
    }
}

/// `Book#1.tags.remove(Tag#2)` read as a link change, so the same change written from the
/// other side (`Tag#2.books.remove(Book#1)`) is equal: the verb and the two objects.
struct LinkChange: Equatable {
    var verb: String
    var objects: Set<String>

    init?(_ text: String) {
        let t = text.trimmed
        guard t.hasSuffix(")"), let open = t.firstIndex(of: "("), let dot = t[..<open].lastIndex(of: ".") else { return nil }
        verb = String(t[t.index(after: dot)..<open])
        guard ["add", "remove"].contains(verb), let memberDot = t[..<dot].lastIndex(of: ".") else { return nil }
        let owner = String(t[..<memberDot])
        let other = String(t[t.index(after: open)..<t.index(before: t.endIndex)]).trimmed
        guard Check.isObjectRef(owner), Check.isObjectRef(other) else { return nil }
        objects = [owner, other]
    }
}

/// The association paths a statement's cause says were loaded eagerly: `include(books.tags)`
/// (a level of an IN include), or each `include(…, using: join)` of the query a JOIN ran for.
/// A lazy load (`a.books`) and a batch (`a.books (batch: …)`) name none.
func eagerPaths(inCause cause: String) -> [String] {
    var paths: [String] = []
    var rest = Substring(cause)
    let ownStatement = cause.hasPrefix("include(")
    while let open = rest.range(of: "include(") {
        let inside = rest[open.upperBound...]
        guard let close = inside.firstIndex(of: ")") else { break }
        let arguments = inside[..<close]
        let path = arguments.split(separator: ",").first.map { $0.trimmed } ?? ""
        if ownStatement || arguments.contains("using: join") { paths.append(path) }
        rest = inside[close...]
    }
    return paths
}

/// True when `needle` occurs in `haystack` without cutting a word or a number in two:
/// `DEFAULT 0` is not in `DEFAULT 0.5`, `waits for Book` is not in `waits for Books`.
func containsAtTokenBoundaries(_ haystack: String, _ needle: String) -> Bool {
    guard !needle.isEmpty else { return true }
    let h = Array(haystack)
    let n = Array(needle)
    guard n.count <= h.count else { return false }
    func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
    var start = 0
    while start + n.count <= h.count {
        if h[start] == n[0], Array(h[start..<(start + n.count)]) == n {
            let end = start + n.count
            var ok = true
            if start > 0 {
                let before = h[start - 1]
                if isWord(before) && isWord(n[0]) { ok = false }
                // "0.5" is one number: "5" alone is not in it.
                if before == "." && start >= 2 && h[start - 2].isNumber && n[0].isNumber { ok = false }
            }
            if end < h.count {
                let after = h[end]
                if isWord(after) && isWord(n[n.count - 1]) { ok = false }
                if after == "." && end + 1 < h.count && h[end + 1].isNumber && n[n.count - 1].isNumber { ok = false }
            }
            if ok { return true }
        }
        start += 1
    }
    return false
}

/// True when `text` is a sequence of whole `pieces` separated by spaces, in any order:
/// "rating REAL DEFAULT 0" against ["rating", "REAL", "NOT NULL", "DEFAULT 0.5"] is false.
func isMadeOfWholePieces(_ text: String, _ pieces: [String]) -> Bool {
    wholePiecesLeftOver(text, pieces) != nil
}

/// The pieces `text` did not use when it is made of whole pieces (see `isMadeOfWholePieces`);
/// nil when it is not. Of several ways to read it, the one that leaves the fewest.
func wholePiecesLeftOver(_ text: String, _ pieces: [String]) -> [String]? {
    let rest = text.trimmed
    if rest.isEmpty { return pieces }
    var best: [String]?
    for piece in pieces where !piece.isEmpty && rest.hasPrefix(piece) {
        let after = rest.dropFirst(piece.count)
        if after.isEmpty || after.first == " " {
            var remaining = pieces
            remaining.remove(at: remaining.firstIndex(of: piece)!)
            if let left = wholePiecesLeftOver(String(after), remaining), best == nil || left.count < best!.count { best = left }
        }
    }
    return best
}

/// All the text of an output block, for `output contains:`.
func blockText(_ block: Block) -> String {
    switch block {
    case .text(let title, let body): return (title ?? "") + "\n" + body
    case .table(let title, let header, let rows): return ([title ?? "", header.joined(separator: " | ")] + rows.map { $0.joined(separator: " | ") }).joined(separator: "\n")
    case .code(let title, let lines): return ([title ?? ""] + lines).joined(separator: "\n")
    case .diagram(let title, let diagram): return (title ?? "") + "\n" + DiagramMermaid.text(diagram)
    }
}

extension StringProtocol {
    var trimmed: String { trimmingCharacters(in: " \t\r") }

    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
