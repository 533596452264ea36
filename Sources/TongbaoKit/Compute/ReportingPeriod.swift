/// The period a circular covers: a month (月通报), a quarter (季度分析) or a year (年度考核).
public struct ReportingPeriod: Hashable, Sendable, Comparable {
    public enum Kind: Int, Sendable, Comparable {
        case month, quarter, year

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public let kind: Kind
    /// First day of the period.
    public let start: Day
    /// Last day of the period.
    public let end: Day

    public static func month(_ year: Int, _ month: Int) -> ReportingPeriod {
        let start = Day(unchecked: year, month, 1)
        return ReportingPeriod(kind: .month, start: start, end: start.lastOfMonth)
    }

    public static func quarter(_ year: Int, _ quarter: Int) -> ReportingPeriod {
        let first = (quarter - 1) * 3 + 1
        return ReportingPeriod(kind: .quarter, start: Day(unchecked: year, first, 1),
                               end: Day(unchecked: year, first + 2, 1).lastOfMonth)
    }

    public static func year(_ year: Int) -> ReportingPeriod {
        ReportingPeriod(kind: .year, start: Day(unchecked: year, 1, 1), end: Day(unchecked: year, 12, 31))
    }

    /// `2021-06`, `2021-Q2`, `2021`: the URL segment and the JSON `month`/`period`.
    public var key: String {
        switch kind {
        case .month: return "\(start.year)-\(Day.pad(start.month, 2))"
        case .quarter: return "\(start.year)-Q\((start.month - 1) / 3 + 1)"
        case .year: return String(start.year)
        }
    }

    /// The period named by `2021-06`, `2021-Q2` or `2021`; nil for anything else.
    public static func parse(key: String) -> ReportingPeriod? {
        let bytes = Array(key.utf8)
        func digits(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, range.allSatisfy({ bytes[$0] >= 48 && bytes[$0] <= 57 }) else { return nil }
            return range.reduce(0) { $0 * 10 + Int(bytes[$1] - 48) }
        }
        guard let year = digits(0..<4), year >= 1 else { return nil }
        switch bytes.count {
        case 4:
            return .year(year)
        case 7 where bytes[4] == UInt8(ascii: "-"):
            if bytes[5] == UInt8(ascii: "Q"), let quarter = digits(6..<7), (1...4).contains(quarter) { return .quarter(year, quarter) }
            if let month = digits(5..<7), (1...12).contains(month) { return .month(year, month) }
            return nil
        default:
            return nil
        }
    }

    /// `2021年6月`, `2021年第二季度`, `2021年`.
    public var label: String {
        switch kind {
        case .month: return "\(start.year)年\(start.month)月"
        case .quarter: return "\(start.year)年第\(["一", "二", "三", "四"][(start.month - 1) / 3])季度"
        case .year: return "\(start.year)年"
        }
    }

    /// The reference day D: the period's last day, or `asOf` when that is earlier.
    public func referenceDay(asOf: Day) -> Day { min(end, asOf) }

    /// Whether the period has ended by `asOf`.
    public func isComplete(asOf: Day) -> Bool { end <= asOf }

    /// Every period of `kind` from the one holding `first` to the one holding `last`, oldest first.
    public static func all(_ kind: Kind, from first: Day, through last: Day) -> [ReportingPeriod] {
        guard first <= last else { return [] }
        var result: [ReportingPeriod] = []
        var current = containing(first, kind)
        while current.start <= last {
            result.append(current)
            current = containing(current.end.adding(days: 1), kind)
        }
        return result
    }

    public static func containing(_ day: Day, _ kind: Kind) -> ReportingPeriod {
        switch kind {
        case .month: return month(day.year, day.month)
        case .quarter: return quarter(day.year, (day.month - 1) / 3 + 1)
        case .year: return year(day.year)
        }
    }

    public static func < (lhs: ReportingPeriod, rhs: ReportingPeriod) -> Bool {
        (lhs.start, lhs.kind) < (rhs.start, rhs.kind)
    }
}

extension Day {
    /// The same day a year earlier; 29 February becomes 28 February.
    public var sameDayLastYear: Day {
        Day(year: year - 1, month: month, day: day) ?? Day(unchecked: year - 1, month, day - 1)
    }

    /// 1 January of this day's year.
    public var startOfYear: Day { Day(unchecked: year, 1, 1) }
}
