import DSL
import Mapping
import DatabaseKit
import Report
import Runtime

// Bringing your own database: a model inferred from the catalog of a database ORMLab did not make
// (Django's `inspectdb`, sqlacodegen, Hibernate's reverse engineering). Tables become entities
// (UpperCamelCase, singular), columns lowerCamelCase properties, the primary key `id` mapped to
// its column, a foreign key a to-one with its inverse to-many on the parent, a table whose key is
// exactly two foreign keys a many-to-many. The model is DSL text with explicit `table(...)` and
// `column(...)` names, so what the learner reads is what the mapping does; every guess gets a note.
// The catalog is read through the driver (`SchemaCatalog`), never with SQL written here.

/// The model inferred from an existing database.
struct InferredModel {
    /// One entity's declaration as DSL text, with the table it maps.
    struct Entity {
        var name: String
        var table: String
        var source: String
    }
    var entities: [Entity] = []
    /// A sentence per guess: a name invented, a type read loosely, a table skipped and why.
    var notes: [String] = []

    /// The whole model as a script (what `:save` keeps).
    var text: String { entities.map(\.source).joined(separator: "\n") }
}

/// What the catalog says of one table.
private struct TableShape {
    var name: String
    var columns: [(name: String, type: String, notNull: Bool, defaultValue: String?, primaryKey: Bool)]
    var primaryKey: [String]
    var foreignKeys: [ForeignKeyInfo]
    var indexes: [IndexInfo]
}

/// One property being inferred, before it is written as DSL.
private struct PropertyDraft {
    var name: String
    /// `String?`, `Artist`, `[Album]`
    var type: String
    var modifiers: [String] = []
}

struct ModelInference {
    /// Whether the database keeps a rowid beside every table (SQLite), for the note on a table without a key.
    var hasRowids = true
    /// Whether CHAR(n) values come back padded with spaces to n (PostgreSQL; SQLite keeps the text as stored).
    var padsFixedWidthText = false
    private let keywords = Set(Keyword.allCases.map(\.rawValue)).union(["id", "table", "column", "join", "key"])
    private let scalarNames = Set(ScalarType.allCases.map(\.rawValue))

    /// Reads the catalog and infers the model. Never writes.
    func infer(from database: any Database) throws -> InferredModel {
        var model = InferredModel()
        guard let catalog = database.schemaCatalog else {
            model.notes.append("this driver cannot list keys and foreign keys yet: no model was inferred")
            return model
        }
        let tables = try database.tableNames().filter { !database.isMetadataTable($0) }
        var shapes: [TableShape] = []
        for table in tables {
            var columns = try database.columns(of: table)
            // PostgreSQL's NUMERIC(10,2) and VARCHAR(120) keep their modifiers (money's scale).
            let declared = try catalog.declaredColumnTypes(of: table)
            for i in columns.indices { if let type = declared[columns[i].name] { columns[i].type = type } }
            shapes.append(TableShape(name: table, columns: columns, primaryKey: try catalog.primaryKeyColumns(of: table),
                                     foreignKeys: try catalog.foreignKeys(of: table), indexes: try catalog.indexes(of: table)))
        }
        for view in try catalog.viewNames() {
            model.notes.append("view \(view): skipped, a view has no key to identify its rows (read it with :sql SELECT * FROM \"\(view)\")")
        }

        // 1. Which tables are entities, which hold the pairs of a many-to-many, which are skipped.
        var entityTables: [TableShape] = []
        var candidateJoins: [TableShape] = []
        for shape in shapes {
            // PostgreSQL keeps "Name" and name apart; ORMLab's mapping, like SQLite, takes them
            // for one column, so such a table cannot be mapped column for column.
            var seen: [String: String] = [:]
            var clash: (String, String)?
            for column in shape.columns where clash == nil {
                if let earlier = seen.updateValue(column.name, forKey: column.name.lowercased()) { clash = (earlier, column.name) }
            }
            if let clash {
                model.notes.append("table \(shape.name): skipped, its columns \(clash.0) and \(clash.1) differ only in case, which ORMLab's mapping takes for one column (as SQLite does); read it with :sql")
                continue
            }
            if shape.primaryKey.count == 1, let key = shape.columns.first(where: { $0.name == shape.primaryKey[0] }) {
                if !key.type.uppercased().contains("INT") && !isNaturalKey(declared: key.type) {
                    model.notes.append("table \(shape.name): skipped, its key \(key.name) is \(key.type.isEmpty ? "untyped" : key.type), and ORMLab identifies objects by an integer id or by text (a natural key)")
                } else if shape.columns.first?.name != key.name {
                    model.notes.append("table \(shape.name): skipped, its key \(key.name) is not its first column (ORMLab reads the key first)")
                } else {
                    entityTables.append(shape)
                }
            } else if shape.primaryKey.count == 2 {
                candidateJoins.append(shape)
            } else if shape.primaryKey.isEmpty {
                model.notes.append("table \(shape.name): skipped, it has no primary key, so its rows cannot be told apart\(hasRowids ? " (SQLite's rowid may change on VACUUM)" : ""); read it with :sql")
            } else {
                model.notes.append("table \(shape.name): skipped, its key has \(shape.primaryKey.count) columns (\(shape.primaryKey.joined(separator: ", "))); ORMLab identifies objects by one key column (an integer id or a natural key)")
            }
        }

        // 2. Entity names: UpperCamelCase singular, unique, not a scalar type's name.
        var entityName: [String: String] = [:]   // table → entity
        var usedEntities: Set<String> = []
        for shape in entityTables {
            let base = upperCamel(shape.name, singular: true)
            var name = base.isEmpty ? "Table" : base
            if scalarNames.contains(name) {
                model.notes.append("table \(shape.name): \(name) is a scalar type, so the entity is named \(name)Record")
                name += "Record"
            }
            var n = 2
            let stem = name
            while usedEntities.contains(name) { name = "\(stem)\(n)"; n += 1 }
            if name != stem { model.notes.append("table \(shape.name): \(stem) is taken by another table, so the entity is named \(name)") }
            usedEntities.insert(name)
            entityName[shape.name] = name
            if keywords.contains(shape.name.lowercased()) {
                model.notes.append("table \(shape.name): its name is a word of the DSL, but entity names are capitalised, so \(name) is used as it is")
            }
        }
        let byTable = Dictionary(entityTables.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        /// The entity a foreign key points at, when it points at that entity's key.
        func target(of fk: ForeignKeyInfo) -> String? {
            guard let parent = byTable[fk.table] ?? byTable.first(where: { $0.key.lowercased() == fk.table.lowercased() })?.value,
                  let entity = entityName[parent.name] else { return nil }
            if let to = fk.to, to.lowercased() != parent.primaryKey[0].lowercased() { return nil }
            return entity
        }

        // 3. Properties of each entity: key, scalars, to-ones; to-manys are added from the other side.
        var drafts: [String: [PropertyDraft]] = [:]
        var indexLines: [String: [String]] = [:]
        var used: [String: Set<String>] = [:]
        func claim(_ wanted: String, in entity: String, why: String) -> String {
            var name = wanted.isEmpty ? "value" : wanted
            if keywords.contains(name) {
                model.notes.append("\(entity).\(name): '\(name)' is a word of the DSL, so the property is named \(name)Value (\(why))")
                name += "Value"
            }
            let stem = name
            var n = 2
            while used[entity, default: []].contains(name.lowercased()) { name = "\(stem)\(n)"; n += 1 }
            if name != stem { model.notes.append("\(entity).\(name): \(stem) was taken (\(why)), so this one is \(name)") }
            used[entity, default: []].insert(name.lowercased())
            return name
        }
        for shape in entityTables {
            let entity = entityName[shape.name]!
            used[entity] = ["id"]
            var list: [PropertyDraft] = []
            let key = shape.primaryKey[0]
            var keyModifiers = key != "id" ? ["column(\(quoted(key)))"] : []
            let keyColumn = shape.columns.first { $0.name == key }
            if let keyColumn, isNaturalKey(declared: keyColumn.type) {
                // A natural key (CHAR(2), VARCHAR): the objects are found by its text.
                list.append(PropertyDraft(name: "id", type: "String", modifiers: keyModifiers))
                model.notes.append("\(entity).id: \(shape.name).\(key) is \(keyColumn.type), a natural key: objects are found by its text (\(entity)#…), and every insert gives it")
                let type = keyColumn.type.uppercased()
                if padsFixedWidthText, type.hasPrefix("CHAR") || type.hasPrefix("NCHAR") || type.hasPrefix("BPCHAR") {
                    model.notes.append("\(entity).id: \(keyColumn.type) pads a shorter key with spaces, and the database hands it back padded: a key stored as 'US' in a CHAR(3) reads as \(entity)#\"US \" (the comparison ignores the padding, the text does not)")
                }
            } else if try !catalog.generatesValue(of: key, in: shape.name) {
                // Nothing numbers the key: every insert gives it (an INSERT without it would
                // fail, or on SQLite store NULL and hand back the rowid).
                keyModifiers.append("assigned")
                model.notes.append("\(entity).id: the database gives \(shape.name).\(key) no value on INSERT (no identity, sequence or rowid alias), so the key is assigned: every insert gives it, insert \(entity)(id: …, …)")
            }
            if !keyModifiers.isEmpty, list.isEmpty { list.append(PropertyDraft(name: "id", type: "Int", modifiers: keyModifiers)) }
            if let fk = shape.foreignKeys.first(where: { $0.from == key }) {
                model.notes.append("\(shape.name).\(key) is the key and also references \(fk.table): mapped as the key only (a shared primary key; ORMLab has no association for it)")
            }
            let uniqueColumns = Set(shape.indexes.filter { $0.isUnique && $0.columns.count == 1 && !$0.isPartial }.map { $0.columns[0] })
            for column in shape.columns where column.name != key {
                let fks = shape.foreignKeys.filter { $0.from == column.name }
                if fks.count == 1, let parent = target(of: fks[0]) {
                    let name = claim(associationName(column.name, referenced: fks[0].to), in: entity, why: "foreign key \(column.name)")
                    var modifiers: [String] = []
                    if uniqueColumns.contains(column.name) { modifiers.append("unique") }
                    if column.name != snakeCase(name) + "_id" { modifiers.append("column(\(quoted(column.name)))") }
                    switch fks[0].onDelete.uppercased() {
                    case "CASCADE": modifiers.append("on delete cascade")
                    case "SET NULL" where !column.notNull: modifiers.append("on delete set null")
                    case "RESTRICT": modifiers.append("on delete restrict")
                    default: break
                    }
                    list.append(PropertyDraft(name: name, type: parent + (column.notNull ? "" : "?"), modifiers: modifiers))
                    continue
                }
                if let fk = fks.first {
                    model.notes.append("\(shape.name).\(column.name) references \(fk.table)\(fk.to.map { "(\($0))" } ?? ""), which is not an entity here (missing or skipped): kept as a plain value")
                }
                let name = claim(lowerCamel(column.name), in: entity, why: "column \(column.name)")
                let (scalar, note) = scalarType(declared: column.type)
                if let note { model.notes.append("\(entity).\(name): \(note)") }
                var modifiers: [String] = []
                if uniqueColumns.contains(column.name) { modifiers.append("unique") }
                if column.name != snakeCase(name) { modifiers.append("column(\(quoted(column.name)))") }
                list.append(PropertyDraft(name: name, type: scalar + (column.notNull ? "" : "?"), modifiers: modifiers))
            }
            drafts[entity] = list
            // Indexes made with CREATE INDEX on mapped columns: written as index(...) so that
            // :explain and :compare know them (the mapping keeps their real names).
            for index in shape.indexes where !index.isFromConstraint && !(index.isUnique && index.columns.count == 1 && !index.isPartial) {
                if index.isPartial {
                    // index(...) cannot say WHERE: counted as a full index, :explain would trust it
                    // for queries it cannot serve.
                    model.notes.append("index \(index.name) on \(shape.name)(\(index.columns.joined(separator: ", "))): left to the database (a partial index, with a WHERE that index(...) cannot say; :explain does not count on it)")
                    continue
                }
                let names = index.columns.compactMap { column -> String? in
                    if column == key { return nil }
                    return list.first { $0.modifiers.contains("column(\(quoted(column)))") || snakeCase($0.name) == column || snakeCase($0.name) + "_id" == column }?.name
                }
                guard !names.isEmpty, names.count == index.columns.count else {
                    model.notes.append("index \(index.name) on \(shape.name)(\(index.columns.joined(separator: ", "))): left to the database (it names a column that is not a property)")
                    continue
                }
                indexLines[entity, default: []].append((index.isUnique ? "unique " : "") + "index(\(names.joined(separator: ", ")))")
            }
        }

        // 4. Inverses: each to-one gets a to-many on its parent, named after the child (albums);
        //    a self-reference or a second foreign key to the same parent gets a name of its own.
        for shape in entityTables {
            let child = entityName[shape.name]!
            let toOnes = shape.foreignKeys.filter { fk in shape.foreignKeys.filter { $0.from == fk.from }.count == 1 && target(of: fk) != nil && fk.from != shape.primaryKey[0] }
            for fk in toOnes {
                guard let parent = target(of: fk),
                      let property = drafts[child]?.first(where: { draft in
                          draft.modifiers.contains("column(\(quoted(fk.from)))") || (snakeCase(draft.name) + "_id" == fk.from && !draft.type.hasPrefix("["))
                      }) else { continue }
                let sameParent = toOnes.filter { target(of: $0) == parent }.count
                var wanted = lowerCamel(pluralize(snakeCase(child)))
                let invented = parent == child || sameParent > 1 || used[parent, default: []].contains(wanted.lowercased())
                if invented { wanted += "As" + upperFirst(property.name) }
                let name = claim(wanted, in: parent, why: "inverse of \(child).\(property.name)")
                if invented {
                    model.notes.append("\(parent).\(name): invented name for the other side of \(child).\(property.name)\(parent == child ? " (a self-reference)" : "")")
                }
                drafts[parent, default: []].append(PropertyDraft(name: name, type: "[\(child)]", modifiers: ["via \(property.name)"]))
            }
        }

        // 5. Join tables: exactly two columns, the key, each a foreign key to an entity.
        for shape in candidateJoins {
            let fks = shape.primaryKey.map { column in shape.foreignKeys.first { $0.from == column } }
            guard shape.columns.count == 2, let first = fks[0], let second = fks[1],
                  let a = target(of: first), let b = target(of: second) else {
                let why = shape.columns.count != 2 ? "it holds more than the two key columns (a join table with data of its own)"
                                                   : "its key columns are not both foreign keys to entities"
                model.notes.append("table \(shape.name): skipped, its key is two columns (\(shape.primaryKey.joined(separator: ", "))) and \(why); ORMLab identifies objects by one key column (an integer id or a natural key)")
                continue
            }
            var aWanted = lowerCamel(pluralize(snakeCase(b)))
            var bWanted = lowerCamel(pluralize(snakeCase(a)))
            if a == b {
                aWanted = lowerCamel(pluralize(snakeCase(associationName(second.from))))
                bWanted = lowerCamel(pluralize(snakeCase(associationName(first.from))))
            }
            let aName = claim(aWanted, in: a, why: "many-to-many through \(shape.name)")
            let bName = claim(bWanted == aName && a == b ? bWanted + "Of" : bWanted, in: b, why: "many-to-many through \(shape.name)")
            drafts[a, default: []].append(PropertyDraft(name: aName, type: "[\(b)]",
                                                        modifiers: ["join(\(quoted(shape.name)), \(quoted(first.from)), \(quoted(second.from)))", "via \(bName)"]))
            drafts[b, default: []].append(PropertyDraft(name: bName, type: "[\(a)]", modifiers: ["via \(aName)"]))
            if a == b {
                model.notes.append("\(a).\(aName) and \(a).\(bName): invented names for the two sides of a self-referencing many-to-many, from the columns \(second.from) and \(first.from)")
            }
            model.notes.append("table \(shape.name): its key is two foreign keys, so it holds the pairs of the many-to-many \(a).\(aName) ↔ \(b).\(bName) (no entity of its own)")
        }

        // 6. The DSL.
        for shape in entityTables {
            let entity = entityName[shape.name]!
            let tableClause = shape.name == snakeCase(entity) ? "" : " table(\(quoted(shape.name)))"
            var lines = ["entity \(entity)\(tableClause) {"]
            for draft in drafts[entity] ?? [] {
                lines.append("  " + ([draft.name + ": " + draft.type] + draft.modifiers).joined(separator: " "))
            }
            for index in indexLines[entity] ?? [] { lines.append("  " + index) }
            lines.append("}")
            model.entities.append(InferredModel.Entity(name: entity, table: shape.name, source: lines.joined(separator: "\n")))
        }
        return model
    }

    // MARK: - Names

    /// The words of a name, lowercased: `InvoiceLine` → invoice, line; `post_tags` → post, tags.
    private func words(_ name: String) -> [String] {
        snakeCase(name).split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map { String($0).lowercased() }
    }

    /// `post_tags` → `PostTag`, `Employee` → `Employee`.
    func upperCamel(_ name: String, singular: Bool) -> String {
        var parts = words(name)
        if singular, let last = parts.last { parts[parts.count - 1] = singularize(last) }
        let joined = parts.map(upperFirst).joined()
        return joined.first?.isNumber == true ? "T" + joined : joined
    }

    /// `UnitPrice` → `unitPrice`, `unit_price` → `unitPrice`.
    func lowerCamel(_ name: String) -> String {
        let parts = words(name)
        guard let first = parts.first else { return "" }
        let joined = first + parts.dropFirst().map(upperFirst).joined()
        return joined.first?.isNumber == true ? "c" + joined : joined
    }

    /// A foreign key column's association: `ArtistId` / `artist_id` → `artist`, `ReportsTo` → `reportsTo`.
    /// `artist_id`, `ArtistId` → `artist`; a foreign key to a natural key named after it,
    /// `country_code` → `country` (when `referenced` is `code`).
    func associationName(_ column: String, referenced: String? = nil) -> String {
        var parts = words(column)
        let suffix = referenced.map(words) ?? []
        if parts.count > 1, parts.last == "id" {
            parts.removeLast()
        } else if !suffix.isEmpty, parts.count > suffix.count, Array(parts.suffix(suffix.count)) == suffix {
            parts.removeLast(suffix.count)
        }
        return lowerCamel(parts.joined(separator: "_"))
    }

    private func upperFirst(_ s: String) -> String {
        guard let first = s.first else { return s }
        return first.uppercased() + s.dropFirst()
    }

    private func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    // MARK: - Types

    /// The Swift type for a declared SQL type, by SQLite's own affinity rules where they decide
    /// (`NVARCHAR(20)` → String, `NUMERIC(10,2)` → Decimal), with a note when it is a guess.
    /// A key column of a text type (CHAR(2), VARCHAR, TEXT): mapped as a natural key.
    func isNaturalKey(declared: String) -> Bool {
        !declared.uppercased().contains("INT") && scalarType(declared: declared) == ("String", nil)
    }

    func scalarType(declared: String) -> (type: String, note: String?) {
        let t = declared.uppercased()
        if t.isEmpty { return ("String", "its column has no declared type; read as String (SQLite keeps whatever was stored)") }
        // PostgreSQL's arrays (INTEGER[]) and geometric or interval types hold no one scalar,
        // and their names contain words (INT in POINT, INTERVAL) the rules below would misread.
        if t.hasSuffix("]") { return ("String", "type \(declared) is an array, which ORMLab does not map to one value; read as String (its text form)") }
        if ["POINT", "INTERVAL", "LINE", "LSEG", "BOX", "PATH", "POLYGON", "CIRCLE"].contains(where: { t.hasPrefix($0) }) {
            return ("String", "type \(declared) is not one ORMLab maps; read as String")
        }
        if t.contains("BOOL") { return ("Bool", nil) }
        if t.contains("DATE") || t.contains("TIME") { return ("Date", nil) }
        if t.contains("NUMERIC") || t.contains("DECIMAL") || t.contains("MONEY") { return ("Decimal", nil) }
        if t.contains("INT") { return ("Int", nil) }
        if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") { return ("String", nil) }
        if t.contains("BLOB") { return ("Data", nil) }
        if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") { return ("Double", nil) }
        return ("String", "type \(declared) is not one ORMLab maps; read as String")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        replacing(target, with: replacement)
    }
}

extension Workbench {
    /// Infers a model from the tables no entity maps and adopts it without running any SQL:
    /// the mapping follows the tables as they are. The report shows the model as DSL, a note
    /// per guess, and the mapping of every entity with the real names.
    func adoptInferredModel(into report: inout Report, fileDatabase: Bool) throws {
        let model = try session.log.withoutRecordingPublic { try ModelInference(hasRowids: session.dialect.name == "SQLite", padsFixedWidthText: session.dialect.name == "PostgreSQL").infer(from: session.database) }
        var adopted: [InferredModel.Entity] = []
        var failures: [String] = []
        for entity in model.entities {
            let parsed = Parser.parse(SourceFile(name: "inferred \(entity.name)", text: entity.source))
            for case .entity(let decl) in parsed.commands {
                let problems = session.restore(decl, keepingDeclaredTypes: true).filter { $0.severity == .error }
                if let first = problems.first {
                    failures.append("\(entity.name) (table \(entity.table)) could not be mapped: \(first.message); left out")
                } else {
                    adopted.append(entity)
                }
            }
            if let d = parsed.diagnostics.first(where: { $0.severity == .error }) {
                failures.append("\(entity.name) (table \(entity.table)) could not be written as DSL: \(d.message); left out")
            }
        }
        // An entity still waiting after the whole model was adopted was refused on the way (its
        // mapping failed once what it waits for arrived): said, and left out of the model.
        for entity in adopted where session.schema.waiting[entity.name] != nil {
            failures.append("\(entity.name) (table \(entity.table)) could not be mapped: \(session.schema.waitingSentence(for: entity.name) ?? "it waits"); left out")
        }
        adopted.removeAll { session.schema.waiting[$0.name] != nil }
        let tables = (try? session.database.tableNames().filter { !session.database.isMetadataTable($0) }.count) ?? 0
        let source = adopted.map(\.source).joined(separator: "\n")
        report.blocks.append(.code(title: "Inferred model: \(adopted.count) entit\(adopted.count == 1 ? "y" : "ies") from \(tables) table\(tables == 1 ? "" : "s") (:save model.orm keeps it)",
                                   lines: source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)))
        report.mapping = adopted.map { session.schema.facts(for: $0.name, in: session.dialect) }
        for note in model.notes + failures { report.notes.append(Note(.info, note)) }
        report.notes.append(Note(.info, session.db.isPostgres
            ? "nothing was written: reading and querying leave the schema and its rows as they are; ORMLab's metadata table is created only if you change the schema"
            : fileDatabase
            ? "nothing was written: reading and querying leave the file as it is; ORMLab's metadata table is created only if you change the schema"
            : "nothing was written: the tables stay as they are, and the mapping follows them"))
        history += adopted.map(\.source)
        unstoredInferredDeclarations = adopted.map { ($0.name, $0.source) }
        driftCache = nil
    }

    /// `:infer`: a model for the tables of this database that no entity maps yet (made with
    /// :sql, or by another program).
    func inferCommand(into report: inout Report) throws {
        guard session.schema.order.isEmpty && session.schema.waitingDeclarations.isEmpty else {
            throw ORMError("infer works on a database no entity maps yet: \(session.schema.order.joined(separator: ", ")) \(session.schema.order.count == 1 ? "is" : "are") defined",
                           hint: "open the database in a fresh session (ormlab --db FILE) to infer its model")
        }
        let tables = try session.database.tableNames().filter { !session.database.isMetadataTable($0) }
        guard !tables.isEmpty else {
            throw ORMError("there are no tables to infer a model from", hint: "make some with :sql CREATE TABLE …, or open a database with ormlab --db FILE")
        }
        try adoptInferredModel(into: &report, fileDatabase: false)
    }

    /// The first schema change on a database with an inferred model creates ORMLab's metadata:
    /// the other inferred declarations are stored with it, so reopening restores the whole model.
    func storeInferredModel(besides changed: String, into report: inout Report) {
        let others = unstoredInferredDeclarations.filter { $0.name != changed }
        unstoredInferredDeclarations = []
        do {
            try session.storeDeclarations(others)
            report.notes.append(Note(.info, "ORMLab's metadata table now holds the model (the \(others.count) inferred entit\(others.count == 1 ? "y" : "ies") and \(changed)), so reopening restores it: this is ORMLab's first write to this database besides your change"))
        } catch {
            report.notes.append(Note(.info, "the inferred model could not be stored (\(error)); reopening infers it again"))
        }
    }
}

// MARK: - Join entities (key(playlist, track))

extension Workbench {
    /// Stored declarations with the join entities first: a many-to-many replayed after its join
    /// entity keeps its pairs in that entity's table (it may have been declared after it).
    func joinEntitiesFirst(_ stored: [(name: String, source: String)]) -> [(name: String, source: String)] {
        let isJoin = stored.map { item in
            Parser.parse(SourceFile(name: "stored \(item.name)", text: item.source)).commands.contains {
                if case .entity(let decl) = $0 { return decl.joinEntitySides != nil }
                return false
            }
        }
        return zip(stored, isJoin).filter { $0.1 }.map(\.0) + zip(stored, isJoin).filter { !$0.1 }.map(\.0)
    }

    /// A join entity on a model inferred from a database ORMLab did not make: it names a join
    /// table that exists, so nothing runs and nothing is written (it is stored with the rest of
    /// the model if the learner changes the schema later).
    func defineJoinEntityOnInferredModel(_ decl: EntityDecl, source: String, into report: inout Report) throws {
        let change = session.schema.defining(decl, in: session.dialect)
        for d in change.diagnostics { report.diagnostics.append(record(d, in: currentSource)) }
        guard !change.hasErrors else { return }
        _ = session.restore(decl)
        unstoredInferredDeclarations.removeAll { $0.name == decl.name.name }
        unstoredInferredDeclarations.append((decl.name.name, source))
        var names = change.affectedEntities
        if !names.contains(decl.name.name) { names.insert(decl.name.name, at: 0) }
        report.mapping = names.map { session.schema.facts(for: $0, in: session.dialect) }
        for line in change.explanation { report.notes.append(Note(.info, line)) }
        report.notes.append(Note(.info, "nothing was written: the join table exists, and the join entity only names it"))
    }
}
