import Foundation

/// The render cache on disk: `.<output>.cache/pages.tsv` beside the output
/// folder (`.site.cache/` for `site/`), one line per page made through a
/// template. Written after a successful publish; read at the start of the next
/// build, when every entry is checked against the output folder: a file that
/// is gone or no longer has the inode, size and modification time recorded
/// (someone edited the deployed site) is rendered again. The tool's own
/// executable is part of the key, so a new tongbao renders everything afresh.
public enum CacheStore {
    static let format = "tongbao-render-cache 1"
    static let fileName = "pages.tsv"

    /// A page as the build finished it, before it is saved with its file's identity.
    struct Record {
        let path: String
        let digest: String
        let size: Int
        let sha256: String
        let candidates: Bool
        let twin: (size: Int, sha256: String)?
    }

    public static func folder(for output: URL) -> URL {
        let output = output.standardizedFileURL
        return output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).cache")
    }

    /// The cache for `output`, empty when there is none or it belongs to another build of the tool.
    static func load(output: URL) -> RenderCache {
        let output = output.standardizedFileURL
        guard let data = FileManager.default.contents(atPath: folder(for: output).appendingPathComponent(fileName).path) else {
            return RenderCache()
        }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)[...]
        guard let header = lines.popFirst(), header == "\(format)\t\(toolIdentity())" else { return RenderCache() }
        // Each entry is checked against its file (two system calls): on all cores.
        let entries = Array(lines), root = output.path
        var cache = RenderCache()
        cache.pages.reserveCapacity(entries.count)
        for case let (path, page)? in Parallel.map(entries.count, { entry(entries[$0], root: root) }) { cache.pages[path] = page }
        return cache
    }

    /// One line of the cache, when its file (and twin) are still as recorded.
    private static func entry(_ line: Substring, root: String) -> (String, RenderCache.Page)? {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 7 || fields.count == 11, let size = Int(fields[2]) else { return nil }
        let path = String(fields[0])
        let location = "\(root)/\(path)"
        // A page holding numbers the privacy guard looks for is rendered and scanned every time.
        guard fields[4] == "0" else { return nil }
        guard let found = identity(of: location), found.identity == "\(fields[5])\t\(fields[6])", found.size == size else { return nil }
        let file = RenderCache.File(location: location, size: size, sha256: String(fields[3]),
                                    identity: found.identity)
        var twin: RenderCache.File?
        if fields.count == 11 {
            let twinLocation = location + ".gz"
            guard let twinSize = Int(fields[7]), let twinFound = identity(of: twinLocation),
                  twinFound.identity == "\(fields[9])\t\(fields[10])", twinFound.size == twinSize else { return nil }
            twin = RenderCache.File(location: twinLocation, size: twinSize, sha256: String(fields[8]),
                                    identity: twinFound.identity)
        }
        return (path, RenderCache.Page(digest: String(fields[1]), file: file, twin: twin))
    }

    /// Writes the cache for the pages just published into `output`; a failure only costs the next build time.
    static func save(_ records: [Record], output: URL) {
        let output = output.standardizedFileURL
        var text = "\(format)\t\(toolIdentity())\n"
        for record in records where !record.path.contains("\t") && !record.path.contains("\n") {
            let location = "\(output.path)/\(record.path)"
            guard let found = identity(of: location) else { continue }
            var line = "\(record.path)\t\(record.digest)\t\(record.size)\t\(record.sha256)\t\(record.candidates ? 1 : 0)\t\(found.identity)"
            if let twin = record.twin {
                guard let twinFound = identity(of: location + ".gz") else { continue }
                line += "\t\(twin.size)\t\(twin.sha256)\t\(twinFound.identity)"
            }
            text += line
            text += "\n"
        }
        let folder = folder(for: output)
        let file = folder.appendingPathComponent(fileName)
        let temporary = folder.appendingPathComponent(".\(fileName).\(getpid())")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: temporary)
            if rename(temporary.path, file.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
        }
    }

    /// Inode and modification time (ns) of a regular file, tab-separated, and its size; nil otherwise.
    static func identity(of path: String) -> (identity: String, size: Int)? {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return (identity(status), Int(status.st_size))
    }

    /// The identity recorded for a file with this status: inode and modification time (ns), tab-separated.
    static func identity(_ status: stat) -> String {
        "\(status.st_ino)\t\(Int(status.st_mtim.tv_sec) * 1_000_000_000 + Int(status.st_mtim.tv_nsec))"
    }

    /// The running executable: device, inode, size and modification time; a rebuilt tongbao differs.
    static func toolIdentity() -> String {
        var status = stat()
        guard stat("/proc/self/exe", &status) == 0 else { return "unknown-\(UUID().uuidString)" }
        return "\(status.st_dev)-\(status.st_ino)-\(status.st_size)-\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
    }
}
