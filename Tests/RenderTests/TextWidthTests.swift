import Testing
@testable import Render

// MARK: - displayWidth

@Test(arguments: [
    ("", 0),
    ("abc", 3),
    ("日本", 4),
    ("\u{E9}", 1),                    // é precomposed
    ("e\u{301}", 1),                  // é decomposed: e + combining acute
    ("👍🏽", 2),                        // emoji + skin tone modifier
    ("👨‍👩‍👧", 2),                        // family: three emoji joined by ZWJ
    ("❤️", 2),                         // text-default heart + VS16 → emoji presentation
    ("🇯🇵", 2),                         // flag: two regional indicators
    ("한국어", 6),
    ("Ａ", 2),                          // fullwidth Latin
    ("ｱ", 1),                          // halfwidth Katakana
    ("a\u{200B}b", 2),                // zero-width space
    ("①↳⟨⟩─│", 6),
    ("\u{1B}[1;31mred\u{1B}[0m", 3),   // ANSI colour codes take no columns
    ("\u{1B}[2m日本\u{1B}[0m!", 5),
])
func displayWidthFollowsWcwidth(text: String, expected: Int) {
    #expect(displayWidth(text) == expected)
}

@Test func characterWidthOfControlsIsZero() {
    #expect(characterWidth("\u{07}") == 0)
    #expect(characterWidth("\u{301}") == 0)
    #expect(characterWidth("x") == 1)
}

// MARK: - truncate and pad

@Test func truncateCutsAtDisplayWidthWithEllipsis() {
    #expect(truncate("Ursula K. Le Guin", toWidth: 6) == "Ursul…")
    #expect(truncate("short", toWidth: 10) == "short")
    #expect(truncate("日本語", toWidth: 5) == "日本…")
    #expect(truncate("日本語", toWidth: 4) == "日…")
    #expect(truncate("abc", toWidth: 0) == "")
    #expect(truncate("\u{1B}[31mredder\u{1B}[0m", toWidth: 4) == "\u{1B}[31mred…\u{1B}[0m")
}

@Test func padFillsToExactWidth() {
    #expect(pad("ab", toWidth: 5) == "ab   ")
    #expect(pad("ab", toWidth: 5, alignment: .right) == "   ab")
    #expect(pad("ab", toWidth: 5, alignment: .center) == " ab  ")
    #expect(pad("日本", toWidth: 6) == "日本  ")
    #expect(pad("toolong", toWidth: 4) == "too…")
    #expect(displayWidth(pad("\u{1B}[1mhi\u{1B}[0m", toWidth: 7)) == 7)
}

// MARK: - wrap

@Test func wrapBreaksAtSpacesAndIndentsContinuations() {
    #expect(wrap("the quick brown fox jumps", width: 10) == ["the quick", "brown fox", "jumps"])
    #expect(wrap("the quick brown fox jumps", width: 10, indent: 2) == ["the quick", "  brown", "  fox", "  jumps"])
    #expect(wrap("  name  = \"a b\"", width: 40) == ["  name  = \"a b\""])           // inner spaces kept
    #expect(wrap("", width: 10) == [""])
    #expect(wrap("one\n  two three", width: 8) == ["one", "  two", "three"])
    #expect(wrap("one\ntwo", width: 8, indent: 2) == ["one", "  two"])
}

@Test func wrapCutsWordsWiderThanTheLine() {
    #expect(wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
    #expect(wrap("日本語テキスト", width: 5) == ["日本", "語テ", "キス", "ト"])
    for line in wrap("日本語テキスト 👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧 x", width: 5) {
        #expect(displayWidth(line) <= 5)
    }
}

@Test func wrapBreaksALongDottedNameAfterADotRatherThanMidWord() {
    // Wider than a continuation line (25 - 4): split after its dot, the parts kept whole.
    #expect(wrap("inverse of Employee.employeesAsReportsTo", width: 25, indent: 4)
            == ["inverse of Employee.", "    employeesAsReportsTo"])
    // A dotted name that fits on a line of its own moves there whole.
    #expect(wrap("see Employee.reportsTo", width: 20) == ["see", "Employee.reportsTo"])
    // No dot: cut as before.
    #expect(wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
    // A join table's columns break after its opening parenthesis.
    #expect(wrap("join table PlaylistTrack(PlaylistId, TrackId)", width: 22, indent: 0)
            == ["join table", "PlaylistTrack(", "PlaylistId, TrackId)"])
}

@Test func wrapBreakingAfterASeparatorKeepsEachPartWholeWhenItFits() {
    let text = "optional · on delete cascade · inverse of Author.posts"
    #expect(wrap(text, width: 24) == ["optional · on delete", "cascade · inverse of", "Author.posts"])
    #expect(wrap(text, width: 24, breakingAfter: "·") == ["optional ·", "on delete cascade ·", "inverse of Author.posts"])
    // A part longer than a line wraps between its words, from where the line is.
    #expect(wrap("a · one two three four five six", width: 12, indent: 2, breakingAfter: "·")
            == ["a · one two", "  three four", "  five six"])
    // The separator stays with the word before it: no line starts with "·".
    #expect(wrap("one two three · four", width: 13) == ["one two three", "· four"])
    #expect(wrap("one two three · four", width: 13, breakingAfter: "·") == ["one two", "three · four"])
    // Colour survives.
    #expect(wrap("\u{1B}[2ma · bc\u{1B}[0m", width: 3, breakingAfter: "·") == ["\u{1B}[2ma ·\u{1B}[0m", "\u{1B}[2mbc\u{1B}[0m"])
}

@Test func wrapNeverBreaksAfterAWordItIsToldToKeep() {
    // "⟨not loaded⟩" is one marker: "⟨not" never ends a line, the two words move together.
    let line = "  reportsTo = ⟨not loaded⟩"
    #expect(wrap(line, width: 20, indent: 4) == ["  reportsTo = ⟨not", "    loaded⟩"])
    #expect(wrap(line, width: 20, indent: 4, keepingAfter: ["⟨not"]) == ["  reportsTo =", "    ⟨not loaded⟩"])
    #expect(wrap(line, width: 26, indent: 4, keepingAfter: ["⟨not"]) == [line])
    // Kept words chain: "⟲ identity map" moves as one.
    #expect(wrap("Employee#1  dirty  ⟲ identity map", width: 31, indent: 2, keepingAfter: ["⟲", "identity"])
            == ["Employee#1  dirty", "  ⟲ identity map"])
    // "(was" stays with the old value, in its colour.
    #expect(wrap("a = \"new\" \u{1B}[33m(was \"old\")\u{1B}[0m", width: 14, indent: 2, keepingAfter: ["(was"])
            == ["a = \"new\"", "  \u{1B}[33m(was \"old\")\u{1B}[0m"])
}

@Test func wrapCuttingInPlaceStartsAWordThatMustBeCutOnTheCurrentLine() {
    let line = "  badge = \"ABCDEFGHIJKLMNOPQRSTUVWXYZ\""
    // Without: the word goes alone to the next line, and is cut there all the same.
    #expect(wrap(line, width: 20, indent: 4) == ["  badge =", "    \"ABCDEFGHIJKLMNO", "    PQRSTUVWXYZ\""])
    #expect(wrap(line, width: 20, indent: 4, cuttingInPlace: true) == ["  badge = \"ABCDEFGHI", "    JKLMNOPQRSTUVWXY", "    Z\""])
    // Less than half a continuation line left: it starts on the next line.
    #expect(wrap("  employeesAsReportsTo = \"ABCDEFGHIJKLMNOPQRSTUVWXYZ\"", width: 30, indent: 4, cuttingInPlace: true)
            == ["  employeesAsReportsTo =", "    \"ABCDEFGHIJKLMNOPQRSTUVWXY", "    Z\""])
    // A word that fits a continuation line is not cut: it moves whole.
    #expect(wrap("  lastName = \"Adams\"", width: 14, indent: 4, cuttingInPlace: true) == ["  lastName =", "    \"Adams\""])
    // A dotted word still breaks after its dots first.
    #expect(wrap("  email = \"andrew.adams@chinookcorp.com\"", width: 31, indent: 4, cuttingInPlace: true)
            == ["  email = \"andrew.", "    adams@chinookcorp.com\""])
}

@Test func wrapKeepsColourBalancedOnEveryLine() {
    let lines = wrap("\u{1B}[33mone two three\u{1B}[0m", width: 7)
    #expect(lines == ["\u{1B}[33mone two\u{1B}[0m", "\u{1B}[33mthree\u{1B}[0m"])
}

// MARK: - Colour policy

@Test(arguments: [
    (true, [String: String](), false, true),
    (false, [:], false, false),                       // a pipe
    (true, ["NO_COLOR": "1"], false, false),
    (true, ["NO_COLOR": ""], false, true),            // set but empty: ignored
    (true, ["TERM": "dumb"], false, false),
    (true, ["TERM": "xterm-256color"], false, true),
    (true, [:], true, false),                         // --no-color
])
func colorPolicyFollowsConventions(isTerminal: Bool, environment: [String: String], flag: Bool, expected: Bool) {
    #expect(ColorPolicy.shouldColor(isTerminal: isTerminal, environment: environment, noColorFlag: flag) == expected)
}

// MARK: - SQL highlighting

@Test func highlighterLeavesTextAloneWithoutColour() {
    let sql = "SELECT \"author\".* FROM \"author\" WHERE \"name\" LIKE ? AND born < 1950 -- note"
    #expect(SQLHighlighter.highlight(sql, color: false) == sql)
}

@Test func highlighterColoursKeywordsLiteralsAndParameters() {
    let out = SQLHighlighter.highlight("select \"from\" FROM t WHERE a = 'it''s' AND b < 10 AND c = ?", color: true)
    #expect(out == "\u{1B}[1;34mselect\u{1B}[0m \"from\" \u{1B}[1;34mFROM\u{1B}[0m t \u{1B}[1;34mWHERE\u{1B}[0m a = "
        + "\u{1B}[32m'it''s'\u{1B}[0m \u{1B}[1;34mAND\u{1B}[0m b < \u{1B}[36m10\u{1B}[0m \u{1B}[1;34mAND\u{1B}[0m c = \u{1B}[33m?\u{1B}[0m")
    #expect(displayWidth(out) == displayWidth("select \"from\" FROM t WHERE a = 'it''s' AND b < 10 AND c = ?"))
}

@Test func tokenizerGivesBackTheInput() {
    let sql = "INSERT INTO \"book\" (\"title\", \"year\") VALUES (?, ?) -- ok\nSELECT x1, 'a\"b' FROM y"
    #expect(SQLHighlighter.tokenize(sql).map(\.text).joined() == sql)
}

// MARK: - Number formatting

@Test func numbersAreFormattedWithoutFoundation() {
    #expect(fixedPoint(0.0423, decimals: 2) == "0.04")
    #expect(fixedPoint(12.5, decimals: 2) == "12.50")
    #expect(fixedPoint(0.005, decimals: 2) == "0.01")
    #expect(fixedPoint(3, decimals: 0) == "3")
    #expect(groupThousands(1000) == "1,000")
    #expect(groupThousands(1234567) == "1,234,567")
    #expect(groupThousands(999) == "999")
    #expect(statementNumber(1) == "①")
    #expect(statementNumber(20) == "⑳")
    #expect(statementNumber(21) == "(21)")
}

@Test func colourContinuesAcrossNewlines() {
    #expect(wrap("\u{1B}[2mone\ntwo\u{1B}[0m", width: 10) == ["\u{1B}[2mone\u{1B}[0m", "\u{1B}[2mtwo\u{1B}[0m"])
}

@Test func controlCharactersAreMadeSafe() {
    // ESC too: terminalSafe sees raw text (a default value, a :sql line), before any colouring.
    #expect(terminalSafe("a\tb\r\nc\u{07}d\u{1B}[1m") == "a    b\nc�d�[1m")
    #expect(terminalSafe("plain") == "plain")
}
