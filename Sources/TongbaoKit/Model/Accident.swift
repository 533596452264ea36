/// 事故: a work-safety accident.
public struct Accident: Hashable, Sendable {
    public let id: String
    public let date: Day
    /// Index in `SiteModel.regions`.
    public let region: Int
    /// Index in `SiteModel.sectors`.
    public let sector: Int
    /// Index in `SiteModel.enterprises`, when an enterprise was involved.
    public let enterprise: Int?
    public let summary: String
    public let deaths: Int
    /// 重伤, including acute industrial poisoning.
    public let seriousInjuries: Int
    /// 直接经济损失 in 万元 (10,000 yuan), four decimals at most.
    public let directLoss: FixedDecimal

    /// The level under Decree 493, art. 3 (derived, never typed in).
    public var level: AccidentLevel {
        AccidentLevel.classify(deaths: deaths, seriousInjuries: seriousInjuries, directLoss: directLoss)
    }
}
