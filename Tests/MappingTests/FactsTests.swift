import TestSupport
import Testing
import DSL
import Report
@testable import Mapping

// The mapping pane: columns with constraints, associations in the vocabulary of other ORMs.

@Test func factsForAuthorColumnsAndHasMany() {
    let (schema, _) = define(specModel)
    let facts = schema.facts(for: "Author")
    #expect(facts.table == "author")
    #expect(facts.status == nil)
    #expect(facts.columns == [
        ColumnFacts(property: "id", column: "id", sqlType: "INTEGER", constraints: ["PRIMARY KEY"]),
        ColumnFacts(property: "name", column: "name", sqlType: "TEXT", constraints: ["NOT NULL"]),
        ColumnFacts(property: "email", column: "email", sqlType: "TEXT", constraints: ["NOT NULL", "UNIQUE"]),
        ColumnFacts(property: "born", column: "born", sqlType: "INTEGER", constraints: []),
        ColumnFacts(property: "rating", column: "rating", sqlType: "REAL", constraints: ["NOT NULL", "DEFAULT 0"]),
    ])
    #expect(facts.associations == [
        AssociationFacts(name: "books", kind: "has-many", target: "Book", storage: "book.author_id → author.id",
                         details: ["inverse of Book.author"]),
    ])
    #expect(facts.indexes == ["author_name ON author(name)"])
}

@Test func factsForBelongsToAndManyToMany() {
    let (schema, _) = define(specModel)
    let facts = schema.facts(for: "Book")
    #expect(facts.columns.last == ColumnFacts(property: "author", column: "author_id", sqlType: "INTEGER",
                                              constraints: ["NOT NULL", "REFERENCES author(id)"]))
    #expect(facts.associations == [
        AssociationFacts(name: "author", kind: "belongs-to", target: "Author", storage: "book.author_id → author.id",
                         details: ["required", "on delete: no action (deleting a parent with children fails)", "inverse of Author.books"]),
        AssociationFacts(name: "tags", kind: "many-to-many", target: "Tag", storage: "join table book_tag(book_id, tag_id)",
                         details: ["inverse of Tag.books"]),
    ])
    #expect(facts.indexes == ["book_year ON book(year)"])
    #expect(schema.facts(for: "Tag").associations == [
        AssociationFacts(name: "books", kind: "many-to-many", target: "Book", storage: "join table book_tag(book_id, tag_id)",
                         details: ["inverse of Book.tags"]),
    ])
}

@Test func factsForOneToOneAndHasOne() {
    let (schema, _) = define("""
    entity Author { name: String; profile: Profile? }
    entity Profile { bio: String; author: Author unique on delete cascade }
    """)
    #expect(schema.facts(for: "Author").associations == [
        AssociationFacts(name: "profile", kind: "has-one", target: "Profile", storage: "profile.author_id → author.id (unique)",
                         details: ["optional", "inverse of Profile.author"]),
    ])
    let profile = schema.facts(for: "Profile")
    #expect(profile.columns.last?.constraints == ["NOT NULL", "UNIQUE", "REFERENCES author(id)", "ON DELETE CASCADE"])
    #expect(profile.associations == [
        AssociationFacts(name: "author", kind: "belongs-to", target: "Author", storage: "profile.author_id → author.id (unique)",
                         details: ["required", "on delete cascade", "one-to-one: at most one Profile per Author", "inverse of Author.profile"]),
    ])
}

@Test func factsForSelfReference() {
    let (schema, _) = define(specModel)
    let facts = schema.facts(for: "Employee")
    #expect(facts.columns.last?.constraints == ["REFERENCES employee(id)", "ON DELETE SET NULL"])
    #expect(facts.associations == [
        AssociationFacts(name: "manager", kind: "belongs-to", target: "Employee", storage: "employee.manager_id → employee.id",
                         details: ["optional", "on delete set null", "inverse of Employee.reports", "self-reference"]),
        AssociationFacts(name: "reports", kind: "has-many", target: "Employee", storage: "employee.manager_id → employee.id",
                         details: ["inverse of Employee.manager", "self-reference"]),
    ])
}

@Test func factsForAWaitingEntity() {
    let (schema, _) = define("entity Author { name: String; born: Int? = 1900; books: [Book] }")
    #expect(schema.facts(for: "Author") == EntityFacts(
        entity: "Author", table: "author",
        columns: [
            ColumnFacts(property: "id", column: "id", sqlType: "INTEGER", constraints: ["PRIMARY KEY"]),
            ColumnFacts(property: "name", column: "name", sqlType: "TEXT", constraints: ["NOT NULL"]),
            ColumnFacts(property: "born", column: "born", sqlType: "INTEGER", constraints: ["DEFAULT 1900"]),
        ],
        associations: [AssociationFacts(name: "books", kind: "has-many", target: "Book", storage: "decided when Book is defined", details: ["pending"])],
        status: "waiting for Book"))
    #expect(schema.createStatements(for: "Author") == [])
}

@Test func factsForAnUnknownEntity() {
    #expect(Schema().facts(for: "Ghost").status == "not defined")
}

@Test func uniqueIndexFact() {
    let (schema, _) = define("entity Event { title: String; year: Int; unique index(title, year) }")
    #expect(schema.facts(for: "Event").indexes == ["event_title_year ON event(title, year) (unique)"])
}
