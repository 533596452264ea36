import Foundation
import Testing
@testable import TongbaoKit

/// `tongbao new` and `tongbao init`: files that are ready to edit, numbered
/// after what the site already has, never written over, and that build.
@Suite struct ScaffoldTests {
    static func day(_ text: String) throws -> Day {
        guard case .valid(let day) = Day.parse(text) else { throw CocoaError(.formatting) }
        return day
    }

    /// A file of the site's content folder.
    static func source(_ site: TemporarySite, _ path: String) -> String {
        (try? String(contentsOf: site.content.appendingPathComponent(path), encoding: .utf8)) ?? ""
    }

    /// A site whose 2021 numbers are 3, 9 (a circular's) and 12, and 2022's 5; bulletins 1 and 4.
    static func numberedSite() throws -> TemporarySite {
        try TemporarySite([
            "notices/2021-03-02-a.md": "---\ntitle: 甲\ndate: 2021-03-02\ndoc_no: 3\n---\n正文\n",
            "notices/2021-06-15-b.md": "---\ntitle: 乙\ndate: 2021-06-15\ndoc_no: 12\n---\n正文\n",
            "notices/2021-05-01-c.md": "---\ntitle: 丙\ndate: 2021-05-01\n---\n没有字号\n",
            "notices/2022-01-05-d.md": "---\ntitle: 丁\ndate: 2022-01-05\ndoc_no: 5\n---\n正文\n",
            "notices/broken.md": "没有前置元数据\n",
            "circulars/2021-05.md": "---\ndoc_no: 9\n---\n正文\n",
            "bulletins/2021-01-01-one.md": "---\ntitle: 一\nissue: 1\ndate: 2021-01-01\n---\n正文\n",
            "bulletins/2021-04-01-four.md": "---\ntitle: 四\nissue: 4\ndate: 2021-04-01\n---\n正文\n",
        ])
    }

    @Test func aNewNoticeTakesTheNextNumberOfItsYear() throws {
        let site = try ScaffoldTests.numberedSite()
        defer { site.remove() }
        let first = try NewDocument.create(.notice(title: "关于开展汛期安全检查的通知", meeting: false), content: site.content,
                                           date: try ScaffoldTests.day("2021-06-20"))
        #expect(first.relativePath == "notices/2021-06-20-关于开展汛期安全检查的通知.md")
        #expect(first.facts == ["发文字号 安委办〔2021〕13号"])
        let text = ScaffoldTests.source(site, first.relativePath)
        #expect(text.contains("title: \"关于开展汛期安全检查的通知\"\n"))
        #expect(text.contains("date: 2021-06-20 "))
        #expect(text.contains("doc_no: 13 "))
        // Every optional field is there, commented out.
        for field in ["# cc:", "# attachments:", "# slug:", "# draft: true"] { #expect(text.contains(field), "\(field)") }
        #expect(!text.contains("meeting:"))
        // The next one takes the next number; other years count on their own.
        let second = try NewDocument.create(.notice(title: "第二份", meeting: false), content: site.content, date: try ScaffoldTests.day("2021-06-21"))
        #expect(second.facts == ["发文字号 安委办〔2021〕14号"])
        let next = try NewDocument.create(.notice(title: "明年", meeting: false), content: site.content, date: try ScaffoldTests.day("2022-02-01"))
        #expect(next.facts == ["发文字号 安委办〔2022〕6号"])
        let empty = try NewDocument.create(.notice(title: "后年", meeting: false), content: site.content, date: try ScaffoldTests.day("2023-02-01"))
        #expect(empty.facts == ["发文字号 安委办〔2023〕1号"])
        // The new notices build with the rest (the broken file aside): no duplicate numbers, URLs from date and number.
        try FileManager.default.removeItem(at: site.content.appendingPathComponent("notices/broken.md"))
        let report = site.build(asOf: try ScaffoldTests.day("2021-12-31"))
        #expect(report.succeeded, "\(report.lines)")
        #expect(report.diagnostics.all.filter { $0.location.file.contains("2021-06-20") }.isEmpty, "\(report.lines)")
        #expect(site.text("notices/2021-06-20-13/index.html").contains("安委办〔2021〕13号"))
    }

    @Test func anExistingFileIsNeverOverwritten() throws {
        let site = try ScaffoldTests.numberedSite()
        defer { site.remove() }
        let date = try ScaffoldTests.day("2021-06-20")
        let created = try NewDocument.create(.notice(title: "同一个标题", meeting: false), content: site.content, date: date)
        try site.write(created.relativePath, "已经改过的内容\n")
        #expect(throws: NewDocument.Failure.self) {
            try NewDocument.create(.notice(title: "同一个标题", meeting: true), content: site.content, date: date)
        }
        #expect(ScaffoldTests.source(site, created.relativePath) == "已经改过的内容\n")
        // A circular's narrative for a period that has one already, too.
        #expect(throws: NewDocument.Failure.self) {
            try NewDocument.create(.circular(period: "2021-05", title: nil), content: site.content, date: date)
        }
        #expect(ScaffoldTests.source(site, "circulars/2021-05.md") == "---\ndoc_no: 9\n---\n正文\n")
    }

    @Test func aMeetingNoticeBuildsAsOne() throws {
        let site = try TemporarySite([:])
        defer { site.remove() }
        let created = try NewDocument.create(.notice(title: "关于召开安全生产工作会议的通知", meeting: true), content: site.content,
                                             date: try ScaffoldTests.day("2021-06-10"))
        #expect(created.facts == ["发文字号 安委办〔2021〕1号"])
        let text = ScaffoldTests.source(site, created.relativePath)
        #expect(text.contains("meeting:") && text.contains("  start: 2021-06-11 09:00"))
        let report = site.build()
        #expect(report.succeeded && report.diagnostics.all.isEmpty, "\(report.lines)")
        let page = site.text("notices/2021-06-10-1/index.html")
        #expect(page.contains("会议安排") && page.contains("关于召开安全生产工作会议的通知"))
    }

    @Test func bulletinsAndCircularsFollowTheSite() throws {
        let site = try ScaffoldTests.numberedSite()
        defer { site.remove() }
        try FileManager.default.removeItem(at: site.content.appendingPathComponent("notices/broken.md"))
        let date = try ScaffoldTests.day("2021-06-20")
        let bulletin = try NewDocument.create(.bulletin(title: nil), content: site.content, date: date)
        #expect(bulletin.relativePath == "bulletins/2021-06-20-di5qi.md" && bulletin.facts == ["第5期"])
        #expect(ScaffoldTests.source(site, bulletin.relativePath).contains("issue: 5 "))
        let circular = try NewDocument.create(.circular(period: "2021-Q2", title: nil), content: site.content, date: date)
        #expect(circular.relativePath == "circulars/2021-Q2.md")
        #expect(circular.facts == ["2021年第二季度", "发文字号 安委办〔2021〕13号"])
        #expect(ScaffoldTests.source(site, circular.relativePath).contains("# title: 2021年第二季度"))
        for bad in ["2021-13", "21-06", "2021-Q5", "六月"] {
            #expect(throws: NewDocument.Failure.self) {
                try NewDocument.create(.circular(period: bad, title: nil), content: site.content, date: date)
            }
        }
        #expect(throws: NewDocument.Failure.self) {
            try NewDocument.create(.notice(title: "  ", meeting: false), content: site.content, date: date)
        }
        #expect(throws: NewDocument.Failure.self) {
            try NewDocument.create(.notice(title: "题", meeting: false), content: site.content.appendingPathComponent("missing"), date: date)
        }
        let report = site.build(asOf: try ScaffoldTests.day("2021-12-31"))
        #expect(report.succeeded, "\(report.lines)")
        #expect(site.text("bulletins/5/index.html").contains("安全生产工作简报"))
    }

    @Test func titlesBecomeSafeFileNames() {
        #expect(NewDocument.fileNameStem("关于开展“安全生产月”活动的通知") == "关于开展“安全生产月”活动的通知")
        #expect(NewDocument.fileNameStem("a/b\\c:d*e?f\"g<h>i|j") == "abcdefghij")
        #expect(NewDocument.fileNameStem("  两个  空格  ") == "两个-空格")
        #expect(NewDocument.fileNameStem("../..") == "tongzhi")
        #expect(NewDocument.fileNameStem(String(repeating: "长", count: 100)).count == 40)
        #expect(NewDocument.quoted("他说\"好\"\\") == "\"他说\\\"好\\\"\\\\\"")
    }

    @Test func aNewSiteBuildsCleanly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-init-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = try NewSite.create(in: folder, today: try ScaffoldTests.day("2021-06-30"))
        #expect(files.contains("content/site.yml") && files.contains(".gitignore"))
        var options = BuildOptions(content: folder.appendingPathComponent("content"), contentDisplay: "content", templates: nil,
                                   output: folder.appendingPathComponent("site"), asOf: nil, today: try ScaffoldTests.day("2021-06-30"),
                                   write: true)
        options.folderMargin = 0
        let report = Builder.run(options)
        #expect(report.succeeded && report.diagnostics.all.isEmpty, "\(report.diagnostics.sorted.map(\.description))")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("site/notices/wangzhan-kaitong/index.html").path))
        // A new notice in the new site takes the next number.
        let created = try NewDocument.create(.notice(title: "第二份通知", meeting: false), content: folder.appendingPathComponent("content"),
                                             date: try ScaffoldTests.day("2021-07-01"))
        #expect(created.facts == ["发文字号 安委办〔2021〕2号"])
        // A folder that is not empty is left alone.
        #expect(throws: NewSite.Failure.self) { try NewSite.create(in: folder, today: try ScaffoldTests.day("2021-06-30")) }
    }
}
