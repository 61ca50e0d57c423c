import Report
import Testing
@testable import Workbench

// MARK: - Schema changes keep the rows

@Suite struct SchemaChangeTests {
    let start = """
    entity Author { name: String; books: [Book] }
    entity Book { title: String; year: Int; author: Author }
    entity Publisher { name: String }
    :seed Author 3
    :seed Book 10
    """

    func redefine(_ book: String) throws -> (Report, Workbench) {
        let wb = try Workbench()
        let reports = wb.run(start + "\n" + book, sourceName: "<test>")
        for r in reports.dropLast() { expectOK(r) }
        return (try #require(reports.last), wb)
    }

    func rows(_ wb: Workbench) throws -> String { try scalar(wb, "SELECT COUNT(*) FROM book") }

    @Test func addingAnIndex() throws {
        let (report, wb) = try redefine("entity Book { title: String; year: Int; author: Author; index(year) }")
        expectOK(report)
        #expect(sqlTexts(report) == [#"CREATE INDEX "book_year" ON "book"("year")"#])
        #expect(try rows(wb) == "10")
    }

    @Test func addingAnOptionalPropertyAndOneWithADefault() throws {
        let (optional, wb) = try redefine("entity Book { title: String; year: Int; author: Author; pages: Int? }")
        expectOK(optional)
        #expect(sqlTexts(optional) == [#"ALTER TABLE "book" ADD COLUMN "pages" INTEGER"#])
        let withDefault = try #require(wb.run("entity Book { title: String; year: Int; author: Author; pages: Int?; price: Double = 9.5 }").last)
        expectOK(withDefault)
        #expect(sqlTexts(withDefault) == [#"ALTER TABLE "book" ADD COLUMN "price" REAL NOT NULL DEFAULT 9.5"#])
        #expect(try scalar(wb, "SELECT COUNT(*) FROM book WHERE price = 9.5 AND pages IS NULL") == "10")
    }

    @Test func aRequiredPropertyWithoutDefaultOnRowsIsRefused() throws {
        let (report, wb) = try redefine("entity Book { title: String; year: Int; author: Author; isbn: String }")
        #expect(!report.ok)
        let d = report.diagnostics[0]
        #expect(d.message == "Book has 10 rows, and the new required property 'isbn' has no value for them; the table rebuild was rolled back, nothing changed")
        #expect(d.hint == #"give it a default (isbn: String = "") or make it optional (isbn: String?)"#)
        #expect(d.column == 57)
        #expect(try rows(wb) == "10")
        let after = try #require(wb.run("Book#1.title").last)
        expectOK(after)
    }

    @Test func addingAnAssociation() throws {
        let (report, wb) = try redefine("entity Book { title: String; year: Int; author: Author; publisher: Publisher? }")
        expectOK(report)
        #expect(sqlTexts(report) == [#"ALTER TABLE "book" ADD COLUMN "publisher_id" INTEGER REFERENCES "publisher"("id")"#])
        #expect(try rows(wb) == "10")
        let required = try #require(wb.run("entity Book { title: String; year: Int; author: Author; editor: Publisher }").last)
        #expect(required.diagnostics.first?.message == "Book has 10 rows, and the new required property 'editor' has no value for them; the table rebuild was rolled back, nothing changed")
        #expect(try rows(wb) == "10")
    }

    @Test func removingAPlainPropertyUsesAlterTableDropColumn() throws {
        // (Until issue 16 this rebuilt the table: SQLite 3.35 drops a plain column in place.)
        let (report, wb) = try redefine("entity Book { title: String; author: Author }")
        expectOK(report)
        #expect(sqlTexts(report) == [#"ALTER TABLE "book" DROP COLUMN "year""#])
        #expect(report.notes.map(\.message) == ["column year dropped with ALTER TABLE DROP COLUMN: its values are lost"])
        #expect(try rows(wb) == "10")
        #expect(try scalar(wb, "SELECT COUNT(*) FROM book WHERE author_id NOT IN (SELECT id FROM author)") == "0")
    }

    @Test func addingAHasManyAssociationTouchesNoTable() throws {
        let wb = try Workbench()
        let reports = wb.run(start + "\nentity Review { stars: Int; book: Book }\nentity Book { title: String; year: Int; author: Author; reviews: [Review] }")
        let report = try #require(reports.last)
        expectOK(report)
        #expect(dataSQL(report).isEmpty)
        #expect(try rows(wb) == "10")
    }
}
