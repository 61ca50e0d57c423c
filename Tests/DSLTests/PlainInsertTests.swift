import TestSupport
import Testing
@testable import DSL

// `Lexer.plainInsert` reads the plainest inserts without tokens. It must give exactly what the
// parser gives token by token: the same nodes, the same ranges (line, column, offset) and the
// same diagnostics, or decline.

/// Parses `text` both ways and expects the same items.
private func expectSameParse(_ text: String, firstLine: Int = 1, sourceLocation: SourceLocation_ = #_sourceLocation) {
    let file = SourceFile(name: "<test>", text: text, firstLine: firstLine)
    let fast = Parser.parse(file, readsPlainInserts: true).items
    let slow = Parser.parse(file, readsPlainInserts: false).items
    #expect(fast == slow, "\(text.debugDescription)", sourceLocation: sourceLocation)
}

private typealias SourceLocation_ = Testing.SourceLocation

/// True when the plain reader takes the insert at the start of `text`.
private func isReadPlainly(_ text: String) -> Bool {
    var lexer = Lexer(file: SourceFile(text: text))
    _ = lexer.next() // insert
    return lexer.plainInsert() != nil
}

@Test func theBenchmarkLineIsReadPlainly() {
    let line = #"insert Person(name: "Person 17", email: "person17@example.com", age: 35, score: 1.7, city: "Osaka")"#
    #expect(isReadPlainly(line))
    #expect(isReadPlainly(#"insert Person(name: "Kraków", city: "Montréal", ok: true, gone: nil)"#))
    expectSameParse(line + "\n" + line + "\nsave\n")
}

@Test func unusualInsertsAreLeftToTheParser() {
    for text in [#"insert P(name: "a\"b")"#, "insert `P`(a: 1)", "insert P(a: 1_000)", "insert P(a: 2e3)",
                 "insert P(a: -1)", "insert P(1)", "insert P(a: b)", "insert P(a: 1 + 2)", "insert P(a: 1 // c\n)",
                 "insert P(a:\n 1)", #"insert P(a: "\#u{301}x")"#, "insert P(a: 99999999999999999999)"] {
        #expect(!isReadPlainly(text), "\(text)")
        expectSameParse(text)
    }
}

@Test func plainAndTokenReadingsAgreeOnVariations() {
    let inserts = [
        #"insert Person(name: "Person 17", email: "person17@example.com", age: 35, score: 1.7, city: "Osaka")"#,
        "insert P()", "insert P( )", "insert P(a: 1,)", "insert P(a: 1, )", "insert P(a:1,b:2)",
        "insert\tP\t(\ta\t:\t1\t)", "insert P (a: 1)", "insert P(in: 1, save: true, nil: false)",
        "insert save(a: nil)", "insert P(a: 007, b: 0.50, c: 123456789012345678)",
        "insert P(a: 9223372036854775807)", "insert P(a: 9223372036854775808)", "insert P(a: 1.)",
        "insert P(a: 1.x)", "insert P(a: 1.5.x)", "insert P(a: 12abc)", "insert P(a: 1e)",
        #"insert P(a: "")"#, #"insert P(a: "e\#u{301}x")"#, #"insert P(a: "x\#u{301}")"#,
        #"insert P(a: "日本語 text")"#, #"insert P(a: "👩‍👩‍👧 x")"#, #"insert P(a: "x")\#u{301}"#,
        #"insert P(a: "unterminated)"#, "insert P(a: 1", "insert P(a: 1 b: 2)", "insert P(a = 1)",
        "insert P(a: 1, a: 2)", "insert P(a: true asc)", "insert P(a: 1))", "insert P(a: 1) save",
        "insert P(a: 1) and", "insert P(a: 1); save", "insert P(a: 1)\r\nsave", "insert P(a: 1) // done",
        "insert P(a: 1)\n  .count", "insert", "insert P", "insert P a", "insert 3(a: 1)",
        "let x = insert P(a: 1, b: \"y\")", "for a in P.all { insert Q(p: 1); insert Q(p: 2) }",
        "for a in P.all {\n  insert Q(p: 1)\n}", "insert P(a: @)", "insert P(ä: 1)", "insert Pé(a: 1)",
        "insert P(a:\u{301} 1)", "insert P(a: 1,\u{301})",
    ]
    for text in inserts {
        expectSameParse(text)
        expectSameParse("save\n\n  " + text + "\nsave", firstLine: 7)
        expectSameParse("Ä = 1; " + text)
    }
}

/// `text` after one to three random edits: a character of `alphabet` inserted or put in place
/// of one, or a character removed.
private func randomlyEdited(_ text: [Character], from alphabet: [Character], _ generator: inout SeededGenerator) -> [Character] {
    var text = text
        for _ in 0..<(1 + Int(generator.next() % 3)) {
            let position = Int(generator.next() % UInt64(text.count + 1))
            let character = alphabet[Int(generator.next() % UInt64(alphabet.count))]
            switch generator.next() % 3 {
            case 0: text.insert(character, at: position)
            case 1: if position < text.count { text.remove(at: position) }
            default: if position < text.count { text[position] = character }
            }
        }
    return text
}

@Test func plainAndTokenReadingsAgreeOnRandomEdits() {
    // Deterministic edits of a plain insert: every result parses the same both ways.
    var generator = SeededGenerator(seed: 42)
    let base = Array(#"insert Person(name: "Kraków 1", email: "p@x.com", age: 35, score: 1.7, ok: true)"#)
    let alphabet = Array(#"abzAZ_019 .,:;()"\#t\#n\#r\#\=-+#é́👩`/e"#)
    for _ in 0..<3_000 {
        let text = randomlyEdited(base, from: alphabet, &generator)
        expectSameParse(String(text) + "\n" + String(text))
    }
    // Edits anywhere in a script of three inserts (the second and third are read after a line break).
    let script = Array(String(base) + "\n" + String(base) + "\r\n  " + String(base))
    for _ in 0..<1_000 {
        let text = randomlyEdited(script, from: alphabet, &generator)
        expectSameParse(String(text))
    }
}


@Test func insertsAfterALineBreakAreReadAsTheParserReadsThem() {
    // `Parser.nextItem` reads `insert` right after a line break from the bytes
    // (`Lexer.insertKeywordAndPlainInsert`); the keyword's spellings and surroundings it
    // must take or leave exactly as the token-by-token parser does.
    let line = #"insert Person(name: "Kraków 1", email: "p@x.com", age: 35, score: 1.7, ok: true)"#
    #expect({
        var lexer = Lexer(file: SourceFile(text: "save\n" + line))
        _ = lexer.next() // save
        _ = lexer.next() // the line break
        return lexer.insertKeywordAndPlainInsert() != nil
    }())
    let seconds = [line, "insert\tP(a: 1)", "insert  P(a: 1)", "insertP(a: 1)", "inserts P(a: 1)", "insert(a: 1)",
                   "insert", "insert ", "insert P", "insert\u{301} P(a: 1)", "`insert` P(a: 1)", "Insert P(a: 1)",
                   "insert P(a: @)", "insert P(a: 1) save", "insert P(a: 1) and", "insert P(a: 1)) x",
                   "insert P(a: 1); insert P(a: 2)", "insert P(a: 1) // c", "insert P(a:\n 1)", "insert P(a: 1,",
                   "insert P(a: \"x\")\u{301}", "insert P(a: 1)\n  .count", "insert P(a: 1)\n.count",
                   "insert P(a: 1) {", "insert P(a: 1)\n}", "insert P(a: 1)\n)"]
    let breaks = ["\n", "\r\n", "\n\n", "\n  ", "\n\t", "\n// comment\n", "\n \r\n", ";", "; ", "\n;\n"]
    for second in seconds {
        for lineBreak in breaks {
            for first in [line, "save", "insert P(a: @)", "insert P(a: 1", "(", "for a in P.all {", "é"] {
                expectSameParse(first + lineBreak + second)
                expectSameParse(first + lineBreak + second + lineBreak + line + "\nsave", firstLine: 4)
            }
        }
    }
}

@Test func charactersBelowCombiningMarksAreCountedAsStringCountsThem() {
    // Every scalar below U+0300 but line breaks, beside each of a few others, and random runs.
    let scalars = (0..<0x300).compactMap(Unicode.Scalar.init).filter { $0 != "\n" && $0 != "\r" }
    let others: [Unicode.Scalar] = ["a", "é", "\u{AD}", "\u{85}", "\u{A9}", "\u{2FF}", "\u{300}", "\u{301}", "\u{200D}", "日", "👩"]
    func check(_ text: String) {
        let bytes = Array(text.utf8)
        let counted = bytes.withUnsafeBufferPointer { PlainInsertReader.characterCountBelowCombiningMarks($0, 0, bytes.count) }
        let below = text.unicodeScalars.allSatisfy { $0.value < 0x300 }
        #expect(counted == (below ? text.count : nil), "\(text.debugDescription)")
    }
    for a in scalars {
        for b in others {
            check(String(a) + String(b))
            check(String(b) + String(a))
        }
    }
    var generator = SeededGenerator(seed: 3)
    for _ in 0..<2_000 {
        var text = ""
        for _ in 0..<(1 + Int(generator.next() % 12)) {
            text.unicodeScalars.append(scalars[Int(generator.next() % UInt64(scalars.count))])
        }
        check(text)
    }
}

@Test func namePartsByMaskAreLettersDigitsAndUnderscores() {
    for a in UInt8.min...UInt8.max {
        let expected = (a >= 65 && a <= 90) || (a >= 97 && a <= 122) || a == 95 || (a >= 48 && a <= 57)
        #expect(PlainInsertReader.isNamePart(a) == expected, "\(a)")
    }
}

@Test func plainDecimalsReadAsDoubleDoes() {
    var generator = SeededGenerator(seed: 7)
    var samples = ["0.0", "1.7", "0.1", "123456789012345.6", "1.2345678901234567", "0.0000000000000000000001",
                   "99999999999999.99", "000123.4500", "9007199254740993.0", "1.00000000000000000000000001"]
    for _ in 0..<20_000 {
        let whole = generator.next() % 1_000_000_000
        let fraction = generator.next() % 1_000_000_000
        let zeros = String(repeating: "0", count: Int(generator.next() % 8))
        samples.append("\(whole).\(zeros)\(fraction)")
    }
    for text in samples {
        #expect(PlainInsertReader.plainDecimal(ArraySlice(Array(text.utf8))) == Double(text), "\(text)")
    }
}

// MARK: - Keywords and the plain reader's short strings

@Test func keywordLookupAgreesWithRawValues() {
    for keyword in Keyword.allCases {
        #expect(Keyword.spelled(keyword.rawValue) == keyword)
    }
    // Same length and first letter as a keyword, and other near misses.
    for word in ["", "a", "an", "ask", "ana", "o", "ox", "nut", "nix", "inert", "indx", "savE", "Save", "entitY",
                 "rollbacks", "begins", "commits", "likes", "tru", "fals", "vie", "des", "uniqeu", "é", "in\u{301}"] {
        #expect(Keyword.spelled(word) == Keyword(rawValue: word), "\(word)")
    }
}

@Test func manyDistinctShortNamesReadPlainlyAsTheParserReadsThem() {
    // More short labels and values than the reader's table of short strings has slots, so
    // slots are taken over by other texts and must never hand back the wrong one.
    var lines: [String] = []
    for i in 0..<300 {
        let label = "p\(i % 97)x\(i % 13)"
        lines.append(#"insert E\#(i % 7)(\#(label): "v\#(i % 89)", q\#(i % 5): "abcdefghijklmnop\#(i % 3)", ok: true)"#)
    }
    expectSameParse(lines.joined(separator: "\n"))
    let file = SourceFile(text: lines.joined(separator: "\n"))
    let items = Parser.parse(file).items
    #expect(items.count == 300)
    for (i, item) in items.enumerated() {
        guard case .command(.statement(.insert(let entity, let arguments, _))) = item else {
            Issue.record("not an insert: \(item)")
            continue
        }
        #expect(entity.name == "E\(i % 7)")
        #expect(arguments.map { $0.label?.name } == ["p\(i % 97)x\(i % 13)", "q\(i % 5)", "ok"])
        #expect(arguments.first?.literalValue?.literal == .string("v\(i % 89)"))
        #expect(arguments[1].literalValue?.literal == .string("abcdefghijklmnop\(i % 3)"))
    }
}

// MARK: - Scanning string contents

@Test func plainStringEndAgreesWithAByteLoop() {
    // Eight bytes at a time must stop exactly where a byte loop stops: every length, a stop
    // byte (or non-ASCII) at every offset, near the buffer's end too.
    func byteLoop(_ bytes: [UInt8], from: Int) -> (end: Int, ascii: Bool)? {
        var ascii = true
        for j in from..<bytes.count {
            switch bytes[j] {
            case 34: return (j, ascii)
            case 92, 10, 13: return nil
            case let b: if b >= 0x80 { ascii = false }
            }
        }
        return nil
    }
    var generator = SeededGenerator(seed: 11)
    let fillers: [UInt8] = Array("a Z09@.-_~!#".utf8) + [0x80, 0xC3, 0xA9, 0xFF, 0x01, 0x21, 0x23, 0x5B, 0x5D, 0x0B]
    let stops: [UInt8] = [34, 92, 10, 13]
    for length in 0..<40 {
        for _ in 0..<60 {
            var bytes = (0..<length).map { _ in fillers[Int(generator.next() % UInt64(fillers.count))] }
            // Zero to three stop bytes at random places.
            for _ in 0..<Int(generator.next() % 4) where length > 0 {
                bytes[Int(generator.next() % UInt64(length))] = stops[Int(generator.next() % 4)]
            }
            for from in [0, 1, 3].filter({ $0 <= length }) {
                let fast = bytes.withUnsafeBufferPointer { PlainInsertReader.plainStringEnd($0, from: from) }
                let slow = byteLoop(bytes, from: from)
                #expect(fast?.end == slow?.end && fast?.ascii == slow?.ascii, "\(bytes) from \(from)")
            }
        }
    }
}

@Test func asciiStringsAreTheTextOfTheirBytes() {
    for length in 0..<40 {
        let text = String((0..<length).map { Character(UnicodeScalar(UInt8(32 + ($0 * 7) % 95))) })
        let bytes = Array(text.utf8)
        let made = bytes.withUnsafeBufferPointer { PlainInsertReader.asciiString($0, 0, $0.count) }
        #expect(made == text)
        #expect(made.utf8.count == length)
    }
}

// MARK: - Arguments

@Test func argumentLabelsReadAndWriteAsOptionalIdentifiers() {
    let r = SourceRange(SourceLocation(line: 1, column: 1, offset: 0), SourceLocation(line: 1, column: 3, offset: 2))
    let other = SourceRange(SourceLocation(line: 2, column: 1, offset: 5), SourceLocation(line: 2, column: 2, offset: 6))
    var argument = Argument(value: .literal(.integer(1), r), range: r)
    #expect(argument.label == nil && argument.labelName == nil)
    #expect(argument == Argument(label: nil, value: .literal(.integer(1), r), range: r))
    argument.label = Identifier("", other)
    #expect(argument.label == Identifier("", other) && argument.labelName == "")
    #expect(argument != Argument(value: .literal(.integer(1), r), range: r))
    argument.label = Identifier("name", r)
    #expect(argument == Argument(label: Identifier("name", r), value: .literal(.integer(1), r), range: r))
    #expect(argument != Argument(label: Identifier("name", other), value: .literal(.integer(1), r), range: r))
    argument.label = nil
    #expect(argument == Argument(value: .literal(.integer(1), r), range: r))
}

@Test func theTokenAfterAPlainInsertIsTheOneNextGives() {
    // `nextAfterPlainInsert` makes a line break's token directly in the common case; every
    // token from there on must be what `next()` gives.
    let after = ["\ninsert P(a: 2)", "\nsave", "\n_x", "\nZ", "\n.count", "\n  .count", "\n\nsave", "\n// c\nsave",
                 "\n1", "\nä", "\n\u{301}x", "\r\nsave", "\n", "", " \nsave", "; save", "\n(", "\n\"s\"", "\n#"]
    for tail in after {
        for line in ["insert P(a: 1)", #"insert Person(name: "Kraków", n: 1.5)"#] {
            let text = line + tail
            var lexer = Lexer(file: SourceFile(text: text, firstLine: 3))
            _ = lexer.next() // insert
            #expect(lexer.plainInsert() != nil, "\(text.debugDescription)")
            var reference = lexer
            // A line break's token reused in place (from inside braces, so its depth differs).
            var braces = Lexer(file: SourceFile(text: "{\n x"))
            _ = braces.next() // {
            var reused = braces.next()
            #expect(reused.kind == .newline && reused.depth == 1)
            var reusing = lexer
            if reusing.reuseNewlineAfterPlainInsert(&reused) {
                var check = lexer
                #expect(reused == check.next(), "\(text.debugDescription)")
                #expect(reusing.next() == check.next(), "\(text.debugDescription)")
            }
            var fast = lexer.nextAfterPlainInsert()
            var slow = reference.next()
            while true {
                #expect(fast == slow, "\(text.debugDescription)")
                if slow.kind == .endOfInput || fast.kind == .endOfInput { break }
                fast = lexer.next()
                slow = reference.next()
            }
        }
    }
}
