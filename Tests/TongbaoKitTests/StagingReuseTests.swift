import Foundation
import Testing
@testable import TongbaoKit

/// The staging folder a build keeps beside the output (double buffering): after
/// the swap it holds the site before, and the next build brings it up to date
/// in place. Whatever it holds, the published site is exactly the one planned,
/// and a rebuild touches only what changed.
@Suite struct StagingReuseTests {
    /// Rebuilds `site` and checks the result: byte for byte a clean build of the
    /// same content; new inodes for exactly the files whose bytes changed; the
    /// staging folder now the site before, its unchanged files links to the live
    /// ones; and, when a staging folder was kept, that folder swapped in.
    @discardableResult
    static func rebuild(_ site: TemporarySite, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> BuildReport {
        let before = TemporarySite.tree(site.output), inodesBefore = TemporarySite.inodes(site.output)
        let kept = HeldFolder(site.staging)
        defer { kept?.close() }
        let report = site.build()
        #expect(report.succeeded, "\(name): \(report.lines)", sourceLocation: sourceLocation)
        let clean = site.root.appendingPathComponent("clean-\(UUID().uuidString)/site")
        #expect(site.build(output: clean).succeeded, sourceLocation: sourceLocation)
        let after = TemporarySite.tree(site.output)
        #expect(after == TemporarySite.tree(clean), "after \(name) the rebuild differs from a clean build", sourceLocation: sourceLocation)
        try? FileManager.default.removeItem(at: clean.deletingLastPathComponent())

        let inodesAfter = TemporarySite.inodes(site.output)
        let rewritten = Set(after.keys.filter { inodesBefore[$0] != inodesAfter[$0] })
        let changed = Set(after.keys.filter { before[$0] != after[$0] })
        let unchangedButRewritten = rewritten.subtracting(changed).sorted(), changedButKept = changed.subtracting(rewritten).sorted()
        #expect(rewritten == changed, "\(name): rewritten but unchanged \(unchangedButRewritten); changed but kept \(changedButKept)",
                sourceLocation: sourceLocation)
        #expect(report.files - report.filesKept == changed.count, "\(name)", sourceLocation: sourceLocation)

        #expect(TemporarySite.tree(site.staging) == before, "\(name): the staging folder is not the site before",
                sourceLocation: sourceLocation)
        let staged = TemporarySite.inodes(site.staging)
        let unlinked = staged.keys.filter { before[$0] == after[$0] && staged[$0] != inodesAfter[$0] }
        #expect(unlinked.isEmpty, "\(name): unchanged files not shared with the live site: \(unlinked.sorted())",
                sourceLocation: sourceLocation)
        if let kept {
            #expect(!kept.isRemoved && TemporarySite.inode(site.output) == kept.inode, "\(name): the kept staging folder was not reused",
                    sourceLocation: sourceLocation)
        }
        return report
    }

    static func mini() throws -> TemporarySite {
        let site = try TemporarySite(copying: Paths.fixtures.appendingPathComponent("mini/content"))
        try site.write("static/downloads/guide.txt", "填报说明第一版\n")
        return site
    }

    @Test func aSequenceOfEditsMatchesCleanBuildsAndRewritesOnlyTheChanges() throws {
        let site = try StagingReuseTests.mini()
        defer { site.remove() }
        let manager = FileManager.default
        let templates = site.root.appendingPathComponent("templates")
        func append(_ path: String, _ text: String) throws {
            let url = site.content.appendingPathComponent(path)
            try Data((try String(contentsOf: url, encoding: .utf8) + text).utf8).write(to: url)
        }
        let steps: [(String, () throws -> Void)] = [
            ("a notice added", {
                try site.write("notices/2021-06-18-xinzeng.md", "---\ntitle: 新增通知\ndate: 2021-06-18\n---\n新增的正文。\n")
            }),
            ("a notice edited", { try append("notices/2021-06-15-tuijin.md", "\n补充一段新的正文。\n") }),
            ("a notice with a Chinese name edited", { try append("notices/2021-03-02-打击.md", "\n再补充一段。\n") }),
            ("a static file replaced by a folder of the same name", {
                try manager.removeItem(at: site.content.appendingPathComponent("static/downloads/guide.txt"))
                try site.write("static/downloads/guide.txt/readme.txt", "说明已移到此处\n")
            }),
            ("a template changed", {
                try site.overrideTemplate("bulletin", replacing: "</article>", with: "<p class=\"x\">附注</p></article>")
            }),
            // The staging folder now holds the folder where the file comes back.
            ("the folder replaced by the file again", {
                try manager.removeItem(at: site.content.appendingPathComponent("static/downloads/guide.txt"))
                try site.write("static/downloads/guide.txt", "填报说明第二版\n")
            }),
            ("the added notice deleted", {
                try manager.removeItem(at: site.content.appendingPathComponent("notices/2021-06-18-xinzeng.md"))
            }),
            ("the template restored", { try manager.removeItem(at: templates) }),
            ("nothing", {}),
        ]
        #expect(site.build().succeeded)
        for (name, change) in steps {
            try change()
            StagingReuseTests.rebuild(site, name)
        }
        #expect(site.text("downloads/guide.txt") == "填报说明第二版\n")
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("notices/xinzeng").path))
    }

    /// Anything put into the kept staging folder between builds is removed or
    /// replaced, never published, and nothing outside it is touched.
    @Test func junkInTheStagingFolderNeverReachesTheSite() throws {
        let site = try StagingReuseTests.mini()
        defer { site.remove() }
        #expect(site.build().succeeded)
        #expect(site.build().succeeded)
        let manager = FileManager.default
        let staging = site.staging
        #expect(manager.fileExists(atPath: staging.appendingPathComponent(Publisher.marker).path))
        let outside = site.root.appendingPathComponent("outside")
        try manager.createDirectory(at: outside.appendingPathComponent("folder"), withIntermediateDirectories: true)
        try Data("不应发布的文件\n".utf8).write(to: outside.appendingPathComponent("secret.txt"))
        try Data("<p>外部页面</p>\n".utf8).write(to: outside.appendingPathComponent("folder/index.html"))
        let outsideBefore = TemporarySite.tree(outside)
        func replace(_ path: String, with make: (URL) throws -> Void) throws {
            let url = staging.appendingPathComponent(path)
            try manager.removeItem(at: url)
            try make(url)
        }
        // Extra entries: a file at the top, a file in a planned folder, a folder, a link out.
        try Data("多余\n".utf8).write(to: staging.appendingPathComponent("junk.txt"))
        try Data("多余\n".utf8).write(to: staging.appendingPathComponent("notices/junk.html"))
        try manager.createDirectory(at: staging.appendingPathComponent("extra/deep"), withIntermediateDirectories: true)
        try Data("多余\n".utf8).write(to: staging.appendingPathComponent("extra/deep/index.html"))
        try manager.createSymbolicLink(at: staging.appendingPathComponent("link-out"), withDestinationURL: outside)
        // Planned paths holding something else: a new file with other bytes (its own
        // inode), a link to a file outside, a link to a folder outside, a folder.
        try replace("index.html") { try Data("假首页\n".utf8).write(to: $0) }
        try replace("feed.xml") { try manager.createSymbolicLink(at: $0, withDestinationURL: outside.appendingPathComponent("secret.txt")) }
        try replace("about") { try manager.createSymbolicLink(at: $0, withDestinationURL: outside.appendingPathComponent("folder")) }
        try replace("404.html") { url in
            try manager.createDirectory(at: url, withIntermediateDirectories: false)
            try Data("多余\n".utf8).write(to: url.appendingPathComponent("inside.html"))
        }
        try replace("downloads/guide.txt") { try Data("改过的说明\n".utf8).write(to: $0) }

        StagingReuseTests.rebuild(site, "junk in the staging folder")
        #expect(TemporarySite.tree(outside) == outsideBefore)
        for (path, data) in TemporarySite.tree(site.output) {
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains("多余") && !text.contains("假首页") && !text.contains("不应发布") && !text.contains("外部页面")
                    && !text.contains("改过的说明"), "\(path)")
        }
        // Also after a real edit, once the junk has gone round the swap.
        try site.write("notices/2021-06-18-xinzeng.md", "---\ntitle: 新增通知\ndate: 2021-06-18\n---\n新增的正文。\n")
        StagingReuseTests.rebuild(site, "an edit after the junk")
        #expect(TemporarySite.tree(outside) == outsideBefore)
    }

    /// Once both trees have been filled and left alone, a rebuild lists only the
    /// folders whose status changed since they were recorded; junk put into a
    /// recorded folder changes its status, so it is listed and the junk removed.
    @Test func recordedFoldersAreNotListedUnlessTheyChanged() throws {
        let site = try StagingReuseTests.mini()
        defer { site.remove() }
        for _ in 1...4 { #expect(site.build().succeeded) }
        let quiet = site.build()
        #expect(quiet.succeeded)
        #expect(quiet.foldersListed == 1, "only the root, renamed by every swap: \(quiet.foldersListed)")
        let folders = TemporarySite.tree(site.staging).keys.compactMap { path in path.split(separator: "/").dropLast().isEmpty ? nil : path }
        #expect(!folders.isEmpty)
        // Junk in a recorded folder, and a planned file of another replaced by other bytes (a new entry).
        let manager = FileManager.default
        let notice = try #require(manager.contentsOfDirectory(atPath: site.staging.appendingPathComponent("notices").path)
            .first { !$0.hasPrefix(".") && !$0.hasSuffix(".html") && !$0.hasSuffix(".gz") && Int($0) == nil && $0 != "page" })
        try Data("多余\n".utf8).write(to: site.staging.appendingPathComponent("notices/\(notice)/junk.html"))
        let about = site.staging.appendingPathComponent("about/index.html")
        try manager.removeItem(at: about)
        try Data("假页面\n".utf8).write(to: about)
        let report = StagingReuseTests.rebuild(site, "junk in recorded folders")
        #expect(report.foldersListed == 3, "the root and the two changed folders: \(report.foldersListed)")
        for (path, data) in TemporarySite.tree(site.output) {
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains("多余") && !text.contains("假页面"), "\(path)")
        }
        // A folder is trusted only when its times are older than the record by the margin: with
        // a margin of an hour, every folder of this test (all changed within it) is listed again.
        var options = site.options()
        options.folderMargin = 3_600_000_000_000
        let cautious = Builder.run(options)
        #expect(cautious.succeeded)
        #expect(cautious.foldersListed > 3, "\(cautious.foldersListed)")
        // The rule itself: a tenth of a second, two seconds for times in whole seconds.
        var record = StagingRecord(device: 1, root: 2, madeAt: 10_000_000_000)
        record.add(folder: 5, modified: 9_950_000_000, changed: 9_950_000_000, names: StagingRecord.names(of: "a", []), inodes: [])
        record.add(folder: 6, modified: 9_850_000_000, changed: 9_800_000_000, names: StagingRecord.names(of: "b", []), inodes: [])
        record.add(folder: 7, modified: 9_000_000_000, changed: 9_000_000_000, names: StagingRecord.names(of: "c", []), inodes: [])
        record.add(folder: 8, modified: 7_000_000_000, changed: 7_000_000_000, names: StagingRecord.names(of: "d", []), inodes: [])
        let margin = StagingRecord.margin
        #expect(record.folder(inode: 5, modified: 9_950_000_000, changed: 9_950_000_000, margin: margin) == nil) // 50 ms before
        #expect(record.folder(inode: 6, modified: 9_850_000_000, changed: 9_800_000_000, margin: margin) != nil) // 150 ms before
        #expect(record.folder(inode: 6, modified: 9_850_000_001, changed: 9_800_000_000, margin: margin) == nil) // times differ
        #expect(record.folder(inode: 7, modified: 9_000_000_000, changed: 9_000_000_000, margin: margin) == nil) // whole seconds, 1 s
        #expect(record.folder(inode: 8, modified: 7_000_000_000, changed: 7_000_000_000, margin: margin) != nil) // whole seconds, 3 s
        #expect(record.folder(inode: 9, modified: 1, changed: 1, margin: margin) == nil)
    }

    /// The record file survives its encoding; a damaged one is no record at all (every folder is listed).
    @Test func aDamagedRecordIsIgnored() throws {
        let root: UInt64 = 1 << 40
        var record = StagingRecord(device: 7, root: root, madeAt: 1_700_000_000_000_000_000)
        let first: StagingRecord.Names = StagingRecord.names(of: "notices/x", [("index.html", false), ("页", true)])
        record.add(folder: 12, modified: 1, changed: -2, names: first, inodes: [UInt64.max, 0])
        record.add(folder: 13, modified: 3, changed: 4, names: StagingRecord.names(of: "notices/x", []), inodes: [])
        let encoded: [UInt8] = record.encoded()
        #expect(StagingRecord.decode(encoded[...]) == record)
        let kindA: StagingRecord.Names = StagingRecord.names(of: "notices/x", [("a", false)])
        let kindB: StagingRecord.Names = StagingRecord.names(of: "notices/x", [("a", true)])
        #expect(kindA != kindB)
        let joined: StagingRecord.Names = StagingRecord.names(of: "notices/x", [("ab", false)])
        let split: StagingRecord.Names = StagingRecord.names(of: "notices/x", [("a", false), ("b", false)])
        #expect(joined != split)
        let elsewhere: StagingRecord.Names = StagingRecord.names(of: "notices/y", [("a", false)])
        #expect(elsewhere != kindA)
        let records = StagingRecords(stored: [StagingRecords.Stored(device: 7, root: root, files: 4321, bytes: encoded[...])])
        let bytes: [UInt8] = records.encoded()
        let decoded: StagingRecords = StagingRecords.decode(bytes)
        #expect(decoded.record(device: 7, root: root) == record)
        #expect(decoded.record(device: 7, root: 1) == nil)
        #expect(decoded.files(device: 7, root: root) == 4321 && decoded.files(device: 7, root: 1) == nil)
        var cut = 0
        while cut < bytes.count {
            #expect(StagingRecords.decode(Array(bytes.prefix(cut))).stored.isEmpty)
            cut += 7
        }
        var flipped = bytes
        flipped[bytes.count - 3] ^= 1
        #expect(StagingRecords.decode(flipped).stored.isEmpty)

        let site = try StagingReuseTests.mini()
        defer { site.remove() }
        for _ in 1...4 { #expect(site.build().succeeded) }
        let file = CacheStore.folder(for: site.output).appendingPathComponent(CacheStore.stagingFileName)
        var stored = try Array(Data(contentsOf: file))
        stored[stored.count / 2] ^= 0x40
        try Data(stored).write(to: file)
        let report = StagingReuseTests.rebuild(site, "a damaged record")
        #expect(report.foldersListed > 1)
    }

    /// Deleting the staging folder, or building once without the caches (which leaves the record stale), changes nothing.
    @Test func aDeletedStagingFolderOrAStaleRecordChangesNothing() throws {
        let site = try StagingReuseTests.mini()
        defer { site.remove() }
        for _ in 1...4 { #expect(site.build().succeeded) }
        try FileManager.default.removeItem(at: site.staging)
        StagingReuseTests.rebuild(site, "the staging folder deleted")
        var options = site.options()
        options.useCache = false
        #expect(Builder.run(options).succeeded)
        try site.write("notices/2021-06-18-xinzeng.md", "---\ntitle: 新增通知\ndate: 2021-06-18\n---\n新增的正文。\n")
        StagingReuseTests.rebuild(site, "after a build without the caches")
        // A staging folder moved aside and back in changes its folder's times: listed again.
        let notices = site.staging.appendingPathComponent("notices")
        let aside = site.root.appendingPathComponent("aside")
        try FileManager.default.moveItem(at: notices, to: aside)
        try FileManager.default.moveItem(at: aside, to: notices)
        StagingReuseTests.rebuild(site, "a folder moved aside and back")
    }

    /// A staging folder without the marker is not brought up to date but made
    /// afresh (a new folder is swapped in); one that is a link is removed as a
    /// link, and what it points to stays as it was.
    @Test func aStagingFolderWithoutTheMarkerOrThatIsALinkIsMadeAfresh() throws {
        let site = try StagingReuseTests.mini()
        defer { site.remove() }
        let manager = FileManager.default
        #expect(site.build().succeeded)
        #expect(site.build().succeeded)
        try manager.removeItem(at: site.staging.appendingPathComponent(Publisher.marker))
        try Data("多余\n".utf8).write(to: site.staging.appendingPathComponent("junk.txt"))
        let unmarked = try #require(HeldFolder(site.staging))
        defer { unmarked.close() }
        let clean = TemporarySite.tree(site.output)
        #expect(site.build().succeeded)
        #expect(TemporarySite.tree(site.output) == clean)
        #expect(unmarked.isRemoved, "the staging folder without the marker was reused")
        #expect(!manager.fileExists(atPath: site.staging.appendingPathComponent("junk.txt").path))

        // A link to a folder elsewhere that looks like a kept staging folder.
        let elsewhere = site.root.appendingPathComponent("elsewhere")
        try manager.copyItem(at: site.staging, to: elsewhere)
        try Data("其他程序的文件\n".utf8).write(to: elsewhere.appendingPathComponent("keep.txt"))
        let elsewhereBefore = TemporarySite.tree(elsewhere)
        #expect(elsewhereBefore[Publisher.marker] != nil)
        try manager.removeItem(at: site.staging)
        try manager.createSymbolicLink(at: site.staging, withDestinationURL: elsewhere)
        #expect(site.build().succeeded)
        #expect(TemporarySite.tree(site.output) == clean)
        #expect(TemporarySite.tree(elsewhere) == elsewhereBefore)
        var status = stat()
        #expect(lstat(site.staging.path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR)
        // From here on the staging folder is kept again.
        StagingReuseTests.rebuild(site, "a rebuild after the link")
    }

    /// A rebuild after a one-notice edit writes a few files, and links or
    /// removes in the kept staging folder only what changed in this build or
    /// the one before: its cost follows the changes, not the size of the site.
    @Test func aOneNoticeEditTouchesOnlyWhatChanged() throws {
        var files: [String: String] = [:]
        for index in 1...150 {
            let date = String(format: "2021-%02d-%02d", index % 6 + 1, index % 28 + 1)
            files["notices/\(date)-n\(index).md"] = "---\ntitle: 通知\(index)\ndate: \(date)\ndoc_no: \(index)\n---\n"
                + String(repeating: "各乡镇要压实安全生产责任，深入开展隐患排查整治。\n\n", count: 5)
        }
        let site = try TemporarySite(files)
        defer { site.remove() }
        #expect(site.build().succeeded)
        #expect(site.build().succeeded)
        var previouslyChanged = Set<String>()
        for (round, notice) in ["notices/2021-02-02-n1.md", "notices/2021-03-03-n2.md", "notices/2021-02-02-n1.md"].enumerated() {
            let url = site.content.appendingPathComponent(notice)
            try Data((try String(contentsOf: url, encoding: .utf8) + "\n第\(round)次补充。\n").utf8).write(to: url)
            let before = TemporarySite.tree(site.output)
            let staged = TemporarySite.inodes(site.staging)
            let report = StagingReuseTests.rebuild(site, "edit \(round)")
            let after = TemporarySite.tree(site.output), inodes = TemporarySite.inodes(site.output)
            let changed = Set(after.keys.filter { before[$0] != after[$0] })
            // The kept folder became the output: every path whose inode differs was linked or written again.
            let touched = Set(after.keys.filter { staged[$0] != inodes[$0] }).union(staged.keys.filter { after[$0] == nil })
            #expect(after.count > 300)
            #expect(report.files - report.filesKept == changed.count && changed.count < 10, "\(changed.sorted())")
            #expect(touched.isSubset(of: changed.union(previouslyChanged)),
                    "round \(round): \(touched.subtracting(changed.union(previouslyChanged)).sorted())")
            previouslyChanged = changed
        }
    }
}

/// A folder held open, so that its inode stays its own even once it is removed:
/// whether a build reused a folder or removed it and made another cannot be
/// confused by a new folder that gets the freed inode number.
struct HeldFolder {
    let descriptor: Int32
    let inode: UInt64

    init?(_ url: URL) {
        let descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            _ = Glibc.close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        inode = UInt64(status.st_ino)
    }

    /// The folder no longer has a name (it was deleted).
    var isRemoved: Bool {
        var status = stat()
        return fstat(descriptor, &status) == 0 && status.st_nlink == 0
    }

    func close() { _ = Glibc.close(descriptor) }
}
