import Testing
@testable import DSL

// MARK: - The spec's examples

@Test func specEntityDefinitionsParse() {
    #expect(shape(specEntities) == [
        "(entity Author (name String) (email String unique) (born Int?) (rating Double =0) (books [Book]) (index name))",
        "(entity Book (title String) (year Int index) (author Author) (tags [Tag]))",
        "(entity Tag (name String unique) (books [Book]))",
        "(entity Profile (bio String) (author Author unique))",
        "(entity Employee (name String) (manager Employee? on-delete:SET NULL) (reports [Employee] via:manager))",
    ])
}

@Test func specStatementsParse() {
    #expect(shape(specStatements) == [
        #"(insert Author [name: "Ursula K. Le Guin"] [email: "ursula@example.org"] [born: 1929])"#,
        #"(insert Book [title: "The Dispossessed"] [year: 1974] [author: Author#1])"#,
        "Author#1",
        "(. Author all)",
        #"(offset (limit (order (where Author (and (< born 1950) (like name "U%"))) [name DESC]) 10) 20)"#,
        #"(where Book (== (. author name) "Ursula K. Le Guin"))"#,
        "(where Author (any books (> year 2000)))",
        "(select Author name email)",
        "(. Author count)", "(. (group Book year) count)", "(max Book year)",
        "(include Author books)",
        "(include Author books [using: join])",
        "(include Author (. books tags))",
        "(. Author#1 books)",
        "(for a (. Author all) (. (. a books) count))",
        #"(set (. Author#1 name) "U. K. Le Guin")"#,
        "(add (. Book#2 tags) Tag#1)", "(remove (. Book#2 tags) Tag#1)",
        "(delete Book#3)",
        "(save)", "(rollback)", "(begin)", "(commit)",
        #"(let ursula (. (where Author (like name "Ursula%")) first))"#,
    ])
}

@Test func everySpecLineParsesOnItsOwn() {
    for line in specStatements.split(separator: "\n") {
        let result = parse(String(line))
        #expect(result.diagnostics.isEmpty, "\(line): \(result.diagnostics.map(\.message))")
    }
}

// MARK: - Exact AST

private func loc(_ line: Int, _ column: Int, _ offset: Int) -> DSL.SourceLocation {
    DSL.SourceLocation(line: line, column: column, offset: offset)
}

private func range(_ from: Int, _ to: Int, line: Int = 1) -> SourceRange {
    SourceRange(loc(line, from + 1, from), loc(line, to + 1, to))
}

@Test func objectReferenceAndMemberAST() {
    let result = parse("Author#1.books")
    let author = Identifier("Author", range(0, 6))
    let expected = Expr.member(base: .objectRef(entity: author, id: 1, range: range(0, 8)),
                               name: Identifier("books", range(9, 14)), range: range(0, 14))
    #expect(result.items == [.command(.statement(.expression(expected)))])
}

@Test func insertAST() {
    let result = parse(#"insert Author(name: "U", born: -5)"#)
    let expected = ScriptStatement.insert(
        entity: Identifier("Author", range(7, 13)),
        arguments: [
            Argument(label: Identifier("name", range(14, 18)), value: .literal(.string("U"), range(20, 23)),
                     range: range(14, 23)),
            Argument(label: Identifier("born", range(25, 29)), value: .literal(.integer(-5), range(31, 33)),
                     range: range(25, 33)),
        ],
        range: range(0, 34))
    #expect(result.commands == [.statement(expected)])
}

@Test func entityAST() {
    let result = parse("entity Tag {\n  name: String? unique\n  unique index(name)\n}")
    let name = PropertyDecl(
        name: Identifier("name", SourceRange(loc(2, 3, 15), loc(2, 7, 19))),
        type: TypeRef(name: Identifier("String", SourceRange(loc(2, 9, 21), loc(2, 15, 27))), isOptional: true,
                      range: SourceRange(loc(2, 9, 21), loc(2, 16, 28))),
        isUnique: true,
        range: SourceRange(loc(2, 3, 15), loc(2, 23, 35)))
    let index = IndexDecl(columns: [Identifier("name", SourceRange(loc(3, 16, 51), loc(3, 20, 55)))], isUnique: true,
                          range: SourceRange(loc(3, 3, 38), loc(3, 21, 56)))
    let expected = EntityDecl(name: Identifier("Tag", range(7, 10)), members: [.property(name), .index(index)],
                              range: SourceRange(loc(1, 1, 0), loc(4, 2, 58)))
    #expect(result.commands == [.entity(expected)])
}

// MARK: - Ranges

@Test func rangesCoverExactlyTheirText() {
    let text = "  Author.where((born < 1950) and x).order(name desc).limit(3)  "
    let file = SourceFile(text: text)
    let result = Parser.parse(file)
    guard case .statement(.expression(let limit))? = result.commands.first,
          case .call(let order, _, let limitArgs, let limitRange) = limit,
          case .call(let whereCall, _, let orderArgs, _) = order,
          case .call(_, let whereName, let whereArgs, let whereRange) = whereCall,
          case .binary(.and, let comparison, _, let andRange) = whereArgs.first?.value
    else {
        Issue.record("unexpected shape: \(result.items)")
        return
    }
    #expect(file.slice(limitRange) == "Author.where((born < 1950) and x).order(name desc).limit(3)")
    #expect(file.slice(whereRange) == "Author.where((born < 1950) and x)")
    #expect(file.slice(whereName.range) == "where")
    #expect(file.slice(andRange) == "(born < 1950) and x")
    #expect(file.slice(comparison.range) == "born < 1950")
    #expect(file.slice(orderArgs[0].range) == "name desc")
    #expect(file.slice(limitArgs[0].range) == "3")
    #expect(file.slice(result.items[0].range) == "Author.where((born < 1950) and x).order(name desc).limit(3)")
}

@Test func commandRangesSliceEachCommand() {
    let text = """
    entity A { x: Int }
      insert A(x: 1); save
    for a in A.all {
      a.x = 2
    }
    let b = -A#1.x   :help lazy  
    """
    let file = SourceFile(text: text)
    let slices = Parser.parse(file).items.map { file.slice($0.range) }
    #expect(slices == [
        "entity A { x: Int }", "insert A(x: 1)", "save", "for a in A.all {\n  a.x = 2\n}",
        "let b = -A#1.x   :help lazy",
    ])
    // `:help` only starts a command at the beginning of one: here it is a mistake after `let`.
    #expect(parse("let b = A#1 :help").diagnostics.map(\.message) == ["expected a new line or ';' after the command, found ':'"])
}

// MARK: - Workbench commands

@Test func workbenchCommands() {
    let text = "save\n  :explain   Book.where(year > 2000 ; x  \n:help\n:sql SELECT 1; SELECT 2"
    let file = SourceFile(text: text)
    let result = Parser.parse(file)
    #expect(shape(text) == ["(save)", #"(:explain "Book.where(year > 2000 ; x")"#, #"(:help "")"#,
                            #"(:sql "SELECT 1; SELECT 2")"#])
    guard case .workbench(_, _, let range, let argumentRange) = result.commands[1] else {
        Issue.record("not a workbench command")
        return
    }
    #expect(file.slice(range) == ":explain   Book.where(year > 2000 ; x")
    #expect(argumentRange.start == loc(2, 14, 18))
    #expect(file.slice(argumentRange) == "Book.where(year > 2000 ; x")
    if case .workbench(_, let argument, let range, let argumentRange) = result.commands[2] {
        #expect(argument == "")
        #expect(file.slice(range) == ":help")
        #expect(argumentRange.start == argumentRange.end)
    }
}

@Test func parsingASliceKeepsFileLocations() {
    let file = SourceFile(name: "<repl>", text: ":explain Book.where(year > 2000)", firstLine: 3)
    guard case .workbench("explain", _, _, let argumentRange)? = Parser.parse(file).commands.first else {
        Issue.record("not :explain")
        return
    }
    let query = Parser.parse(file, range: argumentRange)
    #expect(query.commands.map(sexpr) == ["(where Book (> year 2000))"])
    #expect(query.items.first?.range == SourceRange(loc(3, 10, 9), loc(3, 33, 32)))
    // An error inside the slice points into the file's line.
    let broken = SourceFile(name: "<repl>", text: ":explain Book.where(year = 2000)")
    guard case .workbench(_, _, _, let brokenRange)? = Parser.parse(broken).commands.first else { return }
    #expect(Parser.parse(broken, range: brokenRange).diagnostics.map(\.range.start) == [loc(1, 26, 25)])
}

// MARK: - Expressions

@Test(arguments: [
    ("-5", "-5"),
    ("-9223372036854775808", "-9223372036854775808"),
    ("- 1.5", "-1.5"),
    ("-x", "(- x)"),
    ("- -5", "(- -5)"),
    ("-5.abs", "(. -5 abs)"),
    ("1 - -2", "(- 1 -2)"),
    ("a or b and not c == 1 + 2 * 3", "(or a (and b (not (== c (+ 1 (* 2 3))))))"),
    ("(a or b) and c", "(and (or a b) c)"),
    ("a - b - c / d / e", "(- (- a b) (/ (/ c d) e))"),
    ("not not a", "(not (not a))"),
    ("x != 1 and y <= 2 or z >= 3", "(or (and (!= x 1) (<= y 2)) (>= z 3))"),
    ("year in [1, 2, 3]", "(in year [1 2 3])"),
    ("[]", "[]"),
    ("[1, [2], \"x\",]", "[1 [2] \"x\"]"),
    ("name like \"U%\"", "(like name \"U%\")"),
    ("true", "true"), ("false", "false"), ("nil", "nil"),
    ("x.order", "(. x order)"),
    ("Book.in", "(. Book in)"),
    ("x.index.unique.on.via.entity.insert.asc", "(. (. (. (. (. (. (. x index) unique) on) via) entity) insert) asc)"),
    ("`in` == `not`", "(== in not)"),
    ("Author.where(a, )", "(where Author a)"),
    ("Author.order(name asc, born desc)", "(order Author [name ASC] [born DESC])"),
    ("Author.where(\n  born < 1950\n  and x\n)", "(where Author (and (< born 1950) x))"),
    ("Author.all\n  .limit(3)", "(limit (. Author all) 3)"),
    ("Author#9223372036854775807", "Author#9223372036854775807"),
    ("Author # 2", "Author#2"),
])
func expressions(input: String, expected: String) {
    #expect(shape(input) == [expected])
}

@Test func negativeLiteralsFold() {
    #expect(parse("-9223372036854775808").commands == [.statement(.expression(
        .literal(.integer(Int64.min), range(0, 20))))])
    #expect(parse("-2.5").commands == [.statement(.expression(.literal(.double(-2.5), range(0, 4))))])
}

// MARK: - Statements

@Test(arguments: [
    ("let x = Author#1", "(let x Author#1)"),
    ("delete b", "(delete b)"),
    ("delete Author.where(x == 1)", "(delete (where Author (== x 1)))"),
    ("a.author = Author#2", "(set (. a author) Author#2)"),
    ("Author#1.name = \"a\" + \"b\"", "(set (. Author#1 name) (+ \"a\" \"b\"))"),
    ("b.tags.add(Tag#1)", "(add (. b tags) Tag#1)"),
    ("for a in Author.all { a.x = 1; a.books.count\n save }", "(for a (. Author all) (set (. a x) 1) (. (. a books) count) (save))"),
    ("for a in A.all {\n}", "(for a (. A all))"),
    ("for a in A.all { for b in a.books { b.title } }", "(for a (. A all) (for b (. a books) (. b title)))"),
    ("insert Author()", "(insert Author)"),
    ("insert Author(\n  name: \"x\",\n  born: 1\n)", "(insert Author [name: \"x\"] [born: 1])"),
    ("insert `Order`(`in`: 1)", "(insert Order [in: 1])"),
])
func statements(input: String, expected: String) {
    #expect(shape(input) == [expected])
}

@Test func separatorsAndSharedLines() {
    #expect(shape("\n\n;save;;\n  rollback ;\n") == ["(save)", "(rollback)"])
    #expect(shape("Author.count   Book.max(year)   insert A(x: 1)") == ["(. Author count)", "(max Book year)", "(insert A [x: 1])"])
    #expect(shape("") == [])
    #expect(shape("// nothing but a comment") == [])
}

// MARK: - Entity definitions

@Test(arguments: [
    ("entity E { a: Int = -1; b: Double = 1.5; c: String = \"x\"; d: Bool = true; e: Int? = nil }",
     "(entity E (a Int =-1) (b Double =1.5) (c String =\"x\") (d Bool =true) (e Int? =nil))"),
    ("entity E { index: Int; unique: Bool; on: Int; via: Int; delete: Int; order: Int }",
     "(entity E (index Int) (unique Bool) (on Int) (via Int) (delete Int) (order Int))"),
    ("entity E { a: A on delete cascade; b: B? on delete restrict; c: C? unique index on delete set null via x }",
     "(entity E (a A on-delete:CASCADE) (b B? on-delete:RESTRICT) (c C? unique index on-delete:SET NULL via:x))"),
    ("entity E { index(a, b); unique index(c) }", "(entity E (index a b) (unique-index c))"),
    ("entity E {}", "(entity E)"),
    ("entity E {\n\n  // comment\n  a: Int   // trailing\n\n}", "(entity E (a Int))"),
    ("entity `in` { `for`: [`let`] }", "(entity in (for [let]))"),
])
func entities(input: String, expected: String) {
    #expect(shape(input) == [expected])
}
