import Foundation
import Testing
import Report
@testable import Render

private func parse(_ json: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8))
    return try #require(object as? [String: Any])
}

@Test func queryJSONIsPinned() {
    #expect(JSONRenderer.render(Fixtures.query) == #"""
        {"input":"Author.where(born < 1950 and name like \"%u%\")","ok":true,"mapping":[{"entity":"Author","table":"author","columns":[{"property":"id","column":"id","type":"INTEGER","constraints":["PRIMARY KEY"]},{"property":"name","column":"name","type":"TEXT","constraints":["NOT NULL"]},{"property":"born","column":"born","type":"INTEGER","constraints":[]}],"associations":[{"name":"books","kind":"has-many","target":"Book","storage":"book.author_id → author.id","details":["inverse of Book.author"]}],"indexes":["author_name ON author(name)"]}],"sql":[{"sql":"SELECT \"author\".* FROM \"author\" WHERE \"author\".\"born\" < ? AND \"author\".\"name\" LIKE ?","params":[1950,"%u%"],"rows":2,"ms":0.042,"cause":"Author.where(born < 1950 and name like \"%u%\")","counters":{"vm_steps":28,"full_scan_steps":1,"sorts":0,"auto_indexes":0}}],"objects":[{"ref":"Author#1","entity":"Author","state":"clean","values":{"name":"Ursula K. Le Guin","born":1929},"associations":{"books":null},"from_identity_map":false},{"ref":"Author#2","entity":"Author","state":"dirty","values":{"name":"村上春樹 👍🏽","born":1949},"associations":{"books":["Book#1","Book#2"]},"from_identity_map":true,"changes":{"name":"Murakami"}}],"notes":[{"kind":"identity-map","message":"1 of 2 objects were already in the identity map: the row was read, but the same object came back (its in-memory state wins)"}],"diagnostics":[],"blocks":[],"summary":"1 statement · 2 rows · 2 objects (1 from the identity map)"}
        """#)
}

@Test func everyReportIsOneLineOfValidJSON() throws {
    for report in [Fixtures.query, Fixtures.ddl, Fixtures.waiting, Fixtures.diagnostic, Fixtures.nPlusOne, Fixtures.value,
                   Fixtures.help, Fixtures.table] {
        let json = JSONRenderer.render(report)
        #expect(!json.contains("\n"))
        #expect(!json.hasSuffix(" "))
        let object = try parse(json)
        #expect(object["input"] as? String == report.input)
        #expect(object["ok"] as? Bool == report.ok)
        #expect(object["summary"] as? String == report.summary)
        for key in ["mapping", "sql", "objects", "notes", "diagnostics", "blocks"] {
            #expect(object[key] is [Any], "\(key)")
        }
    }
}

@Test func keysComeInTheDocumentedOrder() {
    let json = JSONRenderer.render(Fixtures.value)
    let keys = ["\"input\":", "\"ok\":", "\"mapping\":", "\"sql\":", "\"objects\":", "\"value\":", "\"notes\":",
                "\"diagnostics\":", "\"blocks\":", "\"summary\":"]
    let positions = keys.compactMap { json.range(of: $0)?.lowerBound }
    #expect(positions.count == keys.count)
    #expect(positions == positions.sorted())
}

@Test func sectionsAreTyped() throws {
    let query = try parse(JSONRenderer.render(Fixtures.query))
    let entity = try #require((query["mapping"] as? [[String: Any]])?.first)
    #expect(entity["entity"] as? String == "Author")
    #expect(entity["status"] == nil)
    let column = try #require((entity["columns"] as? [[String: Any]])?[1])
    #expect(column["type"] as? String == "TEXT")
    #expect(column["constraints"] as? [String] == ["NOT NULL"])
    let association = try #require((entity["associations"] as? [[String: Any]])?.first)
    #expect(association["kind"] as? String == "has-many")
    #expect(association["details"] as? [String] == ["inverse of Book.author"])

    let statement = try #require((query["sql"] as? [[String: Any]])?.first)
    let params = try #require(statement["params"] as? [Any])
    #expect(params.first as? Int == 1950)
    #expect(params.last as? String == "%u%")
    #expect(statement["rows"] as? Int == 2)
    #expect(statement["ms"] as? Double == 0.042)
    #expect((statement["counters"] as? [String: Any])?["full_scan_steps"] as? Int == 1)

    let objects = try #require(query["objects"] as? [[String: Any]])
    #expect(objects.count == 2)
    #expect((objects[0]["values"] as? [String: Any])?["born"] as? Int == 1929)
    #expect((objects[0]["associations"] as? [String: Any])?["books"] is NSNull)
    #expect((objects[1]["associations"] as? [String: Any])?["books"] as? [String] == ["Book#1", "Book#2"])
    #expect(objects[1]["from_identity_map"] as? Bool == true)
    #expect((objects[1]["changes"] as? [String: Any])?["name"] as? String == "Murakami")
    #expect(objects[0]["changes"] == nil)
    #expect(query["value"] == nil)

    let nPlusOne = try parse(JSONRenderer.render(Fixtures.nPlusOne))
    #expect(try parse(JSONRenderer.render(Fixtures.value))["value"] as? Int == 1)
    let counters = try #require((nPlusOne["sql"] as? [[String: Any]])?.first?["counters"] as? [String: Any])
    #expect(counters["full_scan_steps"] as? Int == 2)
    #expect(counters["sorts"] as? Int == 1)
    let notes = try #require(nPlusOne["notes"] as? [[String: Any]])
    #expect(notes.first?["kind"] as? String == "n+1")

    let diagnostic = try parse(JSONRenderer.render(Fixtures.diagnostic))
    #expect(diagnostic["ok"] as? Bool == false)
    let record = try #require((diagnostic["diagnostics"] as? [[String: Any]])?.first)
    #expect(record["severity"] as? String == "error")
    #expect(record["line"] as? Int == 1)
    #expect(record["column"] as? Int == 14)
    #expect(record["hint"] as? String == "did you mean 'name'?")

    let waiting = try parse(JSONRenderer.render(Fixtures.waiting))
    #expect((waiting["mapping"] as? [[String: Any]])?.first?["status"] as? String == "waiting for Book")

    let table = try parse(JSONRenderer.render(Fixtures.table))
    let block = try #require((table["blocks"] as? [[String: Any]])?.first)
    #expect(block["type"] as? String == "table")
    #expect(block["title"] is NSNull)
    #expect(block["header"] as? [String] == ["id", "name", "born"])
    #expect((block["rows"] as? [[String]])?.last == ["10", "\"Octavia\"", "nil"])
}

@Test func valuesAreTypedAndEscaped() throws {
    let report = Report(
        input: "line1\nline2\t\"q\" \\ \u{01}\u{1F}\u{7F}",
        objects: [ObjectSnapshot(ref: "Doc#1", entity: "Doc", state: .new, values: [
            NamedValue("n", .null), NamedValue("i", .integer(-42)), NamedValue("r", .real(2.5)),
            NamedValue("inf", .real(.infinity)), NamedValue("nan", .real(.nan)), NamedValue("b", .bool(false)),
            NamedValue("blob", .blob([1, 2, 3])), NamedValue("t", .text("日本\u{2028}")),
        ], associations: [AssociationSnapshot(name: "owner", loaded: [], isToMany: false)])],
        omittedObjects: 2)
    let json = JSONRenderer.render(report)
    #expect(json.hasPrefix(#"{"input":"line1\nline2\t\"q\" \\ \u0001\u001f\u007f","#))
    #expect(json.contains(#""values":{"n":null,"i":-42,"r":2.5,"inf":null,"nan":null,"b":false,"blob":{"bytes":3},"t":"日本\u2028"}"#))
    #expect(json.contains(#""associations":{"owner":[]}"#))
    #expect(json.contains(#""omitted_objects":2,"#))
    let object = try parse(json)
    #expect(object["input"] as? String == report.input)
    #expect(object["omitted_objects"] as? Int == 2)
}

@Test func nonFiniteTimeIsNull() {
    let report = Report(input: "x", sql: [StatementRecord(sql: "SELECT 1", ms: .nan, cause: "x")])
    #expect(JSONRenderer.render(report).contains(#""rows":0,"ms":null,"cause":"x""#))
}

@Test func resetMakesTheReportOfANewCommand() {
    // `Workbench.run` reuses one report: a reset must leave nothing of the command before.
    var report = Fixtures.query
    report.ok = false
    report.value = .integer(3)
    report.notes = [Note(.info, "n")]
    report.diagnostics = [DiagnosticRecord(severity: "error", message: "m", line: 1, column: 2, hint: nil, rendered: "r")]
    report.blocks = [.text(title: nil, body: "b")]
    report.omittedObjects = 7
    let handedOut = report
    report.reset(input: "Book.all")
    #expect(report == Report(input: "Book.all"))
    #expect(handedOut.objects == Fixtures.query.objects && handedOut.omittedObjects == 7) // a value: untouched
}
