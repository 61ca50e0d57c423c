// Exact decimal numbers for `Decimal` properties (money: `NUMERIC(10,2)`). A value is a whole
// number of units of 10^-scale (10.50 at scale 2 is 1050 units): adding them is integer
// arithmetic, so a sum of prices is exact where a sum of doubles is not (0.1 + 0.2).
//
// Why not Double: 0.1 has no exact binary value. Why not Foundation's Decimal: the layers below
// the workbench do not import Foundation, and a scaled Int64 is all NUMERIC(p ≤ 18, s) needs.

/// An exact decimal: `units` × 10^-`scale`.
public struct ExactDecimal: Sendable, Equatable, CustomStringConvertible {
    public var units: Int64
    public var scale: Int

    /// `NUMERIC(10,2)` when the type says no more (the DSL's `Decimal`: money).
    public static let defaultPrecision = 10
    public static let defaultScale = 2

    public init(units: Int64, scale: Int) {
        self.units = units
        self.scale = scale
    }

    /// Precision and scale of a declared type: `NUMERIC(10,2)` → (10, 2), `DECIMAL(5)` → (5, 0),
    /// `NUMERIC` or nil → the defaults.
    public static func precisionAndScale(_ declared: String?) -> (precision: Int, scale: Int) {
        guard let declared, let open = declared.firstIndex(of: "("), let close = declared.lastIndex(of: ")"), open < close else {
            return (defaultPrecision, defaultScale)
        }
        let parts = declared[declared.index(after: open)..<close].split(separator: ",").map { $0.trimmingSpaces }
        guard let precision = parts.first.flatMap({ Int($0) }), precision > 0 else { return (defaultPrecision, defaultScale) }
        let scale = parts.count > 1 ? (Int(parts[1]) ?? defaultScale) : 0
        return (min(precision, 18), max(0, min(scale, 18)))
    }

    /// Reads a decimal literal (`10.5`, `-3`, `1e-2`) at `scale`. With `rounding` false, a value
    /// with more digits after the point than `scale` allows is refused (nil): the learner wrote
    /// something the column cannot hold exactly. With it true (a REAL another program stored),
    /// the value is rounded half away from zero to the scale. Nil when it is not a number or
    /// does not fit in 18 digits.
    public init?(text: String, scale: Int, rounding: Bool = false) {
        var chars = Substring(text.trimmingSpaces)
        var negative = false
        if chars.first == "-" || chars.first == "+" { negative = chars.removeFirst() == "-" }
        var digits: [Int] = []
        var pointAt: Int?
        var exponent = 0
        while let ch = chars.first {
            if let d = ch.wholeNumberValue, ch.isASCII { digits.append(d); chars.removeFirst() }
            else if ch == ".", pointAt == nil { pointAt = digits.count; chars.removeFirst() }
            else if ch == "e" || ch == "E" {
                chars.removeFirst()
                guard let e = Int(chars), abs(e) < 100 else { return nil }
                exponent = e
                chars = ""
            } else { return nil }
        }
        guard !digits.isEmpty else { return nil }
        // Digits before the point, after moving it by the exponent and then by the scale.
        let integerDigits = (pointAt ?? digits.count) + exponent + scale
        var units: Int64 = 0
        var roundUp = false
        for (i, d) in digits.enumerated() {
            if i < integerDigits {
                let (m, o1) = units.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d))
                guard !o1, !o2 else { return nil }
                units = a
            } else if d != 0 {
                guard rounding else { return nil }
                if i == integerDigits { roundUp = d >= 5 }
            }
        }
        // Zeros implied after the last digit (10e2 at scale 2).
        for _ in 0..<max(0, integerDigits - digits.count) {
            let (m, o) = units.multipliedReportingOverflow(by: 10)
            guard !o else { return nil }
            units = m
        }
        if roundUp { units += 1 }
        guard units < 1_000_000_000_000_000_000 else { return nil }
        self.units = negative ? -units : units
        self.scale = scale
    }

    /// A stored value read at `scale`: an INTEGER exactly, a REAL (SQLite's NUMERIC affinity
    /// stores 10.50 as 10.5) through its shortest decimal form, rounded to the scale, TEXT parsed.
    public init?(_ value: DatabaseValue, scale: Int) {
        switch value {
        case .integer(let i): self.init(text: String(i), scale: scale)
        case .real(let d): self.init(text: "\(d)", scale: scale, rounding: true)
        case .text(let s): self.init(text: s, scale: scale, rounding: true)
        case .null, .blob: return nil
        }
    }

    /// `10.50`, `-0.05`, `7` at scale 0.
    public var description: String {
        let magnitude = units.magnitude
        var text = String(magnitude)
        if scale > 0 {
            if text.count <= scale { text = String(repeating: "0", count: scale - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -scale))
        }
        return (units < 0 ? "-" : "") + text
    }

    /// The value to bind: its exact text (`'10.50'`); a NUMERIC column keeps it as a number.
    public var databaseValue: DatabaseValue { .text(description) }
}

extension StringProtocol {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
