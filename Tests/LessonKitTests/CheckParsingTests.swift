import Report
import Testing
import Workbench
@testable import LessonKit

@Suite struct CheckParsingTests {
    @Test(arguments: [
        ("ok", Check.Kind.ok),
        ("fails", .fails),
        ("statements: 2", .statements(Comparison(.equal, 2))),
        ("statements: <= 2", .statements(Comparison(.atMost, 2))),
        ("queries: >= 1", .queries(Comparison(.atLeast, 1))),
        ("rows: 0", .rows(Comparison(.equal, 0))),
        ("objects: != 0", .objects(Comparison(.notEqual, 0))),
        ("identity map hits: 1", .identityMapHits(Comparison(.equal, 1))),
        ("shows: Author#1, Book#2", .shows(["Author#1", "Book#2"])),
        ("sql contains: JOIN", .sqlContains("JOIN")),
        ("sql contains: `IN (`", .sqlContains("IN (")),
        ("sql not contains: EXISTS", .sqlNotContains("EXISTS")),
        ("params: 1, \"x\"", .params("1, \"x\"")),
        ("object Author#1 is dirty", .objectState(ref: "Author#1", state: .dirty)),
        ("Author#1.books loaded", .associationLoaded(ref: "Author#1", association: "books", loaded: true)),
        ("Author#1.books not loaded", .associationLoaded(ref: "Author#1", association: "books", loaded: false)),
        ("Author#1.name == \"X\"", .propertyValue(ref: "Author#1", property: "name", expected: "\"X\"")),
        ("value: 3", .value("3")),
        ("note: N+1", .note(.nPlusOne)),
        ("no note: save", .noNote(.save)),
        ("row Author#1.name == \"X\"", .rowValue(ref: "Author#1", property: "name", expected: "\"X\"")),
        ("eager: books.tags", .eager(["books", "tags"])),
        ("diagnostic: unknown property", .diagnostic("unknown property")),
        ("output contains: UPDATE", .output("UPDATE")),
        ("counter full scans: 0", .counter(.fullScans, Comparison(.equal, 0))),
        ("table Author: author", .table(entity: "Author", table: "author")),
        ("column Author.email: UNIQUE", .column(entity: "Author", property: "email", contains: "UNIQUE")),
        ("association Book.author: belongs-to", .association(entity: "Book", name: "author", contains: "belongs-to")),
        ("index: book_year", .index("book_year")),
    ] as [(String, Check.Kind)])
    func parses(line: String, kind: Check.Kind) throws {
        let check = try Check.parse(line).get()
        #expect(check.kind == kind)
        #expect(check.text == line)
    }

    @Test(arguments: [
        ("statements: two", "'statements' needs a number, like statements: 2 or statements: <= 2"),
        ("object Author#1 is happy", "unknown state 'happy': new, clean, dirty, deleted, partial or detached"),
        ("counter scans: 0", "unknown counter 'scans': counters are full scans, sorts, auto indexes"),
        ("note: waits for Book", "unknown note kind 'waits for book': notes are checked by kind, not wording; kinds are \(Check.noteKinds)"),
    ])
    func rejects(line: String, message: String) {
        #expect(Check.parse(line) == .failure(CheckSyntaxError(message: message)))
    }
}
