import Foundation
import Mapping
import Testing
import Workbench
@testable import SwiftExport

@Suite struct PlainExportTests {
    @Test func wholeFileForAuthorAndBook() throws {
        let code = SwiftExporter.export(try schema(authorAndBook), style: .plain)
        #expect(code == """
            // Swift model code exported by ORMLab (style: plain).
            // Tables: author, book.
            // Plain structs hold one row each: a belongs-to is the id of the other row, and the
            // other associations are comments saying which query loads them.

            import Foundation

            /// Maps table `author`.
            struct Author: Codable, Hashable, Identifiable {
                /// The primary key: nil until the row is inserted.
                var id: Int64?
                var name: String

                // books: has-many Book (book.author_id) — load with a query on Book
            }

            /// Maps table `book`.
            struct Book: Codable, Hashable, Identifiable {
                /// The primary key: nil until the row is inserted.
                var id: Int64?
                var title: String
                /// author: belongs-to Author (author_id REFERENCES author.id).
                var authorID: Int64

                enum CodingKeys: String, CodingKey {
                    case id, title
                    case authorID = "author_id"
                }
            }

            """)
    }

    @Test func typesOptionalsAndDefaults() throws {
        let code = SwiftExporter.export(try schema("""
            entity Item {
              count: Int = 3
              price: Double = 2
              ratio: Double? = 0.5
              label: String = "say \\"hi\\""
              active: Bool = true
              added: Date = "2024-05-01"
              blob: Data?
              note: String?
            }
            """), style: .plain)
        let lines = trimmedLines(code)
        for expected in [
            "var count: Int = 3",
            "var price: Double = 2",
            "var ratio: Double? = 0.5",
            #"var label: String = "say \"hi\"""#,
            "var active: Bool = true",
            "/// The database default is '2024-05-01'.",
            "var added: Date",
            "var blob: Data?",
            "var note: String?",
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
        // No CodingKeys: every name is its column's.
        #expect(!code.contains("CodingKeys"))
    }

    @Test func foreignKeysAreIdPropertiesOptionalWhenTheAssociationIs() throws {
        let code = SwiftExporter.export(try schema("""
            entity Employee { name: String; manager: Employee? on delete set null; reports: [Employee] via manager }
            """), style: .plain)
        let lines = trimmedLines(code)
        #expect(lines.contains("/// manager: belongs-to Employee (manager_id REFERENCES employee.id ON DELETE SET NULL)."))
        #expect(lines.contains("var managerID: Int64?"))
        #expect(lines.contains("// reports: has-many Employee (employee.manager_id) — load with a query on Employee"))
        #expect(lines.contains(#"case managerID = "manager_id""#))
    }

    @Test func associationsPlainStructsCannotHoldAreComments() throws {
        let code = SwiftExporter.export(try schema("""
            entity Author { name: String; profile: Profile?; books: [Book] }
            entity Book { title: String; author: Author; tags: [Tag] }
            entity Tag { name: String; books: [Book] }
            entity Profile { bio: String; author: Author unique }
            """), style: .plain)
        let lines = trimmedLines(code)
        #expect(lines.contains("// profile: has-one Profile (profile.author_id) — load with a query on Profile"))
        #expect(lines.contains("// books: has-many Book (book.author_id) — load with a query on Book"))
        #expect(lines.contains("// tags: many-to-many Tag through book_tag (book_id, tag_id) — load Tag joined with book_tag on tag_id"))
        #expect(lines.contains("// books: many-to-many Book through book_tag (tag_id, book_id) — load Book joined with book_tag on book_id"))
        // Plain export has no join-table struct.
        #expect(!code.contains("struct BookTag"))
    }

    @Test func keywordsAndCasing() throws {
        let code = SwiftExporter.export(try schema("""
            entity Order { group: String; select: Int?; `default`: Bool = false; `class`: String?; `self`: Int?; birth_year: Int?; ISBN: String?; URLString: String? }
            """), style: .plain)
        let lines = trimmedLines(code)
        for expected in [
            "struct Order: Codable, Hashable, Identifiable {",
            "var group: String",                // SQL keywords are fine in Swift
            "var select: Int?",
            "var `default`: Bool = false",      // Swift keywords are escaped
            "var `class`: String?",
            "var selfValue: Int?",              // `.self` would shadow it: renamed
            "var birthYear: Int?",              // snake_case → lowerCamelCase
            "var isbn: String?",                // a leading acronym is lowercased
            "var urlString: String?",
            "case id, group, select, `default`, `class`, isbn",
            #"case selfValue = "self""#,
            #"case birthYear = "birth_year""#,
            #"case urlString = "url_string""#,
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
    }

    @Test func entityNamesThatWouldShadowOrAreKeywordsGetASuffix() throws {
        let code = SwiftExporter.export(try schema("""
            entity Type { name: String; columns: [Column] }
            entity Column { name: String; type: Type }
            entity blog_post { title: String }
            """), style: .plain)
        let lines = trimmedLines(code)
        #expect(lines.contains("/// Maps table `type`."))
        #expect(lines.contains("struct TypeRecord: Codable, Hashable, Identifiable {"))
        #expect(lines.contains("struct ColumnRecord: Codable, Hashable, Identifiable {"))
        #expect(lines.contains("// columns: has-many ColumnRecord (column.type_id) — load with a query on ColumnRecord"))
        #expect(lines.contains("/// type: belongs-to TypeRecord (type_id REFERENCES type.id)."))
        #expect(lines.contains("struct BlogPost: Codable, Hashable, Identifiable {"))
    }

    @Test func emptyAndWaitingSchemas() throws {
        let empty = SwiftExporter.export(Schema(), style: .plain)
        #expect(empty == """
            // Swift model code exported by ORMLab (style: plain).
            // The session has no entities yet: define one with entity Author { name: String }.
            // Plain structs hold one row each: a belongs-to is the id of the other row, and the
            // other associations are comments saying which query loads them.

            import Foundation

            """)
        let waiting = SwiftExporter.export(try schema("entity Book { title: String; author: Author }"), style: .plain)
        #expect(waiting.contains("// Not exported: Book waits for Author, which is not defined.\n"))
        #expect(!waiting.contains("struct Book"))
    }

    @Test func halfDeclaredManyToMany() throws {
        // A new entity waiting for a defined one to point back, and a defined one whose new
        // definition waits: each is said in the header, and the current mappings are exported.
        let newSide = SwiftExporter.export(try schema("entity Tag { name: String }\nentity Book { title: String; tags: [Tag] }"), style: .plain)
        #expect(newSide.contains("// Not exported: Book waits for Tag to point back at it.\n"))
        #expect(!newSide.contains("struct Book"))
        let existing = try schema("entity Tag { name: String }\nentity Book { title: String }\nentity Book { title: String; tags: [Tag] }")
        let code = SwiftExporter.export(existing, style: .plain)
        #expect(code.contains("// Book is exported as currently mapped: its new definition waits for Tag.\n"))
        #expect(code.contains("struct Book: Codable, Hashable, Identifiable {"))
        #expect(!code.contains("tags"))
    }
}
