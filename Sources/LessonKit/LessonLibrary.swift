import Foundation

/// The lessons of a directory, in file-name order, with the files that did not parse.
public struct LessonLibrary: Sendable {
    public var lessons: [Lesson]
    public var errors: [LessonFileError]
    /// Where they were read from (nil when none was found).
    public var directory: String?

    public init(lessons: [Lesson], errors: [LessonFileError] = [], directory: String? = nil) {
        self.lessons = lessons
        self.errors = errors
        self.directory = directory
    }

    /// Reads every `*.md` file except README.md, sorted by name ("01-…", "02-…"). Duplicate ids
    /// are errors.
    public static func load(directory: String) -> LessonLibrary {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".md") && $0.lowercased() != "readme.md" }
            .sorted()
        var lessons: [Lesson] = []
        var errors: [LessonFileError] = []
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                errors.append(LessonFileError(file: path, line: 1, message: "cannot read the file"))
                continue
            }
            switch LessonParser.parse(String(decoding: data, as: UTF8.self), file: path) {
            case .success(let lesson):
                if let other = lessons.first(where: { $0.id == lesson.id }) {
                    errors.append(LessonFileError(file: path, line: 1, message: "the id '\(lesson.id)' is already used by \(other.file)"))
                } else {
                    lessons.append(lesson)
                }
            case .failure(let error):
                errors.append(error)
            }
        }
        return LessonLibrary(lessons: lessons, errors: errors, directory: directory)
    }

    /// The lessons directory: `$ORMLAB_LESSONS`, else `Lessons/` in the current directory or in
    /// a parent of the executable (a checkout running `.build/debug/ormlab`); nil if none exists.
    public static func findDirectory(environment: [String: String], currentDirectory: String,
                                     executablePath: String?) -> String? {
        var candidates: [String] = []
        if let explicit = environment["ORMLAB_LESSONS"], !explicit.isEmpty { return explicit }
        candidates.append((currentDirectory as NSString).appendingPathComponent("Lessons"))
        if let executablePath {
            var directory = ((executablePath as NSString).resolvingSymlinksInPath as NSString).deletingLastPathComponent
            for _ in 0..<5 {
                candidates.append((directory as NSString).appendingPathComponent("Lessons"))
                candidates.append((directory as NSString).appendingPathComponent("share/ormlab/Lessons"))
                directory = (directory as NSString).deletingLastPathComponent
            }
        }
        var isDirectory: ObjCBool = false
        return candidates.first { FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue }
    }

    /// The lesson with this id, or with this number as `:lessons` lists them (`9`, `09`).
    public func lesson(_ id: String) -> Lesson? {
        if let found = lessons.first(where: { $0.id == id }) { return found }
        if let n = Int(id), n >= 1, n <= lessons.count { return lessons[n - 1] }
        return nil
    }
}
