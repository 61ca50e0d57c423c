import Testing
import DSL
@testable import Mapping

// Every mistake in a declaration becomes a diagnostic at the right place, with a hint, and the
// schema stays as it was.

/// Defines `source` (after `setup`) and returns its diagnostics as "line:column severity: message".
private func problems(_ source: String, after setup: String = "") -> [String] {
    let schema = define(setup).schema
    let change = schema.defining(entities(source)[0])
    if change.hasErrors { #expect(change.schema == schema && change.statements.isEmpty) }
    return change.diagnostics.map(describe)
}

private func hints(_ source: String, after setup: String = "") -> [String] {
    define(setup).schema.defining(entities(source)[0]).diagnostics.compactMap(\.hint)
}

@Test func duplicateProperty() {
    #expect(problems("entity Book {\n  title: String\n  title: String?\n}") == ["3:3 error: duplicate property 'title' in Book"])
    #expect(hints("entity Book {\n  title: String\n  title: String?\n}") == ["'title' is already declared at line 2; rename or remove one of them"])
}

@Test func propertyNamedIdIsReserved() {
    #expect(problems("entity Book { id: Int; title: String }") == ["1:15 error: 'id' is reserved for the primary key"])
    #expect(hints("entity Book { id: Int }") == ["every entity gets id INTEGER PRIMARY KEY automatically; remove this line or choose another name"])
}

@Test func unknownTypeWithDidYouMean() {
    #expect(problems("entity Book {\n  title: Strng\n}") == ["2:10 error: unknown type 'Strng' for property 'title'"])
    #expect(hints("entity Book { title: Strng }") == ["did you mean 'String'? A property's type is Int, Double, String, Bool, Date, Data or an entity name"])
    #expect(problems("entity Book { year: int }") == ["1:21 error: unknown type 'int' for property 'year'"])
    #expect(hints("entity Book { year: int }").first?.hasPrefix("did you mean 'Int'?") == true)
    #expect(problems("entity Book { flag: Boool }") == ["1:21 error: unknown type 'Boool' for property 'flag'"])
    // A lowercase name that is no scalar: suggested among the known entities.
    #expect(hints("entity Book { author: authro }", after: "entity Author { }").first?.hasPrefix("did you mean 'Author'?") == true)
}

@Test func defaultMustMatchTheType() {
    #expect(problems(#"entity Author { rating: Double = "x" }"#) == [#"1:34 error: default value "x" is not a Double"#])
    #expect(problems("entity Author { born: Int = 2.5 }") == ["1:29 error: default value 2.5 is not an Int"])
    #expect(problems("entity Author { active: Bool = 1 }") == ["1:32 error: default value 1 is not a Bool"])
    #expect(problems(#"entity Author { since: Date = "May" }"#) == [#"1:31 error: default value "May" is not a Date"#])
    #expect(problems("entity Author { name: String = nil }") == ["1:32 error: default value nil needs an optional type: write name: String?"])
    #expect(hints(#"entity Author { rating: Double = "x" }"#) == ["write a default of type Double, for example = 0.0"])
}

@Test func defaultOnAnAssociation() {
    #expect(problems("entity Book { author: Author = 1 }", after: "entity Author { }")
            == ["1:15 error: an association cannot have a default value: 'author' is Author"])
}

@Test func unknownIndexColumnWithDidYouMean() {
    let source = "entity Author {\n  name: String\n  index(nmae)\n}"
    #expect(problems(source) == ["3:9 error: unknown column 'nmae' in index of Author"])
    #expect(hints(source) == ["did you mean 'name'? An index lists properties of Author: name"])
    #expect(problems("entity Author { name: String; index(id) }") == ["1:37 error: 'id' is the primary key and is already indexed"])
}

@Test func indexOnAToMany() {
    #expect(problems("entity Author { books: [Book]; index(books) }", after: "entity Book { author: Author? }")
            == ["1:38 error: 'books' is a to-many association and has no column to index"])
}

@Test func onDeleteOnAScalarOrAnArray() {
    #expect(problems("entity Book { title: String on delete cascade }")
            == ["1:15 error: 'on delete' applies to a to-one association, and 'title' is a String"])
    #expect(problems("entity Author { books: [Book] on delete cascade }", after: "entity Book { author: Author? }")
            == ["1:17 error: 'on delete' belongs on the to-one side of 'books', which stores the foreign key"])
    #expect(hints("entity Author { books: [Book] on delete cascade }")
            == ["write it on the property of Book that points back at Author, e.g. author: Author on delete cascade"])
}

@Test func setNullNeedsAnOptionalAssociation() {
    #expect(problems("entity Book {\n  author: Author on delete set null\n}", after: "entity Author { }")
            == ["2:3 error: set null needs an optional association: write author: Author?"])
}

@Test func onDeleteOnTheHasOneSide() {
    #expect(problems("entity Member { card: Card? on delete cascade }", after: "entity Member { }\nentity Card { member: Member unique }")
            == ["1:17 error: 'on delete' belongs on Card.member, which stores the foreign key"])
}

@Test func arraysOfScalarsAreUnsupported() {
    #expect(problems("entity Post { tags: [String] }") == ["1:21 error: arrays of scalar values are not supported: 'tags: [String]'"])
    #expect(hints("entity Post { tags: [String] }")
            == ["a column holds one value; make an entity for the values (entity Tag { value: String }) and write tags: [Tag]"])
}

@Test func ambiguousInverse() {
    let setup = "entity Book { title: String; author: Person; editor: Person? }"
    let source = "entity Person {\n  name: String\n  books: [Book]\n}"
    #expect(problems(source, after: setup) == ["3:3 error: ambiguous inverse for 'books': Book has 2 associations to Person (author, editor)"])
    #expect(hints(source, after: setup) == ["write `books: [Book] via author` (or via editor)"])
}

@Test func noAssociationBackYetWaitsForTheOtherSide() {
    // Book exists and has nothing pointing at Author: Author waits (see
    // ManyToManyBetweenExistingEntitiesTests) and the warning says what Book needs.
    let source = "entity Author { name: String; books: [Book] }"
    #expect(problems(source, after: "entity Book { title: String }")
            == ["1:31 warning: Author waits for Book: 'books' needs Book to point back at Author"])
    #expect(hints(source, after: "entity Book { title: String }")
            == ["redefine Book with `author: Author` for a has-many (or `authors: [Author]` for a many-to-many)"])
}

@Test func viaNamingNothingOrTheWrongThing() {
    let setup = "entity Book { title: String; author: Person }"
    #expect(problems("entity Person { books: [Book] via auther }", after: setup)
            == ["1:35 error: Book has no property 'auther' for 'books via auther'"])
    #expect(hints("entity Person { books: [Book] via auther }", after: setup)
            == ["did you mean 'author'? properties of Book pointing at Person: author"])
    #expect(problems("entity Person { books: [Book] via title }", after: setup)
            == ["1:35 error: Book.title does not point back at Person: it is String"])
    #expect(problems("entity Person { name: String via x }") == ["1:34 error: 'via' names the inverse of an association, and 'name' is a String"])
}

@Test func redefinitionCannotWait() {
    #expect(problems("entity Book { title: String; publisher: Publisher }", after: "entity Book { title: String }")
            == ["1:41 error: Book is already defined, so it cannot wait for Publisher"])
    // The missing entity is named, not a defined one that waits only because Book does.
    #expect(problems("entity Book { title: String; author: Author?; publisher: Publisher? }",
                     after: "entity Author { name: String; books: [Book] }\nentity Book { title: String; author: Author? }")
            == ["1:58 error: Book is already defined, so it cannot wait for Publisher"])
}

@Test func redefinitionThatBreaksTheOtherSide() {
    let setup = "entity Author { name: String; books: [Book] }\nentity Book { title: String; author: Author }"
    #expect(problems("entity Book { title: String }", after: setup)
            == ["1:8 error: redefining Book breaks Author: Book has no association back to Author for 'books'"])
}

@Test func twoPropertiesOnOneColumn() {
    #expect(problems("entity Person { birthYear: Int; birth_year: Int }")
            == ["1:33 error: properties 'birthYear' and 'birth_year' both map to column birth_year"])
}

@Test func twoEntitiesOnOneTable() {
    #expect(problems("entity Blog_Post { }", after: "entity BlogPost { }")
            == ["1:8 error: Blog_Post would map to table blog_post, which is already the table of BlogPost"])
}

@Test func waitingEntityThatTurnsOutWrongKeepsWaiting() {
    let (schema, changes) = define("""
    entity Author { name: String; books: [Book] }
    entity Book { title: String }
    """)
    #expect(!changes[1].hasErrors)
    #expect(changes[1].diagnostics.map(describe) == ["2:8 warning: Author still waits: Book has no association back to Author for 'books'"])
    #expect(schema.order == ["Book"])
    #expect(schema.waiting == ["Author": ["Book"]])
}
