import CDeflate
import Foundation

/// What the build derives from every planned file before anything is written,
/// in one pass on all cores: the personal data found in it (privacy guard),
/// its `.gz` twin, and the SHA-256 of both for the manifest. One pass instead
/// of three keeps each page in cache while it is scanned, compressed and hashed.
struct FinishedFiles {
    /// Personal data found, in file order.
    var hits: [PrivacyGuard.Hit] = []
    /// `.gz` twins, in file order (when writing), in parts: one per group of files
    /// finished together. The parts are never joined: copying twenty thousand
    /// entries, and freeing the parts, took longer than the rest of a rebuild's finishing.
    var twins: [[OutputFile]] = []
    /// SHA-256 and size of every file and twin the manifest lists (when writing), in parts.
    var entries: [[Manifest.Entry]] = []
    /// The pages made through a template, for the render cache (when writing), in parts.
    var pages: [[CacheStore.Record]] = []
}

enum FileFinishing {
    /// One file's part (no array per file: a site has twenty thousand of them).
    private struct Result: Sendable {
        var hits: [PrivacyGuard.Hit] = []
        var twin: OutputFile?
        var entry: Manifest.Entry?
        var twinEntry: Manifest.Entry?
        var page: CacheStore.Record?
    }

    /// - Parameter publishing: also compress and hash (a build); a check only scans.
    /// - Parameter cache: the previous build's files: a file made again with the same
    ///   bytes (the sitemap, the feed, a static file) is not scanned or compressed again.
    static func finish(_ files: [OutputFile], guardian: PrivacyGuard, publishing: Bool,
                       cache: RenderCache = RenderCache()) -> FinishedFiles {
        // Each chunk gathers its own lists, kept as parts in order.
        let chunks = Parallel.mapChunks(files.count, size: 128) { range -> [Part] in
            // A compressor holds its tables: one per chunk of files, never shared between threads.
            let compressor = publishing ? libdeflate_alloc_compressor(Gzip.level) : nil
            defer { if let compressor { libdeflate_free_compressor(compressor) } }
            var part = Part()
            part.twins.reserveCapacity(range.count)
            part.entries.reserveCapacity(2 * range.count)
            part.pages.reserveCapacity(range.count)
            for file in files[range] {
                let result = finish(file, guardian: guardian, compressor: compressor, publishing: publishing, cache: cache)
                if !result.hits.isEmpty { part.hits += result.hits }
                if let twin = result.twin { part.twins.append(twin) }
                if let entry = result.entry { part.entries.append(entry) }
                if let entry = result.twinEntry { part.entries.append(entry) }
                if let page = result.page { part.pages.append(page) }
            }
            return [part]
        }
        var finished = FinishedFiles()
        finished.twins.reserveCapacity(chunks.count)
        finished.entries.reserveCapacity(chunks.count)
        finished.pages.reserveCapacity(chunks.count)
        for part in chunks {
            finished.hits += part.hits
            if !part.twins.isEmpty { finished.twins.append(part.twins) }
            if !part.entries.isEmpty { finished.entries.append(part.entries) }
            if !part.pages.isEmpty { finished.pages.append(part.pages) }
        }
        return finished
    }

    /// One chunk's lists.
    private struct Part: Sendable {
        var hits: [PrivacyGuard.Hit] = []
        var twins: [OutputFile] = []
        var entries: [Manifest.Entry] = []
        var pages: [CacheStore.Record] = []
    }

    /// The render cache's key for a file not made through a template: its bytes' SHA-256.
    static func bytesDigest(_ sha256: String) -> String { "bytes:" + sha256 }

    /// Whether a render-cache key is a `bytesDigest` (a file kept by its bytes, not a page made through a template).
    static func isBytesDigest(_ digest: String) -> Bool { digest.hasPrefix("bytes:") }

    private static func finish(_ file: OutputFile, guardian: PrivacyGuard, compressor: OpaquePointer?, publishing: Bool,
                               cache: RenderCache) -> Result {
        if case .previous(let page) = file.content { return reuse(page, of: file.path, digest: file.digest, publishing: publishing) }
        var result = Result()
        let data: Data
        switch file.content {
        case .bytes(let bytes): data = bytes
        case .copy(let url): data = (try? Data(contentsOf: url)) ?? Data()
        case .previous: data = Data()
        }
        let sha256 = publishing ? SHA256.hex(data) : ""
        // The same bytes as the previous build's file (and twin), which held no number the guard looks for.
        if publishing, file.digest == nil, let previous = cache.page(at: file.path, digest: bytesDigest(sha256)) {
            return reuse(previous, of: file.path, digest: bytesDigest(sha256), publishing: true)
        }
        var candidates = false
        if PrivacyGuard.isScanned(file.path) { result.hits = guardian.scan(Array(data), path: file.path, candidates: &candidates) }
        guard publishing else { return result }
        if Manifest.isListed(file.path) {
            result.entry = Manifest.Entry(path: file.path, sha256: sha256, size: data.count)
        }
        var twin: (size: Int, sha256: String)?
        if case .bytes = file.content, data.count >= Gzip.minimumSize, Gzip.wantsTwin(file.path),
           let compressor, let compressed = Gzip.compress(data, with: compressor) {
            result.twin = OutputFile(path: file.path + ".gz", content: .bytes(compressed))
            twin = (compressed.count, SHA256.hex(compressed))
            result.twinEntry = Manifest.Entry(path: file.path + ".gz", sha256: twin?.sha256 ?? "", size: compressed.count)
        }
        result.page = CacheStore.Record(path: file.path, digest: file.digest ?? bytesDigest(sha256), size: data.count, sha256: sha256,
                                        candidates: candidates, twin: twin)
        return result
    }

    /// A page the render cache vouches for: its file and twin as published last
    /// time. (`CacheStore` never vouches for a page holding numbers the privacy
    /// guard looks for: those are rendered and scanned on every build.)
    private static func reuse(_ page: RenderCache.Page, of path: String, digest: String?, publishing: Bool) -> Result {
        var result = Result()
        guard publishing else { return result }
        if Manifest.isListed(path) {
            result.entry = Manifest.Entry(path: path, sha256: page.file.sha256, size: page.file.size)
        }
        if let twin = page.twin {
            result.twin = OutputFile(path: path + ".gz", content: .previous(RenderCache.Page(digest: page.digest, file: twin, twin: nil)))
            result.twinEntry = Manifest.Entry(path: path + ".gz", sha256: twin.sha256, size: twin.size)
        }
        if let digest {
            result.page = CacheStore.Record(path: path, digest: digest, size: page.file.size, sha256: page.file.sha256,
                                            candidates: false, twin: page.twin.map { ($0.size, $0.sha256) },
                                            identity: page.file.stamp, twinIdentity: page.twin?.stamp)
        }
        return result
    }
}
