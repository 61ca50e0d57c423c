import Testing
import Report
@testable import Render

/// The lines of the pane boxes: the box-drawn lines at the top of the output.
private func boxLines(_ output: String) -> [String] {
    Array(output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).prefix { line in
        guard let first = stripANSI(line).first else { return false }
        return "┌│└".contains(first)
    })
}

private func stripANSI(_ text: String) -> String {
    var out = ""
    var inEscape = false
    for scalar in text.unicodeScalars {
        if inEscape {
            if scalar.value >= 0x40 && scalar.value <= 0x7E && scalar != "[" { inEscape = false }
            continue
        }
        if scalar.value == 0x1B { inEscape = true; continue }
        out.unicodeScalars.append(scalar)
    }
    return out
}

private let allFixtures = [Fixtures.query, Fixtures.ddl, Fixtures.waiting, Fixtures.diagnostic, Fixtures.nPlusOne, Fixtures.value,
                           Fixtures.help, Fixtures.table]

// MARK: - Layout

@Test func wideTerminalPutsThreePanesSideBySide() {
    let out = TerminalRenderer.render(Fixtures.query, options: RenderOptions(width: 120, color: false))
    let box = boxLines(out)
    #expect(box.first?.hasPrefix("┌ Mapping ─") == true)
    #expect(box.first?.contains("┬ SQL ─") == true)
    #expect(box.first?.contains("┬ Objects ─") == true)
    #expect(box.first?.hasSuffix("─┐") == true)
    #expect(box.last?.hasPrefix("└─") == true)
    #expect(box.last?.hasSuffix("─┘") == true)
    #expect(box.last?.filter { $0 == "┴" }.count == 2)
    #expect(box.filter { $0.hasPrefix("┌") }.count == 1)
    for line in box { #expect(displayWidth(line) == 120, "\(line)") }
    // The CJK and emoji value sits in the objects pane without breaking the right border.
    #expect(box.contains { $0.contains("村上春樹 👍🏽") && $0.hasSuffix("│") })
    #expect(out.contains("\n 1 statement · 2 rows · 2 objects (1 from the identity map)\n ℹ 1 of 2 objects"))
}

@Test func narrowTerminalStacksThePanes() {
    let out = TerminalRenderer.render(Fixtures.query, options: RenderOptions(width: 80, color: false))
    let box = boxLines(out)
    let tops = box.filter { $0.hasPrefix("┌") }
    #expect(tops.count == 3)
    #expect(tops[0].hasPrefix("┌ Mapping ─") && tops[1].hasPrefix("┌ SQL ─") && tops[2].hasPrefix("┌ Objects ─"))
    #expect(box.filter { $0.hasPrefix("└") }.count == 3)
    #expect(!box.contains { $0.contains("┬") || $0.contains("┴") })
    for line in box { #expect(displayWidth(line) == 80, "\(line)") }
    #expect(box.contains("│   name  = \"村上春樹 👍🏽\" (was \"Murakami\")" + String(repeating: " ", count: 37) + "│"))
}

@Test(arguments: [120, 80])
func everyBoxLineIsExactlyTheTerminalWidth(width: Int) {
    for report in allFixtures {
        for color in [false, true] {
            let out = TerminalRenderer.render(report, options: RenderOptions(width: width, color: color))
            for line in boxLines(out) { #expect(displayWidth(line) == width, "\(line)") }
            for line in out.split(separator: "\n") { #expect(displayWidth(String(line)) <= width, "\(line)") }
        }
    }
}

@Test func boxesStayExactAtEveryWidth() {
    for width in 24...140 {
        for report in [Fixtures.query, Fixtures.nPlusOne, Fixtures.ddl] {
            let out = TerminalRenderer.render(report, options: RenderOptions(width: width, color: true))
            for line in boxLines(out) where displayWidth(line) != width {
                Issue.record("width \(width): \(displayWidth(line)) columns: \(line)")
            }
        }
    }
}

@Test func emptyPanesAreOmitted() {
    let ddl = TerminalRenderer.render(Fixtures.ddl, options: RenderOptions(width: 120, color: false))
    #expect(ddl.hasPrefix("┌ Mapping ─"))
    #expect(ddl.contains("┬ SQL ─"))
    #expect(!ddl.contains("Objects"))
    let help = TerminalRenderer.render(Fixtures.help, options: RenderOptions(width: 120, color: false))
    #expect(boxLines(help).isEmpty)
    #expect(help.hasPrefix("identity: the identity map: one object per row per session\n"))
}

@Test func stackedNPlusOneIsPinned() {
    #expect(TerminalRenderer.render(Fixtures.nPlusOne, options: RenderOptions(width: 80, color: false)) == """
        ┌ Mapping ─────────────────────────────────────────────────────────────────────┐
        │ Author → author                                                              │
        │   id    → id INTEGER PRIMARY KEY                                             │
        │   name  → name TEXT NOT NULL                                                 │
        │   books → has-many Book                                                      │
        │           book.author_id → author.id                                         │
        │           inverse of Book.author                                             │
        └──────────────────────────────────────────────────────────────────────────────┘
        ┌ SQL ─────────────────────────────────────────────────────────────────────────┐
        │ ① SELECT "author".* FROM "author" ORDER BY "author"."name"                   │
        │   3 rows · 0.05 ms                                                           │
        │   full scan 2 steps · sort 1                                                 │
        │   ↳ Author.all.order(name)                                                   │
        │ ② SELECT "book".* FROM "book" WHERE "book"."author_id" = ?  -- ? = 2         │
        │   1 row · 0.02 ms                                                            │
        │   full scan 2 steps                                                          │
        │   ↳ a.books                                                                  │
        │ ③ SELECT "book".* FROM "book" WHERE "book"."author_id" = ?  -- ? = 3         │
        │   1 row · 0.02 ms                                                            │
        │   full scan 2 steps                                                          │
        │   ↳ a.books                                                                  │
        │ ④ SELECT "book".* FROM "book" WHERE "book"."author_id" = ?  -- ? = 1         │
        │   1 row · 0.02 ms                                                            │
        │   full scan 2 steps                                                          │
        │   ↳ a.books                                                                  │
        └──────────────────────────────────────────────────────────────────────────────┘
        ┌ Objects ─────────────────────────────────────────────────────────────────────┐
        │ Author#2  clean                                                              │
        │   name  = "Butler"                                                           │
        │   books = [Book#2]                                                           │
        │ Author#3  clean                                                              │
        │   name  = "Jemisin"                                                          │
        │   books = [Book#3]                                                           │
        │ Author#1  clean                                                              │
        │   name  = "Le Guin"                                                          │
        │   books = [Book#1]                                                           │
        └──────────────────────────────────────────────────────────────────────────────┘
         4 statements · 6 rows · 3 objects
         ⚠ N+1 queries: the same SELECT ran 3 times in this command, once per object
           (cause: a.books): SELECT "book".* FROM "book" WHERE "book"."author_id" = ?.
           Fix: include(books) in the query, or :set lazy batch loads them all in one
           more query.

        for a in Author.all.order(name)
        ┌──────────┬───────────────┐
        │ a        │ a.books.count │
        ├──────────┼───────────────┤
        │ Author#2 │             1 │
        │ Author#3 │             1 │
        │ Author#1 │             1 │
        └──────────┴───────────────┘
        """)
}

@Test func sideBySideDDLIsPinned() {
    #expect(TerminalRenderer.render(Fixtures.ddl, options: RenderOptions(width: 110, color: false)) == """
        ┌ Mapping ────────────────────────────────────┬ SQL ─────────────────────────────────────────────────────────┐
        │ Author → author                             │ ① CREATE TABLE "author" ("id" INTEGER PRIMARY KEY, "name"    │
        │   id   → id INTEGER PRIMARY KEY             │   TEXT NOT NULL, "born" INTEGER)                             │
        │   name → name TEXT NOT NULL                 │   0 rows · 0.31 ms                                           │
        │   born → born INTEGER                       │   ↳ entity Author                                            │
        │   index author_name ON author(name)         │ ② CREATE INDEX "author_name" ON "author"("name")             │
        │                                             │   0 rows · 0.10 ms                                           │
        │                                             │   sort 1                                                     │
        │                                             │   ↳ entity Author                                            │
        └─────────────────────────────────────────────┴──────────────────────────────────────────────────────────────┘
         2 statements · 0 rows
         ℹ Author maps to table author
        """)
}

@Test func longSQLWrapsAtSpacesWithIndentedContinuation() {
    let out = TerminalRenderer.render(Fixtures.query, options: RenderOptions(width: 120, color: false))
    let box = boxLines(out)
    #expect(box[1].contains("│ ① SELECT \"author\".* FROM \"author\" WHERE      │"))
    #expect(box[2].contains("│   \"author\".\"born\" < ? AND \"author\".\"name\"    │"))
    #expect(box[3].contains("│   LIKE ?  -- ? = 1950, \"%u%\"                 │"))
}

// MARK: - Mapping pane with a long property name

/// The Mapping pane's lines: the first column of side-by-side boxes, or the first stacked box;
/// the bars, the margin and the padding taken off.
private func mappingPaneLines(_ output: String) -> [String] {
    var lines: [String] = []
    for line in boxLines(output).dropFirst() {
        if line.hasPrefix("└") || line.hasPrefix("┌") { break }
        let cell = line.split(separator: "│", omittingEmptySubsequences: false)[1]
        var text = Substring(cell.dropFirst())
        while text.last == " " { text = text.dropLast() }
        lines.append(String(text))
    }
    while lines.last == "" { lines.removeLast() }   // the rows beside a taller pane
    return lines
}

/// The words of the pane (breaks between words only: split dotted names joined back).
private func words(_ lines: [String]) -> [String] {
    lines.map { $0.trimmingPrefix(while: { $0 == " " }) }.joined(separator: " ").replacingOccurrences(of: ". ", with: ".")
        .split(separator: " ").map(String.init)
}

@Test func longPropertyNameInANarrowPaneFallsBackToASmallHangingIndent() {
    // 110 columns: the mapping pane is 29 columns inside; "employeesAsReportsTo" would make the
    // name column 25 of them, so names are not padded and continuation lines hang 4 columns in.
    let out = TerminalRenderer.render(Fixtures.longNames, options: RenderOptions(width: 110, color: false))
    #expect(mappingPaneLines(out) == [
        "Employee → employee",
        "  id → id INTEGER PRIMARY KEY",
        "  name → name TEXT NOT NULL",
        "  reportsTo → reports_to_id",
        "    INTEGER REFERENCES",
        "    employee(id)",
        "  reportsTo → belongs-to",
        "    Employee",
        "    employee.reports_to_id →",
        "    employee.id",
        "    optional · on delete: no",
        "    action (deleting a parent",
        "    with children fails) ·",
        "    inverse of Employee.",
        "    employeesAsReportsTo ·",
        "    self-reference",
        "  employeesAsReportsTo →",
        "    has-many Employee",
        "    employee.reports_to_id →",
        "    employee.id",
        "    inverse of",
        "    Employee.reportsTo ·",
        "    self-reference",
    ])
    for line in out.split(separator: "\n") { #expect(displayWidth(String(line)) <= 110, "\(line)") }
}

@Test func longPropertyNameInAWidePaneKeepsTheAlignedColumn() {
    // 80 columns, stacked: 76 inside, the 25-column name column fits; continuation lines stay
    // under the text after "→ ", and the facts wrap at " · " first.
    let out = TerminalRenderer.render(Fixtures.longNames, options: RenderOptions(width: 80, color: false))
    let hanging = String(repeating: " ", count: 25)
    #expect(mappingPaneLines(out) == [
        "Employee → employee",
        "  id                   → id INTEGER PRIMARY KEY",
        "  name                 → name TEXT NOT NULL",
        "  reportsTo            → reports_to_id INTEGER REFERENCES employee(id)",
        "  reportsTo            → belongs-to Employee",
        hanging + "employee.reports_to_id → employee.id",
        hanging + "optional · on delete: no action (deleting a parent",
        hanging + "with children fails) ·",
        hanging + "inverse of Employee.employeesAsReportsTo ·",
        hanging + "self-reference",
        "  employeesAsReportsTo → has-many Employee",
        hanging + "employee.reports_to_id → employee.id",
        hanging + "inverse of Employee.reportsTo · self-reference",
    ])
    for line in out.split(separator: "\n") { #expect(displayWidth(String(line)) <= 80, "\(line)") }
}

@Test(arguments: [60, 80, 110, 160])
func mappingPaneWrapsBetweenWordsAtEveryWidth(width: Int) {
    for color in [false, true] {
        let out = TerminalRenderer.render(Fixtures.longNames, options: RenderOptions(width: width, color: color))
        for line in boxLines(out) { #expect(displayWidth(line) == width, "\(line)") }
        let lines = mappingPaneLines(stripANSI(out))
        // Every word of the plain output is there whole: nothing was cut mid-word.
        let plain = PlainRenderer.render(Fixtures.longNames).split(separator: "\n").map(String.init)
        let plainMapping = plain.drop { $0 != "-- mapping --" }.dropFirst().prefix { !$0.hasPrefix("-- ") }
        #expect(words(lines) == words(Array(plainMapping)))
        // Continuation lines hang at the aligned column only where it is at most a third of the
        // pane (rounded up), else 4 in; no line starts with the separator.
        let inner = displayWidth(String(boxLines(out)[1].split(separator: "│", omittingEmptySubsequences: false)[1])) - 2
        for line in lines where line.hasPrefix("   ") {
            let indent = line.prefix { $0 == " " }.count
            #expect(indent == (25 <= (inner + 2) / 3 ? 25 : 4), "\(width): \(line)")
        }
        #expect(!lines.contains { $0.trimmingPrefix(while: { $0 == " " }).hasPrefix("·") })
    }
}

// MARK: - Colour

@Test func noEscapeCodesWithoutColour() {
    for report in allFixtures {
        for width in [120, 80] {
            let out = TerminalRenderer.render(report, options: RenderOptions(width: width, color: false))
            #expect(!out.contains("\u{1B}"))
        }
        #expect(!PlainRenderer.render(report).contains("\u{1B}"))
    }
}

@Test func colourMarksKeywordsStatesAndHeadlines() {
    let query = TerminalRenderer.render(Fixtures.query, options: RenderOptions(width: 120, color: true))
    #expect(query.contains("\u{1B}[1;34mSELECT\u{1B}[0m"))
    #expect(query.contains("\u{1B}[33mdirty\u{1B}[0m"))
    #expect(query.contains("\u{1B}[2m 1 statement") || query.contains(" \u{1B}[2m1 statement"))
    let diagnostic = TerminalRenderer.render(Fixtures.diagnostic, options: RenderOptions(width: 80, color: true))
    #expect(diagnostic.hasPrefix("\u{1B}[1;31merror: unknown property 'nmae' on Author\u{1B}[0m\n --> <repl>:1:14"))
    // Colour does not change what is shown, only how.
    #expect(stripANSI(query) == TerminalRenderer.render(Fixtures.query, options: RenderOptions(width: 120, color: false)))
}

@Test func objectStatesHaveTheirColours() {
    let states: [(ObjectSnapshot.State, String)] = [(.new, "32"), (.dirty, "33"), (.deleted, "31"), (.partial, "35")]
    for (state, code) in states {
        let report = Report(input: "x", objects: [ObjectSnapshot(ref: "Tag#1", entity: "Tag", state: state, values: [])])
        let out = TerminalRenderer.render(report, options: RenderOptions(width: 80, color: true))
        #expect(out.contains("Tag#1  \u{1B}[\(code)m\(state.rawValue)\u{1B}[0m"))
    }
    let clean = Report(input: "x", objects: [ObjectSnapshot(ref: "Tag#1", entity: "Tag", state: .clean, values: [])])
    #expect(TerminalRenderer.render(clean, options: RenderOptions(width: 80, color: true)).contains("Tag#1  clean"))
}

// MARK: - Limits

@Test func longResultsAreCut() {
    let objects = (1...25).map { ObjectSnapshot(ref: "Tag#\($0)", entity: "Tag", state: .clean, values: [NamedValue("name", .text("t\($0)"))]) }
    let sql = (1...35).map { StatementRecord(sql: "SELECT \($0)", rows: 1, ms: 0.01, cause: "Tag#\($0).books") }
    let report = Report(input: "Tag.all", sql: sql, objects: objects, omittedObjects: 155)
    let out = TerminalRenderer.render(report, options: RenderOptions(width: 80, color: false))
    #expect(out.contains("│ Tag#20  clean "))
    #expect(!out.contains("Tag#21  clean"))
    #expect(out.contains("│ … 160 more objects (:more shows all) "))
    #expect(out.contains("│ ⑳ SELECT 20 "))
    #expect(out.contains("│ (21) SELECT 21 "))
    #expect(out.contains("│ (30) SELECT 30 "))
    #expect(!out.contains("SELECT 31"))
    #expect(out.contains("│ … 5 more statements (:log shows all) "))
    #expect(out.hasSuffix("\n 35 statements · 35 rows · 180 objects"))

    let few = TerminalRenderer.render(Report(input: "x", objects: Array(objects.prefix(3)), omittedObjects: 1),
                                      options: RenderOptions(width: 80, color: false, maxObjects: 2))
    #expect(few.contains("│ … 2 more objects (:more shows all) "))
    // Plain output is for files and diffs: nothing is cut.
    #expect(PlainRenderer.render(report).contains("Tag#25  clean"))
}

// MARK: - Blocks

@Test func tableBlockIsBoxDrawnWithNumbersRightAligned() {
    let out = TerminalRenderer.render(Fixtures.table, options: RenderOptions(width: 80, color: false))
    #expect(out.hasSuffix("""
        ┌────┬─────────────────────┬──────┐
        │ id │ name                │ born │
        ├────┼─────────────────────┼──────┤
        │  1 │ "Ursula K. Le Guin" │ 1929 │
        │  2 │ "村上春樹"          │ 1949 │
        │ 10 │ "Octavia"           │  nil │
        └────┴─────────────────────┴──────┘
        """))
}

@Test func wideTableIsNarrowedToTheTerminal() {
    let long = String(repeating: "word ", count: 30)
    let report = Report(input: ":sql", blocks: [.table(title: "Rows", header: ["id", "text"], rows: [["1", long], ["2", "short"]])])
    let out = TerminalRenderer.render(report, options: RenderOptions(width: 60, color: false))
    let lines = out.split(separator: "\n").map(String.init)
    #expect(lines[0] == "Rows")
    for line in lines.dropFirst() { #expect(displayWidth(line) == 60, "\(line)") }
    #expect(lines[4].hasSuffix("word … │"))
}

// Code blocks wrap too (SPEC §16: `:schema` shows DDL whole), continuation lines four columns in.
@Test func textBlocksWrapAndCodeBlocksWrapWhole() {
    let body = "Eager loading runs one extra query with IN (…) instead of one query per parent object."
    let code = "Author.include(books).where(name like \"U%\").order(name desc).limit(10).offset(20)"
    let report = Report(input: ":help", blocks: [.text(title: "Eager loading", body: body), .code(title: nil, lines: [code])])
    #expect(TerminalRenderer.render(report, options: RenderOptions(width: 40, color: false)) == """
        Eager loading
        Eager loading runs one extra query with
        IN (…) instead of one query per parent
        object.

          Author.include(books).where(name like
              "U%").order(name
              desc).limit(10).offset(20)
        """)
}

@Test func notesAreWrappedUnderTheirSymbol() {
    let report = Report(input: "Author.include(books)",
                        notes: [Note(.unusedEagerLoad, "include(books) loaded 12 books that nothing used."),
                                Note(.identityMap, "Author#1 came from the identity map.")])
    #expect(TerminalRenderer.render(report, options: RenderOptions(width: 30, color: false)) == """
         ⚠ include(books) loaded 12
           books that nothing used.
         ℹ Author#1 came from the
           identity map.
        """)
}

@Test func tabsAndNewlinesInUserTextKeepTheBoxIntact() {
    let report = Report(input: ":sql", sql: [StatementRecord(sql: "SELECT\t1,\t'日本'\r\nFROM t", rows: 1, ms: 0.01,
                                                              cause: "a cause\nwith a newline\u{07}")])
    let out = TerminalRenderer.render(report, options: RenderOptions(width: 40, color: true))
    for line in boxLines(out) { #expect(displayWidth(line) == 40, "\(line)") }
    #expect(stripANSI(out).contains("│ ① SELECT    1,    '日本'             │\n│   FROM t                             │"))
    #expect(stripANSI(out).contains("│   ↳ a cause                          │\n│     with a newline�                  │"))
}

// MARK: - Objects pane with long property names and values

/// The Objects pane's lines: the last column of side-by-side boxes, or the box titled Objects;
/// the bars, the margin and the padding taken off.
private func objectsPaneLines(_ output: String) -> [String] {
    let boxes = boxLines(output)
    guard let top = boxes.firstIndex(where: { $0.hasPrefix("┌") && $0.contains("Objects") }) else { return [] }
    var lines: [String] = []
    for line in boxes[(top + 1)...] {
        if line.hasPrefix("└") { break }
        let cells = line.split(separator: "│", omittingEmptySubsequences: false)
        var text = Substring(cells[cells.count - 2].dropFirst())
        while text.last == " " { text = text.dropLast() }
        lines.append(String(text))
    }
    while lines.last == "" { lines.removeLast() }   // the rows beside a taller pane
    return lines
}

@Test func objectsPaneInANarrowPaneFallsBackToNameEqualsValue() {
    // 110 columns: the objects pane is 31 columns inside; "employeesAsReportsTo" would make the
    // name column 25 of them and the values would wrap, so names are not padded and
    // continuation lines hang 4 columns in. Values wrap between words; "⟨not loaded⟩",
    // "(was …)" and "⟲ identity map" stay whole; a value too long for any line is cut where it
    // starts, not moved alone to the next line.
    let out = TerminalRenderer.render(Fixtures.longValues, options: RenderOptions(width: 110, color: false))
    #expect(out.contains("┬ Objects"))
    #expect(objectsPaneLines(out) == [
        "Employee#1  dirty",
        "  ⟲ identity map",
        "  lastName = \"Adamson\"",
        "    (was \"Adams\")",
        "  email = \"andrew.",
        "    adams@chinookcorp.com\"",
        "  hireDate = \"2002-08-14",
        "    00:00:00\"",
        "  badge = \"EMP0001ADAMSGENERALM",
        "    ANAGER2002\"",
        "  reports_to_id = nil",
        "  reportsTo = ⟨not loaded⟩",
        "  employeesAsReportsTo =",
        "    ⟨not loaded⟩",
    ])
    for line in out.split(separator: "\n") { #expect(displayWidth(String(line)) <= 110, "\(line)") }
}

@Test func objectsPaneInAWidePaneKeepsTheAlignedColumn() {
    // 80 columns, stacked: 76 inside, the 25-column name column fits, every value on its line.
    let out = TerminalRenderer.render(Fixtures.longValues, options: RenderOptions(width: 80, color: false))
    #expect(objectsPaneLines(out) == [
        "Employee#1  dirty  ⟲ identity map",
        "  lastName             = \"Adamson\" (was \"Adams\")",
        "  email                = \"andrew.adams@chinookcorp.com\"",
        "  hireDate             = \"2002-08-14 00:00:00\"",
        "  badge                = \"EMP0001ADAMSGENERALMANAGER2002\"",
        "  reports_to_id        = nil",
        "  reportsTo            = ⟨not loaded⟩",
        "  employeesAsReportsTo = ⟨not loaded⟩",
    ])
}

@Test func objectsPaneKeepsTheAlignedColumnWhereEveryValueFits() {
    // 110 columns: the name column (16) is more than a third of the 31-column pane, but every
    // `name = value` fits on its line, so nothing is squeezed and the column stays.
    let out = TerminalRenderer.render(Fixtures.shortValues, options: RenderOptions(width: 110, color: false))
    #expect(out.contains("┬ Objects"))
    #expect(objectsPaneLines(out) == [
        "Invoice#1  clean",
        "  customerId  = 1",
        "  invoiceDate = \"2024-01-01\"",
        "  total       = 10",
    ])
}

@Test(arguments: [60, 80, 100, 110, 160])
func objectsPaneLosesNothingAtEveryWidth(width: Int) {
    for color in [false, true] {
        let out = TerminalRenderer.render(Fixtures.longValues, options: RenderOptions(width: width, color: color))
        for line in boxLines(out) { #expect(displayWidth(line) == width, "\(line)") }
        let lines = objectsPaneLines(stripANSI(out))
        // The plain output's objects, character for character (spaces aside): nothing dropped.
        let plain = PlainRenderer.render(Fixtures.longValues).split(separator: "\n").map(String.init)
        let plainObjects = plain.drop { $0 != "-- objects --" }.dropFirst().prefix { $0.hasPrefix(" ") || $0.hasPrefix("Employee#") }
        let squeezed = { (lines: [String]) in lines.joined().filter { $0 != " " } }
        #expect(squeezed(lines) == squeezed(Array(plainObjects)), "\(width)")
        // Markers stay whole; no line ends with "=" where its value would have fitted after it.
        #expect(lines.filter { $0.contains("⟨not loaded⟩") }.count == 2, "\(width)")
        #expect(lines.contains { $0.contains("(was \"Adams\")") }, "\(width)")
        let boxes = boxLines(stripANSI(out))
        let top = boxes.firstIndex { $0.hasPrefix("┌") && $0.contains("Objects") } ?? 0
        let cells = boxes[top + 1].split(separator: "│", omittingEmptySubsequences: false)
        let inner = displayWidth(String(cells[cells.count - 2])) - 2
        for (index, line) in lines.enumerated() where line.hasSuffix(" =") && index + 1 < lines.count {
            let next = lines[index + 1].trimmingPrefix(while: { $0 == " " })
            #expect(displayWidth(line) + 1 + displayWidth(String(next)) > inner, "\(width): \(line)")
        }
    }
}
