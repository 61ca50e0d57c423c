import DSL
import Mapping

// Swift names and literals for exported code. DSL names are ASCII letters, digits and `_`;
// Swift wants UpperCamelCase types and lowerCamelCase members, and some words are keywords.
//
// The rules, in order:
// - casing: `blog_post` → `BlogPost` (type) / `blogPost` (member); a leading run of capitals is
//   lowercased for members (`ISBN` → `isbn`, `URLString` → `urlString`);
// - foreign keys: the association's name + `ID` (`author` → `authorID`, Swift's API guidelines
//   case acronyms uniformly);
// - Swift keywords as members are escaped with backticks (`` `default` ``, `` `class` ``), except
//   `self`, which would be shadowed by the postfix `.self`, and becomes `selfValue`;
// - type names that are Swift keywords (`Any`, `Self`, `Type`, `Protocol`) or that name a type the
//   generated file itself uses (`String`, `Date`, `Column`, ...) get the suffix `Record`;
// - SQL keywords (`order`, `group`, `select`) are fine in Swift and stay as they are: the SQL is
//   quoted, and CodingKeys map to the column names.

// MARK: - Keywords

/// Words that cannot be used as a Swift identifier without backticks.
let swiftKeywords: Set<String> = [
    // declarations
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
    "inout", "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public",
    "rethrows", "static", "struct", "subscript", "typealias", "var",
    // statements
    "break", "case", "catch", "continue", "default", "defer", "do", "else", "fallthrough", "for",
    "guard", "if", "in", "repeat", "return", "throw", "switch", "where", "while",
    // expressions and types
    "Any", "as", "await", "false", "is", "nil", "self", "Self", "super", "throws", "true", "try",
    "Type", "Protocol",
]

/// Type names that would shadow a type the generated code refers to.
let reservedTypeNames: Set<String> = [
    // Swift and Foundation
    "Swift", "Foundation", "String", "Int", "Int64", "Double", "Bool", "Date", "Data", "Optional",
    "Codable", "Encodable", "Decodable", "Hashable", "Identifiable", "CodingKey", "CodingKeys",
    // GRDB
    "GRDB", "Column", "Columns", "ColumnExpression", "Database", "DatabaseMigrator", "FetchableRecord",
    "MutablePersistableRecord", "PersistableRecord", "TableRecord", "EncodableRecord", "ForeignKey",
    "InsertionSuccess", "QueryInterfaceRequest", "Table",
    // the schema namespace of the GRDB export
    schemaNamespace,
]

/// The enum that holds the GRDB migrator.
let schemaNamespace = "ORMLabSchema"

// MARK: - Casing

/// `blog_post` → `BlogPost`, `author` → `Author`.
func upperCamelCase(_ name: String) -> String {
    let words = name.split(separator: "_").map(String.init)
    let joined = words.map { word in word.prefix(1).uppercased() + word.dropFirst() }.joined()
    return joined.isEmpty ? "Value" : joined
}

/// `blog_post` → `blogPost`, `Name` → `name`, `ISBN` → `isbn`, `URLString` → `urlString`.
func lowerCamelCase(_ name: String) -> String {
    let words = name.split(separator: "_").map(String.init)
    guard let first = words.first else { return "value" }
    let rest = words.dropFirst().map { word in word.prefix(1).uppercased() + word.dropFirst() }
    return lowercasingLeadingCapitals(first) + rest.joined()
}

/// `Name` → `name`, `ISBN` → `isbn`, `URLString` → `urlString`, `name` → `name`.
private func lowercasingLeadingCapitals(_ word: String) -> String {
    let chars = Array(word)
    var end = 0
    while end < chars.count, chars[end].isUppercase { end += 1 }
    // In `URLString` the `S` starts the next word: keep it.
    if end > 1, end < chars.count, chars[end].isLowercase { end -= 1 }
    return String(chars[..<end]).lowercased() + String(chars[end...])
}

// MARK: - Identifiers

/// A member name made valid: leading digits (left after dropping underscores) get an underscore,
/// `self` becomes `selfValue`. Keywords are escaped where the name is written (`identifier`).
func memberName(_ dslName: String) -> String {
    var name = lowerCamelCase(dslName)
    if name.first?.isNumber == true { name = "_" + name }
    if name == "self" { name = "selfValue" }
    return name
}

/// A type name made valid and unambiguous in the generated file.
func typeName(_ dslName: String) -> String {
    var name = upperCamelCase(dslName)
    if name.first?.isNumber == true { name = "_" + name }
    if swiftKeywords.contains(name) || reservedTypeNames.contains(name) { name += "Record" }
    return name
}

/// The name as written in code: backticks around keywords.
func identifier(_ name: String) -> String {
    swiftKeywords.contains(name) ? "`\(name)`" : name
}

/// `name`, or `name2`, `name3`, ... when `name` is already in `used`; the result is added to it.
func unique(_ name: String, in used: inout Set<String>) -> String {
    var candidate = name
    var n = 2
    while used.contains(candidate) {
        candidate = name + String(n)
        n += 1
    }
    used.insert(candidate)
    return candidate
}

// MARK: - Literals

/// A Swift string literal: `"text"` with `\`, `"` and control characters escaped.
func swiftStringLiteral(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

/// A raw Swift string literal (`#"CREATE TABLE "book" (...)"#`) so that SQL reads as SQL: enough
/// `#` that the text cannot close it early; control characters written as raw escapes (`\#n`).
func swiftRawStringLiteral(_ text: String) -> String {
    var hashes = "#"
    while text.contains("\"" + hashes) || text.contains("\\" + hashes) { hashes += "#" }
    var body = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\n": body += "\\\(hashes)n"
        case "\r": body += "\\\(hashes)r"
        case "\t": body += "\\\(hashes)t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                body += "\\\(hashes)u{" + String(scalar.value, radix: 16) + "}"
            } else {
                body.unicodeScalars.append(scalar)
            }
        }
    }
    return hashes + "\"" + body + "\"" + hashes
}

/// A column default as a Swift initial value, when Swift can write it for that type (Date and
/// Data defaults stay in the database only).
func swiftDefault(_ literal: Literal, for type: ScalarType) -> String? {
    switch (literal, type) {
    case (.integer(let i), .int): return String(i)
    case (.integer(let i), .double): return String(i)
    case (.double(let d), .double): return d.isFinite ? String(d) : nil
    case (.string(let s), .string): return swiftStringLiteral(s)
    case (.bool(let b), .bool): return b ? "true" : "false"
    case (.integer(let i), .bool) where i == 0 || i == 1: return i == 1 ? "true" : "false"
    case (.integer(let i), .decimal): return String(i)
    // Not a float literal: Decimal's init(floatLiteral:) goes through Double.
    case (.double(let d), .decimal): return d.isFinite ? "Decimal(string: \"\(d)\")!" : nil
    default: return nil
    }
}

/// The Swift type of a scalar column (without `?`).
func swiftType(_ type: ScalarType) -> String {
    switch type {
    case .int: return "Int"
    case .double: return "Double"
    case .string: return "String"
    case .bool: return "Bool"
    case .date: return "Date"
    case .data: return "Data"
    case .decimal: return "Decimal"
    }
}
