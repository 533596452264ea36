import Foundation
import Testing
@testable import TongbaoKit

@Suite struct CircularTextTests {
    @Test func changeAgainstLastYear() {
        #expect(ChangeText.describe(now: 2, before: 3, unit: "起") == "同比下降 33.3%")
        #expect(ChangeText.describe(now: 3, before: 2, unit: "起") == "同比上升 50.0%")
        #expect(ChangeText.describe(now: 4, before: 4, unit: "起") == "持平")
        #expect(ChangeText.describe(now: 0, before: 0, unit: "起") == "持平")
        #expect(ChangeText.describe(now: 2, before: 0, unit: "人") == "同比增加 2 人")
        #expect(ChangeText.describe(now: 0, before: 7, unit: "起") == "同比下降 100.0%")
        #expect(ChangeText.describe(now: 1, before: 3, unit: "起") == "同比下降 66.7%")
    }

    @Test func periodKeys() {
        #expect(ReportingPeriod.parse(key: "2021-06") == .month(2021, 6))
        #expect(ReportingPeriod.parse(key: "2021-Q4") == .quarter(2021, 4))
        #expect(ReportingPeriod.parse(key: "2021") == .year(2021))
        for bad in ["2021-13", "2021-Q5", "2021-6", "21-06", "2021-00", "2021-Q0", "二〇二一", ""] {
            #expect(ReportingPeriod.parse(key: bad) == nil, "\(bad)")
        }
        #expect(ReportingPeriod.month(2021, 6).label == "2021年6月")
        #expect(ReportingPeriod.year(2021).label == "2021年")
        #expect(Day(year: 2024, month: 2, day: 29)!.sameDayLastYear == Day(year: 2023, month: 2, day: 28)!)
    }

    @Test func narrativesAreCheckedAndShareDocumentNumbersWithNotices() throws {
        let site = try TemporarySite([
            "circulars/2021-06.md": "---\ntitle: 六月通报\ndate: 2021-07-05\ndoc_no: 12\nto: 各乡镇\n---\n下一步工作要求。\n",
            "circulars/2021-13.md": "---\ntitle: 错误\n---\n",
            "notices/2021-07-01-a.md": "---\ntitle: 甲\ndate: 2021-07-01\ndoc_no: 12\n---\n",
        ])
        defer { site.remove() }
        let report = site.check()
        expectDiagnostic(report, "circulars/2021-13.md:1:1: error:", "通报文件名“2021-13”无效")
        expectDiagnostic(report, "circulars/2021-06.md:4:9: error:", "发文字号 安委办〔2021〕12号 重复", "notices/2021-07-01-a.md")
    }
}
