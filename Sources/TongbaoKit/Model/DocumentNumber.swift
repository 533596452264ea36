/// 发文字号: `安委办〔2021〕12号` (hexagonal brackets, no leading zeros, 号 at the end).
public struct DocumentNumber: Hashable, Sendable, CustomStringConvertible {
    public let prefix: String
    public let year: Int
    public let number: Int

    public var description: String { "\(prefix)〔\(year)〕\(number)号" }
}
