/// The settings of `content/site.yml`.
public struct SiteSettings: Hashable, Sendable {
    public var title: String
    /// 发文机关: used in official-document headers and signatures.
    public var issuer: String
    /// 发文字号 prefix: `安委办` gives `安委办〔2021〕12号`.
    public var documentPrefix: String
    /// Absolute base URL, always ending in `/`; may carry a sub-path.
    public var baseURL: String
    public var asOf: Day?
    /// Regions whose rectification rate is below this are criticised (通报批评).
    public var rectificationBar: Double
    /// Pass raw HTML in Markdown through (tagfilter still applies).
    public var unsafeHTML: Bool
    /// Documents per list page.
    public var pageSize: Int
    /// Mobile numbers the office publishes on purpose (a duty phone): the privacy guard lets them through.
    public var publicPhones: [String] = []

    /// The URL path the site is served under, starting and ending with `/`.
    public var rootPath: String {
        guard let schemeEnd = baseURL.range(of: "://") else { return "/" }
        let afterScheme = baseURL[schemeEnd.upperBound...]
        guard let slash = afterScheme.firstIndex(of: "/") else { return "/" }
        let path = String(afterScheme[slash...])
        return path.hasSuffix("/") ? path : path + "/"
    }

    /// The origin (`https://host`) without the path.
    public var origin: String {
        let root = rootPath
        return String(baseURL.dropLast(root.count))
    }
}
