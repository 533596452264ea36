/// A calendar day with no time zone: the unit of every ledger date.
///
/// Ledger dates are office-local calendar days (`YYYY-MM-DD`), so a plain
/// value is both faster and more honest than `Foundation.Date`.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a day, or nil when it does not exist (2021-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Result of parsing `YYYY-MM-DD` text.
    public enum ParseResult: Equatable, Sendable {
        case valid(Day)
        /// Not of the form `YYYY-MM-DD`.
        case malformed
        /// Of the right form, but no such day (2021-02-30).
        case impossible
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits, zero-padded).
    public static func parse(_ text: some StringProtocol) -> ParseResult {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return .malformed }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return .malformed }
        guard let result = Day(year: year, month: month, day: day) else { return .impossible }
        return .valid(result)
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (negative before), for differences and weekdays.
    public var ordinal: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = month
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Creates the day with the given ordinal (days since 1970-01-01).
    public init(ordinal: Int) {
        let z = ordinal + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: Day) -> Int { other.ordinal - ordinal }

    /// 0 = Sunday … 6 = Saturday.
    public var weekday: Int {
        let value = (ordinal + 4) % 7 // 1970-01-01 was a Thursday
        return value < 0 ? value + 7 : value
    }

    public var firstOfMonth: Day { Day(unchecked: year, month, 1) }
    public var lastOfMonth: Day { Day(unchecked: year, month, Day.daysIn(month: month, year: year)) }

    /// `2021-06-15`
    public var description: String { iso }
    public var iso: String {
        "\(Day.pad(year, 4))-\(Day.pad(month, 2))-\(Day.pad(day, 2))"
    }

    /// `2021年6月15日`: the form of a 成文日期 (GB/T 9704: Arabic numerals, no padding).
    public var chinese: String { "\(year)年\(month)月\(day)日" }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// A local time of the office, minute precision (`YYYY-MM-DD HH:MM`).
public struct DayTime: Hashable, Comparable, Sendable {
    /// Why a text is not a time.
    public enum Problem: Error, Sendable {
        case malformed
        case impossible
    }

    public let day: Day
    public let hour: Int
    public let minute: Int

    /// Parses `YYYY-MM-DD HH:MM`; the failure says whether the text was
    /// malformed or named a day or time that does not exist.
    public static func parseTime(_ text: String) -> Result<DayTime, Problem> {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return .failure(.malformed) }
        let dayResult = Day.parse(parts[0])
        guard case .valid(let day) = dayResult else { return .failure(dayResult == .impossible ? .impossible : .malformed) }
        let clock = Array(parts[1].utf8)
        guard clock.count == 5, clock[2] == UInt8(ascii: ":"),
              clock.enumerated().allSatisfy({ $0.offset == 2 || ($0.element >= 48 && $0.element <= 57) })
        else { return .failure(.malformed) }
        let hour = Int(clock[0] - 48) * 10 + Int(clock[1] - 48)
        let minute = Int(clock[3] - 48) * 10 + Int(clock[4] - 48)
        guard hour < 24, minute < 60 else { return .failure(.impossible) }
        return .success(DayTime(day: day, hour: hour, minute: minute))
    }

    public init(day: Day, hour: Int, minute: Int) {
        self.day = day
        self.hour = hour
        self.minute = minute
    }

    /// `2021-06-18T09:00`
    public var iso: String { "\(day.iso)T\(Day.pad(hour, 2)):\(Day.pad(minute, 2))" }
    /// `09:00`
    public var clock: String { "\(Day.pad(hour, 2)):\(Day.pad(minute, 2))" }

    public static func < (lhs: DayTime, rhs: DayTime) -> Bool {
        (lhs.day, lhs.hour, lhs.minute) < (rhs.day, rhs.hour, rhs.minute)
    }
}
