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
    /// `exposures/2026-10/`
    public static func exposureBatch(_ month: String) -> String { "exposures/\(month)/" }

    /// Page `number` (1-based) of a list whose first page is at `base` (`notices/`).
    public static func listPage(_ base: String, _ number: Int) -> String {
        number <= 1 ? base : "\(base)page/\(number)/"
    }

    /// A `/`-separated file path as a URL path: every byte outside the
    /// unreserved set (letters, digits, `-._~`) percent-encoded, `/` kept.
    public static func encoded(_ path: String) -> String {
        var result = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }
}
