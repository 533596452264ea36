import Foundation
import Testing
@testable import TongbaoKit

@Suite struct BuildTests {
    static let mini = Paths.fixtures.appendingPathComponent("mini/content")

    /// Golden files: the mini site's output, checked in under Fixtures/mini/expected.
    /// Run with TONGBAO_UPDATE_GOLDEN=1 to write them anew after an intended change.
    @Test func goldenPagesOfASmallSite() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        // Theme assets are pinned by the content hash in their names, which the pages carry.
        // Compressed twins and the manifest are derived from the pages; their own tests cover them.
        let produced = TemporarySite.tree(site.output).filter {
            !$0.key.hasPrefix("assets/") && !$0.key.hasSuffix(".gz") && $0.key != Manifest.path
        }
        let expectedFolder = Paths.fixtures.appendingPathComponent("mini/expected")
        if ProcessInfo.processInfo.environment["TONGBAO_UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.removeItem(at: expectedFolder)
            for (path, data) in produced {
                let url = expectedFolder.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
            }
        }
        let expected = TemporarySite.tree(expectedFolder)
        #expect(!expected.isEmpty)
        #expect(Set(produced.keys) == Set(expected.keys))
        for (path, data) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(produced[path] == data, "\(path) differs from Fixtures/mini/expected/\(path)")
        }
    }

    @Test func draftsAndFutureDocumentsAreNotPublishedAnywhere() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        #expect(site.build().succeeded)
        for (path, data) in TemporarySite.tree(site.output) {
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains("草稿通知"), "draft in \(path)")
            #expect(!text.contains("未来的通知") && !text.contains("weilai"), "future notice in \(path)")
        }
        // Published when the as-of date reaches it.
        #expect(site.build(asOf: Day(year: 2021, month: 7, day: 1)).succeeded)
        #expect(site.text("notices/weilai/index.html").contains("未来的通知"))
        #expect(site.text("feed.xml").contains("未来的通知"))
        #expect(site.text("sitemap.xml").contains("notices/weilai/"))
    }

    @Test func everythingFromDataIsEscaped() throws {
        let site = try TemporarySite([
            "notices/2021-06-01-x.md": """
            ---
            title: "<script>alert(1)</script>关于&通知"
            date: 2021-06-01
            to: "各单位\\"><img src=x onerror=alert(1)>"
            cc: ["<b>县委</b>"]
            ---
            正文
            """,
        ])
        defer { site.remove() }
        #expect(site.build().succeeded)
        for path in ["notices/x/index.html", "notices/index.html", "index.html"] {
            let html = site.text(path)
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;关于&amp;通知"), "\(path)")
            #expect(!html.contains("<script>alert"), "\(path)")
        }
        let notice = site.text("notices/x/index.html")
        #expect(!notice.contains("<img src=x"))
        #expect(!notice.contains("<b>县委</b>"))
        #expect(site.text("feed.xml").contains("&lt;script&gt;alert(1)&lt;/script&gt;关于&amp;通知"))
    }

    @Test func descriptionsComeFromFrontMatterOrTheBody() throws {
        let site = try TemporarySite([
            "notices/2021-06-01-a.md": "---\ntitle: 甲\ndate: 2021-06-01\ndescription: 一句话摘要\n---\n正文第一句。\n",
            "notices/2021-06-02-b.md": "---\ntitle: 乙\ndate: 2021-06-02\n---\n## 标题\n\n正文**第二**句。\n",
        ])
        defer { site.remove() }
        #expect(site.build().succeeded)
        #expect(site.text("notices/a/index.html").contains("<meta name=\"description\" content=\"一句话摘要\">"))
        #expect(site.text("notices/b/index.html").contains("<meta name=\"description\" content=\"标题 正文第二句。\">"))
    }

    @Test func twoBuildsAreByteIdentical() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        let second = site.root.appendingPathComponent("second")
        #expect(site.build().succeeded)
        #expect(site.build(output: second).succeeded)
        let a = TemporarySite.tree(site.output), b = TemporarySite.tree(second)
        #expect(a.count > 10)
        #expect(a == b)
    }

    @Test func parallelRenderingEqualsSerialRendering() throws {
        let site = try TemporarySite(copying: Paths.repository.appendingPathComponent("content"))
        defer { site.remove() }
        var serial = site.options(output: site.root.appendingPathComponent("serial"))
        serial.parallel = false
        #expect(Builder.run(serial).succeeded)
        #expect(site.build().succeeded)
        let parallel = TemporarySite.tree(site.output)
        #expect(parallel.count > 100)
        #expect(parallel == TemporarySite.tree(site.root.appendingPathComponent("serial")))
    }

    @Test func aFailedBuildLeavesThePreviousOutputUntouched() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let first = TemporarySite.tree(site.output)
        // A second build keeps the first site beside the output as its staging folder.
        try site.write("notices/2021-06-19-second.md", "---\ntitle: 第二次\ndate: 2021-06-19\n---\n二\n")
        #expect(site.build().succeeded)
        let before = TemporarySite.tree(site.output)
        let cacheBefore = TemporarySite.tree(CacheStore.folder(for: site.output))
        try site.write("data/hazards/2021-06.yml", "- id: YH-9\n  enterprise: E404\n")
        try site.write("notices/2021-06-20-new.md", "---\ntitle: 新通知\ndate: 2021-06-20\n---\n新\n")
        let report = site.build()
        #expect(!report.succeeded)
        #expect(TemporarySite.tree(site.output) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.root.path)
            .filter { $0.hasPrefix(".") && !$0.hasSuffix(".lock") && !$0.hasSuffix(".cache") && !$0.hasSuffix(".staging") }
        #expect(leftovers.isEmpty) // no retired folder
        // The kept staging folder holds the first site, its unchanged files links to the live ones.
        #expect(TemporarySite.strays(in: site.staging, live: site.output, previous: first).isEmpty)
        #expect(!cacheBefore.isEmpty && TemporarySite.tree(CacheStore.folder(for: site.output)) == cacheBefore)
    }

    /// A static file may not take the name of a generated file, a `.gz` twin, the
    /// manifest or the marker; the previous site stays as it was.
    @Test func staticFilesMayNotShadowGeneratedFiles() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let before = TemporarySite.tree(site.output)
        try site.write("static/manifest.json", "{\"name\": \"应用清单\"}")
        try site.write("static/index.html.gz", "不是压缩文件")
        let report = site.build()
        #expect(!report.succeeded)
        expectDiagnostic(report, "static/manifest.json:1:1: error:", "同名")
        expectDiagnostic(report, "static/index.html.gz:1:1: error:", "同名")
        #expect(TemporarySite.tree(site.output) == before)
    }

    /// An output folder that is a link to a folder elsewhere: the build replaces the
    /// link, and never deletes what the link pointed to.
    @Test func anOutputThatIsALinkLeavesItsTargetAlone() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        let elsewhere = site.root.appendingPathComponent("www")
        #expect(site.build(output: elsewhere).succeeded)
        try Data("其他程序的文件".utf8).write(to: elsewhere.appendingPathComponent("keep.txt"))
        let before = TemporarySite.tree(elsewhere)
        try FileManager.default.createSymbolicLink(at: site.output, withDestinationURL: elsewhere)
        #expect(site.build().succeeded)
        #expect(TemporarySite.tree(elsewhere) == before)
        #expect(FileManager.default.fileExists(atPath: site.output.appendingPathComponent("index.html").path))
    }

    @Test func aBrokenTemplateIsAnErrorWithItsLine() throws {
        let site = try TemporarySite([:])
        defer { site.remove() }
        let templates = site.root.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try Data("<p>\n{{#site}}\n{{title}}\n".utf8).write(to: templates.appendingPathComponent("page.mustache"))
        let report = site.build()
        #expect(!report.succeeded)
        #expect(report.lines.contains { $0.contains("templates/page.mustache:") && $0.contains("区块没有结束标签") }, "\(report.lines)")
        #expect(!FileManager.default.fileExists(atPath: site.output.path))
    }

    @Test func aMissingPartialIsAnError() throws {
        let site = try TemporarySite([:])
        defer { site.remove() }
        let templates = site.root.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try Data("{{<layout}}{{$main}}\n  {{> partials/nope}}{{/main}}{{/layout}}".utf8).write(to: templates.appendingPathComponent("page.mustache"))
        let report = site.build()
        #expect(report.lines.contains { $0.hasPrefix(site.root.path + "/templates/page.mustache:2:3: error:") && $0.contains("“partials/nope”") },
                "\(report.lines)")
    }

    @Test func siteTemplatesOverrideSingleDefaultFiles() throws {
        let site = try TemporarySite(["pages/about.md": "---\ntitle: 关于\n---\n正文\n"])
        defer { site.remove() }
        let templates = site.root.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try Data("{{<layout}}{{$main}}<p class=\"own\">{{content.title}}</p>{{/main}}{{/layout}}".utf8)
            .write(to: templates.appendingPathComponent("page.mustache"))
        #expect(site.build().succeeded)
        let about = site.text("about/index.html")
        #expect(about.contains("<p class=\"own\">关于</p>"))
        #expect(about.contains("<html lang=\"zh-CN\">")) // the default layout is still used
    }

    @Test func listsArePaginatedWithYearlyArchives() throws {
        var files: [String: String] = [:]
        for index in 1...45 {
            let year = index <= 30 ? 2021 : 2020
            let day = String(format: "%d-%02d-%02d", year, (index % 12) + 1, (index % 28) + 1)
            files["notices/\(day)-n\(index).md"] = "---\ntitle: 通知\(index)\ndate: \(day)\ndoc_no: \(index)\n---\n正文\n"
        }
        let site = try TemporarySite(files)
        defer { site.remove() }
        #expect(site.build(asOf: Day(year: 2021, month: 12, day: 31)).succeeded)
        let output = TemporarySite.tree(site.output)
        for path in ["notices/index.html", "notices/page/2/index.html", "notices/page/3/index.html",
                     "notices/2021/index.html", "notices/2021/page/2/index.html", "notices/2020/index.html"] {
            #expect(output[path] != nil, "\(path)")
        }
        #expect(output["notices/page/4/index.html"] == nil)
        #expect(output["notices/2020/page/2/index.html"] == nil)
        let first = site.text("notices/index.html")
        #expect(first.contains("href=\"/notices/page/2/\""))
        #expect(first.contains("href=\"/notices/2020/\""))
        // 20 per page, newest first: page 3 holds the oldest five.
        let third = site.text("notices/page/3/index.html")
        #expect(third.components(separatedBy: "<li class=\"doc-item\">").count - 1 == 5)
        #expect(site.text("sitemap.xml").contains("<loc>https://anwei.example.gov.cn/notices/page/3/</loc>"))
    }

    @Test func internalLinksCarryTheSubPath() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let pattern = try Regex(#"(?:href|src)="(/[^"]*)""#)
        for (path, data) in TemporarySite.tree(site.output) where path.hasSuffix(".html") {
            let html = String(decoding: data, as: UTF8.self)
            for match in html.matches(of: pattern) {
                let link = String(match.output[1].substring ?? "")
                #expect(link.hasPrefix("/sub/"), "\(path): \(link)")
                // Every internal link resolves to a file of the output.
                var target = String(link.dropFirst("/sub/".count))
                if target.isEmpty || target.hasSuffix("/") { target += "index.html" }
                #expect(FileManager.default.fileExists(atPath: site.output.appendingPathComponent(target).path), "\(path): \(link)")
            }
        }
    }

    @Test func checkWritesNothing() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        let report = site.check()
        #expect(report.succeeded)
        #expect(report.files > 10)
        #expect(!FileManager.default.fileExists(atPath: site.output.path))
    }

    @Test func theOutputFolderMayNotBeTheContentFolder() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        let report = site.build(output: site.content)
        #expect(!report.succeeded)
        #expect(FileManager.default.fileExists(atPath: site.content.appendingPathComponent("site.yml").path))
        #expect(!site.build(output: site.content.appendingPathComponent("site")).succeeded)
    }

    @Test func theSampleSiteBuildsWithoutWarnings() throws {
        let content = Paths.repository.appendingPathComponent("content")
        let report = Builder.run(BuildOptions(content: content, contentDisplay: "content", templates: nil,
                                              output: URL(fileURLWithPath: "/nonexistent"), asOf: nil,
                                              today: Day(year: 2026, month: 11, day: 29)!, write: false))
        #expect(report.succeeded)
        #expect(report.diagnostics.all.isEmpty, "\(report.lines)")
        #expect(report.files > 20)
    }

    @Test func aSecondBuildOfTheSameOutputIsRefused() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        let lock = try #require(try OutputLock(output: site.output))
        let report = site.build()
        #expect(report.lines.contains { $0.contains("另一个 tongbao 正在生成") })
        #expect(!FileManager.default.fileExists(atPath: site.output.path))
        withExtendedLifetime(lock) {}
    }

    @Test func aFolderTongbaoDidNotWriteIsNotReplaced() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        let victim = site.root.appendingPathComponent("documents")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        try Data("论文".utf8).write(to: victim.appendingPathComponent("thesis.txt"))
        let report = site.build(output: victim)
        #expect(report.lines.contains { $0.contains("不是 tongbao 生成的网站") })
        #expect(FileManager.default.fileExists(atPath: victim.appendingPathComponent("thesis.txt").path))
        let file = site.root.appendingPathComponent("afile")
        try Data("x".utf8).write(to: file)
        #expect(site.build(output: file).lines.contains { $0.contains("是一个文件，不是目录") })
        // An empty folder and an earlier output are fine.
        let empty = site.root.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        #expect(site.build(output: empty).succeeded)
        #expect(site.build(output: empty).succeeded)
        #expect(FileManager.default.fileExists(atPath: empty.appendingPathComponent(Publisher.marker).path))
    }

    @Test func attachmentURLsArePercentEncoded() throws {
        let site = try TemporarySite([
            "static/files/方案 #1.pdf": "%PDF",
            "notices/2021-06-01-a.md": "---\ntitle: 甲\ndate: 2021-06-01\nattachments:\n  - file: \"files/方案 #1.pdf\"\n    name: 方案\n---\n",
        ])
        defer { site.remove() }
        #expect(site.build().succeeded)
        #expect(site.text("notices/a/index.html").contains("href=\"/files/%E6%96%B9%E6%A1%88%20%231.pdf\""))
        #expect(FileManager.default.fileExists(atPath: site.output.appendingPathComponent("files/方案 #1.pdf").path))
    }

    @Test func aSymlinkLoopInStaticIsWalkedOnce() throws {
        let site = try TemporarySite(["static/files/a.pdf": "%PDF"])
        defer { site.remove() }
        try FileManager.default.createSymbolicLink(atPath: site.content.appendingPathComponent("static/loop").path, withDestinationPath: ".")
        let report = site.build()
        #expect(report.succeeded)
        #expect(report.diagnostics.warnings.count == 1, "\(report.lines)")
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("loop/loop").path))
    }

    @Test func recipientsLoseTheirClosingPunctuation() throws {
        let site = try TemporarySite([
            "notices/2021-06-01-a.md": "---\ntitle: |\n  关于开展\n  检查的通知\ndate: 2021-06-01\nto: 各乡镇人民政府，县直有关单位：\ncc: [县委办公室。]\n---\n",
        ])
        defer { site.remove() }
        #expect(site.build().succeeded)
        let html = site.text("notices/a/index.html")
        #expect(html.contains("县直有关单位：</p>") && !html.contains("：："))
        #expect(html.contains("抄送：县委办公室。") && !html.contains("。。"))
        #expect(html.contains("<title>关于开展 检查的通知 - "))
    }

    /// Circulars are records: next month's rows and a later as-of date leave
    /// earlier months' figures byte-identical.
    @Test func laterRowsLeaveEarlierCircularsUnchanged() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let before = TemporarySite.tree(site.output).filter { $0.key.hasPrefix("circulars/2021-0") && $0.key.hasSuffix(".json") }
        #expect(before.keys.sorted() == ["circulars/2021-05/index.json", "circulars/2021-06/index.json"])
        try site.write("data/hazards/2021-07.yml", """
        - id: YH-2021-0100
          enterprise: E002
          found: 2021-07-02
          description: 驾驶员超时驾驶
          level: 重大
          deadline: 2021-07-09
          supervised: true

        """)
        try site.write("data/accidents.yml", """
        - id: SG-2021-001
          date: 2021-06-03
          region: xiangyang
          sector: daolu
          summary: 一辆货车与摩托车相撞
          deaths: 1
          serious_injuries: 0
          direct_loss: 35.5
        - id: SG-2021-002
          date: 2021-07-04
          region: chengguan
          sector: weihua
          summary: 储罐爆炸
          deaths: 3
          serious_injuries: 2
          direct_loss: 800

        """)
        #expect(site.build(asOf: Day(year: 2021, month: 7, day: 31)).succeeded)
        let after = TemporarySite.tree(site.output)
        for (path, data) in before {
            #expect(after[path] == data, "\(path) changed")
        }
        #expect(site.text("circulars/2021-07/index.json").contains("\"较大\": 1"))
    }

    /// The manifest through the general JSON writer, which `Manifest.make` must equal.
    static func manifestAsJSON(_ entries: [Manifest.Entry], asOf: Day, inputs: String) -> String {
        let entries = entries.sorted { $0.path < $1.path }
        return JSON.object([
            ("generator", .string("tongbao")),
            ("as_of", .string(asOf.iso)),
            ("inputs_sha256", .string(inputs)),
            ("files", .array(entries.map { .object([("path", .string($0.path)), ("sha256", .string($0.sha256)), ("size", .int($0.size))]) })),
        ]).serialized()
    }

    /// The manifest is written directly, byte for byte what the general JSON writer gives.
    @Test func theManifestIsTheJSONWritersOutput() {
        let entries = [
            Manifest.Entry(path: "z.html", sha256: String(repeating: "a", count: 64), size: 0),
            Manifest.Entry(path: "files/通知 \"附件\"\\<1>.pdf", sha256: "b", size: 123_456_789),
            Manifest.Entry(path: "a\u{2028}b\tc", sha256: "c", size: 1),
        ]
        let day = Day(year: 2021, month: 6, day: 30)!
        let ascii = ["notices/b/index.html", "notices/a-b/index.html", "notices/a.b/index.html", "notices/a/index.html", "A.html",
                     "notices/a/index.html.gz", "_x", "~y", "404.html"]
            .map { Manifest.Entry(path: $0, sha256: "e", size: 2) }
        for list in [entries, [], Array(entries.prefix(1)), ascii, ascii + entries] {
            let direct = Manifest.make(list, asOf: day, inputs: "d")
            guard case .bytes(let bytes) = direct.content else {
                Issue.record("the manifest is not bytes")
                continue
            }
            #expect(String(decoding: bytes, as: UTF8.self) == BuildTests.manifestAsJSON(list, asOf: day, inputs: "d"))
        }
    }

    @Test func compressedTwinsAndAManifestThatVerifies() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let tree = TemporarySite.tree(site.output)
        // Every large text file has a gzip twin that decompresses to it.
        let twin = try #require(tree["notices/tuijin/index.html.gz"])
        #expect(twin.starts(with: [0x1f, 0x8b, 8, 0, 0, 0, 0, 0])) // gzip, no time stamp
        let unzipped = try ToolRun.run(URL(fileURLWithPath: "/bin/gzip"),
                                       ["-dc", site.output.appendingPathComponent("notices/tuijin/index.html.gz").path]).data
        #expect(unzipped == tree["notices/tuijin/index.html"])
        #expect(tree["files/fangan.pdf.gz"] == nil) // static files are served as they are
        // The manifest lists every other file with its SHA-256.
        let manifestData = try #require(tree[Manifest.path])
        let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        #expect(manifest["as_of"] as? String == "2021-06-30")
        let entries = try #require(manifest["files"] as? [[String: Any]])
        #expect(Set(entries.compactMap { $0["path"] as? String }) == Set(tree.keys).subtracting([Manifest.path, Publisher.marker]))
        let index = try #require(entries.first { $0["path"] as? String == "index.html" })
        let home = try #require(tree["index.html"])
        #expect(index["sha256"] as? String == SHA256.hex(home))
        // verify: clean, then each kind of difference.
        #expect(Verifier.verify(output: site.output).isClean)
        try Data("改".utf8).write(to: site.output.appendingPathComponent("index.html"))
        try FileManager.default.removeItem(at: site.output.appendingPathComponent("feed.xml"))
        try Data().write(to: site.output.appendingPathComponent("extra.html"))
        let result = Verifier.verify(output: site.output)
        #expect(result.changed == ["index.html"] && result.missing == ["feed.xml"] && result.extra == ["extra.html"])
        let run = try CommandTests.run(["verify", "--output", site.output.path], in: site.root)
        #expect(run.status == 1 && run.output.contains("已改动：index.html"))
    }
}
