import Foundation
import Testing
@testable import TongbaoKit

/// Ledgers kept in spreadsheets: `data/<kind>.csv` in UTF-8 (with or without a
/// BOM) or GB18030, under field names or Chinese labels, checked like YAML with
/// the cell's line and column; `tongbao export` writes them back out.
@Suite struct CSVLedgerTests {
    static let header = "隐患编号,单位,发现日期,隐患描述,隐患等级,整改期限,整改完成日期,是否挂牌督办\n"

    @Test func cellsAreCheckedWhereTheyStand() throws {
        let csv = CSVLedgerTests.header + """
        YH-1,E001,2021/6/1,"储罐区报警器失效，需更换,共3处",重大,2021/6/20,2021年6月10日,是
        YH-2,示例化工有限公司,2021-06-02,"消防通道""堵塞""
        跨两行的说明",一般,2021-06-30,,否

        YH-3,E009,2021-06-03,配电箱未接地,较大,2021-06-01,,√

        """
        let stray = CSVLedgerTests.header + "YH-4,E001,2021-06-04,一般,2021-06-30,,\nYH-5,E001,2021-06-04,\"引号\"没关好,一般,2021-06-30,,\n"
        let site = try TemporarySite(["data/hazards/a.csv": csv, "data/hazards/b.csv": stray])
        defer { site.remove() }
        let report = site.check()
        #expect(!report.succeeded)
        // Row 5 (after a cell over two lines and a blank line): the unknown enterprise, the level, the deadline, at their cells.
        expectDiagnostic(report, "data/hazards/a.csv:6:6:", "未知的企业 id “E009”")
        expectDiagnostic(report, "data/hazards/a.csv:6:29:", "字段 level（隐患等级）", "较大")
        expectDiagnostic(report, "data/hazards/a.csv:6:32:", "整改期限 2021-06-01 早于发现日期 2021-06-03")
        // A stray quote stops its file where it stands.
        expectDiagnostic(report, "data/hazards/b.csv:3:26:", "引号不配对")
    }

    @Test func aSpreadsheetLedgerGivesTheSameRecords() throws {
        let csv = CSVLedgerTests.header + """
        YH-1,E001,2021/6/1,"储罐区报警器失效，需更换,共3处",重大,2021/6/20,2021年6月10日,是
        YH-2,示例化工有限公司,2021-06-02,"消防通道""堵塞""
        跨两行的说明",一般,2021-06-30,,否
        YH-3,E001,2021-06-03,配电箱未接地,重大,2021-07-01,,Y

        """
        let site = try TemporarySite(["data/hazards.csv": "\u{FEFF}" + csv])
        defer { site.remove() }
        let loaded = SiteLoader.load(content: site.content, displayRoot: "content", asOf: nil, today: try ScaffoldTests.day("2021-06-30"),
                                     documents: nil)
        #expect(!loaded.diagnostics.hasErrors, "\(loaded.diagnostics.sorted.map(\.description))")
        let hazards = try #require(loaded.model?.hazards)
        #expect(hazards.map(\.id) == ["YH-1", "YH-2", "YH-3"])
        #expect(hazards[0].description == "储罐区报警器失效，需更换,共3处")
        #expect(hazards[0].found.iso == "2021-06-01" && hazards[0].deadline.iso == "2021-06-20" && hazards[0].rectified?.iso == "2021-06-10")
        #expect(hazards[0].supervised && hazards[0].level == .major)
        // A name stands for the enterprise; a quoted cell keeps its quotes and line break.
        #expect(hazards[1].enterprise == 0 && hazards[1].description == "消防通道\"堵塞\"\n跨两行的说明" && !hazards[1].supervised)
        #expect(hazards[2].supervised)

        // The same file in GB18030, as Chinese Excel saves it, gives the same records.
        let gb = try #require(TextEncoding.toGB18030(csv))
        try Data(gb).write(to: site.content.appendingPathComponent("data/hazards.csv"))
        let again = SiteLoader.load(content: site.content, displayRoot: "content", asOf: nil, today: try ScaffoldTests.day("2021-06-30"),
                                    documents: nil)
        #expect(again.model?.hazards.map(\.description) == hazards.map(\.description))
        // Bytes in neither encoding are an error naming the file.
        try Data([0xFF, 0xFE, 0x00, 0x41]).write(to: site.content.appendingPathComponent("data/hazards.csv"))
        expectDiagnostic(site.check(), "data/hazards.csv:1:1:", "GB18030")
    }

    @Test func headersMustBeFields() throws {
        let site = try TemporarySite(["data/hazards.csv": "隐患编号,单位,发现时间,隐患等级,隐患等级\nYH-1,E001,2021-06-01,一般,一般\n",
                                      "data/penalties.csv": "单位,处罚日期\nE001,2021-06-01\n"])
        defer { site.remove() }
        let report = site.check()
        expectDiagnostic(report, "data/hazards.csv:1:9:", "表头“发现时间”", "发现日期")
        expectDiagnostic(report, "data/hazards.csv:1:19:", "与第 4 列重复")
        expectDiagnostic(report, "data/penalties.csv:1:1:", "编号")
        // A field is named with its column's header, or its usual label when the file has no such column.
        expectDiagnostic(report, "data/hazards.csv:2:1:", "缺少必填字段 deadline（整改期限）")
    }

    @Test func listsAndFlagsAsSpreadsheetsWriteThem() throws {
        let site = try TemporarySite([
            "data/inspections.csv": "检查编号,检查日期,检查部门,检查方式,被检查单位\nJC-1,2021/6/1,yingji,四不两直,E001、E404\n",
            "data/penalties.csv": """
            处罚编号,单位,处罚日期,决定书文号,违法行为,处罚依据,处罚措施,罚款金额（元）,是否曝光,曝光截止日期
            CF-1,E001,2021/6/2,县应急罚〔2021〕1号,未按规定维护设备,安全生产法第九十九条,罚款、罚酒,5000,是,2021/12/31

            """,
        ])
        defer { site.remove() }
        let report = site.check()
        // Each item of a list cell is checked where it stands in the cell.
        expectDiagnostic(report, "data/inspections.csv:2:32:", "未知的企业 id “E404”")
        expectDiagnostic(report, "data/penalties.csv:2:56:", "处罚措施“罚酒”无效")
    }

    /// Every ledger of the sample site written out and read back builds the same site.
    @Test func exportedLedgersBuildTheSameSite() throws {
        let site = try TemporarySite(copying: Paths.repository.appendingPathComponent("content"))
        defer { site.remove() }
        #expect(site.build().succeeded)
        let before = TemporarySite.tree(site.output)
        let loaded = SiteLoader.load(content: site.content, displayRoot: "content", asOf: nil, today: try ScaffoldTests.day("2026-11-30"),
                                     documents: nil)
        let model = try #require(loaded.model)
        for (number, kind) in LedgerCSV.kinds.enumerated() {
            // Half of them in GB18030.
            let encoding: LedgerCSV.Encoding = number % 2 == 0 ? .utf8 : .gb18030
            let data = try LedgerCSV.export(kind, of: model, encoding: encoding)
            if encoding == .utf8 { #expect(data.starts(with: [0xEF, 0xBB, 0xBF])) }
            try FileManager.default.removeItem(at: site.content.appendingPathComponent("data/\(kind).yml"))
            try data.write(to: site.content.appendingPathComponent("data/\(kind).csv"))
        }
        let report = site.build()
        #expect(report.succeeded, "\(report.lines)")
        var after = TemporarySite.tree(site.output)
        // Only the digest of the inputs differs (the inputs are other files).
        for tree in [before, after] { #expect(tree["manifest.json"] != nil) }
        let strip = { (data: Data?) in String(decoding: data ?? Data(), as: UTF8.self).split(separator: "\n").filter { !$0.contains("inputs_sha256") } }
        #expect(strip(before["manifest.json"]) == strip(after["manifest.json"]))
        after["manifest.json"] = before["manifest.json"]
        after["manifest.json.gz"] = before["manifest.json.gz"]
        #expect(after.keys.sorted() == before.keys.sorted())
        for (path, data) in before where after[path] != data { Issue.record("\(path) differs") }
    }

    @Test func spreadsheetDatesAreNormalised() {
        #expect(CSVLedger.date("2021/6/5") == "2021-06-05")
        #expect(CSVLedger.date("2021-6-15 0:00") == "2021-06-15")
        #expect(CSVLedger.date("2021.12.31") == "2021-12-31")
        #expect(CSVLedger.date("2021年6月5日") == "2021-06-05")
        #expect(CSVLedger.date("21/6/5") == nil)
        #expect(CSVLedger.date("2021/6") == nil)
        #expect(CSVLedger.field(named: " 罚款金额(元) ", kind: "penalties") == "fine")
        #expect(CSVLedger.field(named: "隐患编号*", kind: "hazards") == "id")
        #expect(CSVLedger.field(named: "level", kind: "hazards") == "level")
        #expect(CSVLedger.field(named: "隐患编号", kind: "penalties") == nil)
    }
}
