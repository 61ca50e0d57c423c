import Foundation
import Render
import Report
import Testing
@testable import Workbench

@Suite struct HelpExampleTests {
    /// Every `:help` topic's example runs as printed, every command succeeding.
    @Test(arguments: helpTopics.map(\.name))
    func helpExampleRuns(_ name: String) throws {
        let topic = try #require(helpTopics.first { $0.name == name })
        let reports = try runScript(topic.example)
        #expect(!reports.isEmpty)
        for r in reports { expectOK(r) }
    }

    @Test func helpListsEveryTopic() throws {
        let r = try #require(try runScript(":help").first)
        guard case .text(_, let body) = try #require(r.blocks.first) else { Issue.record("no text block"); return }
        for topic in helpTopics { #expect(body.contains(topic.name)) }
    }
}
