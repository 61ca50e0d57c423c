// MARK: - Identity map

/// One entity's identity map: at most one object per primary key (Fowler's Identity Map).
///
/// A hash table keyed by the id, written for the hydration loop, which looks up and inserts
/// once per row: the objects sit in a dense array, and a table of (id, index) slots finds them,
/// with open addressing, linear probing and a multiplicative (Fibonacci) hash, which spreads
/// consecutive ids over the table. Ids are integers chosen by SQLite, so the general-purpose
/// hashing a `Dictionary` does to resist crafted keys costs more than it buys here. The slots
/// hold no references, so growing the table is a copy of integers. Removal shifts the
/// following slots back, so lookups never wade through tombstones.
struct IdentityMap {
    /// One loaded object and its id, stored densely in the order loaded.
    private struct Entry {
        var id: Int64
        var object: ManagedObject
    }

    /// A hash table slot: an id and where its entry is. Plain integers, so growing the table
    /// copies bits, with no reference counting of the objects.
    private struct Slot {
        var id: Int64
        /// The entry's index + 1; 0: the slot is empty.
        var entry: Int
    }

    private var entries: [Entry] = []
    private var slots: [Slot] = []
    /// `slots.count - 1`; slots.count is a power of two (or 0).
    private var mask = -1
    /// 64 - log2(slots.count): the hash keeps the top bits of the product.
    private var shift: UInt64 = 63

    /// Number of objects in the map.
    var count: Int { entries.count }

    var isEmpty: Bool { entries.isEmpty }

    /// The slot an id starts probing from: the top bits of id × 2^64/φ, which puts consecutive
    /// ids in distinct, spread-out slots.
    @inline(__always)
    private func home(of id: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: id) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The slot holding `id`, or the empty slot where it would go.
    @inline(__always)
    private func position(of id: Int64) -> Int {
        var i = home(of: id)
        while slots[i].entry != 0 {
            if slots[i].id == id { return i }
            i = (i + 1) & mask
        }
        return i
    }

    // MARK: - Lookup and change

    /// The object with this id, if loaded; assigning nil removes it.
    subscript(id: Int64) -> ManagedObject? {
        get {
            guard !entries.isEmpty else { return nil }
            let entry = slots[position(of: id)].entry
            return entry == 0 ? nil : entries[entry - 1].object
        }
        set {
            if let newValue { insert(newValue, for: id) } else { remove(id) }
        }
    }

    private mutating func insert(_ object: ManagedObject, for id: Int64) {
        if (entries.count + 1) * 4 > slots.count * 3 { grow(toHold: entries.count + 1) }
        let i = position(of: id)
        let entry = slots[i].entry
        if entry != 0 {
            entries[entry - 1].object = object
            return
        }
        entries.append(Entry(id: id, object: object))
        slots[i] = Slot(id: id, entry: entries.count)
    }

    private mutating func remove(_ id: Int64) {
        guard !entries.isEmpty else { return }
        var hole = position(of: id)
        let removed = slots[hole].entry
        guard removed != 0 else { return }
        // The last entry takes the removed one's place in the dense array.
        let last = entries.count
        if removed != last {
            let moved = entries[last - 1]
            entries[removed - 1] = moved
            slots[position(of: moved.id)].entry = removed
        }
        entries.removeLast()
        slots[hole].entry = 0
        // Shift back every following slot that probed past the hole, so no probe stops early.
        var i = hole
        while true {
            i = (i + 1) & mask
            guard slots[i].entry != 0 else { return }
            let start = home(of: slots[i].id)
            let reachable = hole <= i ? (start <= hole || start > i) : (start <= hole && start > i)
            if reachable {
                slots[hole] = slots[i]
                slots[i].entry = 0
                hole = i
            }
        }
    }

    /// Makes room for `capacity` objects without growing again (call before a large load).
    mutating func reserveCapacity(_ capacity: Int) {
        if capacity * 4 > slots.count * 3 { grow(toHold: capacity) }
        entries.reserveCapacity(capacity)
    }

    private mutating func grow(toHold capacity: Int) {
        var size = max(16, slots.count)
        while capacity * 4 > size * 3 { size *= 2 }
        slots = Array(repeating: Slot(id: 0, entry: 0), count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
        for (index, entry) in entries.enumerated() {
            slots[position(of: entry.id)] = Slot(id: entry.id, entry: index + 1)
        }
    }

    /// Forgets every object.
    mutating func removeAll() {
        entries = []
        slots = []
        mask = -1
        shift = 63
    }

    /// The objects, in the order they were loaded (removals move the last one into the gap).
    var values: [ManagedObject] {
        entries.map(\.object)
    }
}
