/// 隐患: a hazard found at an enterprise, to be rectified (整改) by its deadline (限期).
public struct Hazard: Hashable, Sendable {
    /// 一般 (general) or 重大 (major).
    public enum Level: String, Sendable, CaseIterable {
        case general = "一般"
        case major = "重大"
    }

    public let id: String
    /// Index in `SiteModel.enterprises`; region and sector come from the enterprise.
    public let enterprise: Int
    public let found: Day
    public let description: String
    public let level: Level
    public let deadline: Day
    /// The day the rectification was completed (整改完成).
    public let rectified: Day?
    /// 挂牌督办: listed for supervision.
    public let supervised: Bool
    /// Index in `SiteModel.inspections` of the inspection that found it.
    public let inspection: Int?
}
