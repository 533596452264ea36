/// Literal replacement on UTF-8 bytes, in one pass over the text, for the hot
/// paths where Foundation's `replacingOccurrences` (one pass per pattern, with
/// Unicode comparison) shows in profiles.
enum ByteReplace {
    /// Replaces every occurrence of each pattern's bytes, left to right; at one
    /// position the first matching pattern wins. Empty patterns are ignored.
    static func replacing(_ text: String, _ replacements: [(String, String)]) -> String {
        let patterns = replacements.map { (Array($0.0.utf8), Array($0.1.utf8)) }.filter { !$0.0.isEmpty }
        // Only a byte that starts some pattern is looked at more closely.
        var starts = [Bool](repeating: false, count: 256)
        for (pattern, _) in patterns { starts[Int(pattern[0])] = true }
        var text = text
        return text.withUTF8 { bytes -> String in
            var result: [UInt8] = []
            var copied = 0
            var index = 0
            while index < bytes.count {
                if starts[Int(bytes[index])], let match = patterns.first(where: { matches($0.0, bytes, at: index) }) {
                    if result.isEmpty { result.reserveCapacity(bytes.count + 64) }
                    result.append(contentsOf: bytes[copied..<index])
                    result.append(contentsOf: match.1)
                    index += match.0.count
                    copied = index
                } else {
                    index += 1
                }
            }
            if copied == 0 { return String(decoding: bytes, as: UTF8.self) }
            result.append(contentsOf: bytes[copied...])
            return String(decoding: result, as: UTF8.self)
        }
    }

    private static func matches(_ pattern: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard index + pattern.count <= bytes.count else { return false }
        for offset in pattern.indices where bytes[index + offset] != pattern[offset] { return false }
        return true
    }
}
