import Foundation
import Testing
@testable import TongbaoKit

/// The document cache: a rebuild takes every unchanged notice's record,
/// diagnostics, links and page digest from the previous build instead of
/// parsing and rendering it, and still gives exactly what a clean build gives.
@Suite struct DocumentCacheTests {
    /// A site of `count` notices, one of which has a warning (an unknown field and raw HTML), and links between two.
    static func day(_ number: Int) -> String { String(format: "2021-%02d-%02d", 1 + number % 6, 1 + number % 28) }
    static func path(_ number: Int) -> String { "notices/\(day(number))-n\(number).md" }

    static func site(count: Int = 30) throws -> TemporarySite {
        var files: [String: String] = [:]
        for number in 1...count {
            let day = DocumentCacheTests.day(number)
            files[path(number)] = """
            ---
            title: 第\(number)号测试通知
            date: \(day)
            doc_no: \(number)
            cc: [县委办公室]
            ---
            ## 一、工作要求

            正文第\(number)段，[链接](/notices/n\(number % count + 1)/)。

            """
        }
        files["notices/2021-02-03-w.md"] = """
        ---
        title: 带提示的通知
        date: 2021-02-03
        colour: red
        meeting:
          start: 2021-02-05 09:30
          place: 县政府三楼会议室
        ---
        正文 <b>加粗</b>，[链接](/notices/n1/)。

        """
        return try TemporarySite(files, withReferenceData: false)
    }

    static func documentCache(_ site: TemporarySite) -> URL {
        CacheStore.folder(for: site.output).appendingPathComponent(CacheStore.documentsFileName)
    }

    @Test func unchangedNoticesAreTakenFromTheCache() throws {
        let site = try DocumentCacheTests.site()
        defer { site.remove() }
        let first = site.build()
        #expect(first.succeeded, "\(first.lines)")
        #expect(first.noticesReused == 0)
        // Nothing changed: every notice comes from the cache, every page from the render cache.
        let second = site.build()
        #expect(second.noticesReused == 31)
        #expect(second.pagesReused == second.pages)
        // One notice edited: it alone is parsed again, and the result is a clean build's.
        let result = try IncrementalTests.rebuild(site) { site in
            try site.write(DocumentCacheTests.path(5), "---\ntitle: 第5号测试通知（修订）\ndate: 2021-06-06\ndoc_no: 5\n---\n新的正文。\n")
        }
        #expect(result.rewritten.contains("notices/n5/index.html"))
        #expect(!result.rewritten.contains("notices/n6/index.html"))
        #expect(site.build().noticesReused == 31)
    }

    @Test func cachedNoticesReportTheirWarningsAgain() throws {
        let site = try DocumentCacheTests.site()
        defer { site.remove() }
        let clean = site.build()
        #expect(clean.succeeded)
        #expect(clean.lines.contains { $0.contains("colour") })
        #expect(clean.lines.contains { $0.contains("HTML") })
        let cached = site.build()
        #expect(cached.noticesReused == 31)
        #expect(cached.lines == clean.lines)
        #expect(site.check().lines == clean.lines)
    }

    /// A link in a notice that did not change is checked against this build's
    /// pages: removing its target is an error at the link.
    @Test func linksOfCachedNoticesAreCheckedAgain() throws {
        let site = try DocumentCacheTests.site()
        defer { site.remove() }
        #expect(site.build().succeeded)
        try FileManager.default.removeItem(at: site.content.appendingPathComponent(DocumentCacheTests.path(1)))
        let report = site.build()
        #expect(!report.succeeded)
        #expect(report.noticesReused == 30)
        let clean = Builder.run(site.options(write: false, output: site.root.appendingPathComponent("fresh/site")))
        #expect(report.lines == clean.lines)
        #expect(report.lines.contains { $0.hasPrefix(DocumentCacheTests.path(30) + ":9:") && $0.contains("/notices/n1/") })
        #expect(report.lines.contains { $0.hasPrefix("notices/2021-02-03-w.md:9:") && $0.contains("/notices/n1/") })
    }

    /// A cached notice's page digest holds only while its template and section are
    /// unchanged: a new notice template, or a new page in the navigation, renders every notice again.
    @Test func aNewTemplateOrNavigationRendersCachedNoticesAgain() throws {
        let site = try DocumentCacheTests.site(count: 5)
        defer { site.remove() }
        var result = try IncrementalTests.rebuild(site) { site in
            try site.overrideTemplate("notice", replacing: "<footer class=\"doc-sign\">", with: "<footer class=\"doc-sign doc-sign-new\">")
        }
        #expect(result.rewritten.filter { $0.hasPrefix("notices/n") && $0.hasSuffix("index.html") }.count == 5)
        #expect(site.build().noticesReused == 6)
        result = try IncrementalTests.rebuild(site) { site in
            try site.write("pages/about.md", "---\ntitle: 关于我们\n---\n本办职责。\n")
        }
        #expect(result.rewritten.filter { $0.hasPrefix("notices/n") && $0.hasSuffix("index.html") }.count == 5)
        #expect(result.rewritten.contains("notices/w/index.html"))
    }

    @Test func aChangedSettingsFileInvalidatesEveryNotice() throws {
        let site = try DocumentCacheTests.site()
        defer { site.remove() }
        _ = try IncrementalTests.rebuild(site) { site in
            try site.write("site.yml", TemporarySite.settings.replacingOccurrences(of: "doc_prefix: 安委办", with: "doc_prefix: 县安委办"))
        }
        #expect(site.build().noticesReused == 31)
        try site.write("site.yml", TemporarySite.settings + "\n# 注释\n")
        #expect(site.build().noticesReused == 0)
    }

    /// A damaged cache costs time, never correctness: every notice is loaded afresh
    /// and the site is a clean build's, also when a value inside a record was
    /// changed in place (same length, the layout intact: only the checksum shows it).
    @Test(arguments: ["junk", "truncated", "empty", "other context", "a title changed in place"])
    func aDamagedCacheIsIgnored(_ damage: String) throws {
        let site = try DocumentCacheTests.site()
        defer { site.remove() }
        #expect(site.build().succeeded)
        let clean = TemporarySite.tree(site.output)
        let file = DocumentCacheTests.documentCache(site)
        let bytes = try Data(contentsOf: file)
        switch damage {
        case "a title changed in place":
            let title = Array("第5号测试通知".utf8), altered = Array("第6号测试通知".utf8)
            var changed = Array(bytes)
            let at = try #require((0...(changed.count - title.count)).first { Array(changed[$0..<($0 + title.count)]) == title })
            changed.replaceSubrange(at..<(at + title.count), with: altered)
            try Data(changed).write(to: file)
        case "junk": try Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: file)
        case "truncated": try bytes.prefix(bytes.count * 2 / 3).write(to: file)
        case "empty": try Data().write(to: file)
        default:
            var writer = ByteWriter()
            writer.string(DocumentCache.format)
            writer.string(String(repeating: "0", count: 64))
            try (Data(writer.bytes) + bytes.dropFirst(writer.bytes.count)).write(to: file)
        }
        let report = site.build()
        #expect(report.succeeded)
        #expect(report.noticesReused == 0)
        #expect(TemporarySite.tree(site.output) == clean)
        let result = try IncrementalTests.rebuild(site) { site in
            try site.write(DocumentCacheTests.path(5), "---\ntitle: 改过的通知\ndate: 2021-06-06\n---\n正文。\n")
        }
        #expect(result.rewritten.contains("notices/n5/index.html"))
    }

    /// A notice whose file keeps its identity (device, inode, size, times) is not
    /// read; an edit shows through its change time, even when it keeps the
    /// size and puts the modification time back.
    @Test func unchangedFilesAreNotReadAgain() throws {
        let site = try DocumentCacheTests.site()
        defer { site.remove() }
        #expect(site.build().succeeded)
        let second = site.build()
        #expect(second.noticesReused == 31)
        #expect(second.noticesUnread == 31)
        // The feed's summaries and every page are still a clean build's.
        let clean = site.root.appendingPathComponent("clean/site")
        #expect(site.build(output: clean).succeeded)
        #expect(TemporarySite.tree(site.output) == TemporarySite.tree(clean))

        let file = site.content.appendingPathComponent(DocumentCacheTests.path(5))
        var before = stat()
        #expect(stat(file.path, &before) == 0)
        usleep(20_000) // past the clock tick of the last read
        // Written in place: the same inode and size.
        let edited = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "正文第5段", with: "正文第7段")
        let handle = try FileHandle(forWritingTo: file)
        try handle.write(contentsOf: Data(edited.utf8))
        try handle.close()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, file.path, &times, 0) == 0)
        var after = stat()
        #expect(stat(file.path, &after) == 0)
        #expect(after.st_ino == before.st_ino && after.st_size == before.st_size && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
        let third = site.build()
        #expect(third.succeeded)
        #expect(third.noticesUnread == 30)
        let page = try String(contentsOf: site.output.appendingPathComponent("notices/n5/index.html"), encoding: .utf8)
        #expect(page.contains("正文第7段"))
        let fresh = site.root.appendingPathComponent("clean-again/site") // its own caches: a clean build, not a rebuild
        #expect(site.build(output: fresh).succeeded)
        #expect(TemporarySite.tree(site.output) == TemporarySite.tree(fresh))
    }

    /// A notice that enters the feed (a newer one dated back) has its body read and its summary made, though its page is unchanged.
    @Test func aNoticeEnteringTheFeedGetsItsSummary() throws {
        let site = try DocumentCacheTests.site(count: 60)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let second = site.build()
        #expect(second.noticesUnread == 61)
        let newest = try #require((1...60).max { DocumentCacheTests.day($0) < DocumentCacheTests.day($1) })
        let result = try IncrementalTests.rebuild(site) { site in
            try site.edit(DocumentCacheTests.path(newest)) { $0.replacingOccurrences(of: "date: \(DocumentCacheTests.day(newest))", with: "date: 2020-12-31") }
        }
        #expect(result.changed.contains("feed.xml"))
    }

    /// A notice whose bytes turn out not to be its record's (read late) loses its identity, so that the next build reads it.
    @Test func aForgottenIdentityMakesTheNextBuildReadTheFile() throws {
        let site = try DocumentCacheTests.site(count: 2)
        defer { site.remove() }
        let loaded = SiteLoader.load(content: site.content, displayRoot: "content", asOf: nil, today: Day(year: 2021, month: 6, day: 30)!,
                                     documents: DocumentCache.File(bytes: [], tool: "test"), settledBefore: Int.max)
        let cache = try #require(loaded.documents)
        let file = "content/" + DocumentCacheTests.path(1)
        let identity = try #require(ContentFiles(root: site.content, displayRoot: "content", settledBefore: Int.max)
            .identity(DocumentCacheTests.path(1)))
        let sha256 = SHA256.hex(try Data(contentsOf: site.content.appendingPathComponent(DocumentCacheTests.path(1))))
        #expect(DocumentCache(context: cache.context, bytes: cache.encoded()).previousEntry(file, identity: identity) != nil)
        cache.forgetIdentity(file)
        #expect(cache.hasForgotten)
        let next = DocumentCache(context: cache.context, bytes: cache.encoded())
        #expect(next.previousEntry(file, identity: identity) == nil)
        #expect(next.previousEntry(file, sha256: sha256) != nil)
    }

    /// Files changed within the margin before a build are read however their identity looks (an edit in the same clock tick keeps it).
    @Test func recentlyChangedFilesAreReadAgain() throws {
        let site = try DocumentCacheTests.site()
        defer { site.remove() }
        var options = site.options()
        options.settledBefore = nil
        #expect(Builder.run(options).succeeded)
        let second = Builder.run(options)
        #expect(second.noticesReused == 31)
        #expect(second.noticesUnread == 0)
        // The margin is counted from the build's start.
        options.settledBefore = FileIdentity.settledBefore(now: Date().addingTimeInterval(Double(FileIdentity.margin) + 1.5))
        #expect(Builder.run(options).noticesUnread == 0) // the identities are recorded now
        #expect(Builder.run(options).noticesUnread == 31)
    }

    /// A body read late whose file no longer has the bytes its record was made from changed during the build: an error.
    @Test func aBodyChangedDuringTheBuildIsAnError() throws {
        let site = try DocumentCacheTests.site(count: 2)
        defer { site.remove() }
        let files = ContentFiles(root: site.content, displayRoot: "content")
        let path = DocumentCacheTests.path(1)
        let sha256 = SHA256.hex(try Data(contentsOf: site.content.appendingPathComponent(path)))
        let late = LateBodies(files: files, unread: ["content/" + path: DocumentCache.Unread(relativePath: path, size: 0, sha256: sha256)])
        let read = late.read(["content/" + path])
        #expect(read.diagnostics.all.isEmpty)
        #expect(read.bodies["content/" + path]?.hasPrefix("## 一、工作要求") == true)
        try site.edit(path) { $0 + "补充。\n" }
        let changed = late.read(["content/" + path])
        #expect(changed.changed == ["content/" + path])
        #expect(changed.bodies.isEmpty)
        #expect(changed.diagnostics.hasErrors)
        #expect(changed.diagnostics.all.first?.description.contains("content/\(path):1:1") == true)
    }

    @Test func entriesSurviveTheirEncoding() throws {
        let site = try DocumentCacheTests.site(count: 3)
        defer { site.remove() }
        let loaded = SiteLoader.load(content: site.content, displayRoot: "content", asOf: nil, today: Day(year: 2021, month: 6, day: 30)!,
                                     documents: DocumentCache.File(bytes: [], tool: "test"))
        let notices = try #require(loaded.model?.notices)
        let cache = try #require(loaded.documents)
        let context = cache.context
        #expect(notices.count == 4)
        cache.setRendered("content/notices/2021-02-03-w.md", DocumentCache.Rendered(
            links: [DocumentCache.Link(url: "/notices/n1/", location: SourceLocation(file: "content/notices/2021-02-03-w.md", line: 8, column: 18),
                                       target: "notices/n1"),
                    DocumentCache.Link(url: "https://example.org/", location: SourceLocation(file: "content/notices/2021-02-03-w.md", line: 9, column: 1),
                                       target: nil)],
            warnings: [Diagnostic(.warning, SourceLocation(file: "content/notices/2021-02-03-w.md", line: 8, column: 4), "提示")],
            viewDigest: "digest", pageContext: "context", pageDigest: "page"))
        let decoded = DocumentCache.decode(cache.encoded(), context: context)
        #expect(decoded.count == 4)
        for notice in notices {
            let entry = try #require(decoded[notice.source.file])
            #expect(entry.notice == notice.replacingBody(""))
        }
        let meeting = try #require(decoded["content/notices/2021-02-03-w.md"])
        #expect(meeting.notice.meeting?.place == "县政府三楼会议室")
        #expect(meeting.diagnostics.count == 1) // the unknown field (raw HTML is found when rendering)
        #expect(meeting.rendered?.viewDigest == "digest")
        #expect(meeting.rendered?.links.first?.location.column == 18)
        #expect(meeting.rendered?.links.map(\.target) == ["notices/n1", nil])
        #expect(meeting.rendered?.pageDigest == "page")
        #expect(DocumentCache.decode(cache.encoded(), context: String(repeating: "b", count: 64)).isEmpty)
    }

    @Test func bytesRoundTrip() {
        var writer = ByteWriter()
        let numbers = [0, 1, -1, 63, -64, 64, 127, 128, 300, -300, Int.max, Int.min, 1 << 40]
        for number in numbers { writer.int(number) }
        writer.string("")
        writer.string("通知 ✓")
        writer.optionalString(nil)
        writer.optionalString("x")
        writer.strings(["a", "乙"])
        writer.bool(true)
        var reader = ByteReader(writer.bytes)
        #expect(numbers.map { _ in reader.int() } == numbers)
        #expect(reader.string() == "")
        #expect(reader.string() == "通知 ✓")
        #expect(reader.optionalString() == .some(nil))
        #expect(reader.optionalString() == .some("x"))
        #expect(reader.strings() == ["a", "乙"])
        #expect(reader.bool() == true)
        #expect(reader.atEnd)
        #expect(reader.int() == nil)
        // Cut anywhere, a read fails instead of trapping.
        for cut in 0..<writer.bytes.count {
            var partial = ByteReader(Array(writer.bytes.prefix(cut)))
            var values = 0
            while partial.int() != nil { values += 1 }
            #expect(values <= numbers.count + 20)
        }
        var huge = ByteWriter()
        huge.int(1 << 50)
        var lying = ByteReader(huge.bytes + [1, 2, 3])
        #expect(lying.string() == nil)
        // Bytes that are not UTF-8 are no string, even where the repaired text would be as long
        // (a cut four-byte sequence becomes one three-byte U+FFFD).
        for invalid: [UInt8] in [[0xF0, 0x9F, 0x98], [0xFF], [0x61, 0xC3], [0xED, 0xA0, 0x80]] {
            var length = ByteWriter()
            length.int(invalid.count)
            var reader = ByteReader(length.bytes + invalid)
            #expect(reader.string() == nil, "\(invalid)")
        }
    }
}
