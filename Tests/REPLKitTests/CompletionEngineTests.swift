import TestSupport
import Testing
@testable import REPLKit

/// The session of the spec's examples: Author, Book, Tag, Student.
let sampleVocabulary = CompletionVocabulary(
    commands: [":help", ":hint", ":lesson", ":lessons", ":seed", ":mapping", ":explain", ":compare", ":quit", ":schema"],
    helpTopics: ["lazy", "joins", "identity-map"],
    lessonIDs: ["01-entities", "02-crud", "07-n-plus-one"],
    entities: [
        EntityVocabulary(name: "Author", properties: ["name", "email", "born"],
                         associations: [AssociationVocabulary(name: "books", target: "Book", isToMany: true)]),
        EntityVocabulary(name: "Book", properties: ["title", "year"],
                         associations: [AssociationVocabulary(name: "author", target: "Author", isToMany: false),
                                        AssociationVocabulary(name: "tags", target: "Tag", isToMany: true)]),
        EntityVocabulary(name: "Tag", properties: ["name"],
                         associations: [AssociationVocabulary(name: "books", target: "Book", isToMany: true)]),
        EntityVocabulary(name: "Student", properties: ["name"]),
    ],
    variables: ["ursula": "Author"])

/// Completes `text`; a `|` marks the cursor (default: the end).
func complete(_ text: String, _ vocabulary: CompletionVocabulary = sampleVocabulary) -> CompletionResult {
    if let bar = text.firstIndex(of: "|") {
        var line = text
        line.remove(at: bar)
        return CompletionEngine.complete(CompletionRequest(line: line, cursor: text.distance(from: text.startIndex, to: bar)),
                                         vocabulary: vocabulary)
    }
    return CompletionEngine.complete(CompletionRequest(text), vocabulary: vocabulary)
}

let queryMethods = CompletionVocabulary.defaultQueryMethods
let authorMembers = ["books", "born", "email", "name"]
let bookMembers = ["author", "tags", "title", "year"]
let statementStart = ["Author", "Book", "Student", "Tag", "begin", "commit", "delete", "entity", "for", "insert",
                      "let", "rollback", "save", "ursula"]

struct CandidateCase: CustomTestStringConvertible, Sendable {
    var input: String
    var candidates: [String]
    var testDescription: String { input.debugDescription }
    init(_ input: String, _ candidates: [String]) {
        self.input = input
        self.candidates = candidates
    }
}

// MARK: - Candidates per context

@Test(arguments: [
    // Workbench commands and their arguments.
    CandidateCase(":", [":compare", ":explain", ":help", ":hint", ":lesson", ":lessons", ":mapping", ":quit", ":schema", ":seed"]),
    CandidateCase(":h", [":help", ":hint"]),
    CandidateCase("  :les", [":lesson", ":lessons"]),
    CandidateCase(":lesson ", ["01-entities", "02-crud", "07-n-plus-one"]),
    CandidateCase(":lesson 0", ["01-entities", "02-crud", "07-n-plus-one"]),
    CandidateCase(":lesson 01-entities ", []),
    CandidateCase(":help ", ["identity-map", "joins", "lazy"]),
    CandidateCase(":help j", ["joins"]),
    CandidateCase(":seed ", ["Author", "Book", "Student", "Tag"]),
    CandidateCase(":seed Author ", []),
    CandidateCase(":mapping B", ["Book"]),
    CandidateCase(":diagram ", ["Author", "Book", "Student", "Tag", "mermaid", "svg"]),
    CandidateCase(":explain ", ["Author", "Book", "Student", "Tag", "ursula"]),
    CandidateCase(":explain Book.where(", (bookMembers + ["not"]).sorted()),
    CandidateCase(":compare Author.include(", ["books"]),
    CandidateCase(":unknown ", []),
    // Statement start.
    CandidateCase("", statementStart),
    CandidateCase("St", ["Student"]),
    CandidateCase("save\nB", ["Book"]),
    CandidateCase("save; A", ["Author"]),
    CandidateCase("insert ", ["Author", "Book", "Student", "Tag"]),
    CandidateCase("delete ", ["Author", "Book", "Student", "Tag", "ursula"]),
    CandidateCase("let x = ", ["Author", "Book", "Student", "Tag", "ursula"]),
    CandidateCase("for b ", ["in"]),
    CandidateCase("for b in ", ["Author", "Book", "Student", "Tag", "ursula"]),
    CandidateCase("Author#1.name = ", ["Author", "Book", "Student", "Tag", "ursula"]),
    CandidateCase("Author ", []),
    // After `Entity.`: query steps, properties and associations.
    CandidateCase("Author.", (queryMethods + authorMembers).sorted()),
    CandidateCase("Book.ye", ["year"]),
    CandidateCase("Author.where(born < 1950).", (queryMethods + authorMembers).sorted()),
    CandidateCase("Author.where(born < 1950).first.", authorMembers),
    CandidateCase("Ghost.", []),
    // After an object: properties and associations; after a to-many association: add, remove, count.
    CandidateCase("Author#1.", authorMembers),
    // A natural key's reference, a word or quoted text, is an object too.
    CandidateCase("Author#ursula.", authorMembers),
    CandidateCase("Author#\"Le Guin\".", authorMembers),
    CandidateCase("Book#2.author.", authorMembers),
    CandidateCase("Book#1.tags.", ["add", "count", "remove"]),
    CandidateCase("ursula.", authorMembers),
    CandidateCase("let b = Book#3\nb.", bookMembers),
    CandidateCase("let q = Book.where(year > 2000); q.", bookMembers),
    CandidateCase("for a in Author.all { a.", authorMembers),
    CandidateCase("for a in Author.all {\n  a.books.count\n  a.", authorMembers),
    CandidateCase("for t in Book#1.tags { t.", ["books", "name"]),
    CandidateCase("for a in Author.all { ", (statementStart + ["a"]).sorted()),
    CandidateCase("for a in Author.all { a.books.count }\nsave; ", statementStart),
    CandidateCase("for a in Author.all { a.books.count }\na.", []),
    CandidateCase("for ursula in Book.all { ursula.", bookMembers),
    CandidateCase("for ursula in Book.all { ursula.title }; ursula.", authorMembers),
    CandidateCase("Author#1.name.", []),
    CandidateCase("nobody.", []),
    // Inside where(...) and its kin: the entity in scope.
    CandidateCase("Author.where(", (authorMembers + ["not"]).sorted()),
    CandidateCase("Author.where(born < 1950 and ", (authorMembers + ["not"]).sorted()),
    CandidateCase("Author.where(born < 1950 ", ["and", "in", "like", "not", "or"]),
    CandidateCase("Author.where(name ", ["and", "in", "like", "not", "or"]),
    CandidateCase("Author.where(name == \"x\" ", ["and", "in", "like", "not", "or"]),
    CandidateCase("Book.where(author.", authorMembers),
    CandidateCase("Book.where(author.books.", ["any", "count"]),
    CandidateCase("Book.where(author.books.any(", (bookMembers + ["not"]).sorted()),
    CandidateCase("Author.where(books.", ["any", "count"]),
    CandidateCase("Author.where(books.any(", (bookMembers + ["not"]).sorted()),
    CandidateCase("Author.where(books.any(year > 2000 and author.", authorMembers),
    CandidateCase("Author.where(books.any(year > 2000) and ", (authorMembers + ["not"]).sorted()),
    CandidateCase("Author.order(", authorMembers),
    CandidateCase("Author.order(name ", ["asc", "desc"]),
    CandidateCase("Author.select(name, ", authorMembers),
    CandidateCase("Book.group(", bookMembers),
    CandidateCase("Book.group(year).having(", (bookMembers + ["not"]).sorted()),
    CandidateCase("Author.where(\n  born < 1950 and\n  ", (authorMembers + ["not"]).sorted()),
    CandidateCase("Ghost.where(", []),
    CandidateCase("Author.limit(", []),
    // include(...): associations, nested.
    CandidateCase("Author.include(", ["books"]),
    CandidateCase("Author.include(books.", ["author", "tags"]),
    CandidateCase("Author.include(books.tags.", ["books"]),
    CandidateCase("Book.include(author, ", ["author", "tags"]),
    CandidateCase("Author.where(born > 1900).include(b", ["books"]),
    // insert Entity(...): labels not yet given, then values.
    CandidateCase("insert Book(", ["author:", "title:", "year:"]),
    CandidateCase("insert Book(title: \"x\", ", ["author:", "year:"]),
    CandidateCase("insert Book(title: \"x\", year: 1974, author: ", ["Author", "Book", "Student", "Tag", "ursula"]),
    CandidateCase("insert Book(title: \"x\", year: 1974, author: Au", ["Author"]),
    CandidateCase("insert Author(", ["born:", "email:", "name:"]),
    CandidateCase("insert Ghost(", []),
    CandidateCase("Book#2.tags.add(", ["Author", "Book", "Student", "Tag", "ursula"]),
    // Strings and comments are not completed.
    CandidateCase("Author.where(name == \"Au", []),
    CandidateCase("Author.all // Au", []),
    CandidateCase("// comment\nAu", ["Author"]),
    CandidateCase("Author.where(name == \"a.b(\").", (queryMethods + authorMembers).sorted()),
    CandidateCase("Author#1", []),
    CandidateCase("Author#", []),
])
func candidatesPerContext(_ example: CandidateCase) {
    #expect(complete(example.input).candidates == example.candidates)
}

// MARK: - Unique and several candidates

@Test func uniqueEntityCompletesTheRestOfTheName() {
    #expect(complete("St") == CompletionResult(replaceFrom: 0, candidates: ["Student"], insertion: "udent"))
}

@Test func uniqueCommandAddsASpace() {
    #expect(complete(":he") == CompletionResult(replaceFrom: 0, candidates: [":help"], insertion: "lp "))
    #expect(complete("  :qu").replaceFrom == 2)
}

@Test func severalCandidatesInsertTheirCommonExtension() {
    #expect(complete(":les") == CompletionResult(replaceFrom: 0, candidates: [":lesson", ":lessons"], insertion: "son"))
    #expect(complete("Author.b").insertion == "")
    #expect(complete("Author.b").candidates == ["batches", "books", "born"])
    #expect(complete("Author.bo") == CompletionResult(replaceFrom: 7, candidates: ["books", "born"], insertion: ""))
}

@Test func stepsTakingArgumentsGetAParenthesis() {
    #expect(complete("Author.wh").insertion == "ere(")
    #expect(complete("Author.inc").insertion == "lude(")
    #expect(complete("Author.fir").insertion == "st")
    #expect(complete("Author.where").insertion == "(")
    #expect(complete("Book#1.tags.ad").insertion == "d(")
    #expect(complete("Author.where(books.an").insertion == "y(")
}

@Test func keywordsAndLabelsGetASpace() {
    #expect(complete("ins").insertion == "ert ")
    #expect(complete("sa").insertion == "ve")
    #expect(complete("Author.where(name li").insertion == "ke ")
    #expect(complete("insert Book(ti") == CompletionResult(replaceFrom: 12, candidates: ["title:"], insertion: "tle: "))
}

@Test func replaceFromIsTheStartOfTheWord() {
    #expect(complete("Book.where(author.na").replaceFrom == 18)
    #expect(complete(":lesson 02").replaceFrom == 8)
    #expect(complete(":explain Book.where(ye").replaceFrom == 20)
    #expect(complete("save\nAu").replaceFrom == 5)
}

@Test func cursorInTheMiddleCompletesTheTextBeforeIt() {
    #expect(complete("Au| and more") == CompletionResult(replaceFrom: 0, candidates: ["Author"], insertion: "thor"))
    #expect(complete("Book.where(ye|)").candidates == ["year"])
    #expect(complete("Book.where(ye|ar > 1)").insertion == "ar")
}

@Test func nonASCIIOffsetsAreCharacters() {
    let vocabulary = CompletionVocabulary(entities: [EntityVocabulary(name: "Élève", properties: ["prénom", "日本"])])
    #expect(complete("Él", vocabulary) == CompletionResult(replaceFrom: 0, candidates: ["Élève"], insertion: "ève"))
    #expect(complete("Élève.where(pr", vocabulary) == CompletionResult(replaceFrom: 12, candidates: ["prénom"], insertion: "énom"))
    #expect(complete("Élève.where(prénom == \"日本\" and 日", vocabulary).candidates == ["日本"])
}

@Test func outOfRangeCursorIsClamped() {
    #expect(CompletionEngine.complete(CompletionRequest(line: "St", cursor: 99), vocabulary: sampleVocabulary).insertion == "udent")
    #expect(CompletionEngine.complete(CompletionRequest(line: "St", cursor: -4), vocabulary: sampleVocabulary).candidates == statementStart)
}

@Test func emptyVocabularyGivesOnlyKeywords() {
    let result = complete("", CompletionVocabulary())
    #expect(result.candidates == ["begin", "commit", "delete", "entity", "for", "insert", "let", "rollback", "save"])
    #expect(complete("Author.", CompletionVocabulary()).candidates == [])
}

// MARK: - Robustness


@Test func garbageInputNeverCrashes() {
    var generator = SeededGenerator(seed: 42)
    let pieces = ["Author", "Book", ".", "(", ")", "{", "}", "[", "]", "\"", "\\", "//", "#", "1", ":", ",", ";",
                  "\n", " ", "where", "any", "include", "insert", "for", "in", "let", "=", "é", "日本", "\u{301}",
                  "books", "author", "tags", ":lesson ", ":explain ", "and", "<", "==", "\r\n", "\t", "\u{0}"]
    for round in 0..<400 {
        var text = ""
        if round % 4 == 0 {
            // Random bytes, repaired into a String the way the editor would see them.
            let bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            text = String(decoding: bytes, as: UTF8.self)
        } else {
            for _ in 0..<Int.random(in: 0...25, using: &generator) {
                text += pieces.randomElement(using: &generator) ?? ""
            }
        }
        let cursor = Int.random(in: -2...(text.count + 2), using: &generator)
        let result = CompletionEngine.complete(CompletionRequest(line: text, cursor: cursor), vocabulary: sampleVocabulary)
        let clamped = min(max(cursor, 0), text.count)
        #expect(result.replaceFrom >= 0 && result.replaceFrom <= clamped, "\(text.debugDescription) @\(cursor)")
        #expect(result.candidates == result.candidates.sorted())
        if result.candidates.isEmpty { #expect(result.insertion.isEmpty) }
    }
}

@Test(arguments: ["(((((", ")))))", "}}}{", "\"unterminated", "Author.where(\"a", "insert (", "insert Book(:", ".", "..",
                  "#1.", "Author#.", "Author#1..", "for in {", "let = .", "Author.where(books.any(.", "Author.include(.",
                  "\u{1B}[31m", String(repeating: "(", count: 2000) + "Author.", String(repeating: "Author.all.", count: 300)])
func unbalancedInputIsHarmless(_ text: String) {
    let result = complete(text)
    #expect(result.replaceFrom <= text.count)
}

@Test func unbalancedParenthesesStillResolveTheInnermostCall() {
    #expect(complete("((((Book.where(").candidates == (bookMembers + ["not"]).sorted())
    #expect(complete("Author.where(born < 1)) ) Book.").candidates == (queryMethods + bookMembers).sorted())
}
