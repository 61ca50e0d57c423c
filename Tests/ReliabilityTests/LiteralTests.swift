import DSL
import Foundation
import Render
import Report
import Testing
@testable import Workbench

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
