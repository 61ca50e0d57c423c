import Foundation
import TestSupport
import Testing

// Helpers shared by the end-to-end suites: the package root, the built binary, child processes.

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The debug binary built by `swift build` (the test command builds it first).
let ormlabBinary = packageRoot.appendingPathComponent(".build/debug/ormlab").path

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a command with optional stdin bytes and environment; waits for it to exit (at most a
/// minute: a test may fail, never hang).
@discardableResult
func runProcess(_ executable: String, _ arguments: [String], stdin: Data? = nil,
                environment: [String: String]? = nil, currentDirectory: String? = nil) throws -> ProcessResult {
    let result = try runChild(executable, arguments, stdin: stdin ?? Data(), environment: environment,
                              directory: currentDirectory)
    if result.timedOut { Issue.record("\(executable) \(arguments.joined(separator: " ")) did not finish within a minute") }
    return ProcessResult(status: result.status, stdout: result.stdout, stderr: result.stderr)
}

func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "ormlab-e2e-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

// Shared by LessonTranscriptTests and LessonInATerminalTests.
let renameLesson = """
# Rename and count
id: rename

```orm setup
entity Author { name: String }
insert Author(name: "Le Guin")
insert Author(name: "Butler")
save
```

## Step 1: Rename and save

Give Author#1 the name "U" and make it stick.

```orm solution
Author#1.name = "U"
save
```

```orm wrong
Author#1.name = "U"
```

> hint: Changes wait in the unit of work.
> hint: Assign, then `save`.

Checks:
- [the rename] row Author#1.name == "U"
- [the save] note: save

## Step 2: Count

Insert an author named "C", then count the authors.

```orm solution
insert Author(name: "C")
Author.count
```

```orm wrong
Author.count
```

Checks:
- [the insert] note: pending
- [the count] value: 3

## In other ORMs

- **Rails**: `author.update(name: "U")` saves at once.
"""

/// A lessons directory holding `renameLesson`, and a state directory for the progress.
func lessonDirectories() throws -> (lessons: String, state: String) {
    let root = try temporaryDirectory()
    try FileManager.default.createDirectory(atPath: root + "/lessons", withIntermediateDirectories: true)
    try renameLesson.write(toFile: root + "/lessons/01-rename.md", atomically: true, encoding: .utf8)
    return (root + "/lessons", root + "/state")
}
