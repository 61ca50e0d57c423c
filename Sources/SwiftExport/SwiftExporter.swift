import Mapping

/// The flavours of Swift model code ORMLab exports.
public enum ExportStyle: String, Sendable, CaseIterable {
    /// `Codable`, `Hashable`, `Identifiable` structs that compile with no dependency.
    case plain
    /// Records for GRDB.swift 7, with associations and a migrator that creates ORMLab's schema.
    case grdb
}

/// Turns a session's schema into Swift source code that compiles as written.
///
/// Both styles write one struct per entity, in definition order, with a stored property per
/// column: `var id: Int64?` (nil until the row is inserted, as in GRDB's own examples), scalars as
/// `Int`, `Double`, `String`, `Bool`, `Date`, `Data` (optional when the column is nullable), and
/// each belongs-to as the id of the other row (`var authorID: Int64`). See `SwiftNaming.swift`
/// for how names are made valid Swift.
public enum SwiftExporter {
    /// The whole Swift file for `schema` in `style`. Entities still waiting for another entity
    /// are left out, with a comment saying so.
    public static func export(_ schema: Schema, style: ExportStyle) -> String {
        let model = ExportModel(schema)
        var code = CodeWriter()
        switch style {
        case .plain: PlainExporter(model: model).write(into: &code)
        case .grdb: GRDBExporter(model: model.splittingJoinedClasses()).write(into: &code)
        }
        return code.text
    }

    /// Swift code for a GRDB check program, compiled beside the `grdb` export of the same
    /// schema: `func checkAssociations(_ db: Database) throws -> Int` builds and runs a JOIN
    /// through every association, so GRDB resolves each foreign key (a wrong or ambiguous
    /// `using:` fails here), and returns how many it checked. Used by scripts/check-grdb-export.sh.
    public static func grdbAssociationChecks(_ schema: Schema) -> String {
        var code = CodeWriter()
        GRDBExporter(model: ExportModel(schema).splittingJoinedClasses()).writeAssociationChecks(into: &code)
        return code.text
    }
}

// MARK: - Shared pieces

/// Accumulates lines of code with indentation.
struct CodeWriter {
    private(set) var lines: [String] = []
    private var level = 0

    var text: String { lines.joined(separator: "\n") + "\n" }

    mutating func line(_ text: String = "") {
        lines.append(text.isEmpty ? "" : String(repeating: "    ", count: level) + text)
    }

    /// `header {`, the body one level deeper, `}`.
    mutating func block(_ header: String, opener: String = " {", _ body: (inout CodeWriter) -> Void) {
        line(header + opener)
        level += 1
        body(&self)
        level -= 1
        line("}")
    }

    /// Drops a trailing blank line (so blocks do not end with one).
    mutating func trimTrailingBlank() {
        while lines.last == "" { lines.removeLast() }
    }
}

extension ExportModel {
    /// Header lines common to both styles: where the code comes from, what was left out.
    func headerComments(style: ExportStyle) -> [String] {
        var lines = ["// Swift model code exported by ORMLab (style: \(style.rawValue))."]
        if entities.isEmpty { lines.append("// The session has no entities yet: define one with entity Author { name: String }.") }
        let tables = entities.map(\.mapping.table) + schema.joinTables.map(\.name)
        if !tables.isEmpty { lines.append("// Tables: \(tables.joined(separator: ", ")).") }
        for name in schema.waiting.keys.sorted() {
            if let sentence = schema.waitingSentence(for: name) { lines.append("// Not exported: \(sentence).") }
        }
        for pending in schema.pendingRedefinitions {
            lines.append("// \(pending.entity) is exported as currently mapped: its \(pending.status).")
        }
        return lines
    }

    /// `authorID` → `case authorID = "author_id"`; names equal to their column share one `case` line.
    func codingKeys(_ properties: [(name: String, column: String)], into code: inout CodeWriter) {
        code.block("enum CodingKeys: String, CodingKey") { code in
            let same = properties.filter { $0.name == $0.column }.map { identifier($0.name) }
            if !same.isEmpty { code.line("case " + same.joined(separator: ", ")) }
            for p in properties where p.name != p.column {
                code.line("case \(identifier(p.name)) = \(swiftStringLiteral(p.column))")
            }
        }
    }

    /// `var name: String = "x"` with its doc comment.
    func storedProperty(_ p: ExportedProperty, into code: inout CodeWriter) {
        if let comment = p.comment { code.line("/// " + comment) }
        code.line("var \(identifier(p.name)): \(p.type)" + (p.initialValue.map { " = " + $0 } ?? ""))
    }

    /// How an association is stored, in words: `has-many Book (book.author_id)`.
    func describe(_ a: ExportedAssociation) -> String {
        let association = a.association
        switch association.kind {
        case .belongsTo:
            return "belongs-to \(a.targetType) (\(association.foreignKey ?? "?"))"
        case .hasMany, .hasOne:
            return "\(association.kind.rawValue) \(a.targetType) (\(a.targetTable).\(association.foreignKey ?? "?"))"
        case .manyToMany:
            guard let join = association.joinTable else { return "many-to-many \(a.targetType)" }
            return "many-to-many \(a.targetType) through \(join.name) (\(join.ownerColumn), \(join.targetColumn))"
        }
    }
}
