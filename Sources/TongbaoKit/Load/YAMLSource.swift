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
            // No tag resolution: every field is read as text and typed by the reader, and
            // resolving tags (a regular expression per scalar) costs more than parsing.
            let root = try Yams.compose(yaml: text, .basic)
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
            // For an unclosed quote or bracket the place where it opened is the useful one.
            let opening = context.map { ["quoted scalar", "flow", "simple key"].contains(where: $0.text.contains) } ?? false
            let where_ = opening ? context?.mark ?? mark : mark
            return (where_, "YAML 格式错误：\(explain(problem: problem, context: context?.text))")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "“\($0)”" }.joined(separator: "、")
            return (context.mark, "同一条记录中字段 \(keys) 出现了不止一次")
        case let .reader(problem, _, _, _):
            return (nil, "文件不是有效的 UTF-8 文本：\(problem)")
        default:
            return (nil, "无法解析 YAML：\(error)")
        }
    }

    /// libyaml's problems in plain Chinese, with what to do; unknown ones keep the original text.
    static func explain(problem: String, context: String?) -> String {
        let known: [(String, String)] = [
            ("mapping values are not allowed", "此处不能出现“冒号+空格”。值里含有英文冒号时，请给整个值加引号，如 title: \"第二期: 春节\""),
            ("tab character", "缩进中不能使用 Tab 键，请改用空格"),
            ("unexpected end of stream", "文件在引号或括号闭合之前就结束了：请检查此处开始的引号或括号是否成对"),
            ("could not find expected ':'", "这一行应为“字段: 值”的形式（冒号后要有空格），或此处开始的引号没有闭合"),
            ("did not find expected key", "缩进不一致或多了字符：同一条记录的各字段应左对齐"),
            ("did not find expected '-' indicator", "列表各项应以“- ”开头并左对齐"),
            ("did not find expected ',' or ']'", "方括号列表 [ ] 没有正确闭合，或项之间缺少逗号"),
            ("did not find expected ',' or '}'", "花括号 { } 没有正确闭合，或项之间缺少逗号"),
            ("found character that cannot start any token", "此处的字符（如 @、` 或 %）不能作为值的开头，请给整个值加引号"),
            ("found undefined alias", "引用了未定义的锚点（*名称）"),
            ("found unknown escape character", "双引号内的反斜杠 \\ 后跟了无效字符：请改用单引号，或写成 \\\\"),
            ("did not find expected node content", "此处缺少值"),
            ("found unexpected document indicator", "一个文件中只能有一份数据：请删除多余的“---”"),
            ("block sequence entries are not allowed", "此处不能开始“- ”列表：请检查缩进"),
        ]
        if let match = known.first(where: { problem.contains($0.0) }) { return match.1 }
        return [context, problem].compactMap { $0 }.joined(separator: "：")
    }
}
