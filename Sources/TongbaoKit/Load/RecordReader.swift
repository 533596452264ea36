/// Reads the fields of one YAML mapping (a ledger row, a front matter block,
/// site.yml) into typed values, turning every problem into a diagnostic that
/// points at the offending field.
struct RecordReader {
    let source: YAMLSource
    let node: YAMLNode
    /// What the record is called in messages (`隐患 YH-2021-0001`).
    var label: String
    private(set) var diagnostics = Diagnostics()
    /// The fields by name, in file order of first appearance; a later field of the
    /// same name (keys equal as text but not as YAML) replaces the value. Records have
    /// a handful of fields: a linear search beats hashing every name.
    private var fields: [Field] = []

    private struct Field {
        let name: String
        var key: YAMLNode
        var value: YAMLNode
    }

    /// nil (with a diagnostic) when `node` is not a mapping.
    init?(source: YAMLSource, node: YAMLNode, label: String, diagnostics: inout Diagnostics) {
        guard case .mapping(let mapping, _, _) = node else {
            diagnostics.error(source.location(of: node), "\(label)应当是“字段: 值”形式的映射，而不是\(RecordReader.kindName(node))")
            return nil
        }
        self.source = source
        self.node = node
        self.label = label
        fields.reserveCapacity(mapping.count)
        for pair in mapping {
            let name = pair.key.string ?? ""
            if name == "<<" {
                diagnostics.error(source.location(of: pair.key), "不支持 YAML 合并键“<<”：请把字段逐条写出")
                continue
            }
            if let index = fields.firstIndex(where: { $0.name == name }) {
                fields[index].key = pair.key
                fields[index].value = pair.value
            } else {
                fields.append(Field(name: name, key: pair.key, value: pair.value))
            }
        }
    }

    var location: SourceLocation { source.location(of: node) }

    /// A field as messages name it: with its column's header in a spreadsheet ledger.
    func named(_ key: String) -> String {
        guard let header = source.columnNames[key], header != key else { return key }
        return "\(key)（\(header)）"
    }

    /// The field names present, in file order.
    var keys: [String] { fields.map(\.name) }

    private func field(_ key: String) -> Field? {
        fields.first { $0.name == key }
    }

    func location(of key: String) -> SourceLocation {
        source.location(of: field(key)?.value ?? node)
    }

    func has(_ key: String) -> Bool {
        guard let value = field(key)?.value else { return false }
        return !RecordReader.isNull(value)
    }

    // MARK: Scalars

    /// The value as text; nil (with an error when `required`) when absent or null.
    mutating func string(_ key: String, required: Bool = false) -> String? {
        guard let value = present(key, required: required) else { return nil }
        guard case .scalar(let scalar, _, _, _) = value else {
            error(key, "字段 \(named(key)) 应当是一个值，而不是\(RecordReader.kindName(value))")
            return nil
        }
        let text = scalar.trimmingSpaces
        if text.isEmpty {
            if required { error(key, "字段 \(named(key)) 不能为空") }
            return nil
        }
        return text
    }

    /// Text of at most `limit` characters (titles: a longer one is a mistake, and slows every page it is on).
    mutating func title(_ key: String, required: Bool = false, limit: Int = 200) -> String? {
        guard let text = string(key, required: required) else { return nil }
        guard text.count <= limit else {
            error(key, "字段 \(named(key)) 过长（\(text.count) 字，最多 \(limit) 字）")
            return nil
        }
        return text
    }

    mutating func day(_ key: String, required: Bool = false) -> Day? {
        guard let text = string(key, required: required) else { return nil }
        switch Day.parse(text) {
        case .valid(let day): return day
        case .malformed: error(key, "字段 \(named(key)) 的日期“\(text)”格式不对，应写作 YYYY-MM-DD，如 2021-06-15")
        case .impossible: error(key, "字段 \(named(key)) 的日期“\(text)”不存在")
        }
        return nil
    }

    mutating func dayTime(_ key: String, required: Bool = false) -> DayTime? {
        guard let text = string(key, required: required) else { return nil }
        switch DayTime.parseTime(text) {
        case .success(let value): return value
        case .failure(.impossible): error(key, "字段 \(named(key)) 的时间“\(text)”不存在")
        case .failure: error(key, "字段 \(named(key)) 的时间“\(text)”格式不对，应写作 YYYY-MM-DD HH:MM，如 2021-06-18 09:00")
        }
        return nil
    }

    /// A whole number in `range`.
    mutating func integer(_ key: String, required: Bool = false, in range: ClosedRange<Int> = 0...Int.max) -> Int? {
        guard let text = string(key, required: required) else { return nil }
        guard let value = Int(text), text.allSatisfy({ $0.isASCII }) else {
            error(key, "字段 \(named(key)) 应当是整数，而不是“\(text)”")
            return nil
        }
        guard range.contains(value) else {
            if range.upperBound == Int.max {
                error(key, "字段 \(named(key)) 不能小于 \(range.lowerBound)，现为 \(value)")
            } else {
                error(key, "字段 \(named(key)) 应在 \(range.lowerBound) 到 \(range.upperBound) 之间，现为 \(value)")
            }
            return nil
        }
        return value
    }

    /// A non-negative decimal with at most `scale` digits after the point.
    mutating func decimal(_ key: String, required: Bool = false, scale: Int) -> FixedDecimal? {
        guard let text = string(key, required: required) else { return nil }
        guard let value = FixedDecimal(parsing: text, scale: scale) else {
            error(key, "字段 \(named(key)) 应当是不小于 0 的数（最多 \(scale) 位小数），而不是“\(text)”")
            return nil
        }
        return value
    }

    mutating func decimal(_ key: String, required: Bool = false, ratio: Bool) -> Double? {
        guard let text = string(key, required: required) else { return nil }
        guard let value = Double(text), value.isFinite, value >= 0, !ratio || value <= 1 else {
            error(key, "字段 \(named(key)) 应当是 0 到 1 之间的小数（如 0.90），而不是“\(text)”")
            return nil
        }
        return value
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let text = string(key) else { return nil }
        switch text {
        case "true", "True", "TRUE", "yes", "Yes", "是": return true
        case "false", "False", "FALSE", "no", "No", "否": return false
        default:
            error(key, "字段 \(named(key)) 应当是 true 或 false，而不是“\(text)”")
            return nil
        }
    }

    /// One of `allowed`; an unknown value lists them all.
    mutating func choice(_ key: String, required: Bool = false, allowed: [String]) -> String? {
        guard let text = string(key, required: required) else { return nil }
        guard allowed.contains(text) else {
            error(key, "字段 \(named(key)) 的值“\(text)”无效，可选值：\(allowed.joined(separator: "、"))")
            return nil
        }
        return text
    }

    // MARK: Collections

    /// A list of texts; a single value is accepted as a list of one.
    mutating func stringList(_ key: String, required: Bool = false) -> [(String, SourceLocation)]? {
        guard let value = present(key, required: required) else { return nil }
        switch value {
        case .scalar:
            return string(key).map { [($0, location(of: key))] }
        case .sequence(let sequence, _, _):
            var result: [(String, SourceLocation)] = []
            for item in sequence {
                guard case .scalar(let scalar, _, _, _) = item else {
                    diagnostics.error(source.location(of: item), "字段 \(named(key)) 的每一项都应当是一个值，而不是\(RecordReader.kindName(item))")
                    continue
                }
                let text = scalar.trimmingSpaces
                if text.isEmpty {
                    diagnostics.error(source.location(of: item), "字段 \(named(key)) 中有空项")
                } else {
                    result.append((text, source.location(of: item)))
                }
            }
            if required && result.isEmpty && sequence.isEmpty {
                error(key, "字段 \(named(key)) 不能为空列表")
            }
            return result
        default:
            error(key, "字段 \(named(key)) 应当是列表，如 [a, b]，而不是\(RecordReader.kindName(value))")
            return nil
        }
    }

    /// The items of a list of mappings (attachments).
    mutating func nodeList(_ key: String) -> [YAMLNode]? {
        guard let value = present(key, required: false) else { return nil }
        guard case .sequence(let sequence, _, _) = value else {
            error(key, "字段 \(named(key)) 应当是列表，而不是\(RecordReader.kindName(value))")
            return nil
        }
        return sequence
    }

    /// A nested mapping (meeting).
    mutating func nested(_ key: String, label: String) -> RecordReader? {
        guard let value = present(key, required: false) else { return nil }
        return RecordReader(source: source, node: value, label: label, diagnostics: &diagnostics)
    }

    /// Adds the diagnostics of a nested reader to this one.
    mutating func absorb(_ other: RecordReader) {
        diagnostics.append(contentsOf: other.diagnostics)
    }

    /// Warns about fields not in `known`, suggesting the closest known name.
    mutating func warnAboutUnknownFields(known: [String]) {
        for field in fields where !known.contains(field.name) {
            let hint = Suggestion.hint(for: field.name, in: known)
            diagnostics.warning(source.location(of: field.key), "\(label)中有未知字段“\(field.name)”，已忽略\(hint)")
        }
    }

    mutating func error(_ key: String, _ message: String) {
        diagnostics.error(location(of: key), message)
    }

    /// An error at a place inside this record (an item of a list).
    mutating func error(at location: SourceLocation, _ message: String) {
        diagnostics.error(location, message)
    }

    mutating func warning(_ key: String, _ message: String) {
        diagnostics.warning(location(of: key), message)
    }

    // MARK: Helpers

    private mutating func present(_ key: String, required: Bool) -> YAMLNode? {
        guard let value = field(key)?.value, !RecordReader.isNull(value) else {
            if required { diagnostics.error(location, "\(label)缺少必填字段 \(named(key))") }
            return nil
        }
        return value
    }

    static func isNull(_ node: YAMLNode) -> Bool {
        guard case .scalar(let text, .plain, _, _) = node else { return false }
        switch text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    static func kindName(_ node: YAMLNode) -> String {
        switch node {
        case .scalar(let text, _, _, _): return "单个值“\(text)”"
        case .mapping: return "映射（字段: 值）"
        case .sequence: return "列表"
        }
    }
}
