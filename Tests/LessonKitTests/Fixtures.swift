import Workbench
import Testing
import Report
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

// Shared by EngineTests and MatchingTests.
/// A lesson for the grading engine: parts, a save asked for, a count after an insert, eager
/// loading, and a step about a mistake.
let engineLesson = """
# Engine
id: engine

```orm setup
entity Author { name: String; rating: Double = 0.5; books: [Book] }
entity Book { title: String; author: Author }
insert Author(name: "Le Guin")
insert Author(name: "Butler")
insert Author(name: "Chiang")
insert Book(title: "Earthsea", author: Author#1)
insert Book(title: "Kindred", author: Author#2)
save
:forget
```

## Step 1: Rename and save

Give Author#1 a new name and make it stick.

```orm solution
Author#1.name = "U"
save
```

```orm wrong
Author#1.name = "U"
```

```orm wrong
begin
Author#1.name = "U"
save
rollback
```

```orm explore
Author#2.name = "B"
save
Author#1
```

> hint: Changes wait in the unit of work.
> hint: Assign, then save.

Checks:
- [the rename] row Author#1.name == "U"
- [the save] note: save

## Step 2: Insert and count

Insert an author named "C" and count the authors.

```orm solution
insert Author(name: "C")
Author.count
```

```orm wrong
Author.count
```

Checks:
- [the insert] note: pending
- [the count] value: 4

## Step 3: Load the books eagerly

Load every author with their books in one more query.

```orm solution
Author.all.include(books)
```

```orm wrong
:set lazy batch
for a in Author.all { a.books.count }
```

Checks:
- eager: books
- no note: n+1

## Step 4: Make a mistake

Ask for a property that does not exist, misspelled as you like.

```orm solution
Author#1.nmae
```

```orm wrong
Author#1.name
```

```orm wrong
Author#1.name(
```

Checks:
- fails
- diagnostic: unknown property

## In other ORMs

- **Rails**: `save` writes one object.
"""
