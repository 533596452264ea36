import CSV
import Foundation

/// A ledger kept in a spreadsheet: `data/<kind>.csv` (or a `.csv` in
/// `data/<kind>/`), one row per record under a header row of the format's
/// field names or their Chinese labels (`隐患编号`, `单位`, `发现日期` …).
///
/// The rows are parsed by CSV.swift and become the same records a YAML ledger
/// gives (`YAMLNode` mappings, every cell a value with its line and column),
/// so the loader checks them with the same rules and the same messages.
/// What a spreadsheet writes differently is taken as meant: dates as
/// `2021/6/20` or `2021年6月20日`, yes/no as `是`/`否`, `Y`/`N` or `√`/`×`, a
/// list (an inspection's enterprises, a penalty's actions) as one cell with
/// its items separated by `、`, `，`, `;` or spaces. An empty cell is a field
/// left out.
enum CSVLedger {
    /// Per kind, every field with its Chinese labels: the first is the one `tongbao export` writes.
    static let labels: [String: [(field: String, labels: [String])]] = [
        "regions": [
            ("id", ["属地编号", "编号"]), ("name", ["属地名称", "名称", "属地"]), ("kind", ["属地类型", "类型"]),
        ],
        "departments": [
            ("id", ["部门编号", "编号"]), ("name", ["部门名称", "名称", "部门"]),
        ],
        "sectors": [
            ("id", ["行业领域编号", "行业编号", "编号"]), ("name", ["行业领域", "名称", "行业"]), ("lead", ["牵头部门"]),
        ],
        "enterprises": [
            ("id", ["单位编号", "企业编号", "编号"]), ("name", ["单位名称", "企业名称", "名称"]),
            ("credit_code", ["统一社会信用代码", "信用代码"]), ("region", ["属地"]), ("sector", ["行业领域", "行业"]),
        ],
        "inspections": [
            ("id", ["检查编号", "编号"]), ("date", ["检查日期", "日期"]), ("department", ["检查部门", "部门"]),
            ("method", ["检查方式", "方式"]), ("enterprises", ["被检查单位", "检查单位", "单位"]),
        ],
        "hazards": [
            ("id", ["隐患编号", "编号"]), ("enterprise", ["单位", "企业", "生产经营单位", "单位编号"]), ("found", ["发现日期"]),
            ("description", ["隐患描述", "隐患内容", "隐患情况"]), ("level", ["隐患等级", "等级"]), ("deadline", ["整改期限"]),
            ("rectified", ["整改完成日期", "完成整改日期"]), ("supervised", ["是否挂牌督办", "挂牌督办"]),
            ("inspection", ["检查编号"]),
        ],
        "penalties": [
            ("id", ["处罚编号", "编号"]), ("enterprise", ["单位", "企业", "被处罚单位", "单位编号"]), ("date", ["处罚日期", "日期"]),
            ("decision_no", ["处罚决定书文号", "决定书文号", "文号"]), ("violation", ["违法行为"]),
            ("basis", ["处罚依据", "依据"]), ("actions", ["处罚措施", "措施"]), ("fine", ["罚款金额（元）", "罚款金额", "罚款"]),
            ("expose", ["是否曝光", "曝光"]), ("expose_until", ["曝光截止日期", "曝光截止"]),
        ],
        "accidents": [
            ("id", ["事故编号", "编号"]), ("date", ["事故日期", "发生日期", "日期"]), ("region", ["属地"]),
            ("sector", ["行业领域", "行业"]), ("enterprise", ["单位", "企业", "事故单位"]), ("summary", ["事故简况", "简要经过", "概况"]),
            ("deaths", ["死亡人数", "死亡"]), ("serious_injuries", ["重伤人数（含急性工业中毒）", "重伤人数", "重伤"]),
            ("direct_loss", ["直接经济损失（万元）", "直接经济损失"]),
        ],
    ]

    static let dateFields: Set<String> = ["date", "found", "deadline", "rectified", "expose_until"]
    static let flagFields: Set<String> = ["supervised", "expose"]
    static let listFields: Set<String> = ["enterprises", "actions"]

    /// The field a header cell names, for `kind`: a field name or one of its labels
    /// (spaces, a BOM and a trailing `*` of a required-field mark ignored).
    static func field(named header: String, kind: String) -> String? {
        var name = header.trimmingCharacters(in: .whitespacesAndNewlines)
        name.removeAll { $0 == "\u{FEFF}" }
        while name.hasSuffix("*") || name.hasSuffix("＊") { name.removeLast() }
        name = name.replacingOccurrences(of: "(", with: "（").replacingOccurrences(of: ")", with: "）")
        guard let fields = labels[kind] else { return nil }
        for entry in fields where entry.field == name || entry.labels.contains(name) { return entry.field }
        return nil
    }

    /// The records of a CSV ledger as YAML nodes; a file that is not CSV as the
    /// format needs becomes diagnostics and a nil result.
    static func source(_ text: String, file: String, kind: String, diagnostics: inout Diagnostics) -> YAMLSource? {
        let rows: [[String]]
        do {
            let reader = try CSVReader(string: text)
            var all: [[String]] = []
            while let row = reader.next() { all.append(row) }
            rows = all
        } catch {
            diagnostics.error(SourceLocation(file: file, line: 1, column: 1), "无法读取 CSV：\(error)")
            return nil
        }
        var locator = Locator(text: text)
        var records: [YAMLNode] = []
        var columns: [Column] = []
        var headers: [String: String] = [:]
        var headerSeen = false
        for row in rows {
            guard let marks = locator.locate(row) else {
                let (line, column) = locator.position
                diagnostics.error(SourceLocation(file: file, line: line, column: column),
                                  "CSV 格式不对：引号不配对（单元格中的引号应写成两个引号 \"\"，含逗号、引号或换行的单元格应整个加引号）")
                return nil
            }
            // Blank lines (Excel leaves rows of empty cells) are skipped.
            if row.allSatisfy({ $0.trimmingSpaces.isEmpty }) { continue }
            guard headerSeen else {
                headerSeen = true
                columns = header(row, marks: marks, file: file, kind: kind, diagnostics: &diagnostics)
                for (index, column) in columns.enumerated() {
                    if case .field(let field, _, _) = column { headers[field] = row[index].trimmingCharacters(in: .whitespacesAndNewlines) }
                }
                if !columns.contains(where: { if case .field = $0 { true } else { false } }) { return nil }
                continue
            }
            var pairs: [YAMLPair] = []
            for (index, cell) in row.enumerated() {
                switch index < columns.count ? columns[index] : .unnamed {
                case .field(let field, let mark, let kind):
                    guard let value = value(cell, kind: kind, mark: marks[index]) else { continue }
                    pairs.append(YAMLPair(key: .scalar(field, .plain, mark, tag: 0), value: value))
                case .unnamed:
                    if !cell.trimmingSpaces.isEmpty {
                        diagnostics.warning(location(marks[index], file: file), "第 \(index + 1) 列没有表头，其中的“\(cell)”已忽略")
                    }
                case .refused:
                    continue
                }
            }
            records.append(.mapping(pairs, YAMLMark(line: marks[0].line, column: 1), tag: 0))
        }
        // Fields are named in messages with their column's header, or the usual label when the file has no such column.
        var names: [String: String] = [:]
        for entry in labels[kind] ?? [] { names[entry.field] = entry.labels[0] }
        for (field, header) in headers { names[field] = header }
        if !headerSeen {
            return YAMLSource(file: file, lineOffset: 0, root: nil, columnNames: names)
        }
        return YAMLSource(file: file, lineOffset: 0, root: .sequence(records, YAMLMark(line: 1, column: 1), tag: 0), columnNames: names)
    }

    private static func location(_ mark: YAMLMark, file: String) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line), column: Int(mark.column))
    }

    /// What a column holds, by its header.
    private enum Column {
        case field(String, YAMLMark, ValueKind)
        /// An empty header cell: the column's cells are ignored (with a warning when one is filled).
        case unnamed
        /// A header that names no field, or one already named: reported once, at the header.
        case refused
    }

    /// The field of each column. An unknown or repeated header is an error.
    private static func header(_ row: [String], marks: [YAMLMark], file: String, kind: String,
                               diagnostics: inout Diagnostics) -> [Column] {
        var columns: [Column] = []
        var seen: [String: Int] = [:]
        let known = (labels[kind] ?? []).map { "\($0.labels[0])（\($0.field)）" }.joined(separator: "、")
        let kindName = LedgerLoader.kindNames[kind] ?? kind
        for (index, cell) in row.enumerated() {
            let name = cell.trimmingCharacters(in: .whitespacesAndNewlines)
            if name.isEmpty {
                columns.append(.unnamed)
                continue
            }
            guard let field = field(named: name, kind: kind) else {
                let names = (labels[kind] ?? []).flatMap { [$0.field] + $0.labels }
                let hint = Suggestion.hint(for: name, in: names)
                diagnostics.error(location(marks[index], file: file), "表头“\(name)”不是\(kindName)台账的字段\(hint)；可用的表头：\(known)")
                columns.append(.refused)
                continue
            }
            if let first = seen[field] {
                diagnostics.error(location(marks[index], file: file), "表头“\(name)”与第 \(first + 1) 列重复（都是字段 \(field)）")
                columns.append(.refused)
                continue
            }
            seen[field] = index
            let kind: ValueKind = listFields.contains(field) ? .list : dateFields.contains(field) ? .date : flagFields.contains(field) ? .flag : .text
            columns.append(.field(field, marks[index], kind))
        }
        if seen["id"] == nil {
            diagnostics.error(SourceLocation(file: file, line: Int(marks.first?.line ?? 1), column: 1),
                              "表头中没有编号一列（id）：第一行应为表头，如 \(known)")
        }
        return columns
    }

    /// How a column's cells are read.
    private enum ValueKind { case text, date, flag, list }

    /// A cell as the value of a field of `kind`: nil when empty (the field is left out).
    private static func value(_ cell: String, kind: ValueKind, mark: YAMLMark) -> YAMLNode? {
        let text = cell.trimmingSpaces
        guard !text.isEmpty else { return nil }
        // The mark points at the text, after any spaces before it.
        let leading = cell.prefix { $0 == " " || $0 == "\t" }.count
        let start = YAMLMark(line: mark.line, column: mark.column + Int32(leading))
        if kind == .list {
            var items: [YAMLNode] = []
            var column = start.column
            var current = ""
            var currentStart = column
            func flush() {
                if !current.isEmpty { items.append(.scalar(current, .doubleQuoted, YAMLMark(line: start.line, column: currentStart), tag: 0)) }
                current = ""
            }
            for character in text {
                if "、，,;；/ \t".contains(character) {
                    flush()
                } else {
                    if current.isEmpty { currentStart = column }
                    current.append(character)
                }
                column += 1
            }
            flush()
            return .sequence(items, start, tag: 0)
        }
        var normalised = text
        if kind == .date { normalised = date(text) ?? text }
        if kind == .flag {
            switch text {
            case "Y", "y", "√", "✓", "✔", "1": normalised = "true"
            case "N", "n", "×", "✗", "0": normalised = "false"
            default: break
            }
        }
        return .scalar(normalised, .doubleQuoted, start, tag: 0)
    }

    /// A date as a spreadsheet may write it, as `YYYY-MM-DD`: `2021/6/20`, `2021-6-20`,
    /// `2021.6.20`, `2021年6月20日`, with a time after it (`2021/6/20 0:00`) dropped; nil otherwise.
    static func date(_ text: String) -> String? {
        // Already YYYY-MM-DD (as tongbao export writes it): nothing to do.
        let utf8 = text.utf8
        if utf8.count == 10, utf8.allSatisfy({ $0 < 0x80 }), utf8[utf8.index(utf8.startIndex, offsetBy: 4)] == UInt8(ascii: "-") { return nil }
        var day = text
        if let space = day.firstIndex(of: " ") { day = String(day[..<space]) }
        if day.hasSuffix("日") { day.removeLast() }
        let parts = day.split(omittingEmptySubsequences: false, whereSeparator: { "/-.年月".contains($0) })
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
              let year = Int(parts[0]), let month = Int(parts[1]), let dayOfMonth = Int(parts[2]) else { return nil }
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(dayOfMonth < 10 ? "0" : "")\(dayOfMonth)"
    }

    /// Finds where each cell of the rows CSV.swift gave starts in the text, walking
    /// it as the CSV rules lay a row out: a plain cell as its text, a quoted one
    /// as `"` + its text with every `"` doubled + `"`, a comma between cells, a
    /// line break after the last. A row the text does not match (a stray quote
    /// the parser took leniently) has no places: the file is reported.
    struct Locator {
        private let scalars: [Unicode.Scalar]
        private var index = 0
        private var line: Int32 = 1
        private var column: Int32 = 1

        init(text: String) { scalars = Array(text.unicodeScalars) }

        /// Line and column of the next character.
        var position: (Int, Int) { (Int(line), Int(column)) }

        /// The place of each cell of `row`, the next row of the text; nil when the text does not lay it out so.
        mutating func locate(_ row: [String]) -> [YAMLMark]? {
            var marks: [YAMLMark] = []
            for (number, cell) in row.enumerated() {
                if index < scalars.count, scalars[index] == "\"" {
                    advance()
                    marks.append(YAMLMark(line: line, column: column))
                    for scalar in cell.unicodeScalars {
                        guard index < scalars.count, scalars[index] == scalar else { return nil }
                        advance()
                        if scalar == "\"" {
                            guard index < scalars.count, scalars[index] == "\"" else { return nil }
                            advance()
                        }
                    }
                    guard index < scalars.count, scalars[index] == "\"" else { return nil }
                    advance()
                } else {
                    marks.append(YAMLMark(line: line, column: column))
                    for scalar in cell.unicodeScalars {
                        guard index < scalars.count, scalars[index] == scalar, scalar != "\"" else { return nil }
                        advance()
                    }
                }
                if number < row.count - 1 {
                    guard index < scalars.count, scalars[index] == "," else { return nil }
                    advance()
                } else if index < scalars.count {
                    if scalars[index] == "\r" { advance() }
                    guard index < scalars.count, scalars[index] == "\n" else { return nil }
                    advance()
                }
            }
            return marks
        }

        private mutating func advance() {
            if scalars[index] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += 1
        }
    }
}
