import Report
@testable import Runtime
import SQLiteKit
import Testing
@testable import Workbench

// The hot paths measured by ormlab-bench keep their behaviour: insert order of the unit of work,
// reports with `buildsReports` off, the statement cache's fast path.

@Suite struct InsertOrderTests {
    /// A workbench with an Author/Book model and autoflush off, and the column of Book.author.
    func model() throws -> (Workbench, Int) {
        let wb = try Workbench()
        for r in wb.run("entity Author { name: String; books: [Book] }\nentity Book { title: String; author: Author }\n:set autoflush off") {
            expectOK(r)
        }
        let fk = try #require(wb.session.info("Book")?.mapping.columnIndex(named: "author_id"))
        return (wb, fk)
    }

    @Test func parentsCreatedLaterGoFirstAndTheRestKeepTheirOrder() throws {
        let (wb, fk) = try model()
        let s = wb.session
        // Created in the order b1 (→ a2), a1, a2, b2 (→ a1).
        let b1 = try s.insert(entity: "Book", values: [1: .text("B1")], references: [:])
        let a1 = try s.insert(entity: "Author", values: [1: .text("A1")], references: [:])
        let a2 = try s.insert(entity: "Author", values: [1: .text("A2")], references: [:])
        _ = try s.insert(entity: "Book", values: [1: .text("B2")], references: [fk: a1])
        try s.assign(b1, association: try #require(s.info("Book")?.mapping.association(named: "author")), to: a2)
        let reasons = try s.pendingStatements().map(\.reason)
        #expect(reasons == ["Author (new #1) new", "Author (new #2) new", "Book (new #2) new", "Book (new #1) new"])
    }

    @Test func aLongChainIsOrderedParentFirst() throws {
        let (wb, fk) = try model()
        let s = wb.session
        // Each book's author is created after it; the authors refer to nothing.
        var books: [ManagedObject] = []
        for n in 1...2_000 { books.append(try s.insert(entity: "Book", values: [1: .text("B\(n)")], references: [:])) }
        var authors: [ManagedObject] = []
        for n in 1...2_000 { authors.append(try s.insert(entity: "Author", values: [1: .text("A\(n)")], references: [:])) }
        let author = try #require(s.info("Book")?.mapping.association(named: "author"))
        for (book, a) in zip(books, authors) { try s.assign(book, association: author, to: a) }
        _ = fk
        let reasons = try s.pendingStatements().map(\.reason)
        #expect(reasons.count == 4_000)
        #expect(reasons.prefix(2) == ["Author (new #1) new", "Author (new #2) new"])
        #expect(reasons[2_000] == "Book (new #1) new")
        #expect(reasons.last == "Book (new #2000) new")
        let save = try #require(wb.run("save").first)
        expectOK(save)
        let count = try #require(wb.run("Book.where(author.name == \"A2000\").count").first)
        #expect(count.value == .integer(1))
    }

    @Test func chainsThroughNewObjectsTakeOnePassPerLink() throws {
        let wb = try Workbench()
        for r in wb.run("entity Person { name: String; mentor: Person? }\n:set autoflush off") { expectOK(r) }
        let s = wb.session
        let mentor = try #require(s.info("Person")?.mapping.association(named: "mentor"))
        // p1 → p3 → p2: p2 first, then p3, then p1.
        let p1 = try s.insert(entity: "Person", values: [1: .text("P1")], references: [:])
        let p2 = try s.insert(entity: "Person", values: [1: .text("P2")], references: [:])
        let p3 = try s.insert(entity: "Person", values: [1: .text("P3")], references: [:])
        try s.assign(p1, association: mentor, to: p3)
        try s.assign(p3, association: mentor, to: p2)
        #expect(try s.pendingStatements().map(\.reason) == ["Person (new #2) new", "Person (new #3) new", "Person (new #1) new"])
        // Closing the loop makes a cycle, which is explained.
        try s.assign(p2, association: mentor, to: p1)
        #expect(throws: ORMError("cannot order the inserts: these new objects refer to each other in a cycle: Person (new #1).mentor → Person (new #3); Person (new #2).mentor → Person (new #1); Person (new #3).mentor → Person (new #2)",
                                 hint: "save one of them first with the association set to nil, then assign it and save again")) {
            try s.pendingStatements()
        }
    }
}

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

@Suite struct StatementReuseTests {
    @Test func theSameWriteReusesOnePreparedStatement() throws {
        let db = try Connection()
        try db.execute("CREATE TABLE t (x INTEGER)")
        var seen: [String] = []
        db.observer = { seen.append($0.sql) }
        for i in 0..<3 { try db.run("INSERT INTO t (x) VALUES (?)", [.integer(Int64(i))]) }
        // A query nested inside another with the same SQL still gets its own statement.
        var pairs = 0
        try db.query("SELECT x FROM t WHERE x < ?", [.integer(2)]) { _ in
            try db.query("SELECT x FROM t WHERE x < ?", [.integer(2)]) { _ in pairs += 1 }
        }
        #expect(pairs == 4)
        try db.run("INSERT INTO t (x) VALUES (?)", [.integer(9)])
        var total: Int64 = 0
        try db.query("SELECT SUM(x) FROM t") { total = $0.int64(0) }
        #expect(total == 12)
        #expect(seen.filter { $0.hasPrefix("INSERT") }.count == 4)
    }
}

@Suite struct IdentityMapTests {
    /// Objects to put in maps (the map only stores references).
    func objects(_ n: Int) throws -> [ManagedObject] {
        let wb = try Workbench()
        for r in wb.run("entity Note { text: String }\n:set autoflush off") { expectOK(r) }
        return try (0..<n).map { _ in try wb.session.insert(entity: "Note", values: [1: .text("x")], references: [:]) }
    }

    @Test func behavesLikeADictionaryUnderInsertsReplacementsAndRemovals() throws {
        let pool = try objects(64)
        var map = IdentityMap()
        var model: [Int64: ManagedObject] = [:]
        var generator = SystemRandomNumberGenerator()
        // Ids in a few clusters (consecutive, sparse, negative) to exercise probing and shifting.
        let ids: [Int64] = Array(1...300) + (0..<100).map { Int64($0) * 1_000_003 } + [-5, -1, 0, Int64.max, Int64.min]
        for step in 0..<20_000 {
            let id = ids.randomElement(using: &generator)!
            if step % 3 == 0 {
                map[id] = nil
                model[id] = nil
            } else {
                let object = pool.randomElement(using: &generator)!
                map[id] = object
                model[id] = object
            }
            if step % 997 == 0 {
                #expect(map.count == model.count)
                for id in ids { #expect(map[id] === model[id]) }
            }
        }
        #expect(map.count == model.count)
        for id in ids { #expect(map[id] === model[id]) }
        #expect(Set(map.values.map(ObjectIdentifier.init)) == Set(model.values.map(ObjectIdentifier.init)))
        map.removeAll()
        #expect(map.isEmpty && map[1] == nil && map.values.isEmpty)
    }

    @Test func growsPastManyConsecutiveIds() throws {
        let pool = try objects(3)
        var map = IdentityMap()
        map.reserveCapacity(10)
        for id in 1...100_000 { map[Int64(id)] = pool[id % 3] }
        #expect(map.count == 100_000)
        #expect(map[1] === pool[1] && map[99_999] === pool[0] && map[100_000] === pool[1])
        #expect(map[0] == nil && map[100_001] == nil)
        for id in stride(from: 1, through: 100_000, by: 2) { map[Int64(id)] = nil }
        #expect(map.count == 50_000)
        #expect(map[2] === pool[2] && map[3] == nil)
    }
}
