import Foundation

/// What a run of `tongbao build` or `tongbao check` is asked to do.
public struct BuildOptions: Sendable {
    public var content: URL
    /// How the content folder is named in diagnostics.
    public var contentDisplay: String
    /// The site's own templates; nil for `templates/` beside the content folder when it exists.
    public var templates: URL?
    public var output: URL
    public var asOf: Day?
    /// The as-of date when neither `--as-of` nor site.yml gives one.
    public var today: Day
    /// false for `check`: load, validate and render, write nothing.
    public var write: Bool
    /// Render pages on all cores; the output is byte-identical either way.
    public var parallel = true
    /// Keep a render cache beside the output folder and skip pages it shows unchanged;
    /// the output is byte-identical either way.
    public var useCache = true
    /// Content files whose modification and change times are older than this
    /// (seconds since the epoch) are trusted unchanged while their identity is
    /// the recorded one (`FileIdentity`); nil: the build's start less a margin.
    public var settledBefore: Int?
    /// How much older than its record a staging folder's times must be for the
    /// record to be trusted (`StagingRecord`), in nanoseconds; nil: a tenth of a
    /// second (two seconds on file systems with whole-second times).
    public var folderMargin: Int?
    /// Told of each stage as it ends (the command line prints a line per stage on a terminal).
    public var progress: (@Sendable (BuildEvent) -> Void)?

    public init(content: URL, contentDisplay: String, templates: URL?, output: URL, asOf: Day?, today: Day, write: Bool) {
        self.content = content
        self.contentDisplay = contentDisplay
        self.templates = templates
        self.output = output
        self.asOf = asOf
        self.today = today
        self.write = write
    }
}

/// A stage of a build that has ended, with what it did and its wall time in seconds.
public enum BuildEvent: Sendable {
    /// The content read and checked.
    case loaded(LoadedCounts, seconds: Double)
    /// The pages planned: made through their templates, or taken from the previous build.
    case rendered(pages: Int, reused: Int, seconds: Double)
    /// Every file scanned for personal data, compressed and hashed.
    case finished(files: Int, seconds: Double)
    /// The output folder replaced.
    case published(written: Int, kept: Int, removed: Int?, seconds: Double)
}

/// What the content folder holds, as loaded.
public struct LoadedCounts: Sendable, Equatable {
    public var notices = 0
    public var bulletins = 0
    public var pages = 0
    /// Narratives of circulars and of exposure batches.
    public var narratives = 0
    /// Rows of the reference data (regions, departments, sectors, enterprises).
    public var referenceRows = 0
    /// Rows of the ledgers (hazards, inspections, penalties, accidents).
    public var ledgerRows = 0
    public var staticFiles = 0
    /// Notices taken from the document cache, and of those the ones whose files were not read.
    public var noticesReused = 0
}

/// The outcome of a run.
public struct BuildReport: Sendable {
    public var diagnostics: Diagnostics
    public var asOf: Day?
    /// Files planned (and, for a build, written).
    public var files: Int = 0
    public var bytes: Int = 0
    /// Files left as they were in the previous output (same bytes: not rewritten).
    public var filesKept: Int = 0
    /// Files written anew (new or changed).
    public var filesWritten: Int = 0
    /// Files of the previous output that the new one no longer has; nil when not known
    /// (no previous output, or its manifest could not be read).
    public var filesRemoved: Int?
    /// Pages made through a template, and how many of them the render cache supplied.
    public var pages: Int = 0
    public var pagesReused: Int = 0
    /// Notices the document cache supplied (unchanged since the previous build: not parsed again).
    public var noticesReused: Int = 0
    /// Of those, the notices whose files were not even read (their identity unchanged).
    public var noticesUnread: Int = 0
    /// Folders of the kept staging folder the publish stage listed (the others it took as recorded).
    public var foldersListed: Int = 0
    /// The site's `base_url` as loaded (nil when site.yml could not be read).
    public var baseURL: String?
    public var succeeded: Bool { !diagnostics.hasErrors }
}

/// The theme and its parsed templates, made beside the loading.
struct PreparedTheme: Sendable {
    let theme: Theme
    let diagnostics: Diagnostics
    let templates: TemplateSet
    let templateDiagnostics: Diagnostics
}

/// The pipeline: load → model → compute → render → publish.
public enum Builder {
    public static func run(_ options: BuildOptions) -> BuildReport {
        var report = BuildReport(diagnostics: Diagnostics())
        let content = options.content.standardizedFileURL
        let templatesDirectory = (options.templates ?? content.deletingLastPathComponent().appendingPathComponent("templates"))
            .standardizedFileURL
        var lock: OutputLock?
        if options.write {
            let outputLocation = SourceLocation(file: options.output.path, line: 1, column: 1)
            if let problem = outputProblem(options.output.standardizedFileURL, content: content, templates: templatesDirectory) {
                report.diagnostics.error(outputLocation, problem)
                return report
            }
            do {
                lock = try OutputLock(output: options.output)
            } catch {
                report.diagnostics.error(outputLocation, error.description)
                return report
            }
            if lock == nil {
                report.diagnostics.error(outputLocation, "另一个 tongbao 正在生成 \(options.output.path)，请等它结束后再试")
                return report
            }
        }
        defer { withExtendedLifetime(lock) {} }
        var clock = PhaseClock()
        defer { clock.report() }
        // The stages' wall times, for `options.progress`.
        var stageStart = DispatchTime.now().uptimeNanoseconds
        func stageSeconds() -> Double {
            let now = DispatchTime.now().uptimeNanoseconds
            defer { stageStart = now }
            return Double(now - stageStart) / 1e9
        }

        if let explicit = options.templates {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: explicit.path, isDirectory: &isDirectory) || !isDirectory.boolValue {
                report.diagnostics.error(SourceLocation(file: explicit.path, line: 1, column: 1), "模板目录不存在：\(explicit.path)")
            }
        }
        // Pages rendered by the previous build of this output, checked against its files, read
        // beside the loading. (`check` uses it too, read only: a page it vouches for was scanned
        // when it was published.)
        let previousPages = options.useCache ? Background { [output = options.output] cancelled in
            CacheStore.load(output: output, cancelled: cancelled)
        } : nil
        defer { previousPages?.cancel() }
        // What the publish stage recorded of the staging folder's trees, read beside the loading.
        let stagingRecords = options.useCache && options.write ? Background { [output = options.output] _ in
            CacheStore.loadStagingRecords(output: output)
        } : nil
        defer { stagingRecords?.cancel() }
        // The search index the previous build made, read beside the loading.
        let previousSearch = options.useCache ? Background { [output = options.output] _ in
            CacheStore.loadSearch(output: output)
        } : nil
        defer { previousSearch?.cancel() }
        // The theme is read and its templates parsed beside the loading (it needs no content).
        let templatesDisplay = options.templates?.path ?? displayPath(templatesDirectory)
        let preparedTheme = Background { _ in
            var themeDiagnostics = Diagnostics(), templateDiagnostics = Diagnostics()
            let theme = ThemeLoader.load(overrides: templatesDirectory, displayRoot: templatesDisplay, diagnostics: &themeDiagnostics)
            let templates = TemplateSet(theme: theme, diagnostics: &templateDiagnostics)
            return PreparedTheme(theme: theme, diagnostics: themeDiagnostics, templates: templates, templateDiagnostics: templateDiagnostics)
        }
        // On every way out the work is over before this returns (it hashes with OpenSSL).
        defer { preparedTheme.cancel() }
        // Notices an earlier build of this output loaded and rendered (`check` reads it too, and never writes it).
        let documentFile = options.useCache ? CacheStore.loadDocuments(output: options.output) : nil
        clock.mark("documents")
        let loaded = SiteLoader.load(content: content, displayRoot: options.contentDisplay, asOf: options.asOf, today: options.today,
                                     documents: documentFile, settledBefore: options.settledBefore ?? FileIdentity.settledBefore())
        let documents = loaded.documents
        // The model and everything made from it are freed at exit, not at the end of this function (see `ProcessLifetime`).
        defer { ProcessLifetime.keep(loaded) }
        report.diagnostics.append(contentsOf: loaded.diagnostics)
        report.asOf = loaded.asOf
        report.noticesReused = documents?.reused ?? 0
        report.noticesUnread = documents?.unreadCount ?? 0
        // Hashing the inputs for the manifest (the files the loader did not read) runs beside the build.
        let inputLines = options.write ? loaded.files.map { files in
            Background { cancelled in
                let unread = (documents?.unreadBodies).map { notices in
                    Dictionary(notices.map { ($0.relativePath, (size: $0.size, sha256: $0.sha256)) }, uniquingKeysWith: { first, _ in first })
                } ?? [:]
                return InputDigest.contentLines(files, unread: unread, cancelled: cancelled)
            }
        } : nil
        // On every way out (errors included) the hashing is over before this returns.
        defer { inputLines?.cancel() }
        clock.mark("load")
        guard let prepared = preparedTheme.value else { return report }
        let theme = prepared.theme
        report.diagnostics.append(contentsOf: prepared.diagnostics)
        clock.mark("theme")
        report.baseURL = loaded.model?.settings.baseURL
        guard let model = loaded.model, !report.diagnostics.hasErrors else { return report }
        if let progress = options.progress {
            var counts = LoadedCounts()
            counts.notices = model.notices.count
            counts.bulletins = model.bulletins.count
            counts.pages = model.pages.count
            counts.narratives = model.circularNarratives.count + model.exposureNarratives.count
            counts.referenceRows = model.regions.count + model.departments.count + model.sectors.count + model.enterprises.count
            counts.ledgerRows = model.hazards.count + model.inspections.count + model.penalties.count + model.accidents.count
            counts.staticFiles = model.staticFiles.count
            counts.noticesReused = report.noticesReused
            progress(.loaded(counts, seconds: stageSeconds()))
        }

        // (The render cache, read beside the loading.)
        let cache = previousPages?.value ?? RenderCache()
        defer { ProcessLifetime.keep((cache, documents as Any)) }
        clock.mark("cache")
        let rendered = SiteRenderer.render(model, asOf: loaded.asOf, theme: theme, contentRoot: content, parallel: options.parallel,
                                           cache: cache, documents: documents, lateBodies: loaded.lateBodies,
                                           prepared: (prepared.templates, prepared.templateDiagnostics),
                                           search: previousSearch?.value ?? nil)
        let files = rendered.files
        defer { ProcessLifetime.keep(files) }
        // On every way out the search cache's encoding is over before this returns.
        defer { rendered.search?.cancel() }
        clock.mark("render")
        // What this build learnt of each notice, encoded for the next build beside the rest (it changes no more).
        let documentBytes = options.write ? documents.map { documents in Background { _ in documents.encodedParts() } } : nil
        defer { documentBytes?.cancel() }
        report.diagnostics.append(contentsOf: rendered.diagnostics)
        // A notice whose bytes changed though its identity did not (found reading its body): the build
        // fails, and the document cache without that identity is saved, so the next build reads the file.
        if options.write, report.diagnostics.hasErrors, documents?.hasForgotten == true, let bytes = documentBytes?.value {
            CacheStore.saveDocuments(bytes, output: options.output)
        }
        // Pages made through a template (the search index's files, reused by their bytes, are not pages).
        func isPage(_ file: OutputFile) -> Bool { file.digest.map { !FileFinishing.isBytesDigest($0) } ?? false }
        report.pages = files.count(where: isPage)
        report.pagesReused = files.count { if case .previous = $0.content { isPage($0) } else { false } }
        options.progress?(.rendered(pages: report.pages, reused: report.pagesReused, seconds: stageSeconds()))
        let guardian = PrivacyGuard(publicPhones: model.settings.publicPhones, creditCodes: model.enterprises.compactMap(\.creditCode))
        let finished = FileFinishing.finish(files, guardian: guardian, publishing: options.write, cache: cache)
        defer { ProcessLifetime.keep(finished) }
        clock.mark("finish")
        options.progress?(.finished(files: files.count, seconds: stageSeconds()))
        reportPrivacy(finished.hits, options: options, content: content, diagnostics: &report.diagnostics)
        let paths = files.map(\.path) + finished.twins.joined().map(\.path) + [Manifest.path, Publisher.marker]
        // The publish stage's folders, made from the paths beside the checks and the manifest.
        let layout = options.write ? Background { _ in Publisher.Layout(paths: paths) } : nil
        defer { layout?.cancel() }
        checkCollisions(paths, diagnostics: &report.diagnostics, display: options.contentDisplay)
        guard !report.diagnostics.hasErrors else { return report }
        report.files = files.count
        guard options.write else { return report }

        // What only a written site needs: compressed twins and the manifest of it all.
        let inputs = InputDigest.combine(inputLines?.value ?? "", theme: theme)
        clock.mark("inputs")
        let all = PlannedFiles([files] + finished.twins + [[Manifest.make(finished.entries, asOf: loaded.asOf, inputs: inputs)]])
        defer { ProcessLifetime.keep(all) }
        clock.mark("manifest")
        report.files = all.count
        do {
            let published = try Publisher.publish(all, to: options.output, records: stagingRecords?.value ?? StagingRecords(),
                                                  margin: options.folderMargin ?? StagingRecord.margin, layout: layout?.value)
            report.bytes = published.bytesWritten
            report.filesWritten = published.filesWritten
            report.filesRemoved = published.filesRemoved
            report.filesKept = published.filesKept
            report.foldersListed = published.foldersListed
            clock.mark("publish")
            options.progress?(.published(written: report.filesWritten, kept: report.filesKept, removed: report.filesRemoved,
                                         seconds: stageSeconds()))
            // The four cache files are written side by side.
            let searchBytes = options.useCache ? rendered.search : nil
            let savedBeside = Background { [output = options.output, useCache = options.useCache] _ in
                if let bytes = documentBytes?.value { CacheStore.saveDocuments(bytes, output: output) }
                if useCache { CacheStore.saveStagingRecords(published.records, output: output) }
                if let bytes = searchBytes?.value { CacheStore.saveSearch(bytes, output: output) }
            }
            if options.useCache { CacheStore.save(finished.pages, output: options.output) }
            _ = savedBeside.value
            clock.mark("cache")
        } catch {
            report.diagnostics.error(SourceLocation(file: options.output.path, line: 1, column: 1), error.description)
        }
        return report
    }

    /// Stops the build when a planned file would publish an identity-card or
    /// mobile number, reported where the value stands in the content.
    static func reportPrivacy(_ hits: [PrivacyGuard.Hit], options: BuildOptions, content: URL, diagnostics: inout Diagnostics) {
        var reported = Set<String>()
        for hit in hits where reported.insert(hit.value).inserted {
            let pages = hits.filter { $0.value == hit.value }.map(\.path)
            let shown = pages.prefix(3).joined(separator: "、") + (pages.count > 3 ? " 等 \(pages.count) 个文件" : "")
            let advice = hit.kind == .mobile
                ? "请删除或只保留部分号码（如 138****8000）；若是单位公开的值班手机，请列入 site.yml 的 public_phones"
                : "请删除，或只保留部分号码（如 \(hit.masked)）"
            let message = "\(hit.kind.rawValue) \(hit.masked) 属于个人信息，不得发布（将出现在 \(shown)）。\(advice)"
            let sources = SourceSearch.locate(hit.value, content: content, displayRoot: options.contentDisplay)
            if sources.isEmpty {
                diagnostics.error(SourceLocation(file: "\(options.output.path)/\(pages[0])", line: 1, column: 1),
                                  message + "（该号码在页面中由几段文字拼成，请检查相应的公文或台账）")
            }
            for location in sources { diagnostics.error(location, message) }
        }
    }

    /// Two planned files at one path: a static file named like a generated page,
    /// a page's `.gz` twin, the manifest or the marker.
    static func checkCollisions(_ paths: [String], diagnostics: inout Diagnostics, display: String) {
        var seen = Set<String>()
        for path in paths where !seen.insert(path).inserted {
            diagnostics.error(SourceLocation(file: "\(display)/static/\(path)", line: 1, column: 1),
                              "static/\(path) 与生成的文件同名，请改名或移动")
        }
    }

    /// Why the output folder may not be used, or nil.
    static func outputProblem(_ output: URL, content: URL, templates: URL) -> String? {
        let path = output.resolvingSymlinksInPath().path
        let home = FileManager.default.homeDirectoryForCurrentUser.resolvingSymlinksInPath().path
        if path == "/" || path == home { return "输出目录不能是 \(path)：构建会替换整个输出目录" }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if !isDirectory.boolValue { return "输出路径 \(path) 是一个文件，不是目录" }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            if !entries.isEmpty && !entries.contains(Publisher.marker) {
                return "输出目录 \(path) 已有其他文件，且不是 tongbao 生成的网站（没有 \(Publisher.marker) 标记）；"
                    + "构建会替换整个输出目录，为免误删，请换一个新目录或先清空它"
            }
        }
        for (folder, name) in [(content, "内容目录"), (templates, "模板目录")] {
            let other = folder.resolvingSymlinksInPath().path
            if path == other || path.hasPrefix(other + "/") || other.hasPrefix(path + "/") {
                return "输出目录 \(path) 不能是\(name)、位于其中或包含它（\(other)）：构建会替换整个输出目录"
            }
        }
        return nil
    }

    static func displayPath(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        return url.path.hasPrefix(cwd + "/") ? String(url.path.dropFirst(cwd.count + 1)) : url.path
    }
}
