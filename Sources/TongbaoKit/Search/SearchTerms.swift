/// The terms of the site's search (站内搜索), made the same way at build time
/// (here) and in the browser (the theme's `assets/search.js`):
/// - Chinese text as its character bigrams: `危化品` gives `危化`, `化品`; a run
///   of one Han character is that character. In a title every Han character
///   is also a term of its own, so that a one-character query finds titles.
/// - Latin letters and digits as lowercase words: `GB/T 9704-2012` gives
///   `gb`, `t`, `9704`, `2012`. Full-width letters and digits count as ASCII.
/// - Everything else (punctuation, spaces, other scripts) separates terms;
///   in HTML a block element (paragraph, table cell …) does too, an inline
///   one (link, emphasis) does not, and an entity (`&amp;`) is a separator.
/// A term is known by the 32-bit FNV-1a hash of its UTF-8 bytes.
enum SearchTerms {
    /// Short forms office staff type for names the documents write out in full: a document
    /// holding every bigram of the full form also gets the short form's terms, so `危化` finds
    /// a notice that only says 危险化学品. The theme's script has the same table (`SHORT_FORMS`),
    /// to mark the full form in the results.
    static let shortForms: [(short: String, full: String)] = [
        ("危化品", "危险化学品"),
        ("安委办", "安全生产委员会办公室"),
        ("安委会", "安全生产委员会"),
        ("应急局", "应急管理局"),
        ("住建局", "住房和城乡建设局"),
        ("市监局", "市场监督管理局"),
        ("交通局", "交通运输局"),
        ("重大隐患", "重大事故隐患"),
    ]

    /// `shortForms` as terms.
    static let shortFormTerms: [(short: [UInt32], full: [UInt32])] = shortForms.map {
        (terms(ofText: $0.short, everyHan: false), terms(ofText: $0.full, everyHan: false))
    }

    static let offsetBasis: UInt32 = 0x811C_9DC5
    static let prime: UInt32 = 0x0100_0193

    /// The hash of a term given as text (used by tests, the short forms and the documents' paths).
    static func hash(_ term: String) -> UInt32 { hash(term.utf8) }

    /// FNV-1a over `bytes`, going on from `hash` (a text in parts is hashed part after part).
    @inline(__always) static func hash(_ bytes: some Sequence<UInt8>, from hash: UInt32 = offsetBasis) -> UInt32 {
        var hash = hash
        for byte in bytes { hash = (hash ^ UInt32(byte)) &* prime }
        return hash
    }

    /// Distinct term hashes of plain text, sorted.
    static func terms(ofText text: String, everyHan: Bool) -> [UInt32] {
        var collector = Collector(everyHan: everyHan)
        for scalar in text.unicodeScalars { collector.take(scalar.value) }
        return collector.finish()
    }

    /// Distinct term hashes of the text of an HTML fragment (a rendered body), sorted.
    static func terms(ofHTML html: String) -> [UInt32] {
        var html = html
        return html.withUTF8 { terms(ofHTML: $0) }
    }

    static func terms(ofHTML bytes: UnsafeBufferPointer<UInt8>) -> [UInt32] {
        var collector = Collector(everyHan: false)
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                switch lead {
                case UInt8(ascii: "<"):
                    // A tag: a block element's breaks the text, an inline one's joins it.
                    var name: [UInt8] = []
                    var inName = true
                    while index < count, bytes[index] != UInt8(ascii: ">") {
                        let byte = bytes[index]
                        if inName {
                            if byte == UInt8(ascii: "/") && name.isEmpty {
                            } else if (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
                                        || byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                                if name.count < 12 { name.append(byte | 0x20) }
                            } else {
                                inName = false
                            }
                        }
                        index += 1
                    }
                    index += 1
                    if blockTags.contains(name) { collector.separate() }
                case UInt8(ascii: "&"):
                    // An entity (`&amp;`, `&lt;` …) separates terms.
                    var length = 0
                    while index < count, length < 10, bytes[index] != UInt8(ascii: ";") {
                        index += 1
                        length += 1
                    }
                    if index < count, bytes[index] == UInt8(ascii: ";") { index += 1 }
                    collector.separate()
                default:
                    collector.take(UInt32(lead))
                }
                continue
            }
            // A multi-byte UTF-8 sequence (the text came from a Swift string: well formed).
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            guard index + length <= count else { break }
            var value = UInt32(lead) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
            for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
            index += length
            collector.take(value)
        }
        return collector.finish()
    }

    /// Names of the HTML elements whose start or end breaks the text (lowercase).
    static let blockTags: Set<[UInt8]> = Set(["p", "li", "td", "th", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6", "div",
                                              "blockquote", "pre", "table", "ul", "ol", "hr", "dt", "dd", "caption",
                                              "section", "article", "figcaption"].map { Array($0.utf8) })

    /// CJK Unified Ideographs, Extension A, the compatibility ideographs and Extensions B to H.
    @inline(__always) static func isHan(_ value: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) || (0xF900...0xFAFF).contains(value)
            || (0x20000...0x323AF).contains(value)
    }

    /// Full-width ASCII as ASCII, upper case as lower case.
    @inline(__always) static func folded(_ value: UInt32) -> UInt32 {
        var value = value
        if value >= 0xFF01 && value <= 0xFF5E { value -= 0xFEE0 }
        if value >= 0x41 && value <= 0x5A { value += 0x20 }
        return value
    }

    /// Feeds a scalar's UTF-8 bytes to an FNV-1a hash.
    @inline(__always) static func feed(_ hash: UInt32, _ value: UInt32) -> UInt32 {
        var hash = hash
        if value < 0x80 {
            return (hash ^ value) &* prime
        } else if value < 0x800 {
            hash = (hash ^ (0xC0 | value >> 6)) &* prime
        } else if value < 0x10000 {
            hash = (hash ^ (0xE0 | value >> 12)) &* prime
            hash = (hash ^ (0x80 | (value >> 6) & 0x3F)) &* prime
        } else {
            hash = (hash ^ (0xF0 | value >> 18)) &* prime
            hash = (hash ^ (0x80 | (value >> 12) & 0x3F)) &* prime
            hash = (hash ^ (0x80 | (value >> 6) & 0x3F)) &* prime
        }
        return (hash ^ (0x80 | value & 0x3F)) &* prime
    }

    /// The state of reading text scalar by scalar.
    struct Collector {
        /// Every Han character is a term too (a title's).
        let everyHan: Bool
        /// The distinct terms so far, in the order first met.
        private(set) var terms: [UInt32] = []
        /// An open-addressing set of `terms` (0 marks a free slot; the term 0 is `hasZero`): a body's
        /// thousand-odd terms are made distinct as they come, instead of sorting them all.
        private var slots: [UInt32]
        private var hasZero = false
        /// The previous scalar, when it was a Han character; and how long the run of them is.
        private var previousHan: UInt32 = 0
        private var runLength = 0
        /// The word being read, hashed so far; and its length.
        private var word = SearchTerms.offsetBasis
        private var wordLength = 0

        init(everyHan: Bool) {
            self.everyHan = everyHan
            terms.reserveCapacity(512)
            slots = [UInt32](repeating: 0, count: 1024)
        }

        /// Adds a term unless it is there already.
        @inline(__always) private mutating func add(_ term: UInt32) {
            if term == 0 {
                if !hasZero { hasZero = true; terms.append(0) }
                return
            }
            var mask = slots.count - 1
            // Kept at most half full.
            if 2 * terms.count >= slots.count {
                slots = [UInt32](repeating: 0, count: 2 * slots.count)
                mask = slots.count - 1
                for old in terms where old != 0 {
                    var slot = Int((old &* 0x9E37_79B1) >> 7) & mask
                    while slots[slot] != 0 { slot = (slot + 1) & mask }
                    slots[slot] = old
                }
            }
            var slot = Int((term &* 0x9E37_79B1) >> 7) & mask
            while true {
                let found = slots[slot]
                if found == term { return }
                if found == 0 { break }
                slot = (slot + 1) & mask
            }
            slots[slot] = term
            terms.append(term)
        }

        mutating func take(_ scalar: UInt32) {
            let value = SearchTerms.folded(scalar)
            if SearchTerms.isHan(value) {
                endWord()
                if runLength > 0 { add(SearchTerms.feed(SearchTerms.feed(SearchTerms.offsetBasis, previousHan), value)) }
                if everyHan { add(SearchTerms.feed(SearchTerms.offsetBasis, value)) }
                previousHan = value
                runLength += 1
            } else if value >= 0x30 && value <= 0x39 || value >= 0x61 && value <= 0x7A {
                endHan()
                word = (word ^ value) &* SearchTerms.prime
                wordLength += 1
            } else {
                separate()
            }
        }

        mutating func separate() {
            endHan()
            endWord()
        }

        private mutating func endHan() {
            if runLength == 1 && !everyHan { add(SearchTerms.feed(SearchTerms.offsetBasis, previousHan)) }
            runLength = 0
        }

        private mutating func endWord() {
            if wordLength > 0 { add(word) }
            word = SearchTerms.offsetBasis
            wordLength = 0
        }

        /// The distinct terms, sorted.
        mutating func finish() -> [UInt32] {
            separate()
            terms.sort()
            return terms
        }
    }
}
