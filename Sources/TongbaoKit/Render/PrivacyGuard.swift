/// Personal data must never be published: before anything is written, every
/// text the site would publish is scanned for mainland identity-card numbers
/// (GB 11643) and mobile numbers. HTML is scanned twice: as written (which
/// covers attribute values) and as a reader sees it, with inline markup
/// removed, so that `<b>3604</b>26…` cannot slip through.
public struct PrivacyGuard: Sendable {
    public enum Kind: String, Sendable {
        case identityCard = "身份证号码"
        case mobile = "手机号码"
    }

    /// A piece of personal data found in a planned file.
    public struct Hit: Hashable, Sendable {
        public let kind: Kind
        /// The value as found (digits, and `X` for an identity card).
        public let value: String
        /// The output file it would be published in.
        public let path: String

        /// `3604**********0071`, `138****8000`
        public var masked: String {
            let characters = Array(value)
            let keep = kind == .identityCard ? 4 : 3
            let tail = 4
            guard characters.count > keep + tail else { return String(repeating: "*", count: characters.count) }
            return String(characters.prefix(keep)) + String(repeating: "*", count: characters.count - keep - tail)
                + String(characters.suffix(tail))
        }
    }

    /// Mobile numbers the office publishes on purpose (`public_phones` in site.yml).
    let publicPhones: Set<String>
    /// Credit codes of the ledgers: about 1 in 31 also passes the identity-card check.
    let creditCodes: Set<String>

    public init(publicPhones: [String], creditCodes: [String]) {
        self.publicPhones = Set(publicPhones.map { String($0.filter(\.isNumber)) })
        self.creditCodes = Set(creditCodes.map { $0.uppercased() })
    }

    /// Extensions of the files scanned; others (images, PDF, CSS of the theme) are not text a reader sees.
    static let scannedExtensions: Set<String> = ["html", "htm", "json", "xml", "txt", "csv", "md"]

    static func isScanned(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: ".") else { return false }
        return scannedExtensions.contains(path[path.index(after: dot)...].lowercased())
    }

    /// Every hit in one file's bytes, each value once.
    public func scan(_ bytes: [UInt8], path: String) -> [Hit] {
        var candidates = false
        return scan(bytes, path: path, candidates: &candidates)
    }

    /// Every hit, and whether the file holds any number of the two kinds at all,
    /// published on purpose or not (a page without any needs no new scan when
    /// only `public_phones` or the credit codes change).
    func scan(_ bytes: [UInt8], path: String, candidates: inout Bool) -> [Hit] {
        var hits: [Hit] = []
        var seen = Set<String>()
        func record(_ kind: Kind, _ value: String) {
            if seen.insert(value).inserted { hits.append(Hit(kind: kind, value: value, path: path)) }
        }
        let isMarkup = path.hasSuffix(".html") || path.hasSuffix(".htm") || path.hasSuffix(".xml")
        for stream in isMarkup ? [bytes, PrivacyGuard.readerText(bytes)] : [bytes] {
            scanStream(stream, candidates: &candidates, record: record)
        }
        return hits
    }

    private func scanStream(_ bytes: [UInt8], candidates: inout Bool, record: (Kind, String) -> Void) {
        var index = 0
        let count = bytes.count
        while index < count {
            guard isDigit(bytes[index]) else { index += 1; continue }
            // A run of digits (an identity card may end in X).
            var end = index
            while end < count && isDigit(bytes[end]) { end += 1 }
            var runEnd = end
            if end - index == 17, end < count, bytes[end] == UInt8(ascii: "X") || bytes[end] == UInt8(ascii: "x") { runEnd = end + 1 }
            let before: UInt8? = index > 0 ? bytes[index - 1] : nil
            let after: UInt8? = runEnd < count ? bytes[runEnd] : nil
            let bounded = !(before.map(isAlphanumeric) ?? false) && !(after.map(isAlphanumeric) ?? false)
            let run = Array(bytes[index..<runEnd])
            if bounded && run.count == 18, PrivacyGuard.isIdentityCard(run) {
                let value = String(decoding: run, as: UTF8.self).uppercased()
                candidates = true
                if !creditCodes.contains(value) { record(.identityCard, value) }
            } else if run.count == 11 && run[0] == UInt8(ascii: "1") && run[1] >= UInt8(ascii: "3") && run[1] <= UInt8(ascii: "9")
                        && !(before.map(isDigit) ?? false) && !(after.map(isDigit) ?? false) {
                let value = String(decoding: run, as: UTF8.self)
                candidates = true
                if !publicPhones.contains(value) { record(.mobile, value) }
            }
            index = runEnd
        }
    }

    /// GB 11643: 6-digit area, a real birth date YYYYMMDD, 3-digit sequence, check character.
    static func isIdentityCard(_ characters: [UInt8]) -> Bool {
        guard characters.count == 18 else { return false }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for position in 0..<17 {
            let byte = characters[position]
            guard byte >= 48 && byte <= 57 else { return false }
            sum += Int(byte - 48) * weights[position]
        }
        let check = Array("10X98765432".utf8)[sum % 11]
        let last = characters[17] == UInt8(ascii: "x") ? UInt8(ascii: "X") : characters[17]
        guard last == check else { return false }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(characters[$1] - 48) } }
        let year = number(6..<10), month = number(10..<12), day = number(12..<14)
        guard (1900...2100).contains(year) else { return false }
        return Day(year: year, month: month, day: day) != nil
    }

    /// The text a reader sees: tags of inline elements removed outright (their
    /// text runs on), other tags turned into a space, character references decoded.
    static func readerText(_ html: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(html.count)
        var index = 0
        let count = html.count
        while index < count {
            let byte = html[index]
            if byte == UInt8(ascii: "<") {
                var end = index + 1
                while end < count && html[end] != UInt8(ascii: ">") { end += 1 }
                var nameStart = index + 1
                if nameStart < count && html[nameStart] == UInt8(ascii: "/") { nameStart += 1 }
                var nameEnd = nameStart
                while nameEnd < end && isAlphanumeric(html[nameEnd]) { nameEnd += 1 }
                if !isInlineElement(html[nameStart..<nameEnd]) { output.append(0x20) }
                index = end + 1
            } else if byte == UInt8(ascii: "&") {
                var end = index + 1
                while end < count && end - index < 10 && html[end] != UInt8(ascii: ";") { end += 1 }
                if end < count && html[end] == UInt8(ascii: ";"), let decoded = decodeReference(html[(index + 1)..<end]) {
                    output.append(contentsOf: decoded)
                    index = end + 1
                } else {
                    output.append(byte)
                    index += 1
                }
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    /// Whether a tag name (ASCII letters and digits) is one of `inlineElements`,
    /// case-insensitively, without making a string of it.
    static func isInlineElement(_ name: ArraySlice<UInt8>) -> Bool {
        guard !name.isEmpty, name.count <= 8 else { return false }
        var key: UInt64 = 0
        for byte in name { key = key << 8 | UInt64(byte >= 65 && byte <= 90 ? byte + 32 : byte) }
        return inlineKeys.contains(key)
    }

    private static let inlineKeys: Set<UInt64> = Set(inlineElements.map { name in
        name.utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    })

    static let inlineElements: Set<String> = ["a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i",
                                              "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup",
                                              "time", "u", "var", "wbr"]

    private static func decodeReference(_ body: ArraySlice<UInt8>) -> [UInt8]? {
        let text = String(decoding: body, as: UTF8.self)
        switch text {
        case "amp": return [UInt8(ascii: "&")]
        case "lt": return [UInt8(ascii: "<")]
        case "gt": return [UInt8(ascii: ">")]
        case "quot": return [UInt8(ascii: "\"")]
        case "apos", "#39": return [UInt8(ascii: "'")]
        case "nbsp": return [0x20]
        default:
            guard text.hasPrefix("#") else { return nil }
            let digits = text.dropFirst()
            let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value, let scalar = Unicode.Scalar(value) else { return nil }
            return Array(String(Character(scalar)).utf8)
        }
    }
}

private func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
private func isAlphanumeric(_ byte: UInt8) -> Bool {
    (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
}
