import Foundation

/// The circular pages (月通报, 季度分析, 年度考核), their JSON twins, the list of
/// circulars and the region pages: everything computed from the ledgers.
extension SiteRenderer {
    /// How many overdue hazards a circular lists (the longest overdue); the rest are counted.
    static let overdueListLimit = 100

    /// Figures of every circular as of the as-of date, by kind, oldest first.
    struct CircularSet {
        var months: [CircularFigures] = []
        var quarters: [CircularFigures] = []
        var years: [CircularFigures] = []

        var all: [[CircularFigures]] { [months, quarters, years] }
        var latestMonth: CircularFigures? { months.last }
    }

    func computeCirculars() -> CircularSet {
        let asOf = publication.asOf, model = self.model
        // Every period is computed on its own: on all cores.
        let kinds: [ReportingPeriod.Kind] = [.month, .quarter, .year]
        let periods = kinds.flatMap { kind in CircularFigures.periods(model, asOf: asOf, kind: kind) }
        let figures = Parallel.map(periods.count, parallel: parallel) { index in
            CircularFigures.compute(model, period: periods[index], asOf: asOf)
        }
        func of(_ kind: ReportingPeriod.Kind) -> [CircularFigures] { figures.filter { $0.period.kind == kind } }
        return CircularSet(months: of(.month), quarters: of(.quarter), years: of(.year))
    }

    mutating func renderCirculars(_ set: CircularSet, diagnostics: inout Diagnostics) {
        guard !set.months.isEmpty else { return }
        let monthlyAccidents = accidentsByMonth()
        for list in set.all {
            for (index, figures) in list.enumerated() {
                let narrative = publication.circularNarratives[figures.period]
                var body = ""
                if let narrative {
                    body = renderMarkdown(narrative.source, page: SitePaths.circular(figures.period.key), diagnostics: &diagnostics)
                }
                let previous = index > 0 ? list[index - 1] : nil
                let next = index + 1 < list.count ? list[index + 1] : nil
                let view = circularView(figures, narrative: narrative, body: body, previous: previous, next: next,
                                        months: set.months, monthlyAccidents: monthlyAccidents)
                let path = SitePaths.circular(figures.period.key)
                let title = view["title"] as? String ?? figures.period.label
                emit("circular", path: path, title: title, section: "circulars", breadcrumbs: [("月度通报", "circulars/")],
                     description: "\(title)：事故、隐患排查治理、执法检查和各地排名", extra: ["circular": view],
                     lastModified: figures.referenceDay)
                files.append(OutputFile(path: "\(path)index.json", text: CircularJSON.make(figures, model: model).serialized()))
                let kind = figures.period.kind == .month ? "月度通报" : figures.period.kind == .quarter ? "季度通报" : "年度通报"
                searchDocuments.append(SearchDocument(
                    key: path, title: title, date: narrative?.date ?? figures.referenceDay, kind: kind, digest: nil,
                    html: "<p>\(HTMLEscape.escape(figures.period.label))事故、隐患排查治理、执法检查情况和各地排名</p>" + body))
            }
        }
        renderCircularList(set)
        renderRegionPages(set)
    }

    /// The standard title of a circular.
    func circularTitle(_ period: ReportingPeriod) -> String {
        switch period.kind {
        case .month: return "\(period.label)全县安全生产工作通报"
        case .quarter: return "\(period.label)全县安全生产形势分析"
        case .year: return "\(period.label)全县安全生产工作考核通报"
        }
    }

    /// A circular's title: the narrative's, else the standard one.
    func circularTitle(_ figures: CircularFigures) -> String {
        publication.circularNarratives[figures.period]?.title ?? circularTitle(figures.period)
    }

    private func circularView(_ figures: CircularFigures, narrative: CircularNarrative?, body: String,
                              previous: CircularFigures?, next: CircularFigures?,
                              months: [CircularFigures], monthlyAccidents: [Int: Int]) -> [String: Any] {
        let period = figures.period
        let date = narrative?.date ?? figures.referenceDay
        var view: [String: Any] = [
            "title": circularTitle(figures),
            "kind": ["month", "quarter", "year"][period.kind.rawValue],
            "kind_label": ["月度通报", "季度分析", "年度考核"][period.kind.rawValue],
            "period_label": period.label,
            "doc_no": narrative?.documentNumber?.description ?? "",
            "to": narrative?.to ?? "",
            "date": date.chinese,
            "date_iso": date.iso,
            "reference_day": figures.referenceDay.chinese,
            "issuer": settings.issuer,
            "cc_text": narrative?.cc.joined(separator: "，") ?? "",
            "body": body,
            "json_url": url("\(SitePaths.circular(period.key))index.json"),
            "accidents": accidentView(figures),
            "hazards": hazardView(figures),
            "enforcement": enforcementView(figures.enforcement),
            "regions": regionRankingView(figures),
            "charts": charts(figures, months: months, monthlyAccidents: monthlyAccidents),
        ]
        if let previous { view["prev"] = ["title": circularTitle(previous), "url": url(SitePaths.circular(previous.period.key))] }
        if let next { view["next"] = ["title": circularTitle(next), "url": url(SitePaths.circular(next.period.key))] }
        return view
    }

    // MARK: Sections

    private func accidentView(_ figures: CircularFigures) -> [String: Any] {
        let accidents = figures.accidents
        let levels = AccidentLevel.allCases
        var bySector: [Int: [AccidentLevel: Int]] = [:]
        for index in accidents.inPeriod {
            let accident = model.accidents[index]
            bySector[accident.sector, default: [:]][accident.level, default: 0] += 1
        }
        let sectorRows: [[String: Any]] = bySector.keys.sorted().map { sector in
            let counts = bySector[sector] ?? [:]
            return ["sector": model.sectors[sector].name,
                    "counts": levels.map { ["count": counts[$0] ?? 0] },
                    "total": counts.values.reduce(0, +)]
        }
        func tally(_ tally: CircularFigures.Tally) -> [String: Any] {
            ["count": tally.count, "deaths": tally.deaths, "larger": tally.larger, "worse": tally.majorOrWorse]
        }
        let ytd = accidents.yearToDate, last = accidents.sameTimeLastYear
        let yearStart = figures.referenceDay.startOfYear
        let notable = model.accidents
            .filter { $0.date >= yearStart && $0.date <= figures.referenceDay && $0.level >= .larger }
            .sorted { ($0.date, $0.id) < ($1.date, $1.id) }
            .map { accident -> [String: Any] in
                ["date": accident.date.chinese, "region": model.regions[accident.region].name,
                 "sector": model.sectors[accident.sector].name, "summary": accident.summary, "level": accident.level.name,
                 "deaths": accident.deaths, "serious_injuries": accident.seriousInjuries]
            }
        return [
            "count": accidents.count, "deaths": accidents.deaths, "serious_injuries": accidents.seriousInjuries,
            "direct_loss": accidents.directLoss.description,
            "levels": levels.map(\.name),
            "by_sector": sectorRows,
            "by_level": levels.map { ["level": $0.name, "count": accidents.byLevel[$0] ?? 0] },
            "ytd": tally(ytd), "last_year": tally(last),
            "count_change": ChangeText.describe(now: ytd.count, before: last.count, unit: "起"),
            "deaths_change": ChangeText.describe(now: ytd.deaths, before: last.deaths, unit: "人"),
            "three_declines": accidents.threeDeclines,
            "three_declines_text": accidents.threeDeclines
                ? "事故总量、较大事故、重特大事故实现“三个继续下降”"
                : "未实现事故总量、较大事故、重特大事故“三个继续下降”",
            "notable": notable,
        ]
    }

    private func hazardView(_ figures: CircularFigures) -> [String: Any] {
        let hazards = figures.hazards
        let d = figures.referenceDay
        // The longest overdue first; a long tail is counted, not listed (each region's page lists its own).
        let overdue = hazards.overdue.prefix(SiteRenderer.overdueListLimit).map { index -> [String: Any] in
            let hazard = model.hazards[index]
            let enterprise = model.enterprises[hazard.enterprise]
            return ["id": hazard.id, "enterprise": enterprise.name, "region": model.regions[enterprise.region].name,
                    "description": hazard.description, "level": hazard.level.rawValue, "deadline": hazard.deadline.chinese,
                    "days_overdue": hazard.deadline.days(until: d)]
        }
        let supervised = hazards.supervisedOpen.map { index -> [String: Any] in
            let hazard = model.hazards[index]
            let enterprise = model.enterprises[hazard.enterprise]
            let status = HazardStatus.of(hazard, asOf: d) ?? .inProgress
            return ["id": hazard.id, "enterprise": enterprise.name, "region": model.regions[enterprise.region].name,
                    "description": hazard.description, "found": hazard.found.chinese, "deadline": hazard.deadline.chinese,
                    "status": status.rawValue, "days_left": max(0, d.days(until: hazard.deadline)),
                    "days_overdue": max(0, hazard.deadline.days(until: d))]
        }
        var view: [String: Any] = [
            "found": hazards.found, "rectified": hazards.rectified, "overdue_count": hazards.overdue.count,
            "major_open_count": hazards.majorOpen.count, "supervised_open_count": hazards.supervisedOpen.count,
            "overdue": Array(overdue), "supervised": supervised,
        ]
        if hazards.overdue.count > overdue.count {
            view["overdue_shown"] = overdue.count
            view["overdue_more"] = hazards.overdue.count - overdue.count
        }
        return view
    }

    private func enforcementView(_ enforcement: CircularFigures.EnforcementFigures) -> [String: Any] {
        ["inspections": enforcement.inspections,
         "methods": enforcement.inspectionsByMethod.map { ["method": $0.method, "count": $0.count] },
         "penalties": enforcement.penalties,
         "fines": "\(enforcement.fines)元",
         "actions": enforcement.actions.map { ["action": $0.action, "count": $0.count] }]
    }

    /// The ranking, with 通报批评 below the bar and 通报表扬 for the first three
    /// ranked regions at or above it with nothing overdue.
    private func regionRankingView(_ figures: CircularFigures) -> [String: Any] {
        let praised = Set(figures.regions.filter { !$0.criticised && $0.rank != nil && $0.overdue == 0 }.prefix(3).map(\.region))
        let rows = figures.regions.map { standing -> [String: Any] in
            let region = model.regions[standing.region]
            return ["rank": standing.rank.map(String.init) ?? "", "id": region.id, "name": region.name,
                    "url": url(SitePaths.region(region.id)),
                    "found": standing.foundYearToDate, "rectified": standing.rectifiedYearToDate,
                    "rate": standing.rate.found == 0 ? "—" : "\(standing.rate.percentText)%",
                    "overdue": standing.overdue, "accidents": standing.accidentsYearToDate,
                    "criticised": standing.criticised, "praised": praised.contains(standing.region)]
        }
        return ["bar": "\(RectificationRate.percent(settings.rectificationBar))%",
                "rows": rows,
                "criticised": figures.regions.filter(\.criticised).map { model.regions[$0.region].name }.joined(separator: "、"),
                "praised": figures.regions.filter { praised.contains($0.region) }.map { model.regions[$0.region].name }.joined(separator: "、")]
    }

    // MARK: Charts

    /// Accidents per month, keyed `year * 100 + month`.
    private func accidentsByMonth() -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for accident in model.accidents where accident.date <= publication.asOf {
            counts[accident.date.year * 100 + accident.date.month, default: 0] += 1
        }
        return counts
    }

    private func charts(_ figures: CircularFigures, months: [CircularFigures], monthlyAccidents: [Int: Int]) -> [[String: Any]] {
        let d = figures.referenceDay
        var result: [[String: Any]] = []

        // 1. Rectification rate by region, with the bar.
        let bar = settings.rectificationBar
        let bars = figures.regions.map { standing in
            Charts.Bar(label: model.regions[standing.region].name, value: standing.rate.value,
                       valueText: standing.rate.found == 0 ? "—" : "\(standing.rate.percentText)%", highlighted: standing.criticised)
        }
        let barText = "\(RectificationRate.percent(bar))%"
        result.append(chart(
            id: "chart-rates", title: "各地隐患整改率（\(d.year)年1月1日至\(d.month)月\(d.day)日）",
            svg: Charts.ratioBars(id: "chart-rates", title: "各地隐患整改率",
                                  description: bars.map { "\($0.label)\($0.valueText)" }.joined(separator: "，") + "；虚线为整改率要求\(barText)。",
                                  bars: bars, marker: bar, markerLabel: "要求 \(barText)"),
            caption: "隐患整改率 = 年初以来发现的隐患中截至\(d.chinese)已整改的比例；虚线为整改率要求 \(barText)，低于要求的以橙色标出。",
            headings: ["属地", "发现", "已整改", "整改率"],
            rows: figures.regions.map { standing in
                [model.regions[standing.region].name, String(standing.foundYearToDate), String(standing.rectifiedYearToDate),
                 standing.rate.found == 0 ? "—" : "\(standing.rate.percentText)%"]
            }))

        // 2. Hazards found and rectified, the last 12 months up to D.
        let recent = Array(months.filter { $0.period.start <= d }.suffix(12))
        let labels = recent.map { "\($0.period.start.month)月" }
        result.append(chart(
            id: "chart-trend", title: "近12个月隐患排查整改情况",
            svg: Charts.groupedColumns(
                id: "chart-trend", title: "近12个月隐患排查整改情况",
                description: recent.map { "\($0.period.label)发现\($0.hazards.found)项、整改\($0.hazards.rectified)项" }.joined(separator: "；"),
                categories: labels,
                series: [Charts.Series(name: "发现", values: recent.map(\.hazards.found), className: "chart-bar", fill: "#b4151d"),
                         Charts.Series(name: "整改", values: recent.map(\.hazards.rectified), className: "chart-bar-alt", fill: "#4b5563")]),
            caption: "各月发现的隐患和当月完成整改的隐患（项）。",
            headings: ["月份", "发现", "整改"],
            rows: recent.map { [$0.period.label, String($0.hazards.found), String($0.hazards.rectified)] }))

        // 3. Accidents by month this year against the same months last year.
        let monthsSoFar = Array(1...d.month)
        let thisYear = monthsSoFar.map { monthlyAccidents[d.year * 100 + $0] ?? 0 }
        let lastYear = monthsSoFar.map { monthlyAccidents[(d.year - 1) * 100 + $0] ?? 0 }
        result.append(chart(
            id: "chart-accidents", title: "\(d.year)年与\(d.year - 1)年各月事故起数",
            svg: Charts.groupedColumns(
                id: "chart-accidents", title: "\(d.year)年与\(d.year - 1)年各月事故起数",
                description: monthsSoFar.map { "\($0)月：\(d.year)年\(thisYear[$0 - 1])起，\(d.year - 1)年\(lastYear[$0 - 1])起" }.joined(separator: "；"),
                categories: monthsSoFar.map { "\($0)月" },
                series: [Charts.Series(name: "\(d.year)年", values: thisYear, className: "chart-bar", fill: "#b4151d"),
                         Charts.Series(name: "\(d.year - 1)年", values: lastYear, className: "chart-bar-alt", fill: "#4b5563")]),
            caption: "\(d.month)月的数字统计至\(d.chinese)；上年同月为整月。",
            headings: ["月份", "\(d.year)年", "\(d.year - 1)年"],
            rows: monthsSoFar.map { ["\($0)月", String(thisYear[$0 - 1]), String(lastYear[$0 - 1])] }))
        return result
    }

    private func chart(id: String, title: String, svg: String, caption: String, headings: [String], rows: [[String]]) -> [String: Any] {
        ["id": id, "title": title, "svg": svg, "caption": caption,
         "table": ["headings": headings, "rows": rows.map { ["cells": $0] }] as [String: Any]]
    }

    // MARK: Lists and regions

    private mutating func renderCircularList(_ set: CircularSet) {
        func entry(_ figures: CircularFigures) -> [String: Any] {
            ["title": circularTitle(figures), "label": figures.period.label, "url": url(SitePaths.circular(figures.period.key)),
             "reference_day": figures.referenceDay.chinese]
        }
        let years = Set(set.months.map(\.period.start.year)).sorted(by: >)
        let view: [String: Any] = [
            "list": ["heading": "月度通报"],
            "years": years.map { year -> [String: Any] in
                [
                    "year": year,
                    "months": set.months.filter { $0.period.start.year == year }.reversed().map(entry),
                    "quarters": set.quarters.filter { $0.period.start.year == year }.reversed().map(entry),
                    "annual": set.years.filter { $0.period.start.year == year }.map(entry),
                ]
            },
        ]
        emit("circulars", path: "circulars/", title: "月度通报", section: "circulars", breadcrumbs: [],
             description: "\(settings.title)月度通报、季度分析和年度考核", extra: view)
    }

    private mutating func renderRegionPages(_ set: CircularSet) {
        guard let latest = set.latestMonth else { return }
        let asOf = publication.asOf
        var listed: [[String: Any]] = []
        for standing in latest.regions {
            let region = model.regions[standing.region]
            listed.append(["id": region.id, "name": region.name, "kind": region.kind, "url": url(SitePaths.region(region.id)),
                           "rate": standing.rate.found == 0 ? "—" : "\(standing.rate.percentText)%",
                           "rank": standing.rank.map(String.init) ?? ""])
            let months = set.months.reversed().compactMap { figures -> [String: Any]? in
                guard let row = figures.regions.first(where: { $0.region == standing.region }) else { return nil }
                return ["label": figures.period.label, "url": url(SitePaths.circular(figures.period.key)),
                        "found": row.foundYearToDate, "rectified": row.rectifiedYearToDate, "overdue": row.overdue,
                        "rate": row.rate.found == 0 ? "—" : "\(row.rate.percentText)%",
                        "rank": row.rank.map(String.init) ?? "", "accidents": row.accidentsYearToDate]
            }
            let open = model.hazards.enumerated()
                .filter { model.enterprises[$0.element.enterprise].region == standing.region }
                .compactMap { index, hazard -> (Hazard, HazardStatus)? in
                    guard let status = HazardStatus.of(hazard, asOf: asOf), status != .rectified else { return nil }
                    return (hazard, status)
                }
                .sorted { ($0.0.deadline, $0.0.id) < ($1.0.deadline, $1.0.id) }
                .map { hazard, status -> [String: Any] in
                    // Enterprises are named only where the office names them: overdue and supervised hazards.
                    let named = status == .overdue || hazard.supervised
                    let enterprise = model.enterprises[hazard.enterprise]
                    return ["id": hazard.id, "enterprise": named ? enterprise.name : "",
                            "sector": model.sectors[enterprise.sector].name, "description": hazard.description,
                            "level": hazard.level.rawValue, "supervised": hazard.supervised,
                            "found": hazard.found.chinese, "deadline": hazard.deadline.chinese, "status": status.rawValue]
                }
            let view: [String: Any] = ["region": [
                "id": region.id, "name": region.name, "kind": region.kind, "months": months,
                "open_hazards": open, "has_open_hazards": !open.isEmpty,
            ] as [String: Any]]
            emit("region", path: SitePaths.region(region.id), title: "\(region.name)安全生产情况", section: "circulars",
                 breadcrumbs: [("月度通报", "circulars/"), ("各地情况", "regions/")],
                 description: "\(region.name)逐月隐患排查整治、事故和排名情况", extra: view)
        }
        emit("regions", path: "regions/", title: "各地情况", section: "circulars", breadcrumbs: [("月度通报", "circulars/")],
             description: "各乡镇（街道）安全生产情况", extra: ["regions": listed])
    }
}

/// `同比下降 33.3%`, `同比上升 50.0%`, `持平`, `同比增加 2 起`.
enum ChangeText {
    static func describe(now: Int, before: Int, unit: String) -> String {
        if now == before { return "持平" }
        if before == 0 { return "同比增加 \(now) \(unit)" }
        let difference = abs(now - before)
        let tenths = (difference * 2000 + before) / (before * 2)
        return "同比\(now < before ? "下降" : "上升") \(tenths / 10).\(tenths % 10)%"
    }
}
