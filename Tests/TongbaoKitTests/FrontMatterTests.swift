import Testing
@testable import TongbaoKit

@Suite struct FrontMatterTests {
    @Test func splitsYAMLFromTheBody() throws {
        let split = try FrontMatter.split("---\ntitle: 甲\ndate: 2021-06-01\n---\n正文\n第二行").get()
        #expect(split.yaml == "title: 甲\ndate: 2021-06-01")
        #expect(split.body == "正文\n第二行")
        #expect(split.bodyLine == 5)
        #expect(split.yamlLineOffset == 1)
    }

    @Test func acceptsDotsAndSpacesAroundFences() throws {
        let split = try FrontMatter.split("--- \ntitle: 甲\n ...\n正文").get()
        #expect(split.yaml == "title: 甲")
        #expect(split.body == "正文")
    }

    @Test func emptyFrontMatterAndEmptyBody() throws {
        let split = try FrontMatter.split("---\n---").get()
        #expect(split.yaml == "")
        #expect(split.body == "")
    }

    @Test func problems() {
        #expect(throws: FrontMatter.Problem.missingOpening) { try FrontMatter.split("title: 甲\n---\n").get() }
        #expect(throws: FrontMatter.Problem.missingOpening) { try FrontMatter.split("").get() }
        #expect(throws: FrontMatter.Problem.missingOpening) { try FrontMatter.split("----\n").get() }
        #expect(throws: FrontMatter.Problem.unclosed) { try FrontMatter.split("---\ntitle: 甲\n").get() }
        #expect(throws: FrontMatter.Problem.unclosed) { try FrontMatter.split("---\ntitle: 甲\n...x\n").get() }
    }
}
