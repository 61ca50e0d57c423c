// MARK: - Id index

/// A list of distinct ids (SQLite's 64-bit integer keys) that finds each one's position: the
/// index under the identity map, and the grouping of children by parent id when an association
/// is loaded for many owners at once.
///
/// Two modes. SQLite assigns rowids in increasing order, so the ids of a table are nearly
/// always a dense range of small positive integers: while they are (`direct` mode), the index
/// is an array indexed by the id itself, and loading rows in id order reads and writes it in
/// order, one cache line per sixteen ids. Otherwise (sparse, huge or negative ids) it is a hash
/// table: open addressing, linear probing and a multiplicative (Fibonacci) hash, which spreads
/// consecutive ids over the table. Ids are integers chosen by SQLite, so the general-purpose
/// hashing a `Dictionary` does to resist crafted keys costs more than it buys here. Neither
/// holds references, and rebuilding either reads the dense list of ids in order. Removal moves
/// the last id into the gap (in both modes); in the hash table it also shifts the following
/// slots back, so lookups never wade through tombstones.
struct IDIndex {
    /// A hash table slot: the low 32 bits of an id (to skip most non-matching slots without
    /// reading the id) and its position + 1; position 0: the slot is empty. Eight bytes, so
    /// the table of 200,000 ids is 4 MB, not 8.
    private struct Slot {
        var tag: UInt32
        var position: UInt32
    }

    /// The ids, in the order added (a removal moves the last one into the gap).
    private(set) var ids: [Int64] = []

    /// Direct mode (no hash table): `direct[id]` is the position of `id` + 1, 0 if absent; ids
    /// at or past its end are absent. Empty in hash mode.
    private var direct: [UInt32] = []
    /// Whether `direct` is the index (else `slots`). An empty index starts direct. (Readable
    /// so that tests can check which mode a sequence of ids leads to.)
    private(set) var isDirect = true

    private var slots: [Slot] = []
    /// `slots.count - 1`; slots.count is a power of two (or 0).
    private var mask = -1
    /// 64 - log2(slots.count): the hash keeps the top bits of the product.
    private var shift: UInt64 = 63
    /// In hash mode, bounds of the ids added since it began (removals leave them be): when the
    /// table grows, ids that turned out dense (added out of order, say by `ORDER BY name`) go
    /// back to direct mode.
    private var minID = Int64.max
    private var maxID = Int64.min
    /// The largest capacity reserved since the last `removeAll`: a load that announced its
    /// size may index that many ids directly from the start.
    private var reserved = 0

    /// Number of ids.
    var count: Int { ids.count }

    /// Ids below this bound are indexed directly when the index holds (or has reserved room
    /// for) `count` ids: direct mode then costs at most ~16 bytes per id (4 per entry) plus
    /// 4 KB, no more than the hash table (8 bytes a slot, 1⅓ to 2⅔ slots per id).
    @inline(__always)
    private static func directLimit(holding count: Int) -> Int64 {
        Int64(min(4 * count + 1024, Int(UInt32.max)))
    }

    /// The slot an id starts probing from: the top bits of id × 2^64/φ, which puts consecutive
    /// ids in distinct, spread-out slots.
    @inline(__always)
    private func home(of id: Int64) -> Int {
        Int(truncatingIfNeeded: (UInt64(bitPattern: id) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    @inline(__always)
    private static func tag(of id: Int64) -> UInt32 { UInt32(truncatingIfNeeded: id) }

    /// Whether `id` has an entry in `direct` (a negative id wraps to a huge unsigned one).
    @inline(__always)
    private func isInDirectRange(_ id: Int64) -> Bool { UInt64(bitPattern: id) < UInt64(direct.count) }

    /// The slot holding `id`, or the empty slot where it would go (the table must not be empty).
    @inline(__always)
    private func slot(of id: Int64) -> Int {
        let tag = Self.tag(of: id)
        var i = home(of: id)
        while slots[i].position != 0 {
            if slots[i].tag == tag && ids[Int(slots[i].position) - 1] == id { return i }
            i = (i + 1) & mask
        }
        return i
    }

    /// The position of `id` in `ids`, if present.
    @inline(__always)
    subscript(id: Int64) -> Int? {
        let position: Int
        if isDirect {
            guard isInDirectRange(id) else { return nil }
            position = Int(direct[Int(id)])
        } else {
            guard !ids.isEmpty else { return nil }
            position = Int(slots[slot(of: id)].position)
        }
        return position == 0 ? nil : position - 1
    }

    /// Adds `id` at the end unless present; its position either way.
    @inline(__always)
    @discardableResult
    mutating func insert(_ id: Int64) -> (position: Int, inserted: Bool) {
        if !isDirect && (ids.count + 1) * 4 > slots.count * 3 { grow(toHold: ids.count + 1) } // May go direct.
        if isDirect {
            if !isInDirectRange(id) { makeRoom(for: id) } // May go to hash mode.
            if isDirect {
                let position = direct[Int(id)]
                if position != 0 { return (Int(position) - 1, false) }
                ids.append(id)
                direct[Int(id)] = UInt32(ids.count)
                return (ids.count - 1, true)
            }
        }
        let i = slot(of: id)
        if slots[i].position != 0 { return (Int(slots[i].position) - 1, false) }
        ids.append(id)
        slots[i] = Slot(tag: Self.tag(of: id), position: UInt32(ids.count))
        minID = min(minID, id)
        maxID = max(maxID, id)
        return (ids.count - 1, true)
    }

    /// Removes `id`; returns the position it had, where the last id now is (unless it was last).
    @discardableResult
    mutating func remove(_ id: Int64) -> Int? {
        if isDirect {
            guard isInDirectRange(id) else { return nil }
            let removed = Int(direct[Int(id)])
            guard removed != 0 else { return nil }
            let last = ids.count
            if removed != last {
                let moved = ids[last - 1]
                direct[Int(moved)] = UInt32(removed)
                ids[removed - 1] = moved
            }
            ids.removeLast()
            direct[Int(id)] = 0
            return removed - 1
        }
        guard !ids.isEmpty else { return nil }
        var hole = slot(of: id)
        let removed = Int(slots[hole].position)
        guard removed != 0 else { return nil }
        let last = ids.count
        if removed != last {
            let moved = ids[last - 1]
            slots[slot(of: moved)].position = UInt32(removed)
            ids[removed - 1] = moved
        }
        ids.removeLast()
        slots[hole].position = 0
        // Shift back every following slot that probed past the hole, so no probe stops early.
        var i = hole
        while true {
            i = (i + 1) & mask
            guard slots[i].position != 0 else { return removed - 1 }
            let start = home(of: ids[Int(slots[i].position) - 1])
            let reachable = hole <= i ? (start <= hole || start > i) : (start <= hole && start > i)
            if reachable {
                slots[hole] = slots[i]
                slots[i].position = 0
                hole = i
            }
        }
    }

    /// Makes room for `capacity` ids without growing again (call before a large load). In
    /// direct mode the array grows as ids come, since their range is not known yet.
    mutating func reserveCapacity(_ capacity: Int) {
        reserved = max(reserved, capacity)
        if !isDirect && capacity * 4 > slots.count * 3 { grow(toHold: capacity) }
        ids.reserveCapacity(capacity)
    }

    /// Direct mode, `id` past the end of `direct`: grows `direct` to cover it (doubling, up to
    /// the density limit) if it is small enough, else changes to hash mode.
    @inline(never)
    private mutating func makeRoom(for id: Int64) {
        let limit = Self.directLimit(holding: max(ids.count + 1, reserved))
        guard id >= 0 && id < limit else {
            // Sparse, huge or negative: hash the ids. A later growth of the table returns to
            // direct mode if they turn out dense after all.
            isDirect = false
            direct = []
            minID = ids.min() ?? .max
            maxID = ids.max() ?? .min
            rehash(toHold: max(ids.count + 1, reserved))
            return
        }
        let size = min(max(2 * direct.count, Int(id) + 1, 64), Int(limit))
        direct.append(contentsOf: repeatElement(0, count: size - direct.count))
    }

    /// Hash mode: makes room for `capacity` ids, in direct mode if every id added is small
    /// enough for it, else in a larger hash table.
    private mutating func grow(toHold capacity: Int) {
        precondition(capacity < Int(UInt32.max), "an identity map holds fewer than 2^32 objects")
        let limit = Self.directLimit(holding: max(capacity, reserved))
        guard minID >= 0 && maxID < limit else { return rehash(toHold: capacity) }
        // Dense after all (or empty): index directly, and forget the table.
        dropHashTable()
        direct = Array(repeating: 0, count: Int(ids.max() ?? -1) + 1)
        for (position, id) in ids.enumerated() { direct[Int(id)] = UInt32(position + 1) }
    }

    /// Builds a hash table of at least `capacity` × 4/3 slots (and no smaller than the current
    /// one) holding `ids`.
    private mutating func rehash(toHold capacity: Int) {
        precondition(capacity < Int(UInt32.max), "an identity map holds fewer than 2^32 objects")
        var size = max(16, slots.count)
        while capacity * 4 > size * 3 { size *= 2 }
        slots = Array(repeating: Slot(tag: 0, position: 0), count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
        // The ids are distinct: each goes to the first empty slot from its home.
        for (position, id) in ids.enumerated() {
            var i = home(of: id)
            while slots[i].position != 0 { i = (i + 1) & mask }
            slots[i] = Slot(tag: Self.tag(of: id), position: UInt32(position + 1))
        }
    }

    /// Back to direct mode: the hash table and the bounds of its ids are forgotten (the caller
    /// fills `direct`).
    private mutating func dropHashTable() {
        isDirect = true
        slots = []
        mask = -1
        shift = 63
        minID = .max
        maxID = .min
    }

    /// Forgets every id (and starts over in direct mode).
    mutating func removeAll() {
        ids = []
        direct = []
        reserved = 0
        dropHashTable()
    }
}

// MARK: - Identity map

/// One entity's identity map: at most one object per primary key (Fowler's Identity Map).
///
/// Written for the hydration loop, which looks up and inserts once per row: the objects sit in
/// a dense array, in the order loaded, beside the `IDIndex` of their ids.
struct IdentityMap {
    private var index = IDIndex()
    /// `objects[i]` is the object of `index.ids[i]`.
    private var objects: [ManagedObject] = []

    /// Number of objects in the map.
    var count: Int { objects.count }

    var isEmpty: Bool { objects.isEmpty }

    // MARK: - Lookup and change

    /// The object with this id, if loaded; assigning nil removes it.
    subscript(id: Int64) -> ManagedObject? {
        get {
            guard let position = index[id] else { return nil }
            return objects[position]
        }
        set {
            if let newValue { insert(newValue, for: id) } else { remove(id) }
        }
    }

    /// The object with `id` if loaded; otherwise the one `make` returns, added to the map. One
    /// probe of the table where a lookup and an insert would take two (hydration does this per row).
    ///
    /// The object comes back unretained: the map keeps it alive, and the caller retains it only
    /// where it stores it. A new object moves into the map, so hydrating a row costs one
    /// reference-count increment (the result list's) instead of two and a decrement, each an
    /// atomic operation.
    @inline(__always)
    mutating func object(for id: Int64, orAdd make: () -> ManagedObject) -> (object: Unmanaged<ManagedObject>, added: Bool) {
        let (position, inserted) = index.insert(id)
        if !inserted { return (Unmanaged.passUnretained(objects[position]), false) }
        objects.append(make())
        return (Unmanaged.passUnretained(objects[position]), true)
    }

    @inline(__always)
    private mutating func insert(_ object: ManagedObject, for id: Int64) {
        let (position, inserted) = index.insert(id)
        if inserted { objects.append(object) } else { objects[position] = object }
    }

    private mutating func remove(_ id: Int64) {
        guard let removed = index.remove(id) else { return }
        // The last object takes the removed one's place, as its id did in the index.
        let last = objects.removeLast()
        if removed < objects.count { objects[removed] = last }
    }

    /// Makes room for `capacity` objects without growing again (call before a large load).
    mutating func reserveCapacity(_ capacity: Int) {
        index.reserveCapacity(capacity)
        objects.reserveCapacity(capacity)
    }

    /// Forgets every object.
    mutating func removeAll() {
        index.removeAll()
        objects = []
    }

    /// The objects, in the order they were loaded (removals move the last one into the gap).
    var values: [ManagedObject] { objects }
}
