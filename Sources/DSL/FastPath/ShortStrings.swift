// The lexer's cache of short texts, shared by the token-by-token lexer and the plain-insert
// reader (both make names from bytes; see the benchmark note in PlainInsertReader.swift).

/// Up to 15 bytes and their count packed into two words: equal packings are equal byte strings.
struct PackedName: Equatable {
    var low: UInt64
    var high: UInt64

    init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// The bytes `from..<to` (at most 15 of them) and their count packed into two words, the
    /// first byte lowest, the count in the top byte: equal packings are equal byte strings.
    @inline(__always)
    init(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) {
        let length = to - from
        var high = UInt64(truncatingIfNeeded: length) &<< 56
        // Whole words where the buffer has them (one load instead of a loop per byte), the
        // bytes past `to` masked off; byte by byte near the buffer's end. Little-endian, like
        // the loop: the first byte lowest.
        if let base = bytes.baseAddress, from + 16 <= bytes.count {
            let raw = UnsafeRawPointer(base + from)
            let first = raw.loadUnaligned(as: UInt64.self).littleEndian
            let second = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian
            let low = length >= 8 ? first : first & ((1 &<< UInt64(length * 8)) &- 1)
            if length > 8 { high |= second & ((1 &<< UInt64((length - 8) * 8)) &- 1) }
            self.init(low: low, high: high)
            return
        }
        var low: UInt64 = 0
        var shift: UInt64 = 0
        var j = from
        while j < to && j < from + 8 { low |= UInt64(bytes[j]) &<< shift; shift &+= 8; j += 1 }
        shift = 0
        while j < to { high |= UInt64(bytes[j]) &<< shift; shift &+= 8; j += 1 }
        self.init(low: low, high: high)
    }
}

/// Short texts a lexer made, by their bytes packed in two words: names, keywords and short
/// values repeat line after line, and making a string from bytes checks and copies them
/// through several layers of the standard library. A class, so that reading a token's text
/// (a non-mutating step) can fill it; a direct-mapped table of 64 slots, so a miss only
/// replaces one entry.
final class ShortStrings {
    private var slots = [(key: PackedName, text: String)](repeating: (PackedName(low: 0, high: 0), ""), count: 64)

    /// The text of `bytes[from..<to]`. The hit is inlined at each caller (a call per name cost
    /// more than the lookup); everything else is `miss`.
    @inline(__always)
    func string(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> String {
        let length = to - from
        guard length > 0, length <= 15 else { return miss(bytes, from, to, slot: -1) }
        let key = PackedName(bytes, from, to)
        // ASCII only (no high bit set in any byte; the count's byte has none): other text
        // decodes as usual, its bytes may be an incomplete character the decoder repairs.
        guard (key.low | key.high) & 0x8080_8080_8080_8080 == 0 else { return miss(bytes, from, to, slot: -1) }
        // Fibonacci hashing of both words into the table's 64 slots.
        let slot = Int(truncatingIfNeeded: ((key.low ^ (key.high &* 31)) &* 0x9E37_79B9_7F4A_7C15) >> 58)
        if slots[slot].key == key { return slots[slot].text }
        return miss(bytes, from, to, slot: slot)
    }

    /// The text decoded, and kept in `slot` unless it is -1 (not short ASCII).
    @inline(never)
    private func miss(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, slot: Int) -> String {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
        if slot >= 0 { slots[slot] = (PackedName(bytes, from, to), text) }
        return text
    }
}
