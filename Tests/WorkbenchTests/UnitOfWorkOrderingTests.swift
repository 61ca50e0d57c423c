import Report
import Testing
@testable import Workbench

@Suite struct UnitOfWorkOrderingTests {
    @Test func newParentsAreInsertedBeforeTheirNewChildren() throws {
        let reports = try runScript("""
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        let b = insert Book(title: "Kindred", author: a)
        """)
        // `a` does not exist yet: a clear diagnostic, nothing half-done.
        #expect(reports.last?.diagnostics.first?.message == "unknown name 'a'")

        let wb = try Workbench()
        let run = wb.run("""
        entity Author { name: String; books: [Book] }
        entity Book { title: String; author: Author }
        let a = insert Author(name: "Butler")
        insert Book(title: "Kindred", author: a)
        :pending
        save
        """)
        for r in run { expectOK(r) }
        guard case .code(_, let lines) = try #require(run[4].blocks.first) else { Issue.record("no pending SQL"); return }
        #expect(lines.contains(#"2. INSERT INTO "book" ("title", "author_id") VALUES (?, ?)  -- "Kindred", ⟨id of Author (new #1)⟩"#))
        #expect(dataSQL(run[5]) == [#"INSERT INTO "author" ("name") VALUES (?)"#, #"INSERT INTO "book" ("title", "author_id") VALUES (?, ?)"#])
        #expect(run[5].sql.last { $0.sql.hasPrefix("INSERT") }?.params == [.text("Kindred"), .integer(1)])
    }

    @Test func aCycleOfNewObjectsIsExplained() throws {
        let wb = try Workbench()
        let run = wb.run("""
        entity Employee { name: String; manager: Employee?; reports: [Employee] via manager }
        let boss = insert Employee(name: "Boss")
        let deputy = insert Employee(name: "Deputy", manager: boss)
        boss.manager = deputy
        save
        """)
        let save = try #require(run.last)
        #expect(!save.ok)
        #expect(save.diagnostics[0].message == "cannot order the inserts: these new objects refer to each other in a cycle: Employee (new #1).manager → Employee (new #2); Employee (new #2).manager → Employee (new #1)")
        #expect(save.diagnostics[0].hint == "save one of them first with the association set to nil, then assign it and save again")
        #expect(save.sql.isEmpty)
        // Breaking the cycle as the hint says works.
        let fixed = wb.run("""
        boss.manager = nil
        save
        boss.manager = deputy
        save
        """)
        for r in fixed { expectOK(r) }
    }
}
