/// 生产经营单位: a company or site under supervision. Grid supervision gives it
/// exactly one region and, through its sector, one lead department.
public struct Enterprise: Hashable, Sendable {
    public let id: String
    public let name: String
    /// 统一社会信用代码 (GB 32100-2015), when known.
    public let creditCode: String?
    /// Index in `SiteModel.regions`.
    public let region: Int
    /// Index in `SiteModel.sectors`.
    public let sector: Int
}
