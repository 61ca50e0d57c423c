// MARK: - Identity map

/// One entity's identity map: at most one object per primary key (Fowler's Identity Map).
///
/// A hash table keyed by the id, written for the hydration loop, which looks up and inserts
/// once per row: open addressing with linear probing in one array of (id, object) slots, and a
/// multiplicative (Fibonacci) hash, which spreads consecutive ids over the table. Ids are
/// integers chosen by SQLite, so the general-purpose hashing a `Dictionary` does to resist
/// crafted keys costs more than it buys here. Removal shifts the following slots back, so
/// lookups never wade through tombstones.
struct IdentityMap {
    private struct Slot {
        var id: Int64
        /// nil: the slot is empty.
        var object: ManagedObject?
    }

    private var slots: [Slot] = []
    /// `slots.count - 1`; slots.count is a power of two (or 0).
    private var mask = -1
    /// 64 - log2(slots.count): the hash keeps the top bits of the product.
    private var shift: UInt64 = 63
    /// Number of objects in the map.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

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
        while slots[i].object != nil {
            if slots[i].id == id { return i }
            i = (i + 1) & mask
        }
        return i
    }

    // MARK: - Lookup and change

    /// The object with this id, if loaded; assigning nil removes it.
    subscript(id: Int64) -> ManagedObject? {
        get {
            guard count > 0 else { return nil }
            return slots[position(of: id)].object
        }
        set {
            if let newValue { insert(newValue, for: id) } else { remove(id) }
        }
    }

    private mutating func insert(_ object: ManagedObject, for id: Int64) {
        if (count + 1) * 4 > slots.count * 3 { grow(toHold: count + 1) }
        let i = position(of: id)
        if slots[i].object == nil { count += 1 }
        slots[i] = Slot(id: id, object: object)
    }

    private mutating func remove(_ id: Int64) {
        guard count > 0 else { return }
        var hole = position(of: id)
        guard slots[hole].object != nil else { return }
        slots[hole].object = nil
        count -= 1
        // Shift back every following slot that probed past the hole, so no probe stops early.
        var i = hole
        while true {
            i = (i + 1) & mask
            guard slots[i].object != nil else { return }
            let start = home(of: slots[i].id)
            let reachable = hole <= i ? (start <= hole || start > i) : (start <= hole && start > i)
            if reachable {
                slots[hole] = slots[i]
                slots[i].object = nil
                hole = i
            }
        }
    }

    /// Makes room for `capacity` objects without growing again (call before a large load).
    mutating func reserveCapacity(_ capacity: Int) {
        if capacity * 4 > slots.count * 3 { grow(toHold: capacity) }
    }

    private mutating func grow(toHold capacity: Int) {
        var size = max(16, slots.count)
        while capacity * 4 > size * 3 { size *= 2 }
        let old = slots
        slots = Array(repeating: Slot(id: 0, object: nil), count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
        for slot in old {
            guard let object = slot.object else { continue }
            slots[position(of: slot.id)] = Slot(id: slot.id, object: object)
        }
    }

    /// Forgets every object.
    mutating func removeAll() {
        slots = []
        mask = -1
        shift = 63
        count = 0
    }

    /// The objects, in no particular order.
    var values: [ManagedObject] {
        var objects: [ManagedObject] = []
        objects.reserveCapacity(count)
        for slot in slots { if let object = slot.object { objects.append(object) } }
        return objects
    }
}
