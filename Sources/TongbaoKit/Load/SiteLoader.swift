import Foundation

/// The load stage: a content folder to a validated `SiteModel`, with every
/// problem found in one run.
public enum SiteLoader {
    public struct Result: Sendable {
        /// nil when any error was found.
        public let model: SiteModel?
        public let diagnostics: Diagnostics
        /// The as-of date in force: `--as-of`, else `as_of` of site.yml, else today.
        public let asOf: Day
    }

    /// - Parameters:
    ///   - content: the content folder.
    ///   - displayRoot: how that folder is named in diagnostics.
    ///   - asOf: the `--as-of` override.
    ///   - today: the fallback as-of date.
    public static func load(content: URL, displayRoot: String, asOf override: Day?, today: Day) -> Result {
        var diagnostics = Diagnostics()
        let files = ContentFiles(root: content, displayRoot: displayRoot)
        guard files.isDirectory("") else {
            diagnostics.error(SourceLocation(file: displayRoot, line: 1, column: 1), "内容目录不存在：\(content.path)")
            return Result(model: nil, diagnostics: diagnostics, asOf: override ?? today)
        }
        guard let settings = SettingsLoader.load(files, diagnostics: &diagnostics) else {
            return Result(model: nil, diagnostics: diagnostics, asOf: override ?? today)
        }
        let asOf = override ?? settings.asOf ?? today
        var model = SiteModel(settings: settings)

        var ledgers = LedgerLoader(files: files, asOf: asOf)
        ledgers.load(into: &model)
        diagnostics.append(contentsOf: ledgers.diagnostics)

        var documents = DocumentLoader(files: files, settings: settings)
        documents.load(into: &model)
        diagnostics.append(contentsOf: documents.diagnostics)

        if files.isDirectory("static") {
            model.staticFiles = files.listRecursively("static", diagnostics: &diagnostics)
        }
        return Result(model: diagnostics.hasErrors ? nil : model, diagnostics: diagnostics, asOf: asOf)
    }
}
