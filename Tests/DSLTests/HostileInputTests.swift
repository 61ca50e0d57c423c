import Testing
@testable import DSL

// Inputs a fuzzer (or a cat on the keyboard) would type: they must end quickly, with a parse or a
// diagnostic, never with a crash or a stack overflow.

/// Parses `text`, failing the test if it takes longer than `limit`.
private func parseQuickly(_ text: String, within limit: Duration = .seconds(10)) -> ParseResult {
    let clock = ContinuousClock()
    var result = ParseResult(items: [])
    let elapsed = clock.measure { result = parse(text) }
    #expect(elapsed < limit, "took \(elapsed)")
    return result
}

@Test(arguments: [
    ("100,000 '('", String(repeating: "(", count: 100_000)),
    ("100,000 '['", String(repeating: "[", count: 100_000)),
    ("100,000 'not'", String(repeating: "not ", count: 100_000) + "x"),
    ("100,000 '-'", String(repeating: "-", count: 100_000) + "x"),
    ("nested calls", String(repeating: "x.f(", count: 100_000)),
    ("nested for", String(repeating: "for a in b {", count: 10_000)),
])
func deepNestingIsRefused(name: String, text: String) {
    let result = parseQuickly(text)
    #expect(result.diagnostics.map(\.message) == ["expression is nested too deeply"])
}

@Test func nestingUpToTheLimitParses() {
    let depth = Parser.maximumNesting
    let parens = String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
    #expect(parseQuickly(parens).commands.map(sexpr) == ["1"])
    let calls = String(repeating: "x.f(", count: depth) + "1" + String(repeating: ")", count: depth)
    #expect(parseQuickly(calls).diagnostics.isEmpty)
    let tooDeep = String(repeating: "(", count: depth + 1) + "1" + String(repeating: ")", count: depth + 1)
    #expect(parseQuickly(tooDeep).diagnostics.map(\.range.start.column) == [depth + 1])
}

@Test func tenThousandAndTerms() {
    let terms = (0..<10_000).map { "a\($0) == \($0)" }.joined(separator: " and ")
    let result = parseQuickly("Author.where(" + terms + ")")
    #expect(result.diagnostics.isEmpty)
    guard case .statement(.expression(.call(_, _, let arguments, _)))? = result.commands.first,
          case .binary(.and, _, let last, _)? = arguments.first?.value else {
        Issue.record("not a where call with an and chain")
        return
    }
    #expect(sexpr(last) == "(== a9999 9999)")
}

@Test func longLinesAndManyLines() {
    let longString = "Author.where(name == \"" + String(repeating: "x", count: 100_000) + "\")"
    #expect(parseQuickly(longString).diagnostics.isEmpty)
    let longName = String(repeating: "y", count: 100_000)
    #expect(parseQuickly(longName).commands.count == 1)
    let manyLines = String(repeating: "Author.all\n", count: 10_000)
    #expect(parseQuickly(manyLines).commands.count == 10_000)
    let blank = String(repeating: "\n", count: 100_000) + String(repeating: "// comment\n", count: 10_000)
    #expect(parseQuickly(blank).items.isEmpty)
    let unmatched = String(repeating: "{", count: 100_000) + String(repeating: ")", count: 100_000)
    #expect(parseQuickly(unmatched).diagnostics.count == 1)
}

@Test func controlCharactersAndNUL() {
    let result = parseQuickly("Author\0.all\n\u{1}\u{2}\n@\nsave\n\u{7F}")
    #expect(result.diagnostics.map(\.message) == [
        "unexpected character U+0000", "unexpected character U+0001", "unexpected character '@'",
        "unexpected character U+007F",
    ])
    #expect(result.commands.map(sexpr) == ["(save)"])
}

@Test func manyBrokenCommands() {
    let result = parseQuickly(String(repeating: ":\n", count: 10_000) + String(repeating: "\"x\n", count: 10_000))
    #expect(result.diagnostics.count == 20_000)
}

@Test func arbitraryBytesNeverCrash() {
    // A deterministic pseudo-random walk over ASCII and a few multi-byte characters.
    var seed: UInt64 = 0x9E3779B97F4A7C15
    let alphabet = Array("(){}[]<>=!:;.,#?+-*/\"\\`'@$ \n\tabcxyz019_\u{0}é👩‍💻")
    for _ in 0..<200 {
        var text = ""
        for _ in 0..<200 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            text.append(alphabet[Int(seed >> 33) % alphabet.count])
        }
        let result = parse(text)
        for item in result.items {
            #expect(item.range.start.offset <= item.range.end.offset)
            #expect(item.range.end.offset <= text.utf8.count)
        }
        _ = Parser.needsContinuation(text)
    }
}
