import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct LessonInATerminalTests {
    @Test(.timeLimit(.minutes(1))) func ctrlDInALessonSandboxLeavesWithoutAWarning() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            Issue.record("tmux is missing: ./dev test installs it")
            return
        }
        let dirs = try lessonDirectories()
        let session = try TmuxSession(command: "env XDG_STATE_HOME=\(dirs.state) HOME=\(dirs.state) TERM=xterm-256color NO_COLOR=1 \(ormlabBinary) lesson rename --dir \(dirs.lessons)")
        defer { session.kill() }
        try session.waitForPrompt()
        // A change pending in the sandbox: the sandbox is rebuilt from the lesson, nothing is lost.
        try session.enter(["Author#1.name = \"U\""])
        _ = try session.waitFor("not yet")
        try session.send("C-d")
        #expect(session.hasLeft(), "Ctrl-D in a lesson sandbox should leave at once: \((try? session.screen()) ?? "")")
    }
}
