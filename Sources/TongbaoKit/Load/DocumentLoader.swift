import Foundation

/// Loads the Markdown documents: `notices/`, `bulletins/`, `pages/` and `circulars/`.
struct DocumentLoader {
    let files: ContentFiles
    let settings: SiteSettings
    var diagnostics = Diagnostics()
    /// Notices loaded by earlier builds, reused while their text is unchanged.
    var cache: DocumentCache?
    /// The file being loaded was listed as a plain file in a folder inside the content folder: read without checking again.
    var listedInside = false

    static let pageFields = ["title", "slug", "draft", "description"]
    static let noticeFields = pageFields + ["date", "doc_no", "to", "cc", "attachments", "meeting"]
    static let bulletinFields = ["title", "date", "issue", "draft", "description"]
    static let circularFields = ["title", "date", "doc_no", "to", "cc", "draft", "description"]
    static let exposureFields = ["title", "date", "draft", "description"]

    /// URL segments a notice slug may not take: the list pages' own paths.
    static func isReservedListSegment(_ slug: String) -> Bool {
        slug == "page" || (slug.count == 4 && slug.allSatisfy(\.isASCII) && slug.allSatisfy(\.isNumber))
    }

    /// Recipients as written, without the closing punctuation the templates add
    /// themselves (主送 ends in “：”, 抄送 in “。”).
    static func recipients(_ text: String) -> String {
        var result = text
        while let last = result.last, "：:。；;，,".contains(last) { result.removeLast() }
        return result.trimmingSpaces
    }

    init(files: ContentFiles, settings: SiteSettings) {
        self.files = files
        self.settings = settings
    }

    mutating func load(into model: inout SiteModel, clock: inout PhaseClock) {
        let noticeFiles = markdownFiles("notices")
        clock.mark("list")
        model.notices += loadAll(noticeFiles) { $0.loadNoticeCached($1) }
        clock.mark("notices")
        model.bulletins += loadAll(markdownFiles("bulletins")) { $0.loadBulletin($1) }
        model.pages += loadAll(markdownFiles("pages")) { $0.loadPage($1) }
        model.circularNarratives += loadAll(markdownFiles("circulars")) { $0.loadCircularNarrative($1) }
        model.exposureNarratives += loadAll(markdownFiles("exposures")) { $0.loadExposureNarrative($1) }
        clock.mark("others")
        checkUniqueness(model)
        clock.mark("unique")
    }

    /// Loads each file on its own (read, front matter, fields), on all cores;
    /// documents and diagnostics come out in file order, as one by one.
    private mutating func loadAll<Document: Sendable>(_ paths: [(path: String, listedInside: Bool)],
                                                      _ load: @Sendable (inout DocumentLoader, String) -> Document?) -> [Document] {
        let fresh = {
            var loader = DocumentLoader(files: files, settings: settings)
            loader.cache = cache
            return loader
        }()
        let loaded = Parallel.mapChunks(paths.count, size: 16) { range in
            paths[range].map { entry in
                var loader = fresh
                loader.listedInside = entry.listedInside
                let document = load(&loader, entry.path)
                return (document, loader.diagnostics)
            }
        }
        var documents: [Document] = []
        for (document, found) in loaded {
            diagnostics.append(contentsOf: found)
            if let document { documents.append(document) }
        }
        return documents
    }

    /// The Markdown files of a folder, with whether each was listed as a plain file inside the content folder.
    private mutating func markdownFiles(_ folder: String) -> [(path: String, listedInside: Bool)] {
        var result: [(path: String, listedInside: Bool)] = []
        let folderInside = files.isInsideFolder(folder)
        for (name, plainFile) in files.entries(folder) {
            let path = "\(folder)/\(name)"
            // A plain file is no link; anything else is looked at.
            if !plainFile && files.isLinkOutside(path) {
                diagnostics.warning(SourceLocation(file: files.display(path), line: 1, column: 1), "符号链接指向内容目录之外，已跳过")
                continue
            }
            if name.hasSuffix(".md") || name.hasSuffix(".markdown") {
                result.append((path, folderInside && plainFile))
            } else {
                diagnostics.warning(SourceLocation(file: files.display("\(folder)/\(name)"), line: 1, column: 1),
                                    "\(folder)/ 中只读取 .md 文件，“\(name)”已忽略")
            }
        }
        return result
    }

    // MARK: Kinds

    /// A notice from the document cache when its text is the one cached, else loaded and cached.
    /// A notice whose file has the identity recorded with its cache entry is not
    /// read at all: its record comes with an empty body, read later if needed (`LateBodies`).
    fileprivate mutating func loadNoticeCached(_ path: String) -> Notice? {
        guard let cache else { return loadNotice(path) }
        if listedInside, let identity = files.identity(path) {
            let display = files.display(path)
            if let entry = cache.previousEntry(display, identity: identity) {
                cache.keep(display, entry, identity: identity, unreadFrom: path)
                diagnostics.append(contentsOf: entry.diagnostics)
                return entry.notice
            }
        }
        guard let file = files.read(path, diagnostics: &diagnostics, listedInside: listedInside) else { return nil }
        let sha256 = file.sha256
        if let entry = cache.previousEntry(file.displayPath, sha256: sha256), case .success(let frontMatter) = FrontMatter.split(file.text) {
            cache.keep(file.displayPath, entry, identity: file.identity)
            diagnostics.append(contentsOf: entry.diagnostics)
            return entry.notice.replacingBody(frontMatter.body)
        }
        let before = diagnostics.all.count
        let notice = loadNotice(path, file: file)
        let found = Array(diagnostics.all[before...])
        if let notice, DocumentCache.canCache(notice, diagnostics: found, file: file.displayPath) {
            cache.remember(file.displayPath, DocumentCache.Entry(sha256: sha256, notice: notice.replacingBody(""), diagnostics: found),
                           identity: file.identity)
        }
        return notice
    }

    fileprivate mutating func loadNotice(_ path: String, file: TextFile? = nil) -> Notice? {
        guard let opened = open(path, label: "通知", file: file) else { return nil }
        var reader = opened.reader
        let frontMatter = opened.frontMatter
        let title = reader.title("title", required: true)
        let date = reader.day("date", required: true)
        let number = reader.integer("doc_no", in: 1...99999)
        let to = reader.string("to").map(DocumentLoader.recipients)
        let cc = (reader.stringList("cc") ?? []).map { DocumentLoader.recipients($0.0) }
        let attachments = loadAttachments(&reader)
        var meeting: Meeting?
        if var meetingReader = reader.nested("meeting", label: "会议信息") {
            let start = meetingReader.dayTime("start", required: true)
            let place = meetingReader.string("place", required: true)
            let attendees = meetingReader.string("attendees")
            meetingReader.warnAboutUnknownFields(known: ["start", "place", "attendees"])
            reader.absorb(meetingReader)
            if let start, let place { meeting = Meeting(start: start, place: place, attendees: attendees) }
        }
        let fallback = date.map { day in number.map { "\(day.iso)-\($0)" } ?? day.iso }
        let slug = self.slug(&reader, path: path, fallback: fallback)
        if let slug, DocumentLoader.isReservedListSegment(slug) {
            reader.error(reader.has("slug") ? "slug" : "title", "网址“\(slug)”与列表页的地址冲突，请在前置元数据中另设 slug")
        }
        let draft = reader.bool("draft") ?? false
        let description = reader.string("description")
        finish(&reader, known: DocumentLoader.noticeFields)
        guard let title, let date, let slug, let attachments, !DocumentLoader.isReservedListSegment(slug),
              !reader.has("meeting") || meeting != nil else { return nil }
        let documentNumber = number.map { DocumentNumber(prefix: settings.documentPrefix, year: date.year, number: $0) }
        return Notice(source: source(path, frontMatter, reader, slug: slug, title: title, draft: draft, description: description), date: date,
                      documentNumber: documentNumber, to: to, cc: cc, attachments: attachments, meeting: meeting)
    }

    fileprivate mutating func loadBulletin(_ path: String) -> Bulletin? {
        guard let opened = open(path, label: "简报") else { return nil }
        var reader = opened.reader
        let frontMatter = opened.frontMatter
        let title = reader.title("title", required: true)
        let date = reader.day("date", required: true)
        let issue = reader.integer("issue", required: true, in: 1...99999)
        let draft = reader.bool("draft") ?? false
        let description = reader.string("description")
        finish(&reader, known: DocumentLoader.bulletinFields)
        guard let title, let date, let issue else { return nil }
        return Bulletin(source: source(path, frontMatter, reader, slug: String(issue), title: title, draft: draft, description: description), date: date, issue: issue)
    }

    fileprivate mutating func loadPage(_ path: String) -> Page? {
        guard let opened = open(path, label: "页面") else { return nil }
        var reader = opened.reader
        let frontMatter = opened.frontMatter
        let title = reader.title("title", required: true)
        let slug = self.slug(&reader, path: path, fallback: nil)
        let draft = reader.bool("draft") ?? false
        let description = reader.string("description")
        finish(&reader, known: DocumentLoader.pageFields)
        guard let title, let slug else { return nil }
        return Page(source: source(path, frontMatter, reader, slug: slug, title: title, draft: draft, description: description))
    }

    fileprivate mutating func loadCircularNarrative(_ path: String) -> CircularNarrative? {
        guard let opened = open(path, label: "通报", allowEmpty: true) else { return nil }
        var reader = opened.reader
        let stem = String(path.split(separator: "/").last ?? "").split(separator: ".").first.map(String.init) ?? ""
        let period = ReportingPeriod.parse(key: stem)
        if period == nil {
            reader.error(at: SourceLocation(file: files.display(path), line: 1, column: 1),
                         "通报文件名“\(stem)”无效：应为 YYYY-MM.md（月度通报）、YYYY-Qn.md（季度分析）或 YYYY.md（年度考核），如 2021-06.md")
        }
        let title = reader.title("title")
        let date = reader.day("date")
        let number = reader.integer("doc_no", in: 1...99999)
        let to = reader.string("to").map(DocumentLoader.recipients)
        let cc = (reader.stringList("cc") ?? []).map { DocumentLoader.recipients($0.0) }
        let draft = reader.bool("draft") ?? false
        let description = reader.string("description")
        finish(&reader, known: DocumentLoader.circularFields)
        guard let period else { return nil }
        let documentNumber = number.map {
            DocumentNumber(prefix: settings.documentPrefix, year: (date ?? period.end).year, number: $0)
        }
        return CircularNarrative(
            source: source(path, opened.frontMatter, reader, slug: period.key, title: title ?? "", draft: draft, description: description),
            period: period, title: title, date: date, documentNumber: documentNumber, to: to, cc: cc)
    }

    fileprivate mutating func loadExposureNarrative(_ path: String) -> ExposureNarrative? {
        guard let opened = open(path, label: "曝光说明", allowEmpty: true) else { return nil }
        var reader = opened.reader
        let stem = String(path.split(separator: "/").last ?? "").split(separator: ".").first.map(String.init) ?? ""
        let month = ReportingPeriod.parse(key: stem).flatMap { $0.kind == .month ? $0 : nil }
        if month == nil {
            reader.error(at: SourceLocation(file: files.display(path), line: 1, column: 1),
                         "曝光说明的文件名“\(stem)”无效：应为该批处罚所在的月份 YYYY-MM.md，如 2021-06.md")
        }
        let title = reader.title("title")
        let date = reader.day("date")
        let draft = reader.bool("draft") ?? false
        let description = reader.string("description")
        finish(&reader, known: DocumentLoader.exposureFields)
        guard let month else { return nil }
        return ExposureNarrative(
            source: source(path, opened.frontMatter, reader, slug: month.key, title: title ?? "", draft: draft, description: description),
            month: month, title: title, date: date)
    }

    // MARK: Parts

    /// Reads the file and its front matter; nil (with diagnostics) when either is unusable.
    /// - Parameter allowEmpty: an empty front matter is fine (narratives, whose fields are all optional).
    /// - Parameter file: the file when already read.
    private mutating func open(_ path: String, label: String, allowEmpty: Bool = false,
                               file: TextFile? = nil) -> (reader: RecordReader, frontMatter: FrontMatter)? {
        guard let file = file ?? files.read(path, diagnostics: &diagnostics, listedInside: listedInside) else { return nil }
        let start = SourceLocation(file: file.displayPath, line: 1, column: 1)
        let frontMatter: FrontMatter
        switch FrontMatter.split(file.text) {
        case .success(let value): frontMatter = value
        case .failure(.missingOpening):
            diagnostics.error(start, "文件应以一行“---”开头，其后是标题、日期等前置元数据，再以一行“---”结束")
            return nil
        case .failure(.unclosed):
            diagnostics.error(start, "前置元数据没有结束：缺少第二行“---”")
            return nil
        }
        guard let source = YAMLSource.parse(frontMatter.yaml, file: file.displayPath, lineOffset: frontMatter.yamlLineOffset,
                                            diagnostics: &diagnostics) else { return nil }
        guard let root = source.root ?? (allowEmpty ? YAMLNode.emptyMapping : nil) else {
            diagnostics.error(start, "前置元数据是空的：至少需要 title")
            return nil
        }
        guard let reader = RecordReader(source: source, node: root, label: "\(label)前置元数据", diagnostics: &diagnostics) else {
            return nil
        }
        return (reader, frontMatter)
    }

    /// `slug`, else the file name without its `YYYY-MM-DD-` prefix when that is
    /// URL-safe ASCII, else `fallback`.
    private func slug(_ reader: inout RecordReader, path: String, fallback: String?) -> String? {
        if let slug = reader.string("slug") {
            guard Slug.isValid(slug) else {
                reader.error("slug", "slug“\(slug)”只能由英文字母、数字、连字符和下划线组成，且以字母或数字开头")
                return nil
            }
            return slug
        }
        if let fromName = Slug.fromFileName(path) { return fromName }
        if let fallback { return fallback }
        reader.error("title", "文件名“\(path)”不能用作网址（只能用英文字母、数字和连字符），请在前置元数据中设置 slug")
        return nil
    }

    private mutating func loadAttachments(_ reader: inout RecordReader) -> [Attachment]? {
        guard let items = reader.nodeList("attachments") else { return [] }
        var result: [Attachment] = []
        var valid = true
        for item in items {
            guard var itemReader = RecordReader(source: reader.source, node: item, label: "附件", diagnostics: &diagnostics) else {
                valid = false
                continue
            }
            let file = itemReader.string("file", required: true)
            let name = itemReader.string("name", required: true)
            if let file {
                if !Slug.isSafeRelativePath(file) {
                    itemReader.error("file", "附件路径“\(file)”应是 static/ 下的相对路径，不能以 / 开头或包含 ..")
                    valid = false
                } else if let problem = files.attachmentProblem("static/\(file)") {
                    let hint = file.hasPrefix("static/") && files.attachmentProblem(file) == nil ? "（路径从 static/ 之下写起，应为“\(file.dropFirst(7))”）" : ""
                    itemReader.error("file", "附件\(problem)：\(files.display("static/\(file)"))\(hint)")
                    valid = false
                }
            }
            itemReader.warnAboutUnknownFields(known: ["file", "name"])
            reader.absorb(itemReader)
            if let file, let name { result.append(Attachment(file: file, name: name)) } else { valid = false }
        }
        return valid ? result : nil
    }

    private func source(_ path: String, _ frontMatter: FrontMatter, _ reader: RecordReader,
                        slug: String, title: String, draft: Bool, description: String?) -> DocumentSource {
        var fieldLocations: [String: SourceLocation] = [:]
        for key in reader.keys { fieldLocations[key] = reader.location(of: key) }
        // A title written over several YAML lines is one line on the page.
        let title = title.split(whereSeparator: \.isNewline).map { $0.trimmingSpaces }.joined(separator: " ")
        return DocumentSource(file: files.display(path), slug: slug, title: title, draft: draft, description: description,
                       body: frontMatter.body, bodyLine: frontMatter.bodyLine, fieldLocations: fieldLocations)
    }

    private mutating func finish(_ reader: inout RecordReader, known: [String]) {
        reader.warnAboutUnknownFields(known: known)
        diagnostics.append(contentsOf: reader.diagnostics)
    }

    // MARK: Across documents

    private mutating func checkUniqueness(_ model: SiteModel) {
        // 发文字号 are shared by notices and circulars.
        // Files, not records, are kept: a site has thousands of notices.
        var numbers: [DocumentNumber: String] = [:]
        numbers.reserveCapacity(model.notices.count)
        func claim(_ number: DocumentNumber?, _ source: DocumentSource) {
            guard let number else { return }
            if let first = numbers[number] {
                diagnostics.error(source.location(of: "doc_no"), "发文字号 \(number) 重复：已用于 \(first)")
            } else {
                numbers[number] = source.file
            }
        }
        for notice in model.notices { claim(notice.documentNumber, notice.source) }
        for narrative in model.circularNarratives { claim(narrative.documentNumber, narrative.source) }
        var periods: [ReportingPeriod: DocumentSource] = [:]
        for narrative in model.circularNarratives {
            if let first = periods[narrative.period] {
                diagnostics.error(SourceLocation(file: narrative.source.file, line: 1, column: 1),
                                  "\(narrative.period.label)的通报已有文件 \(first.file)")
            } else {
                periods[narrative.period] = narrative.source
            }
        }
        var slugs: [String: String] = [:]
        slugs.reserveCapacity(model.notices.count)
        for notice in model.notices {
            if let first = slugs[notice.source.slug] {
                diagnostics.error(notice.source.location(of: notice.source.fieldLocations["slug"] == nil ? "title" : "slug"),
                                  "网址 notices/\(notice.source.slug)/ 重复：已用于 \(first)；请设置不同的 slug")
            } else {
                slugs[notice.source.slug] = notice.source.file
            }
        }
        var issues: [Int: Bulletin] = [:]
        let bulletinYears = Set(model.bulletins.map(\.date.year))
        for bulletin in model.bulletins where bulletinYears.contains(bulletin.issue) {
            diagnostics.error(bulletin.source.location(of: "issue"),
                              "期号 \(bulletin.issue) 与简报的年度归档地址 bulletins/\(bulletin.issue)/ 冲突，请核对期号")
        }
        for bulletin in model.bulletins {
            if let first = issues[bulletin.issue] {
                diagnostics.error(bulletin.source.location(of: "issue"),
                                  "简报期号 第\(bulletin.issue)期 重复：已用于 \(first.source.file)")
            } else {
                issues[bulletin.issue] = bulletin
            }
        }
        var pageSlugs: [String: Page] = [:]
        for page in model.pages {
            if SitePaths.reservedTopLevel.contains(page.source.slug) {
                diagnostics.error(page.source.location(of: page.source.fieldLocations["slug"] == nil ? "title" : "slug"),
                                  "页面网址“\(page.source.slug)”是保留地址，请设置其他 slug")
            } else if let first = pageSlugs[page.source.slug] {
                diagnostics.error(page.source.location(of: page.source.fieldLocations["slug"] == nil ? "title" : "slug"),
                                  "页面网址“\(page.source.slug)”重复：已用于 \(first.source.file)")
            } else {
                pageSlugs[page.source.slug] = page
            }
        }
    }
}
