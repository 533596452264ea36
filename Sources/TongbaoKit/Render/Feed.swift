/// `feed.xml`: an Atom feed of the latest notices and bulletins.
enum Feed {
    /// How many entries the feed keeps.
    static let limit = 50
    /// Characters of an entry's summary.
    static let summaryLength = 200
    /// The office's time zone: ledger and document dates are China Standard Time.
    static let zone = "+08:00"

    struct Entry {
        let title: String
        let path: String
        let date: Day
        /// The body, for a summary of its start; or empty with `summary` given.
        var html: String = ""
        var summary: String?
    }

    /// - Parameter extra: more entries (circulars), already summarised.
    static func atom(settings: SiteSettings, publication: Publication, bodies: SiteRenderer.Bodies, extra: [Entry] = []) -> String {
        // Summaries are made only for the entries the feed keeps.
        var entries = publication.notices.prefix(limit).map { notice in
            Entry(title: notice.source.title, path: SitePaths.notice(notice.source.slug), date: notice.date,
                  summary: bodies.feedSummaries[notice.source.slug])
        }
        entries += publication.bulletins.prefix(limit).map { bulletin in
            Entry(title: "\(bulletin.source.title)（第\(bulletin.issue)期）", path: SitePaths.bulletin(bulletin.issue), date: bulletin.date,
                  html: bodies.bulletins[bulletin.issue] ?? "")
        }
        entries += extra.suffix(limit)
        entries.sort { ($0.date, $1.path) > ($1.date, $0.path) }
        entries = Array(entries.prefix(limit))
        let updated = entries.first?.date ?? publication.asOf
        var xml = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">
          <title>\(XML.escape(settings.title))</title>
          <link href="\(XML.escape(settings.baseURL))"/>
          <link rel="self" href="\(XML.escape(settings.baseURL + "feed.xml"))"/>
          <id>\(XML.escape(settings.baseURL))</id>
          <updated>\(timestamp(updated))</updated>
          <author><name>\(XML.escape(settings.issuer))</name></author>

        """
        for entry in entries {
            let link = XML.escape(settings.baseURL + entry.path)
            xml += """
              <entry>
                <title>\(XML.escape(entry.title))</title>
                <link href="\(link)"/>
                <id>\(link)</id>
                <updated>\(timestamp(entry.date))</updated>
                <summary>\(XML.escape(entry.summary ?? DisplayText.plainText(fromHTML: entry.html, limit: summaryLength)))</summary>
              </entry>

            """
        }
        return xml + "</feed>\n"
    }

    static func timestamp(_ day: Day) -> String { "\(day.iso)T00:00:00\(zone)" }
}
