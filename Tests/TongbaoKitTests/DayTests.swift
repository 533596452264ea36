import Testing
@testable import TongbaoKit

@Suite struct DayTests {
    @Test func parsesValidDays() {
        #expect(Day.parse("2021-06-15") == .valid(Day(year: 2021, month: 6, day: 15)!))
        #expect(Day.parse("2024-02-29") == .valid(Day(year: 2024, month: 2, day: 29)!))
    }

    @Test func rejectsImpossibleAndMalformedDays() {
        #expect(Day.parse("2021-02-30") == .impossible)
        #expect(Day.parse("2021-02-29") == .impossible)
        #expect(Day.parse("1900-02-29") == .impossible)
        #expect(Day.parse("2021-13-01") == .impossible)
        #expect(Day.parse("2021-6-15") == .malformed)
        #expect(Day.parse("2021/06/15") == .malformed)
        #expect(Day.parse("２０２１-06-15") == .malformed)
        #expect(Day.parse("") == .malformed)
    }

    @Test func ordinalsRoundTripAndGiveWeekdays() {
        let day = Day(year: 2021, month: 6, day: 18)!
        #expect(Day(ordinal: day.ordinal) == day)
        #expect(day.weekday == 5) // a Friday
        #expect(Day(year: 1970, month: 1, day: 1)!.ordinal == 0)
        #expect(Day(year: 2020, month: 2, day: 28)!.adding(days: 1) == Day(year: 2020, month: 2, day: 29)!)
        #expect(Day(year: 2021, month: 12, day: 31)!.adding(days: 1) == Day(year: 2022, month: 1, day: 1)!)
        #expect(Day(year: 2021, month: 1, day: 1)!.days(until: Day(year: 2022, month: 1, day: 1)!) == 365)
    }

    @Test func displaysOfficialDates() {
        #expect(Day(year: 2021, month: 6, day: 5)!.chinese == "2021年6月5日")
        #expect(Day(year: 2021, month: 6, day: 5)!.iso == "2021-06-05")
    }

    @Test func parsesMeetingTimes() throws {
        let time = try DayTime.parseTime("2021-06-18 09:00").get()
        #expect(time.iso == "2021-06-18T09:00")
        #expect(DisplayText.meetingStart(time) == "2021年6月18日（星期五）09:00")
        #expect(throws: DayTime.Problem.impossible) { try DayTime.parseTime("2021-06-18 25:00").get() }
        #expect(throws: DayTime.Problem.malformed) { try DayTime.parseTime("2021-06-18").get() }
    }
}
