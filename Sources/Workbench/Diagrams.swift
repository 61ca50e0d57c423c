import DSL
import Foundation
import Mapping
import Render
import Report

// `:diagram`: the schema as an ER diagram, in the terminal (a `Block.diagram` every renderer lays
// out for its width), as Mermaid text, or as an SVG file.

extension Workbench {
    /// The whole schema's diagram now (the top of a session's HTML page).
    public var schemaDiagram: ERDiagram { session.schema.diagram(in: session.dialect) }

    func diagram(_ argument: String, range: SourceRange, into report: inout Report) throws {
        var words = argument.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var wordIndex = 0
        enum Form { case terminal, mermaid, svg(String) }
        var form = Form.terminal
        if words.first == "mermaid" {
            form = .mermaid
            words.removeFirst()
            wordIndex = 1
        } else if words.first == "svg" {
            guard words.count >= 2 else {
                throw EvalError(":diagram svg needs a file name", at: range, hint: "for example :diagram svg schema.svg")
            }
            let path = words[1]
            try checkWritablePath(path, extensions: ["svg"], what: ":diagram svg writes an SVG picture",
                                  example: ":diagram svg schema.svg", range: wordRange(argument, 1, in: range))
            form = .svg(path)
            words.removeFirst(2)
            wordIndex = 2
        }
        let known = session.schema.order + Array(session.schema.waiting.keys)
        for (i, name) in words.enumerated() where session.schema.entity(name) == nil {
            let hint = session.schema.waiting[name] != nil ? "\(name) has no table yet: \(session.schema.waitingSentence(for: name) ?? "")"
                : suggestion(name, known) ?? (known.isEmpty ? "define an entity first: entity Author { name: String }" : "entities: \(known.joined(separator: ", "))")
            throw EvalError("unknown entity '\(name)'", at: wordRange(argument, wordIndex + i, in: range), hint: hint)
        }
        let picture = session.schema.diagram(of: words, in: session.dialect)
        switch form {
        case .terminal:
            report.blocks.append(.diagram(title: words.isEmpty ? "Schema" : "Schema: " + words.joined(separator: ", "), picture))
        case .mermaid:
            report.blocks.append(.code(title: "Mermaid erDiagram (paste into Markdown inside ```mermaid)",
                                       lines: DiagramMermaid.text(picture).split(separator: "\n").map(String.init)))
        case .svg(let path):
            do {
                try writeFileAtomically(DiagramSVG.document(picture, title: "ORMLab schema"), to: path)
            } catch {
                throw EvalError("cannot write \(path): \(error.localizedDescription); nothing was written", at: wordRange(argument, 1, in: range))
            }
            report.notes.append(Note(.info, "wrote the diagram of \(picture.boxes.count) table\(picture.boxes.count == 1 ? "" : "s") to \(path); open it in a browser"))
        }
    }

    /// The range of the `index`th space-separated word of `argument`, which starts at `range`.
    func wordRange(_ argument: String, _ index: Int, in range: SourceRange) -> SourceRange {
        let characters = Array(argument)
        var location = range.start
        var seen = -1
        for i in characters.indices {
            if characters[i] != " " && (i == 0 || characters[i - 1] == " ") {
                seen += 1
                if seen == index {
                    var end = location
                    for c in characters[i...].prefix(while: { $0 != " " }) {
                        end.column += 1
                        end.offset += c.utf8.count
                    }
                    return SourceRange(location, end)
                }
            }
            location.column += 1
            location.offset += characters[i].utf8.count
        }
        return range
    }

    /// Refuses, before anything is written, a file whose extension is not one of `extensions`,
    /// a path into a folder that does not exist, and a path that is a folder.
    func checkWritablePath(_ path: String, extensions: [String], what: String, example: String, range: SourceRange) throws {
        let url = URL(fileURLWithPath: path)
        guard extensions.contains(url.pathExtension.lowercased()) else {
            let kind = url.pathExtension.isEmpty ? "a file without an extension" : "a .\(url.pathExtension) file"
            throw EvalError("\(what), not \(kind); nothing was written", at: range, hint: "for example \(example)")
        }
        var isFolder: ObjCBool = false
        let folder = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw EvalError("cannot write \(path): the folder \(folder) does not exist; nothing was written", at: range,
                            hint: "create the folder first, or write in the current one: \(example)")
        }
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw EvalError("cannot write \(path): it is a folder; nothing was written", at: range, hint: "name a file inside it")
        }
    }
}
