import Mapping

/// Writes records for GRDB.swift 7: one `FetchableRecord & MutablePersistableRecord` struct per
/// entity with its columns, associations and request helpers, one record per join table, and a
/// `DatabaseMigrator` whose migration runs ORMLab's own CREATE statements, so the database it
/// creates is the one ORMLab created.
///
/// GRDB infers an association's foreign key from the database schema when exactly one foreign
/// key links the two tables; the export writes `using: ForeignKey([...])` where that is not so
/// (self-references, two foreign keys to the same table), and `key:` where the association's name
/// is not the key GRDB derives from the table name.
struct GRDBExporter {
    let model: ExportModel

    func write(into code: inout CodeWriter) {
        for line in model.headerComments(style: .grdb) { code.line(line) }
        code.line("// Records for GRDB.swift 7. Create the tables with \(schemaNamespace).migrator:")
        code.line("//     let dbQueue = try DatabaseQueue(path: \"db.sqlite\")")
        code.line("//     try \(schemaNamespace).migrator.migrate(dbQueue)")
        code.line()
        code.line("import Foundation")
        code.line("import GRDB")
        for entity in model.entities {
            code.line()
            code.line("// MARK: - \(entity.typeName)")
            code.line()
            write(entity, into: &code)
        }
        if model.hasValidations {
            code.line()
            model.validationErrorType(into: &code)
        }
        for join in model.joinRecords {
            code.line()
            code.line("// MARK: - \(join.typeName) (join table)")
            code.line()
            write(join, into: &code)
        }
        code.line()
        code.line("// MARK: - Schema")
        code.line()
        writeMigrator(into: &code)
    }

    // MARK: - Entity records

    private func write(_ entity: ExportedEntity, into code: inout CodeWriter) {
        code.line("/// Maps table `\(entity.mapping.table)`.")
        if let comment = model.hierarchyComment(entity, grdb: true) { code.line(comment) }
        code.block("struct \(entity.typeName): Codable, Hashable, Identifiable, FetchableRecord, MutablePersistableRecord") { code in
            code.line("static let databaseTableName = \(swiftStringLiteral(entity.mapping.table))")
            code.line()
            for p in entity.properties { model.storedProperty(p, into: &code) }
            code.line()
            model.codingKeys(entity.properties.map { ($0.name, $0.column.name) }, into: &code)
            code.line()
            columns(entity.properties.map(\.name), of: entity.typeName, into: &code)
            code.line()
            if !entity.mapping.columns[0].holdsTextKey {
                code.line("/// Called by GRDB after an INSERT: the new row's id.")
                code.block("mutating func didInsert(_ inserted: InsertionSuccess)") { code in
                    code.line("id = inserted.rowID")
                }
            }
            // Lifecycle: validations and timestamps in GRDB's persistence callbacks.
            let validates = !model.validationRules(entity).isEmpty
            let timestamps = model.timestampProperties(entity)
            if validates {
                code.line()
                model.validateFunction(entity, into: &code)
            }
            if validates || timestamps != nil {
                code.line()
                code.line("/// Called by GRDB before an INSERT: the rules, then the timestamps.")
                code.block("mutating func willInsert(_ db: Database) throws") { code in
                    if validates { code.line("try validate()") }
                    if let timestamps {
                        code.line("let now = Date()")
                        code.line("if \(timestamps.created) == nil { \(timestamps.created) = now }")
                        code.line("\(timestamps.updated) = now")
                    }
                }
                code.line()
                code.line("/// Called by GRDB before an UPDATE (it cannot change the record: set")
                code.line("/// \(timestamps?.updated ?? "updatedAt") = Date() yourself before updating, as ORMLab's flush does).")
                code.block("func willUpdate(_ db: Database, columns: Set<String>) throws") { code in
                    code.line(validates ? "try validate()" : "// no validate(...) rules")
                }
            }
            model.lifecycleComments(entity, into: &code)
            model.polymorphicMembers(entity, grdb: true, into: &code)
        }
        guard !entity.associations.isEmpty else { return }
        code.line()
        code.block("extension \(entity.typeName)") { code in
            var helpers: [String] = []
            for a in entity.associations {
                association(a, of: entity, into: &code, helpers: &helpers)
            }
            code.line()
            for helper in helpers { code.line(helper) }
        }
    }

    /// `enum Columns { static let name = Column(CodingKeys.name) }`
    private func columns(_ names: [String], of type: String, into code: inout CodeWriter) {
        let example = names.first { $0 != "id" } ?? names.first ?? "id"
        code.line("/// The columns, for the query interface: `\(type).filter(\(type).Columns.\(identifier(example)) == value)`.")
        code.block("enum Columns") { code in
            for name in names {
                code.line("static let \(identifier(name)) = Column(CodingKeys.\(identifier(name)))")
            }
        }
    }

    /// The static association(s) for one ORMLab association, and its request helper.
    private func association(_ a: ExportedAssociation, of entity: ExportedEntity, into code: inout CodeWriter,
                             helpers: inout [String]) {
        let association = a.association
        let me = entity.mapping
        let name = identifier(a.name)
        code.line("/// \(a.name): \(model.describe(a)).")
        switch association.kind {
        case .belongsTo:
            let fk = association.foreignKey ?? ""
            let explicit = me.name == association.target || foreignKeyCount(from: me.table, to: association.target) > 1
            let arguments = self.arguments(key: a.name, defaultKey: singularize(a.targetTable), foreignKey: explicit ? fk : nil)
            code.line("static let \(name) = belongsTo(\(a.targetType).self\(arguments))")
            helpers.append("var \(name): QueryInterfaceRequest<\(a.targetType)> { request(for: \(entity.typeName).\(name)) }")
        case .hasMany, .hasOne:
            let fk = association.foreignKey ?? ""
            let explicit = me.name == association.target || foreignKeyCount(from: a.targetTable, to: me.name) > 1
            let isMany = association.kind == .hasMany
            let defaultKey = isMany ? pluralize(singularize(a.targetTable)) : singularize(a.targetTable)
            let arguments = self.arguments(key: a.name, defaultKey: defaultKey, foreignKey: explicit ? fk : nil)
            code.line("static let \(name) = \(isMany ? "hasMany" : "hasOne")(\(a.targetType).self\(arguments))")
            helpers.append("var \(name): QueryInterfaceRequest<\(a.targetType)> { request(for: \(entity.typeName).\(name)) }")
        case .manyToMany:
            guard let join = association.joinTable, let record = model.joinRecord(named: join.name),
                  let ownerSide = record.sides.first(where: { $0.column == join.ownerColumn }),
                  let targetSide = record.sides.first(where: { $0.column == join.targetColumn }) else {
                code.line("// (the join table of \(a.name) is not known)")
                return
            }
            // The pivot: this entity's rows of the join table.
            let pivot = pivotName(for: a, record: record, in: entity)
            let explicit = foreignKeyCount(fromJoin: record, to: me.name) > 1
            let pivotArguments = arguments(key: pivot, defaultKey: pluralize(singularize(join.name)),
                                           foreignKey: explicit ? ownerSide.column : nil)
            code.line("static let \(identifier(pivot)) = hasMany(\(record.typeName).self\(pivotArguments))")
            let throughKey = arguments(key: a.name, defaultKey: pluralize(targetSide.association), foreignKey: nil)
            code.line("static let \(name) = hasMany(\(a.targetType).self, through: \(identifier(pivot)), using: \(record.typeName).\(identifier(targetSide.association))\(throughKey))")
            helpers.append("var \(name): QueryInterfaceRequest<\(a.targetType)> { request(for: \(entity.typeName).\(name)) }")
        }
    }

    /// `, key: "manager", using: ForeignKey(["manager_id"])`: only what GRDB cannot infer.
    private func arguments(key: String, defaultKey: String, foreignKey: String?) -> String {
        var out = ""
        if key != defaultKey { out += ", key: \(swiftStringLiteral(key))" }
        if let foreignKey { out += ", using: ForeignKey([\(swiftStringLiteral(foreignKey))])" }
        return out
    }

    /// The name of the has-many to the join record: `bookTags`, or `<association>Links` when
    /// the entity reaches the same join table twice (followers / following).
    private func pivotName(for a: ExportedAssociation, record: ExportedJoinRecord, in entity: ExportedEntity) -> String {
        let sameTable = entity.associations.filter { $0.association.joinTable?.name == record.table.name }
        var base = memberName(pluralize(singularize(snakeCase(record.typeName))))
        if sameTable.count > 1 { base = a.name + "Links" }
        let taken = Set(entity.properties.map(\.name) + entity.associations.map(\.name))
        var used = taken
        return unique(base, in: &used)
    }

    /// How many foreign keys of `table` point at `entity`.
    private func foreignKeyCount(from table: String, to entity: String) -> Int {
        // (Every mapping of the table: the classes of a single-table hierarchy share one.)
        var columns = Set<String>()
        for mapping in model.schema.orderedEntities where mapping.table == table {
            for column in mapping.columns { if case .foreignKey(_, let target) = column.role, target == entity { columns.insert(column.name) } }
        }
        return columns.count
    }

    private func foreignKeyCount(fromJoin record: ExportedJoinRecord, to entity: String) -> Int {
        record.sides.filter { $0.entity == entity }.count
    }

    // MARK: - Join records

    private func write(_ record: ExportedJoinRecord, into code: inout CodeWriter) {
        let users = model.entities.flatMap { e in
            e.associations.filter { $0.association.joinTable?.name == record.table.name }.map { "\(e.typeName).\($0.name)" }
        }
        code.line("/// Maps the join table `\(record.table.name)`: one row per link of \(users.joined(separator: " / ")).")
        code.block("struct \(record.typeName): Codable, Hashable, FetchableRecord, PersistableRecord") { code in
            code.line("static let databaseTableName = \(swiftStringLiteral(record.table.name))")
            code.line()
            for side in record.sides { code.line("var \(identifier(side.property)): \(side.keyType)") }
            code.line()
            model.codingKeys(record.sides.map { ($0.property, $0.column) }, into: &code)
            code.line()
            columns(record.sides.map(\.property), of: record.typeName, into: &code)
            code.line()
            let selfJoin = record.sides.count == 2 && record.sides[0].entity == record.sides[1].entity
            for side in record.sides {
                let arguments = self.arguments(key: side.association, defaultKey: singularize(side.entityTable),
                                               foreignKey: selfJoin ? side.column : nil)
                code.line("static let \(identifier(side.association)) = belongsTo(\(side.entityType).self\(arguments))")
            }
        }
    }

    // MARK: - Migrator

    private func writeMigrator(into code: inout CodeWriter) {
        code.line("/// The schema ORMLab created for these entities, as a GRDB migration.")
        code.block("enum \(schemaNamespace)") { code in
            code.line("/// Creates the tables, join tables and indexes with ORMLab's own SQL, so the database is")
            code.line("/// the one the workbench showed.")
            code.block("static var migrator: DatabaseMigrator") { code in
                code.line("var migrator = DatabaseMigrator()")
                code.block("migrator.registerMigration(\"createORMLabSchema\")", opener: " { db in") { code in
                    for entity in model.entities {
                        for statement in model.schema.createStatements(for: entity.mapping.name) {
                            code.line("try db.execute(sql: \(swiftRawStringLiteral(statement)))")
                        }
                    }
                }
                code.line("return migrator")
            }
        }
    }

    // MARK: - Association checks

    /// See `SwiftExporter.grdbAssociationChecks`.
    func writeAssociationChecks(into code: inout CodeWriter) {
        code.line("// Joins through every association of the exported records: GRDB resolves the foreign key of")
        code.line("// each one when it builds the SQL, so a wrong or ambiguous foreign key fails here.")
        code.line("import GRDB")
        code.line()
        code.block("func checkAssociations(_ db: Database) throws -> Int") { code in
            code.line("var checked = 0")
            for entity in model.entities {
                for a in entity.associations {
                    if a.association.kind == .manyToMany, model.joinRecord(named: a.association.joinTable?.name ?? "") == nil { continue }
                    code.line("_ = try \(entity.typeName).joining(optional: \(entity.typeName).\(identifier(a.name))).fetchAll(db)")
                    code.line("checked += 1")
                }
            }
            for record in model.joinRecords {
                for side in record.sides {
                    code.line("_ = try \(record.typeName).joining(required: \(record.typeName).\(identifier(side.association))).fetchAll(db)")
                    code.line("checked += 1")
                }
            }
            code.line("return checked")
        }
    }
}
