import Foundation
import Report
import SQLiteKit
import Testing
@testable import Workbench

/// The Rosetta catalogue (Rosetta/catalogue, SPEC §15): well-formed, ORMLab's column is what
/// ORMLab runs today, the fixture ORMLab builds is the one the other ORMs' recorders load, and
/// `:rosetta` shows an entry. The other ORMs' columns are checked by `./dev rosetta check`,
/// which runs them (scripts/test-all.sh).
@Suite struct RosettaCatalogueTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let catalogue = RosettaCatalogue.load(directory: root + "/Rosetta/catalogue")
    static let fixture = (try? String(contentsOfFile: root + "/Rosetta/fixture/fixture.orm", encoding: .utf8)) ?? ""

    /// The concepts issue #24 names, each one file.
    static let requiredIDs = [
        "find-by-id", "where", "order-limit", "count-group", "projection", "to-one-path-join",
        "to-many-exists", "lazy-n-plus-1", "include-in", "include-join", "nested-include",
        "insert-save-ordering", "update-one-column", "bulk-update", "delete-cascade", "transaction-rollback",
    ]

    @Test func catalogueIsWellFormed() throws {
        let catalogue = Self.catalogue
        #expect(catalogue.errors.isEmpty, "\(catalogue.errors.map(\.description).joined(separator: "\n"))")
        #expect(Set(catalogue.entries.map(\.id)).isSuperset(of: Self.requiredIDs),
                "missing: \(Set(Self.requiredIDs).subtracting(catalogue.entries.map(\.id)).sorted())")
        for entry in catalogue.entries {
            let ormlab = try #require(entry.ormlab, "\(entry.id): no ORMLab section")
            #expect(ormlab.statedCount != nil, "\(entry.id): ORMLab's SQL is not recorded")
            #expect(!ormlab.statements.isEmpty, "\(entry.id): ORMLab ran no SQL")
            // Every entry was recorded in more ORMs than ORMLab, each with a version.
            let others = entry.sections.filter { $0.orm != "ORMLab" }
            #expect(others.count >= 3, "\(entry.id): only \(others.map(\.heading)) recorded")
            for section in others {
                #expect(section.heading != section.orm, "\(entry.id): '\(section.heading)' names no version")
                #expect(!section.code.isEmpty && !section.statements.isEmpty, "\(entry.id) / \(section.heading): no code or no SQL")
            }
            if let lesson = entry.lesson {
                #expect(FileManager.default.fileExists(atPath: Self.root + "/Lessons/\(lesson).md"),
                        "\(entry.id): lesson file Lessons/\(lesson).md does not exist")
            }
        }
    }

    @Test func parserNamesTheFileAndLineOfAWrongCount() {
        let text = """
        # Where
        id: where

        ## ORMLab

        ```orm
        Book.where(year > 1970)
        ```

        SQL (2 statements):

        ```sql
        SELECT "book".* FROM "book" WHERE "book"."year" > ?
        ```
        """
        guard case .failure(let error) = RosettaCatalogue.parse(text, file: "x.md") else {
            Issue.record("a count that disagrees with the statements was accepted")
            return
        }
        #expect(error.line == 4)
        #expect(error.message.contains("says 2 statements but lists 1"))
    }

    /// ORMLab's column of every entry is what ORMLab runs now: the fixture, `:forget`, then
    /// the entry's DSL on a fresh workbench; the statements, whitespace aside, in order.
    @Test(arguments: requiredIDs)
    func ormlabColumnMatchesORMLab(_ id: String) throws {
        let entry = try #require(Self.catalogue.entries.first { $0.id == id })
        let wb = try Workbench()
        for r in wb.run(Self.fixture + "\n:forget", sourceName: "fixture.orm") { expectOK(r) }
        let reports = wb.run(entry.dsl, sourceName: "\(id).md")
        for r in reports { expectOK(r) }
        let ran = reports.flatMap { $0.sql.map { $0.sql.split(whereSeparator: \.isWhitespace).joined(separator: " ") } }
        #expect(ran == entry.ormlab?.statements,
                "\(id): ORMLab now runs\n\(ran.joined(separator: "\n"))\nbut the catalogue says\n\((entry.ormlab?.statements ?? []).joined(separator: "\n"))\n(./dev rosetta record \(id) re-records it)")
    }

    /// The ORMLab fixture and schema.sql (what every other recorder loads) make the same tables,
    /// as SQLite stores them, and the same rows.
    @Test func fixtureMatchesSchemaSQL() throws {
        let path = NSTemporaryDirectory() + "rosetta-fixture-\(UUID().uuidString).sqlite3"
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let wb = try Workbench(databasePath: path)
            for r in wb.run(Self.fixture, sourceName: "fixture.orm") { expectOK(r) }
        }
        let ormlab = try Connection(path: path)
        let recorders = try Connection()
        try recorders.execute(String(contentsOfFile: Self.root + "/Rosetta/fixture/schema.sql", encoding: .utf8))
        func tables(_ c: Connection) throws -> [String] {
            try c.schemaObjects().map { "\($0.type) \($0.name): \($0.sql ?? "")" }
        }
        #expect(try tables(ormlab) == tables(recorders))
        for table in ["author", "book", "review"] {
            func rows(_ c: Connection) throws -> [[SQLiteValue]] {
                var out: [[SQLiteValue]] = []
                try c.query("SELECT * FROM \"\(table)\" ORDER BY id") { out.append($0.values) }
                return out
            }
            #expect(try rows(ormlab) == rows(recorders), "rows of \(table) differ")
        }
    }

    @Test func rosettaCommandShowsEveryRecordedORM() throws {
        let wb = try Workbench()
        wb.rosettaCatalogue = Self.catalogue
        let r = try #require(wb.run(":rosetta Author.include(books)").first)
        expectOK(r)
        let entry = try #require(Self.catalogue.entries.first { $0.id == "include-in" })
        let titles = r.blocks.dropFirst().compactMap { block -> String? in
            if case .text(let title, _) = block { return title }
            return nil
        }
        #expect(titles == entry.sections.map { "\($0.heading): \($0.countedStatements) statement\($0.countedStatements == 1 ? "" : "s")" })
        #expect(r.notes.isEmpty, "an exact match is not marked as not recorded")
    }

    @Test func aQueryOfTheSameShapeIsMarkedNotRecorded() throws {
        let wb = try Workbench()
        wb.rosettaCatalogue = Self.catalogue
        let r = try #require(wb.run(":rosetta Book.where(year > 1990)").first)
        expectOK(r)
        #expect(r.notes.contains { $0.message.hasPrefix("not recorded for this exact query") })
        guard case .text(let title, _) = try #require(r.blocks.first) else { Issue.record("no title block"); return }
        #expect(title == "Rosetta: Where (where)")
    }

    @Test func countDifferencesArePointedOut() throws {
        let wb = try Workbench()
        wb.rosettaCatalogue = Self.catalogue
        let r = try #require(wb.run(":rosetta delete-cascade").first)
        expectOK(r)
        let entry = try #require(Self.catalogue.entries.first { $0.id == "delete-cascade" })
        let ormlab = try #require(entry.ormlab).countedStatements
        for section in entry.sections where section.orm != "ORMLab" && section.countedStatements != ormlab {
            let n = section.countedStatements
            #expect(r.notes.contains { $0.message.hasPrefix("\(section.orm): \(n) statement\(n == 1 ? "" : "s") here, ORMLab \(ormlab)") },
                    "no note for \(section.orm)")
        }
    }

    @Test func aQueryWithoutEntryComesFromTheTemplatesMarkedNotRecorded() throws {
        let wb = try Workbench()
        wb.rosettaCatalogue = Self.catalogue
        let r = try #require(wb.run(":rosetta Book.where(year >= 2000, inPrint == true).order(title).limit(5).include(reviews)").first)
        expectOK(r)
        #expect(r.notes.map(\.message).contains { $0.hasPrefix("not recorded: no catalogue entry has this query") })
        let bodies = Dictionary(uniqueKeysWithValues: r.blocks.compactMap { block -> (String, String)? in
            if case .text(let title?, let body) = block { return (title, body) }
            return nil
        })
        #expect(bodies["ActiveRecord (from the template, not recorded)"]
                == "  books = Book.where(\"year >= ?\", 2000).where(in_print: true).order(title: :asc).limit(5).includes(:reviews).to_a")
        #expect(bodies["Django (from the template, not recorded)"]
                == "  books = list(Book.objects.filter(year__gte=2000, in_print=True).order_by(\"title\").prefetch_related(\"reviews\")[:5])")
        #expect(bodies["SQLAlchemy (from the template, not recorded)"]
                == "  books = session.scalars(select(Book).where(Book.year >= 2000).where(Book.in_print == True).order_by(Book.title).limit(5).options(selectinload(Book.reviews))).all()")
        #expect(bodies["Hibernate (from the template, not recorded)"]?.contains("session.createQuery(\"select distinct b from Book b left join fetch b.reviews where b.year >= :p1 and b.inPrint = :p2 order by b.title\")") == true)
        #expect(bodies["GRDB (from the template, not recorded)"]?.contains("try Book.filter(Column(\"year\") >= 2000).filter(Column(\"in_print\") == true).order(Column(\"title\")).limit(5).including(all: Book.reviews)") == true)
    }

    @Test func aQueryBeyondTheTemplatesSaysWhichPartAndWhy() throws {
        let wb = try Workbench()
        wb.rosettaCatalogue = Self.catalogue
        let r = try #require(wb.run(":rosetta Book.where(title like \"The%\").count").first)
        #expect(!r.ok)
        #expect(r.diagnostics.first?.message.contains("the templates write a condition as property OP value") == true)
    }

    @Test func anUnknownQueryIsADiagnosticAndTheSessionGoesOn() throws {
        let wb = try Workbench()
        wb.rosettaCatalogue = Self.catalogue
        let reports = wb.run(":rosetta Foo.bar\n:rosetta")
        #expect(reports.count == 2)
        #expect(!reports[0].ok)
        let diagnostic = try #require(reports[0].diagnostics.first)
        #expect(diagnostic.message == "no Rosetta entry for 'Foo.bar', and the templates cannot write it: '.bar' is not one of the parts the templates write (where, order, limit, include, count)")
        #expect(diagnostic.line == 1 && diagnostic.column == 10)
        expectOK(reports[1])
    }
}

/// Lessons' "In other ORMs": the part between `<!-- rosetta: ID … -->` and
/// `<!-- rosetta: end -->` is generated from the catalogue, so what it claims about each ORM was
/// recorded by running that ORM. `ORMLAB_RECORD=1` rewrites the parts.
@Suite struct RosettaLessonSectionTests {
    static let root = RosettaCatalogueTests.root
    static let lessonFiles: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: root + "/Lessons")) ?? [])
        .filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted()

    /// The generated parts of a lesson: (first line index, end line index, entry ids).
    static func parts(_ lines: [String]) -> [(start: Int, end: Int, ids: [String])] {
        var out: [(Int, Int, [String])] = []
        var i = 0
        while i < lines.count {
            if lines[i].hasPrefix(RosettaCatalogue.lessonMarkerPrefix), lines[i] != RosettaCatalogue.lessonEndMarker {
                let rest = lines[i].dropFirst(RosettaCatalogue.lessonMarkerPrefix.count)
                let ids = rest.split(separator: " ").prefix { !$0.hasPrefix("(") && $0 != "-->" }.map(String.init)
                if let end = lines[i...].firstIndex(of: RosettaCatalogue.lessonEndMarker) {
                    out.append((i, end, ids))
                    i = end
                }
            }
            i += 1
        }
        return out
    }

    @Test(arguments: lessonFiles)
    func generatedPartsMatchTheCatalogue(_ name: String) throws {
        let path = Self.root + "/Lessons/" + name
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        let found = Self.parts(lines)
        let named = RosettaCatalogueTests.catalogue.entries.filter { $0.lesson == (name as NSString).deletingPathExtension }
        for entry in named {
            #expect(found.contains { $0.ids.contains(entry.id) },
                    "\(name): the catalogue entry \(entry.id) names this lesson, but its \"In other ORMs\" has no <!-- rosetta: \(entry.id) --> part")
        }
        var changed = false
        for part in found.reversed() {
            let expected = try #require(RosettaCatalogueTests.catalogue.lessonLines(for: part.ids), "\(name): unknown entry in \(part.ids)")
            let actual = Array(lines[part.start...part.end])
            if actual != expected {
                if ProcessInfo.processInfo.environment["ORMLAB_RECORD"] == "1" {
                    lines.replaceSubrange(part.start...part.end, with: expected)
                    changed = true
                } else {
                    Issue.record("\(name): the Rosetta part for \(part.ids) differs from the catalogue (ORMLAB_RECORD=1 swift test --filter RosettaLessonSection rewrites it)\nexpected:\n\(expected.joined(separator: "\n"))")
                }
            }
        }
        if changed { try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8) }
    }

    @Test func codeOnOneLine() {
        #expect(RosettaCatalogue.oneLine(["for author in session.scalars(select(Author)).all():", "    len(author.books)          # lazy"], language: "python")
                == "for author in session.scalars(select(Author)).all(): len(author.books)")
        #expect(RosettaCatalogue.oneLine(["let chiang = insert Author(name: \"Ted Chiang\")", "save"], language: "orm")
                == "let chiang = insert Author(name: \"Ted Chiang\"); save")
    }
}
