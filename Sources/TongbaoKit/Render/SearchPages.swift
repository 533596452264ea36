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
        // A notice is known by its page's own view digest (title, date, meeting, body …); the body of a reused
        // one is there when the index lacked it (or the feed wanted it). Made on all cores.
        let notices = publication.notices, reused = reusedNotices, planned = files, noticeBodies = bodies.notices
        let reusedBodies = self.reusedBodies
        var documents = Parallel.map(notices.count, chunk: 256, parallel: parallel) { index -> SearchDocument in
            let notice = notices[index]
            let facts = index < reused.count ? reused[index]?.facts : nil
            let viewDigest = facts.map(\.viewDigest) ?? planned[noticePages[index]].viewDigest
            let body = facts == nil ? noticeBodies[notice.source.slug] : reusedBodies[notice.source.file]
            return SearchDocument(key: SitePaths.notice(notice.source.slug), title: notice.source.title, date: notice.date,
                                  kind: notice.meeting == nil ? "通知" : "会议通知", digest: viewDigest,
                                  html: body.map { SiteRenderer.searchHTML(notice, body: $0) })
        }
        for bulletin in publication.bulletins {
            documents.append(SearchDocument(key: SitePaths.bulletin(bulletin.issue), title: bulletin.source.title,
                                            date: bulletin.date, kind: "工作简报 第\(bulletin.issue)期", digest: nil,
                                            html: bodies.bulletins[bulletin.issue] ?? ""))
        }
        for page in publication.pages {
            documents.append(SearchDocument(key: SitePaths.page(page.source.slug), title: page.source.title, date: nil,
                                            kind: "页面", digest: nil, html: bodies.pages[page.source.slug] ?? ""))
        }
        documents += searchDocuments
        let made = SearchIndex.build(documents, previous: searchCache, renderCache: cache, parallel: parallel)
        files += made.files
        searchCacheBytes = made.cache
    }
}
