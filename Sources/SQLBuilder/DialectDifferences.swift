// `:dialect NAME` for a statement ORMLab rendered: the statement's tree (StatementTrees.swift)
// rendered by the target dialect, and a note per difference that matters for it, found in the
// tree (a case-insensitive LIKE, a boolean, a limit or offset, a generated key, a column type),
// never in the text.

/// The features of a statement tree that dialects spell differently.
private struct TreeFeatures {
    var caseInsensitiveLike = false
    var booleans: Set<Bool> = []
    var placeholders = false
    var identifiers = false

    mutating func visit(_ e: SQLExpr) {
        switch e {
        case .column, .allColumns: identifiers = true
        case .value, .parameter: placeholders = true
        case .raw, .typedNull: break
        case .boolean(let b): booleans.insert(b)
        case .binary(let a, let op, let b):
            if op == "LIKE" { caseInsensitiveLike = true }
            visit(a); visit(b)
        case .not(let inner), .isNull(let inner, _): visit(inner)
        case .inList(let inner, let items): visit(inner); items.forEach { visit($0) }
        case .inSubquery(let inner, let s), .notInSubquery(let inner, let s): visit(inner); visit(s)
        case .exists(let s): visit(s)
        case .function(_, let args): args.forEach { visit($0) }
        case .and(let terms):
            if terms.isEmpty { booleans.insert(true) }
            terms.forEach { visit($0) }
        case .or(let terms):
            if terms.isEmpty { booleans.insert(false) }
            terms.forEach { visit($0) }
        }
    }

    mutating func visit(_ s: Select) {
        identifiers = true
        s.source?.forEach { visit($0) }   // a hierarchy class's derived table (Inheritance.swift)
        s.columns.forEach { visit($0) }
        s.joins.forEach { $0.source?.forEach { visit($0) }; visit($0.on) }
        s.filter.map { visit($0) }
        s.groupBy.forEach { visit($0) }
        s.having.map { visit($0) }
        s.orderBy.forEach { visit($0.expr) }
        s.limit.map { visit($0) }
        s.offset.map { visit($0) }
    }
}

extension Dialect {
    /// `statement`, which `source` rendered as `sql`, rendered by this dialect, with a note per
    /// difference that matters for it.
    public func rerender(_ statement: SQLStatement, ranAs sql: String, from source: any Dialect) -> TranslatedStatement {
        var notes: [String] = []
        func note(_ text: String) { if !notes.contains(text) { notes.append(text) } }
        guard let rendered = render(statement) else {
            // A step this database does not need, or a level it lacks.
            switch statement {
            case .schema(.foreignKeyEnforcement), .schema(.foreignKeyCheck):
                return TranslatedStatement(sql: "-- (no \(sql) in \(name): it checks foreign keys itself)", notes: [])
            case .begin(let isolation):
                return TranslatedStatement(sql: "-- (no \(isolation.rawValue.uppercased()) isolation in \(name))", notes: [isolationLevelsNote])
            default:
                return TranslatedStatement(sql: "-- (no \(sql) in \(name): it needs no such step)", notes: [])
            }
        }
        var features = TreeFeatures()
        switch statement {
        case .select(let s):
            features.visit(s)
            pagingNotes(s, from: source, note: note)
            if let lock = s.lock, source.rowLockClause(lock) != rowLockClause(lock) {
                let target = rowLockClause(lock).map { "writes\($0)" } ?? "has no row locks (a transaction locks the whole database)"
                let from = source.rowLockClause(lock).map { "\(source.name) writes\($0)" } ?? "\(source.name) has no row locks"
                note("row locks: \(name) \(target); \(from)")
            }
        case .insert(let i):
            features.identifiers = true
            i.values.forEach { features.visit($0) }
            generatedKeyNotes(i, from: source, note: note)
        case .update(let u):
            features.identifiers = true
            u.assignments.forEach { features.visit($0.value) }
            u.filter.map { features.visit($0) }
            u.returning.forEach { features.visit($0) }
            if !u.returning.isEmpty, !supportsReturning {
                note("RETURNING: \(name) has none on UPDATE; the changed rows are read with a SELECT before the write")
            }
        case .delete(let d):
            features.identifiers = true
            d.filter.map { features.visit($0) }
            d.returning.forEach { features.visit($0) }
            if !d.returning.isEmpty, !supportsReturning {
                note("RETURNING: \(name) has none on DELETE; the deleted rows are read with a SELECT before the write")
            }
        case .schema(let schema):
            schemaNotes(schema, ranAs: sql, target: rendered.sql, from: source, note: note)
            switch schema {
            case .transaction, .foreignKeyEnforcement, .foreignKeyCheck, .resetGeneratedKey: break
            default: features.identifiers = true
            }
        case .begin:
            if rendered.sql != sql { note("transaction control: \(source.name) writes \(sql), \(name) \(rendered.sql)") }
        }
        if features.caseInsensitiveLike, source.caseInsensitiveLikeOperator != caseInsensitiveLikeOperator {
            let w = source.caseInsensitiveLikeOperator, t = caseInsensitiveLikeOperator
            note("case-insensitive matching: \(source.name) \(w), \(name) \(t) (\(t == "ILIKE" ? "its LIKE tells upper from lower case" : "its LIKE ignores case with the default collation"))")
        }
        if features.caseInsensitiveLike, source.likeEscapesWithBackslash != likeEscapesWithBackslash {
            note(likeEscapesWithBackslash
                 ? "pattern escapes: in \(name) a backslash in a LIKE pattern escapes the next character (\\% is a literal %); \(source.name) has no escape character unless ESCAPE names one"
                 : "pattern escapes: \(name) has no escape character in a LIKE pattern unless ESCAPE names one; in \(source.name) a backslash escapes the next character")
        }
        for b in [true, false] where features.booleans.contains(b) && source.booleanLiteral(b) != booleanLiteral(b) {
            note("booleans: \(source.booleanLiteral(b)) is \(booleanLiteral(b)) in \(name)")
        }
        // Quoting and placeholders: the differences nearly every statement has.
        if features.identifiers, quoteIdentifier("x") != source.quoteIdentifier("x") {
            note("quoting: names are written \(quoteIdentifier("name")) (\(source.name): \(source.quoteIdentifier("name")))")
        }
        if features.placeholders, placeholder(1) != source.placeholder(1) {
            note("placeholders: \(source.placeholder(1)), \(source.placeholder(2)) become \(placeholder(1)), \(placeholder(2))")
        }
        return TranslatedStatement(sql: rendered.sql, notes: notes)
    }

    private func pagingNotes(_ s: Select, from source: any Dialect, note: (String) -> Void) {
        guard s.limit != nil || s.offset != nil else { return }
        let l = s.limit == nil ? nil : "n", o = s.offset == nil ? nil : "m"
        let sourceClause = source.limitClause(limit: l, offset: o), targetClause = limitClause(limit: l, offset: o)
        if sourceClause != targetClause { note("paging: \(source.name) writes\(sourceClause), \(name)\(targetClause)") }
        if targetClause.contains(" FETCH "), s.orderBy.isEmpty {
            note("paging: \(name)'s OFFSET … FETCH needs an ORDER BY; without one, which rows come first is not defined")
        }
    }

    private func generatedKeyNotes(_ insert: Insert, from source: any Dialect, note: (String) -> Void) {
        guard let key = insert.generatedKey ?? insert.returning.first else { return }
        let here = insert.returningColumns(in: self), there = insert.returningColumns(in: source)
        if here.isEmpty {
            guard !there.isEmpty || self.name != source.name else { return }
            if there.isEmpty {
                note("generated keys: \(name) reads the new id after the INSERT with LAST_INSERT_ID(), as \(source.name) does with its own")
            } else {
                note("generated keys: no RETURNING in \(name); the driver asks for the new id after the INSERT (LAST_INSERT_ID(), SCOPE_IDENTITY())")
            }
        } else if !insertOutputClause(here).isEmpty {
            note("generated keys: \(name) hands the new id back with OUTPUT INSERTED, before VALUES" + (there.isEmpty ? " (\(source.name) asks for it after the INSERT)" : ""))
        } else if there.isEmpty {
            note("generated keys: \(name) reads the new id in the same trip with RETURNING (\(source.name) asks for it after the INSERT)")
        }
    }

    private func schemaNotes(_ schema: SchemaStatement, ranAs sql: String, target: String, from source: any Dialect,
                             note: (String) -> Void) {
        func columnNotes(_ column: ColumnDefinition) {
            let from = source.columnTypeName(column.type), to = columnTypeName(column.type)
            if from != to { note("column types: \(source.name)'s \(from) is \(to) in \(name)") }
            if column.isPrimaryKey, column.type == .integer, source.generatedKeyClause() != generatedKeyClause() {
                note("generated keys: \(source.name)'s \(source.generatedKeyClause()) is \(generatedKeyClause()) in \(name)")
            }
            if case .bool(let b)? = column.defaultValue, source.booleanLiteral(b) != booleanLiteral(b) {
                note("booleans: \(source.booleanLiteral(b)) is \(booleanLiteral(b)) in \(name)")
            }
        }
        switch schema {
        case .createTable(let t): t.columns.forEach(columnNotes)
        case .addColumn(_, let c): columnNotes(c)
        case .alterColumn(_, _, .type(_, let to)):
            if source.columnTypeName(to) != columnTypeName(to) { note("column types: \(source.name)'s \(source.columnTypeName(to)) is \(columnTypeName(to)) in \(name)") }
        case .transaction:
            if target != sql { note("transaction control: \(source.name) writes \(sql), \(name) \(target)") }
        case .foreignKeyEnforcement:
            if target != sql { note("the foreign-key switch of a table rebuild is \(target) in \(name)") }
        default: break
        }
    }
}
