import Foundation

/// Loads `data/`: the reference data and the ledgers, in dependency order, each
/// kind from `data/<kind>.yml` and/or the files of `data/<kind>/`, merged.
struct LedgerLoader {
    /// The kinds of `data/`, in the order they are loaded (each refers only to earlier ones).
    static let kinds = ["regions", "departments", "sectors", "enterprises", "inspections", "hazards", "penalties", "accidents"]
    /// What each kind's rows are called in messages (`未知的企业 id`, `隐患 YH-1 缺少必填字段`, `隐患台账`).
    static let kindNames = ["regions": "属地", "departments": "部门", "sectors": "行业领域", "enterprises": "企业",
                            "inspections": "检查", "hazards": "隐患", "penalties": "处罚", "accidents": "事故"]

    let files: ContentFiles
    let asOf: Day
    var diagnostics = Diagnostics()
    /// Ledger files read and parsed ahead, on all cores, by path: the rows are
    /// still taken kind by kind (references need the earlier kinds), but the
    /// parsing of every file is done at once.
    private var parsed: [String: (source: YAMLSource?, diagnostics: Diagnostics)] = [:]

    /// One row of a ledger file, with its reader.
    private struct Row {
        var reader: RecordReader
        let id: String?
    }

    /// id → index, for one kind.
    private struct IDIndex {
        let kindName: String

        init(kind: String) { kindName = LedgerLoader.kindNames[kind] ?? kind }
        var indices: [String: Int] = [:]
        /// Rows by name, for a reference written as the name (as a spreadsheet has it):
        /// only names that one row has and that are no other row's id.
        var names: [String: Int] = [:]
        var sharedNames: Set<String> = []

        mutating func add(id: String, name: String, index: Int) {
            indices[id] = index
            if names.removeValue(forKey: name) != nil || sharedNames.contains(name) {
                sharedNames.insert(name)
            } else {
                names[name] = index
            }
        }

        /// The row an id, or else a name, refers to.
        func find(_ reference: String) -> Int? {
            if let index = indices[reference] { return index }
            return names[reference]
        }
        /// Ids of rows that had errors of their own: a reference to one is not
        /// reported again (the build fails anyway).
        var broken: Set<String> = []
        /// A file of the kind could not be read: unknown ids are then not reported.
        var incomplete = false

        func resolve(_ reader: inout RecordReader, _ key: String, required: Bool) -> Int? {
            guard let id = reader.string(key, required: required) else { return nil }
            if let index = find(id) { return index }
            if broken.contains(id) || incomplete { return nil }
            let hint = Suggestion.hint(for: id, in: indices.keys)
            reader.error(key, "未知的\(kindName) id “\(id)”\(hint)")
            return nil
        }
    }

    init(files: ContentFiles, asOf: Day) {
        self.files = files
        self.asOf = asOf
    }

    mutating func load(into model: inout SiteModel) {
        warnAboutUnknownFiles()
        parseAhead()
        var regionIndex = IDIndex(kind: "regions")
        for var row in rows("regions", index: &regionIndex) {
            let name = row.reader.string("name", required: true)
            let kind = row.reader.choice("kind", required: true, allowed: Region.kinds)
            finish(&row, known: ["id", "name", "kind"])
            guard let id = row.id, let name, let kind else {
                regionIndex.broken.insert(row.id ?? "")
                continue
            }
            regionIndex.add(id: id, name: name, index: model.regions.count)
            model.regions.append(Region(id: id, name: name, kind: kind))
        }

        var departmentIndex = IDIndex(kind: "departments")
        for var row in rows("departments", index: &departmentIndex) {
            let name = row.reader.string("name", required: true)
            finish(&row, known: ["id", "name"])
            guard let id = row.id, let name else {
                departmentIndex.broken.insert(row.id ?? "")
                continue
            }
            departmentIndex.add(id: id, name: name, index: model.departments.count)
            model.departments.append(Department(id: id, name: name))
        }

        var sectorIndex = IDIndex(kind: "sectors")
        for var row in rows("sectors", index: &sectorIndex) {
            let name = row.reader.string("name", required: true)
            let lead = departmentIndex.resolve(&row.reader, "lead", required: true)
            finish(&row, known: ["id", "name", "lead"])
            guard let id = row.id, let name, let lead else {
                sectorIndex.broken.insert(row.id ?? "")
                continue
            }
            sectorIndex.add(id: id, name: name, index: model.sectors.count)
            model.sectors.append(Sector(id: id, name: name, lead: lead))
        }

        var enterpriseIndex = IDIndex(kind: "enterprises")
        for var row in rows("enterprises", index: &enterpriseIndex) {
            let name = row.reader.string("name", required: true)
            let code = row.reader.string("credit_code")
            if let code, let problem = CreditCode.problem(with: code) {
                row.reader.warning("credit_code", LedgerLoader.describe(problem, code: code))
            }
            let region = regionIndex.resolve(&row.reader, "region", required: true)
            let sector = sectorIndex.resolve(&row.reader, "sector", required: true)
            finish(&row, known: ["id", "name", "credit_code", "region", "sector"])
            guard let id = row.id, let name, let region, let sector else {
                enterpriseIndex.broken.insert(row.id ?? "")
                continue
            }
            enterpriseIndex.add(id: id, name: name, index: model.enterprises.count)
            model.enterprises.append(Enterprise(id: id, name: name, creditCode: code, region: region, sector: sector))
        }

        var inspectionIndex = IDIndex(kind: "inspections")
        for var row in rows("inspections", index: &inspectionIndex) {
            let date = row.reader.day("date", required: true)
            let department = departmentIndex.resolve(&row.reader, "department", required: true)
            let method = row.reader.choice("method", required: true, allowed: Inspection.methods)
            var enterprises: [Int] = []
            var enterprisesValid = true
            for (id, location) in row.reader.stringList("enterprises", required: true) ?? [] {
                if let index = enterpriseIndex.find(id) {
                    enterprises.append(index)
                } else if enterpriseIndex.broken.contains(id) || enterpriseIndex.incomplete {
                    enterprisesValid = false
                } else {
                    enterprisesValid = false
                    let hint = Suggestion.hint(for: id, in: enterpriseIndex.indices.keys)
                    row.reader.error(at: location, "未知的企业 id “\(id)”\(hint)")
                }
            }
            if let date { warnIfAfterAsOf(date, "date", &row.reader) }
            finish(&row, known: ["id", "date", "department", "method", "enterprises"])
            guard let id = row.id, let date, let department, let method, enterprisesValid else {
                inspectionIndex.broken.insert(row.id ?? "")
                continue
            }
            inspectionIndex.indices[id] = model.inspections.count
            model.inspections.append(Inspection(id: id, date: date, department: department, method: method, enterprises: enterprises))
        }

        var hazardIndex = IDIndex(kind: "hazards")
        for var row in rows("hazards", index: &hazardIndex) {
            let enterprise = enterpriseIndex.resolve(&row.reader, "enterprise", required: true)
            let found = row.reader.day("found", required: true)
            let description = row.reader.string("description", required: true)
            let level = row.reader.choice("level", required: true, allowed: Hazard.Level.allCases.map(\.rawValue))
                .flatMap(Hazard.Level.init(rawValue:))
            let deadline = row.reader.day("deadline", required: true)
            let rectified = row.reader.day("rectified")
            let supervised = row.reader.bool("supervised") ?? false
            let inspection = inspectionIndex.resolve(&row.reader, "inspection", required: false)
            if let found {
                if let deadline, deadline < found {
                    row.reader.error("deadline", "整改期限 \(deadline) 早于发现日期 \(found)")
                }
                if let rectified, rectified < found {
                    row.reader.error("rectified", "整改完成日期 \(rectified) 早于发现日期 \(found)")
                }
                warnIfAfterAsOf(found, "found", &row.reader)
            }
            if let rectified { warnIfAfterAsOf(rectified, "rectified", &row.reader) }
            if supervised, level == .general {
                row.reader.warning("supervised", "挂牌督办只适用于重大隐患，此隐患等级为一般")
            }
            finish(&row, known: ["id", "enterprise", "found", "description", "level", "deadline", "rectified", "supervised", "inspection"])
            guard let id = row.id, let enterprise, let found, let description, let level, let deadline else {
                hazardIndex.broken.insert(row.id ?? "")
                continue
            }
            if (row.reader.has("inspection") && inspection == nil) || deadline < found || (rectified.map { $0 < found } ?? false) {
                hazardIndex.broken.insert(id)
                continue
            }
            hazardIndex.indices[id] = model.hazards.count
            model.hazards.append(Hazard(id: id, enterprise: enterprise, found: found, description: description, level: level,
                                        deadline: deadline, rectified: rectified, supervised: supervised, inspection: inspection))
        }

        var penaltyIndex = IDIndex(kind: "penalties")
        for var row in rows("penalties", index: &penaltyIndex) {
            let enterprise = enterpriseIndex.resolve(&row.reader, "enterprise", required: true)
            let date = row.reader.day("date", required: true)
            let decision = row.reader.string("decision_no", required: true)
            let violation = row.reader.string("violation", required: true)
            let basis = row.reader.string("basis", required: true)
            var actions: [String] = []
            var actionsValid = true
            for (action, location) in row.reader.stringList("actions", required: true) ?? [] {
                if Penalty.actions.contains(action) {
                    actions.append(action)
                } else {
                    actionsValid = false
                    row.reader.error(at: location, "处罚措施“\(action)”无效，可选值：\(Penalty.actions.joined(separator: "、"))")
                }
            }
            let fine = row.reader.decimal("fine", scale: 2)
            if actions.contains("罚款") && !row.reader.has("fine") {
                row.reader.warning("actions", "处罚措施含罚款，但没有填写罚款金额 fine")
            }
            let expose = row.reader.bool("expose") ?? false
            let exposeUntil = row.reader.day("expose_until")
            if let date {
                warnIfAfterAsOf(date, "date", &row.reader)
                if let exposeUntil, exposeUntil < date {
                    row.reader.error("expose_until", "曝光截止日期 \(exposeUntil) 早于处罚日期 \(date)")
                }
            }
            finish(&row, known: ["id", "enterprise", "date", "decision_no", "violation", "basis", "actions", "fine", "expose", "expose_until"])
            guard let id = row.id, let enterprise, let date, let decision, let violation, let basis, actionsValid else {
                penaltyIndex.broken.insert(row.id ?? "")
                continue
            }
            if (row.reader.has("fine") && fine == nil) || (exposeUntil.map { $0 < date } ?? false) {
                penaltyIndex.broken.insert(id)
                continue
            }
            penaltyIndex.indices[id] = model.penalties.count
            model.penalties.append(Penalty(id: id, enterprise: enterprise, date: date, decisionNumber: decision, violation: violation,
                                           basis: basis, actions: actions, fine: fine, expose: expose, exposeUntil: exposeUntil))
        }

        var accidentIndex = IDIndex(kind: "accidents")
        for var row in rows("accidents", index: &accidentIndex) {
            let date = row.reader.day("date", required: true)
            let region = regionIndex.resolve(&row.reader, "region", required: true)
            let sector = sectorIndex.resolve(&row.reader, "sector", required: true)
            let enterprise = enterpriseIndex.resolve(&row.reader, "enterprise", required: false)
            let summary = row.reader.string("summary", required: true)
            let deaths = row.reader.integer("deaths", required: true)
            let injuries = row.reader.integer("serious_injuries", required: true)
            let loss = row.reader.decimal("direct_loss", required: true, scale: 4)
            if let date { warnIfAfterAsOf(date, "date", &row.reader) }
            finish(&row, known: ["id", "date", "region", "sector", "enterprise", "summary", "deaths", "serious_injuries", "direct_loss"])
            guard let id = row.id, let date, let region, let sector, let summary, let deaths, let injuries, let loss else {
                accidentIndex.broken.insert(row.id ?? "")
                continue
            }
            if row.reader.has("enterprise") && enterprise == nil {
                accidentIndex.broken.insert(id)
                continue
            }
            accidentIndex.indices[id] = model.accidents.count
            model.accidents.append(Accident(id: id, date: date, region: region, sector: sector, enterprise: enterprise, summary: summary,
                                            deaths: deaths, seriousInjuries: injuries, directLoss: loss))
        }
    }

    // MARK: Rows

    /// The rows of one kind from all its files, each with its id checked for
    /// presence, form and uniqueness.
    private mutating func rows(_ kind: String, index: inout IDIndex) -> [Row] {
        let label = index.kindName
        var sources: [String] = []
        for name in ["\(kind).yml", "\(kind).yaml", "\(kind).csv"] {
            let path = "data/\(name)"
            if files.isRegularFile(path) {
                sources.append(path)
            } else if files.isDirectory(path) {
                diagnostics.error(SourceLocation(file: files.display(path), line: 1, column: 1),
                                  "“\(path)”是一个文件夹，应为文件（一类台账分多个文件时，文件夹名不带 .yml：data/\(kind)/）")
                index.incomplete = true
            } else if files.isLink(path) {
                diagnostics.error(SourceLocation(file: files.display(path), line: 1, column: 1),
                                  "“\(path)”是指向内容目录之外（或不存在的文件）的符号链接，不会读取：请把文件本身放进内容目录")
                index.incomplete = true
            }
        }
        if files.isDirectory("data/\(kind)") && files.expectFolder("data/\(kind)", diagnostics: &diagnostics) {
            for name in files.list("data/\(kind)") {
                if files.isLinkOutside("data/\(kind)/\(name)") {
                    diagnostics.warning(SourceLocation(file: files.display("data/\(kind)/\(name)"), line: 1, column: 1),
                                        "符号链接指向内容目录之外，已跳过")
                    continue
                }
                if LedgerLoader.isLedgerFile(name) && files.isRegularFile("data/\(kind)/\(name)") {
                    sources.append("data/\(kind)/\(name)")
                } else {
                    diagnostics.warning(SourceLocation(file: files.display("data/\(kind)/\(name)"), line: 1, column: 1),
                                        "data/\(kind)/ 中只读取 .yml 和 .csv 文件（不含子文件夹），“\(name)”已忽略")
                }
            }
        }
        var result: [Row] = []
        var firstSeen: [String: SourceLocation] = [:]
        // Reference data is named in URLs and other rows: its ids have a fixed form.
        let checkForm = ["regions", "departments", "sectors"].contains(kind)
        for path in sources {
            let ahead = parsed.removeValue(forKey: path) ?? LedgerLoader.parse(path, kind: kind, files: files)
            diagnostics.append(contentsOf: ahead.diagnostics)
            guard let source = ahead.source else {
                index.incomplete = true
                continue
            }
            guard let root = source.root else { continue }
            guard case .sequence(let sequence, _, _) = root else {
                diagnostics.error(source.location(of: root), "\(path) 应当是记录的列表（每条记录以“- ”开头），而不是\(RecordReader.kindName(root))")
                index.incomplete = true
                continue
            }
            for item in sequence {
                guard var reader = RecordReader(source: source, node: item, label: label, diagnostics: &diagnostics) else { continue }
                let id = reader.string("id", required: true)
                var accepted = id
                if let id {
                    reader.label = "\(label) \(id) "
                    if checkForm, !LedgerLoader.isReferenceID(id) {
                        reader.error("id", "\(label) id “\(id)”只能由小写字母、数字和连字符组成（如 chengguan）")
                        accepted = nil
                    } else if let first = firstSeen[id] {
                        reader.error("id", "\(label) id “\(id)”重复，第一次出现在 \(first.file):\(first.line)")
                        accepted = nil
                    } else {
                        firstSeen[id] = reader.location(of: "id")
                    }
                }
                result.append(Row(reader: reader, id: accepted))
            }
        }
        return result
    }

    /// Reads and parses a ledger file (YAML, or CSV: `CSVLedger`); what went wrong is in the diagnostics.
    private static func parse(_ path: String, kind: String, files: ContentFiles) -> (source: YAMLSource?, diagnostics: Diagnostics) {
        var diagnostics = Diagnostics()
        let csv = path.hasSuffix(".csv")
        guard let file = files.read(path, diagnostics: &diagnostics, spreadsheet: csv) else { return (nil, diagnostics) }
        let source = csv ? CSVLedger.source(file.text, file: file.displayPath, kind: kind, diagnostics: &diagnostics)
            : YAMLSource.parse(file.text, file: file.displayPath, diagnostics: &diagnostics)
        return (source, diagnostics)
    }

    /// A file name a ledger may have inside `data/<kind>/`.
    static func isLedgerFile(_ name: String) -> Bool {
        name.hasSuffix(".yml") || name.hasSuffix(".yaml") || name.hasSuffix(".csv")
    }

    /// Parses the regular `.yml` files of every kind on all cores. Anything
    /// unusual (links, folders named like files) is left to `rows`, which
    /// reports it where it always did.
    private mutating func parseAhead() {
        var paths: [(path: String, kind: String)] = []
        for kind in LedgerLoader.kinds {
            for name in ["\(kind).yml", "\(kind).yaml", "\(kind).csv"] where files.isRegularFile("data/\(name)") && !files.isLink("data/\(name)") {
                paths.append(("data/\(name)", kind))
            }
            guard files.isDirectory("data/\(kind)"), !files.isLink("data/\(kind)") else { continue }
            for name in files.list("data/\(kind)") where LedgerLoader.isLedgerFile(name) {
                let path = "data/\(kind)/\(name)"
                if files.isRegularFile(path) && !files.isLink(path) { paths.append((path, kind)) }
            }
        }
        // Largest first, so that one big file does not start last.
        let sizes = paths.map { (try? FileManager.default.attributesOfItem(atPath: self.files.root.appendingPathComponent($0.path).path)[.size] as? Int) ?? 0 }
        let order = paths.indices.sorted { sizes[$0] > sizes[$1] }.map { paths[$0] }
        let files = self.files
        for (entry, result) in zip(order, Parallel.map(order.count) { LedgerLoader.parse(order[$0].path, kind: order[$0].kind, files: files) }) {
            parsed[entry.path] = result
        }
    }

    private mutating func finish(_ row: inout Row, known: [String]) {
        row.reader.warnAboutUnknownFields(known: known)
        diagnostics.append(contentsOf: row.reader.diagnostics)
    }

    private func warnIfAfterAsOf(_ day: Day, _ key: String, _ reader: inout RecordReader) {
        guard day > asOf else { return }
        if key == "rectified" {
            reader.warning(key, "整改完成日期 \(day) 晚于统计截止日期 \(asOf)：截至该日仍按未整改统计")
        } else {
            reader.warning(key, "日期 \(day) 晚于统计截止日期 \(asOf)，该记录不计入统计")
        }
    }

    /// Files in `data/` that are no known kind.
    private mutating func warnAboutUnknownFiles() {
        for name in files.list("data") {
            let stem = name.hasSuffix(".yml") || name.hasSuffix(".csv") ? String(name.dropLast(4))
                : name.hasSuffix(".yaml") ? String(name.dropLast(5)) : name
            guard !LedgerLoader.kinds.contains(stem) else { continue }
            let hint = Suggestion.hint(for: stem, in: LedgerLoader.kinds)
            diagnostics.warning(SourceLocation(file: files.display("data/\(name)"), line: 1, column: 1),
                                "data/ 中的“\(name)”不是已知的台账类型，已忽略\(hint)；可用的类型：\(LedgerLoader.kinds.joined(separator: "、"))")
        }
    }

    static func isReferenceID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }
    }

    static func describe(_ problem: CreditCode.Problem, code: String) -> String {
        switch problem {
        case .length(let count):
            return "统一社会信用代码“\(code)”应为 18 位，现为 \(count) 位"
        case .character(let character) where character.isLowercase:
            return "统一社会信用代码“\(code)”中的字母须大写（“\(character)”应为“\(character.uppercased())”）"
        case .character(let character):
            return "统一社会信用代码“\(code)”含有不允许的字符“\(character)”（不使用 I、O、S、V、Z）"
        case .checkCharacter(let expected):
            return "统一社会信用代码“\(code)”未通过 GB 32100-2015 校验（按前 17 位，校验码应为“\(expected)”），请核对"
        }
    }
}
