/// The JSON twin of a circular page (FORMAT.md, "Monthly circular"): the figures
/// under the contract's keys, in the contract's order, numbers as numbers.
enum CircularJSON {
    static func make(_ figures: CircularFigures, model: SiteModel) -> JSON {
        let accidents = figures.accidents
        let hazards = figures.hazards
        let enforcement = figures.enforcement
        func tally(_ tally: CircularFigures.Tally) -> JSON {
            .object([("count", .int(tally.count)), ("deaths", .int(tally.deaths)),
                     ("较大", .int(tally.larger)), ("重特大", .int(tally.majorOrWorse))])
        }
        let periodKey = figures.period.kind == .month ? "month" : "period"
        return .object([
            (periodKey, .string(figures.period.key)),
            ("reference_day", .string(figures.referenceDay.iso)),
            ("accidents", .object([
                ("count", .int(accidents.count)),
                ("deaths", .int(accidents.deaths)),
                ("serious_injuries", .int(accidents.seriousInjuries)),
                ("direct_loss", .decimal(accidents.directLoss)),
                ("by_level", .object(AccidentLevel.allCases.map { ($0.name, .int(accidents.byLevel[$0] ?? 0)) })),
                ("ytd", tally(accidents.yearToDate)),
                ("ytd_last_year", tally(accidents.sameTimeLastYear)),
                ("three_declines", .bool(accidents.threeDeclines)),
            ])),
            ("hazards", .object([
                ("found", .int(hazards.found)),
                ("rectified", .int(hazards.rectified)),
                ("overdue", .int(hazards.overdue.count)),
                ("major_open", .int(hazards.majorOpen.count)),
                ("supervised_open", .int(hazards.supervisedOpen.count)),
            ])),
            ("enforcement", .object([
                ("inspections", .int(enforcement.inspections)),
                ("penalties", .int(enforcement.penalties)),
                ("fines", .decimal(enforcement.fines)),
                ("actions", .object(enforcement.actions.map { ($0.action, .int($0.count)) })),
                ("inspections_by_method", .object(enforcement.inspectionsByMethod.map { ($0.method, .int($0.count)) })),
            ])),
            ("regions", .array(figures.regions.map { standing in
                let region = model.regions[standing.region]
                return .object([
                    ("id", .string(region.id)),
                    ("name", .string(region.name)),
                    ("found_ytd", .int(standing.foundYearToDate)),
                    ("rectified_ytd", .int(standing.rectifiedYearToDate)),
                    ("rate", .ratio(standing.rate.value)),
                    ("overdue", .int(standing.overdue)),
                    ("accidents_ytd", .int(standing.accidentsYearToDate)),
                    ("rank", standing.rank.map { .int($0) } ?? .null),
                    ("criticised", .bool(standing.criticised)),
                ])
            })),
        ])
    }
}
