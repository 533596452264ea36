/// A page listed in `sitemap.xml`.
struct SitemapEntry {
    /// Path below the site root (`notices/x/`).
    let path: String
    let lastModified: Day?
}

/// `sitemap.xml` (sitemaps.org protocol), absolute URLs from `base_url`.
enum Sitemap {
    static func xml(baseURL: String, entries: [SitemapEntry]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for entry in entries.sorted(by: { $0.path < $1.path }) {
            xml += "  <url><loc>\(XML.escape(baseURL + entry.path))</loc>"
            if let day = entry.lastModified { xml += "<lastmod>\(day.iso)</lastmod>" }
            xml += "</url>\n"
        }
        return xml + "</urlset>\n"
    }
}
