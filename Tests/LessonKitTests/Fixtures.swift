import Foundation
@testable import LessonKit

/// A small lesson used across the tests: two steps on a two-author library.
let sampleLesson = """
# Finding objects
id: finding

Prose before the steps.

```orm setup shown
entity Author { name: String; born: Int?; books: [Book] }
entity Book { title: String; author: Author }
```

```orm setup
insert Author(name: "Le Guin", born: 1929)
insert Author(name: "Butler", born: 1947)
insert Book(title: "Kindred", author: Author#2)
save
:forget
```

## Step 1: Find one

Find the author with id 2.

```orm
Author#1
```

```orm solution
Author#2
```

```orm wrong
Author#1
```

```orm wrong
Author.all
```

> hint: Use Entity#id.
> It finds by primary key.
> hint: Type Author#2.

Checks:
- statements: 1
- objects: 1
- Author#2.name == "Butler"

## Step 2: Rename

```orm setup
:forget
```

Rename Author#2 to "Octavia E. Butler" without saving.

```orm solution
Author#2.name = "Octavia E. Butler"
```

```orm wrong
Author#2.name = "Octavia Butler"
```

> hint: Assign with =.

Checks:
- ok
- object Author#2 is dirty
- Author#2.name == "Octavia E. Butler"

## Recap

Well done.
"""

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "ormlab-lessons-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func parsed(_ text: String, file: String = "01-finding.md") throws -> Lesson {
    try LessonParser.parse(text, file: file).get()
}

/// The repository's Lessons/ directory.
let repositoryLessons = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Lessons").path
