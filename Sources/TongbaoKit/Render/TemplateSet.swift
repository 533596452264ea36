import Foundation
import Mustache

/// The theme's templates, parsed once, ready to render view data.
struct TemplateSet {
    private let library: MustacheLibrary

    /// Parses every template; a syntax error is a diagnostic with its file, line and column.
    init(theme: Theme, diagnostics: inout Diagnostics) {
        var library = MustacheLibrary()
        for (name, file) in theme.templates {
            guard let text = String(data: file.bytes, encoding: .utf8) else {
                diagnostics.error(SourceLocation(file: file.origin, line: 1, column: 1), "模板不是有效的 UTF-8 文本")
                continue
            }
            do {
                library.register(try MustacheTemplate(string: text), named: name)
            } catch let error as MustacheTemplate.ParserError {
                diagnostics.error(SourceLocation(file: file.origin, line: error.context.lineNumber, column: error.context.columnNumber),
                                  "模板语法错误：\(TemplateSet.describe(error.error))")
            } catch {
                diagnostics.error(SourceLocation(file: file.origin, line: 1, column: 1), "模板语法错误：\(error)")
            }
        }
        for required in TemplateSet.required where library.getTemplate(named: required) == nil {
            if !theme.templates.contains(where: { $0.name == required }) {
                diagnostics.error(SourceLocation(file: "\(required).mustache", line: 1, column: 1), "主题缺少模板 \(required).mustache")
            }
        }
        self.library = library
    }

    /// The templates every site needs.
    static let required = ["layout", "home", "notice", "notices", "bulletin", "bulletins", "page", "404"]

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
