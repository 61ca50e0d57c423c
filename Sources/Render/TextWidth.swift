// Terminal width of text: how many columns a string occupies, with wcwidth semantics implemented
// in Swift (no dependency on the C locale). Every layout decision in this layer goes through
// `displayWidth`, never `String.count`: "日本" is 2 characters but 4 columns, "👨‍👩‍👧" is 5 scalars,
// 1 character and 2 columns, and ANSI colour codes take no columns at all.

// MARK: - Width of one character

/// Columns taken by one grapheme cluster: 0, 1 or 2.
///
/// The first scalar that has a width decides (combining marks, ZWJ and variation selectors add
/// nothing); an emoji base followed by U+FE0F (emoji presentation) takes 2 columns.
public func characterWidth(_ character: Character) -> Int {
    var width = 0
    var baseIsEmoji = false
    for scalar in character.unicodeScalars {
        if width == 0 {
            let w = scalarWidth(scalar)
            if w > 0 {
                width = w
                baseIsEmoji = scalar.properties.isEmoji
            }
        } else if scalar.value == 0xFE0F && baseIsEmoji {
            width = 2
        }
    }
    return width
}

/// Columns of one scalar on its own: 0 for controls, combining marks and format characters,
/// 2 for East Asian Wide/Fullwidth and emoji presentation, 1 otherwise.
func scalarWidth(_ scalar: Unicode.Scalar) -> Int {
    let v = scalar.value
    if v == 0 { return 0 }
    if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }          // C0 and C1 controls
    if v < 0x300 { return 1 }                                      // fast path: Latin
    switch scalar.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format:
        return 0                                                   // combining, ZWJ, VS, ZWSP
    default:
        break
    }
    if v >= 0x1160 && v <= 0x11FF { return 0 }                     // Hangul medial vowels, finals
    if scalar.properties.isEmojiPresentation { return 2 }
    if isEastAsianWide(v) { return 2 }
    return 1
}

/// East Asian Wide (W) and Fullwidth (F) ranges outside the emoji, coarsened the way wcwidth does.
private let eastAsianWideRanges: [ClosedRange<UInt32>] = [
    0x1100...0x115F,   // Hangul Jamo initial consonants
    0x2329...0x232A,   // angle brackets
    0x2E80...0x303E,   // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
    0x3041...0x33FF,   // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, CJK compatibility
    0x3400...0x4DBF,   // CJK Extension A
    0x4E00...0x9FFF,   // CJK Unified Ideographs
    0xA000...0xA4CF,   // Yi
    0xA960...0xA97F,   // Hangul Jamo Extended-A
    0xAC00...0xD7A3,   // Hangul syllables
    0xF900...0xFAFF,   // CJK compatibility ideographs
    0xFE10...0xFE19,   // vertical forms
    0xFE30...0xFE6F,   // CJK compatibility forms, small form variants
    0xFF00...0xFF60,   // fullwidth forms
    0xFFE0...0xFFE6,   // fullwidth signs
    0x16FE0...0x16FFF, // ideographic symbols
    0x17000...0x18CFF, // Tangut, Khitan
    0x1AFF0...0x1B2FF, // Kana supplement and extensions, Nushu
    0x1F200...0x1F2FF, // enclosed ideographic supplement
    0x20000...0x2FFFD, // CJK Extensions B–F
    0x30000...0x3FFFD, // CJK Extension G and later
]

private func isEastAsianWide(_ v: UInt32) -> Bool {
    if v < 0x1100 { return false }
    for range in eastAsianWideRanges {
        if v < range.lowerBound { return false }    // the table is sorted
        if v <= range.upperBound { return true }
    }
    return false
}

// MARK: - ANSI-aware scanning

/// One visible character of a string, with the SGR escape codes (colours) active at that point.
struct StyledCharacter {
    var character: Character
    var width: Int
    /// The concatenated SGR sequences in effect ("" when plain).
    var style: String
}

private let escape: Character = "\u{1B}"
/// Resets every SGR attribute.
let ansiReset = "\u{1B}[0m"

/// Splits `text` into visible characters, dropping escape sequences but remembering which SGR
/// (colour) sequences apply to each character. Other CSI and OSC sequences are dropped.
func scanStyled(_ text: String) -> [StyledCharacter] {
    var result: [StyledCharacter] = []
    var style = ""
    let chars = Array(text)
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if c == escape {
            var j = i + 1
            if j < chars.count && chars[j] == "[" {
                // CSI: parameters then one final byte in 0x40...0x7E.
                j += 1
                var sequence = "\u{1B}["
                while j < chars.count {
                    let ch = chars[j]
                    sequence.append(ch)
                    j += 1
                    if let v = ch.unicodeScalars.first?.value, ch.unicodeScalars.count == 1, v >= 0x40 && v <= 0x7E { break }
                }
                if sequence.hasSuffix("m") {
                    if sequence == "\u{1B}[m" || sequence == "\u{1B}[0m" { style = "" } else { style += sequence }
                }
            } else if j < chars.count && chars[j] == "]" {
                // OSC: up to BEL or ESC \.
                j += 1
                while j < chars.count {
                    if chars[j] == "\u{07}" { j += 1; break }
                    if chars[j] == escape { j += 2; break }
                    j += 1
                }
            } else if j < chars.count {
                j += 1                                  // two-character escape
            }
            i = min(j, chars.count)
            continue
        }
        result.append(StyledCharacter(character: c, width: characterWidth(c), style: style))
        i += 1
    }
    return result
}

/// Joins styled characters back into a string whose escape codes are balanced: every styled run
/// opens its own SGR and ends with a reset, so a line can be cut and padded safely.
func renderStyled<C: Collection>(_ characters: C) -> String where C.Element == StyledCharacter {
    var out = ""
    var current = ""
    for item in characters {
        if item.style != current {
            if !current.isEmpty { out += ansiReset }
            out += item.style
            current = item.style
        }
        out.append(item.character)
    }
    if !current.isEmpty { out += ansiReset }
    return out
}

/// True when `text` contains an escape character.
func containsEscape(_ text: String) -> Bool {
    text.unicodeScalars.contains { $0.value == 0x1B }
}

// MARK: - Public helpers

/// Terminal columns `text` occupies: wcwidth per grapheme cluster, ANSI escape sequences ignored.
/// Newlines count as zero; measure one line at a time.
public func displayWidth(_ text: String) -> Int {
    if !containsEscape(text) {
        var width = 0
        for c in text { width += characterWidth(c) }
        return width
    }
    return scanStyled(text).reduce(0) { $0 + $1.width }
}

/// Cuts `text` to at most `width` columns, ending with "…" when something was cut.
/// Colour codes survive and are closed with a reset.
public func truncate(_ text: String, toWidth width: Int) -> String {
    guard width > 0 else { return "" }
    let styled = scanStyled(text)
    let total = styled.reduce(0) { $0 + $1.width }
    if total <= width { return containsEscape(text) ? renderStyled(styled) : text }
    var kept: [StyledCharacter] = []
    var used = 0
    for item in styled {
        if used + item.width > width - 1 { break }
        kept.append(item)
        used += item.width
    }
    kept.append(StyledCharacter(character: "…", width: 1, style: kept.last?.style ?? ""))
    return renderStyled(kept)
}

/// Where `pad` puts the spaces.
public enum Alignment: Sendable {
    case left, right, center
}

/// Pads `text` with spaces to exactly `width` columns (truncating with "…" when it is wider).
public func pad(_ text: String, toWidth width: Int, alignment: Alignment = .left) -> String {
    let w = displayWidth(text)
    if w > width { return truncate(text, toWidth: width) }
    let gap = width - w
    switch alignment {
    case .left: return text + String(repeating: " ", count: gap)
    case .right: return String(repeating: " ", count: gap) + text
    case .center:
        let left = gap / 2
        return String(repeating: " ", count: left) + text + String(repeating: " ", count: gap - left)
    }
}

/// Word-wraps `text` to lines of at most `width` columns.
///
/// Lines break at spaces; a word wider than the line is broken after a "." or "(" when it has one
/// (`Employee.` / `employeesAsReportsTo`), else cut. Continuation lines start with `indent`
/// spaces (aligning them under the first line's content). Spaces inside a line are kept
/// (alignment survives), spaces at a break are dropped. A newline in `text` starts a new line,
/// indented by `indent` plus its own leading spaces. Colour codes are preserved and balanced on
/// every line.
///
/// With `breakingAfter` (a word such as "·"), the text is a list of parts separated by that word:
/// a part that does not fit on the current line but fits on a line of its own starts a new line,
/// so parts are split only when they must be.
///
/// `keepingAfter` lists words the line never breaks after (`⟨not` of `⟨not loaded⟩`): such a word
/// and the next one move together. With `cuttingInPlace`, a word that must be cut anyway (wider
/// than a continuation line) starts on the current line when at least half a continuation
/// line's room is left there, instead of leaving the text before it alone on its line.
public func wrap(_ text: String, width: Int, indent: Int = 0, breakingAfter separator: String? = nil,
                 keepingAfter unbreakable: Set<String> = [], cuttingInPlace: Bool = false) -> [String] {
    let width = max(width, 1)
    let indent = max(0, min(indent, width / 2))
    var lines: [String] = []
    // Scan once, then split at newlines, so a colour that spans a newline continues after it.
    let paragraphs = scanStyled(text).split(omittingEmptySubsequences: false, whereSeparator: { $0.character == "\n" })
    for (index, paragraph) in paragraphs.enumerated() {
        let indentItems = Array(repeating: StyledCharacter(character: " ", width: 1, style: ""), count: index == 0 ? 0 : indent)
        lines += wrapLine(indentItems + paragraph, width: width, indent: indent, separator: separator,
                          unbreakable: unbreakable, cuttingInPlace: cuttingInPlace)
    }
    return lines
}

/// Greedy word wrap of one line of styled characters.
private func wrapLine(_ chars: [StyledCharacter], width: Int, indent: Int, separator: String?,
                      unbreakable: Set<String> = [], cuttingInPlace: Bool = false) -> [String] {
    // Split into runs of spaces and runs of non-spaces.
    var runs: [(isSpace: Bool, items: [StyledCharacter])] = []
    for item in chars {
        let isSpace = item.character == " "
        if let last = runs.last, last.isSpace == isSpace {
            runs[runs.count - 1].items.append(item)
        } else {
            runs.append((isSpace, [item]))
        }
    }
    func widthOf(_ items: [StyledCharacter]) -> Int { items.reduce(0) { $0 + $1.width } }
    func isSeparator(_ run: (isSpace: Bool, items: [StyledCharacter])) -> Bool {
        !run.isSpace && separator.map { String(run.items.map(\.character)).hasSuffix(" " + $0) } == true
    }
    // The separator stays with the word before it ("fails) ·"): a line never starts with it.
    if let separator {
        var glued: [(isSpace: Bool, items: [StyledCharacter])] = []
        for run in runs {
            if !run.isSpace, String(run.items.map(\.character)) == separator, glued.count >= 2,
               glued[glued.count - 1].isSpace, !glued[glued.count - 2].isSpace {
                let space = glued.removeLast()
                glued[glued.count - 1].items += space.items + run.items
            } else {
                glued.append(run)
            }
        }
        runs = glued
    }
    // A word the line never breaks after is glued to the space and the word after it.
    if !unbreakable.isEmpty {
        var glued: [(isSpace: Bool, items: [StyledCharacter])] = []
        var index = 0
        while index < runs.count {
            var run = runs[index]
            index += 1
            while !run.isSpace, index + 1 < runs.count,
                  unbreakable.contains(String(run.items.reversed().prefix { $0.character != " " }.reversed().map(\.character))) {
                run.items += runs[index].items + runs[index + 1].items
                index += 2
            }
            glued.append(run)
        }
        runs = glued
    }
    // A word wider than a continuation line is split after its dots (and an opening parenthesis)
    // into pieces glued together (no space between them), so it breaks between the parts of a
    // dotted name, or after `PlaylistTrack(`.
    var pieces: [(isSpace: Bool, items: [StyledCharacter])] = []
    for run in runs {
        guard !run.isSpace, widthOf(run.items) > width - indent else { pieces.append(run); continue }
        var piece: [StyledCharacter] = []
        for item in run.items {
            piece.append(item)
            if item.character == "." || item.character == "(" { pieces.append((false, piece)); piece = [] }
        }
        if !piece.isEmpty { pieces.append((false, piece)) }
    }
    runs = pieces

    var lines: [String] = []
    var line: [StyledCharacter] = []
    var lineWidth = 0
    var hasWord = false
    var pendingSpaces: [StyledCharacter] = []
    let indentItems = Array(repeating: StyledCharacter(character: " ", width: 1, style: ""), count: indent)

    func breakLine() {
        lines.append(renderStyled(line))
        line = indentItems
        lineWidth = indent
        hasWord = false
    }

    for (index, run) in runs.enumerated() {
        if run.isSpace {
            pendingSpaces = run.items
            // After a separator: the next part goes to a new line if only there it fits whole.
            if hasWord, index > 0, isSeparator(runs[index - 1]) {
                var partWidth = 0
                for next in runs[(index + 1)...] {
                    partWidth += widthOf(next.items)
                    if isSeparator(next) { break }
                }
                if lineWidth + pendingSpaces.count + partWidth > width && indent + partWidth <= width {
                    breakLine()
                    pendingSpaces = []
                }
            }
            continue
        }
        let word = run.items
        let wordWidth = widthOf(word)
        let spaceWidth = pendingSpaces.count
        if lineWidth + spaceWidth + wordWidth <= width {
            line += pendingSpaces + word
            lineWidth += spaceWidth + wordWidth
            hasWord = true
            pendingSpaces = []
            continue
        }
        if hasWord {
            // A word to be cut anyway may start here, where half a continuation line is left.
            let room = width - lineWidth - spaceWidth
            if cuttingInPlace, wordWidth > width - indent, room > 0, room >= (width - indent) / 2 {
                line += pendingSpaces
                lineWidth += spaceWidth
            } else {
                breakLine()
            }
        } else if lineWidth + spaceWidth < width {
            // Leading spaces of the first line: keep them, the word gets cut below.
            line += pendingSpaces
            lineWidth += spaceWidth
        }
        pendingSpaces = []
        // Place the word on the fresh line, cutting it when it is wider than the line.
        for item in word {
            if lineWidth + item.width > width {
                if lineWidth > indent { breakLine() }
                if lineWidth + item.width > width {
                    // Even an empty line cannot hold it (a wide character in a 1-column line).
                    line.append(StyledCharacter(character: "…", width: 1, style: item.style))
                    lineWidth += 1
                    hasWord = true
                    continue
                }
            }
            line.append(item)
            lineWidth += item.width
            hasWord = true
        }
    }
    if hasWord || lines.isEmpty {
        // Trailing spaces are dropped; an empty or all-space line stays one (empty) line.
        lines.append(renderStyled(hasWord ? line : []))
    }
    return lines
}

// MARK: - Control characters

/// `text` made safe to lay out on a terminal: tabs become four spaces, "\r\n" and "\r" become
/// "\n", and other control characters (which have no width and may move the cursor) become "�",
/// ESC included: callers pass raw text here before they colour it, so an ESC is the learner's (a
/// default value, a `:sql` line) and must not drive the terminal.
func terminalSafe(_ text: String) -> String {
    let needsWork = text.unicodeScalars.contains { scalar in
        let v = scalar.value
        return (v < 0x20 && v != 0x0A) || (v >= 0x7F && v < 0xA0)
    }
    guard needsWork else { return text }
    var out = ""
    for character in text {
        switch character {
        case "\t": out += "    "
        case "\r\n", "\r", "\n": out += "\n"
        default:
            if let v = character.unicodeScalars.first?.value,
               v < 0x20 || (v >= 0x7F && v < 0xA0) {
                out += "�"
            } else {
                out.append(character)
            }
        }
    }
    return out
}
