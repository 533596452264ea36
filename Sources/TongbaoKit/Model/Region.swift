/// 属地: a township, street office or development zone, holding territorial responsibility.
public struct Region: Hashable, Sendable {
    /// The kinds a region may be.
    public static let kinds = ["乡", "镇", "街道", "开发区", "旗", "区", "其他"]

    public let id: String
    public let name: String
    /// 乡 | 镇 | 街道 | 开发区 | 旗 | 区 | 其他
    public let kind: String
}
