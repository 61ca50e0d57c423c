import Report
@testable import Runtime
import SQLiteKit
import Testing
@testable import Workbench

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
