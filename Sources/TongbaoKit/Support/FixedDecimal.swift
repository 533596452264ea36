/// A non-negative decimal kept as an integer count of 10^-scale units, so that
/// sums of money and losses are exact and print the same on every rebuild.
public struct FixedDecimal: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let units: Int
    public let scale: Int

    public init(units: Int, scale: Int) {
        self.units = units
        self.scale = scale
    }

    /// Parses `123`, `35.5`, `0.25`; nil for anything else or more than `scale` decimals.
    public init?(parsing text: String, scale: Int) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
              whole.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= scale, fraction.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              parts.count == 1 || !fraction.isEmpty else { return nil }
        var multiplier = 1
        for _ in 0..<scale { multiplier *= 10 }
        guard whole.count <= 15, let wholeValue = Int(whole) else { return nil }
        let padded = fraction + String(repeating: "0", count: scale - fraction.count)
        let fractionValue = padded.isEmpty ? 0 : (Int(padded) ?? 0)
        self.units = wholeValue * multiplier + fractionValue
        self.scale = scale
    }

    public static func zero(scale: Int) -> FixedDecimal { FixedDecimal(units: 0, scale: scale) }

    public static func + (lhs: FixedDecimal, rhs: FixedDecimal) -> FixedDecimal {
        FixedDecimal(units: lhs.units + rhs.units, scale: lhs.scale)
    }

    public static func < (lhs: FixedDecimal, rhs: FixedDecimal) -> Bool { lhs.units < rhs.units }

    /// Shortest exact decimal text: `35.5`, `120`, `0.25`.
    public var description: String {
        var multiplier = 1
        for _ in 0..<scale { multiplier *= 10 }
        let whole = units / multiplier
        var fraction = units % multiplier
        guard fraction != 0 else { return String(whole) }
        var digits = scale
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        return "\(whole).\(Day.pad(fraction, digits))"
    }
}
