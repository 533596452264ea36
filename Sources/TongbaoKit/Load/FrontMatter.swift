/// Splits a Markdown document into its YAML front matter (between `---` lines)
/// and its body.
struct FrontMatter {
    let yaml: String
    /// Lines before the YAML text (the opening `---`).
    let yamlLineOffset: Int
    let body: String
    /// 1-based line where the body starts.
    let bodyLine: Int

    enum Problem: Error, Equatable {
        /// The file does not start with a `---` line.
        case missingOpening
        /// The front matter never closes.
        case unclosed
    }

    static func split(_ text: String) -> Result<FrontMatter, Problem> {
        let utf8 = text.utf8
        var lineStart = utf8.startIndex
        var lineNumber = 1
        var yamlStart: String.Index?
        while lineStart < utf8.endIndex {
            let lineEnd = utf8[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
            let next = lineEnd < utf8.endIndex ? utf8.index(after: lineEnd) : lineEnd
            let line = utf8[lineStart..<lineEnd]
            if let start = yamlStart {
                if isFence(line, allowDots: true) {
                    // The YAML ends before the line break ending the line before the fence
                    // (found in UTF-8: `dropLast()` on a Substring counts every character).
                    let yamlEnd = lineStart > start ? utf8.index(before: lineStart) : start
                    let yaml = String(text[start..<yamlEnd])
                    return .success(FrontMatter(yaml: yaml, yamlLineOffset: 1, body: String(text[next...]),
                                                bodyLine: lineNumber + 1))
                }
            } else {
                guard isFence(line, allowDots: false) else { return .failure(.missingOpening) }
                yamlStart = next
            }
            lineStart = next
            lineNumber += 1
        }
        return .failure(yamlStart == nil ? .missingOpening : .unclosed)
    }

    /// A line of `---` (or `...` to close), with spaces or tabs around it.
    private static func isFence(_ line: Substring.UTF8View, allowDots: Bool) -> Bool {
        let content = line.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }
        guard content.count == 3, let mark = content.first, mark == UInt8(ascii: "-") || (allowDots && mark == UInt8(ascii: ".")) else {
            return false
        }
        return content.allSatisfy { $0 == mark }
    }
}
