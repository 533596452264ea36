/// The exposure board (曝光台), its monthly batches, and the list of hazards
/// under listed supervision (挂牌督办), each with a JSON twin.
extension SiteRenderer {
    mutating func renderExposures(_ board: ExposureBoard, diagnostics: inout Diagnostics) {
        var batchOf: [Int: ExposureBoard.Batch] = [:]
        for batch in board.batches {
            for index in batch.entries { batchOf[index] = batch }
        }
        func entry(_ index: Int) -> [String: Any] {
            let penalty = model.penalties[index]
            let enterprise = model.enterprises[penalty.enterprise]
            var view: [String: Any] = [
                "id": penalty.id, "enterprise": enterprise.name, "region": model.regions[enterprise.region].name,
                "sector": model.sectors[enterprise.sector].name, "date": penalty.date.chinese, "date_iso": penalty.date.iso,
                "decision_no": penalty.decisionNumber, "violation": penalty.violation, "basis": penalty.basis,
                "actions": penalty.actions, "actions_text": penalty.actions.joined(separator: "、"),
                "fine": penalty.fine.map { "\($0)元" } ?? "",
            ]
            if let batch = batchOf[index] {
                view["batch_label"] = batch.label
                view["batch_url"] = url(SitePaths.exposureBatch(batch.month.key))
            }
            return view
        }
        let batches = board.batches.map { batch -> [String: Any] in
            ["label": batch.label, "month_label": batch.month.label, "url": url(SitePaths.exposureBatch(batch.month.key)),
             "count": batch.entries.count]
        }
        emit("exposures", path: "exposures/", title: "曝光台", section: "exposures", breadcrumbs: [],
             description: "依法公开曝光的安全生产违法行为", extra: ["exposures": [
                 "as_of": board.asOf.chinese, "entries": board.entries.map(entry), "empty": board.entries.isEmpty,
                 "batches": batches,
             ] as [String: Any]])
        files.append(OutputFile(path: "exposures/index.json",
                                text: exposureJSON(board.entries, header: [("as_of", .string(board.asOf.iso))]).serialized()))

        for (position, batch) in board.batches.enumerated() {
            let narrative = publication.exposureNarratives[batch.month]
            var body = ""
            if let narrative {
                body = renderMarkdown(narrative.source, page: SitePaths.exposureBatch(batch.month.key), diagnostics: &diagnostics)
            }
            let title = narrative?.title ?? "曝光台 \(batch.label)"
            var view: [String: Any] = [
                "title": title, "label": batch.label, "month_label": batch.month.label,
                "date": (narrative?.date ?? model.penalties[batch.entries[0]].date).chinese,
                "body": body, "entries": batch.entries.map(entry),
                "json_url": url("\(SitePaths.exposureBatch(batch.month.key))index.json"),
            ]
            // Batches are newest first: the next batch in time comes before this one.
            if position + 1 < board.batches.count {
                let older = board.batches[position + 1]
                view["prev"] = ["label": older.label, "url": url(SitePaths.exposureBatch(older.month.key))]
            }
            if position > 0 {
                let newer = board.batches[position - 1]
                view["next"] = ["label": newer.label, "url": url(SitePaths.exposureBatch(newer.month.key))]
            }
            let path = SitePaths.exposureBatch(batch.month.key)
            emit("exposure-batch", path: path, title: title, section: "exposures", breadcrumbs: [("曝光台", "exposures/")],
                 description: "\(batch.label)：\(batch.entries.map { model.enterprises[model.penalties[$0].enterprise].name }.joined(separator: "、"))",
                 extra: ["batch": view], lastModified: model.penalties[batch.entries[0]].date)
            let entriesText = batch.entries.map { index -> String in
                let penalty = model.penalties[index]
                return "<p>" + [model.enterprises[penalty.enterprise].name, penalty.violation, penalty.decisionNumber]
                    .map(HTMLEscape.escape).joined(separator: "<br>") + "</p>"
            }.joined()
            searchDocuments.append(SearchDocument(key: path, title: title, date: model.penalties[batch.entries[0]].date,
                                                  kind: "曝光台", digest: nil, html: body + entriesText))
            files.append(OutputFile(path: "\(path)index.json", text: exposureJSON(batch.entries, header: [
                ("as_of", .string(board.asOf.iso)), ("batch", .string(batch.label)), ("month", .string(batch.month.key)),
            ]).serialized()))
        }
    }

    /// FORMAT.md's exposure JSON: `{"as_of", "entries": [...]}`, newest first.
    private func exposureJSON(_ entries: [Int], header: [(String, JSON)]) -> JSON {
        .object(header + [("entries", .array(entries.map { index in
            let penalty = model.penalties[index]
            let enterprise = model.enterprises[penalty.enterprise]
            return .object([
                ("id", .string(penalty.id)),
                ("enterprise", .string(enterprise.name)),
                ("enterprise_id", .string(enterprise.id)),
                ("region", .string(model.regions[enterprise.region].id)),
                ("date", .string(penalty.date.iso)),
                ("decision_no", .string(penalty.decisionNumber)),
                ("violation", .string(penalty.violation)),
                ("basis", .string(penalty.basis)),
                ("actions", .array(penalty.actions.map { .string($0) })),
                ("fine", penalty.fine.map { .decimal($0) } ?? .null),
                ("expose_until", penalty.exposeUntil.map { .string($0.iso) } ?? .null),
            ])
        }))])
    }

    mutating func renderSupervised(_ list: SupervisedList) {
        let asOf = list.asOf
        func common(_ index: Int) -> (view: [String: Any], json: [(String, JSON)]) {
            let hazard = model.hazards[index]
            let enterprise = model.enterprises[hazard.enterprise]
            let sector = model.sectors[enterprise.sector]
            let lead = model.departments[sector.lead]
            let region = model.regions[enterprise.region]
            let view: [String: Any] = [
                "id": hazard.id, "enterprise": enterprise.name, "region": region.name, "sector": sector.name, "lead": lead.name,
                "description": hazard.description, "found": hazard.found.chinese, "deadline": hazard.deadline.chinese,
            ]
            let json: [(String, JSON)] = [
                ("id", .string(hazard.id)), ("enterprise", .string(enterprise.name)), ("enterprise_id", .string(enterprise.id)),
                ("region", .string(region.id)), ("sector", .string(sector.id)), ("lead_department", .string(lead.id)),
                ("description", .string(hazard.description)), ("found", .string(hazard.found.iso)), ("deadline", .string(hazard.deadline.iso)),
            ]
            return (view, json)
        }
        var openViews: [[String: Any]] = [], openJSON: [JSON] = []
        for index in list.open {
            let hazard = model.hazards[index]
            let status = HazardStatus.of(hazard, asOf: asOf) ?? .inProgress
            let daysLeft = max(0, asOf.days(until: hazard.deadline)), daysOverdue = max(0, hazard.deadline.days(until: asOf))
            var (view, json) = common(index)
            view["status"] = status.rawValue
            view["days_left"] = daysLeft
            view["days_overdue"] = daysOverdue
            json += [("status", .string(status.rawValue)), ("days_left", .int(daysLeft)), ("days_overdue", .int(daysOverdue))]
            openViews.append(view)
            openJSON.append(.object(json))
        }
        var closedViews: [[String: Any]] = [], closedJSON: [JSON] = []
        for index in list.closed {
            guard let closed = model.hazards[index].rectified else { continue }
            var (view, json) = common(index)
            view["closed"] = closed.chinese
            json.append(("closed", .string(closed.iso)))
            closedViews.append(view)
            closedJSON.append(.object(json))
        }
        emit("supervised", path: "supervised/", title: "挂牌督办", section: "supervised", breadcrumbs: [],
             description: "挂牌督办的重大事故隐患及整改情况", extra: ["supervised": [
                 "as_of": asOf.chinese, "open": openViews, "closed": closedViews,
                 "open_count": openViews.count, "closed_count": closedViews.count,
             ] as [String: Any]])
        files.append(OutputFile(path: "supervised/index.json", text: JSON.object([
            ("as_of", .string(asOf.iso)), ("open", .array(openJSON)), ("closed", .array(closedJSON)),
        ]).serialized()))
    }
}
