/// 曝光台: which penalties are publicly exposed on a day, grouped in monthly batches.
public struct ExposureBoard: Sendable {
    /// A month's batch (第N批), numbered within its year.
    public struct Batch: Sendable {
        /// The month of the penalties' dates.
        public let month: ReportingPeriod
        /// 1-based number within the year, counted over every month that ever had an
        /// exposure up to the as-of date: it does not change when entries expire.
        public let number: Int
        /// Indices into `SiteModel.penalties`, newest first; never empty.
        public let entries: [Int]

        /// `2026年第3批`
        public var label: String { "\(month.start.year)年第\(number)批" }
    }

    public let asOf: Day
    /// Indices into `SiteModel.penalties` of every exposed entry, newest first.
    public let entries: [Int]
    /// Batches that still hold an entry, newest first.
    public let batches: [Batch]

    /// Whether a penalty is exposed on `day`: `expose: true`, dated on or before
    /// the day and, when `expose_until` is given, not past it.
    public static func isExposed(_ penalty: Penalty, on day: Day) -> Bool {
        penalty.expose && penalty.date <= day && (penalty.exposeUntil.map { day <= $0 } ?? true)
    }

    public init(_ model: SiteModel, asOf: Day) {
        self.asOf = asOf
        let newestFirst: (Int, Int) -> Bool = {
            (model.penalties[$0].date, model.penalties[$0].id) > (model.penalties[$1].date, model.penalties[$1].id)
        }
        entries = model.penalties.indices.filter { ExposureBoard.isExposed(model.penalties[$0], on: asOf) }.sorted(by: newestFirst)
        // Number the months that ever had an exposure, so numbers stay put as entries expire.
        let everExposed = Set(model.penalties.filter { $0.expose && $0.date <= asOf }
            .map { ReportingPeriod.month($0.date.year, $0.date.month) })
        var numbers: [ReportingPeriod: Int] = [:]
        var perYear: [Int: Int] = [:]
        for month in everExposed.sorted() {
            perYear[month.start.year, default: 0] += 1
            numbers[month] = perYear[month.start.year]
        }
        var grouped: [ReportingPeriod: [Int]] = [:]
        for index in entries {
            let date = model.penalties[index].date
            grouped[ReportingPeriod.month(date.year, date.month), default: []].append(index)
        }
        batches = grouped.keys.sorted(by: >).map { month in
            Batch(month: month, number: numbers[month] ?? 0, entries: grouped[month] ?? [])
        }
    }
}

/// 挂牌督办: major hazards listed for supervision, open and lately closed (摘牌).
public struct SupervisedList: Sendable {
    /// How far back closed hazards stay on the list.
    public static let closedWindow = 90

    public let asOf: Day
    /// Open on the as-of date, earliest deadline first.
    public let open: [Int]
    /// Rectified at most `closedWindow` days before the as-of date, latest first.
    public let closed: [Int]

    public init(_ model: SiteModel, asOf: Day) {
        self.asOf = asOf
        let listed = model.hazards.indices.filter { model.hazards[$0].supervised && model.hazards[$0].level == .major }
        open = listed
            .filter { HazardStatus.of(model.hazards[$0], asOf: asOf).map { $0 != .rectified } ?? false }
            .sorted { (model.hazards[$0].deadline, model.hazards[$0].id) < (model.hazards[$1].deadline, model.hazards[$1].id) }
        let since = asOf.adding(days: -SupervisedList.closedWindow)
        closed = listed
            .filter { index in model.hazards[index].rectified.map { $0 >= since && $0 <= asOf } ?? false }
            .sorted { a, b in
                let dayA = model.hazards[a].rectified ?? since, dayB = model.hazards[b].rectified ?? since
                return (dayA, model.hazards[a].id) > (dayB, model.hazards[b].id)
            }
    }
}
