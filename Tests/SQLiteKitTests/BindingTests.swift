import Testing
@testable import SQLiteKit

// Texts are bound without SQLite's copy: short ones from a buffer the statement owns, long
// ones in place while `run`/`query` keep them. Every length must still arrive intact,
// statement after statement, however the texts were made.

private func texts() -> [String] {
    var texts = ["", "a", "Osaka", "Person 17", "person17@example.com", "exactly fifteen",
                 "exactly sixteen!", String(repeating: "x", count: 31), String(repeating: "y", count: 32),
                 String(repeating: "z", count: 33), "Kraków — Montréal", "nul\u{0}inside",
                 String(repeating: "long text ", count: 40)]
    // Made at run time (not literals), and a bridged-free substring copy.
    texts.append(String(Array("built at run time, longer than thirty-two bytes".utf8).map { Character(UnicodeScalar($0)) }))
    texts.append(String("prefix-and-a-longer-tail-to-cut-from"[...].dropFirst(7)))
    return texts
}

@Test func textsOfEveryLengthSurviveRunAndQuery() throws {
    let connection = try Connection()
    try connection.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b TEXT, c TEXT)")
    let all = texts()
    for (i, text) in all.enumerated() {
        let other = all[(i + 5) % all.count]
        try connection.run("INSERT INTO t(a, b, c) VALUES (?, ?, ?)", [.text(text), .text(other), .text(text + other)])
    }
    var read: [[SQLiteValue]] = []
    try connection.query("SELECT a, b, c FROM t ORDER BY id") { row in
        read.append([row.value(0), row.value(1), row.value(2)])
    }
    #expect(read.count == all.count)
    for (i, text) in all.enumerated() {
        let other = all[(i + 5) % all.count]
        #expect(read[i] == [.text(text), .text(other), .text(text + other)], "\(i)")
    }
    // Parameters of a query, the same statement again and again with other lengths.
    for text in all {
        var count = 0
        try connection.query("SELECT count(*) FROM t WHERE a = ?", [.text(text)]) { row in
            if case .integer(let n) = row.value(0) { count = Int(n) }
        }
        #expect(count == all.filter { $0 == text }.count, "\(text.debugDescription)")
    }
}

@Test func publicBindCopiesLongTextsItDoesNotKeep() throws {
    let connection = try Connection()
    let statement = try connection.prepare("SELECT ?, ?")
    do {
        // The array and its strings are gone before the step.
        let long = String(repeating: "gone ", count: 20)
        try statement.bind([.text(long + "!"), .text("short")])
    }
    #expect(try statement.step())
    #expect(statement.row.value(0) == .text(String(repeating: "gone ", count: 20) + "!"))
    #expect(statement.row.value(1) == .text("short"))
}
