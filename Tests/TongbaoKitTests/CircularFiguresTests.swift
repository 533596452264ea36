import Testing
@testable import TongbaoKit

/// A small hand-made ledger for figure-by-figure tests.
struct LedgerBuilder {
    var model: SiteModel

    init(bar: Double = 0.9) {
        model = SiteModel(settings: SiteSettings(title: "测试", issuer: "测试", documentPrefix: "安委办", baseURL: "https://x.example/",
                                                 asOf: nil, rectificationBar: bar, unsafeHTML: false, pageSize: 20))
        model.regions = [Region(id: "a", name: "甲镇", kind: "镇"), Region(id: "b", name: "乙乡", kind: "乡"),
                         Region(id: "c", name: "丙街道", kind: "街道")]
        model.departments = [Department(id: "yingji", name: "应急局")]
        model.sectors = [Sector(id: "weihua", name: "危险化学品", lead: 0)]
        model.enterprises = model.regions.indices.map { Enterprise(id: "E\($0)", name: "企业\($0)", creditCode: nil, region: $0, sector: 0) }
    }

    static func day(_ text: String) -> Day {
        guard case .valid(let day) = Day.parse(text) else { preconditionFailure("bad test date \(text)") }
        return day
    }

    mutating func hazard(_ region: Int, found: String, deadline: String, rectified: String? = nil,
                         level: Hazard.Level = .general, supervised: Bool = false) {
        model.hazards.append(Hazard(id: "H\(model.hazards.count)", enterprise: region, found: Self.day(found), description: "隐患",
                                    level: level, deadline: Self.day(deadline), rectified: rectified.map(Self.day),
                                    supervised: supervised, inspection: nil))
    }

    mutating func accident(_ date: String, region: Int = 0, deaths: Int = 0, injuries: Int = 0, loss: String = "1") {
        model.accidents.append(Accident(id: "A\(model.accidents.count)", date: Self.day(date), region: region, sector: 0, enterprise: nil,
                                        summary: "事故", deaths: deaths, seriousInjuries: injuries,
                                        directLoss: FixedDecimal(parsing: loss, scale: 4) ?? .zero(scale: 4)))
    }

    mutating func inspection(_ date: String, method: String = "暗访") {
        model.inspections.append(Inspection(id: "J\(model.inspections.count)", date: Self.day(date), department: 0, method: method,
                                            enterprises: [0]))
    }

    mutating func penalty(_ date: String, actions: [String], fine: String? = nil) {
        model.penalties.append(Penalty(id: "P\(model.penalties.count)", enterprise: 0, date: Self.day(date), decisionNumber: "罚〔2021〕1号",
                                       violation: "违法", basis: "第九十九条", actions: actions,
                                       fine: fine.flatMap { FixedDecimal(parsing: $0, scale: 2) }, expose: false, exposeUntil: nil))
    }

    func figures(_ month: String, asOf: String) -> CircularFigures {
        let start = Self.day(month + "-01")
        return CircularFigures.compute(model, period: .month(start.year, start.month), asOf: Self.day(asOf))
    }
}

@Suite struct CircularFiguresTests {
    @Test func referenceDayIsTheMonthEndOrTheAsOfDate() {
        let ledger = LedgerBuilder()
        #expect(ledger.figures("2021-06", asOf: "2021-12-31").referenceDay == LedgerBuilder.day("2021-06-30"))
        #expect(ledger.figures("2021-06", asOf: "2021-06-15").referenceDay == LedgerBuilder.day("2021-06-15"))
        #expect(ledger.figures("2024-02", asOf: "2024-03-01").referenceDay == LedgerBuilder.day("2024-02-29"))
    }

    @Test func accidentsInTheMonthUpToTheReferenceDay() {
        var ledger = LedgerBuilder()
        ledger.accident("2021-06-01", deaths: 1, injuries: 2, loss: "35.5")
        ledger.accident("2021-06-15", deaths: 3, loss: "0.25") // 较大 by deaths
        ledger.accident("2021-06-16", deaths: 10)              // after D when as of the 15th
        ledger.accident("2021-05-31")
        let june = ledger.figures("2021-06", asOf: "2021-06-15").accidents
        #expect(june.count == 2)
        #expect(june.deaths == 4 && june.seriousInjuries == 2)
        #expect(june.directLoss.description == "35.75")
        #expect(june.byLevel == [.ordinary: 1, .larger: 1, .major: 0, .especiallyMajor: 0])
        #expect(june.yearToDate == .init(count: 3, deaths: 4, larger: 1, majorOrWorse: 0))
        let later = ledger.figures("2021-06", asOf: "2021-07-01").accidents
        #expect(later.byLevel[.major] == 1)
        #expect(later.yearToDate.majorOrWorse == 1)
    }

    @Test func samePeriodLastYearEndsOnTheSameDayAndTwentyEighthForALeapDay() {
        var ledger = LedgerBuilder()
        ledger.accident("2023-01-01")
        ledger.accident("2023-02-28")
        ledger.accident("2023-03-01") // after the 28 February end of last year's period
        ledger.accident("2024-01-10")
        ledger.accident("2024-02-29")
        let figures = ledger.figures("2024-02", asOf: "2024-02-29").accidents
        #expect(figures.yearToDate.count == 2)
        #expect(figures.sameTimeLastYear.count == 2)
        #expect(!figures.threeDeclines) // 2 is not below 2
        let june = ledger.figures("2023-06", asOf: "2023-06-30").accidents
        #expect(june.sameTimeLastYear.count == 0 && june.yearToDate.count == 3)
    }

    @Test func threeContinuedDeclines() {
        var ledger = LedgerBuilder()
        ledger.accident("2020-03-01")
        ledger.accident("2020-03-02")
        ledger.accident("2021-03-01")
        // Total down, no 较大 or worse in either year: declines hold.
        #expect(ledger.figures("2021-03", asOf: "2021-03-31").accidents.threeDeclines)
        // A 较大 accident in both years: 1 is not below 1.
        ledger.accident("2020-03-03", deaths: 3)
        ledger.accident("2021-03-03", deaths: 3)
        #expect(!ledger.figures("2021-03", asOf: "2021-03-31").accidents.threeDeclines)
        // 较大 down to zero from one, total still down.
        var other = LedgerBuilder()
        other.accident("2020-03-01")
        other.accident("2020-03-02", deaths: 3)
        other.accident("2020-03-03", injuries: 50) // 重大
        other.accident("2021-03-01")
        let figures = other.figures("2021-03", asOf: "2021-03-31").accidents
        #expect(figures.sameTimeLastYear == .init(count: 3, deaths: 3, larger: 1, majorOrWorse: 1))
        #expect(figures.threeDeclines)
    }

    @Test func hazardsOfTheMonthAndTheirStatusOnTheReferenceDay() {
        var ledger = LedgerBuilder()
        ledger.hazard(0, found: "2021-05-20", deadline: "2021-06-10", rectified: "2021-06-05") // rectified in June, found in May
        ledger.hazard(0, found: "2021-06-01", deadline: "2021-06-29")                          // overdue on the 30th
        ledger.hazard(0, found: "2021-06-02", deadline: "2021-06-30")                          // deadline on D: not overdue
        ledger.hazard(1, found: "2021-06-03", deadline: "2021-06-05", rectified: "2021-07-02", level: .major, supervised: true)
        ledger.hazard(1, found: "2021-06-04", deadline: "2021-08-01", level: .major)
        ledger.hazard(1, found: "2021-07-01", deadline: "2021-07-02", level: .major)           // after D
        let june = ledger.figures("2021-06", asOf: "2021-12-31").hazards
        #expect(june.found == 4)
        #expect(june.rectified == 1)
        #expect(june.overdue == [3, 1]) // earliest deadline first
        #expect(june.majorOpen == [3, 4])
        #expect(june.supervisedOpen == [3])
        let july = ledger.figures("2021-07", asOf: "2021-12-31").hazards
        #expect(july.rectified == 1)
        #expect(july.supervisedOpen.isEmpty)
    }

    @Test func enforcementOfTheMonth() {
        var ledger = LedgerBuilder()
        ledger.inspection("2021-06-01", method: "四不两直")
        ledger.inspection("2021-06-30", method: "四不两直")
        ledger.inspection("2021-07-01")
        ledger.penalty("2021-06-10", actions: ["罚款", "停产整顿"], fine: "50000")
        ledger.penalty("2021-06-11", actions: ["罚款"], fine: "1234.5")
        ledger.penalty("2021-06-12", actions: ["警告"])
        let figures = ledger.figures("2021-06", asOf: "2021-12-31").enforcement
        #expect(figures.inspections == 2)
        #expect(figures.inspectionsByMethod.first { $0.method == "四不两直" }?.count == 2)
        #expect(figures.penalties == 3)
        #expect(figures.fines.description == "51234.5")
        #expect(figures.actions.map(\.action) == ["罚款", "警告", "停产整顿"])
        #expect(figures.actions.map(\.count) == [2, 1, 1])
    }

    @Test func regionsRankByRateThenOverdueThenID() {
        var ledger = LedgerBuilder(bar: 0.5)
        // a: 1 of 2 (50%), one overdue; b: 1 of 2 (50%), none overdue; c: nothing found this year.
        ledger.hazard(0, found: "2021-03-01", deadline: "2021-03-10", rectified: "2021-03-05")
        ledger.hazard(0, found: "2021-03-02", deadline: "2021-03-10")
        ledger.hazard(1, found: "2021-03-01", deadline: "2021-03-10", rectified: "2021-03-05")
        ledger.hazard(1, found: "2021-03-02", deadline: "2021-12-31")
        ledger.hazard(2, found: "2020-03-02", deadline: "2020-12-31") // last year's, overdue
        ledger.accident("2021-02-01", region: 2)
        let regions = ledger.figures("2021-06", asOf: "2021-06-30").regions
        #expect(regions.map(\.region) == [1, 0, 2])
        #expect(regions.map(\.rank) == [1, 2, nil])
        #expect(regions.map(\.overdue) == [0, 1, 1])
        #expect(regions.map(\.criticised) == [false, false, false]) // 50% is not below a 0.5 bar
        #expect(regions[2].rate.value == nil && regions[2].accidentsYearToDate == 1)
        var stricter = ledger
        stricter.model.settings.rectificationBar = 0.9
        #expect(stricter.figures("2021-06", asOf: "2021-06-30").regions.map(\.criticised) == [true, true, false])
    }

    @Test func equalRatesTieOnID() {
        var ledger = LedgerBuilder()
        ledger.hazard(1, found: "2021-03-01", deadline: "2021-03-10", rectified: "2021-03-02")
        ledger.hazard(0, found: "2021-03-01", deadline: "2021-03-10", rectified: "2021-03-02")
        ledger.hazard(0, found: "2021-03-02", deadline: "2021-03-10", rectified: "2021-03-02")
        #expect(ledger.figures("2021-03", asOf: "2021-03-31").regions.map(\.region) == [0, 1, 2])
    }

    @Test func periodsFromTheFirstRecordToTheAsOfDate() {
        var ledger = LedgerBuilder()
        ledger.inspection("2020-11-15")
        ledger.accident("2022-01-01") // after the as-of date: ignored
        let asOf = LedgerBuilder.day("2021-02-10")
        #expect(CircularFigures.periods(ledger.model, asOf: asOf, kind: .month).map(\.key) == ["2020-11", "2020-12", "2021-01", "2021-02"])
        #expect(CircularFigures.periods(ledger.model, asOf: asOf, kind: .quarter).map(\.key) == ["2020-Q4", "2021-Q1"])
        #expect(CircularFigures.periods(ledger.model, asOf: asOf, kind: .year).map(\.key) == ["2020", "2021"])
        #expect(CircularFigures.periods(LedgerBuilder().model, asOf: asOf, kind: .month).isEmpty)
        #expect(ReportingPeriod.quarter(2021, 2).label == "2021年第二季度")
        #expect(ReportingPeriod.quarter(2021, 2).end == LedgerBuilder.day("2021-06-30"))
    }

    @Test func quarterAndYearCountOverTheWholePeriod() {
        var ledger = LedgerBuilder()
        ledger.accident("2021-04-01")
        ledger.accident("2021-06-30")
        ledger.accident("2021-07-01")
        let quarter = CircularFigures.compute(ledger.model, period: .quarter(2021, 2), asOf: LedgerBuilder.day("2021-12-31"))
        #expect(quarter.accidents.count == 2 && quarter.referenceDay == LedgerBuilder.day("2021-06-30"))
        let year = CircularFigures.compute(ledger.model, period: .year(2021), asOf: LedgerBuilder.day("2021-08-01"))
        #expect(year.accidents.count == 3 && year.referenceDay == LedgerBuilder.day("2021-08-01"))
    }

    @Test func laterRowsDoNotChangeEarlierMonths() {
        var ledger = LedgerBuilder()
        ledger.hazard(0, found: "2021-05-03", deadline: "2021-05-20", rectified: "2021-05-10")
        ledger.accident("2021-05-04")
        ledger.penalty("2021-05-05", actions: ["罚款"], fine: "100")
        let before = CircularJSON.make(ledger.figures("2021-05", asOf: "2021-06-30"), model: ledger.model)
        ledger.hazard(1, found: "2021-06-03", deadline: "2021-06-05")
        ledger.accident("2021-06-04", deaths: 5)
        ledger.penalty("2021-06-05", actions: ["关闭"])
        ledger.inspection("2021-06-06")
        let after = CircularJSON.make(ledger.figures("2021-05", asOf: "2021-07-31"), model: ledger.model)
        #expect(before.serialized() == after.serialized())
    }

    @Test func jsonHasTheContractKeysAndNumbersAsNumbers() {
        var ledger = LedgerBuilder()
        ledger.hazard(0, found: "2021-06-01", deadline: "2021-06-10", rectified: "2021-06-05")
        ledger.hazard(0, found: "2021-06-01", deadline: "2021-06-10")
        ledger.hazard(0, found: "2021-06-01", deadline: "2021-06-10", rectified: "2021-06-05")
        ledger.accident("2021-06-02", loss: "35.5")
        let json = CircularJSON.make(ledger.figures("2021-06", asOf: "2021-06-30"), model: ledger.model).serialized()
        for fragment in ["\"month\": \"2021-06\"", "\"reference_day\": \"2021-06-30\"", "\"direct_loss\": 35.5",
                         "\"by_level\": {\n      \"一般\": 1,\n      \"较大\": 0,\n      \"重大\": 0,\n      \"特别重大\": 0\n    }",
                         "\"ytd_last_year\"", "\"three_declines\": false", "\"major_open\": 0", "\"supervised_open\": 0",
                         "\"fines\": 0", "\"actions\": {}", "\"rate\": 0.6666666666666666", "\"rank\": 1", "\"rank\": null",
                         "\"rate\": null", "\"criticised\": true"] {
            #expect(json.contains(fragment), "\(fragment)")
        }
        let quarter = CircularJSON.make(CircularFigures.compute(ledger.model, period: .quarter(2021, 2), asOf: LedgerBuilder.day("2021-06-30")),
                                        model: ledger.model).serialized()
        #expect(quarter.hasPrefix("{\n  \"period\": \"2021-Q2\""))
    }
}
