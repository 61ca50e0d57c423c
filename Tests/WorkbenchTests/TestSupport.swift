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
