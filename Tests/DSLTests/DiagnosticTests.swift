import Testing
@testable import DSL

// MARK: - Rendered diagnostics, exactly as the learner sees them

@Test func unterminatedString() {
    #expect(renderedError("insert Author(name: \"Ursula)") == """
    error: unterminated string literal
     --> <test>:1:21
      |
    1 | insert Author(name: "Ursula)
      |                     ^
      = hint: close it with "

    """)
}

@Test func missingParenthesis() {
    #expect(renderedError("save\nAuthor.where(born < 1950") == """
    error: expected ')' to close '(' opened at 2:13
     --> <test>:2:25
      |
    2 | Author.where(born < 1950
      |                         ^

    """)
}

@Test func singleEqualsInACondition() {
    #expect(renderedError("Author.where(born = 1950)") == """
    error: use '==' to compare; '=' assigns
     --> <test>:1:19
      |
    1 | Author.where(born = 1950)
      |                   ^
      = hint: write '==' here to compare two values

    """)
}

@Test func badCharacter() {
    #expect(renderedError("Author.where(name == \"a\") @") == """
    error: unexpected character '@'
     --> <test>:1:27
      |
    1 | Author.where(name == "a") @
      |                           ^

    """)
    #expect(renderedError("Author\0.all") == """
    error: unexpected character U+0000
     --> <test>:1:7
      |
    1 | Author\0.all
      |       ^

    """)
}

@Test func integerOverflow() {
    #expect(renderedError("insert Book(year: 99999999999999999999)") == """
    error: integer literal 99999999999999999999 does not fit in Int (64-bit)
     --> <test>:1:19
      |
    1 | insert Book(year: 99999999999999999999)
      |                   ^~~~~~~~~~~~~~~~~~~~
      = hint: an Int holds -9223372036854775808 through 9223372036854775807

    """)
}

@Test func mistypedCommandWord() {
    #expect(renderedError("insrt Author(name: \"x\")") == """
    error: unknown command 'insrt'
     --> <test>:1:1
      |
    1 | insrt Author(name: "x")
      | ^~~~~
      = hint: did you mean 'insert'?

    """)
}

// MARK: - Messages, hints and positions

@Test(arguments: [
    ("entity { name: String }", "1:8", "expected an entity name after 'entity'",
     "write it like: entity Author { name: String }"),
    ("entity A name: String", "1:10", "expected '{' after 'entity A'",
     "the properties go in braces: entity A { name: String }"),
    ("Author#", "1:8", "expected an id number after '#', as in Author#1", "an entity with a natural key takes its text: Author#FR or Author#\"New Zealand\""),
    // (`Book#x` is a natural key's reference: Book's mapping decides, when it runs.)
    ("Book#.title", "1:6", "expected an id number after '#', as in Book#1", "an entity with a natural key takes its text: Book#FR or Book#\"New Zealand\""),
    ("Author#-1", "1:8", "expected an id number after '#', as in Author#1", "an entity with a natural key takes its text: Author#FR or Author#\"New Zealand\""),
    ("Author#99999999999999999999", "1:8", "integer literal 99999999999999999999 does not fit in Int (64-bit)",
     "an Int holds -9223372036854775808 through 9223372036854775807"),
    ("Author#9223372036854775808", "1:8", "integer literal 9223372036854775808 does not fit in Int (64-bit)",
     "an Int holds -9223372036854775808 through 9223372036854775807"),
    ("9223372036854775808", "1:1", "integer literal 9223372036854775808 does not fit in Int (64-bit)",
     "an Int holds -9223372036854775808 through 9223372036854775807"),
    (") Author.all", "1:1", "unmatched ')'", "remove it, or add the '(' it closes"),
    ("Author.where(x == 1))", "1:21", "unmatched ')'", "remove it, or add the '(' it closes"),
    ("}", "1:1", "unmatched '}'", "remove it, or add the '{' it closes"),
    (", x", "1:1", "expected a statement, found ','",
     "a command starts with a query (Author.all, Author#1), insert, delete, let, for, save, rollback, begin, commit, entity, or a ':' command such as :help"),
    ("Author.all 3", "1:12", "expected a new line or ';' after the command, found '3'",
     "put each command on its own line, or separate them with ';'"),
    ("Author Book", "1:8", "expected a new line or ';' after 'Author', found 'Book'",
     "put each command on its own line, or separate them with ';'"),
    ("entiy Author { name: String }", "1:1", "unknown command 'entiy'", "did you mean 'entity'?"),
    ("entity A {\n  name String\n}", "2:8", "expected ':' after property name 'name'", "write 'name: String'"),
    ("entity A {\n  email: String uniqe\n}", "2:17", "unknown modifier 'uniqe' on property 'email'", "did you mean 'unique'?"),
    ("entity A { a: Int b: Int }", "1:19", "expected a new line or ';' after property 'a', found 'b'",
     "modifiers are unique, index, = default, on delete cascade|set null|restrict, via inverse"),
    ("entity A { m: A? on delete cascde }", "1:28", "expected cascade, set null or restrict after 'on delete', found 'cascde'",
     "did you mean 'cascade'?"),
    ("entity A { m: A? on cascade }", "1:21", "expected 'delete' after 'on'", "write it like: on delete cascade"),
    ("entity A { m: A? on delete set nil }", "1:32", "expected 'null' after 'on delete set'", "write 'on delete set null'"),
    ("entity A { b: [Book]? }", "1:21", "a to-many property cannot be optional", "write '[Book]'; an empty list means none"),
    ("entity A { b: [Book }", "1:21", "expected ']' to close '[' opened at 1:15", nil),
    ("entity A { x: }", "1:15", "expected a type after ':', found '}'",
     "scalar types are Int, Double, String, Bool, Date and Data; or name an entity"),
    ("entity A { x: Int = y }", "1:21", "expected a default value after '=', found 'y'",
     "a default is a literal such as 0, -1.5, \"text\", true or nil"),
    ("entity A { index() }", "1:18", "an index needs at least one property", "list them: index(name, born)"),
    ("entity A { x: Int", "1:18", "expected '}' to close '{' opened at 1:10", nil),
    ("entity A {\n  x: Int\n\n", "2:9", "expected '}' to close '{' opened at 1:10", nil),
    ("for a in A.all {\n  a.x\n", "2:6", "expected '}' to close '{' opened at 1:16", nil),
    ("entity A { x: Int via }", "1:23", "expected the inverse property's name after 'via'", "write it like: via manager"),
    ("insert Author(name = \"x\")", "1:20", "use ':' to give 'name' a value; '=' assigns", "write it like: name: value"),
    ("insert Author(name: \"x\" born: 1)", "1:25", "expected ')' to close '(' opened at 1:14", "separate arguments with ','"),
    ("insert Author(name: \"x\"", "1:24", "expected ')' to close '(' opened at 1:14", nil),
    ("insert (x: 1)", "1:8", "expected an entity name after 'insert'", "write it like: insert Author(name: \"Ursula\")"),
    ("insert Author", "1:14", "expected '(' after 'insert Author'",
     "list the values in parentheses: insert Author(name: \"x\")"),
    ("[1 2]", "1:4", "expected ']' to close '[' opened at 1:1", "separate items with ','"),
    ("(a b)", "1:4", "expected ')' to close '(' opened at 1:1", nil),
    ("Author.where(not x = 1)", "1:20", "use '==' to compare; '=' assigns", "write '==' here to compare two values"),
    ("let x = a = b", "1:11", "use '==' to compare; '=' assigns", "write '==' here to compare two values"),
    ("let x == 3", "1:7", "use '=' to give 'x' a value; '==' compares", nil),
    ("let = 3", "1:5", "expected a name after 'let'", "write it like: let ursula = Author#1"),
    ("let x 3", "1:7", "expected '=' after 'let x'", "write it like: let x = Author#1"),
    ("x = 3", "1:3", "cannot assign to 'x'",
     "use 'let x = ...' to name a value; assign to properties, as in Author#1.name = \"x\""),
    ("Author#1 = 3", "1:10", "only a property can be assigned", "assign to a property, as in Author#1.name = \"x\""),
    ("a < b < c", "1:7", "comparisons cannot be chained", "combine them with 'and', as in a < b and b < c"),
    ("Author.where(x in)", "1:18", "expected an expression, found ')'", nil),
    ("Author.where(in)", "1:14", "expected an expression, found keyword 'in'",
     "to use 'in' as a name, write it in backticks: `in`"),
    ("Author.", "1:8", "expected a property or query name after '.', found the end of the input",
     "for example Author.all or Author#1.name"),
    ("Author.5", "1:8", "expected a property or query name after '.', found '5'", "for example Author.all or Author#1.name"),
    ("delete", "1:7", "expected what to delete after 'delete'", "write it like: delete Book#3"),
    ("for in Author.all { }", "1:5", "expected a loop variable after 'for'",
     "write it like: for a in Author.all { a.name }"),
    ("for a Author.all { }", "1:7", "expected 'in' after 'for a'", "write it like: for a in Author.all { a.name }"),
    ("for a in Author.all a.name", "1:21", "expected '{' after 'for a in ...'",
     "the loop body goes in braces: for a in Author.all { a.name }"),
    ("for a in Author.all { a.x", "1:26", "expected '}' to close '{' opened at 1:21", nil),
    ("for a in Author.all { entity B {} }", "1:23", "an entity can only be declared at the top level, not inside 'for'", nil),
    (":", "1:1", "expected a command name after ':'",
     "workbench commands look like :help or :schema; :help lists them all"),
    ("Author.where(x == \"a\\qb\")", "1:21", "invalid escape sequence '\\q' in string",
     "valid escapes are \\\" \\\\ \\n \\t \\r \\0 and \\u{XXXX}"),
])
func errorMessages(input: String, location: String, message: String, hint: String?) {
    let diagnostics = parse(input).diagnostics
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?.message == message)
    #expect(diagnostics.first?.hint == hint)
    #expect(diagnostics.first?.range.start.description == location)
    #expect(diagnostics.first?.severity == .error)
}
