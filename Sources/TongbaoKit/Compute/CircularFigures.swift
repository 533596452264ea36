/// The figures of one circular (月通报, 季度分析, 年度考核), computed from the
/// ledgers as of the period's reference day. Pure: the same model, period and
/// as-of date always give the same figures.
public struct CircularFigures: Sendable {
    public let period: ReportingPeriod
    /// D: the period's last day, or the as-of date when earlier.
    public let referenceDay: Day
    public let accidents: AccidentFigures
    public let hazards: HazardFigures
    public let enforcement: EnforcementFigures
    /// Every region, in rank order.
    public let regions: [RegionStanding]

    /// Accidents in the period and year to date against the same period last year.
    public struct AccidentFigures: Sendable {
        /// Accidents dated in the period, up to D.
        public let inPeriod: [Int]
        public let count: Int
        public let deaths: Int
        public let seriousInjuries: Int
        /// 万元
        public let directLoss: FixedDecimal
        /// Count per level, every level present.
        public let byLevel: [AccidentLevel: Int]
        public let yearToDate: Tally
        public let sameTimeLastYear: Tally
        /// 三个继续下降: the total below last year's, and 较大 and 重特大 each below last year's or zero in both.
        public let threeDeclines: Bool
    }

    /// Counts over a stretch of days.
    public struct Tally: Hashable, Sendable {
        public let count: Int
        public let deaths: Int
        /// 较大
        public let larger: Int
        /// 重特大 = 重大 + 特别重大
        public let majorOrWorse: Int
    }

    public struct HazardFigures: Sendable {
        /// Found in the period, up to D.
        public let found: Int
        /// Rectified in the period, up to D, whenever found.
        public let rectified: Int
        /// Status 逾期 as of D (indices into `SiteModel.hazards`, oldest deadline first).
        public let overdue: [Int]
        /// 重大 and not rectified by D (found by D).
        public let majorOpen: [Int]
        /// The same, listed for supervision (挂牌督办).
        public let supervisedOpen: [Int]
    }

    public struct EnforcementFigures: Sendable {
        public let inspections: Int
        /// Inspections per method, every method of the campaign present.
        public let inspectionsByMethod: [(method: String, count: Int)]
        public let penalties: Int
        /// Yuan.
        public let fines: FixedDecimal
        /// How often each action word appears, in the order of `Penalty.actions`, only those that occur.
        public let actions: [(action: String, count: Int)]
    }

    /// A region's line in the ranking (各地排名).
    public struct RegionStanding: Sendable {
        /// Index in `SiteModel.regions`.
        public let region: Int
        public let foundYearToDate: Int
        public let rectifiedYearToDate: Int
        public let overdue: Int
        public let accidentsYearToDate: Int
        /// 1-based; nil when nothing was found this year.
        public let rank: Int?
        /// Rate below the site's `rectification_bar` (通报批评).
        public let criticised: Bool

        public var rate: RectificationRate { RectificationRate(found: foundYearToDate, rectified: rectifiedYearToDate) }
    }

    /// Computes the figures of `period` as of `asOf`.
    public static func compute(_ model: SiteModel, period: ReportingPeriod, asOf: Day) -> CircularFigures {
        let d = period.referenceDay(asOf: asOf)
        let yearStart = d.startOfYear
        let lastYearEnd = d.sameDayLastYear
        let lastYearStart = lastYearEnd.startOfYear
        func inPeriod(_ day: Day) -> Bool { day >= period.start && day <= d }

        // Accidents
        var periodAccidents: [Int] = []
        var byLevel = Dictionary(uniqueKeysWithValues: AccidentLevel.allCases.map { ($0, 0) })
        var deaths = 0, injuries = 0, loss = FixedDecimal.zero(scale: 4)
        var ytd = (count: 0, deaths: 0, larger: 0, worse: 0), last = (count: 0, deaths: 0, larger: 0, worse: 0)
        var regionAccidents = Array(repeating: 0, count: model.regions.count)
        for (index, accident) in model.accidents.enumerated() {
            let level = accident.level
            if inPeriod(accident.date) {
                periodAccidents.append(index)
                byLevel[level, default: 0] += 1
                deaths += accident.deaths
                injuries += accident.seriousInjuries
                loss = loss + accident.directLoss
            }
            if accident.date >= yearStart && accident.date <= d {
                ytd.count += 1
                ytd.deaths += accident.deaths
                if level == .larger { ytd.larger += 1 }
                if level >= .major { ytd.worse += 1 }
                regionAccidents[accident.region] += 1
            }
            if accident.date >= lastYearStart && accident.date <= lastYearEnd {
                last.count += 1
                last.deaths += accident.deaths
                if level == .larger { last.larger += 1 }
                if level >= .major { last.worse += 1 }
            }
        }
        periodAccidents.sort { (model.accidents[$0].date, model.accidents[$0].id) < (model.accidents[$1].date, model.accidents[$1].id) }
        func declines(_ now: Int, _ before: Int) -> Bool { now < before || (now == 0 && before == 0) }
        let accidents = AccidentFigures(
            inPeriod: periodAccidents, count: periodAccidents.count, deaths: deaths, seriousInjuries: injuries, directLoss: loss,
            byLevel: byLevel,
            yearToDate: Tally(count: ytd.count, deaths: ytd.deaths, larger: ytd.larger, majorOrWorse: ytd.worse),
            sameTimeLastYear: Tally(count: last.count, deaths: last.deaths, larger: last.larger, majorOrWorse: last.worse),
            threeDeclines: ytd.count < last.count && declines(ytd.larger, last.larger) && declines(ytd.worse, last.worse))

        // Hazards
        var found = 0, rectified = 0
        var overdue: [Int] = [], majorOpen: [Int] = [], supervisedOpen: [Int] = []
        var regionFound = Array(repeating: 0, count: model.regions.count)
        var regionRectified = regionFound, regionOverdue = regionFound
        // Fields are read in place (no copy of each row and its strings): this loop runs once per period.
        model.hazards.withUnsafeBufferPointer { rows in
            for index in rows.indices {
                let hazardFound = rows[index].found, hazardRectified = rows[index].rectified
                if inPeriod(hazardFound) { found += 1 }
                if let day = hazardRectified, inPeriod(day) { rectified += 1 }
                guard let status = HazardStatus.of(found: hazardFound, rectified: hazardRectified, deadline: rows[index].deadline,
                                                   asOf: d) else { continue }
                let region = model.enterprises[rows[index].enterprise].region
                if status == .overdue {
                    overdue.append(index)
                    regionOverdue[region] += 1
                }
                if rows[index].level == .major && status != .rectified {
                    majorOpen.append(index)
                    if rows[index].supervised { supervisedOpen.append(index) }
                }
                if hazardFound >= yearStart {
                    regionFound[region] += 1
                    if status == .rectified { regionRectified[region] += 1 }
                }
            }
        }
        let byDeadline: (Int, Int) -> Bool = {
            (model.hazards[$0].deadline, model.hazards[$0].id) < (model.hazards[$1].deadline, model.hazards[$1].id)
        }
        let hazards = HazardFigures(found: found, rectified: rectified, overdue: overdue.sorted(by: byDeadline),
                                    majorOpen: majorOpen.sorted(by: byDeadline), supervisedOpen: supervisedOpen.sorted(by: byDeadline))

        // Enforcement
        var methods = Dictionary(uniqueKeysWithValues: Inspection.methods.map { ($0, 0) })
        var inspections = 0
        for inspection in model.inspections where inPeriod(inspection.date) {
            inspections += 1
            methods[inspection.method, default: 0] += 1
        }
        var penalties = 0, fines = FixedDecimal.zero(scale: 2)
        var actions: [String: Int] = [:]
        for penalty in model.penalties where inPeriod(penalty.date) {
            penalties += 1
            if let fine = penalty.fine { fines = fines + fine }
            for action in penalty.actions { actions[action, default: 0] += 1 }
        }
        let enforcement = EnforcementFigures(
            inspections: inspections,
            inspectionsByMethod: Inspection.methods.map { ($0, methods[$0] ?? 0) },
            penalties: penalties, fines: fines,
            actions: Penalty.actions.compactMap { action in actions[action].map { (action, $0) } })

        // Ranking: rate descending, then fewer overdue, then id; no rate last, unranked.
        var standings = model.regions.indices.map { region in
            (region: region, found: regionFound[region], rectified: regionRectified[region])
        }
        standings.sort { a, b in
            switch (a.found > 0, b.found > 0) {
            case (true, false): return true
            case (false, true): return false
            case (false, false): break
            case (true, true):
                // Compare rectified/found exactly by cross-multiplying.
                let left = a.rectified * b.found, right = b.rectified * a.found
                if left != right { return left > right }
            }
            if regionOverdue[a.region] != regionOverdue[b.region] { return regionOverdue[a.region] < regionOverdue[b.region] }
            return model.regions[a.region].id < model.regions[b.region].id
        }
        let bar = model.settings.rectificationBar
        let regions = standings.enumerated().map { position, standing in
            let rate = RectificationRate(found: standing.found, rectified: standing.rectified)
            return RegionStanding(region: standing.region, foundYearToDate: standing.found, rectifiedYearToDate: standing.rectified,
                                  overdue: regionOverdue[standing.region], accidentsYearToDate: regionAccidents[standing.region],
                                  rank: standing.found > 0 ? position + 1 : nil,
                                  criticised: rate.value.map { $0 < bar } ?? false)
        }
        return CircularFigures(period: period, referenceDay: d, accidents: accidents, hazards: hazards,
                               enforcement: enforcement, regions: regions)
    }

    /// The periods that have circulars as of `asOf`: from the first ledger record's
    /// period to the one holding `asOf`. Months, then quarters, then years.
    public static func periods(_ model: SiteModel, asOf: Day, kind: ReportingPeriod.Kind) -> [ReportingPeriod] {
        guard let first = firstRecordDay(model, asOf: asOf) else { return [] }
        return ReportingPeriod.all(kind, from: first, through: asOf)
    }

    /// The earliest date of any ledger record on or before `asOf`.
    public static func firstRecordDay(_ model: SiteModel, asOf: Day) -> Day? {
        var days: [Day] = []
        days += model.hazards.map(\.found)
        days += model.inspections.map(\.date)
        days += model.penalties.map(\.date)
        days += model.accidents.map(\.date)
        return days.filter { $0 <= asOf }.min()
    }
}
