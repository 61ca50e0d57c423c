import Testing
@testable import DSL

// A line runs whole or not at all (issue 16, item 8): the parser hands over no command of a line
// whose tail fails, and a line that starts with `.` continues only a query.
@Suite struct SharedLineTests {
    @Test(arguments: [
        ("save now", ["(error 1:6 expected a new line or ';' after 'save', found 'now')"]),
        ("begin oops\nsave", ["(error 1:7 expected a new line or ';' after 'begin', found 'oops')", "(save)"]),
        ("save()", ["(error 1:5 expected a new line or ';' after the command, found '(')"]),
        ("save   rollback   Author#1 )", ["(error 1:28 unmatched ')')"]),
        ("begin transaction", ["(begin)"]),
        ("begin immediate", ["(begin immediate)"]),
        ("begin immediate transaction; commit", ["(begin immediate)", "(commit)"]),
        ("begin\ntransaction", ["(begin)", "transaction"]),
        ("save   rollback", ["(save)", "(rollback)"]),
        ("save; now", ["(save)", "now"]),
    ])
    func aLineIsOneUnit(_ text: String, _ expected: [String]) {
        #expect(shape(text) == expected)
    }

    /// The failure of a shared line covers the whole line, so its report quotes all of it.
    @Test func theFailureCoversTheLine() throws {
        let file = SourceFile(name: "<test>", text: "save   rollback   now\nAuthor.all")
        let items = Parser.parse(file).items
        #expect(items.count == 2)
        guard case .failure(_, let range) = items[0] else { Issue.record("no failure"); return }
        #expect(file.slice(range) == "save   rollback   now")
    }

    /// A line of many commands is read whole once, and handed over in order, not in quadratic time.
    @Test(.timeLimit(.minutes(1))) func aLongLineOfCommands() {
        let items = parse(String(repeating: "save   rollback   ", count: 20_000) + "commit").items
        #expect(items.count == 40_001)
        #expect(shape("save   rollback   commit   begin") == ["(save)", "(rollback)", "(commit)", "(begin)"])
    }

    @Test func aDotLineAfterAnEntityIsItsOwnFailure() {
        #expect(shape("entity A { x: Int }\n.\nA.all") == [
            "(entity A (x Int))",
            "(error 2:1 a line that starts with '.' continues a query on the line before, and the line before is an entity definition)",
            "(. A all)",
        ])
        #expect(shape("A.all\n  .limit(3)") == ["(limit (. A all) 3)"])
    }
}
