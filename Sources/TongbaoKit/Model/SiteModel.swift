/// The whole validated site: settings, reference data, ledgers and documents,
/// with every reference resolved to an index into the arrays here.
public struct SiteModel: Sendable {
    public var settings: SiteSettings
    public var regions: [Region] = []
    public var departments: [Department] = []
    public var sectors: [Sector] = []
    public var enterprises: [Enterprise] = []
    public var hazards: [Hazard] = []
    public var inspections: [Inspection] = []
    public var penalties: [Penalty] = []
    public var accidents: [Accident] = []
    public var notices: [Notice] = []
    public var bulletins: [Bulletin] = []
    public var pages: [Page] = []
    /// Narratives of circulars, by period.
    public var circularNarratives: [CircularNarrative] = []
    /// Narratives of exposure batches, by month.
    public var exposureNarratives: [ExposureNarrative] = []
    /// Files under `static/`, `/`-separated paths relative to it, sorted.
    public var staticFiles: [String] = []

    public init(settings: SiteSettings) {
        self.settings = settings
    }

    /// True when the site keeps any ledger records.
    public var hasLedgers: Bool {
        !hazards.isEmpty || !inspections.isEmpty || !penalties.isEmpty || !accidents.isEmpty
    }
}
