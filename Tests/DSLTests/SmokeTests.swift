import Testing
import Foundation
@testable import DSL

@Test func smoke() {
    func time(_ label: String, _ text: String) {
        let t = Date()
        let r = parse(text)
        print("T", label, Date().timeIntervalSince(t), r.items.count, r.diagnostics.map { "\($0.range.start) \($0.message)" }.prefix(3))
        fflush(stdout)
    }
    for n in [50_000, 100_000] {
    time("braces", String(repeating: "for a in b {", count: n/10))
    time("closers", String(repeating: "{", count: n) + String(repeating: ")", count: n))
    time("lines", String(repeating: "Author.all\n", count: n/10))
    time("colons", String(repeating: ":\n", count: n))
    time("manyidents", String(repeating: "abc ", count: n))
    time("strings", String(repeating: "\"abc\" ", count: n))
    }
}
