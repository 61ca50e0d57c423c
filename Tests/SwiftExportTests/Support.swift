import Foundation
import Mapping
import Testing

import Workbench
@testable import SwiftExport

// Helpers shared by the exporter suites: a schema from a script, trimmed lines, a small model.

/// The schema a script leaves behind, from a fresh in-memory workbench. Every command must succeed.
func schema(_ script: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Schema {
    let workbench = try Workbench()
    for report in workbench.run(script) {
        #expect(report.ok, "\(report.input): \(report.diagnostics.map(\.message))", sourceLocation: sourceLocation)
    }
    return workbench.session.schema
}

/// The lines of `code`, trimmed, for checking that a line is there whatever its indentation.
func trimmedLines(_ code: String) -> [String] {
    code.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
}

let authorAndBook = """
    entity Author { name: String; books: [Book] }
    entity Book { title: String; author: Author }
    """
