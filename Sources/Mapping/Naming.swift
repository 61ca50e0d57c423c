import DSL
import SQLBuilder

// Naming conventions: how entity and property names become table and column names, and how
// names and values are written into SQL text.

// MARK: - SQL quoting

/// Writes a name as an SQL identifier: in double quotes, with `"` doubled inside, so that SQL
/// keywords (`order`, `group`, `select`) and odd characters work as table and column names.

/// Writes a string as an SQL string literal: single quotes, with `'` doubled inside.
public func quoteSQLString(_ text: String) -> String {
    "'" + doubling(text, "'") + "'"
}

/// `text` with every `quote` written twice (how SQL escapes a quote inside quotes).
private func doubling(_ text: String, _ quote: Character) -> String {
    var out = ""
    for ch in text {
        out.append(ch)
        if ch == quote { out.append(ch) }
    }
    return out
}

/// A DSL literal written as an SQL literal for a `DEFAULT` clause (Bool as 0/1, strings quoted).
public func sqlLiteral(_ literal: Literal) -> String {
    switch literal {
    case .integer(let i): return String(i)
    case .double(let d): return String(d)
    case .string(let s): return quoteSQLString(s)
    case .bool(let b): return b ? "1" : "0"
    case .null: return "NULL"
    }
}

// MARK: - Case conversion

/// `BlogPost` → `blog_post`, `birthYear` → `birth_year`, `HTTPRequest` → `http_request`.
public func snakeCase(_ name: String) -> String {
    let chars = Array(name)
    var out = ""
    for (i, ch) in chars.enumerated() {
        if ch.isUppercase {
            let previous: Character? = i > 0 ? chars[i - 1] : nil
            let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
            if let previous, previous != "_" {
                let afterLower = previous.isLowercase || previous.isNumber
                let endOfAcronym = previous.isUppercase && (next?.isLowercase ?? false)
                if afterLower || endOfAcronym { out += "_" }
            }
            out += ch.lowercased()
        } else {
            out.append(ch)
        }
    }
    return out
}

// MARK: - Plural and singular (English, the way ActiveRecord's inflector does the common cases)

private let irregularPlurals: [(singular: String, plural: String)] = [
    ("person", "people"), ("man", "men"), ("woman", "women"), ("child", "children"),
    ("mouse", "mice"), ("goose", "geese"), ("tooth", "teeth"), ("foot", "feet"),
    ("ox", "oxen"), ("leaf", "leaves"), ("life", "lives"), ("wife", "wives"),
    ("knife", "knives"), ("half", "halves"), ("shelf", "shelves"), ("wolf", "wolves"),
    ("datum", "data"), ("criterion", "criteria"), ("quiz", "quizzes"), ("index", "indices"),
]

private let uncountables: Set<String> = [
    "equipment", "information", "rice", "money", "species", "series", "fish", "sheep",
    "news", "data", "metadata", "feedback", "software",
]

private let vowels: Set<Character> = ["a", "e", "i", "o", "u"]

/// The plural of a snake_case name; only its last word changes (`blog_post` → `blog_posts`).
public func pluralize(_ name: String) -> String {
    let (head, word) = splitLastWord(name)
    return head + pluralizeWord(word)
}

/// The singular of a snake_case name (`friends` → `friend`, `categories` → `category`).
public func singularize(_ name: String) -> String {
    let (head, word) = splitLastWord(name)
    return head + singularizeWord(word)
}

private func splitLastWord(_ name: String) -> (String, String) {
    guard let underscore = name.lastIndex(of: "_") else { return ("", name) }
    let after = name.index(after: underscore)
    return (String(name[..<after]), String(name[after...]))
}

private func pluralizeWord(_ word: String) -> String {
    let lower = word.lowercased()
    if lower.isEmpty || uncountables.contains(lower) { return word }
    if let irregular = irregularPlurals.first(where: { $0.singular == lower }) { return irregular.plural }
    if irregularPlurals.contains(where: { $0.plural == lower }) { return word }
    let chars = Array(lower)
    if lower.hasSuffix("y"), chars.count > 1, !vowels.contains(chars[chars.count - 2]) {
        return String(word.dropLast()) + "ies"
    }
    for suffix in ["s", "x", "z", "ch", "sh"] where lower.hasSuffix(suffix) {
        return word + "es"
    }
    return word + "s"
}

private func singularizeWord(_ word: String) -> String {
    let lower = word.lowercased()
    if lower.isEmpty || uncountables.contains(lower) { return word }
    if let irregular = irregularPlurals.first(where: { $0.plural == lower }) { return irregular.singular }
    if irregularPlurals.contains(where: { $0.singular == lower }) { return word }
    if lower.hasSuffix("ies"), lower.count > 3 { return String(word.dropLast(3)) + "y" }
    for suffix in ["sses", "xes", "zes", "ches", "shes", "uses"] where lower.hasSuffix(suffix) {
        return String(word.dropLast(2))
    }
    if lower.hasSuffix("ss") || lower.hasSuffix("us") || lower.hasSuffix("is") { return word }
    if lower.hasSuffix("s"), lower.count > 1 { return String(word.dropLast()) }
    return word
}

// MARK: - Convention

extension NamingConvention {
    /// The table of an entity: `BlogPost` → `blog_post` (standard) or `blog_posts` (rails).
    public func tableName(forEntity entity: String) -> String {
        let snake = snakeCase(entity)
        switch self {
        case .standard: return snake
        case .rails: return pluralize(snake)
        }
    }

    /// The column of a scalar property: `birthYear` → `birth_year`.
    public func columnName(forProperty property: String) -> String {
        snakeCase(property)
    }

    /// The foreign key column of a belongs-to association: `author` → `author_id`.
    public func foreignKeyName(forAssociation association: String) -> String {
        snakeCase(association) + "_id"
    }
}
