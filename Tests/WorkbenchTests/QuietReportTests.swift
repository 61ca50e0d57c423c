import Report
@testable import Runtime
import SQLiteKit
import Testing
@testable import Workbench

@Suite struct QuietReportTests {
    let script = """
    entity Author { name: String; books: [Book] }
    entity Book { title: String; author: Author }
    insert Author(name: "Le Guin")
    insert Author(name: "Butler")
    save
    insert Book(title: "Kindred", author: Author#2)
    Author.all
    Author.all.include(books)
    Author#1.name = "Ursula K. Le Guin"
    save
    Author.count
    """

    @Test func commandsRunTheSameWithoutObjectsAndMappingPanes() throws {
        let full = try Workbench()
        let quiet = try Workbench()
        quiet.buildsReports = false
        let fullReports = full.run(script)
        let quietReports = quiet.run(script)
        #expect(fullReports.count == quietReports.count)
        for (f, q) in zip(fullReports, quietReports) {
            #expect(f.ok && q.ok)
            #expect(f.sql.map(\.sql) == q.sql.map(\.sql))
            #expect(f.sql.map(\.params) == q.sql.map(\.params))
            #expect(f.value == q.value)
            #expect(q.objects.isEmpty)
            #expect(f.objects.count + f.omittedObjects == q.omittedObjects)
            if !f.input.hasPrefix("entity") { #expect(q.mapping.isEmpty) }
        }
        #expect(quietReports.last?.value == .integer(2))
        #expect(quietReports[6].omittedObjects == 2)
    }
}
