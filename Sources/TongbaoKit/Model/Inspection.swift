/// 检查: an inspection by a department of one or more enterprises.
public struct Inspection: Hashable, Sendable {
    /// The inspection methods of the campaign.
    public static let methods = ["四不两直", "暗访", "明察", "交叉执法", "专项检查", "日常检查"]

    public let id: String
    public let date: Day
    /// Index in `SiteModel.departments`.
    public let department: Int
    /// 四不两直 | 暗访 | 明察 | 交叉执法 | 专项检查 | 日常检查
    public let method: String
    /// Indices in `SiteModel.enterprises`.
    public let enterprises: [Int]
}
