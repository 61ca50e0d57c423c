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

@Suite struct IDIndexTests {
    @Test func positionsFollowInsertionAndRemovalMovesTheLastIntoTheGap() {
        var index = IDIndex()
        for id in [10, 20, 30, 40] as [Int64] { #expect(index.insert(id).inserted) }
        #expect(index.insert(20) == (1, false))
        #expect(index[30] == 2 && index[50] == nil && index.count == 4)
        #expect(index.remove(20) == 1)
        #expect(index.ids == [10, 40, 30] && index[40] == 1 && index[20] == nil)
        #expect(index.remove(30) == 2 && index.ids == [10, 40])
        #expect(index.remove(99) == nil)
        index.reserveCapacity(1_000)
        for id in 100..<1_100 { index.insert(Int64(id)) }
        #expect(index.count == 1_002 && index[1_099] == 1_001 && index[10] == 0)
        index.removeAll()
        #expect(index.count == 0 && index[10] == nil)
    }
}

@Suite struct JoinCollapseTests {
    /// Two authors, three books (two by the first), each book with two tags.
    func library() throws -> Workbench {
        let wb = try Workbench()
        let script = """
            entity Author { name: String; books: [Book] }
            entity Tag { label: String; books: [Book] }
            entity Book { title: String; author: Author; tags: [Tag] }
            insert Author(name: "A")
            insert Author(name: "B")
            insert Tag(label: "x")
            insert Tag(label: "y")
            insert Book(title: "1", author: Author#1)
            insert Book(title: "2", author: Author#1)
            insert Book(title: "3", author: Author#2)
            save
            Book#1.tags.add(Tag#1)
            Book#1.tags.add(Tag#2)
            Book#2.tags.add(Tag#1)
            save
            :forget
            """
        for r in wb.run(script) { expectOK(r) }
        return wb
    }

    func fetch(_ wb: Workbench, _ entity: String, _ path: [String]) throws -> FetchResult {
        _ = wb.session.forget()
        var query = Query(entity: entity, dsl: "")
        query.includes = [IncludePath(path: path, strategy: .join)]
        return try wb.session.fetch(query)
    }

    @Test func countsAndListsOfEachKindOfJoin() throws {
        let wb = try library()
        // Has-many: each row a distinct pair (no duplicate check needed).
        let authors = try fetch(wb, "Author", ["books"])
        #expect(authors.objects.map { $0.loadedObjects(of: "books").map(\.ref) } == [["Book#1", "Book#2"], ["Book#3"]])
        #expect(authors.joinObjects.map(\.count) == [2, 3])
        // Belongs-to: two books share an author, counted once.
        let books = try fetch(wb, "Book", ["author"])
        #expect(books.objects.map { $0.loadedObjects(of: "author").map(\.ref) } == [["Author#1"], ["Author#1"], ["Author#2"]])
        #expect(books.joinObjects.map(\.count) == [3, 2])
        // Two levels: each book repeats once per tag, and is listed once.
        let nested = try fetch(wb, "Author", ["books", "tags"])
        #expect(nested.objects[0].loadedObjects(of: "books").map(\.ref) == ["Book#1", "Book#2"])
        #expect(nested.joinObjects.map(\.count) == [2, 3, 2])
        let book1 = try #require(wb.session.info("Book")?.identityMap[1])
        #expect(book1.loadedObjects(of: "tags").map(\.ref) == ["Tag#1", "Tag#2"])
    }
}
