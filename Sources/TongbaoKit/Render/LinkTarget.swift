/// A link of a document's body, with the page it is on and where it was written.
struct DocumentLink {
    let url: String
    /// The page's path below the root (`notices/x/`).
    let page: String
    let location: SourceLocation
    /// `LinkTarget.resolve(url, from: page, root:)`: the output path it must reach, or nil for a link leaving the site.
    let target: String?
}

/// Where an internal link lands in the output folder.
enum LinkTarget {
    /// The output path a link points to (`notices/x` or `files/a.pdf`), or nil
    /// for links that leave the site (a scheme, `//host`), fragments and empty links.
    static func resolve(_ url: String, from page: String, root: String) -> String? {
        var link = url
        if let cut = link.firstIndex(where: { $0 == "#" || $0 == "?" }) { link = String(link[..<cut]) }
        guard !link.isEmpty, !link.hasPrefix("//") else { return nil }
        if let colon = link.firstIndex(of: ":"), !link[..<colon].contains("/") { return nil } // a scheme: http:, mailto:, tel:
        var segments: [Substring]
        if link.hasPrefix("/") {
            guard link.hasPrefix(root) else { return nil }
            segments = link.dropFirst(root.count).split(separator: "/", omittingEmptySubsequences: false)
        } else {
            segments = page.split(separator: "/", omittingEmptySubsequences: false).dropLast() + link.split(separator: "/", omittingEmptySubsequences: false)
        }
        var resolved: [String] = []
        for segment in segments {
            switch segment {
            case "", ".": continue
            case "..": if !resolved.isEmpty { resolved.removeLast() }
            default: resolved.append(percentDecoded(String(segment)))
            }
        }
        let path = resolved.joined(separator: "/")
        return path.isEmpty ? "index.html" : path
    }

    static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
