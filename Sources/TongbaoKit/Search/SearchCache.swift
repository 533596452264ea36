import Foundation

/// The search index the previous build made (`search.bin` in the cache folder
/// beside the output): the layout, every document's entry and terms, and the
/// SHA-256 of each index file as published. A rebuild reuses the terms of the
/// documents whose digest is unchanged, reads only the term lists of the ones
/// that changed, and leaves the files nothing touched as they are.
///
/// The encoding (`ByteWriter`): a header naming the format and the tool (a
/// file from another build of tongbao is not used), the layout, the entries
/// in path order, then the files' digests. A term list is its length and the
/// 32-bit hashes, little-endian, as they are in memory.
final class SearchCache: Sendable {
    static let format = "tongbao-search 1"

    struct Entry: Sendable {
        let key: String
        let digest: String
        let title: String
        let date: String
        let kind: String
        let id: Int
        /// Where its title's terms and its body's other terms lie in the file's bytes.
        let titleTerms: Range<Int>
        let bodyTerms: Range<Int>
    }

    let bytes: [UInt8]
    let layout: SearchIndex.Layout
    let entries: [Entry]
    private let positions: [String: Int]
    let shardDigests: [String]
    let chunkDigests: [String]

    /// Nil when the bytes are not a whole cache of this format made by `tool`.
    init?(bytes: [UInt8], tool: String) {
        var reader = ByteReader(bytes)
        guard reader.string() == SearchCache.format, reader.string() == tool,
              let ids = reader.count(), let shards = reader.count(), let chunks = reader.count(), let count = reader.count()
        else { return nil }
        layout = SearchIndex.Layout(ids: ids, shards: shards, chunks: chunks)
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var positions: [String: Int] = [:]
        positions.reserveCapacity(count)
        func termList(_ reader: inout ByteReader) -> Range<Int>? {
            guard let terms = reader.count(), terms <= (bytes.count - reader.position) / 4 else { return nil }
            let start = reader.position
            reader.skip(4 * terms)
            return start..<(start + 4 * terms)
        }
        for _ in 0..<count {
            guard let key = reader.string(), let digest = reader.string(), let title = reader.string(), let date = reader.string(),
                  let kind = reader.string(), let id = reader.count(), id < ids,
                  let titleTerms = termList(&reader), let bodyTerms = termList(&reader) else { return nil }
            positions[key] = entries.count
            entries.append(Entry(key: key, digest: digest, title: title, date: date, kind: kind, id: id,
                                 titleTerms: titleTerms, bodyTerms: bodyTerms))
        }
        var shardDigests: [String] = [], chunkDigests: [String] = []
        for _ in 0..<shards {
            guard let digest = reader.string() else { return nil }
            shardDigests.append(digest)
        }
        for _ in 0..<chunks {
            guard let digest = reader.string() else { return nil }
            chunkDigests.append(digest)
        }
        guard reader.atEnd else { return nil }
        self.bytes = bytes
        self.entries = entries
        self.positions = positions
        self.shardDigests = shardDigests
        self.chunkDigests = chunkDigests
    }

    func entry(_ key: String) -> Entry? { positions[key].map { entries[$0] } }

    /// Whether the document at `key` is in the index with this digest (its body is not needed).
    func has(_ key: String, digest: String) -> Bool { entry(key)?.digest == digest }

    func terms(_ range: Range<Int>) -> [UInt32] {
        var terms: [UInt32] = []
        terms.reserveCapacity(range.count / 4)
        forEachTerm(range) { terms.append($0) }
        return terms
    }

    @inline(__always) func forEachTerm(_ range: Range<Int>, _ body: (UInt32) -> Void) {
        bytes.withUnsafeBytes { buffer in
            var offset = range.lowerBound
            while offset < range.upperBound {
                body(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                offset += 4
            }
        }
    }

    /// Writes a cache: the header and layout, then `add` each entry in path order, then `finish`.
    struct Writer {
        private var writer: ByteWriter
        private var raw: [UInt8] = []

        init(layout: SearchIndex.Layout, count: Int) {
            writer = ByteWriter(capacity: 64 * count + 4096)
            writer.string(SearchCache.format)
            writer.string(CacheStore.toolIdentity())
            writer.int(layout.ids)
            writer.int(layout.shards)
            writer.int(layout.chunks)
            writer.int(count)
        }

        private mutating func header(key: String, digest: String, title: String, date: String, kind: String, id: Int) {
            for text in [key, digest, title, date, kind] { writer.string(text) }
            writer.int(id)
        }

        mutating func add(key: String, digest: String, title: String, date: String, kind: String, id: Int,
                          terms: SearchIndex.Terms) {
            header(key: key, digest: digest, title: title, date: date, kind: kind, id: id)
            for list in [terms.title, terms.body] {
                writer.int(list.count)
                raw.removeAll(keepingCapacity: true)
                for term in list { withUnsafeBytes(of: term.littleEndian) { raw.append(contentsOf: $0) } }
                writer.raw(raw[...])
            }
        }

        mutating func add(key: String, digest: String, title: String, date: String, kind: String, id: Int,
                          copying entry: Entry, from cache: SearchCache) {
            header(key: key, digest: digest, title: title, date: date, kind: kind, id: id)
            for range in [entry.titleTerms, entry.bodyTerms] {
                writer.int(range.count / 4)
                writer.raw(cache.bytes[range])
            }
        }

        consuming func finish(shardDigests: [String], chunkDigests: [String]) -> [UInt8] {
            for digest in shardDigests + chunkDigests { writer.string(digest) }
            return writer.bytes
        }
    }
}
