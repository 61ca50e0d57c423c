import Foundation
import Testing
@testable import LessonKit

@Suite struct ProgressStoreTests {
    @Test func pathFollowsXDGThenHome() {
        #expect(ProgressStore.defaultPath(environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"]) == "/s/ormlab/lessons.json")
        #expect(ProgressStore.defaultPath(environment: ["XDG_STATE_HOME": "relative", "HOME": "/h"]) == "/h/.local/state/ormlab/lessons.json")
        #expect(ProgressStore.defaultPath(environment: [:]) == nil)
    }

    @Test func progressSurvivesARestartAndLeavesNoTemporaryFile() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = ProgressStore(environment: ["XDG_STATE_HOME": dir])
        try store.update("lazy-loading") { $0.step = 3; $0.passed = [2, 1, 2] }
        try store.update("identity-map") { $0.completed = true }

        let reopened = ProgressStore(environment: ["XDG_STATE_HOME": dir])
        #expect(reopened.progress("lazy-loading") == LessonProgress(step: 3, passed: [1, 2]))
        #expect(reopened.progress("identity-map")?.completed == true)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/ormlab") == ["lessons.json"])
    }

    @Test func aDamagedFileStartsEmpty() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/ormlab", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: dir + "/ormlab/lessons.json", contents: Data("{not json".utf8))
        let store = ProgressStore(environment: ["XDG_STATE_HOME": dir])
        #expect(store.lessons.isEmpty)
        try store.update("x") { $0.step = 2 }
        #expect(ProgressStore(environment: ["XDG_STATE_HOME": dir]).progress("x")?.step == 2)
    }
}
