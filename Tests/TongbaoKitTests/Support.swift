import Foundation
import Testing
@testable import TongbaoKit

/// Paths of the repository and of the test fixtures.
enum Paths {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let fixtures = tests.appendingPathComponent("Fixtures")
    static let repository = tests.deletingLastPathComponent().deletingLastPathComponent()
}

/// A throwaway site folder: `content/` written from a dictionary of files.
struct TemporarySite {
    let root: URL
    var content: URL { root.appendingPathComponent("content") }
    var output: URL { root.appendingPathComponent("site") }

    static let settings = """
    title: 测试县安全生产委员会办公室
    issuer: 测试县安全生产委员会办公室
    doc_prefix: 安委办
    base_url: https://anwei.example.gov.cn/
    as_of: 2021-06-30

    """

    static let referenceData: [String: String] = [
        "data/regions.yml": """
        - id: chengguan
          name: 城关镇
          kind: 镇
        - id: xiangyang
          name: 向阳乡
          kind: 乡

        """,
        "data/departments.yml": """
        - id: yingji
          name: 县应急管理局

        """,
        "data/sectors.yml": """
        - id: weihua
          name: 危险化学品
          lead: yingji

        """,
        "data/enterprises.yml": """
        - id: E001
          name: 示例化工有限公司
          credit_code: 91350100M000100Y43
          region: chengguan
          sector: weihua

        """,
    ]

    /// - Parameter files: path below `content/` → text; `site.yml` defaults to `settings`.
    init(_ files: [String: String], withReferenceData: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-test-\(UUID().uuidString)")
        var all = files
        if all["site.yml"] == nil { all["site.yml"] = TemporarySite.settings }
        if withReferenceData {
            for (path, text) in TemporarySite.referenceData where all[path] == nil { all[path] = text }
        }
        for (path, text) in all {
            try write(path, text)
        }
    }

    /// Copies a fixture's content folder.
    init(copying fixture: URL) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixture, to: content)
    }

    func write(_ path: String, _ text: String) throws {
        let url = content.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// Builds trust every content file whose identity is unchanged, however recent
    /// (`FileIdentity`), and every staging folder whose status is the recorded one
    /// (`StagingRecord`), so that rebuilds here take the paths a real office site
    /// takes; each test edits files at least one clock tick after a build read them.
    static let settledBefore = Int.max

    func options(write: Bool = true, output: URL? = nil, asOf: Day? = nil) -> BuildOptions {
        var options = BuildOptions(content: content, contentDisplay: "content", templates: nil, output: output ?? self.output,
                                   asOf: asOf, today: Day(year: 2021, month: 6, day: 30)!, write: write)
        options.settledBefore = TemporarySite.settledBefore
        options.folderMargin = 0
        return options
    }

    func check() -> BuildReport { Builder.run(options(write: false)) }
    func build(output: URL? = nil, asOf: Day? = nil) -> BuildReport { Builder.run(options(output: output, asOf: asOf)) }

    /// Every file below `folder`, path → bytes.
    static func tree(_ folder: URL) -> [String: Data] {
        var result: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return result }
        for case let url as URL in walker {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            if !isDirectory.boolValue, let data = try? Data(contentsOf: url) {
                result[String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))] = data
            }
        }
        return result
    }

    /// The staging folder a build keeps beside `output`: after a build, the site before it.
    static func staging(of output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).staging")
    }

    var staging: URL { TemporarySite.staging(of: output) }

    /// The inode of every file below `folder`, path → inode.
    static func inodes(_ folder: URL) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for path in tree(folder).keys {
            if let inode = inode(folder.appendingPathComponent(path)) { result[path] = inode }
        }
        return result
    }

    static func inode(_ url: URL) -> UInt64? {
        var status = stat()
        return lstat(url.path, &status) == 0 ? UInt64(status.st_ino) : nil
    }

    /// Files of the staging folder kept beside `live` that are neither the live
    /// file at their path (the same inode) nor the bytes `previous` (the site
    /// before the last build) had there: what the kept folder must never hold.
    static func strays(in staging: URL, live: URL, previous: [String: Data]) -> [String] {
        let liveInodes = inodes(live)
        return tree(staging).compactMap { path, data in
            if let inode = inode(staging.appendingPathComponent(path)), inode == liveInodes[path] { return nil }
            return previous[path] == data ? nil : path
        }.sorted()
    }

    func text(_ path: String) -> String {
        (try? String(contentsOf: output.appendingPathComponent(path), encoding: .utf8)) ?? ""
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

extension BuildReport {
    /// Diagnostics as printed, without the `content/` prefix.
    var lines: [String] { diagnostics.sorted.map { $0.description.replacingOccurrences(of: "content/", with: "") } }
}

/// Asserts that exactly one diagnostic starts with `prefix` and contains every one of `fragments`.
func expectDiagnostic(_ report: BuildReport, _ prefix: String, _ fragments: String..., sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let matches = report.lines.filter { $0.hasPrefix(prefix) && fragments.allSatisfy($0.contains) }
    #expect(matches.count == 1, "expected one diagnostic \(prefix) … \(fragments) in:\n\(report.lines.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
}

/// A finished run of a program: its exit status and what it printed.
struct ToolRun {
    let status: Int32
    let data: Data
    let errors: String

    var output: String { String(decoding: data, as: UTF8.self) }

    /// Runs `tool` to the end. Standard error goes to a file rather than a
    /// second pipe, so a chatty program (chromium) cannot fill it and block.
    static func run(_ tool: URL, _ arguments: [String], in folder: URL? = nil) throws -> ToolRun {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errorHandle
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        let errors = (try? Data(contentsOf: errorFile)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return ToolRun(status: process.terminationStatus, data: data, errors: errors)
    }
}

extension TemporarySite {
    /// Rewrites a content file (path below `content/`) through `change`.
    func edit(_ path: String, _ change: (String) throws -> String) throws {
        let url = content.appendingPathComponent(path)
        try Data(try change(try String(contentsOf: url, encoding: .utf8)).utf8).write(to: url)
    }

    /// Puts a copy of the default theme's `name` template into the site's own
    /// templates folder (beside its content), with `old` replaced by `new`.
    func overrideTemplate(_ name: String, replacing old: String, with new: String) throws {
        let file = root.appendingPathComponent("templates/\(name).mustache")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let text = try String(contentsOf: Paths.repository.appendingPathComponent("templates/\(name).mustache"), encoding: .utf8)
        try #require(text.contains(old), "templates/\(name).mustache has no “\(old)”")
        try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: file)
    }
}
