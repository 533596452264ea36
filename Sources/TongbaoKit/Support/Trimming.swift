extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (including the
    /// full-width space U+3000 that Chinese input methods type). Returns the
    /// text itself, without copying work, when there is nothing to trim.
    var trimmingSpaces: String {
        func isSpace(_ character: Character) -> Bool {
            character == " " || character == "\t" || character == "\u{3000}" || character == "\u{A0}"
        }
        let text = String(self) // free for a String; a Substring is copied, as the result needs
        // Most values have nothing to trim: tell from the first and last UTF-8 bytes
        // (space, tab, and the lead or last byte of U+3000 and U+00A0) before any Character work.
        guard let firstByte = text.utf8.first, let lastByte = text.utf8.last else { return "" }
        if firstByte != 0x20, firstByte != 0x09, firstByte != 0xE3, firstByte != 0xC2,
           lastByte != 0x20, lastByte != 0x09, lastByte != 0x80, lastByte != 0xA0 {
            return text
        }
        guard let first = text.first, let last = text.last, isSpace(first) || isSpace(last) else { return text }
        let start = text.firstIndex { !isSpace($0) } ?? text.endIndex
        let end = text.lastIndex { !isSpace($0) }.map(text.index(after:)) ?? start
        return start < end ? String(text[start..<end]) : ""
    }
}
