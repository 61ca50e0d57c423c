import DSL
import SQLBuilder
import Report

// Inheritance mapping: how a class hierarchy (`entity Vehicle inheritance(joined) { … }`,
// `entity Car : Vehicle { … }`) maps to tables under the three strategies every ORM names
// (Hibernate's SINGLE_TABLE / JOINED / TABLE_PER_CLASS, SQLAlchemy's single / joined / concrete).
//
// Every class gets an `EntityMapping` whose columns are the inherited ones then its own, so
// objects, the Objects pane and the exporters see a Car as one row of values. What differs
// per strategy is where those columns live:
// - single:   every class maps to the root's table; a `type` column says the class; the columns
//             of subclasses are nullable (the other classes' rows have no value for them).
// - joined:   the root's table holds the inherited columns and `type`; each subclass has a table
//             of its own columns keyed by the root's id (a foreign key to its parent's table).
// - concrete: each class has a full table; ids come from one generator table per hierarchy
//             (`vehicle_ids`) so that Car#3 and Truck#3 cannot both exist; a base query is a
//             UNION ALL of the tables.
// Reading a class is reading its *row source* (`rowSource(of:)`): a derived table that the
// query compiler puts where the table name would be.

/// One class of an inheritance hierarchy.
public struct HierarchyMember: Sendable, Equatable {
    public var root: String
    /// nil for the root.
    public var parent: String?
    public var strategy: InheritanceStrategy
    /// The declaration as written (`entity Car : Vehicle { doors: Int }`); the mapping's own
    /// `declaration` is the flattened one (inherited properties first) it is rebuilt from.
    public var declaration: EntityDecl
    public init(root: String, parent: String?, strategy: InheritanceStrategy, declaration: EntityDecl) {
        self.root = root
        self.parent = parent
        self.strategy = strategy
        self.declaration = declaration
    }
}

extension Schema {
    /// The discriminator column of single and joined hierarchies (Rails' and SQLAlchemy's name).
    public static let discriminatorColumn = "type"

    // MARK: - The hierarchy

    /// The entity's parent, grandparent, … up to the root.
    public func ancestors(of entity: String) -> [String] {
        var result: [String] = []
        var current = hierarchy[entity]?.parent
        while let c = current, !result.contains(c) {
            result.append(c)
            current = hierarchy[c]?.parent
        }
        return result
    }

    /// The entity and every class below it, parents before children, in definition order.
    public func subtree(of entity: String) -> [String] {
        guard hierarchy[entity] != nil else { return [entity] }
        var result = [entity]
        for name in order where hierarchy[name]?.parent == entity {
            result += subtree(of: name)
        }
        return result
    }

    /// Whether an object of `entity` can stand where an `ancestor` is expected: the same entity,
    /// or one of its subclasses (a Car is a Vehicle).
    public func isKind(_ entity: String, of ancestor: String) -> Bool {
        var name: String? = entity
        while let current = name {
            if current == ancestor { return true }
            name = hierarchy[current]?.parent
        }
        return false
    }

    /// The associations of `entity` a subclass inherits as they are: to-many and has-one, whose
    /// foreign key (or join table) is on the other side and holds the shared id.
    func inheritedCollectionAssociations(of entity: String) -> [Association] {
        entities[entity]?.associations.filter { $0.kind != .belongsTo } ?? []
    }

    /// Whether a foreign key to `entity` can be declared: not to a class of a concrete-table
    /// hierarchy, whose objects live in several tables, or will once it gets a subclass (a
    /// REFERENCES to its own table would refuse every row that points at a subclass object).
    public func acceptsForeignKeys(toEntity entity: String) -> Bool {
        hierarchy[entity]?.strategy != .concrete
    }

    /// The table holding the id generator of a concrete hierarchy.
    public func idGeneratorTable(ofRoot root: String) -> String { tableName(forEntity: root) + "_ids" }

    /// The columns this class declares itself (not the id, the discriminator or inherited ones).
    public func ownColumns(of entity: String) -> [Column] {
        guard let mapping = entities[entity] else { return [] }
        let inherited = Set(hierarchy[entity]?.parent.flatMap { entities[$0] }?.columns.map(\.name) ?? [])
        return mapping.columns.dropFirst().filter { !inherited.contains($0.name) && $0.name != Self.discriminatorColumn }
    }

    /// The class that declares a column of `entity` (the id and the discriminator: the root).
    public func declaringClass(ofColumn column: String, in entity: String) -> String {
        let lineage = [entity] + ancestors(of: entity)
        var owner = entity
        for e in lineage where entities[e]?.columns.contains(where: { $0.name == column }) == true { owner = e }
        return owner
    }

    /// The table that holds `column` of an object of class `entity`.
    public func storageTable(ofColumn column: String, in entity: String) -> String {
        guard let member = hierarchy[entity] else { return tableName(forEntity: entity) }
        switch member.strategy {
        case .single: return tableName(forEntity: member.root)
        case .concrete: return tableName(forEntity: entity)
        case .joined: return tableName(forEntity: declaringClass(ofColumn: column, in: entity))
        }
    }

    /// The columns a query on `entity` reads, in order: the class's own mapping first (so a row
    /// of this very class hydrates as any row), then the columns only its subclasses have, then
    /// (concrete) the class name the UNION ALL adds.
    public func polymorphicColumns(of entity: String) -> [String] {
        guard let mapping = entities[entity] else { return [] }
        var names = mapping.columns.map(\.name)
        for sub in subtree(of: entity).dropFirst() {
            for column in ownColumns(of: sub) where !names.contains(column.name) { names.append(column.name) }
        }
        if hierarchy[entity]?.strategy == .concrete { names.append(Self.discriminatorColumn) }
        return names
    }

    /// A class name as an SQL literal: entity names are identifiers (letters, digits, `_`), so
    /// the literal holds no user data; discriminator values are written inline, as Hibernate does.
    static func classLiteral(_ entity: String) -> SQLExpr { .raw("'\(entity)'") }

    /// The rows of `entity` and its subclasses as a derived table whose columns are
    /// `polymorphicColumns(of:)`; nil for an entity outside any hierarchy.
    public func rowSource(of entity: String) -> [Select]? {
        guard !hierarchy.isEmpty, let member = hierarchy[entity], let mapping = entities[entity] else { return nil }
        let columns = polymorphicColumns(of: entity)
        let classes = subtree(of: entity)
        let rootTable = tableName(forEntity: member.root)
        switch member.strategy {
        case .single:
            var s = Select(columns: columns.map { .column(table: rootTable, name: $0) }, from: rootTable)
            // The root's query reads every row; a subclass's, the rows its classes wrote.
            if entity != member.root {
                s.filter = .inList(.column(table: rootTable, name: Self.discriminatorColumn), classes.map(Self.classLiteral))
            }
            return [s]
        case .joined:
            // Inner joins up to the root (every row of this class has them), left joins down to
            // the subclasses (a row has at most one of them).
            let ownTable = mapping.table
            var s = Select(columns: [], from: ownTable)
            for ancestor in ancestors(of: entity) {
                let table = tableName(forEntity: ancestor)
                s.joins.append(Join(.inner, table: table, on: .eq(.column(table: table, name: "id"), .column(table: ownTable, name: "id"))))
            }
            for sub in classes.dropFirst() {
                let table = tableName(forEntity: sub)
                s.joins.append(Join(.left, table: table, on: .eq(.column(table: table, name: "id"), .column(table: ownTable, name: "id"))))
            }
            s.columns = columns.map { name in
                let holder = classes.first { c in ownColumns(of: c).contains { $0.name == name } } ?? declaringClass(ofColumn: name, in: entity)
                return .column(table: tableName(forEntity: holder), name: name)
            }
            return [s]
        case .concrete:
            var types: [String: ColumnType] = [:]
            for c in classes { for column in entities[c]?.columns ?? [] where types[column.name] == nil { types[column.name] = column.columnType } }
            return classes.map { c in
                let table = tableName(forEntity: c)
                let has = Set(entities[c]?.columns.map(\.name) ?? [])
                var s = Select(columns: columns.map { name in
                    if name == Self.discriminatorColumn { return Self.classLiteral(c) }
                    return has.contains(name) ? .column(table: table, name: name) : .typedNull(types[name] ?? .text)
                }, from: table)
                s.columnAliases = columns.map { name in has.contains(name) ? nil : name }
                return s
            }
        }
    }

    // MARK: - DDL

    /// The DDL of one class: what its strategy gives it (for `:schema`).
    func hierarchySchemaStatements(for entity: String) -> [SchemaStatement] {
        guard let member = hierarchy[entity], let mapping = entities[entity] else { return [] }
        switch member.strategy {
        case .single:
            guard member.parent == nil else { return [] } // its columns are in the root's table
            var table = mapping
            // In definition order: the order ALTER TABLE ADD COLUMN appended them.
            let subs = Set(subtree(of: entity).dropFirst())
            for sub in order where subs.contains(sub) {
                for column in ownColumns(of: sub) where !table.columns.contains(where: { $0.name == column.name }) {
                    var nullable = column
                    nullable.isNullable = true
                    table.columns.append(nullable)
                }
            }
            return [createTableStatement(table)] + subtree(of: entity).flatMap { e in
                (entities[e]?.indexes ?? []).filter { e == entity || isOwnIndex($0, of: e) }.map { createIndexStatement($0, table: mapping.table) }
            }
        case .joined:
            if member.parent == nil { return [createTableStatement(mapping)] + mapping.indexes.map { createIndexStatement($0, table: mapping.table) } }
            return [joinedSubclassTable(entity)] + mapping.indexes.filter { isOwnIndex($0, of: entity) }.map { createIndexStatement($0, table: mapping.table) }
        case .concrete:
            var statements = [createTableStatement(mapping)]
            if member.parent == nil { statements.append(idGeneratorStatement(root: entity)) }
            return statements + mapping.indexes.map { createIndexStatement($0, table: mapping.table) }
        }
    }

    /// The columns of the table a hierarchy class's `mapping.table` names, as its strategy
    /// creates it; nil outside a hierarchy.
    public func physicalColumns(of entity: String) -> [String]? {
        guard let member = hierarchy[entity] else { return nil }
        let owner = member.strategy == .single ? member.root : entity
        for case .createTable(let t) in hierarchySchemaStatements(for: owner) where t.name == tableName(forEntity: owner) {
            return t.columns.map(\.name)
        }
        return nil
    }

    /// An index on columns the class declares itself (inherited indexes live with the parent).
    func isOwnIndex(_ index: Index, of entity: String) -> Bool {
        let own = Set(ownColumns(of: entity).map(\.name))
        return index.columns.allSatisfy(own.contains)
    }

    /// `CREATE TABLE "car" ("id" INTEGER NOT NULL REFERENCES "vehicle"("id") ON DELETE CASCADE, "doors" …, PRIMARY KEY ("id"))`
    func joinedSubclassTable(_ entity: String) -> SchemaStatement {
        let parentTable = tableName(forEntity: hierarchy[entity]?.parent ?? entity)
        let key = ColumnDefinition(name: "id", type: .integer, notNull: true,
                                   references: ForeignKeyReference(table: parentTable, column: "id", onDelete: "CASCADE"))
        return .createTable(CreateTable(name: tableName(forEntity: entity), columns: [key] + ownColumns(of: entity).map(columnDefinition),
                                        primaryKey: ["id"]))
    }

    /// `CREATE TABLE "vehicle_ids" ("id" INTEGER PRIMARY KEY)`: one row per id handed out.
    func idGeneratorStatement(root: String) -> SchemaStatement {
        .createTable(CreateTable(name: idGeneratorTable(ofRoot: root), columns: [ColumnDefinition(name: "id", type: .integer, isPrimaryKey: true)]))
    }

    // MARK: - Mapping pane

    /// Sentences for the Mapping pane: where the class's rows live and what the strategy costs.
    public func inheritanceNotes(for entity: String) -> [String] {
        guard let member = hierarchy[entity] else { return [] }
        let rootTable = tableName(forEntity: member.root)
        let subs = Array(subtree(of: entity).dropFirst())
        let line = ([entity] + ancestors(of: entity)).reversed().joined(separator: " → ")
        var notes = ["\(line): inheritance(\(member.strategy.rawValue))"]
        switch member.strategy {
        case .single:
            notes.append("single table: \(entity) rows live in \(rootTable), type = '\(entity)'; one table, no JOIN, but NULL cells")
            let own = ownColumns(of: entity).map(\.name)
            if member.parent != nil, !own.isEmpty {
                notes.append("\(own.joined(separator: ", ")) \(own.count == 1 ? "is" : "are") nullable in \(rootTable): the rows of the other classes have no value there, so NOT NULL cannot be declared (the check moves to the ORM)")
            }
            if !subs.isEmpty { notes.append("a query on \(entity) reads \(subs.joined(separator: ", ")) rows too (no JOIN); their columns are NULL on rows of other classes") }
        case .joined:
            let tables = ([entity] + ancestors(of: entity)).reversed().map { tableName(forEntity: $0) }
            if member.parent != nil {
                notes.append("joined: \(entity) is a row in each of \(tables.joined(separator: ", ")), same id; reading it costs \(tables.count - 1) JOIN\(tables.count == 2 ? "" : "s"), writing it \(tables.count) INSERTs")
                notes.append("\(mappingTable(entity)).id REFERENCES \(tableName(forEntity: member.parent ?? member.root)).id: no NULL columns, every constraint holds")
            } else {
                notes.append("joined: \(rootTable) holds the inherited columns and type for every class; each subclass adds a table keyed by this id")
            }
            if !subs.isEmpty { notes.append("a query on \(entity) LEFT JOINs \(subs.map { tableName(forEntity: $0) }.joined(separator: ", ")) to read subclass columns") }
        case .concrete:
            notes.append("concrete: \(entity) has a full table \(mappingTable(entity)) (inherited columns copied), no JOIN, no NULL")
            notes.append("ids come from \(idGeneratorTable(ofRoot: member.root)) (one row per id) so ids stay unique across the hierarchy: \(member.root)#N names one object")
            if !subs.isEmpty { notes.append("a query on \(entity) is a UNION ALL of \(([entity] + subs).map { tableName(forEntity: $0) }.joined(separator: ", ")); a foreign key to \(entity) cannot be declared (the row may be in any of them)") }
        }
        return notes
    }

    private func mappingTable(_ entity: String) -> String { tableName(forEntity: entity) }

    /// The Mapping pane of a hierarchy class: its notes, and (single) the columns of subclasses
    /// shown as nullable, which is what the table declares.
    func inheritanceFacts(_ facts: inout EntityFacts, entity: String) {
        facts.inheritance = inheritanceNotes(for: entity)
        // A foreign key a joined class inherits lives in its parent's table.
        if let mapping = entities[entity] {
            for i in facts.associations.indices {
                guard let a = mapping.association(named: facts.associations[i].name), a.kind == .belongsTo, let fk = a.foreignKey else { continue }
                let holder = storageTable(ofColumn: fk, in: entity)
                if holder != mapping.table, facts.associations[i].storage.hasPrefix(mapping.table + ".") {
                    facts.associations[i].storage = holder + facts.associations[i].storage.dropFirst(mapping.table.count)
                }
            }
        }
        // A subclass's discriminator lives in the root's table, whose DEFAULT names the root: the
        // pane shows the table's default, and the value this class's rows get.
        if let member = hierarchy[entity], member.parent != nil, member.strategy != .concrete, let root = entities[member.root],
           let i = facts.columns.firstIndex(where: { $0.column == Self.discriminatorColumn }),
           let rootDefault = root.columns.first(where: { $0.name == Self.discriminatorColumn })?.defaultValue {
            facts.columns[i].constraints = facts.columns[i].constraints.map { $0.hasPrefix("DEFAULT ") ? "DEFAULT " + sqlLiteral(rootDefault) : $0 }
            facts.columns[i].constraints.append("('\(entity)' in \(entity)'s rows)")
        }
        guard let member = hierarchy[entity], member.strategy == .single, let root = entities[member.root] else { return }
        let rootColumns = Set(root.columns.map(\.name))
        for i in facts.columns.indices where !rootColumns.contains(facts.columns[i].column) {
            facts.columns[i].constraints = facts.columns[i].constraints.map { $0 == "NOT NULL" ? "NULL in the table (required by the ORM)" : $0 }
        }
    }

    // MARK: - Defining a class

    /// Defines the root or a subclass of a hierarchy. New classes only; a class that holds rows
    /// changes strategy through `changingStrategy` (InheritanceMigration.swift).
    func definingInHierarchy(_ decl: EntityDecl, in dialect: any Dialect) -> SchemaChange {
        let name = decl.name.name
        func failure(_ message: String, at range: SourceRange, hint: String) -> SchemaChange {
            SchemaChange(schema: self, diagnostics: [Diagnostic(.error, message, at: range, hint: hint)])
        }
        // A hierarchy numbers its objects across its tables: an integer key it generates.
        if let key = decl.property(named: "id"), decl.declaresTextKey || key.isAssignedKey {
            return failure("\(name) is in an inheritance hierarchy, whose ids are numbered for the whole hierarchy, so its key cannot be \(decl.declaresTextKey ? "natural (text)" : "assigned")",
                           at: key.range, hint: "remove the id line: every class of a hierarchy has the root's integer id")
        }
        // A cycle: Car : Car, or Vehicle : Car where Car already inherits from Vehicle.
        if let parent = decl.parent {
            let chain = [parent.name] + ancestors(of: parent.name)
            if chain.contains(name) {
                let loop = ([name] + chain.prefix { $0 != name } + [name]).joined(separator: " : ")
                return failure("inheritance cycle: \(loop)", at: parent.range,
                               hint: "a class cannot inherit from itself or from one of its subclasses; name a base class above \(name)")
            }
        }
        if entities[name] != nil {
            if let member = hierarchy[name], member.parent == nil, decl.parent == nil,
               let strategy = decl.inheritance?.strategy, strategy != member.strategy {
                return changingStrategy(of: name, to: strategy, decl: decl, in: dialect)
            }
            if let member = hierarchy[name], decl.parent?.name == member.parent, decl.inheritance?.strategy ?? member.strategy == member.strategy,
               Self.sameMembers(decl, member.declaration) {
                return SchemaChange(schema: self, explanation: ["no change"], affectedEntities: [name])
            }
            let what = hierarchy[name] != nil ? "\(name) is a class of the \(hierarchy[name]!.root) hierarchy" : "\(name) already has a table"
            return failure("\(what); changing its place in a hierarchy or its properties is not supported yet",
                           at: decl.parent?.range ?? decl.inheritance?.range ?? decl.name.range,
                           hint: hierarchy[name] == nil
                               ? "declare a hierarchy's root with its strategy before it holds rows: entity \(name) inheritance(single) { … }"
                               : "a root's strategy can change (entity \(hierarchy[name]!.root) inheritance(joined) { … }); define a new subclass for new properties")
        }
        var flat = decl
        flat.parent = nil
        flat.inheritance = nil
        let member: HierarchyMember
        if let parent = decl.parent {
            guard entities[parent.name] != nil else {
                let later = waitingDeclarations.contains { $0.name.name == parent.name }
                return failure("\(parent.name) is not defined\(later ? " yet (it waits for another entity)" : "")", at: parent.range,
                               hint: "define the base entity before its subclasses: entity \(parent.name) inheritance(single) { … }, then entity \(name) : \(parent.name) { … }")
            }
            guard let parentMember = hierarchy[parent.name] else {
                return failure("\(parent.name) declares no inheritance strategy, so \(name) cannot inherit from it", at: parent.range,
                               hint: "declare the root with its strategy: entity \(parent.name) inheritance(single | joined | concrete) { … }")
            }
            member = HierarchyMember(root: parentMember.root, parent: parent.name, strategy: parentMember.strategy, declaration: decl)
            // Inherited properties first, each once; a property declared again must keep its type.
            let ancestorMembers = entities[parent.name]?.declaration.members ?? []   // the parent's flattened declaration
            var own: [MemberDecl] = []
            for m in decl.members {
                if case .property(let p) = m {
                    if member.strategy != .concrete && p.name.name == Self.discriminatorColumn {
                        return failure("'type' is the discriminator column of a \(member.strategy.rawValue) hierarchy", at: p.name.range,
                                       hint: "\(member.root)'s table says each row's class in 'type'; name this property otherwise (kind, category)")
                    }
                    if let q = ancestorMembers.lazy.compactMap({ m -> PropertyDecl? in
                        if case .property(let q) = m, q.name.name == p.name.name { return q }
                        return nil
                    }).first {
                        if Self.typeText(q.type) != Self.typeText(p.type) {
                            return failure("\(name) redeclares '\(p.name.name)' as \(Self.typeText(p.type)); \(parent.name) declares it \(Self.typeText(q.type))",
                                           at: p.type.range,
                                           hint: "a subclass inherits \(p.name.name): \(Self.typeText(q.type)); remove it from \(name) or give the new property another name")
                        }
                        continue // the same property again: inherited as it is
                    }
                }
                own.append(m)
            }
            // An inherited to-many (or has-one) is the parent's association as it is: its other side
            // points at the parent, so defined again on the subclass it would wait for an inverse
            // that never comes. It is copied onto the subclass's mapping below instead.
            let inheritedCollections = Set(inheritedCollectionAssociations(of: parent.name).map(\.name))
            flat.members = ancestorMembers.filter {
                guard case .property(let p) = $0 else { return false }
                return !inheritedCollections.contains(p.name.name)
            } + own
        } else {
            guard let strategy = decl.inheritance?.strategy else { return failure("no strategy", at: decl.name.range, hint: "") }
            member = HierarchyMember(root: name, parent: nil, strategy: strategy, declaration: decl)
            for case .property(let p) in decl.members where strategy != .concrete && p.name.name == Self.discriminatorColumn {
                return failure("'type' is the discriminator column of a \(strategy.rawValue) hierarchy", at: p.name.range,
                               hint: "the table says each row's class in 'type'; name this property otherwise (kind, category)")
            }
        }

        // The class as a plain entity (its table, associations, indexes), then placed in its hierarchy.
        var change = defining(flat, onDisk: nil, in: dialect)
        if change.hasErrors { return change }
        guard var mapping = change.schema.entities[name] else {
            return failure("\(name) cannot wait for another entity: a class of a hierarchy is mapped when it is defined", at: decl.name.range,
                           hint: "define the entities \(name) refers to first")
        }
        // Tables defined with this class (the other side of its to-many, a join table) were made
        // before it joined its concrete hierarchy: no REFERENCES to it (acceptsForeignKeys).
        if member.strategy == .concrete {
            let table = mapping.table
            change.steps = change.steps.map { step in
                guard case .createTable(var t) = step else { return step }
                for i in t.columns.indices where t.columns[i].references?.table == table { t.columns[i].references = nil }
                return .createTable(t)
            }
        }
        var new = change.schema
        new.hierarchy[name] = member
        if let parent = member.parent {
            for association in inheritedCollectionAssociations(of: parent) where !mapping.associations.contains(where: { $0.name == association.name }) {
                mapping.associations.append(association)
            }
        }
        mapping = new.placedInHierarchy(mapping)
        new.entities[name] = mapping
        // The steps: the plain entity's CREATE TABLE and indexes give way to the strategy's.
        let plainTable = naming.tableName(forEntity: name)
        change.steps.removeAll { step in
            switch step {
            case .createTable(let t): return t.name == plainTable || t.name == decl.table?.name
            case .createIndex(let i): return i.table == plainTable || i.table == decl.table?.name
            default: return false
            }
        }
        var steps: [SchemaStatement] = []
        var explanation: [String] = []
        let rootTable = new.tableName(forEntity: member.root)
        switch (member.strategy, member.parent) {
        case (_, nil):
            steps = new.hierarchySchemaStatements(for: name)
            explanation.append("\(name) maps to table \(rootTable), the root of an inheritance(\(member.strategy.rawValue)) hierarchy"
                               + (member.strategy == .concrete ? "; ids come from \(new.idGeneratorTable(ofRoot: name))" : "; column type says each row's class"))
        case (.single, _):
            for column in new.ownColumns(of: name) {
                var definition = new.columnDefinition(column)
                definition.notNull = false
                steps.append(.addColumn(table: rootTable, definition))
            }
            steps += mapping.indexes.map { new.createIndexStatement($0, table: rootTable) }
            explanation.append("\(name) rows go in table \(rootTable) with type = '\(name)'; its columns are added there, nullable")
        case (.joined, _):
            steps = new.hierarchySchemaStatements(for: name)
            explanation.append("\(name) maps to table \(mapping.table): its own columns, keyed by \(new.tableName(forEntity: member.parent!)).id")
        case (.concrete, _):
            steps = new.hierarchySchemaStatements(for: name)
            explanation.append("\(name) maps to table \(mapping.table), with the inherited columns; ids from \(new.idGeneratorTable(ofRoot: member.root))")
        }
        change.steps = steps + change.steps
        change.explanation = explanation + change.explanation.filter { !$0.hasPrefix("\(name) maps to table") }
        change.schema = new
        return change
    }

    /// The same properties (names, types, modifiers) and as many other members, wherever written.
    static func sameMembers(_ a: EntityDecl, _ b: EntityDecl) -> Bool {
        func shape(_ d: EntityDecl) -> [String] {
            d.members.map { m in
                guard case .property(let p) = m else { return "member" }
                return "\(p.name.name): \(typeText(p.type)) \(p.isUnique) \(p.isIndexed) \(String(describing: p.defaultValue?.source)) \(String(describing: p.onDelete)) \(p.via?.name ?? "")"
            }
        }
        return shape(a) == shape(b)
    }

    /// `Int?`, `[Book]`: a property's type as written, for comparing two declarations.
    static func typeText(_ type: TypeRef) -> String {
        (type.isArray ? "[\(type.name.name)]" : type.name.name) + (type.isOptional ? "?" : "")
    }

    /// A class's mapping as the plain mapping builder made it (from the flattened declaration),
    /// placed in its hierarchy: the discriminator column after the id (single, joined), and
    /// the root's table for a single-table subclass (with only the indexes on its own columns).
    func placedInHierarchy(_ plain: EntityMapping) -> EntityMapping {
        guard let member = hierarchy[plain.name] else { return plain }
        var mapping = plain
        if member.strategy != .concrete, mapping.columns.count < 2 || mapping.columns[1].name != Self.discriminatorColumn {
            mapping.columns.insert(Column(name: Self.discriminatorColumn, property: Self.discriminatorColumn, role: .scalar(.string),
                                          defaultValue: .string(plain.name), declRange: member.declaration.name.range), at: 1)
        }
        if member.strategy == .single, member.parent != nil {
            let inherited = Set(ancestors(of: plain.name).flatMap { entities[$0]?.columns.map(\.name) ?? [] })
            mapping.table = naming.tableName(forEntity: member.root)
            if let rootTable = entities[member.root]?.table { mapping.table = rootTable }
            mapping.indexes = mapping.indexes.filter { !$0.columns.allSatisfy(inherited.contains) }
        }
        return mapping
    }

    /// After the plain mapping builder rebuilt every entity from its (flattened) declaration,
    /// the hierarchy classes are placed again (see `placedInHierarchy`).
    func placingHierarchyClasses(_ mappings: inout [String: EntityMapping]) {
        // Parents first (they are defined first): a subclass then takes its parent's to-many and
        // has-one associations, which its flattened declaration leaves out (see definingInHierarchy).
        for name in order where hierarchy[name] != nil {
            guard var m = mappings[name] else { continue }
            if let parent = hierarchy[name]?.parent, let inherited = mappings[parent]?.associations.filter({ $0.kind != .belongsTo }) {
                for association in inherited where !m.associations.contains(where: { $0.name == association.name }) {
                    m.associations.append(association)
                }
            }
            mappings[name] = placedInHierarchy(m)
        }
    }
}
