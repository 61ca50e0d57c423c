@testable import Runtime
import TestSupport
import Testing

// `IDIndex` against a reference model (a dictionary of positions beside the list of ids), on
// seeded random sequences of inserts, removals, lookups, reservations and clears. The index
// keeps dense ids in an array indexed by id and others in a hash table, and changes between
// the two as ids come; the sequences below drive it through both modes and both changes, and
// after every step the positions and the list of ids must be the model's.

/// What `IDIndex` must do: positions in order of insertion, a removal moving the last id into
/// the gap.
private struct ReferenceIndex {
    var ids: [Int64] = []
    var positions: [Int64: Int] = [:]

    mutating func insert(_ id: Int64) -> (position: Int, inserted: Bool) {
        if let position = positions[id] { return (position, false) }
        ids.append(id)
        positions[id] = ids.count - 1
        return (ids.count - 1, true)
    }

    mutating func remove(_ id: Int64) -> Int? {
        guard let removed = positions.removeValue(forKey: id) else { return nil }
        let last = ids.removeLast()
        if removed < ids.count {
            ids[removed] = last
            positions[last] = removed
        }
        return removed
    }

    mutating func removeAll() {
        ids = []
        positions = [:]
    }
}

/// Runs `steps` random operations on an index and the model, with ids from `nextID`, and
/// checks them against each other after each one. Returns how often the index changed mode
/// (direct → hash, hash → direct; not counting the return to direct mode of `removeAll`).
@discardableResult
private func checkAgainstModel(
    steps: Int, seed: UInt64, clearEvery: Int = 0,
    sourceLocation: SourceLocation = #_sourceLocation,
    nextID: (inout SeededGenerator, ReferenceIndex) -> Int64
) -> (toHash: Int, toDirect: Int) {
    var rng = SeededGenerator(seed: seed)
    var index = IDIndex()
    var model = ReferenceIndex()
    var changes = (toHash: 0, toDirect: 0)
    for step in 0..<steps {
        let wasDirect = index.isDirect
        var cleared = false
        let roll = Int.random(in: 0..<100, using: &rng)
        // Removals and lookups mostly of present ids, sometimes of any.
        func someID(_ rng: inout SeededGenerator) -> Int64 {
            if !model.ids.isEmpty && Bool.random(using: &rng) { return model.ids.randomElement(using: &rng)! }
            return nextID(&rng, model)
        }
        switch roll {
        case ..<60:
            let id = nextID(&rng, model)
            let got = index.insert(id)
            let expected = model.insert(id)
            #expect(got == expected, "step \(step): insert(\(id))", sourceLocation: sourceLocation)
        case ..<80:
            let id = someID(&rng)
            #expect(index.remove(id) == model.remove(id), "step \(step): remove(\(id))", sourceLocation: sourceLocation)
        case ..<98:
            let id = someID(&rng)
            #expect(index[id] == model.positions[id], "step \(step): [\(id)]", sourceLocation: sourceLocation)
        default:
            if clearEvery > 0 && Int.random(in: 0..<clearEvery, using: &rng) == 0 {
                index.removeAll()
                model.removeAll()
                cleared = true
            } else {
                index.reserveCapacity(model.ids.count + Int.random(in: 0..<2_000, using: &rng))
            }
        }
        #expect(index.ids == model.ids && index.count == model.ids.count, "step \(step)", sourceLocation: sourceLocation)
        if step % 211 == 0 {
            for (id, position) in model.positions where index[id] != position {
                Issue.record("step \(step): [\(id)] is \(String(describing: index[id])), not \(position)", sourceLocation: sourceLocation)
            }
        }
        if wasDirect && !index.isDirect { changes.toHash += 1 }
        if !wasDirect && index.isDirect && !cleared { changes.toDirect += 1 }
    }
    for (id, position) in model.positions {
        #expect(index[id] == position, "end: [\(id)]", sourceLocation: sourceLocation)
    }
    return changes
}

@Suite struct IDIndexModelTests {
    @Test func denseSequentialIdsStayDirect() {
        var next: Int64 = 0
        let changes = checkAgainstModel(steps: 6_000, seed: 1, clearEvery: 5) { rng, model in
            // Mostly the next rowid; sometimes one already used (present or removed). A clear
            // starts the rowids over.
            if model.ids.isEmpty { next = 0 }
            if next > 0 && Int.random(in: 0..<4, using: &rng) == 0 { return Int64.random(in: 0..<next, using: &rng) }
            next += 1
            return next
        }
        #expect(changes.toHash == 0)
    }

    @Test func denseIdsInRandomOrderEndUpDirect() {
        // The first ids are too far apart for direct mode; once enough are loaded, they fit.
        let changes = checkAgainstModel(steps: 30_000, seed: 2) { rng, _ in Int64.random(in: 1...20_000, using: &rng) }
        #expect(changes.toHash >= 1 && changes.toDirect >= 1)
    }

    @Test func sparseHugeAndNegativeIds() {
        let edges: [Int64] = [.min, .max, -1, 0, 1, Int64(UInt32.max) - 1, Int64(UInt32.max), Int64(UInt32.max) + 1, 1 << 40]
        let changes = checkAgainstModel(steps: 6_000, seed: 3, clearEvery: 3) { rng, _ in
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: edges.randomElement(using: &rng)!
            case 1: Int64.random(in: .min ... .max, using: &rng)
            case 2: Int64.random(in: -50...50, using: &rng)
            default: Int64.random(in: 0...1_000_000_000, using: &rng) * 4_096 // Same low 32 bits (tags) often.
            }
        }
        #expect(changes.toHash >= 1)
    }

    @Test func mixesChangeModeBothWays() {
        // Phases of 1,000 steps: dense sequential; random order over the next 4,000 ids (too
        // sparse for direct mode at first); sequential with a stray huge or negative id. Clears
        // now and then start over in direct mode.
        var next: Int64 = 0
        var top: Int64 = 0
        var step = 0
        let changes = checkAgainstModel(steps: 40_000, seed: 4, clearEvery: 30) { rng, model in
            step += 1
            if model.ids.isEmpty { next = 0 }
            switch step / 1_000 % 3 {
            case 0:
                next += 1
                return next
            case 1:
                if top <= next { top = next + 4_000 }
                return Int64.random(in: 0...top, using: &rng)
            default:
                next = max(next, top)
                if Int.random(in: 0..<50, using: &rng) == 0 { return Bool.random(using: &rng) ? -Int64.random(in: 1...9, using: &rng) : 1 << 35 }
                next += 1
                return next
            }
        }
        #expect(changes.toHash >= 3 && changes.toDirect >= 3, "\(changes)")
    }

    @Test func removalInEitherModeMovesTheLastIntoTheGap() {
        for ids in [[3, 1, 2, 7] as [Int64], [3, -1, 2, 1 << 40]] {
            var index = IDIndex()
            for id in ids { index.insert(id) }
            #expect(index.isDirect == (ids[1] >= 0))
            #expect(index.remove(ids[0]) == 0 && index.ids == [ids[3], ids[1], ids[2]])
            #expect(index[ids[3]] == 0 && index[ids[0]] == nil)
            #expect(index.remove(ids[2]) == 2 && index.ids == [ids[3], ids[1]])
            #expect(index.remove(ids[2]) == nil && index.insert(ids[2]) == (2, true))
            index.removeAll()
            #expect(index.isDirect && index.count == 0 && index[ids[1]] == nil)
        }
    }
}
