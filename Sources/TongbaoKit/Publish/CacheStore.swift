import Foundation

/// The render cache on disk: `.<output>.cache/pages.tsv` beside the output
/// folder (`.site.cache/` for `site/`), one line per page made through a
/// template. Written after a successful publish; read at the start of the next
/// build, when every entry is checked against the output folder: a file that
/// is gone or no longer has the inode, size and modification time recorded
/// (someone edited the deployed site) is rendered again. The tool's own
/// executable is part of the key, so a new tongbao renders everything afresh.
public enum CacheStore {
    static let format = "tongbao-render-cache 2"
    static let fileName = "pages.tsv"

    /// A page as the build finished it, before it is saved with its file's identity.
    struct Record {
        let path: String
        let digest: String
        let size: Int
        let sha256: String
        let candidates: Bool
        let twin: (size: Int, sha256: String)?
        /// The identities of its file and twin when they are the previous build's
        /// (linked, so inode and modification time are unchanged); nil to look.
        var identity: RenderCache.FileStamp?
        var twinIdentity: RenderCache.FileStamp?
    }

    public static func folder(for output: URL) -> URL {
        let output = output.standardizedFileURL
        return output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).cache")
    }

    /// The cache for `output`, empty when there is none or it belongs to another build of the tool.
    /// Stops checking files, with an incomplete cache, once `cancelled` says so (the build ended early).
    static func load(output: URL, cancelled: @Sendable () -> Bool = { false }) -> RenderCache {
        let output = output.standardizedFileURL
        // Read as bytes: 20,000 lines split as Swift strings cost more than checking all their files.
        guard let bytes = ContentFiles.byteArray(folder(for: output).appendingPathComponent(fileName).path) else {
            return RenderCache()
        }
        var lines: [Range<Int>] = []
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            if end > start { lines.append(start..<end) }
            start = end + 1
        }
        // The header names the format and the tool, and carries a checksum of the lines after it:
        // a file damaged without changing its layout is not trusted.
        let expected = Array("\(format)\t\(toolIdentity())\t".utf8)
        guard let header = lines.first, header.count == expected.count + 64, bytes[header].starts(with: expected),
              bytes[(header.lowerBound + expected.count)..<header.upperBound].elementsEqual(
                  SHA256.hex(bytes[min(bytes.count, header.upperBound + 1)...]).utf8) else { return RenderCache() }
        // Each entry is checked against its file (two system calls): on all cores.
        let root = output.path, entries = lines.dropFirst()
        // Files are looked up from the output folder, not from `/` (half the path components).
        let folder = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { return RenderCache() }
        defer { close(folder) }
        var cache = RenderCache()
        cache.pages.reserveCapacity(entries.count)
        for case let (path, page)? in Parallel.map(entries.count, {
            cancelled() ? nil : entry(bytes, entries[entries.startIndex + $0], root: root, folder: folder)
        }) {
            cache.pages[path] = page
        }
        return cache
    }

    /// One line of the cache, when its file (and twin) are still as recorded.
    private static func entry(_ bytes: [UInt8], _ line: Range<Int>, root: String, folder: Int32) -> (String, RenderCache.Page)? {
        var fields: [Range<Int>] = []
        fields.reserveCapacity(11)
        var start = line.lowerBound
        while true {
            let end = bytes[start..<line.upperBound].firstIndex(of: UInt8(ascii: "\t")) ?? line.upperBound
            fields.append(start..<end)
            if end == line.upperBound { break }
            start = end + 1
        }
        func text(_ index: Int) -> String { String(decoding: bytes[fields[index]], as: UTF8.self) }
        func number(_ index: Int) -> Int? {
            let digits = bytes[fields[index]]
            guard !digits.isEmpty, digits.count <= 19 else { return nil }
            var value = 0
            for digit in digits {
                guard digit >= 0x30, digit <= 0x39 else { return nil }
                let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(Int(digit - 0x30))
                guard !overflow, !overflow2 else { return nil }
                value = sum
            }
            return value
        }
        guard fields.count == 7 || fields.count == 11, let size = number(2) else { return nil }
        // A page holding numbers the privacy guard looks for is rendered and scanned every time.
        guard bytes[fields[4]].elementsEqual([UInt8(ascii: "0")]) else { return nil }
        let path = text(0)
        let location = "\(root)/\(path)"
        guard !path.hasPrefix("/"), !hasParentComponent(bytes[fields[0]]), let inode = number(5), let modified = number(6),
              unchanged(path, in: folder, inode: inode, modified: modified, size: size) else { return nil }
        let file = RenderCache.File(location: location, size: size, sha256: text(3),
                                    stamp: RenderCache.FileStamp(inode: UInt64(inode), modified: modified))
        var twin: RenderCache.File?
        if fields.count == 11 {
            let twinLocation = location + ".gz"
            guard let twinSize = number(7), let twinInode = number(9), let twinModified = number(10),
                  unchanged(path + ".gz", in: folder, inode: twinInode, modified: twinModified, size: twinSize) else { return nil }
            twin = RenderCache.File(location: twinLocation, size: twinSize, sha256: text(8),
                                   stamp: RenderCache.FileStamp(inode: UInt64(twinInode), modified: twinModified))
        }
        return (path, RenderCache.Page(digest: text(1), file: file, twin: twin))
    }

    /// Whether a `/`-separated path has a `..` component (it would leave the output folder).
    static func hasParentComponent(_ path: ArraySlice<UInt8>) -> Bool {
        var start = path.startIndex
        while start <= path.endIndex {
            let end = path[start...].firstIndex(of: UInt8(ascii: "/")) ?? path.endIndex
            if end - start == 2, path[start] == UInt8(ascii: "."), path[start + 1] == UInt8(ascii: ".") { return true }
            start = end + 1
        }
        return false
    }

    /// Whether a regular file still has the recorded inode, modification time
    /// (nanoseconds) and size. Compares numbers: it runs for every file of the site.
    private static func unchanged(_ path: String, in folder: Int32, inode: Int, modified: Int, size: Int) -> Bool {
        var status = stat()
        return fstatat(folder, path, &status, AT_SYMLINK_NOFOLLOW) == 0 && status.st_mode & S_IFMT == S_IFREG && Int(status.st_size) == size
            && UInt64(inode) == UInt64(status.st_ino)
            && modified == status.st_mtim.nanoseconds
    }

    /// Writes the cache for the pages just published into `output`; a failure only costs the next build time.
    static func save(_ records: [[Record]], output: URL) {
        let output = output.standardizedFileURL
        let root = output.path
        // Each line needs its file's identity (two system calls when it was written): on all cores, in order, as bytes.
        let chunks = Parallel.map(records.count) { part -> [UInt8] in
            let records = records[part]
            var text: [UInt8] = []
            text.reserveCapacity(records.count * 300)
            func field(_ value: String) {
                text.append(UInt8(ascii: "\t"))
                text += value.utf8
            }
            func field(_ value: Int) {
                text.append(UInt8(ascii: "\t"))
                ViewDigest.decimal(value, into: &text)
            }
            func field(_ stamp: RenderCache.FileStamp) {
                field(Int(bitPattern: UInt(stamp.inode)))
                field(stamp.modified)
            }
            for record in records where !record.path.utf8.contains(where: { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") }) {
                // A page linked from the previous site has the identity it had; if the link was
                // not made after all, the next build finds the file changed and renders it again.
                guard let found = record.identity ?? stamp(of: "\(root)/\(record.path)") else { continue }
                var twinFound: RenderCache.FileStamp?
                if record.twin != nil {
                    guard let twinIdentity = record.twinIdentity ?? stamp(of: "\(root)/\(record.path).gz") else { continue }
                    twinFound = twinIdentity
                }
                text += record.path.utf8
                field(record.digest)
                field(record.size)
                field(record.sha256)
                field(record.candidates ? 1 : 0)
                field(found)
                if let twin = record.twin, let twinFound {
                    field(twin.size)
                    field(twin.sha256)
                    field(twinFound)
                }
                text.append(UInt8(ascii: "\n"))
            }
            return text
        }
        // The header's checksum covers the lines after it, hashed part by part.
        var hash = SHA256()
        for chunk in chunks { hash.update(chunk) }
        write([Array("\(format)\t\(toolIdentity())\t\(hash.finalizeHex())\n".utf8)] + chunks, named: fileName, output: output)
    }

    static let documentsFileName = "documents.bin"
    static let stagingFileName = "staging.bin"

    /// What earlier builds recorded of the two trees of `output` (`StagingRecord`); none when unreadable.
    /// The record of the tree now in the staging folder is decoded here (beside the loading).
    static func loadStagingRecords(output: URL) -> StagingRecords {
        guard let bytes = ContentFiles.byteArray(folder(for: output).appendingPathComponent(stagingFileName).path) else { return StagingRecords() }
        var records = StagingRecords.decode(bytes)
        var status = stat()
        if lstat(Publisher.stagingFolder(for: output).path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            records.decoded = records.record(device: UInt64(status.st_dev), root: UInt64(status.st_ino))
        }
        return records
    }

    static func saveStagingRecords(_ records: StagingRecords, output: URL) {
        write([records.encoded()], named: stagingFileName, output: output)
    }

    /// The document cache file the previous build of `output` saved (empty when there is none);
    /// the loader uses its entries when they were made in the same context.
    static func loadDocuments(output: URL) -> DocumentCache.File {
        let path = folder(for: output).appendingPathComponent(documentsFileName).path
        return DocumentCache.File(bytes: ContentFiles.byteArray(path) ?? [], tool: toolIdentity())
    }

    /// Writes this build's document cache for the next build of `output`.
    static func save(_ documents: DocumentCache, output: URL) {
        saveDocuments(documents.encodedParts(), output: output)
    }

    /// Saves a document cache encoded beforehand (`DocumentCache.encodedParts`).
    static func saveDocuments(_ parts: [[UInt8]], output: URL) {
        write(parts, named: documentsFileName, output: output)
    }

    static let searchFileName = "search.bin"

    /// The search index the previous build of `output` made; nil when there is none or it cannot be used.
    static func loadSearch(output: URL) -> SearchCache? {
        SearchCache(path: folder(for: output).appendingPathComponent(searchFileName).path, tool: toolIdentity())
    }

    static func saveSearch(_ parts: [[UInt8]], output: URL) {
        write(parts, named: searchFileName, output: output)
    }

    /// Replaces one file of the cache folder whole (a new file renamed over the old); a failure only costs the next build time.
    /// The file is the `parts` one after the other, written with plain POSIX calls: no copy joins them, and
    /// nothing is synced to disk (a cache lost in a crash is only a slower build).
    private static func write(_ parts: [[UInt8]], named name: String, output: URL) {
        let folder = folder(for: output)
        let file = folder.appendingPathComponent(name).path
        let temporary = folder.appendingPathComponent(".\(name).\(getpid())").path
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        var complete = true
        for part in parts where complete {
            complete = part.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(descriptor, buffer.baseAddress?.advanced(by: offset), buffer.count - offset)
                    if written < 0, errno == EINTR { continue }
                    guard written > 0 else { return false }
                    offset += written
                }
                return true
            }
        }
        if close(descriptor) != 0 { complete = false }
        if !complete || rename(temporary, file) != 0 { unlink(temporary) }
    }

    /// Inode and modification time (ns) of a regular file; nil otherwise, or when its time does not fit.
    static func stamp(of path: String) -> RenderCache.FileStamp? {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        return RenderCache.FileStamp(status)
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
