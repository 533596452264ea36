import Mustache

/// HTML escaping for every `{{value}}` of the theme: `<`, `>`, `&`, `"` and `'`,
/// like swift-mustache's own, but over UTF-8 bytes with a fast path for text
/// that needs none (most of it), instead of a dictionary lookup per character.
struct HTMLEscape: MustacheContentType {
    /// The name the templates' first line selects it by.
    static let name = "TONGBAO_HTML"
    /// Put before every template: a standalone line, so it renders as nothing.
    static let pragma = "{{% CONTENT_TYPE: \(name)}}\n"

    /// Registers it once per process, before any template is parsed.
    static let registered: Void = MustacheContentTypes.register(HTMLEscape(), named: name)

    func escapeText(_ text: String) -> String { HTMLEscape.escape(text) }

    static func escape(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String in
            guard let first = bytes.firstIndex(where: needsEscape) else { return String(decoding: bytes, as: UTF8.self) }
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count + 32)
            result.append(contentsOf: bytes[..<first])
            for byte in bytes[first...] {
                switch byte {
                case UInt8(ascii: "<"): result.append(contentsOf: "&lt;".utf8)
                case UInt8(ascii: ">"): result.append(contentsOf: "&gt;".utf8)
                case UInt8(ascii: "&"): result.append(contentsOf: "&amp;".utf8)
                case UInt8(ascii: "\""): result.append(contentsOf: "&quot;".utf8)
                case UInt8(ascii: "'"): result.append(contentsOf: "&#39;".utf8)
                default: result.append(byte)
                }
            }
            return String(decoding: result, as: UTF8.self)
        }
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "&")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
