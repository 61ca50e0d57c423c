import Report
@testable import Runtime
import SQLiteKit
import Testing
@testable import Workbench

// Managed objects keep their values inline (after the object's fields, in one allocation) and
// their rarely used fields in a side object made on first use. These tests pin that values
// read and write by index as before, for wide entities, partial objects and dirty tracking.

@Suite struct InlineValuesTests {
    /// A workbench with `Wide` (40 integer properties and a label) holding two saved rows,
    /// and an empty identity map.
    func wide() throws -> Workbench {
        let wb = try Workbench()
        let properties = (1...40).map { "p\($0): Int" }.joined(separator: "; ")
        let first = (1...40).map { "p\($0): \($0)" }.joined(separator: ", ")
        let second = (1...40).map { "p\($0): \($0 * 100)" }.joined(separator: ", ")
        let script = """
            entity Wide { \(properties); label: String }
            insert Wide(\(first), label: "first")
            insert Wide(\(second), label: "second, a label longer than fifteen bytes")
            save
            :forget
            """
        for r in wb.run(script) { expectOK(r) }
        return wb
    }

    func fetch(_ wb: Workbench, _ dsl: String) throws -> [ManagedObject] {
        var query = Query(entity: "Wide", dsl: dsl)
        if dsl.contains("select") { query.selection = ["label"] }
        return try wb.session.fetch(query).objects
    }

    @Test func wideObjectsHoldEveryColumnInOrder() throws {
        let wb = try wide()
        let objects = try fetch(wb, "Wide.all")
        #expect(objects.count == 2)
        let expected: [SQLiteValue] = [.integer(1)] + (1...40).map { .integer(Int64($0)) } + [.text("first")]
        #expect(objects[0].values == expected)
        #expect(objects[0].valueCount == 42)
        for i in expected.indices { #expect(objects[0].value(ofColumn: i) == expected[i]) }
        #expect(objects[1].value(ofColumn: 40) == .integer(4_000))
        #expect(objects[1].value(ofColumn: 41) == .text("second, a label longer than fifteen bytes"))
        #expect(objects[1].id == 2 && objects[1].ref == "Wide#2")
    }

    @Test func valuesWriteBackInPlace() throws {
        let wb = try wide()
        let object = try #require(try fetch(wb, "Wide.all").first)
        object.setValue(.text("changed"), ofColumn: 41)
        #expect(object.value(ofColumn: 41) == .text("changed"))
        var values = object.values
        values[1] = .real(1.5)
        object.values = values
        #expect(object.values == values)
        // An array of another length writes the common prefix; the rest reads NULL.
        object.values = [.integer(1), .integer(7)]
        #expect(object.value(ofColumn: 1) == .integer(7) && object.value(ofColumn: 2) == .null && object.valueCount == 42)
    }

    @Test func aTextInAnIntegerColumnStaysText() throws {
        let wb = try wide()
        try wb.session.db.execute(#"UPDATE "wide" SET "p3" = 'three' WHERE "id" = 1"#)
        let object = try #require(try fetch(wb, "Wide.all").first)
        #expect(object.value(ofColumn: 3) == .text("three"))
        #expect(object.value(ofColumn: 4) == .integer(4))
    }

    @Test func dirtyTrackingKeepsTheOriginalsAndCleansOnRevert() throws {
        let wb = try wide()
        _ = try fetch(wb, "Wide.all")
        let changed = try #require(wb.run("Wide#1.p2 = 99").first)
        expectOK(changed)
        let object = try #require(wb.session.info("Wide")?.identityMap[1])
        #expect(object.state == .dirty)
        #expect(object.value(ofColumn: 2) == .integer(99))
        #expect(object.originalValues?[2] == .integer(2))
        #expect(object.originalValuesForDisplay?[2] == .integer(2))
        #expect(changed.objects[0].changes.map(\.name) == ["p2"])
        let reverted = try #require(wb.run("Wide#1.p2 = 2").first)
        expectOK(reverted)
        #expect(object.state == .clean && object.originalValues == nil)
        // The untouched object never made its side object.
        let other = try #require(wb.session.info("Wide")?.identityMap[2])
        #expect(other.header.extras == nil && other.touched.isEmpty && other.pendingReferences.isEmpty)
    }

    @Test func partialObjectsReadNullUntilCompleted() throws {
        let wb = try wide()
        let partial = try #require(try fetch(wb, "Wide.select(label)").first)
        #expect(partial.state == .partial)
        #expect(partial.isLoaded(column: 41) && !partial.isLoaded(column: 1))
        #expect(partial.value(ofColumn: 41) == .text("first") && partial.value(ofColumn: 1) == .null)
        let full = try #require(try fetch(wb, "Wide.all").first)
        #expect(full === partial)
        #expect(full.state == .clean && full.loadedColumns == nil)
        #expect(full.value(ofColumn: 40) == .integer(40))
    }

    @Test func associationStatesBehaveLikeADictionary() throws {
        var states = AssociationStates()
        #expect(states.isEmpty && states["books"] == nil)
        states["books"] = .many([])
        states["author"] = .one(nil)
        if case .many(let list)? = states["books"] { #expect(list.isEmpty) } else { Issue.record("books not set") }
        states["books"] = nil
        #expect(states["books"] == nil && states["author"] != nil)
        states.removeAll()
        #expect(states.isEmpty)
        var names: AssociationNames = ["a", "a"]
        names.insert("b")
        #expect(names.contains("a") && names.contains("b") && !names.isEmpty)
        names = []
        #expect(names.isEmpty)
    }
}
