import DSL
import Mapping

// Exporting an inheritance hierarchy. Swift structs do not inherit, so:
// - plain: each class is a struct with all its properties (inherited ones first), and every
//   class of a hierarchy conforms to one protocol, `AnyVehicle`, that declares the root's
//   properties: code that takes "any vehicle" takes `some AnyVehicle` (a protocol rather than a
//   class hierarchy, so the structs stay Codable values like every other export).
// - grdb: a record maps one table. single: every class's record reads the root's table (its
//   request helper filters by `type`); joined: a subclass's record holds its own table's columns
//   and belongs to its parent's record through the shared id; concrete: each record is its
//   class's full table.

extension ExportModel {
    /// The protocol every class of the hierarchy rooted at `root` conforms to (plain export).
    func hierarchyProtocolName(_ root: String) -> String { "Any" + (entity(named: root)?.typeName ?? root) }

    /// The protocol an entity conforms to, if it belongs to a hierarchy.
    func hierarchyProtocol(of entity: ExportedEntity) -> String? {
        schema.hierarchy[entity.mapping.name].map { hierarchyProtocolName($0.root) }
    }

    /// `protocol AnyVehicle { var make: String { get } … }` for each hierarchy root (plain export).
    func writeHierarchyProtocols(into code: inout CodeWriter) {
        for root in schema.order where schema.hierarchy[root]?.parent == nil && schema.hierarchy[root] != nil {
            guard let entity = entity(named: root), let member = schema.hierarchy[root] else { continue }
            let classes = schema.subtree(of: root).compactMap { self.entity(named: $0)?.typeName }
            code.line()
            code.line("/// Every class of the \(entity.typeName) hierarchy (inheritance(\(member.strategy.rawValue))): \(classes.joined(separator: ", ")).")
            code.line("/// Swift structs do not inherit: each class is a struct with all its properties, and this")
            code.line("/// protocol holds what they share.")
            code.block("protocol \(hierarchyProtocolName(root))") { code in
                for p in entity.properties {
                    code.line("var \(identifier(p.name)): \(p.type) { get }")
                }
            }
        }
    }

    /// The model GRDB records are written from: a joined subclass keeps the columns of its own
    /// table, and belongs to its parent's record through the id.
    func splittingJoinedClasses() -> ExportModel {
        var model = self
        model.entities = entities.map { entity in
            let name = entity.mapping.name
            guard let member = schema.hierarchy[name], member.strategy == .joined, let parent = member.parent,
                  let physical = schema.physicalColumns(of: name) else { return entity }
            var split = entity
            split.mapping.columns = entity.mapping.columns.filter { physical.contains($0.name) }
            split.properties = entity.properties.filter { physical.contains($0.column.name) }
            split.associations = entity.associations.filter { a in
                a.association.kind != .belongsTo || physical.contains(a.association.foreignKey ?? "")
            }
            let parentType = self.entity(named: parent)?.typeName ?? parent
            let parentTable = schema.tableName(forEntity: parent)
            var used = Set(split.properties.map(\.name) + split.associations.map(\.name))
            let parentAssociation = Association(name: memberName(parent), kind: .belongsTo, target: parent, foreignKey: "id")
            split.associations.insert(ExportedAssociation(name: unique(memberName(parent), in: &used), association: parentAssociation,
                                                          targetType: parentType, targetTable: parentTable), at: 0)
            return split
        }
        return model
    }

    /// A comment line under a hierarchy class's declaration: where its rows are.
    func hierarchyComment(_ entity: ExportedEntity, grdb: Bool) -> String? {
        let name = entity.mapping.name
        guard let member = schema.hierarchy[name] else { return nil }
        let parent = member.parent.map { " : \($0)" } ?? ""
        switch member.strategy {
        case .single:
            return "// \(name)\(parent), inheritance(single): rows of table \(entity.mapping.table) with type = '\(name)'"
                + (grdb ? "; \(entity.typeName).filter(Columns.type == \(swiftStringLiteral(name))) reads only them." : ".")
        case .joined:
            return member.parent == nil
                ? "// \(name), inheritance(joined): the root's table; each subclass adds a table keyed by this id."
                : "// \(name)\(parent), inheritance(joined): \(grdb ? "its own columns; the inherited ones are in the parent's row with the same id (belongsTo)." : "its row in \(entity.mapping.table) and one in each parent's table, same id.")"
        case .concrete:
            return "// \(name)\(parent), inheritance(concrete): a full table; ids come from \(schema.idGeneratorTable(ofRoot: member.root)) (insert a row there first and use its id)."
        }
    }
}
