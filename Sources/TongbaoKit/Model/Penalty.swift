/// 处罚: an enforcement decision against an enterprise.
public struct Penalty: Hashable, Sendable {
    /// The actions a decision may order (the "four musts" among them).
    public static let actions = ["罚款", "警告", "责令改正", "停产整顿", "关闭", "取缔", "移送司法"]

    public let id: String
    /// Index in `SiteModel.enterprises`.
    public let enterprise: Int
    public let date: Day
    /// 处罚决定书文号, e.g. 县应急罚〔2021〕5号.
    public let decisionNumber: String
    public let violation: String
    /// The legal basis (《安全生产法》article).
    public let basis: String
    public let actions: [String]
    /// Fine in yuan (two decimals at most).
    public let fine: FixedDecimal?
    /// 公开曝光: published on the exposure pages.
    public let expose: Bool
    /// Last day the exposure may be published.
    public let exposeUntil: Day?
}
