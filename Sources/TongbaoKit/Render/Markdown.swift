import CCmarkGFM
import Foundation

/// GitHub-flavoured Markdown to HTML through cmark-gfm, with the table,
/// strikethrough, autolink and tagfilter extensions.
///
/// cmark-gfm's parser is not thread-safe even with separate parsers (every
/// parse toggles a global character table), so every parse runs under one lock.
public struct MarkdownRenderer: Sendable {
    /// Pass raw HTML through (tagfilter still applies); otherwise it is dropped.
    public var unsafeHTML: Bool
    /// The site's root path (`/` or `/anwei/`): site-absolute links (`/notices/x/`)
    /// are rewritten to stay under it.
    public var rootPath: String

    public init(unsafeHTML: Bool = false, rootPath: String = "/") {
        self.unsafeHTML = unsafeHTML
        self.rootPath = rootPath
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered = false
    private static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter"]

    public func html(_ markdown: String) -> String { render(markdown).html }

    /// A place in the Markdown text, 1-based.
    public struct Position: Hashable, Sendable {
        public let line: Int
        public let column: Int
    }

    /// What rendering found besides the HTML.
    public struct Rendered: Sendable {
        public let html: String
        /// Where raw HTML was dropped (comments left out: dropping them loses nothing).
        public let droppedHTML: [Position]
        /// Every link and image destination, as written in the output, with where it stands.
        public let links: [(url: String, position: Position)]
    }

    /// Only parsing holds the lock: walking the tree and writing HTML touch no
    /// shared state, so they run on as many threads as call this.
    public func render(_ markdown: String) -> Rendered {
        var options = CMARK_OPT_DEFAULT
        if unsafeHTML { options |= CMARK_OPT_UNSAFE }
        MarkdownRenderer.lock.lock()
        if !MarkdownRenderer.registered {
            cmark_gfm_core_extensions_ensure_registered()
            MarkdownRenderer.registered = true
        }
        guard let parser = cmark_parser_new(options) else {
            MarkdownRenderer.lock.unlock()
            return Rendered(html: "", droppedHTML: [], links: [])
        }
        defer { cmark_parser_free(parser) }
        for name in MarkdownRenderer.extensionNames {
            if let syntax = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntax)
            }
        }
        markdown.utf8CString.withUnsafeBufferPointer { buffer in
            // The buffer ends with a NUL that is not part of the text.
            cmark_parser_feed(parser, buffer.baseAddress, buffer.count - 1)
        }
        let parsed = cmark_parser_finish(parser)
        MarkdownRenderer.lock.unlock()
        guard let document = parsed else { return Rendered(html: "", droppedHTML: [], links: []) }
        defer { cmark_node_free(document) }
        let (dropped, links) = adjustLinks(in: document)
        guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            return Rendered(html: "", droppedHTML: dropped, links: links)
        }
        defer { free(rendered) }
        return Rendered(html: MarkdownRenderer.alignmentAsClasses(String(cString: rendered)), droppedHTML: dropped, links: links)
    }

    /// cmark-gfm writes table alignment as `align="right"`, which HTML5 no longer
    /// has; the theme styles `class="align-right"` instead (no inline style, which
    /// a strict Content-Security-Policy would block).
    static func alignmentAsClasses(_ html: String) -> String {
        ByteReplace.replacing(html, ["th", "td"].flatMap { cell in
            ["left", "center", "right"].map { ("<\(cell) align=\"\($0)\"", "<\(cell) class=\"align-\($0)\"") }
        })
    }

    /// The bytes of line `number` (1-based) of `text`, without its line break; nil past the end.
    static func line(_ number: Int, of text: String) -> [UInt8]? {
        var remaining = number - 1
        var start = text.utf8.startIndex
        while remaining > 0 {
            guard let newline = text.utf8[start...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            start = text.utf8.index(after: newline)
            remaining -= 1
        }
        let rest = text.utf8[start...]
        return Array(rest.prefix { $0 != UInt8(ascii: "\n") })
    }

    // MARK: Links

    /// Characters that end an autolink in Chinese text: full-width punctuation,
    /// CJK brackets and quotes. GFM's autolink runs on through them.
    static func endsAutolink(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3000...0x303F, 0xFF01...0xFF0F, 0xFF1A...0xFF20, 0xFF3B...0xFF40, 0xFF5B...0xFF65,
             0x2018...0x201F, 0x2026, 0x2014, 0x2015, 0x00B7:
            return true
        default:
            return false
        }
    }

    /// Fixes links; returns where safe mode drops raw HTML, and the links.
    private func adjustLinks(in document: OpaquePointer) -> ([Position], [(url: String, position: Position)]) {
        var links: [OpaquePointer] = []
        var rawHTML: [Position] = []
        guard let iterator = cmark_iter_new(document) else { return ([], []) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE { links.append(node) }
            if !unsafeHTML && (type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE),
               let literal = cmark_node_get_literal(node), !String(cString: literal).hasPrefix("<!--") {
                rawHTML.append(Position(line: Int(cmark_node_get_start_line(node)), column: Int(cmark_node_get_start_column(node))))
            }
        }
        cmark_iter_free(iterator)
        var destinations: [(url: String, position: Position)] = []
        for link in links {
            endAutolinkAtChinesePunctuation(link)
            rebaseSiteAbsoluteURL(link)
            if let url = cmark_node_get_url(link) {
                destinations.append((String(cString: url), Position(line: Int(cmark_node_get_start_line(link)),
                                                                    column: Int(cmark_node_get_start_column(link)))))
            }
        }
        return (rawHTML, destinations)
    }

    /// Cuts an autolink (its text is its URL) at the first Chinese punctuation mark
    /// and puts the rest back as text after the link.
    private func endAutolinkAtChinesePunctuation(_ link: OpaquePointer) {
        guard cmark_node_get_type(link) == CMARK_NODE_LINK,
              let child = cmark_node_first_child(link), cmark_node_next(child) == nil,
              cmark_node_get_type(child) == CMARK_NODE_TEXT,
              let literalPointer = cmark_node_get_literal(child), let urlPointer = cmark_node_get_url(link) else { return }
        let literal = String(cString: literalPointer)
        let url = String(cString: urlPointer)
        guard url.hasSuffix(literal), url.count - literal.count <= "mailto:".count,
              let cut = literal.unicodeScalars.firstIndex(where: MarkdownRenderer.endsAutolink) else { return }
        var kept = String(literal.unicodeScalars[..<cut])
        // As GFM does at the end of an autolink: trailing ASCII punctuation is not part of it.
        while let last = kept.unicodeScalars.last, ".,:;!?\"'*_~".unicodeScalars.contains(last) {
            kept.unicodeScalars.removeLast()
        }
        guard !kept.isEmpty else { return }
        let rest = String(literal.unicodeScalars[kept.unicodeScalars.endIndex...])
        let prefix = String(url.dropLast(literal.count))
        cmark_node_set_url(link, prefix + kept)
        cmark_node_set_literal(child, kept)
        if let text = cmark_node_new(CMARK_NODE_TEXT) {
            cmark_node_set_literal(text, rest)
            cmark_node_insert_after(link, text)
        }
    }

    /// `/notices/x/` → `/anwei/notices/x/` when the site lives under `/anwei/`.
    private func rebaseSiteAbsoluteURL(_ link: OpaquePointer) {
        guard rootPath != "/", let urlPointer = cmark_node_get_url(link) else { return }
        let url = String(cString: urlPointer)
        guard url.hasPrefix("/"), !url.hasPrefix("//"), !url.hasPrefix(rootPath) else { return }
        cmark_node_set_url(link, String(rootPath.dropLast()) + url)
    }
}
