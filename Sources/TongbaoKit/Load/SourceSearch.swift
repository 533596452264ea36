import Foundation

/// Finds where a value stands in the content folder's text files, so that a
/// problem found in the rendered site can be reported at its source line.
enum SourceSearch {
    /// Every place `value` occurs (case-insensitively for ASCII letters), in file order.
    static func locate(_ value: String, content: URL, displayRoot: String) -> [SourceLocation] {
        let files = ContentFiles(root: content, displayRoot: displayRoot)
        var ignored = Diagnostics()
        let needle = value.lowercased()
        var result: [SourceLocation] = []
        for path in files.listRecursively("", diagnostics: &ignored) where PrivacyGuard.isScanned(path) || path.hasSuffix(".yml")
            || path.hasSuffix(".yaml") || path.hasSuffix(".markdown") {
            guard let file = files.read(path, diagnostics: &ignored) else { continue }
            for (number, line) in file.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let lowered = line.lowercased()
                var searchStart = lowered.startIndex
                var found = false
                while let range = lowered.range(of: needle, range: searchStart..<lowered.endIndex) {
                    result.append(SourceLocation(file: file.displayPath, line: number + 1,
                                                 column: lowered.distance(from: lowered.startIndex, to: range.lowerBound) + 1))
                    searchStart = range.upperBound
                    found = true
                }
                // Written with markup inside it (`<b>3604</b>26…`): the line itself.
                if !found, lowered.contains("<"),
                   String(decoding: PrivacyGuard.readerText(Array(lowered.utf8)), as: UTF8.self).contains(needle) {
                    result.append(SourceLocation(file: file.displayPath, line: number + 1, column: 1))
                }
            }
        }
        return result
    }
}
