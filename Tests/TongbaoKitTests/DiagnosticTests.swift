import Foundation
import Testing
@testable import TongbaoKit

/// Every diagnostic of the load stage, with its file, line and column.
@Suite struct DiagnosticTests {
    func check(_ files: [String: String]) throws -> BuildReport {
        let site = try TemporarySite(files)
        defer { site.remove() }
        return site.check()
    }

    @Test func malformedYAML() throws {
        let report = try check(["data/hazards.yml": "- id: YH-1\n  enterprise: [E001\n  found: 2021-06-01\n"])
        #expect(!report.succeeded)
        expectDiagnostic(report, "data/hazards.yml:2:15: error:", "YAML 格式错误", "方括号")
    }

    @Test func duplicateKeysInARecord() throws {
        let report = try check(["data/regions.yml": "- id: a\n  name: 甲镇\n  kind: 镇\n  name: 乙镇\n"])
        expectDiagnostic(report, "data/regions.yml:2:3: error:", "“name”", "不止一次")
    }

    @Test func ledgerMustBeAList() throws {
        let report = try check(["data/accidents.yml": "id: SG-1\n"])
        expectDiagnostic(report, "data/accidents.yml:1:1: error:", "应当是记录的列表")
    }

    @Test func missingRequiredField() throws {
        let report = try check(["data/hazards.yml": """
        - id: YH-1
          enterprise: E001
          found: 2021-06-01
          level: 一般
          deadline: 2021-06-10
        """])
        expectDiagnostic(report, "data/hazards.yml:1:3: error:", "隐患 YH-1 缺少必填字段 description")
    }

    @Test func wrongTypes() throws {
        let report = try check(["data/accidents.yml": """
        - id: SG-1
          date: 2021-06-01
          region: chengguan
          sector: weihua
          summary: 爆炸
          deaths: 两人
          serious_injuries: [1]
          direct_loss: -3
        """])
        expectDiagnostic(report, "data/accidents.yml:6:11: error:", "deaths 应当是整数", "两人")
        expectDiagnostic(report, "data/accidents.yml:7:21: error:", "serious_injuries 应当是一个值")
        expectDiagnostic(report, "data/accidents.yml:8:16: error:", "direct_loss 应当是不小于 0 的数")
    }

    @Test func unknownEnumerationValuesListTheAllowedOnes() throws {
        let report = try check([
            "data/hazards.yml": """
            - id: YH-1
              enterprise: E001
              found: 2021-06-01
              description: 报警器失效
              level: 较大
              deadline: 2021-06-10
            """,
            "data/inspections.yml": """
            - id: JC-1
              date: 2021-06-01
              department: yingji
              method: 突击检查
              enterprises: [E001]
            """,
            "data/penalties.yml": """
            - id: CF-1
              enterprise: E001
              date: 2021-06-01
              decision_no: 县应急罚〔2021〕1号
              violation: 违法
              basis: 第九十九条
              actions: [罚款, 拘留]
              fine: 1000
            """,
            "data/regions.yml": "- id: a\n  name: 甲\n  kind: 县\n",
        ])
        expectDiagnostic(report, "data/hazards.yml:5:10: error:", "“较大”无效", "一般、重大")
        expectDiagnostic(report, "data/inspections.yml:4:11: error:", "“突击检查”无效", "四不两直、暗访、明察、交叉执法、专项检查、日常检查")
        expectDiagnostic(report, "data/penalties.yml:7:17: error:", "“拘留”无效", "罚款、警告、责令改正、停产整顿、关闭、取缔、移送司法")
        expectDiagnostic(report, "data/regions.yml:3:9: error:", "“县”无效", "乡、镇、街道、开发区、旗、区、其他")
    }

    @Test func duplicateIDsAcrossFilesOfAKind() throws {
        let hazard = """
        - id: YH-1
          enterprise: E001
          found: 2021-06-01
          description: 报警器失效
          level: 一般
          deadline: 2021-06-10

        """
        let report = try check(["data/hazards/a.yml": hazard, "data/hazards/b.yml": hazard])
        expectDiagnostic(report, "data/hazards/b.yml:1:7: error:", "隐患 id “YH-1”重复", "hazards/a.yml:1")
    }

    @Test func unknownReferencesNameTheKindAndSuggest() throws {
        let report = try check([
            "data/enterprises.yml": """
            - id: E001
              name: 示例化工有限公司
              region: chengguang
              sector: weihua
            """,
            "data/hazards.yml": """
            - id: YH-1
              enterprise: E009
              found: 2021-06-01
              description: 报警器失效
              level: 一般
              deadline: 2021-06-10
            """,
        ])
        expectDiagnostic(report, "data/enterprises.yml:3:11: error:", "未知的属地 id “chengguang”", "是否应为“chengguan”")
        expectDiagnostic(report, "data/hazards.yml:2:15: error:", "未知的企业 id “E009”")
    }

    @Test func impossibleAndMisorderedDates() throws {
        let report = try check(["data/hazards.yml": """
        - id: YH-1
          enterprise: E001
          found: 2021-02-30
          description: 报警器失效
          level: 一般
          deadline: 2021-06-10
        - id: YH-2
          enterprise: E001
          found: 2021-06-01
          description: 报警器失效
          level: 一般
          deadline: 2021-05-10
          rectified: 2021-05-20
        - id: YH-3
          enterprise: E001
          found: 2021-07-02
          description: 报警器失效
          level: 一般
          deadline: 2021-07-10
        """])
        expectDiagnostic(report, "data/hazards.yml:3:10: error:", "“2021-02-30”不存在")
        expectDiagnostic(report, "data/hazards.yml:12:13: error:", "整改期限 2021-05-10 早于发现日期 2021-06-01")
        expectDiagnostic(report, "data/hazards.yml:13:14: error:", "整改完成日期 2021-05-20 早于发现日期 2021-06-01")
        expectDiagnostic(report, "data/hazards.yml:16:10: warning:", "晚于统计截止日期 2021-06-30")
    }

    @Test func warningsDoNotStopTheBuild() throws {
        let report = try check([
            "data/enterprises.yml": """
            - id: E001
              name: 示例化工有限公司
              credit_code: 91350100M000100Y44
              region: chengguan
              sector: weihua
            """,
            "data/hazards.yml": """
            - id: YH-1
              enterprise: E001
              found: 2021-06-01
              description: 报警器失效
              level: 一般
              deadline: 2021-06-10
              supervised: true
              deadlne: 2021-06-10
            """,
        ])
        #expect(report.succeeded)
        expectDiagnostic(report, "data/enterprises.yml:3:16: warning:", "未通过 GB 32100-2015 校验", "校验码应为“3”")
        expectDiagnostic(report, "data/hazards.yml:7:15: warning:", "挂牌督办只适用于重大隐患")
        expectDiagnostic(report, "data/hazards.yml:8:3: warning:", "未知字段“deadlne”", "是否应为“deadline”")
    }

    @Test func frontMatterProblems() throws {
        let report = try check([
            "notices/a.md": "---\ntitle: 通知\ndate: 2021-06-01\n正文\n",
            "notices/b.md": "没有前置元数据\n",
            "notices/c.md": "---\ntitle: [通知\ndate: 2021-06-01\n---\n正文\n",
            "notices/d.md": "---\ntitle: 通知\ndate: 2021-06-31\nmeeting:\n  place: 会议室\n---\n正文\n",
        ])
        expectDiagnostic(report, "notices/a.md:1:1: error:", "前置元数据没有结束")
        expectDiagnostic(report, "notices/b.md:1:1: error:", "应以一行“---”开头")
        expectDiagnostic(report, "notices/c.md:2:8: error:", "YAML 格式错误")
        expectDiagnostic(report, "notices/d.md:3:7: error:", "“2021-06-31”不存在")
        expectDiagnostic(report, "notices/d.md:5:3: error:", "会议信息缺少必填字段 start")
    }

    @Test func duplicateDocumentNumbersAndIssues() throws {
        let report = try check([
            "notices/2021-06-01-a.md": "---\ntitle: 甲\ndate: 2021-06-01\ndoc_no: 12\n---\n",
            "notices/2021-06-02-b.md": "---\ntitle: 乙\ndate: 2021-06-02\ndoc_no: 12\n---\n",
            "notices/2020-06-02-c.md": "---\ntitle: 丙\ndate: 2020-06-02\ndoc_no: 12\n---\n",
            "bulletins/one.md": "---\ntitle: 简报\ndate: 2021-06-01\nissue: 3\n---\n",
            "bulletins/two.md": "---\ntitle: 简报\ndate: 2021-06-02\nissue: 3\n---\n",
        ])
        expectDiagnostic(report, "notices/2021-06-02-b.md:4:9: error:", "发文字号 安委办〔2021〕12号 重复", "2021-06-01-a.md")
        expectDiagnostic(report, "bulletins/two.md:4:8: error:", "简报期号 第3期 重复", "one.md")
        #expect(report.diagnostics.errors.count == 2) // 2020's number 12 is another document number
    }

    @Test func missingAttachmentFile() throws {
        let report = try check([
            "notices/2021-06-01-a.md": """
            ---
            title: 甲
            date: 2021-06-01
            attachments:
              - file: files/none.pdf
                name: 方案
              - file: ../site.yml
                name: 设置
            ---
            """,
        ])
        expectDiagnostic(report, "notices/2021-06-01-a.md:5:11: error:", "附件文件不存在", "static/files/none.pdf")
        expectDiagnostic(report, "notices/2021-06-01-a.md:7:11: error:", "不能以 / 开头或包含 ..")
    }

    @Test func settingsProblems() throws {
        let report = try check(["site.yml": "title: 测试\nissuer: 测试\nbase_url: anwei.example.gov.cn\nrectification_bar: 90\n"])
        expectDiagnostic(report, "site.yml:1:1: error:", "缺少必填字段 doc_prefix")
        expectDiagnostic(report, "site.yml:3:11: error:", "base_url 应为以 http:// 或 https:// 开头")
        expectDiagnostic(report, "site.yml:4:20: error:", "0 到 1 之间")
    }

    @Test func everyProblemIsReportedInOneRun() throws {
        let report = try check([
            "data/regions.yml": "- id: chengguan\n  kind: 镇\n",
            "data/departments.yml": "- id: yingji\n",
            "notices/x.md": "---\ndate: 2021-06-01\n---\n",
        ])
        // One error for each broken record; records that refer to them are not reported again.
        #expect(report.diagnostics.errors.count == 3, "\(report.lines)")
    }

    @Test func invalidUTF8AndByteOrderMarksAndCRLF() throws {
        let site = try TemporarySite([:])
        defer { site.remove() }
        try site.write("data/departments.yml", "\u{FEFF}- id: yingji\r\n  name: 县应急管理局\r\n")
        #expect(site.check().succeeded)
        try Data([0x2D, 0x20, 0xFF, 0xFE, 0x0A]).write(to: site.content.appendingPathComponent("data/departments.yml"))
        let report = site.check()
        expectDiagnostic(report, "data/departments.yml:1:1: error:", "不是有效的 UTF-8")
    }

    @Test func droppedRawHTMLIsAWarningAtItsLine() throws {
        let report = try check(["notices/2021-06-01-a.md": "---\ntitle: 甲\ndate: 2021-06-01\n---\n第一段\n\n<div>块</div>\n\n正文<b>粗</b>\n\n<!-- 注释 -->\n"])
        #expect(report.succeeded)
        expectDiagnostic(report, "notices/2021-06-01-a.md:7:1: warning:", "HTML 标签不会发布")
        expectDiagnostic(report, "notices/2021-06-01-a.md:9:3: warning:", "HTML 标签不会发布")
        #expect(report.diagnostics.warnings.count == 3) // <b>, </b> and the block; the comment is not one
    }

    @Test func anUnreadableFileDoesNotCascadeIntoUnknownIDs() throws {
        let report = try check(["data/regions.yml": "- id: chengguan\n  name: [城关镇\n"])
        #expect(report.diagnostics.errors.count == 1, "\(report.lines)")
        #expect(report.lines.first?.hasPrefix("data/regions.yml:") == true)
    }

    @Test func yamlSyntaxErrorsAreExplainedWhereTheyStart() throws {
        let report = try check([
            "bulletins/a.md": "---\ntitle: 第二期简报: 春节\ndate: 2021-06-01\nissue: 2\n---\n",
            "notices/b.md": "---\ntitle: 通知\nto: \"各乡镇\ndate: 2021-06-01\ncc: [a]\n---\n",
            "data/accidents.yml": "- id: SG-1\n  summary: [施工\n  deaths: 1\n",
            "data/inspections.yml": "- id: JC-1\n\tdate: 2021-06-01\n",
        ])
        expectDiagnostic(report, "bulletins/a.md:2:13: error:", "冒号", "加引号")
        expectDiagnostic(report, "notices/b.md:3:5: error:", "引号")
        expectDiagnostic(report, "data/accidents.yml:2:12: error:", "方括号")
        expectDiagnostic(report, "data/inspections.yml:2:1: error:", "Tab")
        #expect(!report.lines.contains { $0.contains("mapping values") || $0.contains("while ") })
    }

    @Test func settingsErrorsDoNotHideOtherErrors() throws {
        let report = try check([
            "site.yml": "title: 测试\nissuer: 测试\ndoc_prefix: 安委办\nbase_url: https://x.example/a?b=1\n",
            "data/regions.yml": "- id: chengguan\n  name: 城关镇\n  kind: 村\n",
        ])
        expectDiagnostic(report, "site.yml:4:11: error:", "不能含有 ?、# 或空格")
        expectDiagnostic(report, "data/regions.yml:3:9: error:", "“村”无效")
    }

    @Test func mergeKeysAreRefusedPlainly() throws {
        let report = try check(["data/departments.yml": "- &base\n  id: yingji\n  name: 应急局\n- <<: *base\n  id: jiaotong\n"])
        expectDiagnostic(report, "data/departments.yml:4:3: error:", "不支持 YAML 合并键")
    }

    @Test func bulletinIssueMayNotEqualAnArchiveYear() throws {
        let report = try check(["bulletins/a.md": "---\ntitle: 简报\ndate: 2021-06-01\nissue: 2021\n---\n"])
        expectDiagnostic(report, "bulletins/a.md:4:8: error:", "期号 2021 与简报的年度归档地址")
    }

    @Test func filesTheBuildWouldSkipAreWarned() throws {
        let report = try check([
            "notice/2021-06-01-a.md": "---\ntitle: 甲\ndate: 2021-06-01\n---\n",
            "notices/readme.txt": "说明",
            "data/hazards/sub/a.yml": "[]",
            "data/accident.yml": "[]",
        ])
        #expect(report.succeeded)
        expectDiagnostic(report, "notice:1:1: warning:", "不会被读取", "是否应为“notices”")
        expectDiagnostic(report, "notices/readme.txt:1:1: warning:", "只读取 .md 文件")
        expectDiagnostic(report, "data/hazards/sub:1:1: warning:", "不含子文件夹")
        expectDiagnostic(report, "data/accident.yml:1:1: warning:", "是否应为“accidents”")
    }

    @Test func attachmentsThatAreFoldersOrWronglyPrefixed() throws {
        let site = try TemporarySite([
            "static/files/a.pdf": "%PDF",
            "notices/2021-06-01-a.md": """
            ---
            title: 甲
            date: 2021-06-01
            attachments:
              - file: files
                name: 文件夹
              - file: static/files/a.pdf
                name: 方案
            ---
            """,
        ])
        defer { site.remove() }
        try FileManager.default.createSymbolicLink(atPath: site.content.appendingPathComponent("static/files/link.pdf").path,
                                                   withDestinationPath: "a.pdf")
        try site.write("notices/2021-06-02-b.md", "---\ntitle: 乙\ndate: 2021-06-02\nattachments:\n  - file: files/link.pdf\n    name: 链接\n---\n")
        let report = site.check()
        expectDiagnostic(report, "notices/2021-06-01-a.md:5:11: error:", "是一个文件夹")
        expectDiagnostic(report, "notices/2021-06-01-a.md:7:11: error:", "应为“files/a.pdf”")
        #expect(!report.lines.contains { $0.contains("2021-06-02-b.md") }, "a link inside static/ is a valid attachment")
    }

    @Test func lowercaseCreditCodesAskForCapitals() throws {
        let report = try check(["data/enterprises.yml": """
        - id: E001
          name: 示例化工有限公司
          credit_code: 91350100m000100Y43
          region: chengguan
          sector: weihua
        """])
        expectDiagnostic(report, "data/enterprises.yml:3:16: warning:", "字母须大写", "“m”应为“M”")
    }

    @Test func brokenInternalLinksAreErrorsAtTheirLine() throws {
        let report = try check([
            "static/files/a.pdf": "%PDF",
            "notices/2021-06-01-a.md": """
            ---
            title: 甲
            date: 2021-06-01
            ---
            见[乙](/notices/b/)、[丙](../c/)和[方案](/files/a.pdf)、[首页](/)、[外部](https://example.org/x)、[本页](#top)。

            另见[不存在](/notices/no-such/)和![图](/files/none.png)。
            """,
            "notices/2021-06-02-b.md": "---\ntitle: 乙\ndate: 2021-06-02\n---\n[回到甲](../a/)，[数据](/circulars/2021-06/index.json)\n",
            "notices/2021-06-03-c.md": "---\ntitle: 丙\ndate: 2021-06-03\n---\n",
        ])
        expectDiagnostic(report, "notices/2021-06-01-a.md:7:3: error:", "链接“/notices/no-such/”指向的地址不存在", "没有这个页面")
        expectDiagnostic(report, "notices/2021-06-01-a.md:7:28: error:", "链接“/files/none.png”", "static/files/none.png 不存在")
        #expect(report.diagnostics.errors.count == 3, "\(report.lines)") // and the circular JSON: no ledgers, no circulars
        expectDiagnostic(report, "notices/2021-06-02-b.md:5:14: error:", "/circulars/2021-06/index.json", "网站中没有这个页面")
    }
}
