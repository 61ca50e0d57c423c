/// A problem found in the learner's input, as a value: the renderers and lesson checks read it.
///
/// The headline is a rule that carries the fix ("unknown property 'nmae' on Author"), the range
/// points at the offending text, and `hint` says in a plain sentence what to write instead.
public struct Diagnostic: Hashable, Sendable, Error {
    public enum Severity: String, Sendable { case error, warning, note }

    public var severity: Severity
    public var message: String
    public var range: SourceRange
    public var hint: String?

    public init(_ severity: Severity = .error, _ message: String, at range: SourceRange, hint: String? = nil) {
        self.severity = severity
        self.message = message
        self.range = range
        self.hint = hint
    }

    public var line: Int { range.start.line }
    public var column: Int { range.start.column }

    /// Renders the diagnostic against its source, Swift-compiler style:
    ///
    ///     error: unknown property 'nmae' on Author
    ///      --> <repl>:1:14
    ///       |
    ///     1 | Author.where(nmae == "x")
    ///       |              ^~~~
    ///       = hint: did you mean 'name'?
    public func rendered(in source: SourceFile) -> String {
        var out = "\(severity.rawValue): \(message)\n"
        out += " --> \(source.name):\(range.start.line):\(range.start.column)\n"
        if let text = source.line(range.start.line) {
            let number = String(range.start.line)
            let gutter = String(repeating: " ", count: number.count)
            out += "\(gutter) |\n"
            out += "\(number) | \(text)\n"
            // Caret under the start, tildes to the end of the range when it stays on this line.
            let lineChars = Array(text)
            let startCol = max(1, min(range.start.column, lineChars.count + 1))
            var width = 1
            if range.end.line == range.start.line {
                width = max(1, min(range.end.column, lineChars.count + 1) - startCol)
            } else {
                width = max(1, lineChars.count + 1 - startCol)
            }
            // Keep tabs so the caret lines up under tabbed text.
            let pad = lineChars.prefix(startCol - 1).map { $0 == "\t" ? "\t" : " " }.joined()
            out += "\(gutter) | \(pad)^\(String(repeating: "~", count: width - 1))\n"
            if let hint { out += "\(gutter) = hint: \(hint)\n" }
        } else if let hint {
            out += "  = hint: \(hint)\n"
        }
        return out
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.lowercased()), b = Array(b.lowercased())
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// The closest candidate to `name` within a distance that still looks like a typo, if any.
public func nearest(_ name: String, in candidates: [String]) -> String? {
    let limit = max(1, min(3, name.count / 3 + 1))
    var best: (String, Int)?
    for candidate in candidates {
        let d = editDistance(name, candidate)
        if d <= limit, best == nil || d < best!.1 { best = (candidate, d) }
    }
    return best?.0
}
