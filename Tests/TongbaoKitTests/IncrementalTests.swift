import Foundation
import Testing
@testable import TongbaoKit

/// A rebuild over an existing output folder: after each kind of change the
/// result is byte for byte the site a clean build makes, and files whose bytes
/// did not change are not written again (they keep their inode and mtime).
@Suite struct IncrementalTests {
    /// Inode and modification time of every file below `folder`.
    static func identities(_ folder: URL) -> [String: String] {
        var result: [String: String] = [:]
        for path in TemporarySite.tree(folder).keys {
            var status = stat()
            guard lstat(folder.appendingPathComponent(path).path, &status) == 0 else { continue }
            result[path] = "\(status.st_ino):\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
        }
        return result
    }

    /// Builds, applies `change`, rebuilds into the same folder, and compares with a
    /// clean build of the changed content into a new folder. Returns the paths whose
    /// file was written again (new inode or mtime) by the rebuild.
    static func rebuild(_ site: TemporarySite, asOf: Day? = nil, rebuildAsOf: Day? = nil,
                        sourceLocation: Testing.SourceLocation = #_sourceLocation,
                        _ change: (TemporarySite) throws -> Void) throws -> (rewritten: Set<String>, changed: Set<String>) {
        #expect(site.build(asOf: asOf).succeeded, sourceLocation: sourceLocation)
        let before = TemporarySite.tree(site.output)
        let identitiesBefore = identities(site.output)
        usleep(20_000) // a rewrite within the same clock tick would keep its mtime
        try change(site)
        let report = site.build(asOf: rebuildAsOf ?? asOf)
        #expect(report.succeeded, "\(report.lines)", sourceLocation: sourceLocation)
        let clean = site.root.appendingPathComponent("clean/site")
        #expect(site.build(output: clean, asOf: rebuildAsOf ?? asOf).succeeded, sourceLocation: sourceLocation)
        let after = TemporarySite.tree(site.output)
        #expect(after == TemporarySite.tree(clean), "the rebuild differs from a clean build", sourceLocation: sourceLocation)
        let identitiesAfter = identities(site.output)
        let rewritten = Set(after.keys.filter { identitiesBefore[$0] != identitiesAfter[$0] })
        let changed = Set(after.keys.filter { before[$0] != after[$0] })
        // Exactly the files whose bytes changed (or are new) were written.
        let unchangedButRewritten = rewritten.subtracting(changed).sorted(), changedButKept = changed.subtracting(rewritten).sorted()
        #expect(rewritten == changed, "rewritten but unchanged: \(unchangedButRewritten); changed but not rewritten: \(changedButKept)",
                sourceLocation: sourceLocation)
        #expect(report.filesKept == after.count - changed.count - 1, sourceLocation: sourceLocation) // the marker is not counted
        return (rewritten, changed)
    }

    /// `text` with one hex digit of the first 64-digit hash after its first `line` lines changed.
    static func alteringFirstHash(afterLine line: Int, of text: String) -> Data {
        var bytes = Array(text.utf8)
        var start = 0
        for _ in 0..<line { start = (bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count - 1) + 1 }
        let isHex: (UInt8) -> Bool = { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        var run = 0
        for index in start..<bytes.count {
            run = isHex(bytes[index]) ? run + 1 : 0
            if run == 64 {
                bytes[index] = bytes[index] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
                break
            }
        }
        return Data(bytes)
    }

    static func mini() throws -> TemporarySite {
        try TemporarySite(copying: Paths.fixtures.appendingPathComponent("mini/content"))
    }

    /// A file made again with the same bytes (a static file, the sitemap) is not
    /// scanned again, unless it holds a number the privacy guard looks for: a
    /// public phone taken off the list stops the rebuild.
    @Test func reusedFilesHoldingNumbersAreScannedAgain() throws {
        let site = try IncrementalTests.mini()
        defer { site.remove() }
        try site.write("static/duty.txt", "值班电话 13800138000，传真同号。" + String(repeating: "安全生产。", count: 200) + "\n")
        let settings = try String(contentsOf: site.content.appendingPathComponent("site.yml"), encoding: .utf8)
        try site.write("site.yml", settings + "public_phones: [13800138000]\n")
        #expect(site.build().succeeded)
        #expect(site.build().succeeded)
        try site.write("site.yml", settings)
        let report = site.build()
        #expect(!report.succeeded)
        #expect(report.lines.contains { $0.hasPrefix("static/duty.txt:1:") && $0.contains("138****8000") })
    }

    @Test func nothingChangedWritesNothing() throws {
        let site = try IncrementalTests.mini()
        defer { site.remove() }
        let result = try IncrementalTests.rebuild(site) { _ in }
        #expect(result.rewritten.isEmpty)
    }

    @Test func anEditedNoticeRewritesOnlyWhatShowsIt() throws {
        let site = try IncrementalTests.mini()
        defer { site.remove() }
        let result = try IncrementalTests.rebuild(site) { site in
            try site.edit("notices/2021-06-15-tuijin.md") { $0 + "\n补充一段新的正文。\n" }
        }
        #expect(result.rewritten.contains("notices/tuijin/index.html"))
        #expect(result.rewritten.contains("manifest.json"))
        #expect(!result.rewritten.contains("bulletins/index.html"))
        #expect(!result.rewritten.contains { $0.hasPrefix("circulars/") })
        #expect(!result.rewritten.contains { $0.hasPrefix("assets/") })
    }

    @Test func aChangedTemplateRebuildsThePagesUsingIt() throws {
        let site = try IncrementalTests.mini()
        defer { site.remove() }
        let result = try IncrementalTests.rebuild(site) { site in
            try site.overrideTemplate("bulletin", replacing: "</article>", with: "<p class=\"x\">附注</p></article>")
        }
        #expect(result.rewritten.contains { $0.hasPrefix("bulletins/") && $0.hasSuffix(".html") })
        #expect(!result.rewritten.contains("notices/tuijin/index.html"))
    }

    @Test func aChangedSettingRebuildsEveryPage() throws {
        let site = try IncrementalTests.mini()
        defer { site.remove() }
        let result = try IncrementalTests.rebuild(site) { site in
            try site.edit("site.yml") { $0.replacingOccurrences(of: "title: ", with: "title: 新") }
        }
        #expect(result.rewritten.contains("index.html"))
        #expect(result.rewritten.contains("notices/tuijin/index.html"))
    }

    @Test func aChangedLedgerRowRebuildsTheFiguresShowingIt() throws {
        let site = try IncrementalTests.mini()
        defer { site.remove() }
        let result = try IncrementalTests.rebuild(site) { site in
            let path = site.content.appendingPathComponent("data/accidents.yml")
            let text = try String(contentsOf: path, encoding: .utf8)
            guard let range = text.range(of: "deaths: ") else { Issue.record("no deaths field"); return }
            let digit = text[range.upperBound]
            try Data(text.replacingCharacters(in: range.upperBound...range.upperBound, with: digit == "1" ? "2" : "1").utf8).write(to: path)
        }
        #expect(result.rewritten.contains { $0.hasPrefix("circulars/") })
        #expect(!result.rewritten.contains("notices/tuijin/index.html"))
    }

    @Test func aNewAsOfDateRebuildsWhatDependsOnIt() throws {
        let site = try IncrementalTests.mini()
        defer { site.remove() }
        let result = try IncrementalTests.rebuild(site, asOf: Day(year: 2021, month: 6, day: 30),
                                                  rebuildAsOf: Day(year: 2021, month: 7, day: 31)) { _ in }
        #expect(result.rewritten.contains("index.html"))
    }

    @Test func theRenderCacheRendersOnlyChangedPages() throws {
        let site = try IncrementalTests.mini()
        defer { site.remove() }
        let first = site.build()
        #expect(first.succeeded && first.pages > 10 && first.pagesReused == 0)
        let again = site.build()
        #expect(again.pagesReused == again.pages, "an unchanged site renders nothing again")
        try site.edit("notices/2021-06-15-tuijin.md") { $0 + "\n补充。\n" }
        let edited = site.build()
        // The notice's own page only: list pages show titles and dates, not bodies.
        #expect(edited.pages - edited.pagesReused == 1, "\(edited.pages - edited.pagesReused) pages rendered again")
        // A page changed by hand in the output is not trusted: it is rendered again and restored.
        let home = site.output.appendingPathComponent("index.html")
        try Data("改过的首页".utf8).write(to: home)
        let restored = site.build()
        #expect(restored.pages - restored.pagesReused == 1)
        #expect(site.text("index.html").contains("<!DOCTYPE html>"))
        // Without the cache folder the same site comes out.
        try FileManager.default.removeItem(at: CacheStore.folder(for: site.output))
        let before = TemporarySite.tree(site.output)
        #expect(site.build().pagesReused == 0)
        #expect(TemporarySite.tree(site.output) == before)
    }

    /// The sample county through a sequence of edits, each rebuilt over the
    /// previous output with its render cache and compared with a clean build.
    @Test func aSequenceOfEditsToTheSampleSiteMatchesCleanBuilds() throws {
        let site = try TemporarySite(copying: Paths.repository.appendingPathComponent("content"))
        defer { site.remove() }
        let steps: [(String, () throws -> Void)] = [
            ("a notice's body", { try site.edit("notices/2025-03-06-quanxian-huiyi.md") { $0 + "\n会后请各单位报送落实情况。\n" } }),
            ("a notice's title", { try site.edit("notices/2025-02-12-gongzuo-yaodian.md") { $0.replacingOccurrences(of: "title: ", with: "title: 修订：") } }),
            ("a hazard rectified", { try site.edit("data/hazards.yml") { $0.replacingOccurrences(of: "rectified: 2025-01-12", with: "rectified: 2025-02-20") } }),
            ("a free page removed", { try FileManager.default.removeItem(at: site.content.appendingPathComponent("pages/contact.md")) }),
            ("the site's title", { try site.edit("site.yml") { $0.replacingOccurrences(of: "title: 清川县", with: "title: 清川县（试）") } }),
            ("a partial overridden", {
                try site.overrideTemplate("partials/pagination", replacing: "</nav>", with: "</nav>\n<!-- 分页 -->")
            }),
        ]
        #expect(site.build().succeeded)
        for (number, (name, change)) in steps.enumerated() {
            try change()
            let report = site.build()
            #expect(report.succeeded, "\(name): \(report.lines)")
            let clean = site.root.appendingPathComponent("clean-\(number)/site")
            #expect(site.build(output: clean).succeeded)
            #expect(TemporarySite.tree(site.output) == TemporarySite.tree(clean), "after \(name) the rebuild differs from a clean build")
            #expect(report.pagesReused < report.pages, "\(name): nothing was rendered again")
        }
    }

    /// Partials the page reaches are part of its digest, also when the tag names
    /// it on the line after `{{>`, and after a change of delimiters (which no scan
    /// can follow: such a template depends on every template).
    @Test(arguments: [
        "{{<layout}}{{$main}}<h1>{{content.title}}</h1>{{>\npartials/signature}}{{/main}}{{/layout}}",
        "{{<layout}}{{$main}}{{=<% %>=}}<h1><%content.title%></h1><%> partials/signature %><%={{ }}=%>{{/main}}{{/layout}}",
    ])
    func aPartialReachedAnyWayIsTracked(page: String) throws {
        let site = try IncrementalTests.mini()
        defer { site.remove() }
        let templates = site.root.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates.appendingPathComponent("partials"), withIntermediateDirectories: true)
        try Data(page.utf8).write(to: templates.appendingPathComponent("page.mustache"))
        try Data("<p class=\"sig\">第一版</p>".utf8).write(to: templates.appendingPathComponent("partials/signature.mustache"))
        _ = try IncrementalTests.rebuild(site) { _ in
            try Data("<p class=\"sig\">第二版</p>".utf8).write(to: templates.appendingPathComponent("partials/signature.mustache"))
        }
        #expect(site.text("about/index.html").contains("第二版"))
    }

    /// A damaged cache costs time, never correctness: junk, a truncated file, lines
    /// with wrong fields, a cache that names other files, or one whose recorded
    /// SHA-256 was changed in place (same length, the layout intact) are all ignored.
    @Test func aDamagedCacheIsIgnored() throws {
        let site = try IncrementalTests.mini()
        defer { site.remove() }
        #expect(site.build().succeeded)
        let clean = TemporarySite.tree(site.output)
        let index = CacheStore.folder(for: site.output).appendingPathComponent("pages.tsv")
        let good = try String(contentsOf: index, encoding: .utf8)
        let header = String(good.prefix { $0 != "\n" })
        let damaged = [
            Data([0xFF, 0xFE, 0x00, 0x01, 0x80]),
            Data(good.prefix(good.count / 2).utf8),
            Data((header + "\nindex.html\tx\t-1\tnot-a-hash\t0\t1\t2\n404.html\t\t\t\n").utf8),
            Data(good.replacingOccurrences(of: "\tindex.html\t", with: "\t../../index.html\t")
                .replacingOccurrences(of: "index.html\t", with: "404.html\t").utf8),
            IncrementalTests.alteringFirstHash(afterLine: 1, of: good),
        ]
        for junk in damaged {
            try junk.write(to: index)
            let report = site.build()
            #expect(report.succeeded, "\(report.lines)")
            #expect(report.pagesReused == 0)
            #expect(TemporarySite.tree(site.output) == clean)
        }
    }

    /// A published file dated after 2262 (its time in nanoseconds does not fit in
    /// 64 bits) is simply not trusted by the cache; the build neither traps nor differs.
    @Test func aFileDatedFarAheadIsRenderedAgain() throws {
        let site = try IncrementalTests.mini()
        defer { site.remove() }
        #expect(site.build().succeeded)
        let clean = TemporarySite.tree(site.output)
        var times = [timespec(tv_sec: 10_413_792_000, tv_nsec: 0), timespec(tv_sec: 10_413_792_000, tv_nsec: 0)] // 2300-01-01
        #expect(utimensat(AT_FDCWD, site.output.appendingPathComponent("index.html").path, &times, 0) == 0)
        for _ in 0..<2 {
            let report = site.build()
            #expect(report.succeeded)
            #expect(report.pagesReused == report.pages - 1)
            #expect(TemporarySite.tree(site.output) == clean)
        }
        #expect(site.check().succeeded)
    }

    /// `check` reads the render cache too (it writes nothing): after a build it
    /// renders only what changed, and still reports every problem.
    @Test func checkUsesTheRenderCache() throws {
        let site = try IncrementalTests.mini()
        defer { site.remove() }
        #expect(site.build().succeeded)
        let cache = TemporarySite.tree(CacheStore.folder(for: site.output))
        let checked = site.check()
        #expect(checked.succeeded && checked.pages > 10 && checked.pagesReused == checked.pages)
        try site.write("notices/2021-06-20-new.md", "---\ntitle: 新通知\ndate: 2021-06-20\n---\n联系电话 13800138000\n")
        let broken = site.check()
        #expect(!broken.succeeded)
        expectDiagnostic(broken, "notices/2021-06-20-new.md:5:", "手机号码")
        #expect(TemporarySite.tree(CacheStore.folder(for: site.output)) == cache)
    }

    /// The render cache's key tells apart every pair of view data that differ, however they are nested.
    @Test func viewDigestsTellViewsApart() {
        for value in [0, 7, 10, 99, 100, -1, -10, 1234567890, Int.max, Int.min] {
            var bytes: [UInt8] = []
            ViewDigest.number(value, into: &bytes)
            #expect(bytes == Array("\(value);".utf8))
        }
        let views: [[String: Any]] = [
            [:], ["a": ""], ["a": "b"], ["a": 1], ["a": true], ["a": "1"], ["a": "T"],
            ["a": [["b": "c"]]], ["a": [["b": "c"], [:]]], ["a": ["b": "c"]], ["a": [["b": ["c"]]]],
            ["a": ["x", "y"]], ["a": ["xy"]], ["a": [1, 2]], ["a": "b", "c": "d"], ["ab": "", "c": ""], ["a": "bc"],
            ["a": "", "bc": ""], ["a": ["b": [[String: Any]]()]], ["a": ["b": [String: Any]()]],
        ]
        let digests = views.map { ViewDigest.own($0, shared: [:]) }
        #expect(Set(digests).count == views.count)
        // A dictionary's digest does not depend on the order its keys were added in.
        var first: [String: Any] = [:], second: [String: Any] = [:]
        for key in ["x", "y", "z", "w"] { first[key] = key }
        for key in ["w", "z", "y", "x"] { second[key] = key }
        #expect(ViewDigest.own(first, shared: [:]) == ViewDigest.own(second, shared: [:]))
        // A list of strings is encoded as the same list of values would be, element by element.
        #expect(ViewDigest.digest(["x", "y"] as [String]) == ViewDigest.digest(["x", "y"] as [Any]))
        #expect(ViewDigest.digest([[String]]()) == ViewDigest.digest([Any]()))
        #expect(ViewDigest.digest(["x", ["y"]] as [Any]) != ViewDigest.digest(["x", "y"] as [Any]))
        #expect(ViewDigest.digest(["x", 1] as [Any]) != ViewDigest.digest(["x", "1"] as [Any]))
    }

    /// The render cache's paths never leave the output folder.
    @Test func parentComponentsAreFound() {
        let cases: [(String, Bool)] = [("..", true), ("a/..", true), ("../a", true), ("a/../b", true), ("...", false), ("a/..b", false),
                                       ("..a/b", false), ("a/b", false), ("", false), ("a/.", false), (".", false)]
        for (path, expected) in cases {
            #expect(CacheStore.hasParentComponent(Array(path.utf8)[...]) == expected, "\(path)")
        }
    }

    /// Another page size moves every entry of the lists: each list page is keyed by the entries it shows.
    @Test func anotherPageSizeRebuildsTheLists() throws {
        var files: [String: String] = [:]
        for index in 1...9 {
            files["notices/2021-0\(index % 3 + 1)-0\(index)-n\(index).md"] = "---\ntitle: 通知\(index)\ndate: 2021-0\(index % 3 + 1)-0\(index)\n---\n正文\(index)。\n"
        }
        let site = try TemporarySite(files)
        defer { site.remove() }
        #expect(site.build().succeeded)
        let result = try IncrementalTests.rebuild(site) { site in
            try site.edit("site.yml") { $0 + "page_size: 2\n" }
        }
        #expect(result.changed.contains("notices/page/5/index.html"))
        // A notice moved to another year moves between the yearly lists.
        try IncrementalTests.rebuild(site) { site in
            try site.edit("notices/2021-02-01-n1.md") { $0.replacingOccurrences(of: "date: 2021-02-01", with: "date: 2020-12-01") }
        }
    }

    @Test func aRemovedNoticeIsGone() throws {
        let site = try IncrementalTests.mini()
        defer { site.remove() }
        _ = try IncrementalTests.rebuild(site) { site in
            try FileManager.default.removeItem(at: site.content.appendingPathComponent("notices/2021-06-15-tuijin.md"))
        }
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("notices/tuijin/index.html").path))
    }
}
