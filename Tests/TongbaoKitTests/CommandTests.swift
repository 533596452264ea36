import Foundation
import Testing
@testable import TongbaoKit

/// The `tongbao` executable as a user runs it: exit status, output streams.
@Suite struct CommandTests {
    /// The executable SwiftPM built beside the test bundle.
    static var executable: URL {
        get throws {
            var folder = Bundle.main.bundleURL
            for _ in 0..<3 {
                let candidate = folder.appendingPathComponent("tongbao")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                folder = folder.deletingLastPathComponent()
            }
            throw CocoaError(.fileNoSuchFile)
        }
    }

    static func run(_ arguments: [String], in folder: URL) throws -> ToolRun {
        try ToolRun.run(try executable, arguments, in: folder)
    }

    @Test func buildWithNoArgumentsReadsContentAndWritesSite() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        let run = try CommandTests.run([], in: site.root)
        #expect(run.status == 0, "\(run.errors)")
        #expect(run.output.contains("已生成"))
        #expect(FileManager.default.fileExists(atPath: site.root.appendingPathComponent("site/index.html").path))
    }

    /// Two processes (each with its own hash seed) write the same bytes.
    /// A build that fails while work still runs on other threads (hashing the
    /// inputs) ends with status 1 every time: no thread is left inside a library
    /// while the process exits.
    @Test func aFailedBuildAlwaysExitsCleanly() throws {
        let site = try TemporarySite(copying: Paths.fixtures.appendingPathComponent("mini/content"))
        defer { site.remove() }
        var bomb = "l0: &l0 哈\n"
        for level in 1...9 { bomb += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let settings = try String(contentsOf: site.content.appendingPathComponent("site.yml"), encoding: .utf8)
        try site.write("site.yml", settings + bomb + "public_phones: *l9\n")
        for attempt in 1...30 {
            let run = try CommandTests.run(["build", "--content", "content", "--output", "out/site"], in: site.root)
            #expect(run.status == 1, "attempt \(attempt): exit \(run.status)")
            if run.status != 1 { break }
        }
    }

    /// What a new user does first: `init`, `build`, `new notice`, `build` again; with plain messages on refusal.
    @Test func initNewAndBuildFromTheCommandLine() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let created = try CommandTests.run(["init", "anwei"], in: root)
        #expect(created.status == 0 && created.output.contains("cd anwei"), "\(created.errors)")
        let site = root.appendingPathComponent("anwei")
        let built = try CommandTests.run(["build"], in: site)
        #expect(built.status == 0 && built.errors.isEmpty, "\(built.errors)")
        let notice = try CommandTests.run(["new", "notice", "关于开展安全检查的通知", "--date", "2026-03-02"], in: site)
        #expect(notice.status == 0, "\(notice.errors)")
        #expect(notice.output.contains("content/notices/2026-03-02-关于开展安全检查的通知.md") && notice.output.contains("〔2026〕"))
        let again = try CommandTests.run(["new", "notice", "关于开展安全检查的通知", "--date", "2026-03-02"], in: site)
        #expect(again.status == 1 && again.errors.contains("已存在，未覆盖"))
        let badDate = try CommandTests.run(["new", "bulletin", "--date", "2026-02-30"], in: site)
        #expect(badDate.status == 1 && badDate.errors.contains("--date"))
        #expect(try CommandTests.run(["new", "bulletin"], in: site).status == 0)
        #expect(try CommandTests.run(["new", "circular", "2026-02"], in: site).status == 0)
        let rebuilt = try CommandTests.run(["build", "--as-of", "2026-12-31"], in: site)
        #expect(rebuilt.status == 0 && rebuilt.errors.isEmpty, "\(rebuilt.errors)")
        let twice = try CommandTests.run(["init", "anwei"], in: root)
        #expect(twice.status == 1 && twice.errors.contains("不是空的"))
        let elsewhere = try CommandTests.run(["new", "notice", "题"], in: root)
        #expect(elsewhere.status == 1 && elsewhere.errors.contains("tongbao init"))
    }

    /// Progress and colours only on a terminal; `--verbose` shows the stages anywhere, `--quiet` only problems;
    /// the summary counts files written, kept and removed.
    @Test func progressSummaryAndColours() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        let first = try CommandTests.run(["build"], in: site.root)
        #expect(first.status == 0, "\(first.errors)")
        // Not a terminal: no stage lines, no escape sequences.
        #expect(!first.errors.contains("读取") && !first.output.contains("\u{1B}[") && !first.errors.contains("\u{1B}["))
        try FileManager.default.removeItem(at: site.content.appendingPathComponent("notices/2021-06-15-tuijin.md"))
        let second = try CommandTests.run(["build", "--verbose"], in: site.root)
        #expect(second.status == 0, "\(second.errors)")
        for stage in ["读取  ", "生成  ", "检查  ", "发布  ", "load/notices", "render/total"] {
            #expect(second.errors.contains(stage), "\(stage): \(second.errors)")
        }
        // The notice's page and its twin are gone.
        #expect(second.output.contains("删除 2 个"), "\(second.output)")
        let quiet = try CommandTests.run(["build", "--quiet"], in: site.root)
        // Only the fixture's warnings.
        #expect(quiet.status == 0 && quiet.output.isEmpty, "\(quiet.output)")
        #expect(quiet.errors.split(separator: "\n").allSatisfy { $0.contains(": warning: ") }, "\(quiet.errors)")
        let checked = try CommandTests.run(["check", "-q"], in: site.root)
        #expect(checked.status == 0 && checked.output.isEmpty)
        // On a terminal (util-linux `script` gives one): stage lines and colours, unless NO_COLOR.
        let script = URL(fileURLWithPath: "/usr/bin/script")
        guard FileManager.default.isExecutableFile(atPath: script.path) else { return }
        let tool = try CommandTests.executable.path
        let env = URL(fileURLWithPath: "/usr/bin/env")
        let onTerminal = try ToolRun.run(env, ["-u", "NO_COLOR", "TERM=xterm", script.path, "-qec", "\(tool) build", "/dev/null"],
                                         in: site.root)
        #expect(onTerminal.output.contains("读取") && onTerminal.output.contains("\u{1B}[1m"), "\(onTerminal.output)")
        let plain = try ToolRun.run(env, ["NO_COLOR=1", "TERM=xterm", script.path, "-qec", "\(tool) build", "/dev/null"], in: site.root)
        #expect(plain.output.contains("读取") && !plain.output.contains("\u{1B}["), "\(plain.output)")
    }

    @Test func exportWritesALedgerForSpreadsheets() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        let out = try CommandTests.run(["export", "penalties"], in: site.root)
        #expect(out.status == 0, "\(out.errors)")
        #expect(out.data.starts(with: [0xEF, 0xBB, 0xBF]) && out.output.contains("处罚编号,单位,处罚日期"))
        let file = try CommandTests.run(["export", "hazards", "--encoding", "gb18030", "--output", "h.csv"], in: site.root)
        #expect(file.status == 0 && file.errors.contains("已导出"), "\(file.errors)")
        let bytes = try Data(contentsOf: site.root.appendingPathComponent("h.csv"))
        #expect(TextEncoding.gb18030(Array(bytes)[...])?.hasPrefix("隐患编号,单位,发现日期") == true)
        let unknown = try CommandTests.run(["export", "hazard"], in: site.root)
        #expect(unknown.status == 1 && unknown.errors.contains("可导出"))
        let format = try CommandTests.run(["export", "hazards", "--format", "xlsx"], in: site.root)
        #expect(format.status == 1 && format.errors.contains("csv"))
        try site.write("data/regions.yml", "- id: chengguan\n  name: 城关镇\n  kind: 县\n")
        let broken = try CommandTests.run(["export", "hazards"], in: site.root)
        #expect(broken.status == 1 && broken.output.isEmpty && broken.errors.contains("再导出"))
    }

    @Test func separateRunsWriteIdenticalSites() throws {
        let site = try TemporarySite(copying: Paths.repository.appendingPathComponent("content"))
        defer { site.remove() }
        #expect(try CommandTests.run(["build", "--output", "a"], in: site.root).status == 0)
        #expect(try CommandTests.run(["build", "--output", "b"], in: site.root).status == 0)
        let a = TemporarySite.tree(site.root.appendingPathComponent("a"))
        #expect(a.count > 20)
        #expect(a == TemporarySite.tree(site.root.appendingPathComponent("b")))
    }

    @Test func checkExitsOneOnErrorsAndPrintsLocatedDiagnostics() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        #expect(try CommandTests.run(["check"], in: site.root).status == 0)
        try site.write("data/regions.yml", "- id: chengguan\n  name: 城关镇\n  kind: 县\n- id: xiangyang\n  name: 向阳乡\n  kind: 乡\n")
        let run = try CommandTests.run(["check"], in: site.root)
        #expect(run.status == 1)
        #expect(run.errors.contains("content/data/regions.yml:3:9: error: 字段 kind 的值“县”无效"))
        #expect(run.errors.contains("失败：1 个错误"))
        #expect(run.errors.contains("再运行 tongbao check"))
        #expect(!FileManager.default.fileExists(atPath: site.root.appendingPathComponent("site").path))
    }

    @Test func aBadAsOfDateIsRefused() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        let run = try CommandTests.run(["build", "--as-of", "2021-02-30"], in: site.root)
        #expect(run.status == 1)
        #expect(run.errors.contains("--as-of 的日期“2021-02-30”无效"))
    }

    @Test func aMissingTemplatesFolderIsAnError() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        let run = try CommandTests.run(["check", "--templates", "no-such-theme"], in: site.root)
        #expect(run.status == 1)
        #expect(run.errors.contains("模板目录不存在"))
    }

    @Test func helpHasAnExample() throws {
        let run = try CommandTests.run(["build", "--help"], in: FileManager.default.temporaryDirectory)
        #expect(run.status == 0)
        #expect(run.output.contains("示例"))
        #expect(run.output.contains("--as-of"))
    }
}
