import Foundation

/// `tongbao new`: a ready-to-edit Markdown document in the content folder, with
/// today's date, the next free number and every front-matter field of the
/// format, the optional ones commented out with what they do. An existing file
/// is never overwritten.
public enum NewDocument {
    public enum Kind: Sendable {
        /// A notice (通知), a meeting notice (会议通知) with `meeting`.
        case notice(title: String, meeting: Bool)
        /// A numbered work bulletin (工作简报); nil for the default title.
        case bulletin(title: String?)
        /// The narrative of a circular (通报) for a period key: `2021-06`, `2021-Q2` or `2021`.
        case circular(period: String, title: String?)
    }

    public struct Created: Sendable {
        /// The file, relative to the content folder.
        public let relativePath: String
        /// What was chosen for it, for the user: `发文字号 安委办〔2026〕32号` …
        public let facts: [String]
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Writes the document into `content`, dated `date`.
    public static func create(_ kind: Kind, content: URL, date: Day) throws(Failure) -> Created {
        let content = content.standardizedFileURL
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: content.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw Failure(description: "找不到内容目录 \(content.path)：请在站点文件夹中运行，或用 --content 指定；新建站点用 tongbao init")
        }
        let existing = ExistingDocuments(content: content)
        let prefix = existing.documentPrefix ?? "安委办"
        let relativePath: String
        let text: String
        var facts: [String] = []
        switch kind {
        case .notice(let title, let meeting):
            let title = try checkedTitle(title)
            let number = existing.nextDocumentNumber(year: date.year)
            relativePath = "notices/\(date.iso)-\(fileNameStem(title)).md"
            text = noticeText(title: title, date: date, number: number, prefix: prefix, meeting: meeting)
            facts.append("发文字号 \(prefix)〔\(date.year)〕\(number)号")
        case .bulletin(let title):
            let issue = existing.nextBulletinIssue()
            let title = try checkedTitle(title ?? "安全生产工作简报")
            relativePath = "bulletins/\(date.iso)-di\(issue)qi.md"
            text = bulletinText(title: title, date: date, issue: issue)
            facts.append("第\(issue)期")
        case .circular(let key, let title):
            guard let period = ReportingPeriod.parse(key: key) else {
                throw Failure(description: "通报期别“\(key)”无效：应为 YYYY-MM（月度通报）、YYYY-Qn（季度分析）或 YYYY（年度考核），如 2021-06")
            }
            let title = try title.map(checkedTitle)
            let number = existing.nextDocumentNumber(year: date.year)
            relativePath = "circulars/\(period.key).md"
            text = circularText(period: period, title: title, date: date, number: number, prefix: prefix)
            facts.append("\(period.label)")
            facts.append("发文字号 \(prefix)〔\(date.year)〕\(number)号")
        }
        let file = content.appendingPathComponent(relativePath)
        if FileManager.default.fileExists(atPath: file.path) {
            throw Failure(description: "\(relativePath) 已存在，未覆盖：请改用另一个标题或日期（--date），或直接编辑这个文件")
        }
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            // O_EXCL: a file made meanwhile is not overwritten either.
            let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            defer { close(descriptor) }
            let bytes = Array(text.utf8)
            guard bytes.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == bytes.count else {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        } catch {
            throw Failure(description: "无法写入 \(relativePath)：\(error.localizedDescription)")
        }
        return Created(relativePath: relativePath, facts: facts)
    }

    /// A title as it may stand in the front matter: one line, not empty.
    private static func checkedTitle(_ title: String) throws(Failure) -> String {
        let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Failure(description: "标题不能为空") }
        guard !trimmed.contains(where: { $0.isNewline }) else { throw Failure(description: "标题只能有一行") }
        return trimmed
    }

    /// The title as a file name: characters that file systems or shells take
    /// specially removed, spaces made hyphens, at most 40 characters. A Chinese
    /// name gives the notice the URL of its date and number (`Slug.fromFileName`).
    static func fileNameStem(_ title: String) -> String {
        var stem = ""
        for character in title {
            if character.isWhitespace {
                if !stem.isEmpty, stem.last != "-" { stem.append("-") }
            } else if !"/\\:*?\"<>|#%&{}$!'`@+=,;".contains(character), !character.unicodeScalars.contains(where: { $0.value < 0x20 }) {
                stem.append(character)
            }
            if stem.count >= 40 { break }
        }
        while stem.hasSuffix("-") || stem.hasSuffix(".") { stem.removeLast() }
        while stem.hasPrefix(".") || stem.hasPrefix("-") { stem.removeFirst() }
        return stem.isEmpty ? "tongzhi" : stem
    }

    /// A front-matter value as a YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static func noticeText(title: String, date: Day, number: Int, prefix: String, meeting: Bool) -> String {
        var text = """
        ---
        title: \(quoted(title))
        date: \(date.iso)                  # 成文日期
        doc_no: \(number)                        # 发文字号：\(prefix)〔\(date.year)〕\(number)号（今年下一个未用的号）
        to: 各乡镇人民政府，县安委会各成员单位   # 主送机关
        # cc: [县委办公室, 县人大办公室]         # 抄送：可选
        # attachments:                           # 附件：可选，文件放在 static/ 下
        #   - file: files/附件文件名.pdf
        #     name: 附件的标题
        # slug: english-name                     # 网址名：可选，只用英文字母、数字和连字符
        # draft: true                            # 草稿：写上这一行就不发布

        """
        if meeting {
            let next = date.adding(days: 1)
            text += """
            meeting:                                 # 会议通知：会议时间、地点和参会人员
              start: \(next.iso) 09:00
              place: （会议地点）
              attendees: （参会人员）

            """
        }
        text += "---\n\n"
        if meeting {
            text += """
            （说明召开会议的依据和目的。）现将有关事项通知如下：

            ## 一、会议时间

            （星期几，上午或下午几点。）

            ## 二、会议地点

            （会议地点。）

            ## 三、参会人员

            （参会人员。）

            ## 四、会议内容

            1. （第一项。）
            2. （第二项。）

            ## 五、有关要求

            请各单位于（日期）前将参会人员名单报县安委办。

            """
        } else {
            text += """
            （正文。用“## 一、……”写小标题，用“1. ……”写条目；表格、链接都可以用 Markdown 写。）

            """
        }
        return text
    }

    static func bulletinText(title: String, date: Day, issue: Int) -> String {
        """
        ---
        title: \(quoted(title))
        issue: \(issue)                    # 期号：第\(issue)期（下一期）
        date: \(date.iso)
        # description: 一句话摘要             # 可选：用于列表、搜索引擎和订阅源
        # draft: true                        # 草稿：写上这一行就不发布
        ---

        （正文。）

        """
    }

    static func circularText(period: ReportingPeriod, title: String?, date: Day, number: Int, prefix: String) -> String {
        let titleLine = title.map { "title: \(quoted($0))" } ?? "# title: \(period.label)全县安全生产工作通报   # 可选：不写则用标准标题"
        return """
        ---
        \(titleLine)
        date: \(date.iso)                  # 成文日期
        doc_no: \(number)                        # 发文字号：\(prefix)〔\(date.year)〕\(number)号，与通知共用编号
        to: 各乡镇人民政府，县安委会各成员单位   # 主送机关
        # cc: [县委办公室]                        # 抄送：可选
        # draft: true                            # 草稿：正文不发布，通报的数字照常发布
        ---

        （通报的数字全部由台账计算，不在这里填写。这里写办公室的分析和下一步工作要求。）

        """
    }
}

/// What the content folder already holds that a new document must follow: the
/// 发文字号 numbers used in each year (notices and circulars share them), the
/// bulletins' issue numbers, and site.yml's `doc_prefix`. Read leniently: a file
/// that cannot be read is skipped (`tongbao build` reports it).
struct ExistingDocuments {
    let documentPrefix: String?
    /// Numbers used, by year.
    private(set) var numbers: [Int: Set<Int>] = [:]
    private(set) var issues: Set<Int> = []

    init(content: URL) {
        documentPrefix = ExistingDocuments.fields(of: content.appendingPathComponent("site.yml"), frontMatter: false)?["doc_prefix"]
        for folder in ["notices", "circulars"] {
            for file in ExistingDocuments.markdownFiles(in: content.appendingPathComponent(folder)) {
                guard let fields = ExistingDocuments.fields(of: file, frontMatter: true),
                      let number = fields["doc_no"].flatMap({ Int($0) }) else { continue }
                // The year of the document's date; a circular without one is dated in its period.
                let stem = file.deletingPathExtension().lastPathComponent
                let year = fields["date"].flatMap { Int($0.prefix(4)) } ?? (folder == "circulars" ? Int(stem.prefix(4)) : nil)
                if let year { numbers[year, default: []].insert(number) }
            }
        }
        for file in ExistingDocuments.markdownFiles(in: content.appendingPathComponent("bulletins")) {
            if let issue = ExistingDocuments.fields(of: file, frontMatter: true)?["issue"].flatMap({ Int($0) }) { issues.insert(issue) }
        }
    }

    /// One more than the highest number used in `year` (1 for the first).
    func nextDocumentNumber(year: Int) -> Int { (numbers[year]?.max() ?? 0) + 1 }

    func nextBulletinIssue() -> Int { (issues.max() ?? 0) + 1 }

    private static func markdownFiles(in folder: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && ($0.hasSuffix(".md") || $0.hasSuffix(".markdown")) }
            .map { folder.appendingPathComponent($0) }
    }

    /// The top-level scalar fields of a YAML file, or of a Markdown file's front matter.
    private static func fields(of file: URL, frontMatter: Bool) -> [String: String]? {
        guard let data = try? ContentFiles.contents(file.path) else { return nil }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        text = text.replacingOccurrences(of: "\r\n", with: "\n")
        if frontMatter {
            guard case .success(let split) = FrontMatter.split(text) else { return nil }
            text = split.yaml
        }
        guard case .mapping(let pairs, _, _)? = try? YAMLComposer.compose(text) else { return nil }
        var result: [String: String] = [:]
        for pair in pairs {
            if let key = pair.key.string, let value = pair.value.string { result[key] = value }
        }
        return result
    }
}
