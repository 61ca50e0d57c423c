// Habits from other ORMs: what a learner coming from ActiveRecord, Django, SQLAlchemy, Hibernate,
// Objection.js or GRDB types, and how ORMLab writes it. The table is read only after a command
// has failed (never on the way of a command that runs), to put a diagnostic that names the
// ORMLab form in place of the generic one ("unknown query method 'find'").

/// Where a habit comes from.
public enum ForeignORM: String, Sendable, CaseIterable {
    case activeRecord = "ActiveRecord"
    case django = "Django"
    case sqlAlchemy = "SQLAlchemy"
    case hibernate = "Hibernate"
    case objection = "Objection.js"
    case grdb = "GRDB"
    /// Plain SQL typed at the ORM's prompt (`COMMIT;`).
    case sql = "SQL"
}

/// One habit: what the learner typed, the ORM it comes from, and the ORMLab form.
public struct ForeignHabit: Sendable {
    /// An example of what the learner types: `Author.find(1)`.
    public let typed: String
    public let orms: [ForeignORM]
    /// What the habit does there, as the end of "… is the ActiveRecord way to ___": `find by id`.
    public let concept: String
    /// The ORMLab form of the example: `Author#1`. It runs on the model of `:help other-orms`.
    public let ormlab: String
    /// One sentence on how ORMLab does it, shown as the hint.
    public let why: String
    let trigger: HabitTrigger
    /// True for a way into a query (`session.query(Author)`, `.objects`, `.query()`): a habit
    /// later in the same chain (`.filter(...)`) names the better form, and is preferred.
    let isEntryPoint: Bool
    /// Whether the matched text really is this habit (`order(name: :desc)`, not `order(nmae)`).
    let requires: @Sendable (HabitMatch) -> Bool
    /// The ORMLab form for the text actually typed (`Book#7` for `Book.find(7)`).
    let form: @Sendable (HabitMatch) -> String

    init(_ typed: String, _ orms: [ForeignORM], _ concept: String, _ trigger: HabitTrigger, ormlab: String, why: String,
         isEntryPoint: Bool = false,
         requires: @escaping @Sendable (HabitMatch) -> Bool = { _ in true },
         form: (@Sendable (HabitMatch) -> String)? = nil) {
        self.typed = typed
        self.orms = orms
        self.concept = concept
        self.ormlab = ormlab
        self.why = why
        self.trigger = trigger
        self.isEntryPoint = isEntryPoint
        self.requires = requires
        self.form = form ?? { _ in ormlab }
    }
}

/// Where in a failed command a habit is recognised.
enum HabitTrigger: Sendable {
    /// `.name` (with or without a call) anywhere after the first token: `Author.find(1)`.
    case method(String)
    /// `.first.second` in a row: `Author.objects.filter(...)`.
    case methods(String, String)
    /// The command starts with `root.method`: `session.commit()`.
    case rootMethod(String, String)
    /// The command starts with `word` (exact case), followed by a token of kind `next` when given.
    case word(String, next: TokenKind?)
    /// The workbench command `:name`.
    case workbench(String)
    /// `x = value`: an assignment to a plain name.
    case assignToName
    /// Two words in a row anywhere, in any case: HQL's `join fetch`.
    case words(String, String)
    /// Python's slice after a query: `Author.objects.all()[20:30]`.
    case slice

    /// A word the command must hold, as written, for the trigger to match (nil: no such word).
    var requiredWord: String? {
        switch self {
        case .method(let word), .methods(let word, _), .rootMethod(let word, _), .workbench(let word): return word
        // SQL's words match in any case (see `matches`).
        case .word(let word, _): return word.count > 1 && word == word.uppercased() ? nil : word
        case .assignToName, .words, .slice: return nil
        }
    }
}

/// A habit found in the tokens of a failed command, with what the ORMLab form is built from.
struct HabitMatch {
    let file: SourceFile
    let tokens: [Token]
    /// The habit's tokens: `first...last`.
    let first: Int
    let last: Int
    /// The method name that triggered it, for `.method` habits (else `first`).
    let name: Int
    /// The `(` right after the name, and its `)`, when the habit is a call.
    let open: Int?
    let close: Int?

    var range: SourceRange { SourceRange(tokens[first].range.start, tokens[last].range.end) }

    /// The source text of the query before the habit's method, without other ORMs' entry points
    /// (`.objects`, `.query()`, `.all()` in parentheses): `Author` for `Author.objects.filter(...)`.
    var base: String {
        guard name >= 2, tokens[name - 1].kind == .dot else { return root }
        return chain(before: name - 1)
    }

    /// The source text from the command's start up to token `end` (not included), without
    /// other ORMs' entry points (see `base`).
    func chain(before end: Int) -> String {
        guard end > 0 else { return root }
        var text = file.slice(SourceRange(tokens[0].range.start, tokens[end].range.start))
        if tokens[0].isWord("session"), let close = text.firstIndex(of: ")") { // session.query(Author)…
            text = root + text[text.index(after: close)...]
        }
        for (foreign, own) in [(".objects.all()", ".all"), (".objects", ""), (".query()", ""), (".all()", ".all")] {
            text = text.replacingAll(foreign, with: own)
        }
        return text.isEmpty ? root : text
    }

    /// The entity the command starts with (`Author` in `Author.find(1)`), or `Author`.
    var root: String {
        // The first capitalised name (`session.query(Author)` too), but not an SQL word such as
        // SELECT, nor GRDB's Column.
        func isEntityName(_ token: Token) -> Bool {
            guard token.kind == .identifier, token.name.first?.isUppercase == true, token.name != "Column" else { return false }
            return token.name.count == 1 || token.name != token.name.uppercased()
        }
        return tokens.first(where: isEntityName)?.name ?? "Author"
    }

    /// The arguments of the habit's call, split at top-level commas: label (`name:` or Python's
    /// `name=`) and value text.
    var arguments: [(label: String?, value: String, tokens: ArraySlice<Token>)] {
        guard let open, let close, close > open + 1 else { return [] }
        var out: [(String?, String, ArraySlice<Token>)] = []
        var start = open + 1
        var depth = 0
        var i = open + 1
        while i <= close {
            let kind = tokens[i].kind
            if kind == .leftParen || kind == .leftBracket || kind == .leftBrace { depth += 1 }
            if (kind == .rightParen || kind == .rightBracket || kind == .rightBrace) && i < close { depth -= 1 }
            if (kind == .comma && depth == 0) || i == close {
                if start < i { out.append(argument(tokens[start..<i])) }
                start = i + 1
            }
            i += 1
        }
        return out
    }

    private func argument(_ slice: ArraySlice<Token>) -> (String?, String, ArraySlice<Token>) {
        var value = slice
        var label: String?
        if slice.count > 2, let name = slice.first, name.kind == .identifier,
           slice[slice.startIndex + 1].kind == .colon || slice[slice.startIndex + 1].kind == .assign {
            label = name.name
            value = slice.dropFirst(2)
        }
        guard let first = value.first, let last = value.last else { return (label, "", value) }
        return (label, file.slice(SourceRange(first.range.start, last.range.end)), value)
    }

    /// The association an eager-loading call names: `:books`, `"books"`, `'books'`, `Author.books`.
    var association: String {
        guard let argument = arguments.last else { return "books" }
        if argument.tokens.count == 1, case .string(let text)? = argument.tokens.first?.literal {
            return text.split(separator: "__").joined(separator: ".")
        }
        return argument.tokens.last { $0.kind == .identifier }?.name ?? "books"
    }

    /// The condition of keyword arguments or a comparison, in ORMLab's terms: `name: "x"` and
    /// Django's `name="x"` become `name == "x"`, `born__lt=1950` becomes `born < 1950`.
    var condition: String {
        let parts = arguments.map { argument -> String in
            guard let label = argument.label else {
                return argument.value.replacingAll("\(root).", with: "").replacingAll("Column(\"", with: "").replacingAll("\")", with: "")
            }
            let lookups: [(String, String)] = [("__gte", ">="), ("__lte", "<="), ("__gt", ">"), ("__lt", "<"), ("__in", "in")]
            for (suffix, op) in lookups where label.hasSuffix(suffix) {
                return "\(label.dropLast(suffix.count)) \(op) \(argument.value)"
            }
            if label.hasSuffix("__startswith"), argument.value.hasSuffix("\"") {
                return "\(label.dropLast(12)) like \(argument.value.dropLast())%\""
            }
            let property = label == "pk" ? "id" : label
            return "\(property) == \(argument.value)"
        }
        return parts.isEmpty ? "name == \"x\"" : parts.joined(separator: " and ")
    }

    /// The text of the first argument (`1` in `find(1)`), or `fallback`.
    func firstArgument(or fallback: String) -> String {
        arguments.first?.value ?? fallback
    }

    /// An id written as the first argument (`find(1)`, `get(pk=1)`, `fetchOne(db, key: 1)`).
    var id: String {
        for argument in arguments where argument.tokens.count == 1 && argument.tokens.first?.kind == .integer {
            return argument.value
        }
        return "1"
    }

    /// The text after the habit's first token, to the end of the command (`x` in `puts x`).
    var rest: String {
        guard first + 1 <= last else { return "" }
        return file.slice(SourceRange(tokens[first + 1].range.start, tokens[last].range.end))
    }

    /// True when the call's parentheses hold nothing: `count()`.
    var isEmptyCall: Bool {
        if let open, let close { return close == open + 1 }
        return false
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return components(separatedBy: target).joined(separator: replacement)
    }

    /// `String(contains:)` without Foundation.
    fileprivate func components(separatedBy separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let found = rest.firstRange(of: separator) {
            parts.append(String(rest[..<found.lowerBound]))
            rest = rest[found.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}

/// The habits, and the diagnostic for a failed command that shows one.
public enum ForeignHabits {
    /// An assignment plus `save`, the ORMLab form of an `update(...)` call on an object.
    static func assignments(_ match: HabitMatch, object: String) -> String {
        let assigned = match.arguments.compactMap { argument in argument.label.map { "\(object).\($0) = \(argument.value)" } }
        return ((assigned.isEmpty ? ["\(object).name = \"x\""] : assigned) + ["save"]).joined(separator: "; ")
    }

    /// `insert Author(name: "x")` from keyword arguments (`name="x"` too) or a hash (`{ name: "x" }`).
    static func insert(_ match: HabitMatch) -> String {
        let pairs = match.arguments.compactMap { argument in argument.label.map { "\($0): \(argument.value)" } }
        return "insert \(match.root)(\(pairs.isEmpty ? "name: \"x\"" : pairs.joined(separator: ", ")))"
    }

    static func include(_ match: HabitMatch, join: Bool) -> String {
        "\(match.base).include(\(match.association)\(join ? ", using: join" : ""))"
    }

    static func order(_ match: HabitMatch) -> String {
        let keys = match.arguments.map { argument -> String in
            if let label = argument.label { // ActiveRecord: order(name: :desc)
                return argument.value.lowercased().contains("desc") ? "\(label) desc" : label
            }
            var key = argument.value.replacingAll("\(match.root).", with: "").replacingAll("\"", with: "")
            if key.hasPrefix("-") { key = String(key.dropFirst()) + " desc" } // Django: order_by("-name")
            if key.hasSuffix(".desc()") { key = String(key.dropLast(7)) + " desc" } // SQLAlchemy
            return key
        }
        return "\(match.base).order(\(keys.isEmpty ? "name" : keys.joined(separator: ", ")))"
    }

    static let printHint = "type the expression alone: ORMLab shows every command's value, objects and SQL"

    /// Every habit, in the order they are tried (the more specific first).
    public static let all: [ForeignHabit] = [
        // Finding by id.
        ForeignHabit("Author.find(1)", [.activeRecord], "find by id", .method("find"), ormlab: "Author#1",
                     why: "Entity#id looks in the identity map first, then runs SELECT … WHERE id = ?",
                     form: { "\($0.root)#\($0.id)" }),
        ForeignHabit("Author.query().findById(1)", [.objection], "find by id", .method("findById"), ormlab: "Author#1",
                     why: "Entity#id looks in the identity map first, then runs SELECT … WHERE id = ?",
                     form: { "\($0.root)#\($0.id)" }),
        ForeignHabit("Author.objects.get(pk=1)", [.django], "find one object", .methods("objects", "get"), ormlab: "Author#1",
                     why: "Entity#id finds by id; for another condition, Author.where(name == \"x\").first",
                     form: { m in
                         let args = m.arguments
                         let byID = args.count == 1 && (args[0].label == nil || args[0].label == "pk" || args[0].label == "id")
                         return byID ? "\(m.root)#\(m.id)" : "\(m.root).where(\(m.condition)).first"
                     }),
        ForeignHabit("Author.fetchOne(db, key: 1)", [.grdb], "find by id", .method("fetchOne"), ormlab: "Author#1",
                     why: "Entity#id finds by id; there is no database handle to pass: the session holds it",
                     form: { "\($0.root)#\($0.id)" }),
        ForeignHabit("session.get(Author, 1)", [.sqlAlchemy, .hibernate], "find by id", .rootMethod("session", "get"), ormlab: "Author#1",
                     why: "Entity#id finds by id; the workbench is the session, so there is no session object to call",
                     form: { "\($0.root)#\($0.id)" }),
        ForeignHabit("session.find(Author.class, 1)", [.hibernate], "find by id", .rootMethod("session", "find"), ormlab: "Author#1",
                     why: "Entity#id finds by id; the workbench is the session, so there is no session object to call",
                     form: { "\($0.root)#\($0.id)" }),
        ForeignHabit("Author.find_by(name: \"x\")", [.activeRecord], "find the first match", .method("find_by"),
                     ormlab: "Author.where(name == \"x\").first", why: "conditions go in where(...) as comparisons; .first takes one",
                     form: { "\($0.base).where(\($0.condition)).first" }),
        ForeignHabit("Author.last", [.activeRecord, .django], "take the last object", .method("last"),
                     ormlab: "Author.order(id desc).first", why: "ORMLab has first; order the other way round to take the last",
                     form: { "\($0.base).order(id desc).first" }),

        // Queries.
        ForeignHabit("Author.objects.filter(name=\"x\")", [.django], "filter", .methods("objects", "filter"),
                     ormlab: "Author.where(name == \"x\")", why: "there is no manager: queries start at the entity, and conditions are comparisons",
                     form: { "\($0.root).where(\($0.condition))" }),
        ForeignHabit("Author.objects.all()[20:30]", [.django], "page with a slice", .slice, ormlab: "Author.all.limit(10).offset(20)",
                     why: "limit(n) and offset(n) page by position",
                     form: { m in
                         // `[a:b]`, `[:b]`: the numbers on either side of the colon.
                         let inside = m.tokens[(m.first + 1)..<m.last]
                         guard let colon = inside.firstIndex(where: { $0.kind == .colon }) else { return "\(m.chain(before: m.first)).limit(10)" }
                         let from = inside[..<colon].first { $0.kind == .integer }.flatMap { Int($0.text) } ?? 0
                         let to = inside[(colon + 1)...].first { $0.kind == .integer }.flatMap { Int($0.text) }
                         let base = m.chain(before: m.first)
                         guard let to else { return "\(base).offset(\(from))" }
                         return "\(base).limit(\(max(0, to - from)))" + (from > 0 ? ".offset(\(from))" : "")
                     }),
        ForeignHabit("Author.objects.all()", [.django], "list all objects", .methods("objects", "all"), ormlab: "Author.all",
                     why: "there is no manager: queries start at the entity, and methods without arguments take no parentheses",
                     form: { "\($0.root).all" }),
        ForeignHabit("Author.objects.create(name=\"x\")", [.django], "create an object", .methods("objects", "create"),
                     ormlab: "insert Author(name: \"x\")", why: "insert makes a new object; save writes it (the INSERT waits in the unit of work)",
                     form: { insert($0) }),
        ForeignHabit("Author.objects.count()", [.django], "count", .methods("objects", "count"), ormlab: "Author.count",
                     why: "there is no manager, and methods without arguments take no parentheses", form: { "\($0.root).count" }),
        ForeignHabit("session.query(Author)", [.sqlAlchemy], "start a query", .rootMethod("session", "query"), ormlab: "Author.all",
                     why: "queries start at the entity: Author.all, Author.where(...), Author.count",
                     isEntryPoint: true, form: { "\($0.root).all" }),
        ForeignHabit("Author.objects", [.django], "start a query", .method("objects"), ormlab: "Author.all",
                     why: "there is no manager: queries start at the entity, as in Author.all or Author.where(...)",
                     isEntryPoint: true, form: { "\($0.root).all" }),
        ForeignHabit("Author.query()", [.objection], "start a query", .method("query"),
                     ormlab: "Author.all", why: "queries start at the entity; there is no query() to call first",
                     isEntryPoint: true, requires: { $0.isEmptyCall }, form: { "\($0.root).all" }),
        ForeignHabit("Author.filter(name == \"x\")", [.sqlAlchemy, .django, .grdb], "filter", .method("filter"),
                     ormlab: "Author.where(name == \"x\")", why: "ORMLab's filter is where(condition), with ==, <, like, in, and, or",
                     form: { "\($0.base).where(\($0.condition))" }),
        ForeignHabit("Author.filter_by(name=\"x\")", [.sqlAlchemy], "filter by equality", .method("filter_by"),
                     ormlab: "Author.where(name == \"x\")", why: "ORMLab's filter is where(condition), with ==, <, like, in, and, or",
                     form: { "\($0.base).where(\($0.condition))" }),
        ForeignHabit("Author.where(name: \"x\")", [.activeRecord], "filter by a hash", .method("where"),
                     ormlab: "Author.where(name == \"x\")", why: "a condition is a comparison, not a label: where(name == \"x\")",
                     requires: { $0.arguments.contains { $0.label != nil } }, form: { "\($0.base).where(\($0.condition))" }),
        ForeignHabit("Author.where(\"name = ?\", \"x\")", [.activeRecord, .objection], "filter with SQL text", .method("where"),
                     ormlab: "Author.where(name == \"x\")",
                     why: "conditions are written in the DSL and their values always bound as parameters; :sql runs raw SQL",
                     requires: { $0.arguments.first?.tokens.first?.kind == .string },
                     form: { m in
                         let args = m.arguments
                         guard case .string(let text)? = args.first?.tokens.first?.literal else { return "\(m.base).where(name == \"x\")" }
                         let words = text.split(separator: " ")
                         if args.count == 2, words.count == 3, words[2] == "?" { // "name = ?", "x"
                             let op = words[1] == "=" ? "==" : words[1] == "<>" ? "!=" : words[1].lowercased()
                             return "\(m.base).where(\(words[0]) \(op) \(args[1].value))"
                         }
                         if args.count == 2, words.count == 1 { // Objection: where("name", "x")
                             return "\(m.base).where(\(text) == \(args[1].value))"
                         }
                         return "\(m.base).where(name == \"x\")"
                     }),
        ForeignHabit("Author.order_by(\"-name\")", [.django, .sqlAlchemy], "order", .method("order_by"),
                     ormlab: "Author.order(name desc)", why: "order(property) ascending, order(property desc) descending",
                     form: { order($0) }),
        ForeignHabit("Author.orderBy(\"name\")", [.objection], "order", .method("orderBy"),
                     ormlab: "Author.order(name)", why: "order(property) ascending, order(property desc) descending",
                     form: { order($0) }),
        ForeignHabit("Author.order(name: :desc)", [.activeRecord], "order by a hash", .method("order"),
                     ormlab: "Author.order(name desc)", why: "write the direction after the property: order(name desc)",
                     requires: { m in m.arguments.contains { $0.label != nil } }, form: { order($0) }),
        ForeignHabit("Author.fetchAll(db)", [.grdb], "fetch all rows", .method("fetchAll"), ormlab: "Author.all",
                     why: "a query runs when it is shown or used; there is no database handle to pass", form: { "\($0.base).all" }),
        ForeignHabit("Author.fetchCount(db)", [.grdb], "count", .method("fetchCount"), ormlab: "Author.count",
                     why: "a query runs when it is shown or used; there is no database handle to pass", form: { "\($0.base).count" }),
        ForeignHabit("Author.pluck(:name)", [.activeRecord], "read one column", .method("pluck"), ormlab: "Author.pluck(name)",
                     why: "properties are names, not symbols: pluck(properties) reads their values, no objects",
                     form: { "\($0.base).pluck(\($0.association))" }),
        ForeignHabit("Author.values_list(\"name\")", [.django], "read some columns", .method("values_list"), ormlab: "Author.select(name)",
                     why: "select(properties) loads partial objects with only those columns",
                     form: { "\($0.base).select(\($0.association))" }),

        // Pagination.
        ForeignHabit("Author.take(10)", [.activeRecord], "limit the rows", .method("take"), ormlab: "Author.limit(10)",
                     why: "limit(n) and offset(n) page by position", form: { "\($0.base).limit(\($0.firstArgument(or: "10")))" }),
        ForeignHabit("Author.limit(10, offset: 20)", [.grdb], "page", .method("limit"), ormlab: "Author.limit(10).offset(20)",
                     why: "limit(n) and offset(n) are two methods", requires: { $0.arguments.count == 2 },
                     form: { m in "\(m.base).limit(\(m.arguments[0].value)).offset(\(m.arguments[1].value))" }),
        ForeignHabit("query.setMaxResults(10)", [.hibernate], "limit the rows", .method("setMaxResults"), ormlab: "Author.limit(10)",
                     why: "limit(n) and offset(n) page by position", form: { "\($0.root).limit(\($0.firstArgument(or: "10")))" }),
        ForeignHabit("query.setFirstResult(20)", [.hibernate], "skip rows", .method("setFirstResult"), ormlab: "Author.offset(20)",
                     why: "limit(n) and offset(n) page by position", form: { "\($0.root).offset(\($0.firstArgument(or: "20")))" }),
        ForeignHabit("Author.query().page(2, 10)", [.objection], "page", .method("page"), ormlab: "Author.limit(10).offset(20)",
                     why: "limit(n) and offset(n) page by position; after(Author#20) pages by key",
                     form: { m in
                         let args = m.arguments
                         guard args.count == 2, let page = Int(args[0].value), let size = Int(args[1].value) else { return "\(m.base).limit(10).offset(20)" }
                         return "\(m.base).limit(\(size)).offset(\(page * size))"
                     }),

        // Eager loading.
        ForeignHabit("Author.includes(:books)", [.activeRecord], "load an association eagerly", .method("includes"),
                     ormlab: "Author.include(books)", why: "include(...) loads the association with one more query (IN); add using: join for one LEFT JOIN",
                     form: { include($0, join: false) }),
        ForeignHabit("Author.preload(:books)", [.activeRecord], "load an association eagerly", .method("preload"),
                     ormlab: "Author.include(books)", why: "include(...) loads the association with one more query (IN)",
                     form: { include($0, join: false) }),
        ForeignHabit("Author.eager_load(:books)", [.activeRecord], "load an association with a JOIN", .method("eager_load"),
                     ormlab: "Author.include(books, using: join)", why: "include(..., using: join) runs one LEFT JOIN and collapses the rows into objects",
                     form: { include($0, join: true) }),
        ForeignHabit("Author.objects.prefetch_related(\"books\")", [.django], "load an association eagerly", .method("prefetch_related"),
                     ormlab: "Author.include(books)", why: "include(books) loads them with one more query (IN), as prefetch_related does",
                     form: { include($0, join: false) }),
        ForeignHabit("Book.objects.select_related(\"author\")", [.django], "load an association with a JOIN", .method("select_related"),
                     ormlab: "Book.include(author, using: join)", why: "include(author, using: join) runs one LEFT JOIN, as select_related does",
                     form: { include($0, join: true) }),
        ForeignHabit("session.query(Author).options(joinedload(Author.books))", [.sqlAlchemy], "load an association eagerly",
                     .method("options"), ormlab: "Author.include(books, using: join)",
                     why: "include(books) loads with IN (selectinload), include(books, using: join) with a LEFT JOIN (joinedload)",
                     form: { m in
                         let join = !m.file.slice(m.range).contains("selectinload")
                         return "\(m.root).include(\(m.association)\(join ? ", using: join" : ""))"
                     }),
        ForeignHabit("Author.query().withGraphFetched(\"books\")", [.objection], "load an association eagerly", .method("withGraphFetched"),
                     ormlab: "Author.include(books)", why: "include(books) loads them with one more query (IN), as withGraphFetched does",
                     form: { include($0, join: false) }),
        ForeignHabit("Author.including(all: Author.books)", [.grdb], "load an association eagerly", .method("including"),
                     ormlab: "Author.include(books)", why: "include(...) loads the association with one more query (IN)",
                     form: { include($0, join: false) }),
        ForeignHabit("from Author a join fetch a.books", [.hibernate], "load an association with a JOIN", .words("join", "fetch"),
                     ormlab: "Author.include(books, using: join)", why: "include(..., using: join) runs one LEFT JOIN and collapses the rows into objects",
                     form: { m in
                         let association = m.tokens.last { $0.kind == .identifier }?.name ?? "books"
                         return "\(m.root).include(\(association), using: join)"
                     }),

        // Writing: create, update, delete, save.
        ForeignHabit("Author.create(name: \"x\")", [.activeRecord, .objection], "create and save an object", .method("create"),
                     ormlab: "insert Author(name: \"x\")", why: "insert makes a new object; save writes it (the INSERT waits in the unit of work)",
                     form: { insert($0) }),
        ForeignHabit("Author.new(name: \"x\")", [.activeRecord], "make a new object", .method("new"),
                     ormlab: "insert Author(name: \"x\")", why: "insert makes a new object; save writes it (the INSERT waits in the unit of work)",
                     form: { insert($0) }),
        ForeignHabit("Author.query().insert({ name: \"x\" })", [.objection], "insert", .method("insert"),
                     ormlab: "insert Author(name: \"x\")", why: "insert is a statement: insert Author(name: \"x\"), written at the next save",
                     form: { m in
                         // The values are inside `{ }`: read them as the call's arguments.
                         guard let open = m.open, let brace = m.tokens[open...].firstIndex(where: { $0.kind == .leftBrace }),
                               let closing = m.tokens[brace...].firstIndex(where: { $0.kind == .rightBrace }) else { return insert(m) }
                         let inner = HabitMatch(file: m.file, tokens: m.tokens, first: m.first, last: m.last, name: m.name, open: brace, close: closing)
                         return insert(inner)
                     }),
        ForeignHabit("session.add(author)", [.sqlAlchemy], "add an object to the session", .rootMethod("session", "add"),
                     ormlab: "insert Author(name: \"x\")", why: "insert puts a new object in the unit of work; save writes it"),
        ForeignHabit("session.persist(author)", [.hibernate], "make an object persistent", .rootMethod("session", "persist"),
                     ormlab: "insert Author(name: \"x\")", why: "insert puts a new object in the unit of work; save writes it"),
        ForeignHabit("Author#1.update(name: \"x\")", [.activeRecord, .django, .objection], "change and save", .method("update"),
                     ormlab: "Author#1.name = \"x\"; save", why: "assign the property (the object turns dirty, :pending shows the UPDATE); save writes it",
                     form: { assignments($0, object: $0.base) }),
        ForeignHabit("update(name: \"x\")", [.activeRecord, .django], "change and save", .word("update", next: .leftParen),
                     ormlab: "Author#1.name = \"x\"; save", why: "assign the property of an object (Author#1.name = \"x\"); save writes it",
                     form: { m in
                         let call = HabitMatch(file: m.file, tokens: m.tokens, first: m.first, last: m.last, name: m.first,
                                               open: m.first + 1, close: m.last)
                         return assignments(call, object: "Author#1")
                     }),
        ForeignHabit("Author.where(born < 1950).update_all(born: 1950)", [.activeRecord], "update many rows in one statement", .method("update_all"),
                     ormlab: "Author.where(born < 1950).update(born: 1950)",
                     why: "update(...) on a query is one UPDATE for every row; validations and callbacks do not run (:help bulk)",
                     form: { m in "\(m.base).update(" + m.arguments.map { ($0.label.map { "\($0): " } ?? "") + $0.value }.joined(separator: ", ") + ")" }),
        ForeignHabit("Book.where(year < 1950).delete_all", [.activeRecord], "delete many rows in one statement", .method("delete_all"),
                     ormlab: "Book.where(year < 1950).delete()",
                     why: "delete() on a query is one DELETE for every row; callbacks do not run (:help bulk)",
                     form: { "\($0.base).delete()" }),
        ForeignHabit("Author#1.destroy", [.activeRecord], "delete", .method("destroy"), ormlab: "delete Author#1",
                     why: "delete marks the object deleted; the DELETE runs at save (under `:set pattern active-record`, Author#1.destroy deletes at once)", form: { "delete \($0.base)" }),
        ForeignHabit("Author#1.delete()", [.django, .objection], "delete", .method("delete"), ormlab: "delete Author#1",
                     why: "delete is a statement: delete Author#1 marks it deleted; the DELETE runs at save", form: { "delete \($0.base)" }),
        ForeignHabit("session.delete(author)", [.sqlAlchemy, .hibernate], "delete", .rootMethod("session", "delete"),
                     ormlab: "delete author", why: "delete marks the object deleted; the DELETE runs at save",
                     form: { "delete \($0.firstArgument(or: "Author#1"))" }),
        ForeignHabit("Author#1.save", [.activeRecord, .django], "save one object", .method("save"), ormlab: "save",
                     why: "the unit of work saves every pending change at once, in one transaction: save (or `:set pattern active-record`, where each object saves itself: Author#1.save)"),
        ForeignHabit("save()", [.django, .sqlAlchemy], "save", .word("save", next: .leftParen), ormlab: "save",
                     why: "save is a statement, without parentheses: it writes every pending change in one transaction"),
        ForeignHabit("save!", [.activeRecord], "save or raise", .word("save", next: .error), ormlab: "save",
                     why: "save writes every pending change; a failure is reported and the unit of work stays as it was"),
        ForeignHabit("session.commit()", [.sqlAlchemy, .hibernate], "flush and commit", .rootMethod("session", "commit"),
                     ormlab: "save", why: "the workbench is the session: save flushes the unit of work and commits; inside begin, commit ends it"),
        ForeignHabit("session.flush()", [.sqlAlchemy, .hibernate], "flush", .rootMethod("session", "flush"), ormlab: "save",
                     why: "save flushes and commits; :pending shows the SQL a flush would run, and queries autoflush"),
        ForeignHabit("session.rollback()", [.sqlAlchemy, .hibernate], "roll back", .rootMethod("session", "rollback"), ormlab: "rollback",
                     why: "the workbench is the session: rollback discards pending changes"),
        ForeignHabit("session.beginTransaction()", [.hibernate], "open a transaction", .rootMethod("session", "beginTransaction"),
                     ormlab: "begin", why: "begin opens a transaction; commit or rollback ends it"),

        // Transactions and SQL.
        ForeignHabit("COMMIT;", [.sql], "end a transaction", .word("COMMIT", next: nil), ormlab: "commit",
                     why: "the DSL's words are lower case; :sql runs raw SQL"),
        ForeignHabit("ROLLBACK;", [.sql], "undo a transaction", .word("ROLLBACK", next: nil), ormlab: "rollback",
                     why: "the DSL's words are lower case; :sql runs raw SQL"),
        ForeignHabit("BEGIN;", [.sql], "open a transaction", .word("BEGIN", next: nil), ormlab: "begin",
                     why: "the DSL's words are lower case; :sql runs raw SQL"),
        ForeignHabit("SELECT * FROM author", [.sql], "read rows", .word("SELECT", next: nil), ormlab: "Author.all",
                     why: "queries start at the entity; :sql SELECT … runs raw SQL and shows the rows as a table",
                     form: { m in
                         // The table after FROM, as its entity: `author` → Author.
                         guard let from = m.tokens.firstIndex(where: { $0.text.lowercased() == "from" }), from + 1 < m.tokens.count,
                               m.tokens[from + 1].kind == .identifier, let initial = m.tokens[from + 1].name.first else { return "Author.all" }
                         return initial.uppercased() + m.tokens[from + 1].name.dropFirst() + ".all"
                     }),

        // Workbench commands typed as statements, and statements typed as workbench commands.
        ForeignHabit(":rollback", [.sqlAlchemy, .activeRecord], "roll back", .workbench("rollback"), ormlab: "rollback",
                     why: "transaction words are statements, without ':'"),
        ForeignHabit(":commit", [.sqlAlchemy, .activeRecord], "commit", .workbench("commit"), ormlab: "commit",
                     why: "transaction words are statements, without ':'"),
        ForeignHabit(":begin", [.sqlAlchemy, .activeRecord], "open a transaction", .workbench("begin"), ormlab: "begin",
                     why: "transaction words are statements, without ':'"),
        ForeignHabit("pending", [.sqlAlchemy], "list pending changes (session.new, session.dirty)", .word("pending", next: nil),
                     ormlab: ":pending", why: "workbench commands start with ':'; :pending shows the unit of work and the SQL a save would run"),

        // Printing and naming.
        ForeignHabit("puts x", [.activeRecord], "print a value", .word("puts", next: nil), ormlab: "x", why: printHint,
                     form: { $0.rest.isEmpty ? "Author#1" : $0.rest }),
        ForeignHabit("p x", [.activeRecord], "print a value", .word("p", next: .identifier), ormlab: "x", why: printHint,
                     form: { $0.rest }),
        ForeignHabit("print(x)", [.django, .sqlAlchemy], "print a value", .word("print", next: nil), ormlab: "x", why: printHint,
                     form: { m in
                         let call = HabitMatch(file: m.file, tokens: m.tokens, first: m.first, last: m.last, name: m.first,
                                               open: m.tokens.count > 1 && m.tokens[1].kind == .leftParen ? 1 : nil, close: m.last)
                         return call.open == nil ? (m.rest.isEmpty ? "Author#1" : m.rest) : call.firstArgument(or: "Author#1")
                     }),
        ForeignHabit("console.log(x)", [.objection], "print a value", .rootMethod("console", "log"), ormlab: "x", why: printHint,
                     form: { $0.firstArgument(or: "Author#1") }),
        ForeignHabit("System.out.println(x)", [.hibernate], "print a value", .word("System", next: .dot), ormlab: "x", why: printHint,
                     form: { m in
                         guard let open = m.tokens.firstIndex(where: { $0.kind == .leftParen }), m.tokens[m.last].kind == .rightParen,
                               open + 1 < m.last else { return "Author#1" }
                         return m.file.slice(SourceRange(m.tokens[open + 1].range.start, m.tokens[m.last - 1].range.end))
                     }),
        ForeignHabit("x = Author#1", [.activeRecord, .django, .sqlAlchemy], "name a value", .assignToName, ormlab: "let x = Author#1",
                     why: "let names a value; a query named with let runs each time it is used",
                     form: { "let \($0.file.slice($0.range))" }),
        ForeignHabit("Author.all.each { |a| a.name }", [.activeRecord], "loop", .method("each"), ormlab: "for a in Author.all { a.name }",
                     why: "loops are for x in QUERY { commands }", form: { "for a in \($0.base) { a.name }" }),
    ]

    /// The diagnostic naming the ORMLab form when the failed command in `range` of `file` shows
    /// a habit from another ORM where it failed (`failure`); nil otherwise.
    ///
    /// `isKnownName` says which names the session defines (properties, associations,
    /// variables): a habit's word that is one of them (`.last` as a property) is not a habit
    /// there. It is asked only about the words of habits found.
    public static func diagnostic(for failure: Diagnostic, in file: SourceFile, command range: SourceRange,
                                  isKnownName: (String) -> Bool = { _ in false }) -> Diagnostic? {
        // A habit is a line or two; a longer command (a generated one of 100,000 tokens) is not
        // read again token by token for one.
        guard range.end.offset - range.start.offset <= maximumHabitLength else { return nil }
        var tokens = Lexer.tokenize(file, range: range)
        while let last = tokens.last, [.endOfInput, .newline, .semicolon].contains(last.kind) { tokens.removeLast() }
        guard !tokens.isEmpty else { return nil }
        // The command's words, so that a habit whose word is not there is passed over at once
        // (a script of 10,000 mistakes asks 10,000 times).
        var words = Set<String>()
        for token in tokens where token.kind == .identifier { words.insert(token.text) }
        var candidates = habitsWithoutWord
        for word in words { candidates += habitsByWord[word] ?? [] }
        candidates.sort() // in the table's order: the more specific first
        var found: [(ForeignHabit, HabitMatch)] = []
        for index in candidates {
            let habit = all[index]
            for match in matches(of: habit.trigger, in: tokens, file: file)
            where habit.requires(match) && !isKnownName(tokens[match.name].name) {
                found.append((habit, match))
            }
        }
        // Only where the command failed (an earlier mistake keeps its own diagnostic), or,
        // when it failed at its first word (`query`, `System` are unknown names), anywhere.
        func isWhereItFailed(_ match: HabitMatch) -> Bool {
            let reach = match.last + 1 < tokens.count ? tokens[match.last + 1].range.end : match.range.end
            return failure.range.start <= reach && failure.range.end >= match.range.start
        }
        let failsAtStart = failure.range.start <= tokens[0].range.start
        let chosen = found.first { !$0.0.isEntryPoint && isWhereItFailed($0.1) }
            ?? found.first { !$0.0.isEntryPoint && failsAtStart }
            ?? found.first { $0.0.isEntryPoint && isWhereItFailed($0.1) }.map { entry in
                // A way into a query that failed first: a habit later in its chain says more.
                found.first { !$0.0.isEntryPoint && $0.1.range.start > entry.1.range.start } ?? entry
            }
        guard let (habit, match) = chosen else { return nil }
        let shown = file.slice(match.range)
        let quoted = shown.count > 40 ? String(shown.prefix(39)) + "…" : shown
        return Diagnostic(.error, "'\(quoted)' is the \(names(habit.orms)) way to \(habit.concept); in ORMLab write: \(habit.form(match))",
                          at: match.range, hint: habit.why)
    }

    /// The habits (indexes in `all`) by the word their trigger needs (see `requiredWord`), and
    /// those tried whatever the words: a failed command looks only at the habits it can show.
    static let habitsByWord: [String: [Int]] = Dictionary(grouping: all.indices.filter { all[$0].trigger.requiredWord != nil },
                                                          by: { all[$0].trigger.requiredWord ?? "" })
    static let habitsWithoutWord: [Int] = all.indices.filter { all[$0].trigger.requiredWord == nil }

    /// The longest failed command, in UTF-8 bytes, searched for habits.
    static let maximumHabitLength = 1_000

    /// "ActiveRecord", "ActiveRecord and Django", "ActiveRecord, Django and SQLAlchemy".
    static func names(_ orms: [ForeignORM]) -> String {
        let names = orms.map(\.rawValue)
        guard let last = names.last, names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + last
    }

    /// The places where `trigger` matches `tokens`.
    static func matches(of trigger: HabitTrigger, in tokens: [Token], file: SourceFile) -> [HabitMatch] {
        let end = tokens.count - 1
        /// The `)` closing the `(` at `open`.
        func closing(_ open: Int) -> Int? {
            var depth = 0
            for i in open...end {
                if tokens[i].kind == .leftParen { depth += 1 }
                if tokens[i].kind == .rightParen { depth -= 1; if depth == 0 { return i } }
            }
            return nil
        }
        /// The match of a method name at `name`, its call included.
        func call(first: Int, name: Int) -> HabitMatch {
            let open = name < end && tokens[name + 1].kind == .leftParen ? name + 1 : nil
            let close = open.flatMap(closing)
            return HabitMatch(file: file, tokens: tokens, first: first, last: close ?? open ?? name, name: name, open: open, close: close)
        }
        func isMethod(_ i: Int, _ word: String) -> Bool {
            i > 0 && i <= end && tokens[i - 1].kind == .dot && tokens[i].kind == .identifier && tokens[i].name == word
        }
        let whole = HabitMatch(file: file, tokens: tokens, first: 0, last: end, name: 0, open: nil, close: nil)
        switch trigger {
        case .method(let word):
            return tokens.indices.filter { isMethod($0, word) }.map { call(first: $0, name: $0) }
        case .methods(let a, let b):
            return tokens.indices.filter { isMethod($0, a) && isMethod($0 + 2, b) }.map { call(first: $0, name: $0 + 2) }
        case .rootMethod(let root, let method):
            guard tokens[0].isWord(root), isMethod(2, method) else { return [] }
            return [call(first: 0, name: 2)]
        case .word(let word, let next):
            // SQL's words (all capitals) in any case, `select * from book` too; but not the DSL's
            // own keywords in lower case (`begin`, `commit`, `rollback`).
            let isSQL = word.count > 1 && word == word.uppercased()
            guard tokens[0].isWord(word)
                    || (isSQL && tokens[0].kind == .identifier && tokens[0].keyword == nil && tokens[0].text.uppercased() == word)
            else { return [] }
            if let next, end < 1 || tokens[1].kind != next { return [] }
            return [whole]
        case .workbench(let name):
            guard tokens[0].kind == .colon, end >= 1, tokens[1].isWord(name) else { return [] }
            return [HabitMatch(file: file, tokens: tokens, first: 0, last: 1, name: 1, open: nil, close: nil)]
        case .assignToName:
            guard end >= 2, tokens[0].kind == .identifier, tokens[0].keyword == nil,
                  tokens[0].name.first?.isLowercase == true, tokens[1].kind == .assign else { return [] }
            return [whole]
        case .slice:
            return tokens.indices.dropFirst().compactMap { i -> HabitMatch? in
                guard tokens[i].kind == .leftBracket, tokens[i - 1].kind == .rightParen || tokens[i - 1].kind == .identifier,
                      let close = tokens[i...].firstIndex(where: { $0.kind == .rightBracket }),
                      tokens[i..<close].contains(where: { $0.kind == .colon }) else { return nil }
                return HabitMatch(file: file, tokens: tokens, first: i, last: close, name: i, open: nil, close: nil)
            }
        case .words(let a, let b):
            let found = tokens.indices.dropLast().contains {
                tokens[$0].kind == .identifier && tokens[$0].text.lowercased() == a && tokens[$0 + 1].text.lowercased() == b
            }
            return found ? [whole] : []
        }
    }
}
