import Testing
import DSL
@testable import Mapping

// A many-to-many between two entities that already exist is declared one side at a time, and
// neither side alone can be mapped: the first side waits (keeping its current mapping) and the
// second applies both.

private let tagAndBook = """
entity Tag { name: String }
entity Book { title: String }
"""

@Test func theFirstSideWaitsAndKeepsItsMapping() {
    let start = define(tagAndBook).schema
    let first = change("entity Book { title: String; tags: [Tag] }", in: start)
    #expect(!first.hasErrors)
    #expect(first.diagnostics.map(describe) == ["1:30 warning: Book waits for Tag: 'tags' needs Tag to point back at Book"])
    #expect(first.diagnostics.first?.hint == "redefine Tag with `book: Book` for a has-many (or `books: [Book]` for a many-to-many)")
    #expect(first.statements == [])
    #expect(first.explanation == ["Book's new definition waits for Tag to declare the other side; until then Book keeps its current mapping"])
    #expect(first.schema.entity("Book") == start.entity("Book"), "Book keeps its current mapping")
    #expect(first.schema.pendingRedefinitions.map(\.entity) == ["Book"])
    #expect(first.schema.pendingRedefinitions.first?.waitsFor == ["Tag"])
    #expect(first.schema.waiting.isEmpty, "Book is still mapped, not waiting")
    #expect(first.schema.facts(for: "Book").status == "new definition waits for Tag")
    #expect(first.schema.facts(for: "Book").columns.map(\.property) == ["id", "title"])
}

@Test func theSecondSideAppliesBothAndCreatesTheJoinTable() {
    let first = change("entity Book { title: String; tags: [Tag] }", in: define(tagAndBook).schema)
    let second = change("entity Tag { name: String; books: [Book] }", in: first.schema)
    #expect(second.diagnostics == [])
    #expect(second.statements == [
        #"CREATE TABLE "book_tag" ("book_id" INTEGER NOT NULL REFERENCES "book"("id") ON DELETE CASCADE, "tag_id" INTEGER NOT NULL REFERENCES "tag"("id") ON DELETE CASCADE, PRIMARY KEY ("book_id", "tag_id"))"#,
    ])
    #expect(second.explanation == [
        "Book's new definition, which waited for Tag, is applied with it",
        "join table book_tag holds the pairs of the many-to-many Tag.books ↔ Book.tags",
        "Book.tags is now many-to-many: join table book_tag(book_id, tag_id)",
    ])
    #expect(second.appliedRedefinitions == ["Book"])
    #expect(second.affectedEntities == ["Tag", "Book"])
    #expect(second.schema.pendingRedefinitions.isEmpty)
    #expect(second.schema.facts(for: "Book").status == nil)
    #expect(second.schema.entity("Book")?.association(named: "tags")?.kind == .manyToMany)
    #expect(second.schema.entity("Tag")?.association(named: "books")?.kind == .manyToMany)
}

@Test func anUnrelatedRedefinitionOfTheTargetLeavesTheRedefinitionWaiting() {
    let first = change("entity Book { title: String; tags: [Tag] }", in: define(tagAndBook).schema)
    let other = change("entity Tag { name: String; color: String? }", in: first.schema)
    #expect(!other.hasErrors)
    #expect(other.appliedRedefinitions == [])
    #expect(other.statements == [#"ALTER TABLE "tag" ADD COLUMN "color" TEXT"#])
    #expect(other.schema.pendingRedefinitions.map(\.entity) == ["Book"])
    #expect(other.schema.entity("Book")?.association(named: "tags") == nil)
}

@Test func redefiningTheWaitingEntityAgainReplacesItsPendingDeclaration() {
    let first = change("entity Book { title: String; tags: [Tag] }", in: define(tagAndBook).schema)
    let back = change("entity Book { title: String; year: Int? }", in: first.schema)
    #expect(back.diagnostics == [])
    #expect(back.schema.pendingRedefinitions.isEmpty)
    #expect(back.statements == [#"ALTER TABLE "book" ADD COLUMN "year" INTEGER"#])
}

@Test func aNewEntityWaitsForAnExistingTargetToPointBack() {
    let start = define("entity Tag { name: String }").schema
    let book = change("entity Book { title: String; tags: [Tag] }", in: start)
    #expect(!book.hasErrors)
    #expect(book.statements == [])
    #expect(book.schema.waiting == ["Book": ["Tag"]])
    #expect(book.explanation == ["Book waits for Tag to declare the other side; no table yet"])
    let tag = change("entity Tag { name: String; books: [Book] }", in: book.schema)
    #expect(tag.diagnostics == [])
    #expect(tag.statements.count == 2)
    #expect(tag.statements.first == #"CREATE TABLE "book" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL)"#)
    #expect(tag.schema.waiting.isEmpty)
}

@Test func aWrongInverseStillFails() {
    // Not a missing inverse: `via` names a property Tag does not have. It fails at once, as before.
    let wrong = change("entity Book { title: String; tags: [Tag] via tag }", in: define(tagAndBook).schema)
    #expect(wrong.hasErrors)
    #expect(wrong.schema.pendingRedefinitions.isEmpty)
    #expect(wrong.schema.entity("Book")?.association(named: "tags") == nil)
}
