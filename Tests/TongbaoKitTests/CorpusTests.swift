import Foundation
import Testing
@testable import TongbaoKit

/// The corpus of broken sites (issue 5, “Bad input, exhaustively”): every case
/// is checked and built in process, into an output folder that already holds a
/// good site. No case may crash or hang; a failed build leaves the old site
/// byte for byte and writes nothing anywhere else; the diagnostics are the
/// ones `expect.txt` lists. Committed cases live in `Corpus/<name>/`; the
/// large, binary, symlinked and pathological ones are generated here at run time.
@Suite struct CorpusTests {
    /// A case that takes longer than this is reported as hanging.
    static let watchdog: TimeInterval = 30

    /// `TONGBAO_CORPUS_RUN_FAILS=1` runs the cases marked FAILS too, as ordinary
    /// cases: after a fix, the ones that pass can lose their mark.
    static let runsFailingCases = ProcessInfo.processInfo.environment["TONGBAO_CORPUS_RUN_FAILS"] == "1"

    @Test("Committed corpus case", arguments: CorpusCase.committedNames)
    func committed(_ name: String) async throws {
        let folder = CorpusCase.folder.appendingPathComponent(name)
        let expectation = try CorpusExpectation(contentsOf: folder.appendingPathComponent("expect.txt"))
        try await CorpusTests.run(name, expectation) { try TemporarySite(copying: folder.appendingPathComponent("content")) }
    }

    @Test("Generated corpus case", arguments: GeneratedCase.all.map(\.name))
    func generated(_ name: String) async throws {
        let generated = try #require(GeneratedCase.all.first { $0.name == name })
        let expectation = try CorpusExpectation(parsing: generated.expect)
        try await CorpusTests.run(name, expectation, verify: generated.verify) { try generated.make() }
    }

    /// The real executable on the pathological cases: it ends by itself with
    /// status 0 or 1, never by a signal.
    @Test("The tongbao executable survives", arguments: GeneratedCase.forExecutable)
    func executable(_ name: String) async throws {
        let generated = try #require(GeneratedCase.all.first { $0.name == name })
        let expectation = try CorpusExpectation(parsing: generated.expect)
        if let fails = expectation.fails, !CorpusTests.runsFailingCases {
            withKnownIssue("corpus case \(name) is marked FAILS; not run") { Issue.record(Comment(rawValue: fails)) }
            return
        }
        let site = try generated.make()
        defer { site.remove() }
        for arguments in [["check"], ["build", "--output", "www/site"]] {
            let run = try await CorpusTests.runExecutable(arguments, in: site.root, limit: CorpusTests.watchdog)
            let command = "tongbao \(arguments.joined(separator: " ")) on \(name)"
            guard let run else {
                Issue.record("\(command) was still running after \(Int(CorpusTests.watchdog)) s and was killed")
                continue
            }
            #expect(run.reason == .exit, "\(command) ended by signal \(run.status)\n\(run.errors)")
            #expect(run.status == (expectation.ok ? 0 : 1), "\(command) exited with \(run.status)\n\(run.errors)")
        }
    }

    // MARK: One case

    /// Checks and builds one case; `make` writes its content folder.
    static func run(_ name: String, _ expectation: CorpusExpectation, verify: (@Sendable (URL) -> [String])? = nil,
                    make: () throws -> TemporarySite) async throws {
        if let fails = expectation.fails, !runsFailingCases {
            // A known tool problem: reported to the lead, recorded here, not run (it may hang).
            withKnownIssue("corpus case \(name) is marked FAILS; not run") { Issue.record(Comment(rawValue: fails)) }
            return
        }
        let site = try make()
        defer { site.remove() }
        let www = site.root.appendingPathComponent("www")
        let output = www.appendingPathComponent("site")
        try FileManager.default.copyItem(at: try GoodBuild.folder(), to: www)
        let before = Snapshot(site.root)
        let goodSite = TemporarySite.tree(output)

        // check: writes nothing at all.
        guard let checked = await watched(name, "check", { Builder.run(site.options(write: false, output: output)) }) else { return }
        #expect(Snapshot(site.root) == before, "check of \(name) changed files: \(Snapshot(site.root).difference(from: before))")
        for problem in expectation.problems(in: checked) {
            Issue.record("\(name): \(problem)\n--- diagnostics:\n\(checked.lines.joined(separator: "\n"))")
        }
        for problem in CorpusExpectation.malformed(checked) { Issue.record("\(name): \(problem)") }

        // build: over a previous good build.
        guard let built = await watched(name, "build", { Builder.run(site.options(write: true, output: output)) }) else { return }
        #expect(built.lines == checked.lines, "build and check of \(name) disagree:\n\(built.lines.joined(separator: "\n"))")
        let after = Snapshot(site.root)
        if built.succeeded {
            #expect(after.excluding("www/") == before.excluding("www/"),
                    "build of \(name) wrote outside the output's parent: \(after.excluding("www/").difference(from: before.excluding("www/")))")
            // Beside the output, only the staging folder it keeps (the good site it replaced) is new.
            let staging = TemporarySite.staging(of: output)
            let kept = "www/\(staging.lastPathComponent)"
            #expect(after.names(in: "www").filter { $0 != kept } == before.names(in: "www").filter { $0 != kept },
                    "build of \(name) left files beside the output: \(after.names(in: "www"))")
            #expect(TemporarySite.strays(in: staging, live: output, previous: goodSite).isEmpty,
                    "build of \(name) kept a staging folder that is not the good site")
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("index.html").path))
            #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(Publisher.marker).path))
            for problem in verify?(output) ?? [] { Issue.record("\(name): \(problem)") }
        } else {
            #expect(after == before, "failed build of \(name) changed files: \(after.difference(from: before))")
        }
    }

    /// Runs `body` on its own thread (8 MiB of stack, as the command's main
    /// thread has); nil, with an issue naming the case, when it takes too long.
    /// A hung thread is abandoned: it cannot be stopped from outside.
    static func watched(_ name: String, _ stage: String, _ body: @escaping @Sendable () -> BuildReport) async -> BuildReport? {
        let result: BuildReport? = await withCheckedContinuation { continuation in
            let once = ResumeOnce(continuation)
            let thread = Thread { once.resume(body()) }
            thread.stackSize = 8 << 20
            thread.start()
            DispatchQueue.global().asyncAfter(deadline: .now() + watchdog) { once.resume(nil) }
        }
        if result == nil {
            Issue.record("corpus case \(name): \(stage) still running after \(Int(watchdog)) s (hang?)")
        }
        return result
    }

    // MARK: The executable

    struct ExecutableRun {
        let reason: Process.TerminationReason
        let status: Int32
        let errors: String
    }

    /// nil when the process had to be killed after `limit` seconds.
    static func runExecutable(_ arguments: [String], in folder: URL, limit: TimeInterval) async throws -> ExecutableRun? {
        let process = Process()
        process.executableURL = try CommandTests.executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let log = folder.appendingPathComponent("stderr-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let errors = try FileHandle(forWritingTo: log)
        defer { try? errors.close(); try? FileManager.default.removeItem(at: log) }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(limit)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return ExecutableRun(reason: process.terminationReason, status: process.terminationStatus, errors: String(text.prefix(4000)))
    }
}

extension CorpusTests {
    /// Resumes a continuation once: with the result, or with nil from the watchdog.
    final class ResumeOnce<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<T?, Never>?

        init(_ continuation: CheckedContinuation<T?, Never>) { self.continuation = continuation }

        func resume(_ value: T?) {
            lock.lock()
            let pending = continuation
            continuation = nil
            lock.unlock()
            pending?.resume(returning: value)
        }
    }
}

// MARK: - The corpus on disk

enum CorpusCase {
    static let folder = Paths.tests.appendingPathComponent("Corpus")

    /// Every folder of `Corpus/` that holds an `expect.txt`.
    static let committedNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent("\($0)/expect.txt").path) }.sorted()
    }()

    /// The valid site the generated cases start from.
    static let base = folder.appendingPathComponent("ok-base/content")
}

/// A good build of `Corpus/ok-base`, made once per test run and copied into
/// every case as the “previous site” a failed build must leave alone.
enum GoodBuild {
    private static let made: Result<URL, CorpusError> = {
        let root = URL(fileURLWithPath: goodBuildRoot)
        try? FileManager.default.removeItem(at: root)
        atexit { try? FileManager.default.removeItem(atPath: goodBuildRoot) }
        do {
            let site = try TemporarySite(copying: CorpusCase.base)
            defer { site.remove() }
            let www = site.root.appendingPathComponent("www")
            let report = Builder.run(site.options(output: www.appendingPathComponent("site")))
            guard report.succeeded else { return .failure(CorpusError("Corpus/ok-base does not build:\n\(report.lines.joined(separator: "\n"))")) }
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: www, to: root.appendingPathComponent("www"))
            return .success(root.appendingPathComponent("www"))
        } catch {
            return .failure(CorpusError("cannot make the good build: \(error)"))
        }
    }()

    static func folder() throws -> URL { try made.get() }
}

private let goodBuildRoot = FileManager.default.temporaryDirectory.appendingPathComponent("tongbao-corpus-good-\(getpid())").path

struct CorpusError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - expect.txt

/// What a case must give, from its `expect.txt`:
///
///     # comment; a first comment “# FAILS: …” marks a known tool problem (the case is not run)
///     ok                                         the site must build
///     error data/hazards.yml:4:16 YAML 格式错误    a diagnostic: path suffix, line, column (* = any), message fragment
///     warning static/leak.txt:1:1 已跳过
///
/// Without `ok` the run must fail, and every error it reports must be listed.
struct CorpusExpectation {
    struct Line: CustomStringConvertible {
        let severity: Diagnostic.Severity
        let path: String
        let line: Int?
        let column: Int?
        let fragment: String
        let description: String

        func matches(_ diagnostic: Diagnostic) -> Bool {
            diagnostic.severity == severity
                && (diagnostic.location.file == path || diagnostic.location.file.hasSuffix("/" + path))
                && line.map { $0 == diagnostic.location.line } ?? true
                && column.map { $0 == diagnostic.location.column } ?? true
                && (fragment.isEmpty || diagnostic.message.contains(fragment))
        }
    }

    var ok = false
    var lines: [Line] = []
    /// The `# FAILS:` note of a known tool problem.
    var fails: String?

    init(contentsOf url: URL) throws {
        try self.init(parsing: String(contentsOf: url, encoding: .utf8))
    }

    init(parsing text: String) throws {
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") {
                if line.hasPrefix("# FAILS:"), fails == nil { fails = String(line) }
                continue
            }
            if line == "ok" {
                ok = true
                continue
            }
            let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
            guard parts.count >= 2, let severity = Diagnostic.Severity(rawValue: parts[0]) else {
                throw CorpusError("bad expect line: \(line)")
            }
            let place = parts[1].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard place.count == 3 else { throw CorpusError("bad place in expect line (path:line:column): \(line)") }
            func number(_ text: String) throws -> Int? {
                if text == "*" { return nil }
                guard let value = Int(text) else { throw CorpusError("bad number in expect line: \(line)") }
                return value
            }
            lines.append(Line(severity: severity, path: place[0], line: try number(place[1]), column: try number(place[2]),
                              fragment: parts.count > 2 ? parts[2] : "", description: String(line)))
        }
        if !ok && !lines.contains(where: { $0.severity == .error }) {
            throw CorpusError("expect.txt needs “ok” or at least one error line")
        }
    }

    /// What the report lacks, or has too much of.
    func problems(in report: BuildReport) -> [String] {
        var result: [String] = []
        if ok && !report.succeeded { result.append("should build, but failed") }
        if !ok && report.succeeded { result.append("should fail, but built") }
        let all = report.diagnostics.all
        for line in lines where !all.contains(where: line.matches) {
            result.append("no diagnostic for “\(line)”")
        }
        if !ok {
            for error in report.diagnostics.errors where !lines.contains(where: { $0.matches(error) }) {
                result.append("unexpected error: \(error)")
            }
        }
        return result
    }

    /// Diagnostics that are malformed whatever the input: a place before line 1
    /// or column 1, an empty message, a message with no Chinese in it.
    static func malformed(_ report: BuildReport) -> [String] {
        report.diagnostics.all.compactMap { diagnostic in
            if diagnostic.location.line < 1 || diagnostic.location.column < 1 { return "diagnostic without a place: \(diagnostic)" }
            if !diagnostic.message.unicodeScalars.contains(where: { (0x4E00...0x9FFF).contains($0.value) }) {
                return "diagnostic without a Chinese message: \(diagnostic)"
            }
            return nil
        }
    }
}

// MARK: - Snapshots of a folder

extension CorpusTests {
    /// Every entry below a folder, symbolic links not followed: path → kind and bytes.
    struct Snapshot: Equatable {
        enum Entry: Equatable {
            case folder
            case file(Data)
            case link(String)
        }

        let entries: [String: Entry]

        init(_ root: URL) {
            var entries: [String: Entry] = [:]
            func walk(_ url: URL, _ relative: String) {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] {
                    let child = url.appendingPathComponent(name)
                    let path = relative.isEmpty ? name : "\(relative)/\(name)"
                    if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: child.path) {
                        entries[path] = .link(destination)
                        continue
                    }
                    var isDirectory: ObjCBool = false
                    _ = FileManager.default.fileExists(atPath: child.path, isDirectory: &isDirectory)
                    if isDirectory.boolValue {
                        entries[path] = .folder
                        walk(child, path)
                    } else {
                        entries[path] = .file((try? Data(contentsOf: child)) ?? Data())
                    }
                }
            }
            walk(root, "")
            self.entries = entries
        }

        private init(entries: [String: Entry]) { self.entries = entries }

        func excluding(_ prefix: String) -> Snapshot {
            Snapshot(entries: entries.filter { !$0.key.hasPrefix(prefix) && $0.key + "/" != prefix })
        }

        /// Names directly in a folder.
        func names(in folder: String) -> [String] {
            entries.keys.filter { $0.hasPrefix(folder + "/") && !$0.dropFirst(folder.count + 1).contains("/") }.sorted()
        }

        /// The paths added, removed or changed, for messages.
        func difference(from other: Snapshot) -> String {
            let keys = Set(entries.keys).union(other.entries.keys).filter { entries[$0] != other.entries[$0] }.sorted()
            return keys.prefix(20).map { key in
                switch (other.entries[key], entries[key]) {
                case (nil, _): return "+\(key)"
                case (_, nil): return "-\(key)"
                default: return "~\(key)"
                }
            }.joined(separator: " ")
        }
    }
}

// MARK: - Generated cases

/// A case too large, too binary or too system-dependent to commit: written
/// from `Corpus/ok-base` at run time.
struct GeneratedCase: Sendable {
    let name: String
    /// In the grammar of expect.txt.
    let expect: String
    /// Changes the copied content folder (`root` is the temporary site's root, beside `content/`).
    let change: @Sendable (_ content: URL, _ root: URL) throws -> Void
    /// Extra checks of a successful build's output folder; returns the problems.
    var verify: (@Sendable (URL) -> [String])?

    func make() throws -> TemporarySite {
        let site = try TemporarySite(copying: CorpusCase.base)
        do {
            try change(site.content, site.root)
        } catch {
            site.remove()
            throw error
        }
        return site
    }

    /// The cases the real executable is run on.
    static let forExecutable = all.map(\.name).filter { $0.hasPrefix("alias-bomb") || $0.hasPrefix("deep-") || $0.hasPrefix("huge-") }

    static let all: [GeneratedCase] = bombs + deep + huge + binary + symlinks

    // MARK: Billion laughs

    /// `&l0 哈`, then nine levels of ten aliases each: 10⁹ leaves if expanded.
    static func bomb(indent: String, key: String = "l") -> String {
        var text = "\(indent)\(key)0: &\(key)0 哈\n"
        for level in 1...9 {
            let aliases = Array(repeating: "*\(key)\(level - 1)", count: 10).joined(separator: ", ")
            text += "\(indent)\(key)\(level): &\(key)\(level) [\(aliases)]\n"
        }
        return text
    }

    static let bombs: [GeneratedCase] = [
        GeneratedCase(name: "alias-bomb-in-ledger-value", expect: "error data/hazards.yml:*:* 字段 description 应当是一个值") { content, _ in
            try append(content, "data/hazards.yml", bomb(indent: "  ") + "  description: *l9\n", replacing: "  description: 储罐区可燃气体报警器失效\n")
        },
        GeneratedCase(name: "alias-bomb-unused", expect: "ok\nwarning data/hazards.yml:*:* 未知字段“l9”") { content, _ in
            try append(content, "data/hazards.yml", bomb(indent: "  "))
        },
        GeneratedCase(name: "alias-bomb-in-list-field", expect: "error data/inspections.yml:*:* 字段 enterprises 的每一项都应当是一个值") { content, _ in
            try append(content, "data/inspections.yml", bomb(indent: "  ") + "  enterprises: *l9\n", replacing: "  enterprises: [E001]\n")
        },
        GeneratedCase(name: "alias-bomb-as-ledger", expect: "error data/accidents.yml:*:* 事故应当是“字段: 值”形式的映射") { content, _ in
            // The ledger itself is the bomb: ten items, each a list.
            var text = "- &l0 哈\n"
            for level in 1...8 {
                text += "- &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
            }
            text += "- " + "[" + Array(repeating: "*l8", count: 10).joined(separator: ", ") + "]\n"
            try write(content, "data/accidents.yml", text)
        },
        GeneratedCase(name: "alias-bomb-in-site-yml", expect: "error site.yml:*:* 字段 public_phones 的每一项都应当是一个值") { content, _ in
            try append(content, "site.yml", bomb(indent: "") + "public_phones: *l9\n")
        },
        GeneratedCase(name: "alias-bomb-in-front-matter", expect: "error notices/2021-06-15-tuijin.md:*:* 字段 cc 的每一项都应当是一个值") { content, _ in
            try write(content, "notices/2021-06-15-tuijin.md", """
                ---
                title: 关于召开全县安全生产专项整治推进会议的通知
                date: 2021-06-15
                \(bomb(indent: ""))cc: *l9
                ---
                正文

                """)
        },
        GeneratedCase(name: "alias-bomb-as-mapping-key", expect: """
            error data/hazards.yml:*:*
            """) { content, _ in
            try append(content, "data/hazards.yml", bomb(indent: "  ") + "  ? *l9\n  : 值\n")
        },
    ]

    // MARK: Deep nesting

    static let deep: [GeneratedCase] = [
        // libyaml stops at 1000 levels; the message itself is untranslated (see Corpus/yaml-nesting-limit).
        GeneratedCase(name: "deep-flow-sequence-10000", expect: "error data/hazards.yml:1:* YAML 格式错误") { content, _ in
            try write(content, "data/hazards.yml", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n")
        },
        GeneratedCase(name: "deep-flow-sequence-unclosed-10000", expect: "error data/hazards.yml:1:* YAML 格式错误") { content, _ in
            try write(content, "data/hazards.yml", String(repeating: "[", count: 10_000) + "\n")
        },
        GeneratedCase(name: "deep-flow-mapping-10000", expect: "error data/hazards.yml:1:* YAML 格式错误") { content, _ in
            try write(content, "data/hazards.yml", String(repeating: "{a: ", count: 10_000) + String(repeating: "}", count: 10_000) + "\n")
        },
        GeneratedCase(name: "deep-block-sequence-10000", expect: "error data/hazards.yml:1:* YAML 格式错误") { content, _ in
            try write(content, "data/hazards.yml", String(repeating: "- ", count: 10_000) + "x\n")
        },
        GeneratedCase(name: "deep-indented-mapping-3000", expect: "error data/hazards.yml:*:* YAML 格式错误") { content, _ in
            try write(content, "data/hazards.yml", (0..<3000).map { String(repeating: " ", count: $0) + "k\($0):\n" }.joined() + String(repeating: " ", count: 3000) + "x\n")
        },
        GeneratedCase(name: "deep-in-front-matter-10000", expect: "error pages/about.md:2:* YAML 格式错误") { content, _ in
            try write(content, "pages/about.md", "---\ntitle: " + String(repeating: "[", count: 10_000) + "\n---\n正文\n")
        },
        // Just below libyaml's limit: composed (999 levels of recursion in Yams) and refused as a record.
        GeneratedCase(name: "deep-999-levels", expect: "error data/hazards.yml:1:2 隐患应当是“字段: 值”形式的映射") { content, _ in
            try write(content, "data/hazards.yml", String(repeating: "[", count: 999) + String(repeating: "]", count: 999) + "\n")
        },
    ]

    // MARK: Huge

    /// 5 MB of Chinese on one line.
    static let fiveMegabytes = String(repeating: "报", count: 5 * 1024 * 1024 / 3)

    static let huge: [GeneratedCase] = [
        GeneratedCase(name: "huge-line-in-ledger", expect: "ok") { content, _ in
            try replace(content, "data/hazards.yml", "储罐区可燃气体报警器失效", with: fiveMegabytes)
        },
        GeneratedCase(name: "huge-line-in-notice-body", expect: "ok") { content, _ in
            try replace(content, "notices/2021-06-15-tuijin.md", "经研究，定于近期召开推进会议，请按时参加。", with: fiveMegabytes)
        },
        GeneratedCase(name: "huge-line-in-front-matter", expect: "ok") { content, _ in
            try replace(content, "notices/2021-06-15-tuijin.md", "attendees: 各乡镇分管负责人", with: "attendees: " + fiveMegabytes)
        },
        GeneratedCase(name: "huge-line-unclosed-quote", expect: "error data/hazards.yml:4:16 YAML 格式错误") { content, _ in
            try replace(content, "data/hazards.yml", "储罐区可燃气体报警器失效", with: "\"" + fiveMegabytes)
        },
        GeneratedCase(name: "huge-line-without-newline", expect: "error data/hazards.yml:1:3 隐患应当是“字段: 值”形式的映射") { content, _ in
            try write(content, "data/hazards.yml", "- " + fiveMegabytes)
        },
    ]

    // MARK: Binary

    static func junk(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    static let binary: [GeneratedCase] = [
        GeneratedCase(name: "binary-junk-notice", expect: "error notices/photo.md:1:1 不是有效的 UTF-8 文本") { content, _ in
            try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + junk(64 * 1024, seed: 1)).write(to: content.appendingPathComponent("notices/photo.md"))
        },
        GeneratedCase(name: "binary-junk-ledger", expect: "error data/hazards.yml:1:1 不是有效的 UTF-8 文本") { content, _ in
            try Data([0x7F, 0x45, 0x4C, 0x46] + junk(64 * 1024, seed: 2)).write(to: content.appendingPathComponent("data/hazards.yml"))
        },
        GeneratedCase(name: "binary-junk-page-after-fence", expect: "error pages/about.md:1:1 不是有效的 UTF-8 文本") { content, _ in
            try Data(Array("---\ntitle: 机构职能\n---\n".utf8) + junk(4096, seed: 3)).write(to: content.appendingPathComponent("pages/about.md"))
        },
        GeneratedCase(name: "binary-static-file", expect: "ok", change: { content, _ in
            try Data(junk(64 * 1024, seed: 4)).write(to: content.appendingPathComponent("static/files/junk.bin"))
        }, verify: { output in
            let copied = try? Data(contentsOf: output.appendingPathComponent("files/junk.bin"))
            return copied == Data(junk(64 * 1024, seed: 4)) ? [] : ["static/files/junk.bin was not copied byte for byte"]
        }),
    ]

    // MARK: Symbolic links (made at run time: git and some checkouts do not keep them)

    static let symlinks: [GeneratedCase] = [
        GeneratedCase(name: "symlink-static-outside", expect: """
            ok
            warning static/leak.txt:1:1 符号链接指向内容目录之外
            warning static/etc:1:1 符号链接指向内容目录之外
            warning static/loop:1:1 已跳过
            """, change: { content, root in
            try "外部文件，不应发布\n".write(to: root.appendingPathComponent("outside.txt"), atomically: false, encoding: .utf8)
            try link(content, "static/leak.txt", to: "../../outside.txt")
            try link(content, "static/etc", to: "/etc")
            try link(content, "static/loop", to: "..")
        }, verify: { output in
            ["leak.txt", "etc", "loop"].filter { FileManager.default.fileExists(atPath: output.appendingPathComponent($0).path) }
                .map { "static/\($0) points outside content/ but was published" }
        }),
        GeneratedCase(name: "symlink-attachment-outside", expect: "error notices/2021-06-15-tuijin.md:8:11 附件指向内容目录之外") { content, root in
            try "%PDF-1.1\n".write(to: root.appendingPathComponent("outside.pdf"), atomically: false, encoding: .utf8)
            try link(content, "static/files/leak.pdf", to: "../../../outside.pdf")
            try replace(content, "notices/2021-06-15-tuijin.md", "file: files/fangan.pdf", with: "file: files/leak.pdf")
        },
        GeneratedCase(name: "symlink-static-inside", expect: "ok", change: { content, _ in
            try link(content, "static/files/same.pdf", to: "fangan.pdf")
        }, verify: { output in
            FileManager.default.fileExists(atPath: output.appendingPathComponent("files/same.pdf").path) ? [] : ["static/files/same.pdf (a link inside content/) was not published"]
        }),
        GeneratedCase(name: "symlink-ledger-inside", expect: """
            ok
            """, change: { content, _ in
            try FileManager.default.createDirectory(at: content.appendingPathComponent(".ledgers"), withIntermediateDirectories: true)
            try FileManager.default.moveItem(at: content.appendingPathComponent("data/accidents.yml"), to: content.appendingPathComponent(".ledgers/accidents.yml"))
            try link(content, "data/accidents.yml", to: "../.ledgers/accidents.yml")
        }, verify: { output in
            let data = (try? Data(contentsOf: output.appendingPathComponent("circulars/2021-06/index.json"))) ?? Data()
            let circular = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            let count = (circular?["accidents"] as? [String: Any])?["count"] as? Int
            return count == 1 ? [] : ["the linked accidents ledger was not read: the circular counts \(count.map(String.init) ?? "no") accidents"]
        }),
        GeneratedCase(name: "symlink-ledger-outside", expect: """
            error data/accidents.yml:1:1 符号链接
            """) { content, root in
            try FileManager.default.moveItem(at: content.appendingPathComponent("data/accidents.yml"), to: root.appendingPathComponent("accidents.yml"))
            try link(content, "data/accidents.yml", to: "../../accidents.yml")
        },
        GeneratedCase(name: "symlink-ledger-in-kind-folder", expect: """
            ok
            warning data/regions/x.yml:1:1 符号链接
            """) { content, root in
            try "- id: xiangyang\n  name: 向阳乡\n  kind: 乡\n".write(to: root.appendingPathComponent("regions.yml"), atomically: false, encoding: .utf8)
            try FileManager.default.createDirectory(at: content.appendingPathComponent("data/regions"), withIntermediateDirectories: true)
            try link(content, "data/regions/x.yml", to: "../../../regions.yml")
        },
        GeneratedCase(name: "symlink-notice-outside", expect: """
            ok
            warning notices/2021-06-01-outside.md:1:1 符号链接指向内容目录之外
            """, change: { content, root in
            try "---\ntitle: 外部通知\ndate: 2021-06-01\n---\n外部正文\n".write(to: root.appendingPathComponent("outside.md"), atomically: false, encoding: .utf8)
            try link(content, "notices/2021-06-01-outside.md", to: "../../outside.md")
        }, verify: { output in
            FileManager.default.fileExists(atPath: output.appendingPathComponent("notices/outside").path) ? ["a notice outside content/ was published"] : []
        }),
    ]

    // MARK: Helpers

    static func write(_ content: URL, _ path: String, _ text: String) throws {
        let url = content.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    static func append(_ content: URL, _ path: String, _ text: String, replacing old: String? = nil) throws {
        var current = try String(contentsOf: content.appendingPathComponent(path), encoding: .utf8)
        if let old {
            guard current.contains(old) else { throw CorpusError("\(path) has no “\(old)”") }
            current = current.replacingOccurrences(of: old, with: "")
        }
        try write(content, path, current + text)
    }

    static func replace(_ content: URL, _ path: String, _ old: String, with new: String) throws {
        let current = try String(contentsOf: content.appendingPathComponent(path), encoding: .utf8)
        guard current.contains(old) else { throw CorpusError("\(path) has no “\(old)”") }
        try write(content, path, current.replacingOccurrences(of: old, with: new))
    }

    static func link(_ content: URL, _ path: String, to destination: String) throws {
        let url = content.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: destination)
    }
}
