import Report
@testable import Runtime
import SQLiteKit
import Testing
@testable import Workbench

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
