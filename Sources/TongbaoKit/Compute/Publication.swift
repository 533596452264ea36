/// Which documents are published as of a day: not drafts, not dated after it.
public struct Publication: Sendable {
    public let asOf: Day
    /// Newest first (date, then document number, then slug, all descending).
    public let notices: [Notice]
    /// Newest first (issue number descending).
    public let bulletins: [Bulletin]
    /// By slug.
    public let pages: [Page]
    /// Narratives of circulars that may be shown: not drafts, not dated after the as-of date.
    public let circularNarratives: [ReportingPeriod: CircularNarrative]
    /// Narratives of exposure batches that may be shown, by month.
    public let exposureNarratives: [ReportingPeriod: ExposureNarrative]

    public init(_ model: SiteModel, asOf: Day) {
        self.asOf = asOf
        notices = model.notices
            .filter { !$0.source.draft && $0.date <= asOf }
            .sorted { a, b in
                if a.date != b.date { return a.date > b.date }
                let na = a.documentNumber?.number ?? 0, nb = b.documentNumber?.number ?? 0
                if na != nb { return na > nb }
                return a.source.slug > b.source.slug
            }
        bulletins = model.bulletins
            .filter { !$0.source.draft && $0.date <= asOf }
            .sorted { $0.issue > $1.issue }
        pages = model.pages.filter { !$0.source.draft }.sorted { $0.source.slug < $1.source.slug }
        var narratives: [ReportingPeriod: CircularNarrative] = [:]
        for narrative in model.circularNarratives where !narrative.source.draft && (narrative.date.map { $0 <= asOf } ?? true) {
            narratives[narrative.period] = narrative
        }
        circularNarratives = narratives
        var exposures: [ReportingPeriod: ExposureNarrative] = [:]
        for narrative in model.exposureNarratives where !narrative.source.draft && (narrative.date.map { $0 <= asOf } ?? true) {
            exposures[narrative.month] = narrative
        }
        exposureNarratives = exposures
    }
}
