import Yams

/// A parsed YAML text together with where it came from, so that every node
/// can be turned back into `file:line:column`.
struct YAMLSource {
    /// The path shown in diagnostics.
    let file: String
    /// Lines before the YAML text in its file (front matter starts after `---`).
    let lineOffset: Int
    /// The root node; nil for an empty document.
    let root: Node?

    func location(of node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(file: file, line: lineOffset + 1, column: 1) }
        return SourceLocation(file: file, line: mark.line + lineOffset, column: mark.column)
    }

    /// Parses `text`; a syntax error becomes a diagnostic and a nil result.
    static func parse(_ text: String, file: String, lineOffset: Int = 0, diagnostics: inout Diagnostics) -> YAMLSource? {
        do {
            let root = try Yams.compose(yaml: text)
            return YAMLSource(file: file, lineOffset: lineOffset, root: root)
        } catch let error as YamlError {
            let (mark, message) = describe(error)
            let location = mark.map { SourceLocation(file: file, line: $0.line + lineOffset, column: $0.column) }
                ?? SourceLocation(file: file, line: lineOffset + 1, column: 1)
            diagnostics.error(location, message)
            return nil
        } catch {
            diagnostics.error(SourceLocation(file: file, line: lineOffset + 1, column: 1), "无法解析 YAML：\(error)")
            return nil
        }
    }

    private static func describe(_ error: YamlError) -> (Mark?, String) {
        switch error {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let detail = context.map { "\($0.text)：" } ?? ""
            return (mark, "YAML 格式错误：\(detail)\(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "“\($0)”" }.joined(separator: "、")
            return (context.mark, "同一条记录中字段 \(keys) 出现了不止一次")
        case let .reader(problem, _, _, _):
            return (nil, "文件不是有效的 UTF-8 文本：\(problem)")
        default:
            return (nil, "无法解析 YAML：\(error)")
        }
    }
}
