import TestSupport
import Testing
import SQLBuilder
import DSL
@testable import Mapping

// Exact DDL: the product shows it to the learner and the runtime runs it.

@Test func specModelCreatesEveryTableInDependencyOrder() {
    let (schema, changes) = define(specModel)
    #expect(changes.allSatisfy { !$0.hasErrors })
    // Author waits for Book, Book for Tag; defining Tag creates all three, parents first, then the join table.
    #expect(changes[0].statements == [])
    #expect(changes[1].statements == [])
    #expect(changes[2].statements == [
        #"CREATE TABLE "author" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "email" TEXT NOT NULL UNIQUE, "born" INTEGER, "rating" REAL NOT NULL DEFAULT 0)"#,
        #"CREATE INDEX "author_name" ON "author"("name")"#,
        #"CREATE TABLE "book" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL, "year" INTEGER NOT NULL, "author_id" INTEGER NOT NULL REFERENCES "author"("id"))"#,
        #"CREATE INDEX "book_year" ON "book"("year")"#,
        #"CREATE TABLE "tag" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL UNIQUE)"#,
        #"CREATE TABLE "book_tag" ("book_id" INTEGER NOT NULL REFERENCES "book"("id") ON DELETE CASCADE, "tag_id" INTEGER NOT NULL REFERENCES "tag"("id") ON DELETE CASCADE, PRIMARY KEY ("book_id", "tag_id"))"#,
    ])
    #expect(changes[3].statements == [
        #"CREATE TABLE "profile" ("id" INTEGER PRIMARY KEY, "bio" TEXT NOT NULL, "author_id" INTEGER NOT NULL UNIQUE REFERENCES "author"("id"))"#,
    ])
    #expect(changes[4].statements == [
        #"CREATE TABLE "employee" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "manager_id" INTEGER REFERENCES "employee"("id") ON DELETE SET NULL)"#,
    ])
    #expect(schema.order == ["Author", "Book", "Tag", "Profile", "Employee"])
    #expect(schema.waiting.isEmpty && schema.waitingDeclarations.isEmpty)
    #expect(schema.joinTables == [JoinTable(name: "book_tag", ownerColumn: "book_id", targetColumn: "tag_id")])
}

@Test func createStatementsListTableJoinTablesItOwnsAndIndexes() {
    let (schema, _) = define(specModel)
    #expect(schema.createStatements(for: "Book") == [
        #"CREATE TABLE "book" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL, "year" INTEGER NOT NULL, "author_id" INTEGER NOT NULL REFERENCES "author"("id"))"#,
        #"CREATE INDEX "book_year" ON "book"("year")"#,
    ])
    // The join table belongs to the side defined last (Tag), so :schema lists it after both tables.
    #expect(schema.createStatements(for: "Tag") == [
        #"CREATE TABLE "tag" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL UNIQUE)"#,
        #"CREATE TABLE "book_tag" ("book_id" INTEGER NOT NULL REFERENCES "book"("id") ON DELETE CASCADE, "tag_id" INTEGER NOT NULL REFERENCES "tag"("id") ON DELETE CASCADE, PRIMARY KEY ("book_id", "tag_id"))"#,
    ])
    #expect(schema.createStatements(for: "Nobody") == [])
}

@Test func onDeleteAppearsOnlyWhenDeclared() {
    let (_, changes) = define("""
    entity Author { name: String }
    entity Book { title: String; year: Int; author: Author on delete cascade }
    """)
    #expect(changes[1].statements == [
        #"CREATE TABLE "book" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL, "year" INTEGER NOT NULL, "author_id" INTEGER NOT NULL REFERENCES "author"("id") ON DELETE CASCADE)"#,
    ])
    let restrict = define("entity A { }\nentity B { a: A on delete restrict }").changes[1]
    #expect(restrict.statements == [#"CREATE TABLE "b" ("id" INTEGER PRIMARY KEY, "a_id" INTEGER NOT NULL REFERENCES "a"("id") ON DELETE RESTRICT)"#])
}

@Test func emptyEntityHasOnlyId() {
    let change = Schema().defining(entities("entity Marker { }")[0])
    #expect(change.statements == [#"CREATE TABLE "marker" ("id" INTEGER PRIMARY KEY)"#])
    #expect(change.diagnostics.isEmpty)
}

@Test func railsNamingPluralisesTables() {
    let (schema, changes) = define("""
    entity Person { name: String; categories: [Category] }
    entity Category { title: String index; people: [Person] }
    entity BlogPost { title: String; author: Person }
    """, in: Schema(naming: .rails))
    #expect(changes[1].statements == [
        #"CREATE TABLE "people" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)"#,
        #"CREATE TABLE "categories" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL)"#,
        #"CREATE INDEX "categories_title" ON "categories"("title")"#,
        #"CREATE TABLE "categories_people" ("category_id" INTEGER NOT NULL REFERENCES "categories"("id") ON DELETE CASCADE, "person_id" INTEGER NOT NULL REFERENCES "people"("id") ON DELETE CASCADE, PRIMARY KEY ("category_id", "person_id"))"#,
    ])
    #expect(changes[2].statements == [
        #"CREATE TABLE "blog_posts" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL, "author_id" INTEGER NOT NULL REFERENCES "people"("id"))"#,
    ])
    #expect(schema.tableName(forEntity: "BlogPost") == "blog_posts")
    #expect(Schema().tableName(forEntity: "BlogPost") == "blog_post")
}

@Test(arguments: [
    ("BlogPost", "blog_post", "blog_posts"), ("Person", "person", "people"), ("Category", "category", "categories"),
    ("Box", "box", "boxes"), ("Day", "day", "days"), ("HTTPRequest", "http_request", "http_requests"),
    ("Child", "child", "children"), ("Status", "status", "statuses"),
])
func tableNames(entity: String, standard: String, rails: String) {
    #expect(NamingConvention.standard.tableName(forEntity: entity) == standard)
    #expect(NamingConvention.rails.tableName(forEntity: entity) == rails)
}

@Test func singularsForJoinColumns() {
    #expect(singularize("friends") == "friend")
    #expect(singularize("categories") == "category")
    #expect(singularize("people") == "person")
    #expect(singularize("boxes") == "box")
    #expect(singularize("status") == "status")
    #expect(snakeCase("birthYear") == "birth_year")
}

@Test func defaultsOfEachType() {
    let change = Schema().defining(entities("""
    entity Settings {
      count: Int = 3
      negative: Int = -1
      ratio: Double = 0.5
      whole: Double = 2
      title: String = "it's"
      enabled: Bool = true
      hidden: Bool = false
      since: Date = "2024-05-01"
      note: String? = nil
    }
    """)[0])
    #expect(change.diagnostics.isEmpty)
    #expect(change.statements == [
        #"CREATE TABLE "settings" ("id" INTEGER PRIMARY KEY, "count" INTEGER NOT NULL DEFAULT 3, "negative" INTEGER NOT NULL DEFAULT -1, "ratio" REAL NOT NULL DEFAULT 0.5, "whole" REAL NOT NULL DEFAULT 2, "title" TEXT NOT NULL DEFAULT 'it''s', "enabled" INTEGER NOT NULL DEFAULT 1, "hidden" INTEGER NOT NULL DEFAULT 0, "since" TEXT NOT NULL DEFAULT '2024-05-01', "note" TEXT)"#,
    ])
}

@Test func scalarTypesMapToStorageClasses() {
    let change = Schema().defining(entities("entity T { a: Int; b: Double; c: String; d: Bool; e: Date; f: Data? }")[0])
    #expect(change.statements == [
        #"CREATE TABLE "t" ("id" INTEGER PRIMARY KEY, "a" INTEGER NOT NULL, "b" REAL NOT NULL, "c" TEXT NOT NULL, "d" INTEGER NOT NULL, "e" TEXT NOT NULL, "f" BLOB)"#,
    ])
}

@Test func keywordsAsNamesAreQuoted() {
    let change = Schema().defining(entities("entity Order { group: String; select: Int index; from: Bool unique }")[0])
    #expect(change.statements == [
        #"CREATE TABLE "order" ("id" INTEGER PRIMARY KEY, "group" TEXT NOT NULL, "select" INTEGER NOT NULL, "from" INTEGER NOT NULL UNIQUE)"#,
        #"CREATE INDEX "order_select" ON "order"("select")"#,
    ])
    #expect(standardDialect.quoteIdentifier(#"we"ird"#) == #""we""ird""#)
    #expect(quoteSQLString("it's") == "'it''s'")
}

@Test func indexLinesAndUniqueIndexes() {
    let change = Schema().defining(entities("""
    entity Event {
      title: String
      year: Int
      startsAt: Date
      index(title, year)
      unique index(startsAt)
    }
    """)[0])
    #expect(change.statements == [
        #"CREATE TABLE "event" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL, "year" INTEGER NOT NULL, "starts_at" TEXT NOT NULL)"#,
        #"CREATE INDEX "event_title_year" ON "event"("title", "year")"#,
        #"CREATE UNIQUE INDEX "event_starts_at" ON "event"("starts_at")"#,
    ])
}

@Test func indexOnAForeignKey() {
    let (_, changes) = define("""
    entity Author { name: String }
    entity Book { author: Author index; editor: Author?; index(editor) }
    """)
    #expect(changes[1].statements == [
        #"CREATE TABLE "book" ("id" INTEGER PRIMARY KEY, "author_id" INTEGER NOT NULL REFERENCES "author"("id"), "editor_id" INTEGER REFERENCES "author"("id"))"#,
        #"CREATE INDEX "book_author_id" ON "book"("author_id")"#,
        #"CREATE INDEX "book_editor_id" ON "book"("editor_id")"#,
    ])
}
