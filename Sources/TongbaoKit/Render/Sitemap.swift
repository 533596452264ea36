/// A page listed in `sitemap.xml`.
struct SitemapEntry {
    /// Path below the site root (`notices/x/`).
    let path: String
    let lastModified: Day?
}

/// `sitemap.xml` (sitemaps.org protocol), absolute URLs from `base_url`.
enum Sitemap {
    static func xml(baseURL: String, entries: [SitemapEntry]) -> String {
        var xml: [UInt8] = []
        xml.reserveCapacity(200 + entries.count * (baseURL.utf8.count + 80))
        xml += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n".utf8
        let base = XML.escape(baseURL)
        for entry in ByteOrder.sorted(entries, by: \.path) {
            xml += "  <url><loc>".utf8
            // The base URL is escaped once: escaping a concatenation is the concatenation of the escapes.
            xml += base.utf8
            xml += XML.escape(entry.path).utf8
            xml += "</loc>".utf8
            if let day = entry.lastModified {
                xml += "<lastmod>".utf8
                xml += day.iso.utf8
                xml += "</lastmod>".utf8
            }
            xml += "</url>\n".utf8
        }
        xml += "</urlset>\n".utf8
        return String(decoding: xml, as: UTF8.self)
    }
}
