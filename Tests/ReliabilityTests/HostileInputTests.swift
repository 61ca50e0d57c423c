import DSL
import Foundation
import Render
import Report
import Testing
@testable import Workbench

// Input a learner (or a cat on the keyboard) may type: each gives a diagnostic or works, and
// none crashes or hangs. Deep inputs go through the whole Workbench, not only the parser, since
// the resolver, the query compiler, the SQL renderer and SQLite all walk the tree too.

// MARK: - Depth

@Suite("Deep and long expressions", .timeLimit(.minutes(1)))
struct DeepExpressionTests {
    @Test("100,000 '(' give one 'nested too deeply' diagnostic")
    func deepParentheses() throws {
        let wb = try libraryWorkbench()
        let reports = wb.run("Author.where(" + String(repeating: "(", count: 100_000) + "born > 1" + String(repeating: ")", count: 100_000) + ")")
        #expect(reports.count == 1)
        #expect(messages(reports[0]) == ["expression is nested too deeply"])
        #expect(reports[0].diagnostics[0].hint == "at most 100 levels of parentheses, brackets, 'not' and '-' fit in one command; name parts with 'let'")
        // Unbalanced: the same, and the session goes on.
        let unbalanced = wb.run(String(repeating: "(", count: 100_000) + "\nAuthor.count")
        #expect(messages(unbalanced[0]) == ["expression is nested too deeply"])
        #expect(unbalanced.last?.value == .integer(1))
    }

    @Test("100 levels of parentheses work end to end")
    func parenthesesAtTheLimit() throws {
        let wb = try libraryWorkbench()
        let reports = wb.run("Author.where(" + String(repeating: "(", count: 98) + "born > 1" + String(repeating: ")", count: 98) + ").count")
        expectOK(reports[0])
        #expect(reports[0].value == .integer(1))
    }

    @Test("a 10,000-term 'and' chain is refused with a diagnostic, not a stack overflow or an SQLite error")
    func longAndChain() throws {
        let wb = try libraryWorkbench()
        let condition = (0..<10_000).map { "born > \($0)" }.joined(separator: " and ")
        let reports = wb.run("Author.where(\(condition))\n:explain Author.where(\(condition))\nAuthor.count")
        let expected = "expression is too deep: 10002 levels, at most 500 fit in one command"
        #expect(messages(reports[0]) == [expected])
        #expect(reports[0].diagnostics.first?.hint == "each 'and', 'or', '+' or '.' step in a row adds a level, and SQLite refuses expressions deeper than 1000; split it into several commands (name parts with 'let'), or compare one property with many values using in [...]")
        #expect(reports[0].sql.isEmpty)
        #expect(messages(reports[1]) == [expected])
        #expect(reports[2].value == .integer(1))
    }

    @Test("100,000 'and' terms: the parser stops the chain at 10,000 links")
    func veryLongAndChain() throws {
        let wb = try libraryWorkbench()
        let condition = (0..<100_000).map { "born > \($0)" }.joined(separator: " and ")
        let reports = wb.run("Author.where(\(condition))\nAuthor.count")
        #expect(messages(reports[0]) == ["expression is too long: more than 10000 operators in a row"])
        #expect(reports[1].value == .integer(1))
    }

    @Test("the deepest accepted 'and', 'or' and '+' chains run in SQLite; one level more is refused", arguments: ["and", "or", "+"])
    func deepestAcceptedChain(_ op: String) throws {
        let wb = try libraryWorkbench()
        // Author.where(…).count: `.count` and `.where` are 2 levels, a comparison and its operands
        // 2 more (`born + 0 + …` is the left operand of `> 0`); the chain fills the rest.
        let chain: (Int) -> String = { links in
            op == "+" ? "born" + String(repeating: " + 0", count: links) + " > 0"
                      : (0..<links).map { "born > \($0)" }.joined(separator: " \(op) ")
        }
        let accepted = op == "+" ? 496 : 497
        let reports = wb.run("Author.where(\(chain(accepted))).count\nAuthor.where(\(chain(accepted + 1))).count")
        expectOK(reports[0])
        #expect(reports[0].value == .integer(1))
        #expect(reports[0].sql.count == 1)
        #expect(messages(reports[1]) == ["expression is too deep: 501 levels, at most 500 fit in one command"])
    }

    @Test("10,000 '+' in a condition, 100,000 '.all' steps, deep 'not' and '-' are refused")
    func otherDeepShapes() throws {
        let wb = try libraryWorkbench()
        let shapes = [
            "Author.where(born > 0" + String(repeating: " + 1", count: 10_000) + ")",
            "Author" + String(repeating: ".all", count: 100_000),
            "Author#1" + String(repeating: ".books", count: 10_000),
            "Author.where(" + String(repeating: "not ", count: 100_000) + "born > 1)",
            "Author.where(born > " + String(repeating: "-", count: 100_000) + "1)",
            "Author.where(born in " + String(repeating: "[", count: 100_000) + "1" + String(repeating: "]", count: 100_000) + ")",
            String(repeating: "for a in Author.all { ", count: 10_000) + "a.name" + String(repeating: " }", count: 10_000),
            "insert Author(name: " + String(repeating: "(", count: 100_000) + "\"x\"" + String(repeating: ")", count: 100_000) + ")",
        ]
        for shape in shapes {
            let reports = wb.run(shape)
            #expect(reports.count == 1, "\(shape.prefix(40))")
            #expect(reports.first?.ok == false, "\(shape.prefix(40))")
            let message = reports.first?.diagnostics.first?.message ?? ""
            #expect(message == "expression is nested too deeply" || message.hasPrefix("expression is too long") || message.hasPrefix("expression is too deep"),
                    "\(shape.prefix(40)): \(message)")
        }
        #expect(wb.run("Author.count").first?.value == .integer(1))
    }

    @Test("a huge 'in' list holds no operators: it works up to SQLite's limit of bound values")
    func longInList() throws {
        let wb = try libraryWorkbench()
        let values = (0..<20_000).map(String.init).joined(separator: ", ")
        let reports = wb.run("Author.where(born in [1929, \(values)]).count")
        expectOK(reports[0])
        #expect(reports[0].value == .integer(1))
    }
}

// MARK: - Literals and overflow

@Suite("Huge literals and integer overflow", .timeLimit(.minutes(1)))
struct LiteralTests {
    @Test("integers beyond Int64 are diagnosed; Int64's extremes work in inserts and conditions")
    func integerLimits() throws {
        let wb = try libraryWorkbench()
        let tooBig = wb.run("Author.where(born > 9223372036854775808)")
        #expect(messages(tooBig[0]) == ["integer literal 9223372036854775808 does not fit in Int (64-bit)"])
        let huge = wb.run("Author.where(born > " + String(repeating: "9", count: 10_000) + ")")
        #expect(huge[0].diagnostics.first?.message.hasPrefix("integer literal 9999") == true)
        #expect(huge[0].diagnostics.first?.message.hasSuffix(" does not fit in Int (64-bit)") == true)
        let extremes = wb.run("""
            insert Author(name: "max", born: 9223372036854775807)
            insert Author(name: "min", born: -9223372036854775808)
            save
            Author.where(born == 9223372036854775807 or born == -9223372036854775808).count
            Author.max(born)
            Author.min(born)
            """)
        expectAllOK(extremes)
        #expect(extremes[3].value == .integer(2))
        #expect(extremes[4].value == .integer(Int64.max))
        #expect(extremes[5].value == .integer(Int64.min))
    }

    @Test("arithmetic that overflows Int64 in a condition runs (SQLite switches to REAL)")
    func arithmeticOverflow() throws {
        let wb = try libraryWorkbench()
        let reports = wb.run("""
            Author.where(born + 9223372036854775807 > 0).count
            Author.where(born * 9223372036854775807 < 0).count
            Author.where(born - -9223372036854775808 > 0).count
            Author.where(-born == -1929).count
            Author.where(born / 0 == nil).count
            """)
        expectAllOK(reports)
        #expect(reports.map(\.value) == [.integer(1), .integer(0), .integer(1), .integer(1), .integer(1)])
    }

    @Test("limit and offset take whole numbers from 0 to Int64.max", arguments: [
        ("Author.limit(9223372036854775807).count", nil),
        ("Author.offset(9223372036854775807).count", nil),
        ("Author.limit(0).count", nil),
        ("Author.limit(-1)", "limit cannot be negative"),
        ("Author.offset(-9223372036854775808)", "offset cannot be negative"),
        ("Author.limit(99999999999999999999)", "integer literal 99999999999999999999 does not fit in Int (64-bit)"),
        ("Author.limit(1.5)", "limit(...) takes one whole number"),
        ("Author.limit(\"3\")", "limit(...) takes one whole number"),
        ("Author.all.batches(of: 9223372036854775807)", nil),
        ("Author.all.batches(of: 0)", "batches takes a size: batches(of: 1000)"),
    ] as [(String, String?)])
    func limits(_ command: String, _ expected: String?) throws {
        let wb = try libraryWorkbench()
        let report = wb.run(command)[0]
        if let expected {
            #expect(messages(report) == [expected])
        } else {
            expectOK(report)
        }
    }

    @Test("decimals beyond Double are diagnosed; extremes round-trip")
    func doubleLimits() throws {
        let wb = try libraryWorkbench()
        #expect(messages(wb.run("Author.where(rating > 1e400)")[0]) == ["decimal literal 1e400 does not fit in Double"])
        let reports = wb.run("""
            insert Author(name: "big", rating: 1.7976931348623157e308)
            insert Author(name: "tiny", rating: 5e-324)
            insert Author(name: "neg", rating: -1.7976931348623157e308)
            save
            :forget
            Author.where(rating > 1e308).first.rating
            Author.where(rating > 0 and rating < 1e-300).first.rating
            Author.where(rating < -1e308).first.rating
            """)
        expectAllOK(reports)
        #expect(reports[5].value == .real(1.7976931348623157e308))
        #expect(reports[6].value == .real(Double.leastNonzeroMagnitude))
        #expect(reports[7].value == .real(-1.7976931348623157e308))
    }

    @Test("a 2 MB string literal is inserted, saved and read back whole")
    func hugeString() throws {
        let wb = try libraryWorkbench()
        let big = String(repeating: "abcdéf🙂", count: 300_000)
        let reports = wb.run("insert Author(name: \"\(big)\")\nsave\n:forget\nAuthor.where(name like \"abc%\").first.name")
        expectAllOK(reports)
        #expect(reports.last?.value == .text(big))
    }
}

// MARK: - Characters

@Suite("Control characters, NUL, long lines, non-UTF-8", .timeLimit(.minutes(1)))
struct CharacterTests {
    @Test("NUL and other control characters inside strings are kept and bound, not truncated")
    func controlCharactersInStrings() throws {
        let wb = try libraryWorkbench()
        // Escapes, and the same characters typed raw inside the quotes.
        let escaped = "insert Author(name: \"a\\0b\\u{1}\\u{1b}[2J\\u{7f}\\r\\t\")"
        let raw = "insert Author(name: \"c\u{0}d\u{1}\u{1b}[2J\u{7f}\u{85}\u{2028}\")"
        let reports = wb.run(escaped + "\n" + raw + "\nsave\n:forget\nAuthor#2.name\nAuthor#3.name\nAuthor.where(name == \"c\\0d\\u{1}\\u{1b}[2J\\u{7f}\\u{85}\\u{2028}\").count")
        expectAllOK(reports)
        #expect(reports[4].value == .text("a\u{0}b\u{1}\u{1b}[2J\u{7f}\r\t"))
        #expect(reports[5].value == .text("c\u{0}d\u{1}\u{1b}[2J\u{7f}\u{85}\u{2028}"))
        #expect(reports[6].value == .integer(1))
    }

    @Test("control characters outside strings are one diagnostic each, naming the character")
    func controlCharactersInSource() throws {
        let wb = try libraryWorkbench()
        let reports = wb.run("Author\u{0}.all\nAuthor.count\u{7}\n\u{1b}[2J\nAuthor.count")
        #expect(messages(reports[0]) == ["unexpected character U+0000"])
        #expect(messages(reports[1]) == ["unexpected character U+0007"])
        #expect(messages(reports[2]) == ["unexpected character U+001B"])
        #expect(reports[3].value == .integer(1))
    }

    @Test("rendered reports contain no raw control characters when colour is off")
    func renderersEscapeControlCharacters() throws {
        let wb = try libraryWorkbench()
        let reports = wb.run("""
            :sql SELECT '\u{1b}[2J' AS "\u{7}x", 1 AS "\u{9b}y"
            :sql SELECT 1 -- \u{1b}[2J
            :log
            insert Author(name: "\\u{1b}[31mred\\u{7}\\u{0}\\u{9b}2J\\u{8}")
            save
            Author.where(name like "\\u{1b}%").first
            Author.where(name == "\\u{1b}")\u{1b}[2J
            """)
        for report in reports {
            for text in [PlainRenderer.render(report), TerminalRenderer.render(report, options: RenderOptions(width: 120, color: false))] {
                let controls = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) }
                #expect(controls.isEmpty, "\(report.input): \(controls.map { String($0.value, radix: 16) })")
            }
        }
    }

    @Test("a 1 MB line of 50,000 commands runs in linear time")
    func veryLongLine() throws {
        let wb = try libraryWorkbench()
        let line = String(repeating: "Author.count; ", count: 50_000)
        let start = Date()
        let reports = wb.run(line)
        #expect(reports.count == 50_000)
        #expect(reports.allSatisfy { $0.value == .integer(1) })
        #expect(Date().timeIntervalSince(start) < 30)
    }

    @Test("a script with 10,000 mistakes renders each diagnostic quickly (no quadratic rendering)")
    func manyDiagnostics() throws {
        let wb = try libraryWorkbench()
        let script = Array(repeating: "Author.nme", count: 10_000).joined(separator: "\n")
        let start = Date()
        let reports = wb.run(script)
        #expect(reports.count == 10_000)
        #expect(reports.last?.diagnostics.first?.rendered.contains("10000 | Author.nme") == true)
        #expect(Date().timeIntervalSince(start) < 20)
    }

    @Test("non-UTF-8 bytes on standard input: diagnostics and exit code 1, no crash")
    func nonUTF8OnStandardInput() throws {
        var input = Data("entity Author { name: String }\ninsert Author(name: \"ok\")\n".utf8)
        input += Data([0xFF, 0xFE, 0x41, 0xC3, 0x28, 0x0A])                       // stray invalid bytes
        input += Data("insert Author(name: \"".utf8) + Data([0xE2, 0x82, 0x0A])    // truncated sequence in a string
        input += Data("insert Author(name: \"in".utf8) + Data([0xC0, 0xAF]) + Data("side\")\nsave\nAuthor.count\n".utf8)
        let result = try runORMLab([], stdin: input)
        #expect(!result.killedBySignal)
        #expect(result.status == 1)
        #expect(result.stdout.contains("error: unexpected character '\u{FFFD}'"))
        #expect(result.stdout.contains("error: unterminated string literal"))
        #expect(result.stdout.contains("= 2"))   // "ok" and "in��side" were saved
        #expect(result.stderr.isEmpty)
    }
}

// MARK: - Names

@Suite("SQL and Swift keywords as names", .timeLimit(.minutes(1)))
struct KeywordNameTests {
    @Test("SQL keywords as entity and property names are quoted everywhere and queries work")
    func sqlKeywords() throws {
        let reports = try run("""
            entity Order { group: String; select: Int; where: Bool; from: String?; order: Int = 0; table: [Table] }
            entity Table { index: Int index; default: Double?; order: Order; unique index(index, default) }
            insert Order(group: "g", select: 1, where: true, from: "x")
            save
            insert Table(index: 7, order: Order#1)
            save
            Order.where(group == "g" and select > 0 and where and from like "x%").order(order desc, select)
            Order.group(group).count
            Order.select(group, select)
            Table.where(order.group == "g").include(order)
            Order.where(table.any(index == 7)).include(table, using: join)
            Order#1.table
            Order#1.select = 2
            save
            delete Table#1
            save
            """)
        expectAllOK(reports)
        #expect(reports[0].sql.isEmpty) // Order waits for Table
        #expect(reports[1].sql.map(\.sql).first == 
            #"CREATE TABLE "order" ("id" INTEGER PRIMARY KEY, "group" TEXT NOT NULL, "select" INTEGER NOT NULL, "where" INTEGER NOT NULL, "from" TEXT, "order" INTEGER NOT NULL DEFAULT 0)"#)
        #expect(reports[6].sql.map(\.sql) == [
            #"SELECT "order".* FROM "order" WHERE "order"."group" = ? AND "order"."select" > ? AND "order"."where" = ? AND "order"."from" LIKE ? ORDER BY "order"."order" DESC, "order"."select""#,
        ])
        #expect(reports[7].sql.map(\.sql) == [#"SELECT "order"."group", COUNT(*) FROM "order" GROUP BY "order"."group""#])
        #expect(reports[9].objects.map(\.ref) == ["Table#1"])
        #expect(reports[10].objects.first?.ref == "Order#1")
    }

    @Test("Swift keywords and backtick-quoted DSL keywords as names")
    func swiftAndDSLKeywords() throws {
        let reports = try run("""
            entity Class { self: String; Type: Int; init: Bool; protocol: String?; `let`: Int = 0 }
            entity `in` { `for`: String; `not`: Int? }
            insert Class(self: "s", Type: 1, init: false, `let`: 5)
            insert `in`(`for`: "f")
            save
            Class.where(self == "s" and Type == 1 and not init and `let` == 5).count
            `in`.where(`for` == "f" and `not` == nil).count
            let `let` = Class#1
            `let`.self
            """)
        expectAllOK(reports)
        #expect(reports[5].value == .integer(1))
        #expect(reports[6].value == .integer(1))
        #expect(reports[8].value == .text("s"))
    }

    @Test("names that would collide with SQLite's or ORMLab's own tables are diagnosed", arguments: [
        ("entity SqliteMaster { x: Int }", "table name 'sqlite_master' is reserved by SQLite (names starting with sqlite_ are)"),
        ("entity Sqlite_Sequence { x: Int }", "table name 'sqlite_sequence' is reserved by SQLite (names starting with sqlite_ are)"),
        ("entity _ormlabEntities { x: Int }", "table name '_ormlab_entities' is reserved: ORMLab keeps its own data in tables starting with _ormlab"),
        ("entity _ormlabProgress { x: Int }", "table name '_ormlab_progress' is reserved: ORMLab keeps its own data in tables starting with _ormlab"),
    ])
    func reservedTables(_ definition: String, _ message: String) throws {
        let wb = try libraryWorkbench()
        let report = wb.run(definition)[0]
        #expect(messages(report) == [message])
        #expect(report.sql.isEmpty)
        #expect(wb.run("Author.count")[0].value == .integer(1))
    }
}

// MARK: - Definitions and unterminated input

@Suite("Duplicate, empty and unterminated input", .timeLimit(.minutes(1)))
struct MalformedInputTests {
    @Test("duplicate and empty definitions", arguments: [
        ("entity Empty { }", nil),
        ("entity Empty {}\nentity Empty {}", nil),
        ("entity D { x: Int; x: String }", "duplicate property 'x' in D"),
        ("entity D { id: String }", "'id' is reserved for the primary key"),
        ("entity D { author: Author; author_id: Int }", "properties 'author' and 'author_id' both map to column author_id"),
        ("entity FooBar { a: Int }\nentity Foo_Bar { b: Int }", "Foo_Bar would map to table foo_bar, which is already the table of FooBar"),
        ("entity D { x: Int = \"s\" }", "default value \"s\" is not an Int"),
        ("entity D { s: String = \"a\\0b\" }", "a default value cannot contain the NUL character (\\0): SQLite reads SQL text only up to it"),
        ("entity D { s: String = \"a\\u{1b}[2J\" }", "a default value cannot contain control characters such as U+001B: the default is written into the table's SQL as it is"),
        ("entity D { s: String = \"tab\\there\" }", nil),
    ] as [(String, String?)])
    func definitions(_ script: String, _ expected: String?) throws {
        let wb = try libraryWorkbench()
        let reports = wb.run(script)
        if let expected {
            #expect(reports.flatMap(messages) == [expected])
        } else {
            expectAllOK(reports)
        }
    }

    @Test("nested loops stop after a number of passes (100,000 by default) instead of running for ever")
    func nestedLoops() throws {
        let wb = try libraryWorkbench()
        #expect(wb.maximumLoopPasses == 100_000)
        wb.maximumLoopPasses = 2_000 // the same check, quicker
        expectAllOK(wb.run("insert Book(title: \"B\", year: 2000, author: Author#1)\nsave"))
        // 2 books, 40 loops deep: 2^40 passes.
        let loops = String(repeating: "for a in Book.all { ", count: 40) + "a.title" + String(repeating: " }", count: 40)
        let reports = wb.run(loops + "\nBook.count")
        #expect(messages(reports[0]) == ["the loop stopped after 2000 passes (at most that many per command, nested loops included)"])
        #expect(reports[1].value == .integer(2))
        // A loop within the limit runs whole.
        let small = wb.run(String(repeating: "for a in Book.all { ", count: 3) + "a.title" + String(repeating: " }", count: 3))
        expectAllOK(small)
    }

    @Test(":load of a file that loads itself, directly or through another file, is refused")
    func loadCycle() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let first = directory.appendingPathComponent("first.orm").path
        let second = directory.appendingPathComponent("second.orm").path
        try Data("Author.count\n:load \(second)\n".utf8).write(to: URL(fileURLWithPath: first))
        try Data(":load \(first)\n".utf8).write(to: URL(fileURLWithPath: second))
        let wb = try libraryWorkbench()
        let reports = wb.run(":load \(first)\nAuthor.count")
        #expect(reports[0].diagnostics.map(\.message) == ["\(first) is already being loaded: :load would run it again and again"])
        #expect(reports[1].value == .integer(1))
    }

    @Test("a default value with quotes and SQL in it is quoted in the DDL and used as data")
    func hostileDefault() throws {
        let reports = try run("""
            entity K { y: String = "'); DROP TABLE k; --" }
            insert K()
            save
            :forget
            K#1.y
            """)
        expectAllOK(reports)
        #expect(reports[0].sql.map(\.sql) == [#"CREATE TABLE "k" ("id" INTEGER PRIMARY KEY, "y" TEXT NOT NULL DEFAULT '''); DROP TABLE k; --')"#])
        #expect(reports[4].value == .text("'); DROP TABLE k; --"))
    }

    @Test("unterminated strings and calls each give one diagnostic and the next line runs", arguments: [
        ("insert Author(name: \"Ursula", "unterminated string literal"),
        ("Author.where(born > 1", "expected ')' to close '(' opened at 1:13"),
        ("Author.where(born in [1, 2", "expected ']' to close '[' opened at 1:22"),
        ("insert Author(name: \"a\\u{", "unterminated string literal"),
        ("insert Author(name: \"a\\u{41\")", "expected 1 to 8 hex digits and '}' in \\u{...}"),
        ("`in", "expected a name between backticks"),
    ])
    func unterminated(_ command: String, _ message: String) throws {
        let wb = try libraryWorkbench()
        let reports = wb.run(command + "\nAuthor.count")
        #expect(reports.count == 2)
        #expect(reports.first.map(messages) == [message])
        #expect(reports.last?.value == .integer(1))
    }

    @Test("unterminated blocks at the end of the input (what the REPL hands over after Ctrl-D)", arguments: [
        ("entity X { name: String", "expected '}' to close '{' opened at 1:10"),
        ("entity X {\n  name: String\n  born: Int", "expected '}' to close '{' opened at 1:10"),
        ("for a in Author.all { a.name", "expected '}' to close '{' opened at 1:21"),
        ("insert Author(name: \"Ursula", "unterminated string literal"),
        ("Author.where(born > 1", "expected ')' to close '(' opened at 1:13"),
    ])
    func unterminatedAtEnd(_ command: String, _ message: String) throws {
        let wb = try libraryWorkbench()
        let reports = wb.run(command)
        #expect(reports.count == 1)
        let found = reports.first?.diagnostics.map(\.message) ?? []
        // A block may also end at "found the end of the input" after its last member.
        #expect(found == [message] || (found.count == 1 && found[0].hasSuffix("found the end of the input")), "\(found)")
        #expect(Parser.needsContinuation(command) == !message.hasPrefix("unterminated"))
        #expect(wb.run("Author.count").first?.value == .integer(1))
    }
}

// MARK: - Grapheme clusters around quotes and escapes

/// Found by the property tests: Swift joins a combining mark to the ASCII character before it,
/// and a prepending mark (U+06DD) to the one after it, so the lexer missed quotes and escapes.
@Suite("Combining marks next to quotes and escapes", .timeLimit(.minutes(1)))
struct GraphemeTests {
    @Test("strings that start or end next to combining, joining and prepending marks", arguments: [
        "\u{301}abc", "\u{200D}x", "\u{FE0F}", "\u{363}cP", "ab\u{6DD}", "\u{6DD}", "x\u{600}",
        "\t\u{301}e", "\\\u{301}", "\"\u{301}", "\u{1b}\u{301}", "\u{0}\u{FE0F}", "e\u{301}",
    ])
    func marksInStrings(_ text: String) throws {
        let wb = try libraryWorkbench()
        let literal = quoteDSLString(text)
        let reports = wb.run("insert Author(name: \(literal))\nsave\n:forget\nAuthor#2.name\nAuthor.where(name == \(literal)).count")
        expectAllOK(reports)
        #expect(reports[3].value == .text(text))
        #expect(reports[4].value == .integer(1))
    }

    @Test("a combining mark after a name is one diagnostic with a hint, and the caret sits under it")
    func markAfterName() throws {
        let wb = try libraryWorkbench()
        let report = wb.run("Author.where(nam\u{301}e == \"x\")")[0]
        let expected = "unexpected character '" + String(Unicode.Scalar(0x301)!) + "'"
        #expect(messages(report) == [expected])
        #expect(report.diagnostics.first?.hint == "a combining mark joins the character before it; names use only the letters A-Z and a-z, digits and '_'; put other text in a string")
        #expect(report.diagnostics.first?.column == 17)
    }

    @Test("columns after a split character still count what the learner sees")
    func columnsAfterMarks() throws {
        let wb = try libraryWorkbench()
        let report = wb.run("Author.where(name == \"\u{301}\u{6DD}\" and nme == 1)")[0]
        // The quote with U+0301, and U+06DD with the quote, are one column each, as a terminal shows them.
        let before = "Author.where(name == \"\u{301}\u{6DD}\" and "
        #expect(before.count == 28)
        #expect(report.diagnostics.first?.column == before.count + 1)
        #expect(report.diagnostics.first?.message == "unknown property 'nme' on Author")
    }
}
