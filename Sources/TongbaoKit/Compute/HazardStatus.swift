/// A hazard's status as of a day (derived, never typed in).
public enum HazardStatus: String, Sendable {
    /// 已整改: rectified on or before the day.
    case rectified = "已整改"
    /// 逾期: past its deadline and not rectified.
    case overdue = "逾期"
    /// 整改中: not rectified, deadline not yet passed.
    case inProgress = "整改中"

    /// nil for a hazard found after `day` (it has no status yet).
    public static func of(_ hazard: Hazard, asOf day: Day) -> HazardStatus? {
        of(found: hazard.found, rectified: hazard.rectified, deadline: hazard.deadline, asOf: day)
    }

    @inline(__always)
    static func of(found: Day, rectified: Day?, deadline: Day, asOf day: Day) -> HazardStatus? {
        guard found <= day else { return nil }
        if let rectified, rectified <= day { return .rectified }
        return deadline < day ? .overdue : .inProgress
    }
}

/// 整改率: rectified ÷ found, shown with one decimal (`93.3%`); `—` when nothing was found.
public struct RectificationRate: Hashable, Sendable {
    public let found: Int
    public let rectified: Int

    public init(found: Int, rectified: Int) {
        self.found = found
        self.rectified = rectified
    }

    /// A ratio as a percentage with one decimal, without the sign: 0.9 → `90.0`.
    public static func percent(_ ratio: Double) -> String {
        let tenths = Int((ratio * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// nil when nothing was found.
    public var value: Double? { found == 0 ? nil : Double(rectified) / Double(found) }

    /// The percentage with one decimal, rounded half up on exact integers (`93.3`), or `—`.
    public var percentText: String {
        guard found > 0 else { return "—" }
        // Integer arithmetic: tenths of a percent, rounded half up.
        let tenths = (rectified * 2000 + found) / (found * 2)
        return "\(tenths / 10).\(tenths % 10)"
    }
}
