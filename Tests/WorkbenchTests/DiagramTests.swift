import Foundation
import Render
import Report
import Testing
@testable import Workbench

// SPEC §16: `:diagram` draws the schema as an ER diagram: boxes with columns and keys, a line per
// foreign key with the cardinality of each end, join tables, self-references; fitted to the
// terminal's width; as Mermaid text; as an SVG file.

private let blog = """
    entity Author { name: String; born: Int?; books: [Book] }
    entity Book { title: String; year: Int; author: Author; tags: [Tag] }
    entity Tag { label: String unique; books: [Book] }
    entity Person { name: String; manager: Person?; reports: [Person] }
    """

private func diagramOf(_ reports: [Report]) throws -> ERDiagram {
    let last = try #require(reports.last)
    expectOK(last)
    guard case .diagram(_, let diagram)? = last.blocks.first else { Issue.record("no diagram block"); return ERDiagram() }
    return diagram
}

@Suite struct DiagramTests {
    @Test func theDiagramIsTheSchemasTablesKeysAndForeignKeys() throws {
        let diagram = try diagramOf(try runScript(blog + "\n:diagram"))
        #expect(diagram.boxes.map(\.name) == ["Author", "Book", "Tag", "Person", "book_tag"])
        #expect(diagram.boxes.map(\.kind) == [.entity, .entity, .entity, .entity, .joinTable])
        let book = try #require(diagram.box(named: "Book"))
        #expect(book.table == "book")
        #expect(book.columns.map(\.name) == ["id", "title", "year", "author_id"])
        #expect(book.columns.map(\.keyMarks) == ["PK", "", "", "FK"])
        #expect(book.columns.map(\.type) == ["INTEGER", "TEXT", "INTEGER", "INTEGER"])
        #expect(diagram.box(named: "Tag")?.columns.map(\.keyMarks) == ["PK", "UQ"])
        #expect(diagram.box(named: "Author")?.columns.map(\.isNullable) == [false, false, true])
        #expect(diagram.box(named: "book_tag")?.columns.map(\.keyMarks) == ["PK FK", "PK FK"])
        #expect(diagram.relationships == [
            ERDiagram.Relationship(from: "Book", column: "author_id", to: "Author", fromEnd: .zeroOrMany, toEnd: .exactlyOne, label: "author / books"),
            ERDiagram.Relationship(from: "Person", column: "manager_id", to: "Person", fromEnd: .zeroOrMany, toEnd: .zeroOrOne, label: "manager / reports"),
            ERDiagram.Relationship(from: "book_tag", column: "book_id", to: "Book", fromEnd: .zeroOrMany, toEnd: .exactlyOne, label: "Book.tags"),
            ERDiagram.Relationship(from: "book_tag", column: "tag_id", to: "Tag", fromEnd: .zeroOrMany, toEnd: .exactlyOne, label: "Tag.books"),
        ])
        #expect(diagram.relationships[1].isSelfReference)
    }

    @Test func aOneToOneIsZeroOrOneAtTheForeignKeyEnd() throws {
        let diagram = try diagramOf(try runScript("""
            entity User { name: String; profile: Profile? }
            entity Profile { bio: String; user: User unique }
            :diagram
            """))
        #expect(diagram.relationships == [
            ERDiagram.Relationship(from: "Profile", column: "user_id", to: "User", fromEnd: .zeroOrOne, toEnd: .exactlyOne, label: "user / profile"),
        ])
    }

    @Test func namedEntitiesShowThemselvesAndTheJoinTablesBetweenThem() throws {
        let diagram = try diagramOf(try runScript(blog + "\n:diagram Book Tag"))
        #expect(diagram.boxes.map(\.name) == ["Book", "Tag", "book_tag"])
        #expect(diagram.relationships.map(\.column) == ["book_id", "tag_id"])
        let only = try diagramOf(try runScript(blog + "\n:diagram Book"))
        #expect(only.boxes.map(\.name) == ["Book"])
        #expect(only.relationships.isEmpty)
    }

    @Test func aWaitingEntityIsSaidUnderThePicture() throws {
        let diagram = try diagramOf(try runScript("entity Book { title: String; author: Author }\n:diagram"))
        #expect(diagram.boxes.isEmpty)
        #expect(diagram.notes == ["Book waits for Author, which is not defined (no table yet)"])
    }

    @Test(arguments: [120, 80, 60, 44])
    func theTerminalPictureFitsTheWidthAndDrawsEveryLine(width: Int) throws {
        let report = try #require(try runScript(blog + "\n:diagram").last)
        let text = TerminalRenderer.render(report, options: RenderOptions(width: width, color: false))
        for line in text.split(separator: "\n") { #expect(displayWidth(String(line)) <= width, "\(line)") }
        for header in ["Author → author", "Book → book", "Tag → tag", "Person → person", "book_tag (join table)"] {
            #expect(text.contains(header))
        }
        #expect(text.contains("│ FK manager_id INTEGER? │") || text.contains("│ FK manager_id INTEGER? ├"))
        // Every relationship is drawn with its label, or listed under the picture.
        // (read with the lines joined: a label listed under a narrow picture may wrap)
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
        for label in ["author / books", "manager / reports", "Book.tags", "Tag.books"] { #expect(words.contains(label), "\(label)") }
        #expect(!text.contains("…"))
    }

    @Test func sideBySideWhenTheBoxesFitInOneRow() throws {
        let report = try #require(try runScript(blog + "\n:diagram Book Tag").last)
        let text = TerminalRenderer.render(report, options: RenderOptions(width: 80, color: false))
        #expect(text == """
            Schema: Book, Tag
            ┌──────────────────────┐   ┌──────────────────┐   ┌───────────────────────┐
            │ Book → book          │   │ Tag → tag        │   │ book_tag (join table) │
            ├──────────────────────┤   ├──────────────────┤   ├───────────────────────┤
            │ PK id        INTEGER │   │ PK id    INTEGER │   │ PK FK book_id INTEGER │
            │    title     TEXT    │   │ UQ label TEXT    │   │ PK FK tag_id  INTEGER │
            │    year      INTEGER │   └─────────┬────────┘   └──┬─────────────────┬──┘
            │ FK author_id INTEGER │             │1              │*                │*
            └───────────┬──────────┘             │               │                 │
                        │1                       │               │                 │
                        │                        └─ Tag.books ───┼─────────────────┘
                        └─ Book.tags ────────────────────────────┘

              ends of a line: 1 exactly one · 0..1 zero or one · * any number
            """)
    }

    @Test func inRowsALineToTheNextRowEntersTheTopOfItsBox() throws {
        let report = try #require(try runScript("""
            entity Author { name: String; born: Int?; books: [Book] }
            entity Book { title: String; year: Int; author: Author; tags: [Tag] }
            entity Tag { label: String unique; books: [Book] }
            :diagram
            """).last)
        let text = TerminalRenderer.render(report, options: RenderOptions(width: 75, color: false))
        #expect(text == """
            Schema
            ┌──────────────────┐   ┌──────────────────────┐   ┌──────────────────┐
            │ Author → author  │   │ Book → book          │   │ Tag → tag        │
            ├──────────────────┤   ├──────────────────────┤   ├──────────────────┤
            │ PK id   INTEGER  │   │ PK id        INTEGER │   │ PK id    INTEGER │
            │    name TEXT     │   │    title     TEXT    │   │ UQ label TEXT    │
            │    born INTEGER? │   │    year      INTEGER │   └─────────┬────────┘
            └─────────┬────────┘   │ FK author_id INTEGER │             │1
                      │1           └──┬────────────────┬──┘             │
                      │               │*               │1               │
                      └───────────────┘ author / books │                │
                                 ┌─ Tag.books ─────────┼────────────────┘
               ┌─ Book.tags ─────┼─────────────────────┘
               │*                │*
            ┌──┴─────────────────┴──┐
            │ book_tag (join table) │
            ├───────────────────────┤
            │ PK FK book_id INTEGER │
            │ PK FK tag_id  INTEGER │
            └───────────────────────┘

              ends of a line: 1 exactly one · 0..1 zero or one · * any number
            """)
    }

    /// Random schemas (one association per pair of entities: belongs-to, many-to-many or none;
    /// some self-references) at every width: the picture never crashes, never runs past the
    /// width, and shows or lists every relationship.
    @Test func randomSchemasFitEveryWidth() throws {
        var seed: UInt64 = 0x5EED
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        for _ in 0..<25 {
            let count = 2 + next(5)
            var members = Array(repeating: ["name: String"], count: count)
            for i in 0..<count {
                for j in (i + 1)..<count {
                    switch next(4) {
                    case 0: members[j].append("e\(i): E\(i)"); members[i].append("e\(j)s: [E\(j)]")
                    case 1: members[j].append("m\(i)s: [E\(i)]"); members[i].append("m\(j)s: [E\(j)]")
                    default: break
                    }
                }
                if next(4) == 0 { members[i] += ["up: E\(i)?", "downs: [E\(i)] via up"] }
            }
            let script = (0..<count).map { "entity E\($0) { \(members[$0].joined(separator: "; ")) }" }.joined(separator: "\n") + "\n:diagram"
            let report = try #require(try runScript(script).last)
            expectOK(report)
            guard case .diagram(_, let diagram)? = report.blocks.first else { Issue.record("no diagram: \(script)"); continue }
            for width in [24, 40, 60, 80, 100, 140, 200] {
                let text = TerminalRenderer.render(report, options: RenderOptions(width: width, color: false))
                for line in text.split(separator: "\n") { #expect(displayWidth(String(line)) <= width, "\(script)\n\(line)") }
                let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
                for r in diagram.relationships { #expect(words.contains(r.label), "\(script) at \(width): \(r.label)") }
            }
        }
    }

    @Test func mermaidIsAnERDiagramWithCrowsFeet() throws {
        let report = try #require(try runScript(blog + "\n:diagram mermaid").last)
        expectOK(report)
        guard case .code(_, let lines)? = report.blocks.first else { Issue.record("no code block"); return }
        #expect(lines.first == "erDiagram")
        #expect(lines.contains("    Book {"))
        #expect(lines.contains("        INTEGER author_id FK"))
        #expect(lines.contains("        TEXT label UK"))
        #expect(lines.contains("        INTEGER born \"may be NULL\""))
        #expect(lines.contains("        INTEGER book_id PK, FK \"join table\""))
        #expect(Array(lines.suffix(4)) == [
            "    Book }o--|| Author : \"author / books\"",
            "    Person }o--o| Person : \"manager / reports\"",
            "    book_tag }o--|| Book : \"Book.tags\"",
            "    book_tag }o--|| Tag : \"Tag.books\"",
        ])
    }

    @Test func svgIsWrittenWholeAndNamesEveryTable() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ormlab-svg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("blog.svg").path
        let report = try #require(try runScript(blog + "\n:diagram svg \(path)").last)
        expectOK(report)
        #expect(report.notes.map(\.message) == ["wrote the diagram of 5 tables to \(path); open it in a browser"])
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.hasSuffix("</svg>"))
        for name in ["Author", "Book", "Tag", "Person", "book_tag"] { #expect(svg.contains("data-name=\"\(name)\"")) }
        #expect(svg.contains(">author / books</text>"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["blog.svg"])
    }

    /// In the SVG no line runs under a box it does not join: in definition order A, B and C stand
    /// in one row and the line from C to A would pass under B; the layout moves boxes until not.
    @Test(arguments: [
        "entity A { name: String }\nentity B { name: String }\nentity C { name: String; a: A }\nentity D { name: String }\nentity E { name: String }",
        try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Playground/08-diagrams.orm"), encoding: .utf8),
    ])
    func svgLinesDoNotRunThroughOtherBoxes(script: String) throws {
        let report = try #require(try runScript(script + "\n:diagram").last)
        guard case .diagram(_, let diagram)? = report.blocks.first else { Issue.record("no diagram"); return }
        let svg = DiagramSVG.document(diagram)
        func numbers(_ pattern: String) -> [[Double]] {
            let regex = try! NSRegularExpression(pattern: pattern)
            return regex.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).map { match in
                (1..<match.numberOfRanges).map { Double(svg[Range(match.range(at: $0), in: svg)!])! }
            }
        }
        let boxes = numbers(#"<rect class="er-box" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)""#)
        let lines = numbers(#"<line class="er-line" x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)""#)
        #expect(boxes.count == diagram.boxes.count)
        #expect(lines.count == diagram.relationships.filter { !$0.isSelfReference }.count)
        for l in lines {
            for step in 1..<40 {
                let t = Double(step) / 40
                let x = l[0] + (l[2] - l[0]) * t, y = l[1] + (l[3] - l[1]) * t
                let inside = boxes.filter { b in x > b[0] + 1 && x < b[0] + b[2] - 1 && y > b[1] + 1 && y < b[1] + b[3] - 1 }
                #expect(inside.isEmpty, "line \(l) runs through a box at \(x), \(y)")
            }
        }
    }

    @Test func badArgumentsAreDiagnosedWhereTheyAreAndNothingIsWritten() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ormlab-svg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let d = directory.path
        let reports = try runScript(blog + "\n:diagram Book Tga\n:diagram svg\n:diagram svg \(d)/blog.png\n:diagram svg \(d)/missing/blog.svg\n:diagram Book")
        let typo = try #require(reports[4].diagnostics.first)
        #expect(typo.message == "unknown entity 'Tga'")
        #expect(typo.hint == "did you mean 'Tag'?")
        #expect((typo.line, typo.column) == (5, 15))
        #expect(reports[5].diagnostics.first?.message == ":diagram svg needs a file name")
        let png = try #require(reports[6].diagnostics.first)
        #expect(png.message == ":diagram svg writes an SVG picture, not a .png file; nothing was written")
        #expect(png.column == 14)
        #expect(reports[7].diagnostics.first?.message == "cannot write \(d)/missing/blog.svg: the folder \(d)/missing does not exist; nothing was written")
        #expect(reports[8].ok)
        #expect(try FileManager.default.contentsOfDirectory(atPath: d).isEmpty)
    }

    @Test func jsonCarriesTheDiagramAsData() throws {
        let report = try #require(try runScript(blog + "\n:diagram Book").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(JSONRenderer.render(report).utf8)) as? [String: Any])
        let block = try #require((object["blocks"] as? [[String: Any]])?.first)
        #expect(block["type"] as? String == "diagram")
        let boxes = try #require((block["diagram"] as? [String: Any])?["boxes"] as? [[String: Any]])
        #expect(boxes.map { $0["table"] as? String } == ["book"])
    }

    @Test func pipesGetThePictureAtOneHundredColumns() throws {
        let report = try #require(try runScript(blog + "\n:diagram Book Tag").last)
        let plain = PlainRenderer.render(report)
        #expect(plain.hasPrefix("Schema: Book, Tag\n┌──────────────────────┐   ┌──────────────────┐   ┌───────────────────────┐"))
        #expect(plain.contains("└─ Book.tags ─"))
    }
}
