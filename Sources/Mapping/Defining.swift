import DSL
import SQLBuilder

// Defining an entity: check the declaration, decide which entities are ready (all the entities
// they refer to are declared and ready), infer the mappings of the ready ones, and produce the
// SQL that brings the database from the old schema to the new one: CREATE TABLE for new
// entities (parents first), migrations for changed ones, join tables once both sides exist.

/// The outcome of defining or redefining one entity: the new schema and the SQL that brings the database there.
public struct SchemaChange: Sendable {
    /// The schema after the change (unchanged if `diagnostics` has an error).
    public var schema: Schema
    /// DDL / migration statements to run in order (may be empty while the entity waits).
    public var steps: [SchemaStatement]
    /// The steps as SQL text in the standard dialect (what the learner reads; the session
    /// renders them in its own dialect when it runs them).
    public var statements: [String] { steps.compactMap { standardDialect.render($0) } }
    /// Sentences for the learner: what was created, what waits and why, why a table is rebuilt.
    public var explanation: [String]
    public var diagnostics: [Diagnostic]
    /// Entities whose mapping this change created or changed (incl. the other side of an association).
    public var affectedEntities: [String]
    /// Pending redefinitions of other entities that this change applied (their declarations are
    /// now part of the schema; a file database stores them too).
    public var appliedRedefinitions: [String] = []
    /// The sentences of `explanation` that describe a table migration (ALTER TABLE, a rebuild)
    /// and those that say an entity waits for another: the notes get their own kinds.
    public var migrationSentences: Set<String> = []
    public var waitingSentences: Set<String> = []

    public init(schema: Schema, steps: [SchemaStatement] = [], explanation: [String] = [],
                diagnostics: [Diagnostic] = [], affectedEntities: [String] = []) {
        self.schema = schema
        self.steps = steps
        self.explanation = explanation
        self.diagnostics = diagnostics
        self.affectedEntities = affectedEntities
    }

    /// True when a diagnostic is an error (the schema is then unchanged).
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

extension Schema {
    /// Defines or redefines one entity. Pure: the caller runs `statements` and keeps `schema`.
    /// `onDisk` is what the entity's table holds when it was changed behind the mapping's back:
    /// the migration then starts from that table, not from the old mapping. `dialect` decides
    /// whether a column's new type is a change the database sees (Bool to Int is none on SQLite).
    public func defining(_ decl: EntityDecl, onDisk: TableOnDisk? = nil, in dialect: any Dialect = standardDialect) -> SchemaChange {
        let name = decl.name.name
        if decl.joinEntitySides != nil { return definingJoinEntity(decl) }
        // (A declaration with its own key(...) gets the reason that key is refused instead.)
        let declaresKey = decl.members.contains { if case .key = $0 { return true } else { return false } }
        if !declaresKey, let join = joinEntity(named: name), let (a, b) = join.joinEntitySides {
            return SchemaChange(schema: self, diagnostics: [Diagnostic(.error, "\(name) is a join entity (the pairs of \(a.type.name.name) ↔ \(b.type.name.name)), so it cannot become an entity with an id of its own",
                                                                       at: decl.name.range, hint: "give this entity another name")])
        }
        // A class of an inheritance hierarchy is mapped by its strategy (Inheritance.swift).
        if decl.parent != nil || decl.inheritance != nil || !hierarchy.isEmpty && hierarchy[name] != nil {
            return definingInHierarchy(decl, in: dialect)
        }
        // A new declaration replaces the entity's own pending one.
        var base = self
        base.pendingRedefinitions.removeAll { $0.entity == name }
        // Redefinitions waiting for this entity are applied with it when it now points back.
        let partners = base.pendingRedefinitions.filter { $0.waitsFor.contains(name) }
        if !partners.isEmpty {
            var together = base.defining(decl, with: partners.map(\.declaration), onDisk: onDisk, in: dialect)
            if !together.hasErrors {
                let applied = Set(partners.map(\.entity))
                together.schema.pendingRedefinitions.removeAll { applied.contains($0.entity) }
                together.appliedRedefinitions = partners.map(\.entity)
                together.explanation.insert(contentsOf: partners.map {
                    "\($0.entity)'s new definition, which waited for \(name), is applied with it"
                }, at: 0)
                for entity in partners.map(\.entity) where !together.affectedEntities.contains(entity) {
                    together.affectedEntities.append(entity)
                }
                return together
            }
        }
        return base.defining(decl, with: [], onDisk: onDisk, in: dialect)
    }

    /// Defines `decl` with `substitutes` (pending redefinitions of other entities) in place of
    /// those entities' current declarations.
    private func defining(_ decl: EntityDecl, with substitutes: [EntityDecl], onDisk: TableOnDisk?, in dialect: any Dialect) -> SchemaChange {
        let name = decl.name.name
        let wasDefined = entities[name] != nil
        var diagnostics: [Diagnostic] = []
        func failure(_ extra: [Diagnostic]) -> SchemaChange {
            SchemaChange(schema: self, diagnostics: diagnostics + extra)
        }

        // 1. The declaration on its own.
        var known = Set(entities.keys)
        known.formUnion(waitingDeclarations.map(\.name.name))
        known.insert(name)
        diagnostics += validateDeclaration(decl, knownEntities: known)
        if diagnostics.contains(where: { $0.severity == .error }) { return failure([]) }
        if let clash = tableClash(for: decl) { return failure([clash]) }

        // 2. Every declaration, this one replacing its previous version.
        let substitute = Dictionary(substitutes.map { ($0.name.name, $0) }, uniquingKeysWith: { _, b in b })
        var decls = orderedEntities.map { substitute[$0.name] ?? $0.declaration } + waitingDeclarations
        if let i = decls.firstIndex(where: { $0.name.name == name }) { decls[i] = decl } else { decls.append(decl) }
        let byName = Dictionary(decls.map { ($0.name.name, $0) }, uniquingKeysWith: { _, b in b })

        // 3. Resolve: entities that were waiting and turn out wrong keep waiting (with a warning);
        //    the others are mapped.
        var excluded: [String: String] = [:] // entity → the target it failed on
        var stillWaitingWarnings: [Diagnostic] = []
        var ready: Set<String> = []
        var output = MappingBuilder.Output()
        while true {
            ready = readyEntities(decls, excluding: Set(excluded.keys))
            if wasDefined && !ready.contains(name) {
                // The target that is missing, not one that only waits with this entity (Album,
                // whose `tracks: [Track]` waits for the new Track).
                let waiting = decl.properties.filter { $0.type.scalar == nil && !ready.contains($0.type.name.name) }
                let p = waiting.first { entities[$0.type.name.name] == nil } ?? waiting.first
                let target = p?.type.name.name ?? "another entity"
                return failure([Diagnostic(.error, "\(name) is already defined, so it cannot wait for \(target)",
                                           at: p?.type.name.range ?? decl.name.range,
                                           hint: "define \(target) first, then redefine \(name)")])
            }
            let readyOrder = decls.map(\.name.name).filter(ready.contains)
            output = MappingBuilder(decls: byName.filter { ready.contains($0.key) }, order: readyOrder, naming: naming, joinEntities: joinEntities).build()
            let failedWaiting = readyOrder.filter { e in
                e != name && entities[e] == nil && (output.diagnostics[e] ?? []).contains { $0.severity == .error }
            }
            if failedWaiting.isEmpty { break }
            for e in failedWaiting {
                excluded[e] = output.failedTarget[e] ?? name
                for d in output.diagnostics[e] ?? [] where d.severity == .error {
                    stillWaitingWarnings.append(Diagnostic(.warning, "\(e) still waits: \(d.message)", at: decl.name.range,
                                                           hint: (d.hint.map { $0 + "; " } ?? "") + "then redefine \(e)"))
                }
            }
        }
        diagnostics += output.diagnostics[name] ?? []
        for e in order where e != name {
            for d in output.diagnostics[e] ?? [] where d.severity == .error {
                diagnostics.append(Diagnostic(.error, "redefining \(name) breaks \(e): \(d.message)", at: decl.name.range, hint: d.hint))
            }
        }
        if diagnostics.contains(where: { $0.severity == .error }) {
            if substitutes.isEmpty, let waiting = waitingForOtherSide(decl, diagnostics: diagnostics, output: output) { return waiting }
            return failure([])
        }
        diagnostics += stillWaitingWarnings

        // 4. The new schema.
        var new = self
        new.entities = output.mappings
        if !hierarchy.isEmpty { placingHierarchyClasses(&new.entities) }
        // Types declared by a table another program made (NVARCHAR(120), NUMERIC(10,2)) stay
        // with their columns when the mapping is rebuilt.
        for (e, mapping) in new.entities {
            guard let old = entities[e], old.table == mapping.table, old.columns.contains(where: { $0.declaredType != nil }) else { continue }
            let declared = Dictionary(old.columns.map { ($0.name, ($0.declaredType, $0.columnType)) }, uniquingKeysWith: { a, _ in a })
            var kept = mapping
            // So do the names of its indexes (IFK_AlbumArtistId), when the same columns are indexed.
            for i in kept.indexes.indices {
                if let same = old.indexes.first(where: { $0.columns == kept.indexes[i].columns && $0.isUnique == kept.indexes[i].isUnique }) {
                    kept.indexes[i].name = same.name
                }
            }
            for i in kept.columns.indices {
                if let (type, columnType) = declared[kept.columns[i].name], type != nil,
                   kept.columns[i].scalarType == .decimal || columnType == kept.columns[i].columnType { kept.columns[i].declaredType = type }
            }
            new.entities[e] = kept
        }
        let created = dependencyOrder(decls.map(\.name.name).filter { ready.contains($0) && entities[$0] == nil },
                                      mappings: output.mappings)
        new.order = order.filter(ready.contains) + created
        new.waitingDeclarations = decls.filter { !ready.contains($0.name.name) }
        new.waiting = [:]
        for waitingDecl in new.waitingDeclarations {
            let e = waitingDecl.name.name
            let missing = missingTargets(of: waitingDecl, ready: ready, declarations: byName)
            new.waiting[e] = missing.isEmpty ? [excluded[e] ?? name] : missing
        }
        new.joinTables = joinTables.filter(output.joinTables.contains)
            + output.joinTables.filter { !joinTables.contains($0) }

        // 5. The SQL and the explanation.
        var change = SchemaChange(schema: new, diagnostics: diagnostics)
        for join in joinTables where !new.joinTables.contains(join) {
            change.steps.append(.dropTable(join.name))
            change.explanation.append("join table \(join.name) dropped: its pairs are lost")
        }
        for e in created {
            guard let mapping = new.entities[e] else { continue }
            change.steps.append(new.createTableStatement(mapping))
            change.steps += mapping.indexes.map { new.createIndexStatement($0, table: mapping.table) }
            if let missing = waiting[e], e != name {
                change.explanation.append("\(e) was waiting for \(missing.joined(separator: ", ")); now table \(mapping.table) is created")
            } else {
                change.explanation.append("\(e) maps to table \(mapping.table)")
            }
        }
        var changed: [String] = []
        var inverseUpdates: [String] = []
        for e in new.order where !created.contains(e) {
            guard let old = entities[e], let mapping = new.entities[e] else { continue }
            let migration: TableMigration
            if e == name, let onDisk {
                migration = repair(onDisk, to: mapping, in: new)
            } else if let ordered = keepingTableOrder(of: old, for: mapping),
                      case let appended = self.migration(from: old, to: ordered, in: new, dialect: dialect), !appended.steps.contains(.transaction(.begin)) {
                // The table keeps its column order and the new columns go at its end (ALTER
                // TABLE ADD COLUMN), rather than a rebuild only to follow the declaration's order.
                migration = appended
                new.entities[e] = ordered
                change.schema.entities[e] = ordered
            } else {
                migration = self.migration(from: old, to: mapping, in: new, dialect: dialect)
            }
            change.steps += migration.steps
            change.explanation += migration.explanation
            change.migrationSentences.formUnion(migration.explanation)
            if e == name || old != mapping { changed.append(e) }
            // A new polymorphic has-many changes no table: say so rather than "no change".
            for a in mapping.polymorphicAssociations where a.kind == .hasMany && !old.polymorphicAssociations.contains(a) {
                inverseUpdates.append("\(e).\(a.name) is now a polymorphic has-many: no table changes, its rows are the \(a.targets[0]) rows whose \(a.typeColumn) is '\(e)'")
            }
            if e != name && old.associations != mapping.associations {
                for a in mapping.associations where !old.associations.contains(a) {
                    inverseUpdates.append("\(e).\(a.name) is now \(a.kind.rawValue): \(new.storage(of: a, in: mapping))")
                }
            }
        }
        for join in new.joinTables where !joinTables.contains(join) {
            if let statement = new.createJoinTableStatement(join) { change.steps.append(statement) }
            change.explanation.append("join table \(join.name) holds the pairs of the many-to-many \(new.joinTableDescription(join))")
        }
        change.explanation += inverseUpdates
        if let missing = new.waiting[name] {
            let sentence = waitingSentence(decl, missing: missing, waitingToo: Set(new.waiting.keys))
            change.explanation.append(sentence)
            change.waitingSentences.insert(sentence)
        }
        if change.steps.isEmpty && change.explanation.isEmpty { change.explanation.append("no change") }

        // Created entities in dependency order, then this one, then the other sides it changed.
        var affected = created
        if !affected.contains(name) { affected.append(name) }
        affected += changed.filter { !affected.contains($0) }
        change.affectedEntities = affected
        return change
    }

    // MARK: - Waiting for the other side of a many-to-many

    /// When the only errors are to-many properties whose (defined) target has nothing pointing
    /// back yet, the declaration waits instead of failing: a many-to-many between entities that
    /// exist is declared one side at a time, and neither side alone can be mapped. A new entity
    /// waits like one whose target is not defined; a defined one keeps its current mapping, with
    /// the new declaration pending until the target is redefined.
    private func waitingForOtherSide(_ decl: EntityDecl, diagnostics: [Diagnostic],
                                     output: MappingBuilder.Output) -> SchemaChange? {
        let name = decl.name.name
        let missing = output.missingInverses[name] ?? []
        let errors = diagnostics.filter { $0.severity == .error }
        guard !missing.isEmpty, errors.allSatisfy({ error in missing.contains { $0.diagnostic == error } }),
              missing.allSatisfy({ entities[$0.target] != nil && $0.target != name }) else { return nil }
        var targets: [String] = []
        for m in missing where !targets.contains(m.target) { targets.append(m.target) }
        let warnings = missing.map { m in
            Diagnostic(.warning, "\(name) waits for \(m.target): '\(m.property)' needs \(m.target) to point back at \(name)",
                       at: m.diagnostic.range,
                       hint: hierarchy[m.target] != nil
                           // (A class of a hierarchy cannot be redefined: the other order is the way.)
                           ? "\(m.target) is a class of an inheritance hierarchy, which cannot be redefined: declare \(name) before \(m.target)'s hierarchy, then define \(m.target) with its side (:help inheritance)"
                           : "redefine \(m.target) with `\(lowerFirst(name)): \(name)` for a has-many "
                           + "(or `\(lowerFirst(pluralize(name))): [\(name)]` for a many-to-many)")
        }
        var new = self
        var change = SchemaChange(schema: new, diagnostics: diagnostics.filter { $0.severity != .error } + warnings,
                                  affectedEntities: [name])
        if entities[name] != nil {
            new.pendingRedefinitions.append(PendingRedefinition(declaration: decl, waitsFor: targets))
            change.explanation.append("\(name)'s new definition waits for \(targets.joined(separator: ", ")) to declare the other side; "
                                      + "until then \(name) keeps its current mapping")
            change.waitingSentences.insert(change.explanation[change.explanation.count - 1])
        } else {
            new.waitingDeclarations.append(decl)
            new.waiting[name] = targets
            change.explanation.append("\(name) waits for \(targets.joined(separator: ", ")) to declare the other side; no table yet")
            change.waitingSentences.insert(change.explanation[change.explanation.count - 1])
        }
        change.schema = new
        return change
    }

    // MARK: - Readiness and order

    /// The entities whose targets are all declared and, in turn, ready (mutual references included).
    private func readyEntities(_ decls: [EntityDecl], excluding excluded: Set<String>) -> Set<String> {
        let declared = Set(decls.map(\.name.name)).subtracting(excluded)
        var ready = declared
        var stable = false
        while !stable {
            stable = true
            for decl in decls where ready.contains(decl.name.name) {
                if decl.targetNames.contains(where: { !ready.contains($0) }) {
                    ready.remove(decl.name.name)
                    stable = false
                }
            }
        }
        return ready
    }

    /// What a waiting entity waits for: its targets that are not ready, leaving out those that
    /// only wait for it in turn (Book.reviews: [Review] and Review.book: Book both wait for
    /// Publisher: Book "waits for Publisher", Review "waits for Book").
    private func missingTargets(of decl: EntityDecl, ready: Set<String>, declarations: [String: EntityDecl]) -> [String] {
        let name = decl.name.name
        let notReady = decl.targetNames.filter { !ready.contains($0) && $0 != name }
        func dependsOnEntity(_ start: String) -> Bool {
            var stack = [start], seen: Set<String> = []
            while let next = stack.popLast() {
                if next == name { return true }
                guard seen.insert(next).inserted, let d = declarations[next] else { continue }
                stack += d.targetNames
            }
            return false
        }
        let direct = notReady.filter { declarations[$0] == nil || !dependsOnEntity($0) }
        return direct.isEmpty ? notReady : direct
    }

    /// Parents first: an entity comes after the entities its belongs-to associations point at.
    /// A cycle (A.b: B and B.a: A) is broken in declaration order; SQLite accepts a REFERENCES
    /// to a table created later.
    private func dependencyOrder(_ names: [String], mappings: [String: EntityMapping]) -> [String] {
        var remaining = names
        var result: [String] = []
        while !remaining.isEmpty {
            let next = remaining.first { e in
                let parents = mappings[e]?.associations.filter { $0.kind == .belongsTo }.map(\.target) ?? []
                return parents.allSatisfy { $0 == e || !remaining.contains($0) }
            } ?? remaining[0]
            result.append(next)
            remaining.removeAll { $0 == next }
        }
        return result
    }

    // MARK: - Sentences and clashes

    /// "Author waits for Book: books: [Book] needs it"
    private func waitingSentence(_ decl: EntityDecl, missing: [String], waitingToo: Set<String>) -> String {
        let name = decl.name.name
        var parts: [String] = []
        for target in missing {
            let props = decl.properties.filter { $0.type.name.name == target }.map(\.written)
            var part = target
            if !props.isEmpty { part += ": \(props.joined(separator: ", ")) \(props.count == 1 ? "needs" : "need") it" }
            if waitingToo.contains(target) { part += " (\(target) is waiting too)" }
            parts.append(part)
        }
        return "\(name) waits for \(parts.joined(separator: "; "))"
    }

    /// Two entities (or an entity and a join table) may not share a table, and SQLite's and
    /// ORMLab's own table names (`sqlite_…`, `_ormlab…`) are not available.
    private func tableClash(for decl: EntityDecl) -> Diagnostic? {
        let name = decl.name.name
        let table = decl.table?.name ?? naming.tableName(forEntity: name)
        if table.lowercased().hasPrefix("sqlite_") {
            return Diagnostic(.error, "table name '\(table)' is reserved by SQLite (names starting with sqlite_ are)",
                              at: decl.name.range, hint: "choose another name for \(name)")
        }
        if table.lowercased().hasPrefix("_ormlab") {
            return Diagnostic(.error, "table name '\(table)' is reserved: ORMLab keeps its own data in tables starting with _ormlab",
                              at: decl.name.range, hint: "choose another name for \(name)")
        }
        let others = (orderedEntities.map(\.name) + waitingDeclarations.map(\.name.name)).filter { $0 != name }
        if let other = others.first(where: { tableName(forEntity: $0).lowercased() == table.lowercased() }) {
            return Diagnostic(.error, "\(name) would map to table \(table), which is already the table of \(other)",
                              at: decl.name.range, hint: "choose another name for \(name)")
        }
        if let join = joinTables.first(where: { $0.name == table }) {
            return Diagnostic(.error, "\(name) would map to table \(table), which is already the join table of \(joinTableDescription(join))",
                              at: decl.name.range, hint: "choose another name for \(name)")
        }
        return nil
    }

    /// "Book.tags ↔ Tag.books"
    func joinTableDescription(_ join: JoinTable) -> String {
        var sides: [String] = []
        for mapping in orderedEntities {
            for a in mapping.associations where a.kind == .manyToMany && a.joinTable?.name == join.name {
                sides.append("\(mapping.name).\(a.name)")
            }
        }
        return sides.joined(separator: " ↔ ")
    }
}
