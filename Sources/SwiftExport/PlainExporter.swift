import Mapping

/// Writes plain `Codable` structs: the rows of each table, no dependency. What a struct cannot
/// hold (the rows on the other side of a has-many, has-one or many-to-many) becomes a comment
/// saying where those rows are and how to load them.
struct PlainExporter {
    let model: ExportModel

    func write(into code: inout CodeWriter) {
        for line in model.headerComments(style: .plain) { code.line(line) }
        code.line("// Plain structs hold one row each: a belongs-to is the id of the other row, and the")
        code.line("// other associations are comments saying which query loads them.")
        code.line()
        code.line("import Foundation")
        if !model.schema.hierarchy.isEmpty { model.writeHierarchyProtocols(into: &code) }
        for entity in model.entities {
            code.line()
            write(entity, into: &code)
        }
        if model.hasValidations {
            code.line()
            model.validationErrorType(into: &code)
        }
    }

    private func write(_ entity: ExportedEntity, into code: inout CodeWriter) {
        code.line("/// Maps table `\(entity.mapping.table)`.")
        if let comment = model.hierarchyComment(entity, grdb: false) { code.line(comment) }
        let conformance = model.hierarchyProtocol(of: entity).map { ", " + $0 } ?? ""
        code.block("struct \(entity.typeName): Codable, Hashable, Identifiable\(conformance)") { code in
            for p in entity.properties { model.storedProperty(p, into: &code) }

            let unexpressed = entity.associations.filter { $0.association.kind != .belongsTo }
            if !unexpressed.isEmpty {
                code.line()
                for a in unexpressed { code.line("// \(a.name): \(model.describe(a)) — \(howToLoad(a))") }
            }

            if entity.properties.contains(where: \.needsRawCodingKey) {
                code.line()
                model.codingKeys(entity.properties.map { ($0.name, $0.column.name) }, into: &code)
            }
            if !model.validationRules(entity).isEmpty {
                code.line()
                model.validateFunction(entity, into: &code)
            }
            model.lifecycleComments(entity, into: &code)
            model.polymorphicMembers(entity, grdb: false, into: &code)
        }
    }

    /// The query that loads an association's rows, in words.
    private func howToLoad(_ a: ExportedAssociation) -> String {
        switch a.association.kind {
        case .belongsTo:
            return "load with a query on \(a.targetType)"
        case .hasMany, .hasOne:
            return "load with a query on \(a.targetType)"
        case .manyToMany:
            guard let join = a.association.joinTable else { return "load with a query on \(a.targetType)" }
            return "load \(a.targetType) joined with \(join.name) on \(join.targetColumn)"
        }
    }
}
