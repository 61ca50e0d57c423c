import Foundation
import Testing
@testable import LessonKit

// A lesson says which databases it runs on (`database: postgres`, Lessons/README.md), and a
// wrong answer can be wrong on one of them only (`orm wrong sqlite`).
@Suite struct LessonDatabaseTests {
    @Test func aLessonNamesTheDatabasesItRunsOn() throws {
        #expect(try parsed(sampleLesson).databases == ["sqlite"])
        let postgres = try parsed(sampleLesson.replacingOccurrences(of: "id: finding", with: "id: finding\ndatabase: postgres"))
        #expect(postgres.databases == ["postgres"] && postgres.needsPostgres)
        let both = try parsed(sampleLesson.replacingOccurrences(of: "id: finding", with: "id: finding\ndatabase: sqlite, PostgreSQL"))
        #expect(both.databases == ["sqlite", "postgres"] && !both.needsPostgres)
        let frontMatter = try parsed("---\nid: fm\ndatabase: postgres\n---\n" + sampleLesson.replacingOccurrences(of: "id: finding\n", with: ""))
        #expect(frontMatter.databases == ["postgres"])
        #expect(throws: LessonFileError.self) { try parsed(sampleLesson.replacingOccurrences(of: "id: finding", with: "id: finding\ndatabase: oracle")) }
    }

    @Test func aWrongAnswerCanBeWrongOnOneDatabase() throws {
        let text = sampleLesson.replacingOccurrences(of: "```orm wrong\n", with: "```orm wrong sqlite\n")
        let step = try parsed(text).steps[0]
        #expect(step.wrongAnswers.allSatisfy { $0.onlyOn == "sqlite" })
        #expect(throws: LessonFileError.self) { try parsed(sampleLesson.replacingOccurrences(of: "```orm wrong\n", with: "```orm wrong oracle\n")) }
    }

    /// Without a server, a PostgreSQL lesson's sandbox says how to give one (the REPL shows it).
    @Test func aPostgresLessonWithoutAServerSaysHowToRunIt() throws {
        var lesson = try parsed(sampleLesson)
        lesson.databases = ["postgres"]
        #expect(throws: Sandbox.Failure.self) { _ = try Sandbox.build(lesson, upTo: 0) }
        do { _ = try Sandbox.build(lesson, upTo: 0) } catch let failure as Sandbox.Failure {
            #expect(failure.message.contains("this lesson runs on PostgreSQL"))
        }
    }
}
