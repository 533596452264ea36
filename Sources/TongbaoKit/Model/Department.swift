/// 部门: a member unit of the work-safety committee (应急局, 交通局 …).
public struct Department: Hashable, Sendable {
    public let id: String
    public let name: String
}
