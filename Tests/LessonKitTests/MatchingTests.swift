import Foundation
import Report
import Testing
import Workbench
@testable import LessonKit

@Suite struct MatchingTests {
    @Test func textMatchesAtTokenBoundariesOnly() {
        #expect(containsAtTokenBoundaries("\"rating\" REAL NOT NULL DEFAULT 0", "DEFAULT 0"))
        #expect(!containsAtTokenBoundaries("\"rating\" REAL NOT NULL DEFAULT 0.5", "DEFAULT 0"))
        #expect(!containsAtTokenBoundaries("Author waits for Books", "waits for Book"))
        #expect(!containsAtTokenBoundaries("SELECT * FROM \"authors\"", "FROM \"author"))
        #expect(containsAtTokenBoundaries("WHERE \"book\".\"id\" IN (?, ?)", "IN ("))
        #expect(!containsAtTokenBoundaries("LIMIT 10", "LIMIT 1"))
    }

    @Test func aColumnIsComparedConstraintByConstraint() throws {
        let wb = try Workbench()
        _ = wb.run("entity Author { name: String; rating: Double = 0.5 }")
        let report = try #require(wb.run(":mapping Author").last)
        let results = try ["column Author.rating: rating REAL NOT NULL DEFAULT 0", "column Author.rating: DEFAULT 0.5", "column Author.rating: NOT NULL DEFAULT 0.5",
                           "column Author.rating: NULL", "sql contains: DEFAULT 0"].map { try Check.parse($0).get().evaluate(report, in: wb) }
        #expect(results.map(\.passed) == [false, true, true, false, false])
        #expect(results[0].detail == "Author.rating → rating REAL NOT NULL DEFAULT 0.5")
    }

    @Test func notesAreCheckedByKindNeverByWording() throws {
        let wb = try Workbench()
        _ = wb.run("entity Author { name: String }\ninsert Author(name: \"A\")\nsave")
        // The insert's note mentions autoflush in its prose; it is a pending note.
        let insert = try #require(wb.run("insert Author(name: \"B\")").last)
        let onInsert = try ["note: autoflush", "note: pending"].map { try Check.parse($0).get().evaluate(insert, in: wb) }
        #expect(onInsert.map(\.passed) == [false, true])
        let save = try #require(wb.run("save").last)
        #expect(save.notes.map(\.kind) == [.save])
        _ = wb.run("Author#1.name = \"Z\"")
        let rollback = try #require(wb.run("rollback").last)
        #expect(rollback.notes.map(\.kind) == [.rollback])
        #expect(try Check.parse("note: rollback").get().evaluate(rollback, in: wb).passed)
        #expect(try !Check.parse("note: save").get().evaluate(rollback, in: wb).passed)
    }

    @Test func rowReadsTheDatabaseWithoutTheIdentityMap() throws {
        let wb = try Workbench()
        _ = wb.run("entity Author { name: String; books: [Book] }\nentity Book { title: String; author: Author }\ninsert Author(name: \"A\")\ninsert Book(title: \"T\", author: Author#1)\nsave")
        _ = wb.run("Author#1.name = \"B\"")
        let check = try Check.parse("row Author#1.name == \"B\"").get()
        let before = check.evaluate(Answer(reports: [], sandbox: wb))
        #expect(!before.passed)
        #expect(before.detail == "the row in author holds name = \"A\"")
        _ = wb.run("save")
        #expect(check.evaluate(Answer(reports: [], sandbox: wb)).passed)
        #expect(try Check.parse("row Book#1.author == Author#1").get().evaluate(Answer(reports: [], sandbox: wb)).passed)
        #expect(try Check.parse("row Book#1.author_id == 1").get().evaluate(Answer(reports: [], sandbox: wb)).passed)
        #expect(try Check.parse("row Book#2.title == \"T\"").get().evaluate(Answer(reports: [], sandbox: wb)).detail == "table book has no row for Book#2")
        // The read is not a statement of the learner's: the log does not show it.
        #expect(wb.run(":log").last?.blocks.description.contains("SELECT \"id\", \"name\" FROM \"author\"") == false)
    }

    @Test func newObjectsWaitingEntitiesAndExactColumns() throws {
        let wb = try Workbench()
        _ = wb.run("entity Author { name: String unique; born: Int?; books: [Book] }")
        func check(_ line: String, _ script: String = ":schema") throws -> CheckResult {
            let report = try #require(wb.run(script).last)
            return try Check.parse(line).get().evaluate(report, in: wb)
        }
        #expect(try check("waits: Author for Book").passed)
        #expect(try check("waits: Author for Books").detail == "Author waits for Book")
        // A waiting entity's declared associations and columns can be checked already.
        #expect(try check("association Author.books: has-many").passed)
        #expect(try check("columns Author: id, name, born").passed)
        _ = wb.run("entity Book { title: String; author: Author }")
        #expect(try check("waits: Author for Book").detail == "Author is defined: it waits for nothing")
        #expect(try check("column Author.name: TEXT NOT NULL").passed)
        #expect(try !check("column Author.name is: TEXT NOT NULL").passed)
        #expect(try check("column Author.name is: TEXT NOT NULL UNIQUE").passed)
        #expect(try check("column Author.name is: name TEXT UNIQUE NOT NULL").passed)
        #expect(try check("column Author.born is: INTEGER").passed)
        let born = try check("object Author (new #1) is new", "insert Author(name: \"A\", born: 1929)")
        #expect(born.passed)
        #expect(try check("Author (new #1).born == 1929").passed)
        #expect(try check("Author (new #1).born == 1930").detail == "Author (new #1).born is 1929")
        _ = wb.run("save")
        #expect(try check("object Author (new #1) is new").detail == "Author (new #1) is not loaded in the session")
    }

    @Test func noEagerRejectsAnInclude() throws {
        let wb = try Workbench()
        _ = wb.run("entity Author { name: String; books: [Book] }\nentity Book { title: String; author: Author }\ninsert Author(name: \"A\")\ninsert Book(title: \"T\", author: Author#1)\nsave\n:forget")
        let included = try #require(wb.run("for a in Author.all.include(books) { a.books.count }").last)
        let check = try Check.parse("no eager: books").get()
        #expect(check.evaluate(included, in: wb).detail == "books was loaded eagerly (include(books))")
        _ = wb.run(":forget\n:set lazy batch")
        let batched = try #require(wb.run("for a in Author.all { a.books.count }").last)
        #expect(check.evaluate(batched, in: wb).passed)
    }

    @Test func rowReadsLinksFromTheJoinTableAndTheOtherSide() throws {
        let wb = try Workbench()
        _ = wb.run("""
            entity Author { name: String; books: [Book] }
            entity Book { title: String; author: Author; tags: [Tag] }
            entity Tag { name: String; books: [Book] }
            insert Author(name: "A")
            insert Book(title: "T", author: Author#1)
            insert Tag(name: "x")
            insert Tag(name: "y")
            save
            """)
        func row(_ line: String) throws -> CheckResult { try Check.parse(line).get().evaluate(Answer(reports: [], sandbox: wb)) }
        _ = wb.run("Tag#2.books.add(Book#1)")
        // The link waits in the unit of work: the join table has no row yet.
        #expect(try row("row Book#1.tags == [Tag#2]").detail == "the database holds Book#1.tags = []")
        _ = wb.run("save")
        #expect(try row("row Book#1.tags == [Tag#2]").passed)
        #expect(try row("row Author#1.books == [Book#1]").passed)
        #expect(try row("row Tag#1.books == []").passed)
    }

    @Test func pendingReadsTheUnitOfWorkAfterTheAnswer() throws {
        let wb = try Workbench()
        _ = wb.run("""
            entity Book { title: String; tags: [Tag] }
            entity Tag { name: String; books: [Book] }
            insert Book(title: "a")
            insert Tag(name: "x")
            insert Tag(name: "y")
            save
            Book#1.tags.add(Tag#2)
            save
            """)
        func check(_ line: String) throws -> CheckResult { try Check.parse(line).get().evaluate(Answer(reports: [], sandbox: wb)) }
        #expect(try check("pending: 0").passed)
        _ = wb.run("Tag#2.books.remove(Book#1)\nBook#1.title = \"b\"")
        #expect(try check("pending: Book#1.tags.remove(Tag#2)").passed)
        #expect(try check("pending: Tag#2.books.remove(Book#1)").passed)
        #expect(try check("pending: Book#1 dirty (title)").passed)
        #expect(try check("pending: 2").passed)
        let add = try check("pending: Book#1.tags.add(Tag#2)")
        #expect(add.detail == "pending: Book#1 dirty (title); Tag#2.books.remove(Book#1)")
        #expect(!add.passed)
    }

    @Test func exactColumnsAndOutputThatMustBeAbsent() throws {
        let wb = try Workbench()
        _ = wb.run("entity Author { name: String; born: Int?; books: [Book] }\nentity Book { title: String; author: Author }\ninsert Author(name: \"A\")\nsave")
        let report = try #require(wb.run(":pending").last)
        let results = try ["columns Author: id, name, born", "columns Author: id, name", "columns Book: id, title, author",
                           "output not contains: UPDATE", "output contains: UPDATE"].map { try Check.parse($0).get().evaluate(report, in: wb) }
        #expect(results.map(\.passed) == [true, false, true, true, false])
        #expect(results[1].detail == "Author maps id, name, born")
        _ = wb.run("Author#1.name = \"B\"")
        let pending = try #require(wb.run(":pending").last)
        let absent = try Check.parse("output not contains: UPDATE").get().evaluate(pending, in: wb)
        #expect(absent.detail == "the output shows it: 1. UPDATE \"author\" SET \"name\" = ? WHERE \"id\" = ?  -- \"B\", 1")
    }

    @Test func partLabelsAndUnknownNoteKinds() throws {
        let labeled = try Check.parse("[the insert] sql contains: INSERT INTO \"author\"").get()
        #expect(labeled.part == "the insert")
        #expect(labeled.text == "sql contains: INSERT INTO \"author\"")
        #expect(labeled.kind == .sqlContains("INSERT INTO \"author\""))
        #expect(Check.parse("[] ok") == .failure(CheckSyntaxError(message: "a part label needs a name: - [the insert] sql contains: INSERT")))
        let file = LessonParser.parse(engineLesson.replacingOccurrences(of: "- [the save] note: save", with: "- [the save] note: saved in one transaction"), file: "x.md")
        guard case .failure(let error) = file else { Issue.record("an unknown note kind must not parse"); return }
        #expect(error.line == 47)
        #expect(error.message.hasPrefix("unknown note kind 'saved in one transaction': notes are checked by kind, not wording"))
    }

    @Test func eagerPathsComeFromIncludeCausesOnly() {
        #expect(eagerPaths(inCause: "include(books.tags)") == ["books.tags"])
        #expect(eagerPaths(inCause: "Author.all.include(books, using: join)") == ["books"])
        #expect(eagerPaths(inCause: "Author.all.include(books)") == [])
        #expect(eagerPaths(inCause: "a.books (batch: 3 Author objects at once)") == [])
    }
}
