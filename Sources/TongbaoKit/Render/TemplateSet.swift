import Foundation
import Mustache

/// The theme's templates, parsed once, ready to render view data.
struct TemplateSet: Sendable {
    private let library: MustacheLibrary
    /// Per template: SHA-256 of it and every partial and parent it reaches, so
    /// that a page rendered before is known to render the same again.
    private(set) var digests: [String: String] = [:]

    /// Parses every template; a syntax error is a diagnostic with its file, line and column.
    init(theme: Theme, diagnostics: inout Diagnostics) {
        var library = MustacheLibrary()
        HTMLEscape.registered
        for (name, file) in theme.templates {
            guard let text = String(data: file.bytes, encoding: .utf8) else {
                diagnostics.error(SourceLocation(file: file.origin, line: 1, column: 1), "模板不是有效的 UTF-8 文本")
                continue
            }
            do {
                // The first line selects tongbao's escaping (it renders as nothing); lines are counted without it.
                library.register(try MustacheTemplate(string: HTMLEscape.pragma + text), named: name)
            } catch let error as MustacheTemplate.ParserError {
                diagnostics.error(SourceLocation(file: file.origin, line: max(1, error.context.lineNumber - 1), column: error.context.columnNumber),
                                  "模板语法错误：\(TemplateSet.describe(error.error))")
            } catch {
                diagnostics.error(SourceLocation(file: file.origin, line: 1, column: 1), "模板语法错误：\(error)")
            }
        }
        // A partial or parent that does not exist would render as nothing: name it instead.
        for (name, file) in theme.templates {
            guard let text = String(data: file.bytes, encoding: .utf8) else { continue }
            for (reference, line, column) in TemplateSet.references(in: text) where library.getTemplate(named: reference) == nil {
                diagnostics.error(SourceLocation(file: file.origin, line: line, column: column),
                                  "模板 \(name) 引用了不存在的模板“\(reference)”")
            }
        }
        for required in TemplateSet.required where library.getTemplate(named: required) == nil {
            if !theme.templates.contains(where: { $0.name == required }) {
                diagnostics.error(SourceLocation(file: "\(required).mustache", line: 1, column: 1), "主题缺少模板 \(required).mustache")
            }
        }
        self.library = library
        self.digests = TemplateSet.digests(theme)
    }

    private static func digests(_ theme: Theme) -> [String: String] {
        var texts: [String: Data] = [:]
        var references: [String: [String]] = [:]
        var hidden = Set<String>()
        for (name, file) in theme.templates {
            texts[name] = file.bytes
            let text = String(decoding: file.bytes, as: UTF8.self)
            references[name] = TemplateSet.references(in: text).map(\.0)
            if TemplateSet.hasHiddenReferences(text) { hidden.insert(name) }
        }
        var result: [String: String] = [:]
        for name in texts.keys {
            var reached: Set<String> = [name]
            var pending = [name]
            while let next = pending.popLast() {
                for reference in references[next] ?? [] where reached.insert(reference).inserted { pending.append(reference) }
            }
            // A template whose partials cannot all be named depends, to be safe, on every template.
            if !reached.isDisjoint(with: hidden) {
                reached = Set(texts.keys)
            }
            var hash = SHA256()
            for reached in reached.sorted() {
                let bytes = texts[reached] ?? Data()
                hash.update(Array("\(reached)\n\(bytes.count)\n".utf8))
                hash.update(bytes)
            }
            result[name] = hash.finalizeHex()
        }
        return result
    }

    /// The templates every site needs.
    static let required = ["layout", "home", "notice", "notices", "bulletin", "bulletins", "page", "404",
                           "circular", "circulars", "region", "regions", "exposures", "exposure-batch", "supervised", "search"]

    /// Names used as `{{> name}}` (partial) or `{{< name}}` (parent), with where they
    /// stand; a tag may run over lines (`{{>` and the name on the next line).
    static func references(in text: String) -> [(String, Int, Int)] {
        var result: [(String, Int, Int)] = []
        let bytes = Array(text.utf8)
        var line = 1
        var lineStart = 0
        var index = 0
        while index + 2 < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                lineStart = index + 1
                index += 1
                continue
            }
            guard byte == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "{"),
                  bytes[index + 2] == UInt8(ascii: ">") || bytes[index + 2] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            // The name runs to the closing braces, possibly over lines.
            var close = index + 3
            while close + 1 < bytes.count, !(bytes[close] == UInt8(ascii: "}") && bytes[close + 1] == UInt8(ascii: "}")) { close += 1 }
            guard close + 1 < bytes.count else { break }
            let name = String(decoding: bytes[(index + 3)..<close], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            // Columns count characters.
            let column = String(decoding: bytes[lineStart..<index], as: UTF8.self).count + 1
            if !name.isEmpty { result.append((name, line, column)) }
            for byte in bytes[index..<close] where byte == UInt8(ascii: "\n") {
                line += 1
            }
            if let lastBreak = bytes[index..<close].lastIndex(of: UInt8(ascii: "\n")) { lineStart = lastBreak + 1 }
            index = close + 2
        }
        return result
    }

    /// Whether the partials a template uses may not all be found by `references`:
    /// after a change of delimiters (`{{=<% %>=}}`), or a partial named at render
    /// time (`{{>*name}}`).
    static func hasHiddenReferences(_ text: String) -> Bool {
        text.contains("{{=") || references(in: text).contains { $0.0.hasPrefix("*") }
    }

    func render(_ name: String, _ view: [String: Any]) -> String {
        library.render(view, withTemplate: name) ?? ""
    }

    private static func describe(_ error: Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "\(error)" }
        switch error {
        case .sectionCloseNameIncorrect: return "结束标签与开始的区块名称不一致"
        case .unfinishedName: return "标签没有结束（缺少 }}）"
        case .expectedSectionEnd: return "区块没有结束标签（缺少 {{/…}}）"
        case .invalidSetDelimiter: return "分隔符设置标签格式错误"
        case .transformAppliedToInheritanceSection: return "继承区块不能使用转换"
        case .illegalTokenInsideInheritSection: return "继承区块内有不允许的标签"
        default: return "\(error)"
        }
    }
}
