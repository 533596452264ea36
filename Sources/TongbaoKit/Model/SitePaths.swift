/// The URL layout of a published site, relative to its root.
public enum SitePaths {
    /// Top-level names the build itself uses; free pages may not take them.
    public static let reservedTopLevel: Set<String> = [
        "notices", "bulletins", "circulars", "exposures", "regions", "supervised", "search",
        "assets", "static", "files", "feed.xml", "sitemap.xml", "404.html", "index.html", "page",
    ]

    public static func notice(_ slug: String) -> String { "notices/\(slug)/" }
    public static func bulletin(_ issue: Int) -> String { "bulletins/\(issue)/" }
    public static func page(_ slug: String) -> String { "\(slug)/" }
    /// `circulars/2021-06/`, `circulars/2021-Q2/`, `circulars/2021/`
    public static func circular(_ key: String) -> String { "circulars/\(key)/" }
    public static func region(_ id: String) -> String { "regions/\(id)/" }

    /// Page `number` (1-based) of a list whose first page is at `base` (`notices/`).
    public static func listPage(_ base: String, _ number: Int) -> String {
        number <= 1 ? base : "\(base)page/\(number)/"
    }
}
