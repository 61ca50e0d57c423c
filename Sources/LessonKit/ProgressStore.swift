import Foundation

/// How far a learner got in one lesson.
public struct LessonProgress: Codable, Sendable, Equatable {
    /// The step to resume at (1-based).
    public var step: Int
    /// Steps whose checks passed.
    public var passed: [Int]
    /// All steps done and the lesson finished.
    public var completed: Bool
    /// The `:set` commands the learner ran in the lesson's sandbox ("`:set lazy batch`"), one per
    /// option, applied again when the lesson resumes (optional: older files have none).
    public var settings: [String]?

    public init(step: Int = 1, passed: [Int] = [], completed: Bool = false, settings: [String]? = nil) {
        self.step = step
        self.passed = passed
        self.completed = completed
        self.settings = settings
    }
}

/// The learner's progress in every lesson, kept as JSON in the XDG state directory
/// (`$XDG_STATE_HOME/ormlab/lessons.json`, else `~/.local/state/ormlab/lessons.json`) and written
/// atomically (a temporary file in the same directory, then rename).
public final class ProgressStore {
    /// The JSON file; nil when no state directory is known (progress then lives in memory only).
    public let path: String?
    public private(set) var lessons: [String: LessonProgress]

    /// A store at an explicit path (nil: in memory only); existing progress is read.
    public init(path: String?) {
        self.path = path
        lessons = [:]
        if let path, let data = FileManager.default.contents(atPath: path),
           let file = try? JSONDecoder().decode(File.self, from: data) {
            lessons = file.lessons
        }
    }

    /// The store at the conventional place for this environment.
    public convenience init(environment: [String: String]) {
        self.init(path: ProgressStore.defaultPath(environment: environment))
    }

    /// `$XDG_STATE_HOME/ormlab/lessons.json`, else `$HOME/.local/state/ormlab/lessons.json`; a
    /// relative XDG_STATE_HOME is ignored, as the XDG specification says.
    public static func defaultPath(environment: [String: String]) -> String? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return (state as NSString).appendingPathComponent("ormlab/lessons.json")
        }
        if let home = environment["HOME"], home.hasPrefix("/") {
            return (home as NSString).appendingPathComponent(".local/state/ormlab/lessons.json")
        }
        return nil
    }

    public func progress(_ id: String) -> LessonProgress? { lessons[id] }

    /// Changes one lesson's progress and writes the file.
    public func update(_ id: String, _ change: (inout LessonProgress) -> Void) throws {
        var p = lessons[id] ?? LessonProgress()
        change(&p)
        p.passed = Array(Set(p.passed)).sorted()
        lessons[id] = p
        try save()
    }

    /// Writes every lesson's progress: temporary file, then rename, so a crash never leaves half a file.
    public func save() throws {
        guard let path else { return }
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(File(version: 1, lessons: lessons))
        let temporary = directory + "/.lessons.json.\(ProcessInfo.processInfo.processIdentifier).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary])
        }
        if rename(temporary, path) != 0 {
            let code = errno
            try? FileManager.default.removeItem(atPath: temporary)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
    }

    private struct File: Codable {
        var version: Int
        var lessons: [String: LessonProgress]
    }
}
