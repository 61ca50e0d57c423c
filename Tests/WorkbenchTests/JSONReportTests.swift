import Foundation
import Render
import Report
import Testing
@testable import Workbench

@Suite struct JSONReportTests {
    @Test func jsonLineHasTheSpecKeysAndTypes() throws {
        let reports = try runScript("""
        entity Author { name: String; born: Int? }
        insert Author(name: "Le Guin", born: 1929)
        Author.where(born < 1950)
        """)
        let line = JSONRenderer.render(reports[2])
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        for key in ["input", "ok", "mapping", "sql", "objects", "notes", "diagnostics"] {
            #expect(object[key] != nil, "missing key \(key)")
        }
        #expect(object["input"] as? String == "Author.where(born < 1950)")
        #expect(object["ok"] as? Bool == true)
        let sql = try #require(object["sql"] as? [[String: Any]])
        let select = try #require(sql.last)
        #expect(select["sql"] as? String == #"SELECT "author".* FROM "author" WHERE "author"."born" < ?"#)
        #expect(select["params"] as? [Int] == [1950])
        #expect(select["rows"] as? Int == 1)
        #expect(select["cause"] as? String == "Author.where(born < 1950)")
        let objects = try #require(object["objects"] as? [[String: Any]])
        #expect(objects.first?["ref"] as? String == "Author#1")
        #expect(objects.first?["state"] as? String == "clean")
        let values = try #require(objects.first?["values"] as? [String: Any])
        #expect(values["name"] as? String == "Le Guin")
        #expect(values["born"] as? Int == 1929)
    }

    @Test func jsonDiagnosticsCarryLineAndColumn() throws {
        let reports = try runScript("""
        entity Author { name: String }
        Author.where(nmae == 1)
        """)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(JSONRenderer.render(reports[1]).utf8)) as? [String: Any])
        #expect(object["ok"] as? Bool == false)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.first?["line"] as? Int == 2)
        #expect(diagnostics.first?["column"] as? Int == 14)
        #expect(diagnostics.first?["severity"] as? String == "error")
        #expect(diagnostics.first?["hint"] as? String == "did you mean 'name'?")
    }
}
