import Foundation

/// A parsed YAML text together with where it came from, so that every node
/// can be turned back into `file:line:column`.
struct YAMLSource {
    /// The path shown in diagnostics.
    let file: String
    /// Lines before the YAML text in its file (front matter starts after `---`).
    let lineOffset: Int
    /// The root node; nil for an empty document.
    let root: YAMLNode?
    /// For a spreadsheet: each field's column header as the file writes it (or its usual
    /// Chinese label), named beside the field in messages: `字段 deadline（整改期限）`.
    var columnNames: [String: String] = [:]

    func location(of node: YAMLNode?) -> SourceLocation {
        guard let mark = node?.mark, mark.line > 0 else { return SourceLocation(file: file, line: lineOffset + 1, column: 1) }
        return SourceLocation(file: file, line: Int(mark.line) + lineOffset, column: Int(mark.column))
    }

    /// Parses `text`; a syntax error becomes a diagnostic and a nil result.
    static func parse(_ text: String, file: String, lineOffset: Int = 0, diagnostics: inout Diagnostics) -> YAMLSource? {
        if mayBeRefused(text), let problem = refused(text) {
            diagnostics.error(SourceLocation(file: file, line: problem.line + lineOffset, column: problem.column), problem.message)
            return nil
        }
        do {
            // No tag resolution: every field is read as text and typed by the reader.
            let root = try YAMLComposer.compose(text)
            return YAMLSource(file: file, lineOffset: lineOffset, root: root)
        } catch {
            if case let .reader(problem, offset, value) = error {
                let (line, column) = position(ofByte: offset ?? 0, in: text)
                let character = value > 0 ? String(format: "U+%04X", value) : "不可见字符"
                let message = problem.contains("control characters")
                    ? "第 \(line) 行含有控制字符（\(character)），YAML 文件中不能出现：请删除它（多由复制粘贴带入）"
                    : "文件不是有效的 UTF-8 文本：\(problem)"
                diagnostics.error(SourceLocation(file: file, line: line + lineOffset, column: column), message)
                return nil
            }
            let (mark, message) = describe(error, in: text)
            let location = mark.map { SourceLocation(file: file, line: Int($0.line) + lineOffset, column: Int($0.column)) }
                ?? SourceLocation(file: file, line: lineOffset + 1, column: 1)
            diagnostics.error(location, message)
            return nil
        }
    }

    /// Line and column (1-based, in characters) of a byte offset.
    static func position(ofByte offset: Int, in text: String) -> (Int, Int) {
        let prefix = text.utf8.prefix(max(0, offset))
        var line = 1, lineStart = prefix.startIndex
        for index in prefix.indices where prefix[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = prefix.index(after: index)
        }
        return (line, String(decoding: prefix[lineStart...], as: UTF8.self).count + 1)
    }

    /// False when `refused` cannot find anything: none of the bytes its refusals need
    /// (`?`, `*`, U+2028, U+2029, U+0085) occurs. One pass over the bytes, where
    /// `refused` splits the text into lines of Characters: on a large ledger that
    /// took longer than parsing the YAML.
    static func mayBeRefused(_ text: String) -> Bool {
        func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var index = 0
            let count = bytes.count
            while index < count {
                switch bytes[index] {
                case UInt8(ascii: "?"), UInt8(ascii: "*"):
                    return true
                case 0xC2:  // U+0085: C2 85
                    if index + 1 < count, bytes[index + 1] == 0x85 { return true }
                case 0xE2:  // U+2028, U+2029: E2 80 A8, E2 80 A9
                    if index + 2 < count, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 { return true }
                default:
                    break
                }
                index += 1
            }
            return false
        }
        return text.utf8.withContiguousStorageIfAvailable(scan) ?? ContiguousArray(text.utf8).withUnsafeBufferPointer(scan)
    }

    /// What this tool refuses before libyaml sees it: invisible line separators
    /// (libyaml breaks lines there, and the error would land elsewhere), and keys
    /// that are aliases or complex (`? `): nothing in the contract needs them, and
    /// an alias bomb used as a key is expanded while duplicate keys are checked.
    static func refused(_ text: String) -> (line: Int, column: Int, message: String)? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let separator = line.unicodeScalars.firstIndex(where: { $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" }) {
                let code = String(format: "U+%04X", line.unicodeScalars[separator].value)
                let column = line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: separator) + 1
                return (index + 1, column, "含有看不见的分行符 \(code)（多从网页或文字处理软件粘贴而来）：请删除它")
            }
            let trimmed = line.drop { $0 == " " || $0 == "\t" || $0 == "-" }
            let column = line.count - trimmed.count + 1
            if trimmed == "?" || trimmed.hasPrefix("? ") {
                return (index + 1, column, "YAML 格式错误：不支持以“? ”开头的复杂字段名，请写成“字段: 值”")
            }
            if trimmed.hasPrefix("*"), let colon = trimmed.firstIndex(of: ":"),
               !trimmed[..<colon].contains(" "), trimmed[colon...].dropFirst().first.map({ $0 == " " || $0 == "\t" }) ?? true {
                return (index + 1, column, "YAML 格式错误：字段名不能是别名（*名称），请直接写出字段名")
            }
        }
        return nil
    }

    private static func describe(_ error: YAMLProblem, in yaml: String) -> (YAMLMark?, String) {
        switch error {
        case let .syntax(context, contextMark, problem, mark):
            // For an unclosed quote or bracket the place where it opened is the useful one.
            let opening = context.map { text in ["quoted scalar", "flow", "simple key"].contains(where: text.contains) } ?? false
            let where_ = opening ? contextMark : mark
            // A tab where a token should start is a tab used to indent.
            let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
            let line = Int(mark.line), column = Int(mark.column)
            if problem.contains("cannot start any token"), line >= 1, line <= lines.count,
               lines[line - 1].unicodeScalars.dropFirst(max(0, column - 1)).first == "\t" {
                return (mark, "YAML 格式错误：缩进中不能使用 Tab 键，请改用空格")
            }
            return (where_, "YAML 格式错误：\(explain(problem: problem, context: context))")
        case let .duplicateKeys(duplicates, mark):
            let keys = duplicates.map { "“\($0)”" }.joined(separator: "、")
            return (mark, "同一条记录中字段 \(keys) 出现了不止一次")
        case let .reader(problem, _, _):
            return (nil, "文件不是有效的 UTF-8 文本：\(problem)")
        case .memory:
            return (nil, "无法解析 YAML：Memory error")
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
            ("expected a single document", "一个文件中只能有一份数据：请删除多余的“---”"),
            ("did not find expected <document start>", "一个文件中只能有一份数据：“...”之后不能再有内容"),
            ("did not find expected hexdecimal number", "双引号内的反斜杠转义（\\x、\\u）后不是有效的十六进制数字：请改用单引号，或把 \\ 写成 \\\\"),
            ("invalid Unicode character escape", "双引号内的反斜杠转义 \\u 不是有效的字符：请改用单引号，或把 \\ 写成 \\\\"),
            ("did not find expected comment or line break", "块文本标记“|”或“>”所在的行不能再写其他内容"),
            ("indentation indicator equal to 0", "块文本标记“|”或“>”后的缩进数字不能为 0"),
            ("mapping keys are not allowed", "此处不能出现字段名（或“?”开头的复杂键）：请检查缩进和冒号"),
            ("Maximum nesting level", "嵌套层次过深（超过 1000 层）"),
            ("tag", "不支持 YAML 标签（以 ! 开头）：请删除“!”，或给整个值加引号"),
            ("directive", "不支持 YAML 指令（%YAML、%TAG 等以 % 开头的行）：请删除该行，或给以 % 开头的值加引号"),
            ("incompatible YAML document", "不支持 YAML 指令（%YAML、%TAG 等以 % 开头的行）：请删除该行"),
        ]
        if let context, problem.contains("did not find expected alphabetic or numeric character") {
            if context.contains("anchor") { return "锚点（&）后缺少名称：值以 & 开头时请加引号" }
            if context.contains("alias") { return "别名（*）后缺少名称：值以 * 开头时请加引号" }
        }
        if let context, context.contains("tag") || context.contains("directive") {
            return context.contains("tag") ? "不支持 YAML 标签（以 ! 开头）：请删除“!”，或给整个值加引号"
                : "不支持 YAML 指令（%YAML、%TAG 等以 % 开头的行）：请删除该行，或给以 % 开头的值加引号"
        }
        let both = "\(context ?? "") \(problem)"
        if let match = known.first(where: { both.contains($0.0) }) { return match.1 }
        return [context, problem].compactMap { $0 }.joined(separator: "：")
    }
}
