import DSL
import Foundation
import Render
import Report
import Testing
@testable import Workbench

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
