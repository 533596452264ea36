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
        /// The content folder as read (what was read, and the digests of those files).
        let files: ContentFiles?
        /// The document cache in this build's context (nil without a cache file or settings).
        let documents: DocumentCache?
        /// The notices taken from that cache unread come without their bodies: read here when needed.
        var lateBodies: LateBodies? { documents.flatMap { cache in files.map { LateBodies(files: $0, cache: cache) } } }
    }

    /// - Parameters:
    ///   - content: the content folder.
    ///   - displayRoot: how that folder is named in diagnostics.
    ///   - asOf: the `--as-of` override.
    ///   - today: the fallback as-of date.
    ///   - documents: the document cache file of earlier builds; its entries are used when
    ///     they were made in this build's context (the tool, `site.yml` as read here, `displayRoot`).
    ///   - settledBefore: files older than this get an identity (`FileIdentity`).
    static func load(content: URL, displayRoot: String, asOf override: Day?, today: Day, documents: DocumentCache.File?,
                     settledBefore: Int = FileIdentity.settledBefore()) -> Result {
        var diagnostics = Diagnostics()
        var clock = PhaseClock()
        defer { clock.report(prefix: "load/") }
        let files = ContentFiles(root: content, displayRoot: displayRoot, settledBefore: settledBefore)
        guard files.isDirectory("") else {
            let exists = FileManager.default.fileExists(atPath: content.path)
            diagnostics.error(SourceLocation(file: displayRoot, line: 1, column: 1),
                              exists ? "\(content.path) 是文件，不是内容目录：--content 应指向含有 site.yml 的目录"
                                     : "内容目录不存在：\(content.path)（请在含有 content/ 的站点文件夹中运行，或用 --content 指定内容目录）")
            return Result(model: nil, diagnostics: diagnostics, asOf: override ?? today, files: nil, documents: nil)
        }
        guard let settings = SettingsLoader.load(files, diagnostics: &diagnostics) else {
            return Result(model: nil, diagnostics: diagnostics, asOf: override ?? today, files: files, documents: nil)
        }
        warnAboutUnknownEntries(files, diagnostics: &diagnostics)
        for folder in knownEntries where folder != "site.yml" {
            _ = files.expectFolder(folder, diagnostics: &diagnostics)
        }
        let asOf = override ?? settings.asOf ?? today
        var model = SiteModel(settings: settings)

        var ledgers = LedgerLoader(files: files, asOf: asOf)
        ledgers.load(into: &model)
        diagnostics.append(contentsOf: ledgers.diagnostics)
        clock.mark("ledgers")

        // The settings file's bytes as parsed above are part of the cache's context.
        let cache = documents.map { file in
            DocumentCache(context: DocumentCache.context(tool: file.tool, settingsSHA256: files.digests.digest(of: "site.yml")?.sha256 ?? "",
                                                         displayRoot: displayRoot),
                          bytes: file.bytes)
        }
        clock.mark("cache")
        var loader = DocumentLoader(files: files, settings: settings)
        loader.cache = cache
        loader.load(into: &model, clock: &clock)
        diagnostics.append(contentsOf: loader.diagnostics)

        if files.isDirectory("static") {
            model.staticFiles = files.listRecursively("static", diagnostics: &diagnostics)
        }
        return Result(model: diagnostics.hasErrors ? nil : model, diagnostics: diagnostics, asOf: asOf, files: files, documents: cache)
    }

    public static func load(content: URL, displayRoot: String, asOf override: Day?, today: Day) -> Result {
        load(content: content, displayRoot: displayRoot, asOf: override, today: today, documents: nil)
    }

    /// What the content folder may hold at its top level.
    static let knownEntries = ["site.yml", "data", "notices", "bulletins", "circulars", "exposures", "pages", "static"]

    /// Files and folders the build would skip without a word: a typo'd `notice/` among them.
    static func warnAboutUnknownEntries(_ files: ContentFiles, diagnostics: inout Diagnostics) {
        for name in files.list("") where !knownEntries.contains(name) {
            let hint = Suggestion.hint(for: name, in: knownEntries)
            diagnostics.warning(SourceLocation(file: files.display(name), line: 1, column: 1),
                                "内容目录中的“\(name)”不会被读取，已忽略\(hint)；可用的有：\(knownEntries.joined(separator: "、"))")
        }
    }
}
