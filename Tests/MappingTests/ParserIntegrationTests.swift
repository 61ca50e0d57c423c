import Testing
import DSL
@testable import Mapping

// Mapping diagnostics placed by the real parser's ranges.

@Test func parserRangesPlaceDiagnostics() {
    func problems(_ source: String) -> [String] {
        guard let decl = entities(source).first else { return ["no entity parsed"] }
        return Schema().defining(decl).diagnostics.map(describe)
    }
    #expect(problems("entity Book {\n  title: Strng\n}") == ["2:10 error: unknown type 'Strng' for property 'title'"])
    #expect(problems("entity Book {\n  title: String\n  title: String?\n}") == ["3:3 error: duplicate property 'title' in Book"])
    #expect(problems(#"entity Author { rating: Double = "x" }"#) == [#"1:34 error: default value "x" is not a Double"#])
    #expect(problems("entity Author {\n  name: String\n  index(nmae)\n}") == ["3:9 error: unknown column 'nmae' in index of Author"])
    #expect(problems("entity Order { group: String; select: Int }").isEmpty)
}
