extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (including the
    /// full-width space U+3000 that Chinese input methods type). Returns the
    /// text itself, without copying work, when there is nothing to trim.
    var trimmingSpaces: String {
        func isSpace(_ character: Character) -> Bool {
            character == " " || character == "\t" || character == "\u{3000}" || character == "\u{A0}"
        }
        guard let first = first, let last = last, isSpace(first) || isSpace(last) else { return String(self) }
        let start = firstIndex { !isSpace($0) } ?? endIndex
        let end = lastIndex { !isSpace($0) }.map(index(after:)) ?? start
        return start < end ? String(self[start..<end]) : ""
    }
}
