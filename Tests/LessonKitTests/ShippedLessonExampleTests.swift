import Foundation
import Report
import Testing
import Workbench
@testable import LessonKit

/// The plain ```orm example blocks of the shipped lessons (shown to the learner, not graded) run
/// without an error, in order, on a fresh workbench per lesson: an example never teaches a form
/// that does not parse.
@Suite struct ShippedLessonExampleTests {
    @Test func everyExampleBlockRuns() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: repositoryLessons)
            .filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted()
        #expect(files.count >= 18) // 12 in Part 1; Part 2 adds its own from 13 on
        var examples = 0
        for file in files {
            let text = try String(contentsOfFile: repositoryLessons + "/" + file, encoding: .utf8)
            let workbench = try Workbench()
            // Exactly "```orm" on its line: setup, solution, wrong and explore blocks are not examples.
            for block in text.components(separatedBy: "\n```orm\n").dropFirst() {
                guard let code = block.components(separatedBy: "\n```").first else { continue }
                examples += 1
                for report in workbench.run(code, sourceName: file) {
                    #expect(report.ok, "\(file): `\(report.input)` failed: \(report.diagnostics.first?.message ?? "")")
                }
            }
        }
        #expect(examples >= 3)
    }
}
