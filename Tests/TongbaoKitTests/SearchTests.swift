import Foundation
import Testing
@testable import TongbaoKit

/// The site's search: the terms (the same rules as the theme's script), the
/// index files, and the index kept up to date build after build.
@Suite struct SearchTests {
    // MARK: Terms

    /// The rules of docs/format.md written the plain way, over strings: the oracle for `SearchTerms`.
    static func referenceTerms(_ text: String, everyHan: Bool) -> Set<String> {
        func isHan(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0xF900...0xFAFF, 0x20000...0x323AF: true
            default: false
            }
        }
        var terms = Set<String>()
        var run: [Character] = [], word = ""
        func end() {
            if run.count == 1 || everyHan { for character in run { terms.insert(String(character)) } }
            for index in run.indices.dropFirst() { terms.insert(String(run[index - 1]) + String(run[index])) }
            if !word.isEmpty { terms.insert(word) }
            run = []
            word = ""
        }
        for original in text.unicodeScalars {
            var value = original.value
            if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }
            let scalar = Unicode.Scalar(value) ?? original
            if isHan(scalar) {
                if !word.isEmpty { terms.insert(word); word = "" }
                run.append(Character(scalar))
            } else if ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) {
                if !run.isEmpty { end() }
                word += String(scalar).lowercased()
            } else {
                end()
            }
        }
        end()
        return terms
    }

    static let samples = [
        "关于开展危化品企业安全生产专项检查的通知", "危", "危 化", "2021年6月18日（星期五）09:00", "GB/T 9704-2012《党政机关公文格式》",
        "ＧＢ／Ｔ　９７０４", "安委办〔2026〕3号", "Mixed中文English混排123abc", "𠀀𠀁 extension B", "emoji 🚒 消防车",
        "", "，。、；：", "a", "x1y2 Z9",
    ]

    @Test func termsFollowTheRules() {
        // And a long text: thousands of distinct bigrams and words (the collector's set grows several times).
        var generator = SplitMix64(seed: 7)
        let long = (0..<6000).map { _ -> String in
            let pick = generator.next() % 10
            if pick == 0 { return " w\(generator.next() % 5000) " }
            return String(Character(Unicode.Scalar(UInt32(0x4E00 + Int(generator.next() % 300))) ?? "字"))
        }.joined()
        for text in SearchTests.samples + [long] {
            for everyHan in [false, true] {
                let expected = Set(SearchTests.referenceTerms(text, everyHan: everyHan).map(SearchTerms.hash))
                let made = SearchTerms.terms(ofText: text, everyHan: everyHan)
                #expect(Set(made) == expected, "\(text) (every Han character: \(everyHan))")
                #expect(made == made.sorted() && Set(made).count == made.count, "sorted and distinct: \(text)")
                // The same text as HTML, escaped, gives the same terms (a body's).
                if !everyHan { #expect(SearchTerms.terms(ofHTML: "<p>" + HTMLEscape.escape(text) + "</p>") == made, "\(text) as HTML") }
            }
        }
        // FNV-1a as the script computes it (Math.imul over the UTF-8 bytes): the published test vectors.
        #expect(SearchTerms.hash("") == 0x811C_9DC5 && SearchTerms.hash("a") == 0xE40C_292C && SearchTerms.hash("foobar") == 0xBF9C_F968)
    }

    @Test func shortFormsFindTheFullNames() throws {
        // A body with 危险化学品 gets 危化 and 化品; one with only 危险 and 化学 apart does not.
        let full = SearchIndex.terms(title: "通知", html: "<p>加强危险化学品企业检查</p>")
        #expect(Set(full.body).isSuperset(of: [SearchTerms.hash("危化"), SearchTerms.hash("化品")]))
        let apart = SearchIndex.terms(title: "通知", html: "<p>危险作业和化学试剂</p>")
        #expect(!apart.body.contains(SearchTerms.hash("危化")))
        // In a title, the short form is a title term.
        let titled = SearchIndex.terms(title: "关于安全生产委员会办公室的通知", html: "")
        #expect(titled.title.contains(SearchTerms.hash("委办")) && !titled.body.contains(SearchTerms.hash("委办")))
        // The script's table is the same one.
        let script = try String(contentsOf: Paths.repository.appendingPathComponent("templates/assets/search.js"), encoding: .utf8)
        let table = try #require(script.range(of: "var SHORT_FORMS = {").flatMap { start in
            script.range(of: "};", range: start.upperBound..<script.endIndex).map { String(script[start.upperBound..<$0.lowerBound]) }
        })
        let pairs = table.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: "'")
            return parts.count >= 4 ? "\(parts[1])=\(parts[3])" : nil
        }
        #expect(pairs == SearchTerms.shortForms.map { "\($0.short)=\($0.full)" })
    }

    @Test func htmlTagsAndEntities() {
        func terms(_ html: String) -> Set<UInt32> { Set(SearchTerms.terms(ofHTML: html)) }
        func hashes(_ terms: String...) -> Set<UInt32> { Set(terms.map(SearchTerms.hash)) }
        // Inline elements join the text (Chinese has no spaces); block elements break it.
        #expect(terms("<p><strong>危</strong>化<a href=\"/x/危险\">品</a></p>") == hashes("危化", "化品"))
        #expect(terms("<td>危</td><td>化</td>") == hashes("危", "化"))
        #expect(terms("<p>危</p>\n<h2>化</h2>") == hashes("危", "化"))
        #expect(terms("A&amp;B 危&lt;化") == hashes("a", "b", "危", "化"))
        #expect(terms("<br>9704<br/>2012") == hashes("9704", "2012"))
        // Attributes are not text.
        #expect(terms("<img alt=\"隐患\" src=\"a.png\">") == [])
    }

    // MARK: The index, built and rebuilt

    /// A published index, as files, and the render cache a next build would have of them.
    struct Published {
        var files: [String: [UInt8]] = [:]
        var cache: [UInt8] = []

        var renderCache: RenderCache {
            var pages: [String: RenderCache.Page] = [:]
            for (path, bytes) in files {
                let sha = SHA256.hex(bytes)
                let file = RenderCache.File(location: path, size: bytes.count, sha256: sha, stamp: nil)
                pages[path] = RenderCache.Page(digest: FileFinishing.bytesDigest(sha), file: file, twin: nil)
            }
            return RenderCache(pages: pages)
        }

        /// The index built from `documents` over this one; what it wrote anew.
        /// - Parameter patch: the previous files can be read (shards are patched); else every changed shard is made
        ///   from the documents' terms.
        mutating func rebuild(_ documents: [SearchDocument], useCache: Bool = true, patch: Bool = true) -> Set<String> {
            let previous = useCache ? SearchCache(bytes: cache, tool: CacheStore.toolIdentity()) : nil
            let before = files
            let output = SearchIndex.build(documents, previous: previous, renderCache: useCache ? renderCache : RenderCache(),
                                           read: { patch ? before[$0] : nil })
            var next: [String: [UInt8]] = [:], written = Set<String>()
            for file in output.files {
                switch file.content {
                case .bytes(let data):
                    next[file.path] = Array(data)
                    if files[file.path] != Array(data) { written.insert(file.path) }
                case .previous(let page):
                    next[file.path] = files[page.file.location]
                case .copy:
                    Issue.record("an index file copied from disk: \(file.path)")
                }
            }
            files = next
            cache = output.cache.value?.joined().map { $0 } ?? []
            return written
        }
    }

    static let words = ["危化", "化品", "隐患", "整改", "消防", "燃气", "道路", "运输", "检查", "执法", "通报", "会议", "2026", "gb", "校园"]

    static func document(_ number: Int, edit: Int = 0) -> SearchDocument {
        let title = "关于\(words[number % words.count])工作的通知\(edit > 0 ? "（修订）" : "")"
        let body = (0..<(3 + number % 5)).map { index in words[(number * 7 + index * 3 + edit) % words.count] }.joined(separator: "，")
        return SearchDocument(key: "notices/n\(number)/", title: title, date: Day(year: 2026, month: 1 + number % 9, day: 10 + number % 10),
                              kind: "通知", digest: nil, html: "<p>\(body)</p>")
    }

    @Test func aRebuildWritesWhatAFreshBuildWrites() {
        // Seeded: a failure comes back on every run.
        var generator = SplitMix64(seed: 42)
        var documents = (0..<40).map { SearchTests.document($0) }
        var kept = Published(), fresh = Published()
        _ = kept.rebuild(documents)
        var next = 40
        for round in 0..<60 {
            // Edit, add or remove a few documents (sometimes enough to change the layout).
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                switch Int.random(in: 0..<4, using: &generator) {
                case 0 where !documents.isEmpty:
                    documents.remove(at: Int.random(in: 0..<documents.count, using: &generator))
                case 1:
                    documents.append(SearchTests.document(next))
                    next += 1
                default:
                    guard !documents.isEmpty else { continue }
                    let index = Int.random(in: 0..<documents.count, using: &generator)
                    let number = Int(documents[index].key.dropFirst("notices/n".count).dropLast()) ?? 0
                    documents[index] = SearchTests.document(number, edit: Int.random(in: 1...5, using: &generator))
                }
            }
            if round % 10 == 9 { documents += (0..<30).map { SearchTests.document(next + $0) }; next += 30 }
            // Patched from the previous files, or (every third round) made from the kept terms.
            _ = kept.rebuild(documents, patch: round % 3 != 2)
            fresh = Published()
            _ = fresh.rebuild(documents, useCache: false)
            let differing = Set(kept.files.keys).union(fresh.files.keys).filter { kept.files[$0] != fresh.files[$0] }
            #expect(differing.isEmpty, "round \(round): the kept index differs from a fresh one in \(differing.sorted())")
        }
    }

    @Test func anEditWritesOnlyTheShardsOfTheTermsItChanged() {
        let documents = (0..<200).map { number in
            SearchDocument(key: "notices/n\(number)/", title: "通知\(number)", date: Day(year: 2026, month: 1, day: 1), kind: "通知", digest: nil,
                           html: "<p>安全生产\(number)号 危化品检查</p>")
        }
        var published = Published()
        _ = published.rebuild(documents)
        #expect(published.rebuild(documents).isEmpty, "an unchanged index writes nothing")
        var edited = documents
        edited[17] = SearchDocument(key: "notices/n17/", title: "通知17", date: Day(year: 2026, month: 1, day: 1), kind: "通知", digest: nil,
                                    html: "<p>安全生产17号 危化品检查 燃气</p>")
        // One new term, 燃气: its shard and nothing else (the title and date are the same: no chunk).
        #expect(published.rebuild(edited) == [SearchIndex.shardPath(SearchIndex.Layout(documents: 200).shard(SearchTerms.hash("燃气")))])
        // A new title: its chunk, and the shards of the title terms that changed.
        edited[17] = SearchDocument(key: "notices/n17/", title: "通知17（修订）", date: Day(year: 2026, month: 1, day: 1), kind: "通知", digest: nil,
                                    html: "<p>安全生产17号 危化品检查 燃气</p>")
        let written = published.rebuild(edited)
        #expect(written.contains { $0.hasPrefix("search/docs/") } && written.count <= 6, "\(written.sorted())")
        // A new document: the shards of its terms, its chunk, the count and the dates; nothing else.
        let added = SearchDocument(key: "notices/added/", title: "新增通知", date: Day(year: 2026, month: 2, day: 1), kind: "通知",
                                   digest: nil, html: "<p>危化品检查</p>")
        let layout = SearchIndex.Layout(documents: 201)
        let terms = SearchIndex.terms(title: added.title, html: added.html ?? "")
        var allowed = Set((terms.title + terms.body).map { SearchIndex.shardPath(layout.shard($0)) })
        allowed.formUnion([SearchIndex.metaPath, SearchIndex.datesPath])
        let addedWrites = published.rebuild(edited + [added])
        #expect(addedWrites.filter { $0.hasPrefix("search/docs/") }.count == 1)
        #expect(addedWrites.filter { !$0.hasPrefix("search/docs/") }.isSubset(of: allowed), "\(addedWrites.sorted())")
        // A file missing from the previous output is written again.
        published.files[SearchIndex.shardPath(0)] = nil
        #expect(published.rebuild(edited).contains(SearchIndex.shardPath(0)))
    }

    @Test func aDamagedCacheIsNotUsed() {
        var published = Published()
        _ = published.rebuild((0..<20).map { SearchDocument(key: "p\($0)/", title: "标题\($0)", date: nil, kind: "页面", digest: nil, html: "正文") })
        #expect(SearchCache(bytes: published.cache, tool: CacheStore.toolIdentity()) != nil)
        #expect(SearchCache(bytes: Array(published.cache.dropLast()), tool: CacheStore.toolIdentity()) == nil)
        #expect(SearchCache(bytes: published.cache + [0], tool: CacheStore.toolIdentity()) == nil)
        #expect(SearchCache(bytes: published.cache, tool: "another tongbao") == nil)
        #expect(SearchCache(bytes: [], tool: CacheStore.toolIdentity()) == nil)
    }

    // MARK: The sample site

    /// What the published index gives for a query, the way the script reads it: the paths of
    /// the documents holding every term of the query.
    static func search(_ site: URL, _ query: String) throws -> Set<String> {
        func json(_ path: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: site.appendingPathComponent(path))) as? [String: Any])
        }
        let meta = try json(SearchIndex.metaPath)
        let shards = try #require(meta["shards"] as? Int), perChunk = try #require(meta["ids"] as? Int) / (try #require(meta["chunks"] as? Int))
        var found: Set<Int>?
        // The query's terms: bigrams of each Chinese run (a lone character as itself), words.
        let terms = SearchTests.referenceTerms(query, everyHan: false).filter { term in
            term.unicodeScalars.count > 1 || query.split(separator: " ").contains { $0.count == 1 } || term.allSatisfy(\.isASCII)
        }
        for term in terms {
            let hash = SearchTerms.hash(term)
            let postings = try json(SearchIndex.shardPath(Int(hash) & (shards - 1)))[String(hash, radix: 36)] as? String ?? ""
            var ids = Set<Int>(), id = 0
            for value in SearchTests.compactNumbers(postings) {
                id += value >> 1
                ids.insert(id)
            }
            found = found.map { $0.intersection(ids) } ?? ids
        }
        var keys = Set<String>()
        for id in found ?? [] {
            let entry = try #require(try json(SearchIndex.chunkPath(id / perChunk))[String(id)] as? [String])
            keys.insert(entry[1])
        }
        return keys
    }

    /// The numbers of a term's postings, read back (`SearchIndex.writeCompact`).
    static func compactNumbers(_ text: String) -> [Int] {
        var numbers: [Int] = [], value = 0
        for byte in text.utf8 {
            if let digit = SearchIndex.moreDigits.firstIndex(of: byte) {
                value = value * 32 + digit
            } else if let digit = SearchIndex.finalDigits.firstIndex(of: byte) {
                numbers.append(value * 32 + digit)
                value = 0
            }
        }
        return numbers
    }

    @Test func compactNumbersReadBack() {
        var output: [UInt8] = []
        let values: [UInt64] = [0, 1, 31, 32, 33, 1023, 1024, 65_535, 131_071, 1 << 20, 4_000_000_000]
        for value in values { SearchIndex.writeCompact(value, into: &output) }
        #expect(SearchTests.compactNumbers(String(decoding: output, as: UTF8.self)) == values.map { Int($0) })
        #expect(output.count == 1 + 1 + 1 + 2 + 2 + 2 + 3 + 4 + 4 + 5 + 7)
        // A shard reads back as written; anything else is no shard (and the shard is made from the terms).
        let postings: [UInt64] = [1 << 32 | 4 << 1 | 1, 1 << 32 | 70_000 << 1, 0xFFFF_FFFF << 32 | 3 << 1].sorted()
        #expect(SearchIndex.parseShard(SearchIndex.shardJSON(postings)) == postings)
        #expect(SearchIndex.parseShard(SearchIndex.shardJSON([])) == [])
        for broken in ["", "{", "{\"1\":\"A", "{\"1\":\"a\"}", "{\"1\":\"A\",}", "{\"Z\":\"A\"}", "[]", "{\"zzzzzzzzz\":\"A\"}"] {
            #expect(SearchIndex.parseShard(Array(broken.utf8)) == nil, "\(broken)")
        }
        // Nothing a JSON string must escape.
        #expect(!output.contains(UInt8(ascii: "\"")) && !output.contains(UInt8(ascii: "\\")))
    }

    @Test func theSampleSiteIsSearchable() throws {
        let site = try TemporarySite(copying: Paths.repository.appendingPathComponent("content"))
        defer { site.remove() }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        let out = site.output
        #expect(site.text("search/index.html").contains("search-query"))
        // 危化 (a bigram), 2026 (a word), a document number, words in a title and only in a body.
        #expect(try SearchTests.search(out, "危化").contains("notices/zhuxunqi-2026/"))
        // A notice that only says 危险化学品 (the short form's terms come with the full name).
        #expect(try SearchTests.search(out, "危化").contains("notices/guoqing-zhongqiu-2025/"))
        #expect(try SearchTests.search(out, "2026").count > 5)
        #expect(try SearchTests.search(out, "消防 燃气").contains { $0.hasPrefix("notices/") })
        #expect(try SearchTests.search(out, "不存在的词语组合").isEmpty)
        // Drafts and documents dated after the as-of date are not in the index: every entry is a published page.
        var keys = Set<String>()
        let docs = out.appendingPathComponent("search/docs")
        for name in try FileManager.default.contentsOfDirectory(atPath: docs.path) where name.hasSuffix(".json") {
            let chunk = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: docs.appendingPathComponent(name))) as? [String: [String]])
            keys.formUnion(chunk.values.map { $0[1] })
        }
        #expect(!keys.contains("notices/tongbao-2026-1-10/"), "a draft is in the index")
        for key in keys {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(key + "index.html").path), "\(key) is not a page")
        }
        let notices = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("notices").path)
            .filter { !$0.hasSuffix(".html") && !$0.hasSuffix(".gz") && !$0.hasPrefix("page") && !$0.hasPrefix("20") }
        #expect(Set(notices.map { "notices/\($0)/" }).isSubset(of: keys), "a published notice is not in the index")
        // A rebuild with the cache, after an edit, leaves the index as a fresh build writes it.
        try site.edit("notices/2025-05-26-anquan-shengchan-yue.md") { $0 + "\n本月重点检查危化品仓储和城镇燃气。\n" }
        #expect(site.build().succeeded)
        let rebuilt = TemporarySite.tree(out)
        try FileManager.default.removeItem(at: CacheStore.folder(for: out))
        #expect(site.build().succeeded)
        #expect(TemporarySite.tree(out) == rebuilt)
        #expect(try SearchTests.search(out, "城镇燃气").contains("notices/anquan-shengchan-yue-2025/"))
    }
}
