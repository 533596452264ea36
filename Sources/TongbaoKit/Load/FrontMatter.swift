import Foundation

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
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.trimmingCharacters(in: .whitespaces) == "---" else {
            return .failure(.missingOpening)
        }
        lines.removeFirst()
        guard let close = lines.firstIndex(where: {
            let trimmed = $0.trimmingCharacters(in: .whitespaces)
            return trimmed == "---" || trimmed == "..."
        }) else { return .failure(.unclosed) }
        let yaml = lines[..<close].joined(separator: "\n")
        let body = lines[(close + 1)...].joined(separator: "\n")
        return .success(FrontMatter(yaml: yaml, yamlLineOffset: 1, body: body, bodyLine: close + 3))
    }
}
