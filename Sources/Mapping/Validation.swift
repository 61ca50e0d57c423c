import DSL

// Checks one entity declaration on its own, before any association is inferred: names, types,
// modifiers, default values and index lines. Everything here depends only on the declaration and
// on which entity names exist, so the learner hears about these mistakes at once, even while the
// entity waits for another.

// MARK: - Helpers shared by the mapping files

extension TypeRef {
    /// The type as the learner wrote it: `Int?`, `[Book]`.
    var written: String {
        if isPolymorphic { return polymorphicTargets.map(\.name).joined(separator: " | ") + (isOptional ? "?" : "") }
        return (isArray ? "[\(name.name)]" : name.name) + (isOptional ? "?" : "")
    }

    /// The scalar type this names, if any.
    var scalar: ScalarType? { ScalarType(rawValue: name.name) }
}

extension PropertyDecl {
    /// `books: [Book]`
    var written: String { "\(name.name): \(type.written)" }
}

extension EntityDecl {
    var properties: [PropertyDecl] {
        members.compactMap { if case .property(let p) = $0 { return p } else { return nil } }
    }

    func property(named name: String) -> PropertyDecl? {
        properties.first { $0.name.name == name }
    }

    /// Entity names this declaration refers to (its association targets), in declaration order.
    var targetNames: [String] {
        var seen: [String] = []
        for p in properties where p.type.scalar == nil && !seen.contains(p.type.name.name) {
            seen.append(p.type.name.name)
        }
        // `subject: Post | Photo` waits for every target, not only the first.
        for p in properties where p.type.isPolymorphic {
            for target in p.type.polymorphicTargets where !seen.contains(target.name) && ScalarType(rawValue: target.name) == nil {
                seen.append(target.name)
            }
        }
        return seen
    }
}

/// "a Double", "an Int".
func withArticle(_ word: String) -> String {
    let first = word.lowercased().first
    return (first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + word
}

private let scalarNames = ScalarType.allCases.map(\.rawValue)

// MARK: - Validation

/// Diagnostics for one declaration seen on its own.
func validateDeclaration(_ decl: EntityDecl, knownEntities: Set<String>) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    let entity = decl.name.name

    if scalarNames.contains(entity) {
        diagnostics.append(Diagnostic(.error, "'\(entity)' is a scalar type and cannot name an entity",
                                      at: decl.name.range, hint: "choose another name, for example \(entity)Value"))
    }

    var seen: [String: PropertyDecl] = [:]
    for p in decl.properties {
        let name = p.name.name
        if let first = seen[name] {
            diagnostics.append(Diagnostic(.error, "duplicate property '\(name)' in \(entity)", at: p.name.range,
                                          hint: "'\(name)' is already declared at line \(first.name.range.start.line); rename or remove one of them"))
            continue
        }
        seen[name] = p
        if name == "id", p.column != nil || p.isAssignedKey || p.type.name.name == "String" {
            // `id: Int column("ArtistId")`: the key keeps its name `id`, stored in another column;
            // `id: Int assigned`: every insert gives it.
            if !["Int", "String"].contains(p.type.name.name) || p.type.isOptional || p.type.isArray || p.isUnique || p.isIndexed
                || p.defaultValue != nil || p.onDelete != nil || p.via != nil || p.joinTable != nil {
                let example = "id: Int" + (p.column.map { " column(\"\($0.name)\")" } ?? "") + (p.isAssignedKey ? " assigned" : "")
                diagnostics.append(Diagnostic(.error, "the primary key is an Int (or a String, a natural key) and takes only a column name and `assigned`", at: p.range,
                                              hint: "write it like: \(example)"))
            }
            continue
        }
        if p.isAssignedKey {
            diagnostics.append(Diagnostic(.error, "'assigned' is for the primary key: every insert gives the key, and the database numbers none", at: p.range,
                                          hint: "write it on the key: id: Int assigned"))
            continue
        }
        if name == "id" {
            diagnostics.append(Diagnostic(.error, "'id' is reserved for the primary key", at: p.name.range,
                                          hint: "every entity gets id INTEGER PRIMARY KEY automatically; remove this line or choose another name"))
            continue
        }
        diagnostics += validateType(of: p, in: decl, knownEntities: knownEntities)
        if let join = p.joinTable, !(p.type.isArray && p.type.scalar == nil) {
            diagnostics.append(Diagnostic(.error, "join(...) names the join table of a many-to-many, and '\(name)' is \(p.type.written)",
                                          at: join.range, hint: p.type.isArray ? "remove it" : "for a to-one, name its foreign key column: \(name): \(p.type.written) column(\"\(capitalised(name))Id\")"))
        }
        if let column = p.column, p.type.isArray {
            diagnostics.append(Diagnostic(.error, "column(...) names a column of this table, and '\(name)' is a to-many association stored elsewhere",
                                          at: column.range, hint: "for a many-to-many, write join(\"table\", \"this_id\", \"other_id\"); for a has-many, put column(...) on \(p.type.name.name)'s to-one"))
        }
    }
    for member in decl.members {
        guard case .key(let key) = member else { continue }
        // A join entity (two to-ones, key(both), nothing else) never reaches here: see JoinEntity.swift.
        diagnostics.append(compositeKeyRefusal(key, in: decl))
    }

    for member in decl.members {
        guard case .index(let index) = member else { continue }
        diagnostics += validateIndex(index, in: decl)
    }
    diagnostics += validateLifecycle(decl)
    return diagnostics
}

/// Is this unknown type name taken as an entity that is not defined yet?
/// Capitalised and not a typo of a scalar type: `Book` waits, `Strng` and `string` are errors.
func looksLikeUndefinedEntity(_ name: String) -> Bool {
    guard let first = name.first, first.isUppercase else { return false }
    return scalarTypo(name) == nil
}

/// The scalar type `name` is a typo of: a case variant (`string`), two swapped letters
/// (`Stirng`), one letter missing or added (`Strng`, `Boool`), or one letter wrong in a long name
/// (`Strimg`). One wrong letter in a short name is a different word (`Book` is not `Bool`).
func scalarTypo(_ name: String) -> String? {
    for scalar in scalarNames {
        let distance = editDistance(name, scalar)
        if distance == 0 || isTransposition(name, scalar) { return scalar }
        if distance == 1 && (name.count != scalar.count || scalar.count >= 5) { return scalar }
    }
    return nil
}

private func isTransposition(_ a: String, _ b: String) -> Bool {
    let a = Array(a.lowercased()), b = Array(b.lowercased())
    guard a.count == b.count else { return false }
    let differences = a.indices.filter { a[$0] != b[$0] }
    return differences.count == 2 && differences[1] == differences[0] + 1
        && a[differences[0]] == b[differences[1]] && a[differences[1]] == b[differences[0]]
}

private func validateType(of p: PropertyDecl, in decl: EntityDecl, knownEntities: Set<String>) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    let typeName = p.type.name.name
    let name = p.name.name

    if p.type.isPolymorphic { return validatePolymorphic(p, in: decl, knownEntities: knownEntities) }
    if let scalar = p.type.scalar {
        if p.type.isArray {
            diagnostics.append(Diagnostic(.error, "arrays of scalar values are not supported: '\(p.written)'",
                                          at: p.type.range,
                                          hint: "a column holds one value; make an entity for the values (entity \(capitalised(singularize(name))) { value: \(typeName) }) and write \(name): [\(capitalised(singularize(name)))]"))
        }
        if p.onDelete != nil {
            diagnostics.append(Diagnostic(.error, "'on delete' applies to a to-one association, and '\(name)' is \(withArticle(scalar.rawValue))",
                                          at: p.range, hint: "remove 'on delete' from '\(name)'"))
        }
        if let via = p.via {
            diagnostics.append(Diagnostic(.error, "'via' names the inverse of an association, and '\(name)' is \(withArticle(scalar.rawValue))",
                                          at: via.range, hint: "remove 'via \(via.name)'"))
        }
        if let value = p.defaultValue, let problem = defaultProblem(value, for: p, scalar: scalar) {
            diagnostics.append(Diagnostic(.error, problem.message, at: literalRange(of: p, value), hint: problem.hint))
        }
        return diagnostics
    }

    // Not a scalar: an entity, known or not yet defined, or a typo.
    if !knownEntities.contains(typeName) {
        let scalarGuess = scalarTypo(typeName) ?? nearest(typeName, in: scalarNames)
        if !looksLikeUndefinedEntity(typeName) {
            let guess = scalarGuess ?? nearest(typeName, in: knownEntities.sorted())
            let suggestion = guess.map { "did you mean '\($0)'? " } ?? ""
            diagnostics.append(Diagnostic(.error, "unknown type '\(typeName)' for property '\(name)'", at: p.type.name.range,
                                          hint: suggestion + "A property's type is Int, Double, String, Bool, Date, Data or an entity name"))
            return diagnostics
        }
        if let guess = nearest(typeName, in: knownEntities.sorted()) {
            diagnostics.append(Diagnostic(.warning, "'\(typeName)' is not defined yet, so \(decl.name.name) waits for it; did you mean '\(guess)'?",
                                          at: p.type.name.range, hint: "if '\(typeName)' is a typo, redefine \(decl.name.name) with '\(guess)'"))
        }
    }

    if p.defaultValue != nil {
        diagnostics.append(Diagnostic(.error, "an association cannot have a default value: '\(name)' is \(p.type.written)",
                                      at: p.range, hint: "remove the default; set the association when you insert"))
    }
    if p.type.isArray {
        if p.onDelete != nil {
            diagnostics.append(Diagnostic(.error, "'on delete' belongs on the to-one side of '\(name)', which stores the foreign key",
                                          at: p.range, hint: "write it on the property of \(typeName) that points back at \(decl.name.name), e.g. \(lowerFirst(decl.name.name)): \(decl.name.name) on delete cascade"))
        }
        if p.isUnique {
            diagnostics.append(Diagnostic(.error, "'unique' applies to a column, and '\(name)' is a to-many association",
                                          at: p.range, hint: "for a one-to-one, write \(lowerFirst(typeName)): \(typeName)? here and make the other side unique"))
        }
        if p.isIndexed {
            diagnostics.append(Diagnostic(.error, "'index' applies to a column, and '\(name)' is a to-many association",
                                          at: p.range, hint: "index the foreign key on the other side: write index on \(typeName)'s property that points back"))
        }
        if p.type.isOptional {
            diagnostics.append(Diagnostic(.warning, "a to-many association is never nil: '\(p.written)' is read as '\(name): [\(typeName)]'",
                                          at: p.type.range, hint: "write \(name): [\(typeName)]; an empty array means no \(typeName)"))
        }
    } else if p.onDelete == .setNull && !p.type.isOptional {
        diagnostics.append(Diagnostic(.error, "set null needs an optional association: write \(name): \(typeName)?",
                                      at: p.range, hint: "'on delete set null' stores NULL in the foreign key, so the column must allow NULL"))
    }
    return diagnostics
}

private func validateIndex(_ index: IndexDecl, in decl: EntityDecl) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    let names = decl.properties.map(\.name.name)
    for column in index.columns {
        let name = column.name
        if let p = decl.property(named: name) {
            if p.type.isArray {
                diagnostics.append(Diagnostic(.error, "'\(name)' is a to-many association and has no column to index",
                                              at: column.range, hint: "index the foreign key on \(p.type.name.name) instead"))
            }
            continue
        }
        // A foreign key column may be named directly: index(author_id).
        if decl.properties.contains(where: { $0.type.scalar == nil && !$0.type.isArray && snakeCase($0.name.name) + "_id" == name }) {
            continue
        }
        if decl.properties.contains(where: { $0.type.scalar != nil && snakeCase($0.name.name) == name }) {
            continue
        }
        // A column named with column("…"): index(ArtistId).
        if decl.properties.contains(where: { $0.column?.name == name && $0.name.name != "id" }) {
            continue
        }
        let message = name == "id" ? "'id' is the primary key and is already indexed"
                                   : "unknown column '\(name)' in index of \(decl.name.name)"
        let guess = nearest(name, in: names)
        let hint = name == "id" ? "remove id from the index"
                                : (guess.map { "did you mean '\($0)'? " } ?? "") + "An index lists properties of \(decl.name.name): \(names.joined(separator: ", "))"
        diagnostics.append(Diagnostic(.error, message, at: column.range, hint: hint))
    }
    return diagnostics
}

// MARK: - Default values

/// Why a default value does not fit its property's type, if it does not.
private func defaultProblem(_ value: Literal, for p: PropertyDecl, scalar: ScalarType) -> (message: String, hint: String)? {
    let fits: Bool
    switch (scalar, value) {
    case (_, .null):
        if p.type.isOptional { return nil }
        return ("default value nil needs an optional type: write \(p.name.name): \(scalar.rawValue)?",
                "a required column cannot hold NULL")
    case (.string, .string(let text)) where text.unicodeScalars.contains("\0"):
        // DDL cannot bind a default: it is written into the SQL text, which SQLite reads up to a NUL.
        return ("a default value cannot contain the NUL character (\\0): SQLite reads SQL text only up to it",
                "remove the \\0, or set the value when you insert")
    case (.string, .string(let text)) where text.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || (0x7F...0x9F).contains($0.value) }):
        // Written raw into the table's SQL, a control character would reach the terminal in every
        // listing of the schema.
        let control = text.unicodeScalars.first { ($0.value < 0x20 && $0 != "\t") || (0x7F...0x9F).contains($0.value) }?.value ?? 0
        let hex = String(control, radix: 16, uppercase: true)
        return ("a default value cannot contain control characters such as U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex): the default is written into the table's SQL as it is",
                "remove it, or set the value when you insert")
    case (.int, .integer), (.double, .integer), (.double, .double), (.string, .string), (.bool, .bool),
         (.decimal, .integer), (.decimal, .double):
        fits = true
    case (.date, .string(let text)):
        fits = isDateText(text)
        if !fits {
            return ("default value \(value.source) is not a Date", "write dates as \"2024-05-01\" or \"2024-05-01 12:30:00\"")
        }
    case (.data, _):
        return ("a Data property cannot have a default value", "remove '= \(value.source)'")
    default:
        fits = false
    }
    if fits { return nil }
    return ("default value \(value.source) is not \(withArticle(scalar.rawValue))",
            "write a default of type \(scalar.rawValue), for example \(exampleLiteral(scalar))")
}

private func exampleLiteral(_ scalar: ScalarType) -> String {
    switch scalar {
    case .int: return "= 0"
    case .double: return "= 0.0"
    case .string: return "= \"\""
    case .bool: return "= false"
    case .date: return "= \"2024-05-01\""
    case .data: return "(none)"
    case .decimal: return "= 0.00"
    }
}

/// `YYYY-MM-DD`, optionally followed by a time.
func isDateText(_ text: String) -> Bool {
    let chars = Array(text)
    guard chars.count >= 10 else { return false }
    for (i, ch) in chars.prefix(10).enumerated() {
        if i == 4 || i == 7 { if ch != "-" { return false } } else if !ch.isASCII || !ch.isNumber { return false }
    }
    return chars.count == 10 || chars[10] == " " || chars[10] == "T"
}

/// Where the default literal is written. The AST keeps no range for it, so it is found from the
/// end of the property when nothing follows the literal (`rating: Double = "x"`); otherwise the
/// whole property is used.
func literalRange(of p: PropertyDecl, _ value: Literal) -> SourceRange {
    let length = value.source.count
    let end = p.range.end
    guard p.onDelete == nil, p.via == nil, end.line == p.range.start.line,
          end.column - length >= p.type.range.end.column, end.offset - length >= p.type.range.end.offset else {
        return p.range
    }
    // Byte offset: the literal's source form is counted in characters; ASCII literals match.
    let byteLength = value.source.utf8.count
    let start = SourceLocation(line: end.line, column: end.column - length, offset: end.offset - byteLength)
    return SourceRange(start, end)
}

func capitalised(_ s: String) -> String {
    guard let first = s.first else { return s }
    return first.uppercased() + s.dropFirst()
}

func lowerFirst(_ s: String) -> String {
    guard let first = s.first else { return s }
    return first.lowercased() + s.dropFirst()
}

/// Why a `key(...)` that does not make a join entity is refused, in the precise case it is.
func compositeKeyRefusal(_ key: KeyDecl, in decl: EntityDecl) -> Diagnostic {
    let entity = decl.name.name
    let named = key.properties.map { decl.property(named: $0.name) }
    if let missing = zip(key.properties, named).first(where: { $0.1 == nil })?.0 {
        return Diagnostic(.error, "key(...) names '\(missing.name)', which is not a property of \(entity)", at: missing.range,
                          hint: "list the two to-one properties whose pair is the key: key(playlist, track)")
    }
    let props = named.compactMap { $0 }
    let toOnes = props.filter { $0.type.scalar == nil && !$0.type.isArray }
    // `key(code)` over one String: a natural key, which the key property itself declares.
    if props.count == 1, let only = props.first, only.type.scalar == .string {
        let column = only.column?.name ?? only.name.name
        return Diagnostic(.error, "key(\(only.name.name)) over one text property is a natural key, which ORMLab declares as the key itself: id: String column(\"\(column)\")", at: key.range,
                          hint: "replace \(only.name.name) and key(\(only.name.name)) with id: String column(\"\(column)\"); its objects are then \(entity)#… (see :help keys)")
    }
    if key.properties.count != 2 || toOnes.count != 2 {
        let scalars = props.filter { $0.type.scalar != nil }.map(\.name.name)
        let what = scalars.isEmpty ? "a key of \(key.properties.count) propert\(key.properties.count == 1 ? "y" : "ies")" : "a key over scalar values (\(scalars.joined(separator: ", ")))"
        return Diagnostic(.error, "composite primary keys are mapped only for join entities (key over two to-one properties): \(what) would need objects identified by several columns, and ORMLab identifies each object by one key column (an integer id or a natural key)",
                          at: key.range, hint: "give the table an integer key column and keep the values unique with unique index(\(key.properties.map(\.name).joined(separator: ", ")))")
    }
    if let optional = toOnes.first(where: { $0.type.isOptional }) {
        return Diagnostic(.error, "'\(optional.name.name)' is part of the key, so it cannot be optional", at: optional.type.range,
                          hint: "write \(optional.name.name): \(optional.type.name.name)")
    }
    let others = decl.members.compactMap { member -> String? in
        switch member {
        case .property(let p): return toOnes.contains(where: { $0.name.name == p.name.name }) ? nil : p.name.name
        case .key: return nil
        case .index: return "index(...)"
        case .callback: return "a callback"
        case .timestamps: return "timestamps"
        case .softDelete: return "soft delete"
        case .scope(let s): return "scope \(s.name.name)"
        }
    }
    return Diagnostic(.error, "a join entity holds only its two key properties, and \(entity) also has \(others.joined(separator: ", ")): a join table with data of its own would need objects identified by two columns, which ORMLab does not model",
                      at: key.range, hint: "remove \(others.joined(separator: ", ")) to map the pairs of a many-to-many, or give \(entity) a key column of its own and make the pair unique with unique index(\(toOnes.map(\.name.name).joined(separator: ", ")))")
}
