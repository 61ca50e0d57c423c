import Report
@testable import Runtime
import SQLiteKit
import Testing
@testable import Workbench

// Pieces of the script path made cheaper for ormlab-bench: each write's cause, the values it
// binds (with ids of objects inserted earlier filled in), the columns an insert gave, and
// the insert plan remembered from the line before.

@Test func writeCausesSpellTheNumberLikeInterpolation() {
    for number in [0, 1, 9, 10, 17, 12345, -1, -40, Int.max, Int.min] {
        #expect(LogCause.write(prefix: "save: ", .newObject(entity: "Person", serial: number)).text == "save: Person (new #\(number)) new")
    }
    #expect(WriteCause.newObjectWithID(entity: "Kraków", id: 3).description == "Kraków#3 new")
    #expect(WriteCause.dirty(ref: "Author#1", properties: ["name", "born"]).description == "Author#1 dirty (name, born)")
}

@Test func valuesAfterTheIDAreCopiedInOrder() {
    let row: [SQLiteValue] = [.null, .text("a"), .integer(2), .real(3.5), .null, .text("long text, longer than fifteen")]
    func after(_ values: [SQLiteValue], upTo end: Int) -> [SQLiteValue] {
        values.withUnsafeBufferPointer { valuesAfterID($0, upTo: end) }
    }
    #expect(after(row, upTo: 6) == Array(row[1...]))
    #expect(after(row, upTo: 3) == [.text("a"), .integer(2)])
    #expect(after(row, upTo: 1).isEmpty)
    #expect(after(row, upTo: 9) == Array(row[1...]))
    #expect(after([], upTo: 4).isEmpty)
}

@Test func givenColumnsFindRepeatsBelowAndAbove64() {
    var given = GivenColumns()
    for column in [0, 1, 5, 63, 64, 65, 200] {
        #expect(!given.contains(column))
        let added = given.insert(column)
        #expect(added)
        #expect(given.contains(column))
        let addedAgain = given.insert(column)
        #expect(!addedAgain)
    }
    #expect(!given.contains(2) && !given.contains(66))
}

@Test func anEntityWithManyColumnsFindsALabelGivenTwice() throws {
    let wb = try Workbench()
    let properties = (1...70).map { "p\($0): Int?" }.joined(separator: "; ")
    expectOK(try #require(wb.run("entity Wide { \(properties) }").first))
    let twice = try #require(wb.run("insert Wide(p70: 1, p2: 2, p70: 3)").first)
    #expect(twice.diagnostics.first?.message == "'p70' is given twice")
    let fine = try #require(wb.run("insert Wide(p70: 1, p69: 2, p1: 3)\nsave").last)
    expectOK(fine)
    #expect(fine.sql.filter { $0.sql.hasPrefix("INSERT") }.count == 1)
}

@Test func insertsIntoAlternatingEntitiesUseTheirOwnPlans() throws {
    let wb = try Workbench()
    for r in wb.run("entity A { x: Int }\nentity B { x: String }") { expectOK(r) }
    var script = ""
    for i in 0..<20 { script += i % 2 == 0 ? "insert A(x: \(i))\n" : "insert B(x: \"b\(i)\")\n" }
    for r in wb.run(script + "save") { expectOK(r) }
    #expect(try #require(wb.run("A.count").first).value == .integer(10))
    let wrong = try #require(wb.run("insert A(x: \"text\")\ninsert C(x: 1)").first)
    #expect(wrong.diagnostics.first?.message.hasPrefix("type mismatch: 'x' is Int") == true)
    let unknown = try #require(wb.run("insert C(x: 1)").first)
    #expect(unknown.ok == false)
}

@Test func writesReferringToNewObjectsBindTheirIDs() throws {
    let wb = try Workbench()
    for r in wb.run("entity Author { name: String; books: [Book] }\nentity Book { title: String; author: Author }") { expectOK(r) }
    let reports = wb.run("""
        let a = insert Author(name: "Ursula")
        insert Book(title: "Earthsea", author: a)
        let b = insert Author(name: "Octavia")
        insert Book(title: "Kindred", author: b)
        :pending
        save
        """)
    for r in reports { expectOK(r) }
    let save = try #require(reports.last)
    let inserts = save.sql.filter { $0.sql.hasPrefix("INSERT") }
    #expect(inserts.map(\.params) == [[.text("Ursula")], [.text("Octavia")],
                                      [.text("Earthsea"), .integer(1)], [.text("Kindred"), .integer(2)]]
        || inserts.map(\.params) == [[.text("Ursula")], [.text("Earthsea"), .integer(1)],
                                     [.text("Octavia")], [.text("Kindred"), .integer(2)]])
    #expect(inserts.map(\.cause).allSatisfy { $0.hasPrefix("save: ") })
}

@Test func labelsInAnyOrderReachTheirColumns() throws {
    // The plan looks for each label's target after the previous one's first: declaration
    // order is one comparison per label, any other order must still land on the right column.
    let wb = try Workbench()
    expectOK(try #require(wb.run("entity P { a: Int; b: String; c: Double?; d: Int? }").first))
    let orders = ["a: 1, b: \"x\", c: 2.5, d: 4", "d: 4, c: 2.5, b: \"x\", a: 1", "b: \"x\", a: 1, d: 4, c: 2.5",
                  "c: 2.5, a: 1, b: \"x\", d: 4", "b: \"x\", d: 4, a: 1"]
    for order in orders { expectOK(try #require(wb.run("insert P(\(order))").first)) }
    let save = try #require(wb.run("save").last)
    expectOK(save)
    let params = save.sql.filter { $0.sql.hasPrefix("INSERT") }.map(\.params)
    let full: [ReportValue] = [.integer(1), .text("x"), .real(2.5), .integer(4)]
    #expect(params == [full, full, full, full, [.integer(1), .text("x"), .null, .integer(4)]])
    let unknown = try #require(wb.run("insert P(b: \"x\", a: 1, e: 5)").first)
    #expect(unknown.diagnostics.first?.message == "unknown property 'e' on P")
    #expect(unknown.diagnostics.first?.column == 24)
}

@Test func anInsertThatFailsLeavesNothingBehind() throws {
    // The new object is made before its values are checked and joins the session only at the
    // end: a mistake in the last argument must leave no object, no pending INSERT and no
    // serial number used up.
    let wb = try Workbench()
    expectOK(try #require(wb.run("entity Author { name: String; born: Int? }").first))
    let failed = try #require(wb.run("insert Author(name: \"a\", born: \"1929\")").first)
    #expect(failed.ok == false)
    #expect(failed.diagnostics.first?.message.hasPrefix("type mismatch: 'born' is Int") == true)
    #expect(failed.objects.isEmpty)
    let next = try #require(wb.run("insert Author(name: \"b\")").first)
    expectOK(next)
    #expect(next.objects.map(\.ref) == ["Author (new #1)"])
    let save = try #require(wb.run("save").last)
    #expect(save.sql.filter { $0.sql.hasPrefix("INSERT") }.map(\.params) == [[.text("b"), .null]])
}

@Test func aFlushLogsTheValuesItBoundNotTheObjectsLaterValues() throws {
    // A new object's values are bound where they are and copied into the log as they run: a
    // later change of the object must not show in the earlier statements, in the report or `:log`.
    let wb = try Workbench()
    expectOK(try #require(wb.run("entity P { name: String; note: String? }").first))
    let long = "a text longer than the thirty-two bytes kept inline"
    let first = try #require(wb.run("insert P(name: \"Ann\", note: \"\(long)\")\ninsert P(name: \"Bo\")\nsave").last)
    expectOK(first)
    for r in wb.run("P#1.name = \"Changed\"\nP#1.note = nil\nsave") { expectOK(r) }
    let expected: [[ReportValue]] = [[.text("Ann"), .text(long)], [.text("Bo"), .null]]
    #expect(first.sql.filter { $0.sql.hasPrefix("INSERT") }.map(\.params) == expected)
    let logged = wb.session.log.entries.map(\.record).filter { $0.sql.hasPrefix("INSERT") }
    #expect(logged.map(\.params) == expected)
    #expect(logged.map(\.cause) == ["save: P (new #1) new", "save: P (new #2) new"])
}
