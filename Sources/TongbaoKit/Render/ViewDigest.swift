import Foundation
import Mustache

/// The key of a page in the render cache: SHA-256 of its template (with every
/// partial and parent it reaches) and of its view data, in an unambiguous
/// encoding (a type mark and a length before every value, dictionary keys in
/// order). A template renders the same bytes from the same view data, so an
/// equal digest means an equal page.
enum ViewDigest {
    /// The digest of a page's own view data: every top-level value except the
    /// `shared` ones (`site`, `chrome`), which are digested once per section.
    static func own(_ view: [String: Any], shared: [String: String]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4096)
        let keys = view.keys.filter { shared[$0] == nil }.sorted()
        bytes.append(UInt8(ascii: "{"))
        number(keys.count, into: &bytes)
        for key in keys {
            string(key, into: &bytes)
            if let value = view[key] { append(value, into: &bytes) }
        }
        return SHA256.hex(bytes)
    }

    /// What the pages of one template in one section share: the template's
    /// digest and the digests of the shared parts of their view data.
    static func context(template: String, shared: [String: String]) -> String {
        var bytes: [UInt8] = []
        string(template, into: &bytes)
        number(shared.count, into: &bytes)
        for key in shared.keys.sorted() {
            string(key, into: &bytes)
            string(shared[key] ?? "", into: &bytes)
        }
        return SHA256.hex(bytes)
    }

    /// The key of a page: its `context` and the digest of its own view data (`own`).
    static func page(context: String, own: String) -> String {
        var bytes: [UInt8] = []
        string(context, into: &bytes)
        string(own, into: &bytes)
        return SHA256.hex(bytes)
    }

    /// The digest of one value (a shared part of many views).
    static func digest(_ value: Any) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2048)
        append(value, into: &bytes)
        return SHA256.hex(bytes)
    }

    static func append(_ value: Any, into bytes: inout [UInt8]) {
        // The kinds the renderer makes, most frequent first; an array of
        // dictionaries is taken as one before `[Any]`, which would convert it.
        if let text = value as? String {
            string(text, into: &bytes)
        } else if let dictionary = value as? [String: Any] {
            append(dictionary, into: &bytes)
        } else if let flag = value as? Bool {
            bytes.append(flag ? UInt8(ascii: "T") : UInt8(ascii: "F"))
        } else if let integer = value as? Int {
            bytes.append(UInt8(ascii: "i"))
            number(integer, into: &bytes)
        } else if let strings = value as? [String] {
            // As `[Any]` of the same strings is encoded, without boxing each one (a list page's plan holds its entries' digests).
            bytes.append(UInt8(ascii: "["))
            number(strings.count, into: &bytes)
            for text in strings { string(text, into: &bytes) }
        } else if let array = value as? [[String: Any]] {
            bytes.append(UInt8(ascii: "["))
            number(array.count, into: &bytes)
            for element in array { append(element, into: &bytes) }
        } else if let array = value as? [Any] {
            bytes.append(UInt8(ascii: "["))
            number(array.count, into: &bytes)
            for element in array { append(element, into: &bytes) }
        } else if let real = value as? Double {
            bytes.append(UInt8(ascii: "d"))
            number(Int(bitPattern: UInt(real.bitPattern)), into: &bytes)
        } else if value is MustacheLambda {
            // The views' only lambda is `mask_name`, the same function on every page.
            bytes.append(UInt8(ascii: "L"))
        } else {
            // Not a kind the renderer makes: its type and description, so a change still shows.
            bytes.append(UInt8(ascii: "?"))
            string(String(reflecting: type(of: value)), into: &bytes)
            string(String(describing: value), into: &bytes)
        }
    }

    /// Encoded as `[Any]` of its elements would be, and as a dictionary inside one.
    private static func append(_ dictionary: [String: Any], into bytes: inout [UInt8]) {
        let keys = dictionary.keys.sorted()
        bytes.append(UInt8(ascii: "{"))
        number(keys.count, into: &bytes)
        for key in keys {
            string(key, into: &bytes)
            if let value = dictionary[key] { append(value, into: &bytes) }
        }
    }

    private static func string(_ text: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "s"))
        var text = text
        text.withUTF8 { utf8 in
            number(utf8.count, into: &bytes)
            bytes.append(contentsOf: utf8)
        }
    }

    /// Decimal digits and a `;` (what `String(value)` gives, without making a string).
    static func number(_ value: Int, into bytes: inout [UInt8]) {
        decimal(value, into: &bytes)
        bytes.append(UInt8(ascii: ";"))
    }

    /// The decimal digits of `value`, as `String(value)` writes them.
    static func decimal(_ value: Int, into bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 20 digits at most, kept on the stack
        var count = 0
        repeat {
            withUnsafeMutableBytes(of: &digits) { $0[count] = UInt8(ascii: "0") + UInt8(magnitude % 10) }
            magnitude /= 10
            count += 1
        } while magnitude > 0
        withUnsafeBytes(of: &digits) { stored in
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(stored[index]) }
        }
    }
}
