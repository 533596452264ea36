/// A published document as the site's search sees it: a notice, a bulletin,
/// a page, a monthly circular or an exposure batch. Drafts, documents dated
/// after the as-of date and expired exposures are never made into one.
struct SearchDocument: Sendable {
    /// Its page's path below the site root (`notices/tuijin/`): its identity in the index and its link.
    let key: String
    let title: String
    /// Nil for an undated page.
    let date: Day?
    /// What it is, shown in a result: 通知, 会议通知, 工作简报, 月通报, 曝光台, 页面.
    let kind: String
    /// What its terms and entry are made from, when the caller knows it without
    /// the body (a notice page's view digest, kept by the document cache): it
    /// must change whenever the title, date, kind or body does. Nil: made here
    /// from them.
    let digest: String?
    /// The body as HTML. Nil only when `digest` is given and the previous index
    /// has the document under that digest (its body was not read again).
    let html: String?
    /// The hash of `key` (`SearchTerms.hash`): where its number starts, and its place in the cache.
    let hash: UInt32

    init(key: String, title: String, date: Day?, kind: String, digest: String?, html: String?) {
        self.key = key
        self.title = title
        self.date = date
        self.kind = kind
        self.digest = digest
        self.html = html
        hash = SearchTerms.hash(key)
    }
}
