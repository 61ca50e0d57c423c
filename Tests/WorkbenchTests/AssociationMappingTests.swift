import Report
import Testing
@testable import Workbench

@Suite struct AssociationMappingTests {
    @Test func everyKindCreatesItsTables() throws {
        let reports = try runScript(everyKindModel)
        for r in reports { expectOK(r) }
        let ddl = reports.flatMap(sqlTexts)
        #expect(ddl == [
            #"CREATE TABLE "author" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)"#,
            #"CREATE TABLE "book" ("id" INTEGER PRIMARY KEY, "title" TEXT NOT NULL, "year" INTEGER NOT NULL, "author_id" INTEGER NOT NULL REFERENCES "author"("id") ON DELETE CASCADE)"#,
            #"CREATE TABLE "tag" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL UNIQUE)"#,
            #"CREATE TABLE "profile" ("id" INTEGER PRIMARY KEY, "bio" TEXT NOT NULL, "author_id" INTEGER NOT NULL UNIQUE REFERENCES "author"("id") ON DELETE CASCADE)"#,
            #"CREATE TABLE "book_tag" ("book_id" INTEGER NOT NULL REFERENCES "book"("id") ON DELETE CASCADE, "tag_id" INTEGER NOT NULL REFERENCES "tag"("id") ON DELETE CASCADE, PRIMARY KEY ("book_id", "tag_id"))"#,
            #"CREATE TABLE "employee" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL, "manager_id" INTEGER REFERENCES "employee"("id") ON DELETE SET NULL)"#,
        ])
    }

    @Test func theMappingPaneNamesEachKind() throws {
        let wb = try Workbench()
        _ = wb.run(everyKindModel)
        let r = try #require(wb.run(":mapping").first)
        let kinds = r.mapping.flatMap { e in e.associations.map { "\(e.entity).\($0.name): \($0.kind) \($0.target) [\($0.storage)]" } }
        #expect(kinds == [
            "Author.books: has-many Book [book.author_id → author.id]",
            "Author.profile: has-one Profile [profile.author_id → author.id (unique)]",
            "Book.author: belongs-to Author [book.author_id → author.id]",
            "Book.tags: many-to-many Tag [join table book_tag(book_id, tag_id)]",
            "Tag.books: many-to-many Book [join table book_tag(book_id, tag_id)]",
            "Profile.author: belongs-to Author [profile.author_id → author.id (unique)]",
            "Employee.manager: belongs-to Employee [employee.manager_id → employee.id]",
            "Employee.reports: has-many Employee [employee.manager_id → employee.id]",
        ])
    }

    @Test func ambiguousInverseOffersTheViaLine() throws {
        let reports = try runScript("""
        entity Person { name: String; books: [Book] }
        entity Book { title: String; author: Person; editor: Person? }
        """)
        let failed = try #require(reports.first { !$0.ok } ?? reports.last)
        let all = reports.flatMap(\.diagnostics)
        #expect(all.contains { $0.message.contains("ambiguous") && ($0.hint ?? "").contains("via author") }, "\(failed.diagnostics)")
    }
}
