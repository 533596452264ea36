import Foundation
import Testing
@testable import TongbaoKit

/// Exposure windows, the supervised list and the privacy guard, on whole builds.
@Suite struct ExposureTests {
    static let penalties = """
    - id: CF-1
      enterprise: E001
      date: 2021-03-10
      decision_no: 县应急罚〔2021〕1号
      violation: 未按规定开展隐患排查
      basis: 《中华人民共和国安全生产法》第一百零一条
      actions: [罚款]
      fine: 20000
      expose: true
      expose_until: 2021-06-10
    - id: CF-2
      enterprise: E002
      date: 2021-03-20
      decision_no: 县应急罚〔2021〕2号
      violation: 特种作业人员未持证上岗
      basis: 《中华人民共和国安全生产法》第九十七条
      actions: [罚款, 责令改正]
      fine: 30000
      expose: true
    - id: CF-3
      enterprise: E003
      date: 2021-05-05
      decision_no: 县应急罚〔2021〕3号
      violation: 擅自停用消防设施
      basis: 《中华人民共和国消防法》第六十条
      actions: [停产整顿]
      expose: true
      expose_until: 2021-05-31
    - id: CF-4
      enterprise: E001
      date: 2021-06-01
      decision_no: 县应急罚〔2021〕4号
      violation: 未如实记录隐患排查治理情况
      basis: 《中华人民共和国安全生产法》第一百零一条
      actions: [警告]

    """

    static let enterprises = """
    - id: E001
      name: 甲化工有限公司
      region: chengguan
      sector: weihua
    - id: E002
      name: 乙建材有限公司
      region: xiangyang
      sector: weihua
    - id: E003
      name: 丙商贸有限公司
      region: chengguan
      sector: weihua

    """

    func site() throws -> TemporarySite {
        try TemporarySite(["data/enterprises.yml": ExposureTests.enterprises, "data/penalties.yml": ExposureTests.penalties,
                           "exposures/2021-05.md": "---\ntitle: 五月曝光\n---\n以上单位已责令整改。\n"])
    }

    /// Every file of the output, as text.
    func everything(_ site: TemporarySite) -> String {
        TemporarySite.tree(site.output).values.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
    }

    @Test func theWindowDecidesWhatIsPublishedAnywhere() throws {
        let site = try site()
        defer { site.remove() }
        // Before CF-3's window: CF-1 and CF-2 only.
        #expect(site.build(asOf: Day(year: 2021, month: 4, day: 30)).succeeded)
        var all = everything(site)
        #expect(all.contains("甲化工有限公司") && all.contains("乙建材有限公司"))
        #expect(!all.contains("丙商贸有限公司") && !all.contains("县应急罚〔2021〕3号"))
        #expect(!all.contains("县应急罚〔2021〕4号")) // never exposed
        // Inside all three windows.
        #expect(site.build(asOf: Day(year: 2021, month: 5, day: 31)).succeeded)
        all = everything(site)
        #expect(all.contains("丙商贸有限公司") && all.contains("以上单位已责令整改"))
        // The search index holds terms, not text: it is asked.
        #expect(try SearchTests.search(site.output, "丙商贸").contains("exposures/2021-05/"))
        let json = site.text("exposures/index.json")
        #expect(json.contains("\"as_of\": \"2021-05-31\""))
        #expect(json.range(of: "CF-3")!.lowerBound < json.range(of: "CF-2")!.lowerBound) // newest first
        for key in ["\"enterprise_id\": \"E003\"", "\"decision_no\"", "\"violation\"", "\"basis\"", "\"actions\": [", "\"fine\": null"] {
            #expect(json.contains(key), "\(key)")
        }
        // The day after CF-3's last day: it and its batch are gone, from every file.
        #expect(site.build(asOf: Day(year: 2021, month: 6, day: 1)).succeeded)
        all = everything(site)
        #expect(!all.contains("丙商贸有限公司") && !all.contains("县应急罚〔2021〕3号") && !all.contains("以上单位已责令整改"))
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent("exposures/2021-05").path))
        #expect(!site.text("sitemap.xml").contains("exposures/2021-05/"))
        #expect(try SearchTests.search(site.output, "丙商贸").isEmpty, "an expired exposure is still found by the search")
        #expect(all.contains("甲化工有限公司")) // CF-1's last day is 10 June
        // After CF-1's window: only CF-2, in March's batch, still numbered 第1批.
        #expect(site.build(asOf: Day(year: 2021, month: 6, day: 11)).succeeded)
        all = everything(site)
        #expect(!all.contains("甲化工有限公司"))
        #expect(site.text("exposures/2021-03/index.html").contains("2021年第1批"))
    }

    /// Enterprises are named only where the office names them: exposure entries,
    /// overdue and supervised hazards, accidents. There is no enterprise directory.
    @Test func enterprisesAreNotNamedOtherwise() throws {
        let site = try TemporarySite([
            "data/enterprises.yml": ExposureTests.enterprises,
            "data/penalties.yml": ExposureTests.penalties,
            "data/hazards.yml": """
            - id: YH-1
              enterprise: E003
              found: 2021-06-20
              description: 仓库堆放杂物
              level: 一般
              deadline: 2021-07-20

            """,
        ])
        defer { site.remove() }
        // 丙商贸 (E003): exposed only in May, with a hazard in progress on 30 June.
        #expect(site.build(asOf: Day(year: 2021, month: 6, day: 30)).succeeded)
        let files = TemporarySite.tree(site.output)
        #expect(!files.keys.contains { $0.hasPrefix("enterprises/") })
        let named = files.filter { String(decoding: $0.value, as: UTF8.self).contains("丙商贸有限公司") }.keys.sorted()
        #expect(named.isEmpty, "\(named)")
        #expect(site.text("regions/chengguan/index.html").contains("仓库堆放杂物"))
        // Once the hazard is overdue, the office names it.
        #expect(site.build(asOf: Day(year: 2021, month: 7, day: 31)).succeeded)
        #expect(site.text("circulars/2021-07/index.html").contains("丙商贸有限公司"))
    }

    @Test func batchNumbersDoNotMoveWhenEntriesExpire() {
        var ledger = LedgerBuilder()
        ledger.penalty("2021-03-10", actions: ["罚款"], fine: "1")
        ledger.penalty("2021-05-05", actions: ["罚款"], fine: "1")
        ledger.penalty("2021-07-05", actions: ["罚款"], fine: "1")
        for index in ledger.model.penalties.indices {
            let p = ledger.model.penalties[index]
            ledger.model.penalties[index] = Penalty(id: p.id, enterprise: p.enterprise, date: p.date, decisionNumber: p.decisionNumber,
                                                    violation: p.violation, basis: p.basis, actions: p.actions, fine: p.fine, expose: true,
                                                    exposeUntil: index == 0 ? LedgerBuilder.day("2021-04-30") : nil)
        }
        let board = ExposureBoard(ledger.model, asOf: LedgerBuilder.day("2021-07-31"))
        #expect(board.batches.map(\.label) == ["2021年第3批", "2021年第2批"])
        #expect(board.entries == [2, 1])
    }

    @Test func supervisedListOpenAndClosedInNinetyDays() {
        var ledger = LedgerBuilder()
        ledger.hazard(0, found: "2021-01-05", deadline: "2021-03-01", level: .major, supervised: true)                         // open, overdue
        ledger.hazard(1, found: "2021-05-01", deadline: "2021-07-01", level: .major, supervised: true)                         // open
        ledger.hazard(0, found: "2021-01-05", deadline: "2021-03-01", rectified: "2021-03-03", level: .major, supervised: true) // closed 90 days before
        ledger.hazard(0, found: "2021-01-05", deadline: "2021-03-01", rectified: "2021-03-02", level: .major, supervised: true) // closed 91 days before
        ledger.hazard(0, found: "2021-01-05", deadline: "2021-03-01", level: .major)                                           // not listed
        let list = SupervisedList(ledger.model, asOf: LedgerBuilder.day("2021-06-01"))
        #expect(list.open == [0, 1])
        #expect(list.closed == [2])
    }
}

@Suite struct PrivacyGuardTests {
    let guardian = PrivacyGuard(publicPhones: ["13900000001"], creditCodes: ["110101199003070038"])

    func kinds(_ text: String, path: String = "a/index.html") -> [String] {
        guardian.scan(Array(text.utf8), path: path).map { "\($0.kind == .mobile ? "M" : "ID"):\($0.value)" }
    }

    @Test func identityCards() {
        #expect(kinds("联系人身份证360426199101010071。") == ["ID:360426199101010071"])
        #expect(kinds("11010119900307003X") == [])            // wrong check character
        #expect(kinds("110101199002300030") == [])            // 30 February, though the check character fits
        #expect(kinds("3604261991010100711") == [])           // inside a longer run
        #expect(kinds("x360426199101010071") == [])           // part of a code
        #expect(kinds("110101199003070038") == [])            // a credit code of the ledgers
        #expect(PrivacyGuard(publicPhones: [], creditCodes: []).scan(Array("110101199003070038".utf8), path: "a.json").count == 1)
        #expect(kinds("{\"id\": \"360426199101010071\"}", path: "a.json") == ["ID:360426199101010071"])
    }

    @Test func mobileNumbers() {
        #expect(kinds("电话13800138000") == ["M:13800138000"])
        #expect(kinds("电话 12800138000") == [])              // 12x is no mobile prefix
        #expect(kinds("编号 213800138000") == [])             // inside a longer run
        #expect(kinds("值班电话 13900000001") == [])           // listed in public_phones
        #expect(kinds("座机 0797-8261234") == [])
    }

    @Test func textSplitByMarkupOrReferences() {
        #expect(kinds("<p>身份证<b>3604</b>26199101010071</p>") == ["ID:360426199101010071"])
        #expect(kinds("<p>手机<span>138</span>0013<em>8000</em></p>") == ["M:13800138000"])
        #expect(kinds("<p>&#49;3800138000</p>") == ["M:13800138000"])
        #expect(kinds("<a href=\"tel:13800138000\">电话</a>") == ["M:13800138000"])
        // Block boundaries separate: two table cells are not one number.
        #expect(kinds("<td>1380013</td><td>8000</td>") == [])
    }

    @Test func maskedForms() {
        #expect(PrivacyGuard.Hit(kind: .identityCard, value: "360426199101010071", path: "").masked == "3604**********0071")
        #expect(PrivacyGuard.Hit(kind: .mobile, value: "13800138000", path: "").masked == "138****8000")
    }

    @Test func aBuildThatWouldPublishPersonalDataStops() throws {
        let site = try TemporarySite([
            "notices/2021-06-01-a.md": "---\ntitle: 通知\ndate: 2021-06-01\n---\n联系人：李四，电话13800138000。\n\n身份证 <b>3604</b>26199101010071\n",
            "data/accidents.yml": """
            - id: SG-1
              date: 2021-06-02
              region: chengguan
              sector: weihua
              summary: 驾驶员（身份证360426199101010071）受伤
              deaths: 0
              serious_injuries: 1
              direct_loss: 1

            """,
        ])
        defer { site.remove() }
        #expect(site.build().succeeded == false)
        #expect(!FileManager.default.fileExists(atPath: site.output.path))
        let report = site.check()
        expectDiagnostic(report, "notices/2021-06-01-a.md:5:10: error:", "手机号码 138****8000", "public_phones")
        expectDiagnostic(report, "data/accidents.yml:5:19: error:", "身份证号码 3604**********0071")
        // Split by markup in its source, the number is still traced to its line.
        expectDiagnostic(report, "notices/2021-06-01-a.md:7:1: error:", "身份证号码 3604**********0071")
        #expect(!report.lines.joined().contains("13800138000"))
        // Listing the number as a public phone lets it through; the identity number still stops the build.
        try site.write("site.yml", TemporarySite.settings + "public_phones: [13800138000]\n")
        #expect(!site.check().lines.contains { $0.contains("手机号码") })
    }
}

@Suite struct NameMaskTests {
    @Test func surnamesAndSou() {
        #expect(NameMask.mask("张三") == "张某")
        #expect(NameMask.mask("张三丰") == "张某")
        #expect(NameMask.mask("欧阳娜娜") == "欧阳某")
        #expect(NameMask.mask("司马光") == "司马某")
        #expect(NameMask.mask(" 王某 ") == "王某")
        #expect(NameMask.mask("") == "")
    }

    /// The byte-level `apply` against a character-by-character model of it, on
    /// seeded random texts of marks, Chinese, ASCII and emoji.
    @Test func applyingMarksMatchesACharacterModel() {
        func model(_ text: String) -> String {
            var result = "", marked: String?
            for character in text {
                if character == NameMask.open { marked = "" }
                else if character == NameMask.close, let span = marked { result += NameMask.mask(span); marked = nil }
                else if marked != nil { marked?.append(character) }
                else { result.append(character) }
            }
            return result + (marked ?? "")
        }
        let pieces = ["\u{E000}", "\u{E001}", "张三", "欧阳娜娜", " ", "a", "<b>", "🙂", "某", "\u{E000}司马光\u{E001}"]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<Int(seed % 12) {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                text += pieces[Int(seed >> 33) % pieces.count]
            }
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            #expect(NameMask.apply(text) == model(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        #expect(NameMask.apply("联系人：\u{E000}欧阳娜娜\u{E001}。") == "联系人：欧阳某。")
    }

    @Test func theTemplateLambdaMasksWhateverItsSectionRenders() throws {
        let site = try TemporarySite(["pages/about.md": "---\ntitle: 欧阳娜娜\n---\n正文\n"])
        defer { site.remove() }
        let templates = site.root.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try Data("{{<layout}}{{$main}}<p class=\"who\">联系人：{{#mask_name}}{{content.title}}{{/mask_name}}</p>{{/main}}{{/layout}}".utf8)
            .write(to: templates.appendingPathComponent("page.mustache"))
        #expect(site.build().succeeded)
        #expect(site.text("about/index.html").contains("<p class=\"who\">联系人：欧阳某</p>"))
    }
}
