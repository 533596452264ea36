import Foundation

/// The render stage: the model and the as-of date, through the theme, to the
/// planned files of the output folder. Nothing here touches the disk.
public struct SiteRenderer {
    let model: SiteModel
    let settings: SiteSettings
    let publication: Publication
    let templates: TemplateSet
    let markdown: MarkdownRenderer
    let contentRoot: URL
    /// `site.assets` of the view data: key → URL.
    var assetURLs: [String: String] = [:]
    var files: [OutputFile] = []
    /// Links found in the documents' bodies, checked once every file is planned.
    var links: [DocumentLink] = []
    /// Pages planned but not yet rendered (one by one, when not parallel).
    var pages: [PageJob] = []
    /// Renders planned pages on the other cores while planning goes on (when parallel).
    var queue: PageQueue?
    var parallel = true
    var sitemap: [SitemapEntry] = []
    /// What the previous build rendered: pages whose digest is unchanged are not rendered again.
    var cache = RenderCache()
    /// `site` and `chrome` of the view data, and their digest, per section (the navigation marks the current one).
    var siteViews: [String: SectionView] = [:]
    /// The start of each body's text, by the document's file (`description` when the front matter has none).
    var summaries: [String: String] = [:]
    /// Notices loaded and rendered by earlier builds (nil: no cache).
    var documents: DocumentCache?
    /// Reads the bodies of the notices loaded without them (their files unchanged), when they are needed.
    var lateBodies: LateBodies?
    /// The bodies read so, by file.
    var bodiesReadLate: [String: String] = [:]
    /// Notices whose page the render cache has unchanged, by file: not rendered at all.
    /// By the notice's place in `publication.notices`.
    var reusedNotices: [ReusedNotice?] = []
    /// What rendering each other notice's body gave, by file, kept for the document cache with its page's view digest.
    var renderedNotices: [String: (page: Int, facts: DocumentCache.Rendered, position: Int)] = [:]
    /// What the document cache knew of each notice's rendering, when findReusedNotices looked.
    var knownRendered: DocumentCache.RenderedLookup?
    /// The digest of each published notice's summary (`noticeSummary`), by its place in `publication.notices`.
    var summaryDigests: [String] = []
    /// The search index the previous build made (nil: none, or no cache).
    var searchCache: SearchCache?
    /// Reused notices whose text the search index does not have under their digest: their bodies are read and
    /// rendered for it. By the notice's place in `publication.notices`.
    var searchWanted: [Bool] = []
    /// The rendered bodies of reused notices (for the search index and the feed), by file.
    var reusedBodies: [String: String] = [:]
    /// The documents of the search index, other than notices, as their pages are planned.
    var searchDocuments: [SearchDocument] = []
    /// The search index's cache for the next build, being encoded.
    var searchCacheBytes: Background<[[UInt8]]>?

    /// A document in a list page: its place among the section's documents, its
    /// year, and the digest of its summary's view data (`ViewDigest.digest`).
    struct ListEntry: Sendable {
        let position: Int
        let year: Int
        let digest: String
    }

    struct ReusedNotice: Sendable {
        let page: RenderCache.Page
        let digest: String
        let facts: DocumentCache.Rendered
    }

    /// Renders the whole site; errors (a broken template) come back as diagnostics.
    /// - Parameter parallel: render pages on all cores (the output is the same either way).
    /// - Parameter documents: what earlier builds learnt from each notice (`DocumentCache`); this build's findings go into it.
    public static func render(_ model: SiteModel, asOf: Day, theme: Theme, contentRoot: URL, parallel: Bool = true,
                              cache: RenderCache = RenderCache()) -> (files: [OutputFile], diagnostics: Diagnostics) {
        let rendered = render(model, asOf: asOf, theme: theme, contentRoot: contentRoot, parallel: parallel, cache: cache,
                              documents: nil, lateBodies: nil)
        return (rendered.files, rendered.diagnostics)
    }

    /// - Parameter prepared: the theme's templates, parsed beforehand (with their diagnostics); nil to parse them here.
    static func render(_ model: SiteModel, asOf: Day, theme: Theme, contentRoot: URL, parallel: Bool,
                       cache: RenderCache, documents: DocumentCache?, lateBodies: LateBodies?,
                       prepared: (TemplateSet, Diagnostics)? = nil, search: SearchCache? = nil)
        -> (files: [OutputFile], diagnostics: Diagnostics, search: Background<[[UInt8]]>?) {
        var diagnostics = Diagnostics()
        let templates: TemplateSet
        if let prepared {
            templates = prepared.0
            diagnostics.append(contentsOf: prepared.1)
        } else {
            templates = TemplateSet(theme: theme, diagnostics: &diagnostics)
        }
        guard !diagnostics.hasErrors else { return ([], diagnostics, nil) }
        var renderer = SiteRenderer(model: model, asOf: asOf, templates: templates, contentRoot: contentRoot)
        renderer.parallel = parallel
        renderer.cache = cache
        renderer.documents = documents
        renderer.lateBodies = lateBodies
        renderer.searchCache = search
        if parallel { renderer.queue = PageQueue(templates: templates, cache: cache) }
        renderer.addAssets(theme)
        renderer.renderAll(diagnostics: &diagnostics)
        let files = renderer.files, searchBytes = renderer.searchCacheBytes
        // Its view data and plans are freed at exit, not now (see `ProcessLifetime`).
        renderer.files = []
        renderer.searchCacheBytes = nil
        ProcessLifetime.keep(renderer)
        return (files, diagnostics, searchBytes)
    }

    private init(model: SiteModel, asOf: Day, templates: TemplateSet, contentRoot: URL) {
        self.model = model
        self.settings = model.settings
        self.publication = Publication(model, asOf: asOf)
        self.hasCirculars = CircularFigures.firstRecordDay(model, asOf: asOf) != nil
        self.templates = templates
        self.markdown = MarkdownRenderer(unsafeHTML: model.settings.unsafeHTML, rootPath: model.settings.rootPath)
        self.baseURL = model.settings.baseURL
        self.contentRoot = contentRoot
        self.root = model.settings.rootPath
    }

    /// `settings.rootPath`, worked out once (every URL starts with it).
    let root: String
    /// Circulars exist once any ledger record is dated on or before the as-of date
    /// (computed once: every page's navigation asks).
    let hasCirculars: Bool
    func url(_ path: String) -> String { root + path }
    func absoluteURL(_ path: String) -> String { baseURL + path }
    let baseURL: String

    // MARK: Plan

    mutating func renderAll(diagnostics: inout Diagnostics) {
        var clock = PhaseClock()
        defer { clock.report(prefix: "render/") }
        findReusedNotices()
        clock.mark("reuse")
        readLateBodies(diagnostics: &diagnostics)
        clock.mark("late")
        let bodies = renderBodies(diagnostics: &diagnostics)
        summaries = bodies.summaries
        clock.mark("bodies")
        let circulars = computeCirculars()
        renderHome(latestCircular: circulars.latestMonth)
        renderCirculars(circulars, diagnostics: &diagnostics)
        let exposures = ExposureBoard(model, asOf: publication.asOf)
        if model.hasLedgers {
            renderExposures(exposures, diagnostics: &diagnostics)
            renderSupervised(SupervisedList(model, asOf: publication.asOf))
        }
        var noticePages: [Int] = []
        noticePages.reserveCapacity(publication.notices.count)
        for (index, notice) in publication.notices.enumerated() {
            noticePages.append(files.count)
            if let reused = reused(index) {
                emitPrevious(path: SitePaths.notice(notice.source.slug), page: reused.page, digest: reused.digest,
                             viewDigest: reused.facts.viewDigest, lastModified: notice.date)
            } else {
                if let facts = bodies.facts[notice.source.file] { renderedNotices[notice.source.file] = (files.count, facts, index) }
                renderNotice(notice, body: bodies.notices[notice.source.slug] ?? "")
            }
        }
        clock.mark("pages")
        let notices = publication.notices, root = self.root
        // A summary's digest is the document cache's while its notice is unchanged (same file, tool and site.yml).
        let known = knownRendered
        summaryDigests = Parallel.map(notices.count) { index in
            if let cached = known?[notices[index].source.file]?.summaryDigest, !cached.isEmpty { return cached }
            return ViewDigest.digest(SiteRenderer.noticeSummary(notices[index], root: root))
        }
        renderLists(section: "notices", heading: "通知公告",
                    entries: notices.indices.map { ListEntry(position: $0, year: notices[$0].date.year, digest: summaryDigests[$0]) },
                    summary: { SiteRenderer.noticeSummary(notices[$0], root: root) })
        clock.mark("lists")
        for bulletin in publication.bulletins { renderBulletin(bulletin, body: bodies.bulletins[bulletin.issue] ?? "") }
        let bulletins = publication.bulletins
        renderLists(section: "bulletins", heading: "工作简报",
                    entries: bulletins.indices.map { ListEntry(position: $0, year: bulletins[$0].date.year,
                                                               digest: ViewDigest.digest(bulletinSummary(bulletins[$0]))) },
                    summary: { [self] in bulletinSummary(bulletins[$0]) })
        for page in publication.pages { renderPage(page, body: bodies.pages[page.source.slug] ?? "") }
        renderNotFound()
        renderSearchPage()
        let circularEntries = circulars.months.map { figures in
            Feed.Entry(title: circularTitle(figures), path: SitePaths.circular(figures.period.key), date: figures.referenceDay,
                       html: "", summary: "\(figures.period.label)事故、隐患排查治理、执法检查情况和各地排名（统计至\(figures.referenceDay.chinese)）")
        }
        let batchEntries = model.hasLedgers ? exposures.batches.map { batch in
            Feed.Entry(title: "曝光台 \(batch.label)", path: SitePaths.exposureBatch(batch.month.key),
                       date: model.penalties[batch.entries[0]].date,
                       summary: "依法公开曝光：" + batch.entries.map { model.enterprises[model.penalties[$0].enterprise].name }.joined(separator: "、"))
        } : []
        files.append(OutputFile(path: "feed.xml", text: Feed.atom(settings: settings, publication: publication, bodies: bodies,
                                                                 extra: circularEntries + batchEntries)))
        files.append(OutputFile(path: "sitemap.xml", text: Sitemap.xml(baseURL: settings.baseURL, entries: sitemap)))
        for path in model.staticFiles {
            files.append(OutputFile(path: path, content: .copy(contentRoot.appendingPathComponent("static/\(path)"))))
        }
        clock.mark("feed")
        checkLinks(diagnostics: &diagnostics)
        clock.mark("links")
        renderPages()
        clock.mark("wait")
        rememberRenderedNotices()
        renderSearchIndex(bodies: bodies, noticePages: noticePages)
        clock.mark("search")
    }

    /// Notices the document cache knows (their text unchanged) whose page, by
    /// the digest of its template, section and own view data, the render cache
    /// has as published: neither their bodies nor their pages are rendered.
    mutating func findReusedNotices() {
        guard let documents, let template = templates.digests["notice"] else { return }
        let context = ViewDigest.context(template: template, shared: siteView(section: "notices").digests)
        let notices = publication.notices, cache = self.cache, rendered = documents.allRendered()
        knownRendered = rendered
        reusedNotices = Parallel.map(notices.count) { index -> ReusedNotice? in
            let notice = notices[index]
            guard let facts = rendered[notice.source.file] else { return nil }
            // The page's digest is the one recorded while its template and section are unchanged.
            let digest = facts.pageContext == context ? facts.pageDigest : ViewDigest.page(context: context, own: facts.viewDigest)
            guard let page = cache.page(at: SitePaths.notice(notice.source.slug) + "index.html", digest: digest) else { return nil }
            return ReusedNotice(page: page, digest: digest, facts: facts)
        }
        let search = searchCache, reused = reusedNotices
        searchWanted = Parallel.map(notices.count, chunk: 256) { index in
            guard let facts = reused[index]?.facts else { return false }
            // (`SitePaths.notice`'s path, compared in parts.)
            return search?.hasNotice(notices[index].source.slug, digest: facts.viewDigest) != true
        }
    }

    /// The notice at `index` of `publication.notices`, when its page is the previous build's.
    func reused(_ index: Int) -> ReusedNotice? {
        index < reusedNotices.count ? reusedNotices[index] : nil
    }

    /// Whether the notice at `index` of `publication.notices` is in the feed (the newest ones).
    func isInFeed(_ index: Int) -> Bool { index < Feed.limit }

    /// Whether the notice at `index` needs its body rendered: its page is rendered again, or
    /// it is in the feed and the document cache does not have the start of its text.
    func needsBody(_ index: Int) -> Bool {
        guard let reused = reused(index) else { return true }
        return isInFeed(index) && reused.facts.feedSummary.isEmpty || index < searchWanted.count && searchWanted[index]
    }

    /// Reads the bodies still needed of the notices loaded without them: those
    /// whose page is rendered again, and those in the feed.
    mutating func readLateBodies(diagnostics: inout Diagnostics) {
        guard let lateBodies, !lateBodies.isEmpty else { return }
        let wanted = publication.notices.indices.filter { index in
            lateBodies.isUnread(publication.notices[index].source.file) && needsBody(index)
        }.map { publication.notices[$0].source.file }
        let read = lateBodies.read(wanted)
        bodiesReadLate = read.bodies
        diagnostics.append(contentsOf: read.diagnostics)
        // A file whose bytes are not those of its record, its identity unchanged (a file system that
        // kept its times): the next build reads it whatever its identity says.
        for file in read.changed { documents?.forgetIdentity(file) }
    }

    /// A document's source with its body, read late or not.
    func withBody(_ source: DocumentSource) -> DocumentSource {
        bodiesReadLate[source.file].map { source.replacingBody($0) } ?? source
    }

    /// Gives the document cache what rendering each notice's page gave.
    func rememberRenderedNotices() {
        guard let documents else { return }
        for (file, rendered) in renderedNotices {
            let page = files[rendered.page]
            guard let own = page.viewDigest, let digest = page.digest, let context = page.digestContext else { continue }
            let facts = rendered.facts
            documents.setRendered(file, DocumentCache.Rendered(links: facts.links, warnings: facts.warnings, viewDigest: own,
                                                               pageContext: context, pageDigest: digest,
                                                               summaryDigest: summaryDigests[rendered.position],
                                                               feedSummary: facts.feedSummary))
        }
    }

    /// Rendered Markdown bodies of every published document, and the start of
    /// each one's text (the pages' description when the front matter has none).
    struct Bodies {
        var notices: [String: String] = [:]
        var bulletins: [Int: String] = [:]
        var pages: [String: String] = [:]
        /// By the document's file.
        var summaries: [String: String] = [:]
        /// The start of each notice's text for the feed, by slug.
        var feedSummaries: [String: String] = [:]
        /// For the document cache: what each notice's body gave (its view digest still empty), by file.
        var facts: [String: DocumentCache.Rendered] = [:]
    }

    /// Renders every body, on all cores (cmark-gfm parses under its lock, the
    /// rest runs in parallel); diagnostics and links are recorded in document order.
    mutating func renderBodies(diagnostics: inout Diagnostics) -> Bodies {
        var bodies = Bodies()
        // A reused notice's page is not rendered: its links and warnings come from the document cache,
        // and its body is rendered only when the feed needs the start of its text.
        for (index, notice) in publication.notices.enumerated() {
            guard let facts = reused(index)?.facts else { continue }
            let page = SitePaths.notice(notice.source.slug)
            links += facts.links.map { DocumentLink(url: $0.url, page: page, location: $0.location, target: $0.target) }
            diagnostics.append(contentsOf: facts.warnings)
            if isInFeed(index), !facts.feedSummary.isEmpty { bodies.feedSummaries[notice.source.slug] = facts.feedSummary }
        }
        let notices = publication.notices
        let documents: [(source: DocumentSource, page: String, notice: Bool, inFeed: Bool, reused: Bool)] =
            notices.indices.filter { needsBody($0) }
                .map { (withBody(notices[$0].source), SitePaths.notice(notices[$0].source.slug), true, isInFeed($0), reused($0) != nil) }
            + publication.bulletins.map { ($0.source, SitePaths.bulletin($0.issue), false, false, false) }
            + publication.pages.map { ($0.source, SitePaths.page($0.source.slug), false, false, false) }
        let markdown = self.markdown
        let results = Parallel.map(documents.count, parallel: parallel) { index in
            let rendered = markdown.render(documents[index].source.body)
            return (rendered, DisplayText.plainText(fromHTML: rendered.html, limit: 120),
                    documents[index].inFeed ? DisplayText.plainText(fromHTML: rendered.html, limit: Feed.summaryLength) : "")
        }
        var html: [String: String] = [:]
        for (document, (rendered, summary, feedSummary)) in zip(documents, results) {
            let file = document.source.file
            if document.inFeed { bodies.feedSummaries[document.source.slug] = feedSummary }
            if document.reused {
                reusedBodies[file] = rendered.html
                // Its page is the previous build's, but the start of its text is new to the cache: kept for the next build.
                if document.inFeed, let documents = self.documents, let facts = knownRendered?[file] {
                    documents.setRendered(file, facts.with(feedSummary: feedSummary))
                }
                continue
            }
            let (linkCount, diagnosticCount) = (links.count, diagnostics.all.count)
            let body = record(rendered, of: document.source, page: document.page, diagnostics: &diagnostics)
            // A notice's body by its slug; the others' by their file, placed below.
            if document.notice { bodies.notices[document.source.slug] = body } else { html[file] = body }
            bodies.summaries[file] = summary
            if document.notice, let cache = self.documents, cache.contains(file) {
                bodies.facts[file] = DocumentCache.Rendered(
                    links: links[linkCount...].map { DocumentCache.Link(url: $0.url, location: $0.location, target: $0.target) },
                    warnings: Array(diagnostics.all[diagnosticCount...]), viewDigest: "", pageContext: "", pageDigest: "",
                    feedSummary: document.inFeed ? feedSummary : "")
            }
        }
        for bulletin in publication.bulletins { bodies.bulletins[bulletin.issue] = html[bulletin.source.file] }
        for page in publication.pages { bodies.pages[page.source.slug] = html[page.source.file] }
        return bodies
    }

    /// A document's body as HTML, shown on the page at `page`; dropped raw HTML
    /// is a warning at its line; its links are kept for `checkLinks`.
    mutating func renderMarkdown(_ source: DocumentSource, page: String, diagnostics: inout Diagnostics) -> String {
        record(markdown.render(source.body), of: source, page: page, diagnostics: &diagnostics)
    }

    mutating func record(_ result: MarkdownRenderer.Rendered, of source: DocumentSource, page: String,
                         diagnostics: inout Diagnostics) -> String {
        func location(_ position: MarkdownRenderer.Position) -> SourceLocation {
            // cmark counts columns in bytes; diagnostics count characters.
            // Nodes an extension made (autolinks) may carry no position.
            guard position.line >= 1, let line = MarkdownRenderer.line(position.line, of: source.body) else {
                return SourceLocation(file: source.file, line: source.bodyLine, column: 1)
            }
            let column = String(decoding: line.prefix(max(0, position.column - 1)), as: UTF8.self).count + 1
            return SourceLocation(file: source.file, line: source.bodyLine + position.line - 1, column: column)
        }
        for position in result.droppedHTML {
            diagnostics.warning(location(position), "正文中的 HTML 标签不会发布（已忽略）；请改用 Markdown，或在 site.yml 中设置 unsafe_html: true")
        }
        for link in result.links {
            links.append(DocumentLink(url: link.url, page: page, location: location(link.position),
                                      target: LinkTarget.resolve(link.url, from: page, root: root)))
        }
        return result.html
    }

    /// Links of the documents that point into the site must reach a file it
    /// publishes (external links are not fetched).
    func checkLinks(diagnostics: inout Diagnostics) {
        let published = Set(files.map(\.path))
        let links = self.links
        // Looked up on all cores; reported in order.
        let broken = Parallel.mapChunks(links.count, size: 512) { range in
            links[range].compactMap { link -> (DocumentLink, String)? in
                guard let target = link.target else { return nil }
                if published.contains(target) || published.contains(target + "/index.html") { return nil }
                return (link, target)
            }
        }
        for (link, target) in broken {
            let generated = SitePaths.reservedTopLevel.contains(String(target.split(separator: "/").first ?? ""))
                && !target.hasPrefix("files/")
            let hint = generated || !target.contains(".") ? "：网站中没有这个页面" : "：static/\(target) 不存在"
            diagnostics.error(link.location, "链接“\(link.url)”指向的地址不存在\(hint)")
        }
    }

    mutating func addAssets(_ theme: Theme) {
        for (name, file) in theme.assets {
            let hashed: String
            if let dot = name.lastIndex(of: "."), dot != name.startIndex {
                hashed = "\(name[..<dot]).\(ContentHash.short(file.bytes))\(name[dot...])"
            } else {
                hashed = "\(name).\(ContentHash.short(file.bytes))"
            }
            let key = String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
            assetURLs[key] = url("assets/\(hashed)")
            files.append(OutputFile(path: "assets/\(hashed)", content: .bytes(file.bytes)))
        }
    }

    // MARK: Pages

    mutating func renderHome(latestCircular: CircularFigures?) {
        let upcoming = publication.notices
            .compactMap { notice in notice.meeting.map { (notice, $0.start) } }
            .filter { $0.1.day >= publication.asOf }
            .sorted { ($0.1, $0.0.source.slug) < ($1.1, $1.0.source.slug) }
        var view: [String: Any] = [
            "notices": publication.notices.prefix(8).map(noticeSummary),
            "bulletins": publication.bulletins.prefix(5).map(bulletinSummary),
            "meetings": upcoming.map { noticeSummary($0.0) },
        ]
        if model.hasLedgers {
            var figures = homeFigures(MonthFigures.compute(model, asOf: publication.asOf))
            if let latestCircular {
                figures["circular_title"] = circularTitle(latestCircular)
                figures["circular_url"] = url(SitePaths.circular(latestCircular.period.key))
            }
            view["figures"] = figures
        }
        emit("home", path: "", title: settings.title, section: "", breadcrumbs: [],
             description: "\(settings.issuer)发布的通知公告、工作简报和安全生产统计数据", extra: view)
    }

    func homeFigures(_ figures: MonthFigures) -> [String: Any] {
        func item(_ label: String, _ value: String, _ unit: String) -> [String: Any] {
            ["label": label, "value": value, "unit": unit]
        }
        return [
            "period": DisplayText.month(figures.month),
            "reference_day": figures.referenceDay.chinese,
            "items": [
                item("生产安全事故", String(figures.accidents), "起"),
                item("事故死亡", String(figures.deaths), "人"),
                item("排查隐患", String(figures.hazardsFound), "项"),
                item("整改隐患", String(figures.hazardsRectified), "项"),
                item("逾期未整改", String(figures.hazardsOverdue), "项"),
                item("年度隐患整改率", figures.yearToDateRate.percentText, figures.yearToDateRate.found == 0 ? "" : "%"),
                item("执法检查", String(figures.inspections), "次"),
                item("行政处罚", String(figures.penalties), "起"),
            ],
        ]
    }

    mutating func renderNotice(_ notice: Notice, body: String) {
        var view: [String: Any] = [
            "title": notice.source.title,
            "doc_no": notice.documentNumber?.description ?? "",
            "to": notice.to ?? "",
            "date": notice.date.chinese,
            "date_iso": notice.date.iso,
            "issuer": settings.issuer,
            "body": body,
            "cc": notice.cc,
            "cc_text": notice.cc.joined(separator: "，"),
            "has_attachments": !notice.attachments.isEmpty,
            "attachments": notice.attachments.enumerated().map { index, attachment -> [String: Any] in
                let ext = attachment.file.split(separator: ".").last.map { String($0).uppercased() } ?? ""
                return ["number": index + 1, "name": attachment.name, "url": url(SitePaths.encoded(attachment.file)), "extension": ext]
            },
        ]
        if let meeting = notice.meeting {
            view["meeting"] = [
                "start": DisplayText.meetingStart(meeting.start),
                "start_iso": meeting.start.iso,
                "place": meeting.place,
                "attendees": meeting.attendees ?? "",
            ] as [String: Any]
        }
        emit("notice", path: SitePaths.notice(notice.source.slug), title: notice.source.title, section: "notices",
             breadcrumbs: [("通知公告", "notices/")], description: description(notice.source, body),
             extra: ["notice": view], lastModified: notice.date)
    }

    mutating func renderBulletin(_ bulletin: Bulletin, body: String) {
        let view: [String: Any] = [
            "title": bulletin.source.title,
            "issue": bulletin.issue,
            "issue_label": "第\(bulletin.issue)期",
            "date": bulletin.date.chinese,
            "date_iso": bulletin.date.iso,
            "issuer": settings.issuer,
            "body": body,
        ]
        emit("bulletin", path: SitePaths.bulletin(bulletin.issue), title: "\(bulletin.source.title)（第\(bulletin.issue)期）",
             section: "bulletins", breadcrumbs: [("工作简报", "bulletins/")],
             description: description(bulletin.source, body), extra: ["bulletin": view], lastModified: bulletin.date)
    }

    mutating func renderPage(_ page: Page, body: String) {
        emit("page", path: SitePaths.page(page.source.slug), title: page.source.title, section: page.source.slug,
             breadcrumbs: [], description: description(page.source, body),
             extra: ["content": ["title": page.source.title, "body": body] as [String: Any]])
    }

    mutating func renderNotFound() {
        emit("404", path: "404.html", title: "页面不存在", section: nil, breadcrumbs: [], description: "页面不存在", extra: [:])
    }

    /// The list of a section, paginated, and one paginated archive per year.
    /// - Parameter summary: the view data of the entry at a position (`noticeSummary` …), made only for pages rendered.
    mutating func renderLists(section: String, heading: String, entries: [ListEntry], summary: (Int) -> [String: Any]) {
        let base = "\(section)/"
        let years = Array(Set(entries.map(\.year))).sorted(by: >)
        var counts: [Int: Int] = [:]
        for entry in entries { counts[entry.year, default: 0] += 1 }
        func yearLinks(current: Int?) -> [[String: Any]] {
            years.map { year in
                ["year": year, "url": url("\(base)\(year)/"), "count": counts[year] ?? 0, "current": year == current]
            }
        }
        renderPaginated(section: section, base: base, heading: heading, entries: entries, years: yearLinks(current: nil),
                        breadcrumbs: [], summary: summary)
        for year in years {
            renderPaginated(section: section, base: "\(base)\(year)/", heading: "\(year)年\(heading)",
                            entries: entries.filter { $0.year == year }, years: yearLinks(current: year),
                            breadcrumbs: [(heading, base)], summary: summary)
        }
    }

    /// The pages of one list. A page's key in the render cache is made from what
    /// its view data is made from (the entries' summary digests, the page's
    /// number, the list's heading, years and trail, and its template and
    /// section), so that a page unchanged since the previous build is linked
    /// from it without making its view data at all.
    mutating func renderPaginated(section: String, base: String, heading: String, entries: [ListEntry],
                                  years: [[String: Any]], breadcrumbs: [(String, String)], summary: (Int) -> [String: Any]) {
        let size = settings.pageSize
        let total = max(1, (entries.count + size - 1) / size)
        let shared = siteView(section: section).digests
        let context = ViewDigest.context(template: templates.digests[section] ?? section, shared: shared)
        let yearsDigest = ViewDigest.digest(years)
        let trail: [Any] = breadcrumbs.map { [$0.0, $0.1] as [Any] }
        for number in 1...total {
            let slice = entries.dropFirst((number - 1) * size).prefix(size)
            let path = SitePaths.listPage(base, number)
            let title = number == 1 ? heading : "\(heading)（第\(number)页）"
            let description = "\(settings.title)\(heading)"
            let plan: [Any] = ["list", section, base, heading, number, total, entries.isEmpty, title, description, absoluteURL(path),
                               url(path), trail, yearsDigest, slice.map(\.digest)]
            let digest = ViewDigest.page(context: context, own: ViewDigest.digest(plan))
            if let page = cache.page(at: path + "index.html", digest: digest) {
                emitPrevious(path: path, page: page, digest: digest, viewDigest: "", lastModified: nil)
                continue
            }
            var view: [String: Any] = [
                "list": ["heading": heading, "items": slice.map { summary($0.position) }, "empty": entries.isEmpty] as [String: Any],
                "years": years,
            ]
            if total > 1 {
                var pagination: [String: Any] = [
                    "current": number, "total": total,
                    "pages": Pagination.window(current: number, total: total).map { page -> [String: Any] in
                        guard let page else { return ["gap": true] }
                        return ["number": page, "url": url(SitePaths.listPage(base, page)), "current": page == number]
                    },
                ]
                if number > 1 { pagination["prev_url"] = url(SitePaths.listPage(base, number - 1)) }
                if number < total { pagination["next_url"] = url(SitePaths.listPage(base, number + 1)) }
                view["pagination"] = pagination
            }
            emit(section, path: path, title: title, section: section, breadcrumbs: breadcrumbs,
                 description: description, extra: view, digest: (digest, context))
        }
    }

    // MARK: View data

    /// `description` of the front matter, else the start of the body's text.
    func description(_ source: DocumentSource, _ body: String) -> String {
        source.description ?? summaries[source.file] ?? DisplayText.plainText(fromHTML: body, limit: 120)
    }

    func noticeSummary(_ notice: Notice) -> [String: Any] { SiteRenderer.noticeSummary(notice, root: root) }

    static func noticeSummary(_ notice: Notice, root: String) -> [String: Any] {
        [
            "title": notice.source.title,
            "url": root + SitePaths.notice(notice.source.slug),
            "date": notice.date.chinese,
            "date_iso": notice.date.iso,
            "doc_no": notice.documentNumber?.description ?? "",
            "issue_label": "",
            "is_meeting": notice.meeting != nil,
            "meeting_start": notice.meeting.map { DisplayText.meetingStart($0.start) } ?? "",
        ]
    }

    func bulletinSummary(_ bulletin: Bulletin) -> [String: Any] {
        [
            "title": bulletin.source.title,
            "url": url(SitePaths.bulletin(bulletin.issue)),
            "date": bulletin.date.chinese,
            "date_iso": bulletin.date.iso,
            "doc_no": "",
            "issue_label": "第\(bulletin.issue)期",
            "is_meeting": false,
            "meeting_start": "",
        ]
    }

    func navigation(current section: String?) -> [[String: Any]] {
        var items: [(String, String, String)] = [("首页", "", ""), ("通知公告", "notices/", "notices"), ("工作简报", "bulletins/", "bulletins")]
        if hasCirculars { items.append(("月度通报", "circulars/", "circulars")) }
        if model.hasLedgers {
            items.append(("曝光台", "exposures/", "exposures"))
            items.append(("挂牌督办", "supervised/", "supervised"))
        }
        items += publication.pages.map { ($0.source.title, SitePaths.page($0.source.slug), $0.source.slug) }
        return items.map { title, path, key in ["title": title, "url": url(path), "current": key == section] }
    }

    /// What every page of a section shares: `site` of the view data, and the
    /// page chrome (`partials/site-header` and `partials/site-footer`, which see
    /// only `site`), rendered once per section instead of once per page, like
    /// Hugo's `partialCached`. Their digests go into each page's.
    struct SectionView {
        let site: [String: Any]
        let chrome: [String: Any]
        let digests: [String: String]
    }

    mutating func siteView(section: String?) -> SectionView {
        let key = section ?? "\u{0}"
        if let known = siteViews[key] { return known }
        let site: [String: Any] = [
            "title": settings.title,
            "issuer": settings.issuer,
            "root": root,
            "base_url": settings.baseURL,
            "as_of": publication.asOf.chinese,
            "year": publication.asOf.year,
            "assets": assetURLs,
            "nav": navigation(current: section),
        ]
        let partialView: [String: Any] = ["site": site, "mask_name": NameMask.lambda]
        func part(_ name: String) -> String {
            // Inserted by `{{{chrome.…}}}` on a line of its own: its last line break is the tag line's.
            var html = templates.render(name, partialView)
            if html.hasSuffix("\n") { html.removeLast() }
            return html
        }
        let chrome: [String: Any] = ["header": part("partials/site-header"), "footer": part("partials/site-footer")]
        let made = SectionView(site: site, chrome: chrome,
                               digests: ["site": ViewDigest.digest(site), "chrome": ViewDigest.digest(chrome)])
        siteViews[key] = made
        return made
    }

    /// Plans the previous build's file for a page the render cache has unchanged.
    mutating func emitPrevious(path: String, page: RenderCache.Page, digest: String, viewDigest: String, lastModified: Day?) {
        files.append(OutputFile(path: path.hasSuffix(".html") ? path : "\(path)index.html", content: .previous(page), digest: digest,
                                viewDigest: viewDigest))
        sitemap.append(SitemapEntry(path: path, lastModified: lastModified))
    }

    /// Renders one page through `template` and plans its file; HTML pages go into the sitemap.
    /// - Parameter digest: the page's key and its context, when the caller made them (list pages); else made from the view data.
    mutating func emit(_ template: String, path: String, title: String, section: String?, breadcrumbs: [(String, String)],
                               description: String, extra: [String: Any], lastModified: Day? = nil,
                               digest: (page: String, context: String)? = nil) {
        var view = extra
        let site = siteView(section: section)
        view["site"] = site.site
        view["chrome"] = site.chrome
        // The 404 page is served at any address: it names no canonical one.
        let canonical = template == "404" ? "" : absoluteURL(path)
        view["page"] = ["title": title, "url": canonical, "path": url(path), "description": description] as [String: Any]
        // The home page is the root of the trail: it has none.
        view["breadcrumbs"] = path.isEmpty ? [] : ([("首页", "")] + breadcrumbs).map { ["title": $0.0, "url": url($0.1)] }
        view["mask_name"] = NameMask.lambda
        let file = path.hasSuffix(".html") ? path : "\(path)index.html"
        // Planned now, rendered later with the other pages, in parallel.
        let job = PageJob(index: files.count, path: file, template: template, view: view, sectionDigests: site.digests, digest: digest)
        if let queue { queue.add(job) } else { pages.append(job) }
        files.append(OutputFile(path: file, text: ""))
        if template != "404" { sitemap.append(SitemapEntry(path: path, lastModified: lastModified)) }
    }

    /// Renders every planned page through its template: the queue has been
    /// rendering them on the other cores since they were planned; without it,
    /// one by one here. Files keep the order they were planned in.
    mutating func renderPages() {
        if let queue {
            for (index, file) in queue.finish() { files[index] = file }
        } else {
            for job in pages { files[job.index] = PageQueue.render(job, templates: templates, cache: cache) }
        }
        pages = []
    }

}

/// Pages rendered on all cores while the renderer goes on planning: jobs go out
/// in small batches to a concurrent queue (swift-mustache renders without
/// shared state; the templates are immutable).
final class PageQueue: @unchecked Sendable {
    private let templates: TemplateSet
    private let cache: RenderCache
    private let queue = DispatchQueue(label: "tongbao.pages", attributes: .concurrent)
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var done: [Int: OutputFile] = [:]
    private var batch: [PageJob] = []
    /// Batches not yet taken by a thread.
    private var waiting: [[PageJob]] = []

    init(templates: TemplateSet, cache: RenderCache) {
        self.templates = templates
        self.cache = cache
    }

    /// Called from the planning thread only.
    func add(_ job: PageJob) {
        batch.append(job)
        if batch.count >= 16 { flush() }
    }

    private func flush() {
        guard !batch.isEmpty else { return }
        lock.lock()
        waiting.append(batch)
        lock.unlock()
        batch = []
        queue.async(group: group) { [self] in _ = renderWaitingBatch() }
    }

    /// Takes one waiting batch, if any, and renders it; false when none was left.
    private func renderWaitingBatch() -> Bool {
        lock.lock()
        guard let jobs = waiting.popLast() else {
            lock.unlock()
            return false
        }
        lock.unlock()
        let rendered = jobs.map { (index: $0.index, file: PageQueue.render($0, templates: templates, cache: cache)) }
        lock.lock()
        for page in rendered { done[page.index] = page.file }
        lock.unlock()
        return true
    }

    /// Renders what is still waiting on this thread too, then waits for every
    /// page; file index → rendered file.
    func finish() -> [Int: OutputFile] {
        flush()
        while renderWaitingBatch() {}
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        return done
    }

    /// One page: unchanged since the previous build (the render cache knows its
    /// digest), or rendered through its template now.
    static func render(_ job: PageJob, templates: TemplateSet, cache: RenderCache) -> OutputFile {
        // The key of the render cache: a page made from the same template and view data is the same page.
        let own: String, context: String, digest: String
        if let known = job.digest {
            (own, context, digest) = ("", known.context, known.page)
        } else {
            own = ViewDigest.own(job.view, shared: job.sectionDigests)
            context = ViewDigest.context(template: templates.digests[job.template] ?? job.template, shared: job.sectionDigests)
            digest = ViewDigest.page(context: context, own: own)
        }
        let content: OutputFile.Content
        if let page = cache.page(at: job.path, digest: digest) {
            content = .previous(page)
        } else {
            content = .bytes(Data(NameMask.apply(templates.render(job.template, job.view)).utf8))
        }
        return OutputFile(path: job.path, content: content, digest: digest, viewDigest: own, digestContext: context)
    }
}

/// A page waiting for its template: the view data is only read once built.
struct PageJob: @unchecked Sendable {
    /// Index of its file in `SiteRenderer.files`.
    let index: Int
    /// Its file's path in the output folder.
    let path: String
    let template: String
    let view: [String: Any]
    /// Digests of `view["site"]` and `view["chrome"]`, shared by the pages of a section.
    let sectionDigests: [String: String]
    /// The page's key and context when its planner made them from what the view is made from (list pages).
    var digest: (page: String, context: String)? = nil
}
