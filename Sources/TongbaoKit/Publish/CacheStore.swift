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
        // A page holding numbers the privacy guard looks for is rendered and scanned every time.
        guard fields[4] == "0" else { return nil }
        let path = String(fields[0])
        let location = "\(root)/\(path)"
        guard let identity = unchanged(location, inode: fields[5], modified: fields[6], size: size) else { return nil }
        let file = RenderCache.File(location: location, size: size, sha256: String(fields[3]), identity: identity)
        var twin: RenderCache.File?
        if fields.count == 11 {
            let twinLocation = location + ".gz"
            guard let twinSize = Int(fields[7]),
                  let twinIdentity = unchanged(twinLocation, inode: fields[9], modified: fields[10], size: twinSize) else { return nil }
            twin = RenderCache.File(location: twinLocation, size: twinSize, sha256: String(fields[8]), identity: twinIdentity)
        }
        return (path, RenderCache.Page(digest: String(fields[1]), file: file, twin: twin))
    }

    /// The identity (as `identity(of:)` gives it) of a regular file that still has
    /// the recorded inode, modification time and size; nil otherwise. Compares
    /// numbers, without formatting any: it runs for every file of the site.
    private static func unchanged(_ location: String, inode: Substring, modified: Substring, size: Int) -> String? {
        var status = stat()
        guard lstat(location, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) == size,
              let recordedInode = UInt64(inode), recordedInode == UInt64(status.st_ino),
              let recordedTime = Int(modified),
              recordedTime == Int(status.st_mtim.tv_sec) * 1_000_000_000 + Int(status.st_mtim.tv_nsec) else { return nil }
        return "\(inode)\t\(modified)"
    }

    /// Writes the cache for the pages just published into `output`; a failure only costs the next build time.
    static func save(_ records: [Record], output: URL) {
        let output = output.standardizedFileURL
        let root = output.path
        // Each line needs its file's identity (two system calls): on all cores, in order.
        let lines = Parallel.mapChunks(records.count, size: 256) { range in
            var text = ""
            for record in records[range] where !record.path.contains("\t") && !record.path.contains("\n") {
                let location = "\(root)/\(record.path)"
                guard let found = identity(of: location) else { continue }
                var line = "\(record.path)\t\(record.digest)\t\(record.size)\t\(record.sha256)\t\(record.candidates ? 1 : 0)\t\(found.identity)"
                if let twin = record.twin {
                    guard let twinFound = identity(of: location + ".gz") else { continue }
                    line += "\t\(twin.size)\t\(twin.sha256)\t\(twinFound.identity)"
                }
                text += line
                text += "\n"
            }
            return [text]
        }
        write(Data(("\(format)\t\(toolIdentity())\n" + lines.joined()).utf8), named: fileName, output: output)
    }

    static let documentsFileName = "documents.bin"

    /// The document cache for a build in `context`: the entries saved by the
    /// previous build of `output` when it ran in the same context, else none.
    static func loadDocuments(output: URL, context: String) -> DocumentCache {
        let path = folder(for: output).appendingPathComponent(documentsFileName).path
        guard let data = try? ContentFiles.contents(path) else { return DocumentCache(context: context) }
        return DocumentCache(context: context, previous: DocumentCache.decode(Array(data), context: context))
    }

    /// Writes this build's document cache for the next build of `output`.
    static func save(_ documents: DocumentCache, output: URL) {
        write(Data(documents.encoded()), named: documentsFileName, output: output)
    }

    /// Replaces one file of the cache folder whole (a new file renamed over the old); a failure only costs the next build time.
    private static func write(_ data: Data, named name: String, output: URL) {
        let folder = folder(for: output)
        let file = folder.appendingPathComponent(name)
        let temporary = folder.appendingPathComponent(".\(name).\(getpid())")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try data.write(to: temporary)
            if rename(temporary.path, file.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
        }
    }

    /// Inode and modification time (ns) of a regular file, tab-separated, and its size; nil otherwise.
    static func identity(of path: String) -> (identity: String, size: Int)? {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return ("\(status.st_ino)\t\(Int(status.st_mtim.tv_sec) * 1_000_000_000 + Int(status.st_mtim.tv_nsec))", Int(status.st_size))
    }

    /// The running executable and every library it has loaded (cmark-gfm, libyaml,
    /// the Swift runtime …): device, inode, size and modification time of each,
    /// hashed; a rebuilt tongbao or an upgraded library differs.
    static func toolIdentity() -> String { identityOfTool }

    private static let identityOfTool: String = {
        var status = stat()
        guard stat("/proc/self/exe", &status) == 0 else { return "unknown-\(UUID().uuidString)" }
        func describe(_ status: stat) -> String {
            "\(status.st_dev)-\(status.st_ino)-\(status.st_size)-\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec)"
        }
        var text = describe(status)
        let maps = (try? ContentFiles.contents("/proc/self/maps")).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var libraries = Set<String>()
        for line in maps.split(separator: "\n") {
            if let slash = line.firstIndex(of: "/") { libraries.insert(String(line[slash...])) }
        }
        for library in libraries.sorted() {
            var status = stat()
            text += "\n\(library) " + (stat(library, &status) == 0 ? describe(status) : "?")
        }
        return "tool-" + SHA256.hex(Array(text.utf8))
    }()
}
