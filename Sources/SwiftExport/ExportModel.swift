import DSL
import Mapping

// What both styles export, with every Swift name decided once: one type per entity, one stored
// property per column, the associations, and (for GRDB) one record per join table.

/// One stored property of an exported struct: a column of the entity's table.
struct ExportedProperty {
    /// The Swift name, unescaped (`authorID`, `default`); write it with `identifier(_:)`.
    var name: String
    var column: Column
    /// `Int64?`, `String`, `Date?`
    var type: String
    /// A Swift initial value from the column's DEFAULT, when Swift can write it.
    var initialValue: String?
    /// A doc comment line, if the property needs one.
    var comment: String?

    /// True when the CodingKey needs a raw value because the names differ.
    var needsRawCodingKey: Bool { name != column.name }
}

/// One association of an exported entity, with the Swift names on both sides.
struct ExportedAssociation {
    /// The Swift name of the association (`books`, `author`).
    var name: String
    var association: Association
    /// The Swift type of the entity on the other side.
    var targetType: String
    /// The table on the other side.
    var targetTable: String
}

/// One entity as a Swift type.
struct ExportedEntity {
    var mapping: EntityMapping
    /// The Swift type name (never a keyword: renamed instead, see `typeName(_:)`).
    var typeName: String
    var properties: [ExportedProperty]
    var associations: [ExportedAssociation]
}

/// A join table as a GRDB record: two foreign keys and two belongs-to associations.
struct ExportedJoinRecord {
    var table: JoinTable
    var typeName: String
    /// The two sides, in column order: (column, Swift property, belongs-to name, entity type, entity table).
    var sides: [JoinSide]

    struct JoinSide {
        var column: String
        var property: String
        var association: String
        var entity: String
        var entityType: String
        var entityTable: String
        /// The Swift type of the column: the side's key type (`Int64`, or `String` for a natural key).
        var keyType = "Int64"
    }
}

/// The schema with every Swift name resolved.
struct ExportModel {
    var schema: Schema
    var entities: [ExportedEntity]
    var joinRecords: [ExportedJoinRecord]

    init(_ schema: Schema) {
        self.schema = schema
        var usedTypes = Set<String>()
        var typeNames: [String: String] = [:]
        for mapping in schema.orderedEntities {
            typeNames[mapping.name] = unique(typeName(mapping.name), in: &usedTypes)
        }
        entities = schema.orderedEntities.map { mapping in
            ExportModel.entity(mapping, typeNames: typeNames, schema: schema)
        }
        joinRecords = schema.joinTables.compactMap { join in
            ExportModel.joinRecord(join, typeNames: typeNames, schema: schema, usedTypes: &usedTypes)
        }
    }

    func entity(named name: String) -> ExportedEntity? {
        entities.first { $0.mapping.name == name }
    }

    func joinRecord(named table: String) -> ExportedJoinRecord? {
        joinRecords.first { $0.table.name == table }
    }

    // MARK: - Entities

    private static func entity(_ mapping: EntityMapping, typeNames: [String: String], schema: Schema) -> ExportedEntity {
        var used: Set<String> = ["id"]
        var properties: [ExportedProperty] = []
        for column in mapping.columns {
            switch column.role {
            case .primaryKey where column.holdsTextKey:
                properties.append(ExportedProperty(name: "id", column: column, type: "String", initialValue: nil,
                                                   comment: "The natural key: given by every insert."))
            case .primaryKey:
                properties.append(ExportedProperty(name: "id", column: column, type: "Int64?", initialValue: nil,
                                                   comment: column.isAssignedKey ? "The primary key: given by every insert (assigned)."
                                                       : "The primary key: nil until the row is inserted."))
            case .scalar(let scalar):
                let name = unique(memberName(column.property), in: &used)
                var comment: String?
                if let value = column.defaultValue, swiftDefault(value, for: scalar) == nil {
                    comment = "The database default is \(sqlLiteral(value))."
                }
                properties.append(ExportedProperty(name: name, column: column, type: swiftType(scalar) + (column.isNullable ? "?" : ""),
                                                   initialValue: column.defaultValue.flatMap { swiftDefault($0, for: scalar) },
                                                   comment: comment))
            case .foreignKey(let association, let target):
                let name = unique(memberName(association) + "ID", in: &used)
                let targetType = typeNames[target] ?? typeName(target)
                var comment = "\(association): belongs-to \(targetType) (\(column.name) REFERENCES \(schema.entity(target)?.table ?? target).\(schema.primaryKeyColumn(ofEntity: target))"
                if let rule = column.onDelete { comment += " ON DELETE \(rule.rawValue)" }
                comment += ")."
                properties.append(ExportedProperty(name: name, column: column, type: (column.holdsTextKey ? "String" : "Int64") + (column.isNullable ? "?" : ""),
                                                   initialValue: nil, comment: comment))
            }
        }
        // Association names live beside the properties (GRDB statics and request helpers).
        var associationNames = Set(properties.map(\.name))
        let associations = mapping.associations.map { a in
            ExportedAssociation(name: unique(memberName(a.name), in: &associationNames), association: a,
                                targetType: typeNames[a.target] ?? typeName(a.target),
                                targetTable: schema.entity(a.target)?.table ?? a.target)
        }
        return ExportedEntity(mapping: mapping, typeName: typeNames[mapping.name] ?? typeName(mapping.name),
                              properties: properties, associations: associations)
    }

    // MARK: - Join tables

    /// The entity each column of a join table points at, found from the many-to-many that uses it.
    private static func joinSides(_ join: JoinTable, schema: Schema) -> (first: String, second: String)? {
        for mapping in schema.orderedEntities {
            for a in mapping.associations where a.kind == .manyToMany {
                guard let j = a.joinTable, j.name == join.name else { continue }
                if j.ownerColumn == join.ownerColumn { return (mapping.name, a.target) }
                if j.targetColumn == join.ownerColumn { return (a.target, mapping.name) }
            }
        }
        return nil
    }

    private static func joinRecord(_ join: JoinTable, typeNames: [String: String], schema: Schema,
                                   usedTypes: inout Set<String>) -> ExportedJoinRecord? {
        guard let (first, second) = joinSides(join, schema: schema) else { return nil }
        var usedMembers: Set<String> = []
        let sides = [(join.ownerColumn, first), (join.targetColumn, second)].map { column, entity -> ExportedJoinRecord.JoinSide in
            // `book_id` → property `bookID`, association `book`.
            // `PlaylistId` (a database ORMLab did not make) → `playlistID`, association `playlist`.
            let base = column.hasSuffix("_id") ? String(column.dropLast(3))
                : column.count > 2 && column.hasSuffix("Id") ? String(column.dropLast(2)) : column
            let association = unique(memberName(base), in: &usedMembers)
            let property = unique(memberName(base) + "ID", in: &usedMembers)
            var side = ExportedJoinRecord.JoinSide(column: column, property: property, association: association, entity: entity,
                                                   entityType: typeNames[entity] ?? typeName(entity),
                                                   entityTable: schema.entity(entity)?.table ?? entity)
            if schema.entity(entity)?.columns.first?.holdsTextKey == true { side.keyType = "String" }
            return side
        }
        // `book_tag` → `BookTag`; `BookTagLink` when an entity is already called BookTag.
        let name = typeName(join.name)
        let type = unique(usedTypes.contains(name) ? name + "Link" : name, in: &usedTypes)
        return ExportedJoinRecord(table: join, typeName: type, sides: sides)
    }
}
