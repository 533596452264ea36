import ArgumentParser
import Foundation
import TongbaoKit

/// `tongbao`: builds the website of a work-safety committee office from its ledgers and documents.
@main
struct Tongbao: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tongbao",
        abstract: "把安委办的台账和公文生成一个可直接发布的静态网站。",
        discussion: """
        在站点文件夹（含 content/）中运行 `tongbao build`，生成的网站在 site/ 中，交给 nginx 等网页服务器即可。
        先用 `tongbao check` 检查台账和公文，不写任何文件。

        示例：
          tongbao init anwei                # 新建一个站点文件夹
          tongbao new notice "关于……的通知"  # 新建一份通知，自动编发文字号
          tongbao serve                     # 生成并在 http://127.0.0.1:1313/ 预览，改了文件自动刷新
          tongbao check                     # 只检查
          tongbao build                     # 生成 site/
          tongbao build --as-of 2021-12-31  # 按指定的统计截止日期生成
        """,
        subcommands: [Build.self, Check.self, Serve.self, Verify.self, New.self, Init.self, Export.self],
        defaultSubcommand: Build.self
    )
}

/// Options shared by `build` and `check`.
struct SiteOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("内容目录（site.yml、data/、notices/ …）。", valueName: "目录"))
    var content: String = "content"

    @Option(name: .long, help: ArgumentHelp("站点自己的模板目录，其中的文件覆盖默认主题的同名文件；默认用内容目录旁的 templates/（若存在）。", valueName: "目录"))
    var templates: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("统计截止日期 YYYY-MM-DD；默认取 site.yml 的 as_of，再默认今天。", valueName: "日期"))
    var asOf: String?

    /// The options of a run; a bad `--as-of` is reported like any other error (exit status 1).
    func options(output: String, write: Bool) throws -> BuildOptions {
        var day: Day?
        if let asOf {
            guard case .valid(let parsed) = Day.parse(asOf) else {
                throw refusal("--as-of 的日期“\(asOf)”无效，应写作 YYYY-MM-DD，如 2021-12-31")
            }
            day = parsed
        }
        return BuildOptions(
            content: URL(fileURLWithPath: content),
            contentDisplay: content,
            templates: templates.map { URL(fileURLWithPath: $0) },
            output: URL(fileURLWithPath: output),
            asOf: day,
            today: Self.today(),
            write: write)
    }

    static func today() -> Day {
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return Day(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? Day(ordinal: 0)
    }
}

/// Says why a command cannot go on (`错误：…` on standard error, red on a terminal) and gives
/// the exit status 1 to throw.
func refusal(_ reason: String) -> ExitCode {
    let terminal = Terminal(quiet: false, verbose: false)
    terminal.error(terminal.styled("错误：\(reason)", .red))
    return ExitCode(1)
}

/// `--quiet` and `--verbose`, shared by `build` and `check`.
struct OutputOptions: ParsableArguments {
    @Flag(name: [.short, .long], help: "只输出错误和警告（不显示进度和结果摘要）。")
    var quiet = false

    @Flag(name: [.short, .long], help: "显示每个阶段及其内部各步骤的用时。")
    var verbose = false

    func terminal() -> Terminal {
        if verbose && !quiet { PhaseClock.printAll() }
        return Terminal(quiet: quiet, verbose: verbose)
    }
}

/// Prints every diagnostic to standard error, in file order; returns how many errors and warnings there were.
func printed(_ found: Diagnostics, terminal: Terminal) -> (errors: Int, warnings: Int) {
    let diagnostics = found.sorted
    for diagnostic in diagnostics { terminal.error(terminal.line(for: diagnostic)) }
    return (diagnostics.count { $0.severity == .error }, diagnostics.count { $0.severity == .warning })
}

/// Prints diagnostics to standard error and decides the exit status.
func finish(_ found: Diagnostics, terminal: Terminal, success: String, next: String) throws {
    let (errors, warnings) = printed(found, terminal: terminal)
    if errors > 0 {
        terminal.error(terminal.styled("失败：\(errors) 个错误，\(warnings) 个警告；未写入任何文件。", .red))
        terminal.error(next)
        throw ExitCode(1)
    }
    if terminal.summary {
        print(terminal.styled(success, .green) + (warnings > 0 ? "（\(warnings) 个警告，见上）" : ""))
    }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "读取台账和公文，生成网站。",
        discussion: """
        读取内容目录，校验全部台账和公文，按统计截止日期计算数据，经模板生成网站，
        最后整体替换输出目录。有任何错误时列出全部错误（文件:行:列），退出码为 1，原有输出目录不变。

        示例：
          tongbao build
          tongbao build --content content --output site --as-of 2021-12-31
        """
    )

    @OptionGroup var site: SiteOptions

    @Option(name: .long, help: ArgumentHelp("输出目录，构建成功后整体替换。", valueName: "目录"))
    var output: String = "site"

    @OptionGroup var out: OutputOptions

    func run() throws {
        ProcessLifetime.keepValuesUntilExit()
        let terminal = out.terminal()
        var options = try site.options(output: output, write: true)
        options.progress = terminal.progressPrinter(output: output)
        let report = Builder.run(options)
        let asOf = report.asOf?.iso ?? "?"
        var changes = "新写入 \(report.filesWritten) 个，\(report.filesKept) 个与上次相同、未重写"
        if let removed = report.filesRemoved { changes += "，删除 \(removed) 个" }
        let reused = report.pagesReused > 0 ? "；\(report.pages) 个页面中 \(report.pagesReused) 个未变，沿用上次的结果" : ""
        try finish(report.diagnostics, terminal: terminal,
                   success: "已生成 \(report.files) 个文件到 \(output)/（统计截止 \(asOf)）：\(changes)\(reused)",
                   next: "请按上面列出的文件和行号逐一修改（每条都写明了原因），再运行 tongbao build；原有的 \(output)/ 没有改动。")
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "只检查台账和公文，不写任何文件。",
        discussion: """
        与 build 做同样的读取、校验和生成，但不写输出目录。没有错误时退出码为 0，有错误时为 1；警告总会列出。

        示例：
          tongbao check
          tongbao check --content ../another-site/content --as-of 2021-06-30
        """
    )

    @OptionGroup var site: SiteOptions

    @OptionGroup var out: OutputOptions

    func run() throws {
        ProcessLifetime.keepValuesUntilExit()
        let terminal = out.terminal()
        var options = try site.options(output: "site", write: false)
        options.progress = terminal.progressPrinter(output: nil)
        let report = Builder.run(options)
        try finish(report.diagnostics, terminal: terminal, success: "检查通过：\(report.files) 个文件可以生成（统计截止 \(report.asOf?.iso ?? "?")）",
                   next: "请按上面列出的文件和行号逐一修改（每条都写明了原因），再运行 tongbao check。")
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "核对已发布的网站与其文件清单是否一致。",
        discussion: """
        每次生成的网站都有 manifest.json：列出每个文件的 SHA-256 和大小、统计截止日期和输入的摘要。
        verify 逐一核对输出目录中的文件，报告缺少、被改动和多出的文件；完全一致时退出码为 0，否则为 1。

        示例：
          tongbao verify
          tongbao verify --output /srv/anwei/site
        """
    )

    @Option(name: .long, help: ArgumentHelp("要核对的网站目录。", valueName: "目录"))
    var output: String = "site"

    func run() throws {
        let result = Verifier.verify(output: URL(fileURLWithPath: output))
        if let problem = result.problem {
            throw refusal(problem)
        }
        for path in result.missing { print("缺少：\(path)") }
        for path in result.changed { print("已改动：\(path)") }
        for path in result.extra { print("多出：\(path)") }
        guard result.isClean else {
            print("不一致：核对 \(result.checked) 个文件，缺少 \(result.missing.count) 个，改动 \(result.changed.count) 个，多出 \(result.extra.count) 个。")
            throw ExitCode(1)
        }
        print("一致：\(result.checked) 个文件与清单相符。")
    }
}


/// Options of `tongbao new`'s kinds.
struct NewOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("内容目录。", valueName: "目录"))
    var content: String = "content"

    @Option(name: .long, help: ArgumentHelp("成文日期 YYYY-MM-DD；默认今天。", valueName: "日期"))
    var date: String?

    func day() throws -> Day {
        guard let date else { return SiteOptions.today() }
        guard case .valid(let parsed) = Day.parse(date) else {
            throw refusal("--date 的日期“\(date)”无效，应写作 YYYY-MM-DD，如 2021-06-15")
        }
        return parsed
    }

    func create(_ kind: NewDocument.Kind) throws {
        do {
            let created = try NewDocument.create(kind, content: URL(fileURLWithPath: content), date: try day())
            let path = content.hasSuffix("/") ? content + created.relativePath : "\(content)/\(created.relativePath)"
            print("已新建 \(path)（\(created.facts.joined(separator: "，"))）")
            print("编辑这个文件，然后运行 tongbao build（或 tongbao check 先检查）。")
        } catch let failure as NewDocument.Failure {
            throw refusal(failure.description)
        }
    }
}

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "新建一份可直接编辑的公文：通知、简报或通报正文。",
        discussion: """
        写好日期、下一个未用的发文字号（或简报期号）和全部前置元数据字段（可选的字段带说明、已注释），
        已有同名文件时不覆盖。

        示例：
          tongbao new notice "关于开展冬春火灾防控工作的通知"
          tongbao new notice "关于召开安全生产工作会议的通知" --meeting
          tongbao new bulletin
          tongbao new circular 2021-06
        """,
        subcommands: [NewNotice.self, NewBulletin.self, NewCircular.self]
    )
}

struct NewNotice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice",
        abstract: "新建通知（notices/日期-标题.md），自动编今年下一个发文字号。")

    @Argument(help: ArgumentHelp("通知的标题。", valueName: "标题"))
    var title: String

    @Flag(name: .long, help: "会议通知：加上会议时间、地点和参会人员。")
    var meeting = false

    @OptionGroup var options: NewOptions

    func run() throws { try options.create(.notice(title: title, meeting: meeting)) }
}

struct NewBulletin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bulletin",
        abstract: "新建工作简报（bulletins/日期-di期号qi.md），期号接着上一期。")

    @Argument(help: ArgumentHelp("简报的标题；默认“安全生产工作简报”。", valueName: "标题"))
    var title: String?

    @OptionGroup var options: NewOptions

    func run() throws { try options.create(.bulletin(title: title)) }
}

struct NewCircular: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "circular",
        abstract: "新建某期通报的正文（circulars/期别.md）；通报的数字由台账计算。")

    @Argument(help: ArgumentHelp("期别：YYYY-MM（月度）、YYYY-Qn（季度）或 YYYY（年度）。", valueName: "期别"))
    var period: String

    @Argument(help: ArgumentHelp("标题；默认用标准标题。", valueName: "标题"))
    var title: String?

    @OptionGroup var options: NewOptions

    func run() throws { try options.create(.circular(period: period, title: title)) }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "新建一个站点：最小的内容目录，可以直接生成。",
        discussion: """
        在指定目录（不存在或为空）中写入 content/：site.yml、一个属地、部门、行业领域、生产经营单位和一份通知，
        每个文件都有中文注释说明要改什么。

        示例：
          tongbao init anwei
          cd anwei && tongbao build
        """
    )

    @Argument(help: ArgumentHelp("新站点的目录。", valueName: "目录"))
    var folder: String

    func run() throws {
        do {
            let files = try NewSite.create(in: URL(fileURLWithPath: folder), today: SiteOptions.today())
            print("已在 \(folder)/ 中新建站点（\(files.count) 个文件）。接下来：")
            print("  cd \(folder)")
            print("  tongbao build                      # 生成网站到 site/")
            print("  tongbao serve                      # 在 http://127.0.0.1:1313/ 预览，改了文件自动刷新")
            print("  tongbao new notice \"关于……的通知\"   # 新建一份通知")
            print("先把 content/site.yml 中的单位名称和网址改成本单位的。")
        } catch {
            throw refusal(error.description)
        }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "把一类台账导出为 CSV，供 Excel 等表格软件编辑。",
        discussion: """
        表头用中文名称（隐患编号、单位、发现日期……），引用写编号，列表项用“、”分隔，是否用“是”“否”；
        导出的文件放回 data/ 中（如 data/hazards.csv，并删去同类的 .yml）即可照常生成。
        默认编码为带 BOM 的 UTF-8（Excel 能正确识别）；--encoding gb18030 与中文 Excel“CSV（逗号分隔）”相同。
        内容目录有错误时不导出。

        示例：
          tongbao export hazards                     # 写到标准输出
          tongbao export hazards --output 隐患台账.csv
          tongbao export penalties --encoding gb18030 --output 处罚.csv
        """
    )

    @Argument(help: ArgumentHelp("台账类型：\(LedgerCSV.kinds.joined(separator: "、"))。", valueName: "类型"))
    var kind: String

    @Option(name: .long, help: ArgumentHelp("导出格式；目前只有 csv。", valueName: "格式"))
    var format: String = "csv"

    @Option(name: .long, help: ArgumentHelp("文字编码：utf8（带 BOM，默认）或 gb18030。", valueName: "编码"))
    var encoding: String = "utf8"

    @Option(name: .long, help: ArgumentHelp("内容目录。", valueName: "目录"))
    var content: String = "content"

    @Option(name: .long, help: ArgumentHelp("写入的文件；不写则输出到标准输出。已有的文件会被替换。", valueName: "文件"))
    var output: String?

    func run() throws {
        let terminal = Terminal(quiet: false, verbose: false)
        guard format == "csv" else {
            throw refusal("不支持的格式“\(format)”：目前只能导出 csv（--format csv）")
        }
        guard let encoding = LedgerCSV.Encoding(rawValue: encoding.lowercased().replacingOccurrences(of: "-", with: "")) else {
            throw refusal("不支持的编码“\(self.encoding)”：可用 utf8 或 gb18030")
        }
        guard LedgerCSV.kinds.contains(kind) else {
            throw refusal("没有“\(kind)”这类台账；可导出：\(LedgerCSV.kinds.joined(separator: "、"))")
        }
        let result = LedgerCSV.export(kind, content: URL(fileURLWithPath: content), contentDisplay: content, today: SiteOptions.today(),
                                      encoding: encoding)
        guard let data = result.data else {
            try finish(result.diagnostics, terminal: terminal, success: "",
                       next: "请先改正上面的错误（tongbao check 可以只检查），再导出。")
            throw ExitCode(1)
        }
        if let output {
            do {
                try data.write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                throw refusal("无法写入 \(output)：\(error.localizedDescription)")
            }
            terminal.error("已导出 \(kind) 到 \(output)（\(encoding == .utf8 ? "UTF-8" : "GB18030") 编码）")
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "生成网站并在本机预览；修改内容或模板后自动重新生成、刷新浏览器。",
        discussion: """
        先生成一次，然后在 http://127.0.0.1:1313/ 提供预览（网址带 base_url 中的路径），并监视内容目录和模板目录：
        文件一改就重新生成，打开着的页面自动刷新。生成出错时终端和浏览器里都会列出错误，改好后自动恢复。
        预览时页面里会加一小段刷新用的脚本，但 site/ 中的文件不含它，可以照常发布。按 Ctrl+C 停止。
        默认只允许本机访问；要让局域网内其他电脑访问，用 --bind 0.0.0.0。

        示例：
          tongbao serve
          tongbao serve --port 8080
        """
    )

    @OptionGroup var site: SiteOptions

    @Option(name: .long, help: ArgumentHelp("输出目录，每次生成后整体替换。", valueName: "目录"))
    var output: String = "site"

    @Option(name: .long, help: ArgumentHelp("端口；0 为任选一个空闲端口。", valueName: "端口"))
    var port: Int = 1313

    @Option(name: .long, help: ArgumentHelp("监听的地址；默认只允许本机访问。", valueName: "地址"))
    var bind: String = "127.0.0.1"

    @OptionGroup var out: OutputOptions

    func run() throws {
        let terminal = out.terminal()
        var options = try site.options(output: output, write: true)
        options.progress = terminal.progressPrinter(output: output)
        let first = Builder.run(options)
        show(first, terminal: terminal)
        let server: PreviewServer
        do {
            server = try PreviewServer(root: URL(fileURLWithPath: output), prefix: PreviewServer.path(ofBaseURL: first.baseURL),
                                       address: bind, port: port)
        } catch {
            throw refusal(error.description)
        }
        server.built(errors: errors(of: first))
        server.start()
        let host = bind.contains(":") ? "[\(bind)]" : bind
        terminal.output("预览地址：http://\(host):\(server.port)\(server.prefix)  （按 Ctrl+C 停止）")

        var folders = [options.content]
        let templates = options.templates ?? options.content.deletingLastPathComponent().appendingPathComponent("templates")
        if FileManager.default.fileExists(atPath: templates.path) { folders.append(templates) }
        let watcher: FileWatcher
        do {
            watcher = try FileWatcher(folders: folders)
        } catch {
            server.stop()
            throw refusal(error.description)
        }
        // Builds one at a time, in the order the changes came.
        let builds = DispatchQueue(label: "tongbao.serve.builds")
        let settings = options
        watcher.start { paths in
            builds.async {
                // The files as they are now (an editor's or sed's temporary files come and go), each once.
                var seen = Set<String>()
                let unique = paths.filter { seen.insert($0).inserted }
                let existing = unique.filter { FileManager.default.fileExists(atPath: $0) }
                let shown = (existing.isEmpty ? unique : existing).map { URL(fileURLWithPath: $0).lastPathComponent }
                let names = shown.prefix(3).joined(separator: "、") + (shown.count > 3 ? " 等 \(shown.count) 个文件" : "")
                terminal.error(terminal.styled("改动：\(names)，重新生成……", .dim))
                var options = settings
                options.today = SiteOptions.today()
                let report = Builder.run(options)
                show(report, terminal: terminal)
                server.move(to: PreviewServer.path(ofBaseURL: report.baseURL))
                server.built(errors: errors(of: report))
            }
        }
        // Ctrl+C or a TERM signal: stop serving, let a build under way finish, and exit.
        let stop = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
        stop.wait()
        watcher.stop()
        server.stop()
        builds.sync {}
        withExtendedLifetime(sources) {}
        terminal.output("已停止预览。")
    }

    /// A build's diagnostics and summary, as `build` prints them.
    func show(_ report: BuildReport, terminal: Terminal) {
        let (errors, warnings) = printed(report.diagnostics, terminal: terminal)
        if errors > 0 {
            terminal.error(terminal.styled("失败：\(errors) 个错误，\(warnings) 个警告；预览页面显示这些错误，改好保存后自动重新生成。", .red))
        } else if terminal.summary {
            let removed = report.filesRemoved.map { "，删除 \($0) 个" } ?? ""
            terminal.output(terminal.styled("已生成 \(report.files) 个文件（新写入 \(report.filesWritten) 个\(removed)）", .green)
                            + (warnings > 0 ? "（\(warnings) 个警告，见上）" : ""))
        }
    }

    func errors(of report: BuildReport) -> [String]? {
        let errors = report.diagnostics.sorted.filter { $0.severity == .error }.map(\.description)
        return errors.isEmpty ? nil : errors
    }
}
