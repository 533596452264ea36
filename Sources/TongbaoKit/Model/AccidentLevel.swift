/// 事故等级 under Article 3 of State Council Decree 493 (生产安全事故报告和调查处理条例).
///
/// "以上包括本数，以下不包括本数": a threshold value belongs to the higher level,
/// and the highest level reached by deaths, serious injuries or direct loss wins.
public enum AccidentLevel: Int, Comparable, Sendable, CaseIterable {
    /// 一般
    case ordinary = 0
    /// 较大
    case larger = 1
    /// 重大
    case major = 2
    /// 特别重大
    case especiallyMajor = 3

    public var name: String {
        switch self {
        case .ordinary: return "一般"
        case .larger: return "较大"
        case .major: return "重大"
        case .especiallyMajor: return "特别重大"
        }
    }

    /// `directLoss` in 万元.
    public static func classify(deaths: Int, seriousInjuries: Int, directLoss: FixedDecimal) -> AccidentLevel {
        // Thresholds in 万元 units of the decimal: 1亿 = 10000万, 5000万, 1000万.
        let loss = directLoss.units
        var unit = 1
        for _ in 0..<directLoss.scale { unit *= 10 }
        func byDeaths() -> AccidentLevel {
            deaths >= 30 ? .especiallyMajor : deaths >= 10 ? .major : deaths >= 3 ? .larger : .ordinary
        }
        func byInjuries() -> AccidentLevel {
            seriousInjuries >= 100 ? .especiallyMajor : seriousInjuries >= 50 ? .major : seriousInjuries >= 10 ? .larger : .ordinary
        }
        func byLoss() -> AccidentLevel {
            loss >= 10000 * unit ? .especiallyMajor : loss >= 5000 * unit ? .major : loss >= 1000 * unit ? .larger : .ordinary
        }
        return max(byDeaths(), byInjuries(), byLoss())
    }

    public static func < (lhs: AccidentLevel, rhs: AccidentLevel) -> Bool { lhs.rawValue < rhs.rawValue }
}
