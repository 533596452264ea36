import Foundation

/// The search index the previous build made (`search.bin` in the cache folder
/// beside the output): the layout, every document's entry and terms, and the
/// SHA-256 of each index file as published. A rebuild reuses the terms of the
/// documents whose digest is unchanged, reads the term lists of the ones that
/// changed, and leaves the files nothing touched as they are.
///
/// The file is mapped, not read: decoding walks only the entries (a tenth of
/// it) and makes no strings; a term list is read where it lies when needed.
/// Layout (`ByteWriter`'s numbers and strings): the format and the tool (a
/// file from another build of tongbao is not used), the layout and the count;
/// the entries in key order (`SearchIndex.keyOrder`), each its key, digest, title,
/// date and kind, its number, the sizes of its two term lists and where they
/// start in the term section; the files' digests; the term section's length; then the term section, the
/// 32-bit hashes little-endian, as they are in memory.
final class SearchCache: @unchecked Sendable {
    static let format = "tongbao-search 2"

    struct Entry: Sendable {
        /// Where its key's length starts: its key, digest, title, date and kind lie from here to `kind`'s end.
        let start: Int
        /// The hash of its key (`SearchTerms.hash`).
        let hash: UInt32
        let key: Range<Int>
        let digest: Range<Int>
        let title: Range<Int>
        let date: Range<Int>
        let kind: Range<Int>
        let id: Int
        /// Where its title's terms and its body's other terms lie in the file.
        let titleTerms: Range<Int>
        let bodyTerms: Range<Int>
    }

    /// The mapped file (read only; unmapped when the cache goes).
    let base: UnsafeRawPointer
    private let size: Int
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: size) }
    let layout: SearchIndex.Layout
    let entries: [Entry]
    let shardDigests: [String]
    let chunkDigests: [String]

    /// Nil when the file cannot be mapped or is not a whole cache of this format made by `tool`.
    convenience init?(path: String, tool: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size > 0,
              let mapped = mmap(nil, Int(status.st_size), PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED
        else { return nil }
        self.init(mapped: UnsafeRawPointer(mapped), size: Int(status.st_size), tool: tool)
    }

    /// A cache from bytes in memory (tests): copied into a mapping of its own.
    convenience init?(bytes: [UInt8], tool: String) {
        guard !bytes.isEmpty, let mapped = mmap(nil, bytes.count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              mapped != MAP_FAILED else { return nil }
        bytes.withUnsafeBytes { source in
            if let address = source.baseAddress { mapped.copyMemory(from: address, byteCount: bytes.count) }
        }
        self.init(mapped: UnsafeRawPointer(mapped), size: bytes.count, tool: tool)
    }

    /// - Parameter mapped: a mapping of `size` bytes this cache owns (unmapped when it goes, or at once when refused).
    private init?(mapped: UnsafeRawPointer, size: Int, tool: String) {
        self.base = mapped
        self.size = size
        var reader = Reader(UnsafeRawBufferPointer(start: mapped, count: size))
        func unmap() { munmap(UnsafeMutableRawPointer(mutating: mapped), size) }
        guard reader.text() == SearchCache.format, reader.text() == tool,
              let ids = reader.count(), let shards = reader.count(), let chunks = reader.count(), let count = reader.count(),
              count <= size
        else { unmap(); return nil }
        layout = SearchIndex.Layout(ids: ids, shards: shards, chunks: chunks)
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var raw: [(Entry, Int, Int, Int)] = []
        raw.reserveCapacity(count)
        for _ in 0..<count {
            let start = reader.position
            guard let key = reader.range(), let digest = reader.range(), let title = reader.range(), let date = reader.range(),
                  let kind = reader.range(), let id = reader.count(), id < ids,
                  let titleCount = reader.count(), let bodyCount = reader.count(), let termStart = reader.count()
            else { unmap(); return nil }
            let hash = SearchTerms.hash(UnsafeRawBufferPointer(start: mapped + key.lowerBound, count: key.count))
            raw.append((Entry(start: start, hash: hash, key: key, digest: digest, title: title, date: date, kind: kind, id: id,
                              titleTerms: 0..<0, bodyTerms: 0..<0),
                        titleCount, bodyCount, termStart))
        }
        var shardDigests: [String] = [], chunkDigests: [String] = []
        for _ in 0..<shards {
            guard let digest = reader.text() else { unmap(); return nil }
            shardDigests.append(digest)
        }
        for _ in 0..<chunks {
            guard let digest = reader.text() else { unmap(); return nil }
            chunkDigests.append(digest)
        }
        // The term section, as long as the header says: every list inside it.
        guard let termBytes = reader.count(), termBytes == size - reader.position else { unmap(); return nil }
        let terms = reader.position
        for (entry, titleCount, bodyCount, start) in raw {
            let titleStart = terms + start, bodyStart = titleStart + 4 * titleCount
            guard start <= termBytes, titleCount <= termBytes, bodyCount <= termBytes, bodyStart + 4 * bodyCount <= size else {
                unmap()
                return nil
            }
            entries.append(Entry(start: entry.start, hash: entry.hash, key: entry.key, digest: entry.digest, title: entry.title,
                                 date: entry.date, kind: entry.kind, id: entry.id, titleTerms: titleStart..<bodyStart,
                                 bodyTerms: bodyStart..<(bodyStart + 4 * bodyCount)))
        }
        self.entries = entries
        self.shardDigests = shardDigests
        self.chunkDigests = chunkDigests
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), size)
    }

    /// Whether the bytes at `range` are `text`'s UTF-8.
    func equals(_ range: Range<Int>, _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            guard utf8.count == range.count else { return false }
            guard let address = utf8.baseAddress else { return true }
            return memcmp(base + range.lowerBound, address, utf8.count) == 0
        }
    }

    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self)
    }

    /// The entry at `key`, whose hash is `hash` (entries are in key order: a binary search).
    func entry(_ key: String, hash: UInt32) -> Entry? { entry(key, "", "", hash: hash) }

    /// The entry at the key `first + second + third`, found without joining them.
    func entry(_ first: String, _ second: String, _ third: String, hash: UInt32? = nil) -> Entry? {
        var (first, second, third) = (first, second, third)
        return first.withUTF8 { a in
            second.withUTF8 { b in
                third.withUTF8 { c -> Entry? in
                    let hashed = hash ?? SearchTerms.hash(c, from: SearchTerms.hash(b, from: SearchTerms.hash(a)))
                    var low = 0, high = entries.count
                    while low < high {
                        let middle = (low + high) / 2
                        let found = entries[middle].hash
                        let order = found != hashed ? (found < hashed ? -1 : 1) : compare(entries[middle].key, a, b, c)
                        if order == 0 { return entries[middle] }
                        if order < 0 { low = middle + 1 } else { high = middle }
                    }
                    return nil
                }
            }
        }
    }

    /// The order of the bytes at `range` and the parts one after the other: negative, zero or positive.
    private func compare(_ range: Range<Int>, _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>,
                         _ c: UnsafeBufferPointer<UInt8>) -> Int {
        var position = range.lowerBound
        // The parts in turn (no array of them: this runs for every step of every search).
        for index in 0..<3 {
            let part = index == 0 ? a : index == 1 ? b : c
            let common = min(range.upperBound - position, part.count)
            if common > 0, let address = part.baseAddress {
                let order = memcmp(base + position, address, common)
                if order != 0 { return Int(order) }
            }
            if common < part.count { return -1 }
            position += common
        }
        return position < range.upperBound ? 1 : 0
    }

    /// Whether the notice with this slug is in the index with this digest (its body is not needed).
    func hasNotice(_ slug: String, digest: String) -> Bool {
        guard let entry = entry("notices/", slug, "/") else { return false }
        return equals(entry.digest, digest)
    }

    /// The terms at `range` (a term list of an entry).
    func terms(_ range: Range<Int>) -> [UInt32] {
        var terms: [UInt32] = []
        terms.reserveCapacity(range.count / 4)
        var offset = range.lowerBound
        while offset < range.upperBound {
            terms.append(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            offset += 4
        }
        return terms
    }

    /// Reads `ByteWriter`'s numbers and strings from the mapping; nil past the end or on a malformed value.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        mutating func int() -> Int? {
            var result: UInt64 = 0, shift: UInt64 = 0
            while position < bytes.count, shift < 64 {
                let byte = bytes[position]
                position += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return Int(Int64(bitPattern: result >> 1) ^ -Int64(bitPattern: result & 1)) }
                shift += 7
            }
            return nil
        }

        mutating func count() -> Int? {
            guard let value = int(), value >= 0, value <= bytes.count else { return nil }
            return value
        }

        mutating func range() -> Range<Int>? {
            guard let length = count(), length <= bytes.count - position else { return nil }
            defer { position += length }
            return position..<(position + length)
        }

        mutating func text() -> String? {
            range().map { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        }
    }

    /// Writes a cache: the header and layout, then `add` each entry in key order, then `finish`.
    struct Writer {
        private var head: ByteWriter
        private var terms: [UInt8] = []

        /// - Parameter termBytes: about how many bytes the term lists take (the previous cache's size does).
        init(layout: SearchIndex.Layout, count: Int, termBytes: Int = 0) {
            head = ByteWriter(capacity: 160 * count + 4096)
            terms.reserveCapacity(termBytes + 1 << 16)
            head.string(SearchCache.format)
            head.string(CacheStore.toolIdentity())
            head.int(layout.ids)
            head.int(layout.shards)
            head.int(layout.chunks)
            head.int(count)
        }

        private mutating func header(key: String, digest: String, title: String, date: String, kind: String, id: Int,
                                     titleCount: Int, bodyCount: Int) {
            head.string(key)
            head.string(digest)
            head.string(title)
            head.string(date)
            head.string(kind)
            head.int(id)
            head.int(titleCount)
            head.int(bodyCount)
            head.int(terms.count)
        }

        mutating func add(key: String, digest: String, title: String, date: String, kind: String, id: Int,
                          terms list: SearchIndex.Terms) {
            header(key: key, digest: digest, title: title, date: date, kind: kind, id: id,
                   titleCount: list.title.count, bodyCount: list.body.count)
            for part in [list.title, list.body] {
                part.withUnsafeBytes { terms.append(contentsOf: $0) }
            }
        }

        /// An entry whose key and digest (so title, date, kind and terms) are the previous one's: copied as they were.
        mutating func add(id: Int, copying entry: Entry, from cache: SearchCache) {
            head.raw(UnsafeRawBufferPointer(rebasing: cache.bytes[entry.start..<entry.kind.upperBound]))
            head.int(id)
            head.int(entry.titleTerms.count / 4)
            head.int(entry.bodyTerms.count / 4)
            head.int(terms.count)
            terms.append(contentsOf: UnsafeRawBufferPointer(rebasing: cache.bytes[entry.titleTerms.lowerBound..<entry.bodyTerms.upperBound]))
        }

        /// The file, in two parts (written one after the other).
        consuming func finish(shardDigests: [String], chunkDigests: [String]) -> [[UInt8]] {
            for digest in shardDigests + chunkDigests { head.string(digest) }
            head.int(terms.count)
            return [head.bytes, terms]
        }
    }
}
