import DSL
import Report

// Polymorphic associations (Rails' `belongs_to :subject, polymorphic: true` and
// `has_many :comments, as: :subject`; Hibernate's `@Any`): one to-one that may point at rows of
// several tables. The table stores two plain columns, the target's entity name and its id, and
// no foreign key: no database constraint can say "an id of posts OR of photos".

/// One polymorphic association, seen from the entity that declares it.
public struct PolymorphicAssociation: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// `subject: Post | Photo`: this table holds subject_type and subject_id.
        case belongsTo = "polymorphic belongs-to"
        /// `comments: [Comment] via subject`: the rows of Comment whose subject_type names this
        /// entity and whose subject_id is this object's id.
        case hasMany = "polymorphic has-many"
    }
    public var name: String
    public var kind: Kind
    /// belongs-to: the entities it may point at, in the order written. has-many: the one
    /// entity whose rows point here (`Comment`).
    public var targets: [String]
    /// The columns of the table that holds them: "subject_type" (the entity name, as Rails
    /// stores the class name) and "subject_id" (belongs-to: this table's; has-many: the target's).
    public var typeColumn: String
    public var idColumn: String
    /// has-many: the polymorphic belongs-to on the target it reads (`subject`).
    public var inverse: String?
    public var isOptional: Bool
    public var declRange: SourceRange?

    public init(name: String, kind: Kind, targets: [String], typeColumn: String, idColumn: String,
                inverse: String? = nil, isOptional: Bool = false, declRange: SourceRange? = nil) {
        self.name = name
        self.kind = kind
        self.targets = targets
        self.typeColumn = typeColumn
        self.idColumn = idColumn
        self.inverse = inverse
        self.isOptional = isOptional
        self.declRange = declRange
    }

    /// The property names of the two columns ("subject_type", "subject_id").
    public static func typeProperty(_ name: String) -> String { name + "_type" }
    public static func idProperty(_ name: String) -> String { name + "_id" }

    /// What the Mapping pane says such an association gives up.
    public var tradeOffs: [String] {
        guard kind == .belongsTo else { return [] }
        let list = targets.joined(separator: ", ")
        return [
            "\(typeColumn) holds the entity name (\"\(targets[0])\"), as Rails stores the class name",
            "no FOREIGN KEY: no referential integrity (a deleted \(targets[0]) leaves orphan rows)",
            "no JOIN by one key: one query per type (\(list))",
            "the database cannot check the type: \(typeColumn) accepts any text",
        ]
    }
}

extension Schema {
    /// True when some entity declares a polymorphic association (one check before the notes
    /// about them, so a schema without any pays nothing else).
    public var hasPolymorphicAssociations: Bool { entities.values.contains { !$0.polymorphicAssociations.isEmpty } }
}

extension EntityMapping {
    /// Polymorphic associations of this entity by name.
    public func polymorphicAssociation(named name: String) -> PolymorphicAssociation? {
        polymorphicAssociations.first { $0.name == name }
    }
}

// MARK: - Checks of the declaration

/// `subject: Post | Photo` seen on its own: every target an entity, none twice, and none of the
/// modifiers that need a foreign key.
func validatePolymorphic(_ p: PropertyDecl, in decl: EntityDecl, knownEntities: Set<String>) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    let name = p.name.name
    let written = p.type.written
    var seen: Set<String> = []
    for target in p.type.polymorphicTargets {
        let t = target.name
        if !seen.insert(t).inserted {
            let others = p.type.polymorphicTargets.map(\.name).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            diagnostics.append(Diagnostic(.error, "'\(t)' is listed twice in '\(name): \(written)'", at: target.range,
                                          hint: "list each entity once: \(name): \(others.joined(separator: " | "))"))
            continue
        }
        if ScalarType(rawValue: t) != nil {
            diagnostics.append(Diagnostic(.error, "a polymorphic association points at entities, and '\(t)' is a scalar type",
                                          at: target.range, hint: "list entities only (subject: Post | Photo); a value is a property of its own: \(lowerFirst(t)): \(t)"))
            continue
        }
        if !knownEntities.contains(t) && !looksLikeUndefinedEntity(t) {
            let guess = nearest(t, in: knownEntities.sorted())
            diagnostics.append(Diagnostic(.error, "'\(t)' in '\(name): \(written)' is not an entity", at: target.range,
                                          hint: (guess.map { "did you mean '\($0)'? " } ?? "") + "a polymorphic association lists entity names: subject: Post | Photo"))
        }
    }
    if p.type.polymorphicTargets.count < 2 {
        diagnostics.append(Diagnostic(.error, "a polymorphic association needs two entities or more", at: p.type.range,
                                      hint: "for one target write \(name): \(p.type.name.name)"))
    }
    if let via = p.via {
        diagnostics.append(Diagnostic(.error, "'via' goes on the other side of a polymorphic association", at: via.range,
                                      hint: "remove it here and write it on each target, e.g. \(lowerFirst(pluralize(decl.name.name))): [\(decl.name.name)] via \(name)"))
    }
    if p.onDelete != nil {
        diagnostics.append(Diagnostic(.error, "'on delete' is a foreign key's rule, and '\(name)' has no foreign key (it points at \(written))",
                                      at: p.range, hint: "remove it; deleting a target leaves its \(decl.name.name) rows: delete them first (the unit of work does not cascade)"))
    }
    if p.isUnique || p.column != nil || p.joinTable != nil || p.defaultValue != nil {
        diagnostics.append(Diagnostic(.error, "'\(name): \(written)' takes no unique, column(...), join(...) or default",
                                      at: p.range, hint: "it maps to \(name)_type and \(name)_id, indexed together; write \(name): \(written)"))
    }
    if p.isIndexed {
        diagnostics.append(Diagnostic(.warning, "'\(name)' is indexed already: (\(name)_type, \(name)_id)", at: p.range,
                                      hint: "remove 'index'"))
    }
    return diagnostics
}

// MARK: - The mapping pane

extension Schema {
    /// A polymorphic association in the mapping pane: where its two columns are, and what
    /// having no foreign key gives up.
    func polymorphicFacts(_ a: PolymorphicAssociation, in mapping: EntityMapping) -> AssociationFacts {
        switch a.kind {
        case .belongsTo:
            // Classes of one single-table hierarchy share a table: named once, with its classes.
            var tables: [String] = []
            var classes: [String: [String]] = [:]
            for target in a.targets {
                let key = "\(tableName(forEntity: target)).\(primaryKeyColumn(ofEntity: target))"
                if classes[key] == nil { tables.append(key) }
                classes[key, default: []].append(target)
            }
            tables = tables.map { key in classes[key]!.count > 1 ? "\(key) (\(classes[key]!.joined(separator: " or ")) rows)" : key }
            return AssociationFacts(name: a.name, kind: a.kind.rawValue, target: a.targets.joined(separator: " | "),
                                    storage: "\(mapping.table).\(a.typeColumn) + \(mapping.table).\(a.idColumn) → \(tables.joined(separator: " or ")) (no foreign key)",
                                    details: [a.isOptional ? "optional" : "required"] + a.tradeOffs)
        case .hasMany:
            let target = a.targets[0]
            let table = tableName(forEntity: target)
            return AssociationFacts(name: a.name, kind: a.kind.rawValue, target: target,
                                    storage: "\(table).\(a.typeColumn) = '\(mapping.name)' AND \(table).\(a.idColumn) → \(mapping.table).\(mapping.primaryKeyColumn)",
                                    details: ["inverse of \(target).\(a.inverse ?? "")",
                                              "no foreign key: deleting a \(mapping.name) leaves its \(target) rows (orphans); nothing cascades"])
        }
    }
}
