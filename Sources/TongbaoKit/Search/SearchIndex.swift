import Foundation

/// The site's search index, published as static files under `search/` and
/// read by the theme's script:
/// - `search/meta.json`: how many documents, document numbers, term shards
///   and document chunks there are;
/// - `search/terms/<n>.json`: the postings of every term whose hash
///   (`SearchTerms`) falls in shard n (its low bits):
///   `{"<hash in base 36>":"<postings>"}`, one number per document holding
///   the term, in document-number order: the first is `number × 2 + t`, each
///   next one `(number − previous number) × 2 + t`, t being 1 when the term is
///   in the title; the numbers written one after the other in base 32
///   (`writeCompact`), mostly one character each;
/// - `search/docs/<n>.json`: `{"<number>":["title","path","date","kind"]}`
///   for the documents numbered in chunk n;
/// - `search/dates.json`: `{"ids":[…],"days":[…]}`, every dated document's
///   number (the first as it is, each next one as the difference from the
///   one before) and its date as `year × 372 + (month − 1) × 31 + day − 1`,
///   so that results that score the same can be shown newest first.
///
/// Everything is a function of the published documents alone, so a build
/// with the cache and one without write the same bytes. A document's number
/// is the hash of its path, moved on to the next free number when taken (in
/// key order: `keyOrder`), in a space four times the number of documents; so an edited
/// or added document changes only the shards of the terms it gained or lost,
/// its own chunk, and `meta.json` and `dates.json` when the count or a date
/// changes. (When the number of documents passes a power of two, the layout
/// grows and every file is written once.) The cache (`SearchCache`) keeps each document's terms,
/// so a rebuild reads and tokenises only the documents that changed and
/// writes only the files they touch; the others are the previous build's.
enum SearchIndex {
    static let metaPath = "search/meta.json"
    static let datesPath = "search/dates.json"
    static func shardPath(_ shard: Int) -> String { "search/terms/\(shard).json" }
    static func chunkPath(_ chunk: Int) -> String { "search/docs/\(chunk).json" }

    /// How the index is cut into files, a function of the number of documents.
    struct Layout: Equatable, Sendable {
        /// Document numbers: a power of two, at least four per document.
        let ids: Int
        /// Term shards: a power of two, one per 32 documents (at most 1,024): about 10 KB each
        /// (3 KB compressed) for notices of a page or two.
        let shards: Int
        /// Document chunks: `idsPerChunk` numbers (some 64 documents) each.
        let chunks: Int

        init(documents: Int) {
            ids = max(Layout.idsPerChunk, Layout.powerOfTwo(atLeast: 4 * documents))
            shards = min(1024, Layout.powerOfTwo(atLeast: (documents + 31) / 32))
            chunks = ids / Layout.idsPerChunk
        }

        init(ids: Int, shards: Int, chunks: Int) {
            (self.ids, self.shards, self.chunks) = (ids, shards, chunks)
        }

        static func powerOfTwo(atLeast value: Int) -> Int {
            var power = 1
            while power < value { power <<= 1 }
            return power
        }

        @inline(__always) func shard(_ term: UInt32) -> Int { Int(term) & (shards - 1) }
        static let idsPerChunk = 256

        @inline(__always) func chunk(_ id: Int) -> Int { id / Layout.idsPerChunk }
    }

    /// A document's terms: those of its title, and those only in its body; each sorted.
    struct Terms: Sendable {
        var title: [UInt32]
        var body: [UInt32]
    }

    static func terms(title: String, html: String) -> Terms {
        var titleTerms = SearchTerms.terms(ofText: title, everyHan: true)
        var bodyTerms = SearchTerms.terms(ofHTML: html)
        // A name written out in full also gets its short form's terms (in the title if it is there).
        var titleExtra: [UInt32] = [], bodyExtra: [UInt32] = []
        for form in SearchTerms.shortFormTerms {
            if form.full.allSatisfy({ contains(titleTerms, $0) }) {
                titleExtra += form.short
            } else if form.full.allSatisfy({ contains(titleTerms, $0) || contains(bodyTerms, $0) }) {
                bodyExtra += form.short
            }
        }
        if !titleExtra.isEmpty { titleTerms = Array(Set(titleTerms + titleExtra)).sorted() }
        if !bodyExtra.isEmpty { bodyTerms = Array(Set(bodyTerms + bodyExtra)).sorted() }
        return Terms(title: titleTerms, body: difference(bodyTerms, titleTerms))
    }

    /// Whether sorted `terms` holds `term`.
    static func contains(_ terms: [UInt32], _ term: UInt32) -> Bool {
        var low = 0, high = terms.count
        while low < high {
            let middle = (low + high) / 2
            if terms[middle] == term { return true }
            if terms[middle] < term { low = middle + 1 } else { high = middle }
        }
        return false
    }

    /// The index's files, and the cache for the next build (encoded on another thread while the build goes on).
    struct Output {
        let files: [OutputFile]
        let cache: Background<[[UInt8]]>
    }

    /// One document of this build's index.
    private struct Entry: Sendable {
        let document: SearchDocument
        let digest: String
        let id: Int
        /// The previous build's entry at its path, if any.
        let old: SearchCache.Entry?
        /// The previous build's entry when its terms are reused (its digest is unchanged).
        let previous: SearchCache.Entry?
        /// Its terms, made in this build (nil when reused).
        let terms: Terms?
    }

    /// - Parameter previous: the index the previous build of this output made (its cache).
    /// - Parameter renderCache: the previous build's files, for the index files this build leaves as they are.
    /// - Parameter read: reads a previous build's file (a shard patched rather than made anew from every document's terms).
    static func build(_ documents: [SearchDocument], previous: SearchCache?, renderCache: RenderCache,
                      parallel: Bool = true, read: (String) -> [UInt8]? = { ContentFiles.byteArray($0) }) -> Output {
        var clock = PhaseClock()
        defer { clock.report(prefix: "search/") }
        // In key order (`keyOrder`), one document per path (two at one path are a build error found elsewhere).
        let documents = inKeyOrder(documents)
        let layout = Layout(documents: documents.count)
        var taken = [Bool](repeating: false, count: layout.ids)
        let ids = documents.map { document -> Int in
            var id = Int(document.hash) & (layout.ids - 1)
            while taken[id] { id = (id + 1) & (layout.ids - 1) }
            taken[id] = true
            return id
        }
        clock.mark("ids")
        let known = previous?.layout == layout ? previous : nil
        let entries = Parallel.map(documents.count, chunk: 64, parallel: parallel) { index -> Entry in
            let document = documents[index]
            let digest = document.digest ?? contentDigest(document)
            let old = previous?.entry(document.key, hash: document.hash)
            if let previous, let old, previous.equals(old.digest, digest) {
                return Entry(document: document, digest: digest, id: ids[index], old: old, previous: old, terms: nil)
            }
            return Entry(document: document, digest: digest, id: ids[index], old: old, previous: nil,
                         terms: terms(title: document.title, html: document.html ?? ""))
        }

        clock.mark("entries")
        // What changed since the previous build: the shards of the terms gained or lost, the chunks of entries changed.
        var dirtyShards = [Bool](repeating: known == nil, count: layout.shards)
        var dirtyChunks = [Bool](repeating: known == nil, count: layout.chunks)
        // Numbers whose postings are gone (documents changed, moved or removed), and the entries whose postings are new.
        var gone = Set<Int>(), fresh: [Int] = []
        if let known {
            func mark(_ terms: [UInt32]) { for term in terms { dirtyShards[layout.shard(term)] = true } }
            var matched = 0
            for (index, entry) in entries.enumerated() {
                guard let old = entry.old else {
                    mark(entry.terms?.title ?? [])
                    mark(entry.terms?.body ?? [])
                    dirtyChunks[layout.chunk(entry.id)] = true
                    fresh.append(index)
                    continue
                }
                matched += 1
                // The same digest is the same title, date, kind and terms.
                if entry.previous != nil && old.id == entry.id { continue }
                gone.insert(old.id)
                fresh.append(index)
                if old.id != entry.id || !known.equals(old.title, entry.document.title) || !known.equals(old.date, entry.document.date?.iso ?? "")
                    || !known.equals(old.kind, entry.document.kind) {
                    dirtyChunks[layout.chunk(old.id)] = true
                    dirtyChunks[layout.chunk(entry.id)] = true
                }
                let (oldTitle, oldBody) = (known.terms(old.titleTerms), known.terms(old.bodyTerms))
                let new = entry.terms ?? Terms(title: oldTitle, body: oldBody)
                if old.id != entry.id {
                    mark(oldTitle + oldBody + new.title + new.body)
                } else {
                    mark(symmetricDifference(oldTitle, new.title))
                    mark(symmetricDifference(oldBody, new.body))
                }
            }
            // Documents gone since (each path is once in each list: all the previous ones matched, none is gone).
            let present = matched == known.entries.count ? [] : Set(entries.map(\.document.key))
            for old in known.entries where matched < known.entries.count && !present.contains(known.text(old.key)) {
                gone.insert(old.id)
                mark(known.terms(old.titleTerms))
                mark(known.terms(old.bodyTerms))
                dirtyChunks[layout.chunk(old.id)] = true
            }
        }
        // A file left as it was must still be in the output exactly as the previous build wrote it.
        var shardPages = [RenderCache.Page?](repeating: nil, count: layout.shards)
        var chunkPages = [RenderCache.Page?](repeating: nil, count: layout.chunks)
        if let known {
            for shard in 0..<layout.shards where !dirtyShards[shard] {
                if let page = renderCache.pages[shardPath(shard)], page.digest == FileFinishing.bytesDigest(known.shardDigests[shard]) {
                    shardPages[shard] = page
                } else {
                    dirtyShards[shard] = true
                }
            }
            for chunk in 0..<layout.chunks where !dirtyChunks[chunk] {
                if let page = renderCache.pages[chunkPath(chunk)], page.digest == FileFinishing.bytesDigest(known.chunkDigests[chunk]) {
                    chunkPages[chunk] = page
                } else {
                    dirtyChunks[chunk] = true
                }
            }
        }

        clock.mark("dirty")
        // The postings of the shards written anew: the previous file's, less the documents gone and plus the
        // new ones (a rebuild); else from every document's terms, in number order.
        let byNumber = entries.indices.map { entries[$0].id << 32 | $0 }.sorted().map { $0 & 0xFFFF_FFFF }
        var buckets = [[UInt64]](repeating: [], count: layout.shards)
        var toScan = dirtyShards
        if let known, dirtyShards.contains(true) {
            var added = [[UInt64]](repeating: [], count: layout.shards)
            for index in fresh {
                let id = UInt64(entries[index].id) << 1
                let terms = entries[index].terms
                    ?? entries[index].previous.map { Terms(title: known.terms($0.titleTerms), body: known.terms($0.bodyTerms)) }
                    ?? Terms(title: [], body: [])
                for term in terms.title where dirtyShards[layout.shard(term)] { added[layout.shard(term)].append(UInt64(term) << 32 | id | 1) }
                for term in terms.body where dirtyShards[layout.shard(term)] { added[layout.shard(term)].append(UInt64(term) << 32 | id) }
            }
            for shard in 0..<layout.shards where dirtyShards[shard] {
                guard let page = renderCache.pages[shardPath(shard)], page.digest == FileFinishing.bytesDigest(known.shardDigests[shard]),
                      let bytes = read(page.file.location), var postings = parseShard(bytes) else { continue }
                if !gone.isEmpty { postings.removeAll { gone.contains(Int(($0 & 0xFFFF_FFFF) >> 1)) } }
                buckets[shard] = postings + added[shard]
                toScan[shard] = false
            }
        }
        if toScan.contains(true) {
            let mask = UInt32(layout.shards - 1)
            toScan.withUnsafeBufferPointer { dirty in
                for index in byNumber {
                    let id = UInt64(entries[index].id) << 1
                    if let terms = entries[index].terms {
                        for term in terms.title where dirty[Int(term & mask)] { buckets[Int(term & mask)].append(UInt64(term) << 32 | id | 1) }
                        for term in terms.body where dirty[Int(term & mask)] { buckets[Int(term & mask)].append(UInt64(term) << 32 | id) }
                    } else if let old = entries[index].previous, let previous {
                        // Read where they lie in the mapped cache.
                        for (range, title) in [(old.titleTerms, UInt64(1)), (old.bodyTerms, 0)] {
                            var offset = range.lowerBound
                            while offset < range.upperBound {
                                let term = UInt32(littleEndian: previous.base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
                                if dirty[Int(term & mask)] { buckets[Int(term & mask)].append(UInt64(term) << 32 | id | title) }
                                offset += 4
                            }
                        }
                    }
                }
            }
        }
        let shardBytes = Parallel.map(layout.shards, chunk: 8, parallel: parallel) { [dirtyShards, buckets] shard -> [UInt8]? in
            guard dirtyShards[shard] else { return nil }
            return shardJSON(buckets[shard].sorted())
        }
        buckets = []
        var inChunk = [[(id: Int, document: SearchDocument)]](repeating: [], count: layout.chunks)
        for index in byNumber where dirtyChunks[layout.chunk(entries[index].id)] {
            inChunk[layout.chunk(entries[index].id)].append((entries[index].id, entries[index].document))
        }
        let chunkBytes = Parallel.map(layout.chunks, chunk: 8, parallel: parallel) { [dirtyChunks, inChunk] chunk -> [UInt8]? in
            dirtyChunks[chunk] ? chunkJSON(inChunk[chunk]) : nil
        }
        let shardDigests = Parallel.map(layout.shards, chunk: 64, parallel: parallel) { shard in
            shardBytes[shard].map { SHA256.hex($0) } ?? known?.shardDigests[shard] ?? ""
        }
        let chunkDigests = Parallel.map(layout.chunks, chunk: 64, parallel: parallel) { chunk in
            chunkBytes[chunk].map { SHA256.hex($0) } ?? known?.chunkDigests[chunk] ?? ""
        }

        clock.mark("postings")
        var files: [OutputFile] = []
        files.reserveCapacity(1 + layout.shards + layout.chunks)
        let meta = "{\"format\":1,\"documents\":\(documents.count),\"ids\":\(layout.ids),\"shards\":\(layout.shards),\"chunks\":\(layout.chunks)}\n"
        files.append(OutputFile(path: metaPath, text: meta))
        files.append(OutputFile(path: datesPath, content: .bytes(Data(datesJSON(byNumber.map { (entries[$0].id, entries[$0].document.date) })))))
        for shard in 0..<layout.shards {
            if let bytes = shardBytes[shard] {
                files.append(OutputFile(path: shardPath(shard), content: .bytes(Data(bytes))))
            } else if let page = shardPages[shard] {
                files.append(OutputFile(path: shardPath(shard), content: .previous(page), digest: page.digest))
            }
        }
        for chunk in 0..<layout.chunks {
            if let bytes = chunkBytes[chunk] {
                files.append(OutputFile(path: chunkPath(chunk), content: .bytes(Data(bytes))))
            } else if let page = chunkPages[chunk] {
                files.append(OutputFile(path: chunkPath(chunk), content: .previous(page), digest: page.digest))
            }
        }

        clock.mark("files")
        // The cache for the next build: every entry with its terms (a reused one's copied as they were).
        let cache = Background { _ in
            var writer = SearchCache.Writer(layout: layout, count: entries.count, termBytes: previous?.bytes.count ?? 0)
            for entry in entries {
                let document = entry.document
                if let terms = entry.terms {
                    writer.add(key: document.key, digest: entry.digest, title: document.title, date: document.date?.iso ?? "",
                               kind: document.kind, id: entry.id, terms: terms)
                } else if let old = entry.previous, let previous {
                    writer.add(id: entry.id, copying: old, from: previous)
                }
            }
            return writer.finish(shardDigests: shardDigests, chunkDigests: chunkDigests)
        }
        return Output(files: files, cache: cache)
    }

    /// The documents in key order (`keyOrder`), the first of any at one path.
    static func inKeyOrder(_ documents: [SearchDocument]) -> [SearchDocument] {
        // Numbers sorted (hash, then place), the few equal hashes then ordered by path.
        var order = documents.indices.map { UInt64(documents[$0].hash) << 32 | UInt64($0) }
        order.sort()
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && order[end] >> 32 == order[start] >> 32 { end += 1 }
            if end - start > 1 {
                let keys = { (value: UInt64) in documents[Int(value & 0xFFFF_FFFF)].key }
                order[start..<end].sort { keyOrder(0, keys($0), 0, keys($1)) }
            }
            start = end
        }
        // A path twice: the first kept (checked on the numbers, the paths compared only for equal hashes).
        var kept = order
        if order.count > 1, (1..<order.count).contains(where: { order[$0] >> 32 == order[$0 - 1] >> 32 }) {
            kept = [order[0]]
            for value in order.dropFirst()
            where documents[Int(value & 0xFFFF_FFFF)].key != documents[Int(kept[kept.count - 1] & 0xFFFF_FFFF)].key {
                kept.append(value)
            }
        }
        return kept.map { documents[Int($0 & 0xFFFF_FFFF)] }
    }

    /// The order of documents in the index and its cache: by the hash of the path, then by the
    /// path's UTF-8 bytes (a sort of numbers, the bytes compared only when two hashes are equal).
    static func keyOrder(_ hashA: UInt32, _ a: String, _ hashB: UInt32, _ b: String) -> Bool {
        hashA != hashB ? hashA < hashB : ByteOrder.compare(a, b) == .less
    }

    /// What a document's terms and entry are made from, when the caller gave no digest.
    static func contentDigest(_ document: SearchDocument) -> String {
        var hash = SHA256()
        for part in [document.title, document.date?.iso ?? "", document.kind, document.html ?? ""] {
            hash.update(Array(part.utf8))
            hash.update([0])
        }
        return "c:" + hash.finalizeHex()
    }

    /// `{"<term>":"<postings>", …}` from `term << 32 | number << 1 | title`, sorted: each term's
    /// numbers (`postingValues`) written `writeCompact`.
    static func shardJSON(_ postings: [UInt64]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(postings.count * 2 + 16)
        output.append(UInt8(ascii: "{"))
        var currentTerm: UInt64 = .max
        var previousID: UInt64 = 0
        for posting in postings {
            let term = posting >> 32, value = posting & 0xFFFF_FFFF
            if term != currentTerm {
                if currentTerm != .max { output += "\",".utf8 }
                output.append(UInt8(ascii: "\""))
                output += String(term, radix: 36).utf8
                output += "\":\"".utf8
                writeCompact(value, into: &output)
                currentTerm = term
            } else {
                writeCompact(((value >> 1) - previousID) << 1 | value & 1, into: &output)
            }
            previousID = value >> 1
        }
        if currentTerm != .max { output.append(UInt8(ascii: "\"")) }
        output += "}\n".utf8
        return output
    }

    /// The postings of a shard file `shardJSON` wrote, as `term << 32 | number << 1 | title`; nil if it is not one.
    static func parseShard(_ bytes: [UInt8]) -> [UInt64]? {
        var postings: [UInt64] = []
        postings.reserveCapacity(bytes.count)
        var digits = [Int16](repeating: -1, count: 128)
        for (value, byte) in moreDigits.enumerated() { digits[Int(byte)] = Int16(value) }
        for (value, byte) in finalDigits.enumerated() { digits[Int(byte)] = Int16(32 + value) }
        var index = 0
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard expect(UInt8(ascii: "{")) else { return nil }
        var first = true
        while index < bytes.count, bytes[index] != UInt8(ascii: "}") {
            guard first || expect(UInt8(ascii: ",")), expect(UInt8(ascii: "\"")) else { return nil }
            first = false
            var term: UInt64 = 0
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "z"): digit = byte - UInt8(ascii: "a") + 10
                default: return nil
                }
                term = term * 36 + UInt64(digit)
                guard term <= UInt64(UInt32.max) else { return nil }
                index += 1
            }
            guard expect(UInt8(ascii: "\"")), expect(UInt8(ascii: ":")), expect(UInt8(ascii: "\"")) else { return nil }
            var value: UInt64 = 0, id: UInt64 = 0, pending = true
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                let byte = bytes[index]
                guard byte < 128, digits[Int(byte)] >= 0, value < 1 << 40 else { return nil }
                let digit = UInt64(digits[Int(byte)])
                if digit < 32 {
                    value = value * 32 + digit
                    pending = true
                } else {
                    pending = false
                    value = value * 32 + digit - 32
                    id += value >> 1
                    guard id < 1 << 31 else { return nil }
                    postings.append(term << 32 | id << 1 | value & 1)
                    value = 0
                }
                index += 1
            }
            // Every term has a document, and its last number is whole.
            guard !pending, expect(UInt8(ascii: "\"")) else { return nil }
        }
        return expect(UInt8(ascii: "}")) ? postings : nil
    }

    /// Base-32 digits of a number, most significant first: `0`–`9`, `a`–`v` for every digit
    /// but the last, which is one of `finalDigits` (so numbers need no separator). Small
    /// numbers, the usual gaps between document numbers, take one character.
    static let moreDigits = Array("0123456789abcdefghijklmnopqrstuv".utf8)
    static let finalDigits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz-_".utf8)

    @inline(__always) static func writeCompact(_ value: UInt64, into output: inout [UInt8]) {
        var shift: UInt64 = 0
        while shift < 60 && value >> (shift + 5) > 0 { shift += 5 }
        while shift > 0 {
            output.append(moreDigits[Int((value >> shift) & 31)])
            shift -= 5
        }
        output.append(finalDigits[Int(value & 31)])
    }

    /// `{"ids":[…],"days":[…]}` from documents in number order (undated ones left out).
    static func datesJSON(_ documents: [(id: Int, date: Day?)]) -> [UInt8] {
        var ids: [UInt8] = [], days: [UInt8] = []
        var previous = 0
        for (id, day) in documents {
            guard let day else { continue }
            if !ids.isEmpty {
                ids.append(UInt8(ascii: ","))
                days.append(UInt8(ascii: ","))
            }
            ViewDigest.decimal(id - previous, into: &ids)
            ViewDigest.decimal(max(0, day.year * 372 + (day.month - 1) * 31 + day.day - 1), into: &days)
            previous = id
        }
        return Array("{\"ids\":[".utf8) + ids + Array("],\"days\":[".utf8) + days + Array("]}\n".utf8)
    }

    /// `{"<number>":["title","path","date","kind"], …}` in number order.
    static func chunkJSON(_ documents: [(id: Int, document: SearchDocument)]) -> [UInt8] {
        var output: [UInt8] = [UInt8(ascii: "{")]
        for (position, (id, document)) in documents.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            output += "\"\(id)\":[".utf8
            for (field, text) in [document.title, document.key, document.date?.iso ?? "", document.kind].enumerated() {
                if field > 0 { output.append(UInt8(ascii: ",")) }
                JSON.writeString(text, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        }
        output += "}\n".utf8
        return output
    }

    /// The elements of sorted `a` not in sorted `b`.
    static func difference(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        guard !b.isEmpty else { return a }
        var result: [UInt32] = []
        result.reserveCapacity(a.count)
        var j = 0
        for value in a {
            while j < b.count && b[j] < value { j += 1 }
            if j == b.count || b[j] != value { result.append(value) }
        }
        return result
    }

    /// The elements in one of sorted `a` and `b` but not both.
    static func symmetricDifference(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) {
                result.append(a[i]); i += 1
            } else if i == a.count || b[j] < a[i] {
                result.append(b[j]); j += 1
            } else {
                i += 1; j += 1
            }
        }
        return result
    }
}
