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

// MARK: - Definitions and unterminated input

@Suite("Duplicate, empty and unterminated input", .timeLimit(.minutes(1)))
struct MalformedInputTests {
    @Test("duplicate and empty definitions", arguments: [
        ("entity Empty { }", nil),
        ("entity Empty {}\nentity Empty {}", nil),
        ("entity D { x: Int; x: String }", "duplicate property 'x' in D"),
        ("entity D { id: Double }", "'id' is reserved for the primary key"),
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
