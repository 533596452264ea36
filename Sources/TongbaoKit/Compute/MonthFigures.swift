/// The key figures of one month up to a reference day, for the home page.
public struct MonthFigures: Hashable, Sendable {
    /// The month's first day.
    public let month: Day
    /// The last day counted: the month's last day, or the as-of date when earlier.
    public let referenceDay: Day
    public let accidents: Int
    public let deaths: Int
    public let hazardsFound: Int
    public let hazardsRectified: Int
    /// Hazards whose status on the reference day is 逾期 (any year).
    public let hazardsOverdue: Int
    /// Year to date: hazards found from 1 January to the reference day, and of those rectified by it.
    public let yearToDateRate: RectificationRate
    public let inspections: Int
    public let penalties: Int

    /// Figures of the month containing `asOf`, counted up to `asOf`.
    public static func compute(_ model: SiteModel, asOf: Day) -> MonthFigures {
        let first = asOf.firstOfMonth
        let yearStart = Day(unchecked: asOf.year, 1, 1)
        func inMonth(_ day: Day) -> Bool { day >= first && day <= asOf }
        var found = 0, rectified = 0, overdue = 0, foundYTD = 0, rectifiedYTD = 0
        for hazard in model.hazards {
            if inMonth(hazard.found) { found += 1 }
            if let day = hazard.rectified, inMonth(day) { rectified += 1 }
            if HazardStatus.of(hazard, asOf: asOf) == .overdue { overdue += 1 }
            if hazard.found >= yearStart && hazard.found <= asOf {
                foundYTD += 1
                if let day = hazard.rectified, day <= asOf { rectifiedYTD += 1 }
            }
        }
        let accidents = model.accidents.filter { inMonth($0.date) }
        return MonthFigures(
            month: first, referenceDay: asOf,
            accidents: accidents.count, deaths: accidents.reduce(0) { $0 + $1.deaths },
            hazardsFound: found, hazardsRectified: rectified, hazardsOverdue: overdue,
            yearToDateRate: RectificationRate(found: foundYTD, rectified: rectifiedYTD),
            inspections: model.inspections.count { inMonth($0.date) },
            penalties: model.penalties.count { inMonth($0.date) })
    }
}
