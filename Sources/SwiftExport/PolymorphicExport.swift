import Mapping

// Polymorphic associations in the exports. Neither plain structs nor GRDB have a polymorphic
// association (GRDB's belongsTo needs one foreign key to one table), so the export keeps the two
// stored columns (subjectType, subjectId) and adds what reads them as one value: an enum of the
// possible targets (`Comment.Subject.post(id:)`), a getter and a setter; GRDB records also get
// `fetchSubject(_:)` (one query on the table the type names) and, on each target, the request of
// the rows pointing at it (`post.comments`).

extension ExportModel {
    /// The members a polymorphic association adds to `entity`'s struct (`grdb`: with the queries).
    func polymorphicMembers(_ entity: ExportedEntity, grdb: Bool, into code: inout CodeWriter) {
        for a in entity.mapping.polymorphicAssociations {
            switch a.kind {
            case .belongsTo: polymorphicBelongsTo(a, in: entity, grdb: grdb, into: &code)
            case .hasMany: polymorphicHasMany(a, in: entity, grdb: grdb, into: &code)
            }
        }
    }

    private func propertyName(ofColumn column: String, in entity: ExportedEntity) -> String? {
        entity.properties.first { $0.column.name == column }?.name
    }

    private func polymorphicBelongsTo(_ a: PolymorphicAssociation, in entity: ExportedEntity, grdb: Bool, into code: inout CodeWriter) {
        guard let typeProperty = propertyName(ofColumn: a.typeColumn, in: entity),
              let idProperty = propertyName(ofColumn: a.idColumn, in: entity) else { return }
        let name = memberName(a.name)
        let enumName = typeName(a.name)
        let cases = a.targets.map { (entity: $0, label: memberName($0), type: self.entity(named: $0)?.typeName ?? typeName($0)) }
        let written = a.targets.joined(separator: " | ")
        code.line()
        code.line("/// \(a.name): polymorphic belongs-to \(written), stored as \(a.typeColumn) (the entity name)")
        code.line("/// and \(a.idColumn), with NO foreign key: the database checks neither the id nor the type.")
        code.block("enum \(enumName): Hashable") { code in
            for c in cases { code.line("case \(identifier(c.label))(id: Int)") }
        }
        code.line()
        code.line("/// The \(a.name) the two columns name; nil when \(a.typeColumn) holds an unknown type\(a.isOptional ? " or is NULL" : "").")
        code.block("var \(identifier(name)): \(enumName)?") { code in
            if a.isOptional {
                code.line("guard let type = \(identifier(typeProperty)), let id = \(identifier(idProperty)) else { return nil }")
            } else {
                code.line("let type = \(identifier(typeProperty)), id = \(identifier(idProperty))")
            }
            code.block("switch type") { code in
                for c in cases { code.line("case \(swiftStringLiteral(c.entity)): return .\(identifier(c.label))(id: id)") }
                code.line("default: return nil")
            }
        }
        code.line()
        code.line("/// Points \(a.name) at another row: writes both columns.")
        code.block("mutating func set\(enumName)(_ \(identifier(name)): \(enumName)\(a.isOptional ? "?" : ""))") { code in
            code.block("switch \(identifier(name))") { code in
                for c in cases {
                    code.line("case .\(identifier(c.label))(let id)\(a.isOptional ? "?" : ""): \(identifier(typeProperty)) = \(swiftStringLiteral(c.entity)); \(identifier(idProperty)) = id")
                }
                if a.isOptional { code.line("case nil: \(identifier(typeProperty)) = nil; \(identifier(idProperty)) = nil") }
            }
        }
        guard grdb else { return }
        code.line()
        code.line("/// The \(a.name) row, read from the table its type names (one query per call: GRDB has no")
        code.line("/// polymorphic association to include; group the ids by type to load many at once).")
        code.block("enum \(enumName)Record") { code in
            for c in cases { code.line("case \(identifier(c.label))(\(c.type))") }
        }
        code.line()
        code.block("func fetch\(enumName)(_ db: Database) throws -> \(enumName)Record?") { code in
            code.block("switch \(identifier(name))") { code in
                for c in cases {
                    code.line("case .\(identifier(c.label))(let id)?: return try \(c.type).fetchOne(db, key: Int64(id)).map { .\(identifier(c.label))($0) }")
                }
                code.line("case nil: return nil")
            }
        }
    }

    private func polymorphicHasMany(_ a: PolymorphicAssociation, in entity: ExportedEntity, grdb: Bool, into code: inout CodeWriter) {
        let target = a.targets[0]
        guard let targetEntity = self.entity(named: target),
              let typeProperty = propertyName(ofColumn: a.typeColumn, in: targetEntity),
              let idProperty = propertyName(ofColumn: a.idColumn, in: targetEntity) else { return }
        code.line()
        code.line("/// \(a.name): polymorphic has-many \(target), the rows of \(targetEntity.mapping.table) whose \(a.typeColumn) is")
        code.line("/// \(swiftStringLiteral(entity.mapping.name)) and \(a.idColumn) is this id (no foreign key: deleting this row leaves them).")
        guard grdb else {
            code.line("// Load them with a query on \(targetEntity.typeName): \(typeProperty) == \(swiftStringLiteral(entity.mapping.name)) and \(idProperty) == id.")
            return
        }
        code.block("var \(identifier(memberName(a.name))): QueryInterfaceRequest<\(targetEntity.typeName)>") { code in
            code.line("\(targetEntity.typeName).filter(\(targetEntity.typeName).Columns.\(identifier(typeProperty)) == \(swiftStringLiteral(entity.mapping.name)) && \(targetEntity.typeName).Columns.\(identifier(idProperty)) == id)")
        }
    }
}
