import Foundation

/// The search page (`search/`) and the index behind it (`SearchIndex`).
extension SiteRenderer {
    mutating func renderSearchPage() {
        emit("search", path: "search/", title: "站内搜索", section: nil, breadcrumbs: [],
             description: "搜索本站的通知公告、工作简报、月度通报和曝光台",
             extra: ["search": ["meta_url": url(SearchIndex.metaPath)]])
    }

    /// A notice's text for the index: its document number, then its body.
    static func searchHTML(_ notice: Notice, body: String) -> String {
        guard let number = notice.documentNumber else { return body }
        return "<p>" + HTMLEscape.escape(number.description) + "</p>" + body
    }

    /// Makes the index over every published document, once their pages are rendered (a notice
    /// is known by its page's view digest), and keeps its cache for the next build.
    mutating func renderSearchIndex(bodies: Bodies, noticePages: [Int]) {
        var documents: [SearchDocument] = []
        documents.reserveCapacity(publication.notices.count + searchDocuments.count)
        for (index, notice) in publication.notices.enumerated() {
            // A notice is known by its page's own view digest (title, date, meeting, body …); the body of
            // a reused one is there only when the index lacked it (or the feed wanted it).
            let reused = index < reusedNotices.count ? reusedNotices[index] != nil : false
            let viewDigest = reused ? reusedNotices[index]?.facts.viewDigest : files[noticePages[index]].viewDigest
            let body = !reused ? bodies.notices[notice.source.slug] : needsBody(index) ? reusedBodies[notice.source.file] : nil
            documents.append(SearchDocument(
                key: SitePaths.notice(notice.source.slug), title: notice.source.title, date: notice.date.iso,
                kind: notice.meeting == nil ? "通知" : "会议通知", digest: viewDigest,
                html: body.map { SiteRenderer.searchHTML(notice, body: $0) }))
        }
        for bulletin in publication.bulletins {
            documents.append(SearchDocument(key: SitePaths.bulletin(bulletin.issue), title: bulletin.source.title,
                                            date: bulletin.date.iso, kind: "工作简报 第\(bulletin.issue)期", digest: nil,
                                            html: bodies.bulletins[bulletin.issue] ?? ""))
        }
        for page in publication.pages {
            documents.append(SearchDocument(key: SitePaths.page(page.source.slug), title: page.source.title, date: "",
                                            kind: "页面", digest: nil, html: bodies.pages[page.source.slug] ?? ""))
        }
        documents += searchDocuments
        let made = SearchIndex.build(documents, previous: searchCache, renderCache: cache, parallel: parallel)
        files += made.files
        searchCacheBytes = made.cache
    }
}
