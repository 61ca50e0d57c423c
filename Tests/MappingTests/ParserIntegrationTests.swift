import Testing
import DSL
@testable import Mapping

// The same mapping from the real parser's AST: ranges and shapes agree with what the tests read.

private func parsedEntities(_ source: String) -> [EntityDecl] {
    Parser.parse(SourceFile(text: source)).commands.compactMap {
        if case .entity(let decl) = $0 { return decl } else { return nil }
    }
}

@Test func parserOutputMapsLikeTheTestReader() {
    let parsed = parsedEntities(specModel)
    #expect(parsed.count == 5)
    var schema = Schema()
    var statements: [String] = []
    for decl in parsed {
        let change = schema.defining(decl)
        #expect(change.diagnostics == [])
        statements += change.statements
        schema = change.schema
    }
    let expected = define(specModel).changes.flatMap(\.statements)
    #expect(statements == expected)
    #expect(statements.count == 8)
}

@Test func parserRangesPlaceDiagnostics() {
    func problems(_ source: String) -> [String] {
        guard let decl = parsedEntities(source).first else { return ["no entity parsed"] }
        return Schema().defining(decl).diagnostics.map(describe)
    }
    #expect(problems("entity Book {\n  title: Strng\n}") == ["2:10 error: unknown type 'Strng' for property 'title'"])
    #expect(problems("entity Book {\n  title: String\n  title: String?\n}") == ["3:3 error: duplicate property 'title' in Book"])
    #expect(problems(#"entity Author { rating: Double = "x" }"#) == [#"1:34 error: default value "x" is not a Double"#])
    #expect(problems("entity Author {\n  name: String\n  index(nmae)\n}") == ["3:9 error: unknown column 'nmae' in index of Author"])
    #expect(problems("entity Order { group: String; select: Int }").isEmpty)
}
