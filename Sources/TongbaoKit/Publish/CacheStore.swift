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
        var cache = RenderCache()
        for line in lines {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 7 || fields.count == 11, let size = Int(fields[2]) else { continue }
            let location = "\(output.path)/\(fields[0])"
            guard identity(of: location) == "\(fields[5])\t\(fields[6])", size == fileSize(location) else { continue }
            let file = RenderCache.File(location: location, size: size, sha256: fields[3], candidates: fields[4] == "1")
            var twin: RenderCache.File?
            if fields.count == 11 {
                let twinLocation = location + ".gz"
                guard let twinSize = Int(fields[7]), identity(of: twinLocation) == "\(fields[9])\t\(fields[10])",
                      twinSize == fileSize(twinLocation) else { continue }
                twin = RenderCache.File(location: twinLocation, size: twinSize, sha256: fields[8], candidates: false)
            }
            cache.pages[fields[0]] = RenderCache.Page(digest: fields[1], file: file, twin: twin)
        }
        return cache
    }

    /// Writes the cache for the pages just published into `output`; a failure only costs the next build time.
    static func save(_ records: [Record], output: URL) {
        let output = output.standardizedFileURL
        var text = "\(format)\t\(toolIdentity())\n"
        for record in records where !record.path.contains("\t") && !record.path.contains("\n") {
            let location = "\(output.path)/\(record.path)"
            guard let identity = identity(of: location) else { continue }
            text += "\(record.path)\t\(record.digest)\t\(record.size)\t\(record.sha256)\t\(record.candidates ? 1 : 0)\t\(identity)"
            if let twin = record.twin {
                guard let twinIdentity = CacheStore.identity(of: location + ".gz") else { continue }
                text += "\t\(twin.size)\t\(twin.sha256)\t\(twinIdentity)"
            }
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

    /// Inode and modification time (ns) of a regular file, tab-separated; nil otherwise.
    static func identity(of path: String) -> String? {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return "\(status.st_ino)\t\(Int(status.st_mtim.tv_sec) * 1_000_000_000 + Int(status.st_mtim.tv_nsec))"
    }

    private static func fileSize(_ path: String) -> Int? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return Int(status.st_size)
    }

    /// The running executable: device, inode, size and modification time; a rebuilt tongbao differs.
    static func toolIdentity() -> String {
        var status = stat()
        guard stat("/proc/self/exe", &status) == 0 else { return "unknown-\(UUID().uuidString)" }
        return "\(status.st_dev)-\(status.st_ino)-\(status.st_size)-\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
    }
}
