import Foundation
import Testing
@testable import LessonKit

/// Issue 16: a lesson's replayed setup explains nothing the learner did not see, so the first
/// SAVEPOINT the learner meets still gets its "why" note.
@Suite struct SandboxWhyNoteTests {
    @Test func aSandboxStartsWithNothingExplained() throws {
        // The sample's setup saves after an autoflush opened a transaction: a SAVEPOINT.
        let sandbox = try Sandbox.build(try parsed(sampleLesson), upTo: 0)
        #expect(sandbox.session.explainedTopics.isEmpty)
        let reports = sandbox.run("insert Author(name: \"Jemisin\")\nAuthor.count\ninsert Author(name: \"Chiang\")\nsave")
        #expect(reports.last?.notes.first?.message.hasPrefix("SAVEPOINT flush: a transaction was already open (an autoflush opened it") == true)
    }
}
