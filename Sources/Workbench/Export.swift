import DSL
import Report
import SwiftExport

// `:export swift [plain|grdb] [FILE]`: the session's entities as Swift model code, shown as a
// code block or written to a file.

extension Workbench {
    func export(_ argument: String, range: SourceRange, into report: inout Report) throws {
        var words = argument.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let usage = "for example :export swift plain, :export swift grdb Model.swift"
        guard let language = words.first else {
            throw EvalError(":export needs a language: swift", at: range, hint: usage)
        }
        guard language == "swift" else {
            throw EvalError("ORMLab exports Swift only, not '\(language)'", at: range, hint: usage)
        }
        words.removeFirst()
        var style = ExportStyle.plain
        if let word = words.first {
            if let chosen = ExportStyle(rawValue: word.lowercased()) {
                style = chosen
                words.removeFirst()
            } else if !word.contains(".") && !word.contains("/") {
                // Neither a style nor a file name (Model.swift, out/Model.swift): a typo.
                throw EvalError("unknown export style '\(word)'", at: range,
                                hint: suggestion(word, ExportStyle.allCases.map(\.rawValue)) ?? "styles: plain, grdb")
            }
        }
        let path = words.joined(separator: " ")
        let code = SwiftExporter.export(session.schema, style: style)

        let schema = session.schema
        if schema.order.isEmpty {
            report.notes.append(Note(.info, "no entities yet: the export is empty. Define one with entity Author { name: String }"))
        }
        for name in schema.waiting.keys.sorted() {
            if let sentence = schema.waitingSentence(for: name) { report.notes.append(Note(.info, "not exported: \(sentence)")) }
        }
        for pending in schema.pendingRedefinitions {
            report.notes.append(Note(.info, "\(pending.entity) is exported as currently mapped: its \(pending.status)"))
        }
        let what = "\(schema.order.count) entit\(schema.order.count == 1 ? "y" : "ies")"
        if path.isEmpty {
            let lines = code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            report.blocks.append(.code(title: "Swift (\(style.rawValue))", lines: lines.last == "" ? Array(lines.dropLast()) : lines))
            report.notes.append(Note(.info, "\(what) exported as \(style == .plain ? "plain Codable structs" : "GRDB records"); add a file name to write it: :export swift \(style.rawValue) Model.swift"))
        } else {
            do {
                try writeFileAtomically(code, to: path)
            } catch {
                throw EvalError("cannot write \(path): \(error.localizedDescription)", at: range)
            }
            report.notes.append(Note(.info, "\(what) exported as \(style == .plain ? "plain Codable structs" : "GRDB records") to \(path)"))
        }
    }
}
