/// 统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character.
public enum CreditCode {
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public enum Problem: Equatable, Sendable {
        case length(Int)
        case character(Character)
        case checkCharacter(expected: Character)
    }

    /// nil when `code` is valid.
    public static func problem(with code: String) -> Problem? {
        let characters = Array(code)
        guard characters.count == 18 else { return .length(characters.count) }
        var values: [Int] = []
        for character in characters {
            guard let value = alphabet.firstIndex(of: character) else { return .character(character) }
            values.append(value)
        }
        var sum = 0
        for index in 0..<17 { sum += values[index] * weights[index] }
        let check = (31 - sum % 31) % 31
        return values[17] == check ? nil : .checkCharacter(expected: alphabet[check])
    }

    public static func isValid(_ code: String) -> Bool { problem(with: code) == nil }
}
