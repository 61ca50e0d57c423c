import Foundation
import Report
import Testing
@testable import Workbench

/// Runs a script in a fresh in-memory workbench and returns its reports.
func runScript(_ script: String, in workbench: Workbench? = nil) throws -> [Report] {
    let wb = try workbench ?? Workbench()
    return wb.run(script, sourceName: "<test>")
}

/// The SQL texts of a report, in order.
func sqlTexts(_ report: Report) -> [String] { report.sql.map(\.sql) }

/// SQL texts without transaction control statements (BEGIN, COMMIT, SAVEPOINT, RELEASE).
func dataSQL(_ report: Report) -> [String] {
    report.sql.map(\.sql).filter { sql in
        !["BEGIN", "COMMIT", "ROLLBACK"].contains(sql) && !sql.hasPrefix("SAVEPOINT") && !sql.hasPrefix("RELEASE")
            && !sql.hasPrefix("ROLLBACK TO")
    }
}

/// A named value of an object snapshot.
func value(_ object: ObjectSnapshot, _ name: String) -> ReportValue? {
    object.values.first { $0.name == name }?.value
}

/// Fails the test with the report's diagnostics when it did not succeed.
func expectOK(_ report: Report, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(report.ok, "\(report.input) failed: \(report.diagnostics.map(\.rendered).joined())", sourceLocation: sourceLocation)
}

let authorBookModel = """
entity Author {
  name: String
  email: String unique
  born: Int?
  rating: Double = 0
  books: [Book]
  index(name)
}
entity Book {
  title: String
  year: Int index
  author: Author
}
"""

// Shared by ExportCommandTests and SaveAndLoadTests.
/// A fresh temporary directory, removed by `body`'s end.
func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ormlab-wb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try body(directory)
}

/// Runs a script and expects every command to succeed.
@discardableResult
func runAll(_ workbench: Workbench, _ script: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Report] {
    let reports = workbench.run(script)
    for report in reports {
        #expect(report.ok, "\(report.input): \(report.diagnostics.map(\.message))", sourceLocation: sourceLocation)
    }
    return reports
}

let exportModel = """
    entity Author { name: String; born: Int?; books: [Book] }
    entity Book { title: String; year: Int index; author: Author; tags: [Tag] }
    entity Tag { name: String unique; books: [Book] }
    """

// Shared by ForeignHabitTests and OneLineOneCommandTests.
/// The model the habits are typed against: one author with one book, saved.
let habitModel = """
entity Author { name: String; born: Int?; books: [Book] }
entity Book { title: String; year: Int; author: Author }
insert Author(name: "Le Guin", born: 1929)
insert Book(title: "The Dispossessed", year: 1974, author: Author#1)
save
"""

// Shared by SeedingTests, CompareTests and SchemaChangeTests.
/// Rows of the first table block of a report.
func tableRows(_ report: Report) -> [[String]] {
    for case .table(_, _, let rows) in report.blocks { return rows }
    return []
}

/// `:sql` helper: the single value of a one-row, one-column query.
func scalar(_ wb: Workbench, _ sql: String) throws -> String {
    let report = try #require(wb.run(":sql " + sql, sourceName: "<test>").last)
    expectOK(report)
    return try #require(tableRows(report).first?.first)
}

let libraryModel = """
entity Author { name: String; email: String unique; born: Int?; books: [Book] }
entity Book { title: String; year: Int; price: Double; published: Bool; released: Date?; cover: Data?; author: Author; tags: [Tag] }
entity Tag { name: String unique; books: [Book] }
entity Profile { bio: String; author: Author unique }
entity Employee { name: String; manager: Employee?; reports: [Employee] via manager }
"""

// Shared by AssociationMappingTests, NavigationTests and AssociationWriteTests.
let everyKindModel = """
entity Author { name: String; books: [Book]; profile: Profile? }
entity Book { title: String; year: Int; author: Author on delete cascade; tags: [Tag] }
entity Tag { name: String unique; books: [Book] }
entity Profile { bio: String; author: Author unique on delete cascade }
entity Employee { name: String; manager: Employee? on delete set null; reports: [Employee] via manager }
"""

let everyKindData = everyKindModel + """

insert Author(name: "Le Guin")
insert Book(title: "The Dispossessed", year: 1974, author: Author#1)
insert Book(title: "Lathe of Heaven", year: 1971, author: Author#1)
insert Tag(name: "classic")
insert Profile(bio: "Wrote Earthsea", author: Author#1)
insert Employee(name: "Boss")
insert Employee(name: "Worker", manager: Employee#1)
Book#1.tags.add(Tag#1)
save
:forget
"""

// Shared by LoadingStrategyTests, UnitOfWorkTests, StatementLogTests and SessionLogTrimTests.
let libraryData = """
entity Author { name: String; books: [Book] }
entity Book { title: String; year: Int; author: Author; tags: [Tag] }
entity Tag { name: String unique; books: [Book] }
insert Author(name: "Le Guin")
insert Author(name: "Butler")
insert Author(name: "Jemisin")
insert Book(title: "The Dispossessed", year: 1974, author: Author#1)
insert Book(title: "The Left Hand of Darkness", year: 1969, author: Author#1)
insert Book(title: "Kindred", year: 1979, author: Author#2)
insert Book(title: "The Fifth Season", year: 2015, author: Author#3)
insert Tag(name: "classic")
insert Tag(name: "award")
Book#1.tags.add(Tag#1)
Book#2.tags.add(Tag#1)
Book#2.tags.add(Tag#2)
save
:forget
"""

func library() throws -> Workbench {
    let wb = try Workbench()
    for r in wb.run(libraryData) { expectOK(r) }
    return wb
}

// Shared by WhyNoteTests and RuntimeTruthTests.
/// The report of one command (the last of `text`).
func last(_ wb: Workbench, _ text: String) throws -> Report {
    let report = try #require(wb.run(text, sourceName: "<test>").last)
    expectOK(report)
    return report
}

func messages(_ report: Report) -> [String] { report.notes.map(\.message) }
