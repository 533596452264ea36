import Foundation
import Testing
@testable import TongbaoKit

/// Loading each kind of the mini fixture into the model.
@Suite struct LoadTests {
    let result = SiteLoader.load(content: BuildTests.mini, displayRoot: "content", asOf: nil,
                                 today: Day(year: 2030, month: 1, day: 1)!)

    var model: SiteModel {
        get throws { try #require(result.model, "\(result.diagnostics.sorted)") }
    }

    @Test func settingsAndAsOfDate() throws {
        let settings = try model.settings
        #expect(settings.title == "测试县安全生产委员会办公室")
        #expect(settings.documentPrefix == "安委办")
        #expect(settings.baseURL == "https://anwei.example.gov.cn/sub/")
        #expect(settings.rootPath == "/sub/")
        #expect(settings.rectificationBar == 0.9)
        #expect(settings.pageSize == 20)
        #expect(result.asOf == Day(year: 2021, month: 6, day: 30))
        let overridden = SiteLoader.load(content: BuildTests.mini, displayRoot: "content", asOf: Day(year: 2021, month: 7, day: 1),
                                         today: Day(year: 2030, month: 1, day: 1)!)
        #expect(overridden.asOf == Day(year: 2021, month: 7, day: 1))
    }

    @Test func referenceData() throws {
        let model = try model
        #expect(model.regions.map(\.id) == ["chengguan", "xiangyang"])
        #expect(model.regions[1].kind == "乡")
        #expect(model.departments.map(\.name) == ["县应急管理局", "县交通运输局"])
        #expect(model.departments[model.sectors[1].lead].id == "jiaotong")
        let enterprise = model.enterprises[1]
        #expect(enterprise.creditCode == "91110000600037341L")
        #expect(model.regions[enterprise.region].id == "xiangyang")
        #expect(model.sectors[enterprise.sector].id == "daolu")
    }

    @Test func ledgersWithAFolderMerged() throws {
        let model = try model
        // data/hazards/2021-05.yml and 2021-06.yml, in file-name order.
        #expect(model.hazards.map(\.id) == ["YH-2021-0001", "YH-2021-0002", "YH-2021-0003"])
        let major = model.hazards[1]
        #expect(major.level == .major && major.supervised)
        #expect(major.rectified == nil)
        #expect(model.inspections[try #require(major.inspection)].id == "JC-2021-001")
        #expect(model.inspections[0].method == "四不两直")
        #expect(model.inspections[0].enterprises == [0])
        let penalty = model.penalties[0]
        #expect(penalty.actions == ["罚款", "责令改正"])
        #expect(penalty.fine?.description == "50000")
        #expect(penalty.decisionNumber == "县应急罚〔2021〕5号")
        let accident = model.accidents[0]
        #expect(accident.directLoss.description == "35.5")
        #expect(accident.level == .ordinary)
        #expect(accident.enterprise == nil)
        #expect(model.regions[accident.region].id == "xiangyang")
    }

    @Test func documents() throws {
        let model = try model
        let notice = try #require(model.notices.first { $0.source.slug == "tuijin" })
        #expect(notice.documentNumber?.description == "安委办〔2021〕12号")
        #expect(notice.to == "各乡镇人民政府，县安委会各成员单位")
        #expect(notice.cc == ["县委办公室", "县人大办公室"])
        #expect(notice.attachments == [Attachment(file: "files/fangan.pdf", name: "专项整治实施方案")])
        #expect(notice.meeting?.start.iso == "2021-06-18T09:00")
        #expect(notice.meeting?.place == "县政府三楼会议室")
        #expect(notice.source.bodyLine == 15)
        #expect(notice.source.body.hasPrefix("经研究"))
        // A non-ASCII file name falls back to the date and document number.
        #expect(model.notices.contains { $0.source.slug == "2021-03-02-3" })
        #expect(model.notices.first { $0.source.title == "草稿通知" }?.source.draft == true)
        #expect(model.bulletins.map(\.issue) == [1])
        #expect(model.pages.map(\.source.slug) == ["about"])
        #expect(model.staticFiles == ["files/fangan.pdf"])
    }

    @Test func publicationLeavesOutDraftsAndFutureDocuments() throws {
        let publication = Publication(try model, asOf: result.asOf)
        #expect(publication.notices.map(\.source.slug) == ["tuijin", "2021-03-02-3"])
        let later = Publication(try model, asOf: Day(year: 2021, month: 7, day: 1)!)
        #expect(later.notices.map(\.source.slug) == ["weilai", "tuijin", "2021-03-02-3"])
    }

    @Test func monthFiguresForTheHomePage() throws {
        let figures = MonthFigures.compute(try model, asOf: result.asOf)
        #expect(figures.accidents == 1 && figures.deaths == 1)
        #expect(figures.hazardsFound == 2)
        #expect(figures.hazardsRectified == 0)
        #expect(figures.hazardsOverdue == 1) // YH-2021-0002: deadline 2021-06-20, open
        #expect(figures.yearToDateRate.percentText == "33.3")
        #expect(figures.inspections == 1 && figures.penalties == 1)
    }
}
