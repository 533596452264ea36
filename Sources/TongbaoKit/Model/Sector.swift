/// 行业领域: a sector of the campaign, with its lead department (牵头部门).
public struct Sector: Hashable, Sendable {
    public let id: String
    public let name: String
    /// Index of the lead department in `SiteModel.departments`.
    public let lead: Int
}
