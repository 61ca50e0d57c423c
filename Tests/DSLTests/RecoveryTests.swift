import Testing
@testable import DSL

// After a broken command the parser reports one diagnostic and goes on with the next command.

@Test func oneBadCommandInTheMiddle() {
    let text = "insert Author(name: \"a\")\nAuthor.where(born = 1950)\nAuthor.all"
    let file = SourceFile(text: text)
    let items = Parser.parse(file).items
    #expect(items.count == 3)
    guard items.count == 3 else { return }
    #expect(items.map { if case .command = $0 { "command" } else { "failure" } } == ["command", "failure", "command"])
    #expect(file.slice(items[1].range) == "Author.where(born = 1950)")
    #expect(sexpr(parse(text).commands[1]) == "(. Author all)")
}

@Test(arguments: [
    // An error inside an entity body skips past its closing brace.
    ("entity A {\n  name String\n  born: Int\n}\nsave", ["(error 2:8 expected ':' after property name 'name')", "(save)"]),
    // `;` at the top level ends a broken command too.
    ("Author.where(x = 1); save", ["(error 1:16 use '==' to compare; '=' assigns)", "(save)"]),
    // A missing ')' in a script costs one command: the next line at the command's column starts anew.
    ("insert Author(name: \"x\"\nAuthor.all\nsave", ["(error 1:24 expected ')' to close '(' opened at 1:14)", "(. Author all)", "(save)"]),
    // ...but an indented continuation line is part of the broken command.
    ("Author.where(x ==\n   1 2)\nsave", ["(error 2:6 expected ')' to close '(' opened at 1:13)", "(save)"]),
    // Errors inside a for body fail the whole loop.
    ("for a in A.all {\n  a.x = \n  a.y\n}\nsave", ["(error 2:8 expected an expression, found the end of the line)", "(save)"]),
    // A lexical error is reported once per command; the next command is fine.
    ("Author.where(name == \"x)\nBook.all", ["(error 1:22 unterminated string literal)", "(. Book all)"]),
    ("@ @ @\n$\nsave", ["(error 1:1 unexpected character '@')", "(error 2:1 unexpected character '$')", "(save)"]),
    ("x )\nsave\n)", ["(error 1:3 expected a new line or ';' after 'x', found ')')", "(save)", "(error 3:1 unmatched ')')"]),
])
func recovery(input: String, expected: [String]) {
    #expect(shape(input) == expected)
    // Read one command at a time (as a script runs), the same items come, broken ones included.
    let file = SourceFile(text: input)
    #expect(Array(IteratorSequence(Parser.commands(of: file))) == Parser.parse(file).items)
}

@Test func readingOneCommandAtATimeGivesTheParsersItems() {
    let text = """
        entity Author {
          name: String
          books: [Book]
        }
        insert Author(name: "Ursula", born: 1929); insert Author(name: "a\tb")
        Author.where(born = 1950)
        for a in Author.all {
          a.books.count
        }
        :sql SELECT 1
        save   rollback
        """
    let file = SourceFile(text: text)
    let items = Array(IteratorSequence(Parser.commands(of: file)))
    #expect(items.count == 8)
    #expect(items == Parser.parse(file).items)
}

@Test func failureRangesCoverTheBrokenCommand() {
    let text = "save\nentity A {\n  name String\n}\n  Author.where(x = 1) .limit(3)  \nsave"
    let file = SourceFile(text: text)
    let failures = Parser.parse(file).items.compactMap { item -> String? in
        if case .failure(_, let range) = item { return file.slice(range) }
        return nil
    }
    #expect(failures == ["entity A {\n  name String\n}", "Author.where(x = 1) .limit(3)"])
}

// MARK: - Continuation lines in the REPL

@Test(arguments: [
    ("Author.where(", true),
    ("Author.where(born < 1950", true),
    ("entity Author {", true),
    ("entity Author {\n  name: String", true),
    ("for a in Author.all {", true),
    ("x in [1, 2", true),
    ("Author.where(x == \"(\")", false),
    ("Author.where(x == \"(\"", true),
    ("Author.all // (", false),
    ("Author.all", false),
    ("", false),
    ("entity A { x: Int }", false),
    ("Author.where(x))", false),
    (")(", false),
    ("(]", false),
    ("{ ( }", false),
    ("insert Author(name: \"abc", false),     // unterminated string: report it now
    ("Author.where(@", false),
    (":explain Book.where(year > 2000", false), // a workbench argument is raw text
    ("save; :help (", false),
    ("for a in A.all { :x (", true),            // ':' inside a body is not a workbench command
])
func needsContinuation(input: String, expected: Bool) {
    #expect(Parser.needsContinuation(input) == expected)
}
