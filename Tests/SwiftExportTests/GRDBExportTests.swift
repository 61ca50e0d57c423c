import Foundation
import Mapping
import Testing
import Workbench
@testable import SwiftExport

// The exported code, pinned: whole files for a small schema, and the lines that matter for
// names, types, defaults and associations of the harder cases.

@Suite struct GRDBExportTests {
    @Test func wholeFileForAuthorAndBook() throws {
        let code = SwiftExporter.export(try schema(authorAndBook), style: .grdb)
        #expect(code == """
            // Swift model code exported by ORMLab (style: grdb).
            // Tables: author, book.
            // Records for GRDB.swift 7. Create the tables with ORMLabSchema.migrator:
            //     let dbQueue = try DatabaseQueue(path: "db.sqlite")
            //     try ORMLabSchema.migrator.migrate(dbQueue)

            import Foundation
            import GRDB

            // MARK: - Author

            /// Maps table `author`.
            struct Author: Codable, Hashable, Identifiable, FetchableRecord, MutablePersistableRecord {
                static let databaseTableName = "author"

                /// The primary key: nil until the row is inserted.
                var id: Int64?
                var name: String

                enum CodingKeys: String, CodingKey {
                    case id, name
                }

                /// The columns, for the query interface: `Author.filter(Author.Columns.name == value)`.
                enum Columns {
                    static let id = Column(CodingKeys.id)
                    static let name = Column(CodingKeys.name)
                }

                /// Called by GRDB after an INSERT: the new row's id.
                mutating func didInsert(_ inserted: InsertionSuccess) {
                    id = inserted.rowID
                }
            }

            extension Author {
                /// books: has-many Book (book.author_id).
                static let books = hasMany(Book.self)

                var books: QueryInterfaceRequest<Book> { request(for: Author.books) }
            }

            // MARK: - Book

            /// Maps table `book`.
            struct Book: Codable, Hashable, Identifiable, FetchableRecord, MutablePersistableRecord {
                static let databaseTableName = "book"

                /// The primary key: nil until the row is inserted.
                var id: Int64?
                var title: String
                /// author: belongs-to Author (author_id REFERENCES author.id).
                var authorID: Int64

                enum CodingKeys: String, CodingKey {
                    case id, title
                    case authorID = "author_id"
                }

                /// The columns, for the query interface: `Book.filter(Book.Columns.title == value)`.
                enum Columns {
                    static let id = Column(CodingKeys.id)
                    static let title = Column(CodingKeys.title)
                    static let authorID = Column(CodingKeys.authorID)
                }

                /// Called by GRDB after an INSERT: the new row's id.
                mutating func didInsert(_ inserted: InsertionSuccess) {
                    id = inserted.rowID
                }
            }

            extension Book {
                /// author: belongs-to Author (author_id).
                static let author = belongsTo(Author.self)

                var author: QueryInterfaceRequest<Author> { request(for: Book.author) }
            }

            // MARK: - Schema

            /// The schema ORMLab created for these entities, as a GRDB migration.
            enum ORMLabSchema {
                /// Creates the tables, join tables and indexes with ORMLab's own SQL, so the database is
                /// the one the workbench showed.
                static var migrator: DatabaseMigrator {
                    var migrator = DatabaseMigrator()
                    migrator.registerMigration("createORMLabSchema") { db in
                        try db.execute(sql: #"CREATE TABLE "author" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)"#)
                        try db.execute(sql: #"CREATE TABLE "book" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL, "author_id" INTEGER NOT NULL REFERENCES "author"("id"))"#)
                    }
                    return migrator
                }
            }

            """)
    }

    @Test func manyToManyGoesThroughTheJoinRecord() throws {
        let code = SwiftExporter.export(try schema("""
            entity Book { title: String; tags: [Tag] }
            entity Tag { name: String unique; books: [Book] }
            """), style: .grdb)
        let lines = trimmedLines(code)
        for expected in [
            #"static let bookTags = hasMany(BookTag.self, key: "bookTags")"#,
            "static let tags = hasMany(Tag.self, through: bookTags, using: BookTag.tag)",
            "var tags: QueryInterfaceRequest<Tag> { request(for: Book.tags) }",
            "static let books = hasMany(Book.self, through: bookTags, using: BookTag.book)",
            "/// Maps the join table `book_tag`: one row per link of Book.tags / Tag.books.",
            "struct BookTag: Codable, Hashable, FetchableRecord, PersistableRecord {",
            #"static let databaseTableName = "book_tag""#,
            "var bookID: Int64",
            "var tagID: Int64",
            "static let book = belongsTo(Book.self)",
            "static let tag = belongsTo(Tag.self)",
            ##"try db.execute(sql: #"CREATE TABLE "book_tag" ("book_id" INTEGER NOT NULL REFERENCES "book"("id") ON DELETE CASCADE, "tag_id" INTEGER NOT NULL REFERENCES "tag"("id") ON DELETE CASCADE, PRIMARY KEY ("book_id", "tag_id"))"#)"##,
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
    }

    @Test func foreignKeysGRDBCannotInferAreExplicit() throws {
        let code = SwiftExporter.export(try schema("""
            entity User { handle: String; manager: User?; reports: [User] via manager; sent: [Message] via sender; friends: [User] }
            entity Message { body: String; sender: User; recipient: User? }
            """), style: .grdb)
        let lines = trimmedLines(code)
        for expected in [
            // Self-reference.
            #"static let manager = belongsTo(User.self, key: "manager", using: ForeignKey(["manager_id"]))"#,
            #"static let reports = hasMany(User.self, key: "reports", using: ForeignKey(["manager_id"]))"#,
            // Two foreign keys from message to user.
            #"static let sent = hasMany(Message.self, key: "sent", using: ForeignKey(["sender_id"]))"#,
            #"static let sender = belongsTo(User.self, key: "sender", using: ForeignKey(["sender_id"]))"#,
            #"static let recipient = belongsTo(User.self, key: "recipient", using: ForeignKey(["recipient_id"]))"#,
            // Self many-to-many: both columns of user_user point at user.
            #"static let userUsers = hasMany(UserUser.self, key: "userUsers", using: ForeignKey(["user_id"]))"#,
            "static let friends = hasMany(User.self, through: userUsers, using: UserUser.friend)",
            #"static let user = belongsTo(User.self, using: ForeignKey(["user_id"]))"#,
            #"static let friend = belongsTo(User.self, key: "friend", using: ForeignKey(["friend_id"]))"#,
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
    }

    @Test func hasOneAndTwoSidedSelfManyToMany() throws {
        let code = SwiftExporter.export(try schema("""
            entity Person { name: String; followers: [Person] via following; following: [Person] via followers; passport: Passport? }
            entity Passport { number: String; person: Person unique }
            """), style: .grdb)
        let lines = trimmedLines(code)
        for expected in [
            "static let passport = hasOne(Passport.self)",
            "var passport: QueryInterfaceRequest<Passport> { request(for: Person.passport) }",
            "static let person = belongsTo(Person.self)",
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
        // Each side has its own pivot, on its own column.
        let pivots = lines.filter { $0.contains("hasMany(PersonPerson.self") }
        #expect(pivots.count == 2)
        #expect(lines.contains { $0.hasPrefix("static let followers = hasMany(Person.self, through: followersLinks, using: PersonPerson.") })
        #expect(lines.contains { $0.hasPrefix("static let following = hasMany(Person.self, through: followingLinks, using: PersonPerson.") })
    }

    @Test func twoManyToManysBetweenTheSameEntitiesHaveTheirOwnJoinRecords() throws {
        let code = SwiftExporter.export(try schema("""
            entity Course { title: String; students: [Student] via courses; assistants: [Student] via assisting }
            entity Student { name: String; courses: [Course] via students; assisting: [Course] via assistants }
            """), style: .grdb)
        let lines = trimmedLines(code)
        for expected in [
            "struct CourseStudent: Codable, Hashable, FetchableRecord, PersistableRecord {",
            "struct CourseStudentAssistants: Codable, Hashable, FetchableRecord, PersistableRecord {",
            #"static let courseStudents = hasMany(CourseStudent.self, key: "courseStudents")"#,
            "static let students = hasMany(Student.self, through: courseStudents, using: CourseStudent.student)",
            #"static let courseStudentAssistants = hasMany(CourseStudentAssistants.self, key: "courseStudentAssistants")"#,
            #"static let assistants = hasMany(Student.self, through: courseStudentAssistants, using: CourseStudentAssistants.student, key: "assistants")"#,
            #"static let assisting = hasMany(Course.self, through: courseStudentAssistants, using: CourseStudentAssistants.course, key: "assisting")"#,
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
    }

    @Test func keywordMembersAreEscapedEverywhere() throws {
        let code = SwiftExporter.export(try schema("entity Order { group: String; `default`: Bool = false; `self`: Int? }"), style: .grdb)
        let lines = trimmedLines(code)
        for expected in [
            #"static let databaseTableName = "order""#,
            "var `default`: Bool = false",
            "static let `default` = Column(CodingKeys.`default`)",
            "static let selfValue = Column(CodingKeys.selfValue)",
            #"case selfValue = "self""#,
            ##"try db.execute(sql: #"CREATE TABLE "order" ("id" INTEGER PRIMARY KEY, "group" TEXT NOT NULL, "default" INTEGER NOT NULL DEFAULT 0, "self" INTEGER)"#)"##,
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
    }

    @Test func associationChecksJoinThroughEveryAssociation() throws {
        let code = SwiftExporter.grdbAssociationChecks(try schema("""
            entity Book { title: String; author: Author?; tags: [Tag] }
            entity Tag { name: String; books: [Book] }
            entity Author { name: String; books: [Book] }
            """))
        let joins = trimmedLines(code).filter { $0.hasPrefix("_ = try") }
        // Definition order: Book waited for Author, so Tag and Author were defined before it.
        #expect(joins == [
            "_ = try Tag.joining(optional: Tag.books).fetchAll(db)",
            "_ = try Author.joining(optional: Author.books).fetchAll(db)",
            "_ = try Book.joining(optional: Book.author).fetchAll(db)",
            "_ = try Book.joining(optional: Book.tags).fetchAll(db)",
            "_ = try BookTag.joining(required: BookTag.book).fetchAll(db)",
            "_ = try BookTag.joining(required: BookTag.tag).fetchAll(db)",
        ])
    }
}
