import TestSupport
import Testing
import DSL
@testable import Mapping

// Association inference from both sides, waiting for undefined entities, and resolution order.

/// "books: has-many Book fk=author_id inverse=author"
private func summary(_ schema: Schema, _ entity: String) -> [String] {
    (schema.entity(entity)?.associations ?? []).map { a in
        var s = "\(a.name): \(a.kind.rawValue) \(a.target)"
        if let fk = a.foreignKey { s += " fk=\(fk)" }
        if let j = a.joinTable { s += " join=\(j.name)(\(j.ownerColumn)→\(j.targetColumn))" }
        if let inverse = a.inverse { s += " inverse=\(inverse)" }
        return s
    }
}

@Test func waitingEntityIsRecordedAndResolvedParentsFirst() {
    let author = Schema().defining(entities("entity Author { name: String; books: [Book] }")[0])
    #expect(author.statements == [])
    #expect(author.diagnostics == [])
    #expect(author.explanation == ["Author waits for Book: books: [Book] needs it"])
    #expect(author.schema.waiting == ["Author": ["Book"]])
    #expect(author.schema.entities.isEmpty)
    #expect(author.affectedEntities == ["Author"])
    #expect(author.schema.facts(for: "Author").status == "waiting for Book")

    let book = change("entity Book { title: String; author: Author }", in: author.schema)
    #expect(book.statements == [
        #"CREATE TABLE "author" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)"#,
        #"CREATE TABLE "book" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL, "author_id" INTEGER NOT NULL REFERENCES "author"("id"))"#,
    ])
    #expect(book.explanation == ["Author was waiting for Book; now table author is created", "Book maps to table book"])
    #expect(book.affectedEntities == ["Author", "Book"])
    #expect(book.schema.order == ["Author", "Book"])
    #expect(book.schema.waiting.isEmpty)
    #expect(summary(book.schema, "Author") == ["books: has-many Book fk=author_id inverse=author"])
    #expect(summary(book.schema, "Book") == ["author: belongs-to Author fk=author_id inverse=books"])
}

@Test func childDefinedFirstWaitsForItsParent() {
    let (schema, changes) = define("""
    entity Book { title: String; author: Author }
    entity Author { name: String; books: [Book] }
    """)
    #expect(changes[0].explanation == ["Book waits for Author: author: Author needs it"])
    // Parents first, whatever the declaration order.
    #expect(changes[1].statements.map { $0.split(separator: " ")[2] } == [#""author""#, #""book""#])
    #expect(schema.order == ["Author", "Book"])
}

@Test func mutualBelongsToResolvesInOneBatch() {
    let (schema, changes) = define("""
    entity Team { name: String; captain: Player? }
    entity Player { name: String; team: Team? }
    """)
    #expect(changes[0].schema.waiting == ["Team": ["Player"]])
    #expect(changes[1].statements == [
        #"CREATE TABLE "team" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "captain_id" INTEGER REFERENCES "player"("id"))"#,
        #"CREATE TABLE "player" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "team_id" INTEGER REFERENCES "team"("id"))"#,
    ])
    #expect(summary(schema, "Team") == ["captain: belongs-to Player fk=captain_id"])
    #expect(summary(schema, "Player") == ["team: belongs-to Team fk=team_id"])
}

@Test func waitingChainWaitsForWaitingEntities() {
    let (schema, changes) = define("""
    entity Review { text: String; book: Book }
    entity Book { title: String; publisher: Publisher; reviews: [Review] }
    """)
    #expect(changes[1].explanation == ["Book waits for Publisher: publisher: Publisher needs it"])
    #expect(schema.waiting == ["Review": ["Book"], "Book": ["Publisher"]])
    #expect(schema.facts(for: "Book").status == "waiting for Publisher")
    let publisher = change("entity Publisher { name: String; books: [Book] }", in: schema)
    #expect(publisher.affectedEntities == ["Publisher", "Book", "Review"])
    #expect(publisher.schema.order == ["Publisher", "Book", "Review"])
}

@Test func specModelAssociations() {
    let (schema, _) = define(specModel)
    #expect(summary(schema, "Author") == [
        "books: has-many Book fk=author_id inverse=author",
    ])
    #expect(summary(schema, "Book") == [
        "author: belongs-to Author fk=author_id inverse=books",
        "tags: many-to-many Tag join=book_tag(book_id→tag_id) inverse=books",
    ])
    #expect(summary(schema, "Tag") == ["books: many-to-many Book join=book_tag(tag_id→book_id) inverse=tags"])
    #expect(summary(schema, "Profile") == ["author: belongs-to Author fk=author_id"])
    #expect(summary(schema, "Employee") == [
        "manager: belongs-to Employee fk=manager_id inverse=reports",
        "reports: has-many Employee fk=manager_id inverse=manager",
    ])
}

@Test func hasOneWhenTheOtherSideHoldsAUniqueForeignKey() {
    let (schema, changes) = define("""
    entity Member { name: String; card: Card? }
    entity Card { number: String; member: Member unique }
    """)
    #expect(changes[1].statements == [
        #"CREATE TABLE "member" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)"#,
        #"CREATE TABLE "card" ("id" INTEGER PRIMARY KEY, "number" TEXT NOT NULL, "member_id" INTEGER NOT NULL UNIQUE REFERENCES "member"("id"))"#,
    ])
    #expect(summary(schema, "Member") == ["card: has-one Card fk=member_id inverse=member"])
    #expect(summary(schema, "Card") == ["member: belongs-to Member fk=member_id inverse=card"])
}

@Test func addingTheHasOneSideLaterUpdatesTheInverse() {
    let (schema, _) = define(specModel)
    // Redefining Author with `profile: Profile?` adds no column: the foreign key is profile.author_id.
    let change = change("""
    entity Author {
      name: String
      email: String unique
      born: Int?
      rating: Double = 0
      books: [Book]
      profile: Profile?
      index(name)
    }
    """, in: schema)
    #expect(change.diagnostics == [])
    #expect(change.statements == [])
    #expect(change.affectedEntities == ["Author", "Profile"])
    #expect(summary(change.schema, "Author") == [
        "books: has-many Book fk=author_id inverse=author",
        "profile: has-one Profile fk=author_id inverse=author",
    ])
    #expect(summary(change.schema, "Profile") == ["author: belongs-to Author fk=author_id inverse=profile"])
    #expect(change.explanation == ["Profile.author is now belongs-to: profile.author_id → author.id (unique)"])
}

@Test func viaNamesTheInverseAmongSeveral() {
    let (schema, changes) = define("""
    entity Person { name: String; written: [Book] via author; edited: [Book] via editor }
    entity Book { title: String; author: Person; editor: Person? }
    """)
    #expect(changes.allSatisfy { $0.diagnostics.isEmpty })
    #expect(summary(schema, "Person") == [
        "written: has-many Book fk=author_id inverse=author",
        "edited: has-many Book fk=editor_id inverse=editor",
    ])
    #expect(summary(schema, "Book") == [
        "author: belongs-to Person fk=author_id inverse=written",
        "editor: belongs-to Person fk=editor_id inverse=edited",
    ])
}

@Test func oneViaIsEnoughWhenItClaimsTheOtherCandidate() {
    let (schema, changes) = define("""
    entity Person { name: String; written: [Book] via author; edited: [Book] }
    entity Book { title: String; author: Person; editor: Person? }
    """)
    #expect(changes[1].diagnostics == [])
    #expect(summary(schema, "Person")[1] == "edited: has-many Book fk=editor_id inverse=editor")
}

@Test func selfReferenceWithoutViaWhenUnambiguous() {
    let (schema, changes) = define("""
    entity Employee { name: String; manager: Employee? on delete set null; reports: [Employee] }
    """)
    #expect(changes[0].diagnostics == [])
    #expect(summary(schema, "Employee") == [
        "manager: belongs-to Employee fk=manager_id inverse=reports",
        "reports: has-many Employee fk=manager_id inverse=manager",
    ])
}

@Test func selfManyToManyNamesTheSecondColumnAfterTheProperty() {
    let (schema, changes) = define("entity Person { name: String; friends: [Person] }")
    #expect(changes[0].statements == [
        #"CREATE TABLE "person" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)"#,
        #"CREATE TABLE "person_person" ("person_id" INTEGER NOT NULL REFERENCES "person"("id") ON DELETE CASCADE, "friend_id" INTEGER NOT NULL REFERENCES "person"("id") ON DELETE CASCADE, PRIMARY KEY ("person_id", "friend_id"))"#,
    ])
    #expect(summary(schema, "Person") == ["friends: many-to-many Person join=person_person(person_id→friend_id)"])
    #expect(schema.createStatements(for: "Person").count == 2)
}

@Test func selfManyToManyWithBothSides() {
    let (schema, changes) = define("entity User { name: String; following: [User] via followers; followers: [User] via following }")
    #expect(changes[0].diagnostics == [])
    #expect(changes[0].statements[1] ==
        #"CREATE TABLE "user_user" ("follower_id" INTEGER NOT NULL REFERENCES "user"("id") ON DELETE CASCADE, "following_id" INTEGER NOT NULL REFERENCES "user"("id") ON DELETE CASCADE, PRIMARY KEY ("follower_id", "following_id"))"#)
    #expect(summary(schema, "User") == [
        "following: many-to-many User join=user_user(follower_id→following_id) inverse=followers",
        "followers: many-to-many User join=user_user(following_id→follower_id) inverse=following",
    ])
}

@Test func manyToManyJoinTableIsNamedAlphabetically() {
    let (schema, changes) = define("""
    entity Tag { name: String; posts: [Post] }
    entity Post { title: String; tags: [Tag] }
    """)
    #expect(changes[1].statements.last ==
        #"CREATE TABLE "post_tag" ("post_id" INTEGER NOT NULL REFERENCES "post"("id") ON DELETE CASCADE, "tag_id" INTEGER NOT NULL REFERENCES "tag"("id") ON DELETE CASCADE, PRIMARY KEY ("post_id", "tag_id"))"#)
    #expect(summary(schema, "Tag") == ["posts: many-to-many Post join=post_tag(tag_id→post_id) inverse=tags"])
}

@Test func uniqueForeignKeyWithAnArrayBackWarns() {
    let (schema, changes) = define("""
    entity Author { name: String }
    entity Profile { bio: String; author: Author unique }
    """)
    let redefined = change("entity Author { name: String; profiles: [Profile] }", in: schema)
    _ = changes
    #expect(redefined.diagnostics.map(describe) == ["1:31 warning: Profile.author is unique, so each Author has at most one Profile"])
    #expect(!redefined.hasErrors)
    #expect(summary(redefined.schema, "Author") == ["profiles: has-many Profile fk=author_id inverse=author"])
}

@Test func misspelledEntityWaitsWithAWarning() {
    let (schema, _) = define("entity Author { name: String }")
    let book = change("entity Book { author: Authr }", in: schema)
    #expect(book.diagnostics.map(describe) == ["1:23 warning: 'Authr' is not defined yet, so Book waits for it; did you mean 'Author'?"])
    #expect(book.schema.waiting == ["Book": ["Authr"]])
}

@Test func selfOneToOneGivesHasOneOnTheOtherProperty() {
    let (schema, changes) = define("entity Node { label: String; next: Node? unique; previous: Node? }")
    #expect(changes[0].statements == [
        #"CREATE TABLE "node" ("id" INTEGER PRIMARY KEY, "label" TEXT NOT NULL, "next_id" INTEGER UNIQUE REFERENCES "node"("id"))"#,
    ])
    #expect(summary(schema, "Node") == [
        "next: belongs-to Node fk=next_id inverse=previous",
        "previous: has-one Node fk=next_id inverse=next",
    ])
}

@Test func selfManyToManyWhoseSingularIsTheEntityGetsADistinctColumn() {
    let (schema, _) = define("entity Person { people: [Person] }")
    #expect(schema.joinTables == [JoinTable(name: "person_person", ownerColumn: "person_id", targetColumn: "other_person_id")])
}

@Test func ambiguousHasOne() {
    let setup = "entity Card { owner: Member unique; backup: Member? unique }"
    let change = change("entity Member { card: Card? }", in: define(setup).schema)
    #expect(change.diagnostics.map(describe) == ["1:17 error: ambiguous inverse for 'card': Card has 2 associations to Member (owner, backup)"])
    #expect(change.diagnostics.first?.hint == "write `card: Card? via owner` (or via backup)")
}
