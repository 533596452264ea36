import Foundation
import Testing
@testable import TongbaoKit

/// The YAML reader on libyaml's events (YAMLComposer, YAMLSource): places, duplicate
/// keys, aliases, nesting and libyaml's errors, as Yams reported them before.
@Suite struct YAMLReaderTests {
    /// The root node of `text`, which must parse.
    func root(_ text: String) throws -> YAMLNode {
        try #require(try YAMLComposer.compose(text))
    }

    /// The one diagnostic of `text`, as `line:column message`.
    func problem(_ text: String, lineOffset: Int = 0) -> String? {
        var diagnostics = Diagnostics()
        let source = YAMLSource.parse(text, file: "t.yml", lineOffset: lineOffset, diagnostics: &diagnostics)
        guard source == nil, diagnostics.all.count == 1, let only = diagnostics.all.first else { return nil }
        return "\(only.location.line):\(only.location.column) \(only.message)"
    }

    func pairs(_ node: YAMLNode) -> [YAMLPair] {
        if case .mapping(let pairs, _, _) = node { return pairs }
        return []
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let node = try root("标题: 报警器失效\n说明: \"中文，带引号\"\n列表: [甲, 乙, 丙]\n")
        let fields = pairs(node)
        #expect(fields.map { $0.key.string } == ["标题", "说明", "列表"])
        #expect(fields[0].value.mark == YAMLMark(line: 1, column: 5))
        #expect(fields[1].value.mark == YAMLMark(line: 2, column: 5))
        guard case .scalar(let text, .doubleQuoted, _, _) = fields[1].value else {
            Issue.record("not a double-quoted scalar: \(fields[1].value)")
            return
        }
        #expect(text == "中文，带引号")
        guard case .sequence(let items, let mark, _) = fields[2].value else {
            Issue.record("not a sequence: \(fields[2].value)")
            return
        }
        #expect(mark == YAMLMark(line: 3, column: 5))
        // 列1 表2 :3 4 [5 甲6 ,7 8 乙9
        #expect(items.map(\.mark) == [YAMLMark(line: 3, column: 6), YAMLMark(line: 3, column: 9), YAMLMark(line: 3, column: 12)])
        // A syntax error after Chinese text: the column in characters (bytes would give 15).
        #expect(problem("- 标题: 报警: 器\n") == "1:9 YAML 格式错误：此处不能出现“冒号+空格”。值里含有英文冒号时，请给整个值加引号，如 title: \"第二期: 春节\"")
    }

    @Test func everyScalarIsText() throws {
        let fields = pairs(try root("a: 1\nb: true\nc: null\nd: ~\ne: 2021-06-15\nf: 'x'\n"))
        #expect(fields.map { $0.value.string } == ["1", "true", "null", "~", "2021-06-15", "x"])
        #expect(RecordReader.isNull(fields[2].value) && RecordReader.isNull(fields[3].value))
        #expect(!RecordReader.isNull(try root("'null'")))
        #expect(try YAMLComposer.compose("") == nil)
        #expect(try YAMLComposer.compose("# only a comment\n") == nil)
        #expect(try root("---\n") == .scalar("", .plain, YAMLMark(line: 2, column: 1), tag: 0))
        // One byte order mark at the start of a value is dropped, as Foundation's decoding did for Yams.
        #expect(pairs(try root("a: \u{FEFF}x\nb: \u{FEFF}\u{FEFF}y\nc: x\u{FEFF}\n")).map { $0.value.string }
            == ["x", "\u{FEFF}y", "x\u{FEFF}"])
    }

    @Test func duplicateKeys() {
        // Sorted, placed at the first occurrence of the smallest; quoted and plain keys are the same key.
        #expect(problem("甲: 1\n乙: 2\n甲: 3\n乙: 4\n") == "2:1 同一条记录中字段 “乙”、“甲” 出现了不止一次")
        #expect(problem("x: 0\n\"level\": 1\nlevel: 2\n", lineOffset: 3) == "5:1 同一条记录中字段 “level” 出现了不止一次")
        // Checked in nested mappings and in flow mappings too.
        #expect(problem("meeting:\n  time: 1\n  time: 2\n") == "2:3 同一条记录中字段 “time” 出现了不止一次")
        #expect(problem("- {a: 1, b: 2, a: 3}\n") == "1:4 同一条记录中字段 “a” 出现了不止一次")
        // Many keys (the hashed path).
        let many = (0..<40).map { "k\($0): \($0)\n" }.joined() + "k7: again\nk30: again\n"
        #expect(problem(many) == "31:1 同一条记录中字段 “k30”、“k7” 出现了不止一次")
        // An explicit tag other than str makes a different key.
        #expect(problem("level: 1\n!!int level: 2\n") == nil)
        #expect((try? YAMLComposer.compose("level: 1\n!!int level: 2\n")) != nil)
    }

    @Test func aliasesAreTheAnchoredNode() throws {
        let fields = pairs(try root("a: &x [1, 2]\nb: *x\nc: &s 文本\nd: *s\n"))
        #expect(fields[1].value == fields[0].value)
        // An alias is placed where its anchored node is, as Yams did.
        #expect(fields[1].value.mark == YAMLMark(line: 1, column: 4))
        #expect(fields[3].value.string == "文本" && fields[3].value.mark == YAMLMark(line: 3, column: 4))
        // A later anchor of the same name replaces the earlier one; an anchor is
        // known only once its node has ended.
        let items = try root("- &a 1\n- &a [2]\n- *a\n")
        guard case .sequence(let list, _, _) = items else { throw Failure("not a sequence") }
        #expect(list[2] == list[1])
        #expect(problem("- &a [*a]\n") == "1:7 YAML 格式错误：引用了未定义的锚点（*名称）")
        #expect(problem("- 标题: 报警\n  说明: *未定义\n") == "2:8 YAML 格式错误：别名（*）后缺少名称：值以 * 开头时请加引号")
    }

    @Test(.timeLimit(.minutes(1))) func aliasBombIsNotExpanded() throws {
        var text = "l0: &l0 哈\n"
        for level in 1...9 {
            text += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        let start = Date()
        let fields = pairs(try root(text + "m: *l9\n"))
        #expect(Date().timeIntervalSince(start) < 5)
        guard case .sequence(let items, _, _) = fields[10].value else { throw Failure("not a sequence") }
        #expect(items.count == 10)
        // Comparing shared structures does not walk them either.
        #expect(fields[10].value == fields[9].value)
        // The same key twice, each an alias of the bomb (a flow key, not refused as `*l9:` is).
        #expect(problem(text + "[*l9]: 1\n[*l9]: 2\n") == "11:1 同一条记录中字段 “<uncovertable>” 出现了不止一次")
    }

    @Test func deepNestingIsRefusedWithoutRecursion() throws {
        let limit = "YAML 格式错误：嵌套层次过深（超过 1000 层）"
        #expect(problem(String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n") == "1:1 \(limit)")
        #expect(problem(String(repeating: "- ", count: 10_000) + "x\n") == "1:1999 \(limit)")
        #expect(problem(String(repeating: "{a: ", count: 10_000) + "\n")?.hasSuffix(limit) == true)
        let indented = (0..<1000).map { String(repeating: " ", count: $0) + "k\($0):\n" }.joined() + String(repeating: " ", count: 1000) + "x\n"
        #expect(problem(indented) == "1000:1000 \(limit)")
        // Just below the limit: composed.
        var node = try root(String(repeating: "[", count: 999) + String(repeating: "]", count: 999) + "\n")
        var depth = 0
        while case .sequence(let items, _, _) = node {
            depth += 1
            guard let first = items.first else { break }
            node = first
        }
        #expect(depth == 999)
    }

    @Test func libyamlErrorsKeepTheirPlaceAndWording() {
        // An unclosed quote is placed where it opens (the context mark).
        #expect(problem("- 名称: 报警\n  说明: \"未闭合\n  x: 1\n")
            == "2:7 YAML 格式错误：文件在引号或括号闭合之前就结束了：请检查此处开始的引号或括号是否成对")
        #expect(problem("- id: 1\n\tdescription: x\n") == "2:1 YAML 格式错误：缩进中不能使用 Tab 键，请改用空格")
        #expect(problem("- id: 1\n---\n- id: 2\n", lineOffset: 1) == "3:1 YAML 格式错误：一个文件中只能有一份数据：请删除多余的“---”")
        #expect(problem("%YAML 1.3\n---\n- id: x\n") == "1:1 YAML 格式错误：不支持 YAML 指令（%YAML、%TAG 等以 % 开头的行）：请删除该行")
        // A reader error at the character itself, counted in characters after Chinese text
        // (Yams' offset put it at 1:5); and after a line of Chinese, on the next line.
        #expect(problem("- 标题: 报警\u{01}器\n") == "1:9 第 1 行含有控制字符（U+0001），YAML 文件中不能出现：请删除它（多由复制粘贴带入）")
        #expect(problem("- 标题: 报警器\n  说明: 甲\u{01}\n") == "2:8 第 2 行含有控制字符（U+0001），YAML 文件中不能出现：请删除它（多由复制粘贴带入）")
    }

    /// The byte pre-check never hides a refusal: wherever `refused` finds one, `mayBeRefused` is true.
    @Test func preCheckCoversEveryRefusal() {
        let refusedTexts = ["a: 1\n? b\n: 2\n", "- ?\n", "*a: 1\n", "  - *x: 1\n", "a: 报\u{2028}警\n", "a: x\u{2029}\n", "a: x\u{85}\n"]
        for text in refusedTexts {
            #expect(YAMLSource.refused(text) != nil, "\(text.debugDescription)")
            #expect(YAMLSource.mayBeRefused(text), "\(text.debugDescription)")
        }
        for text in ["a: “报警”\n", "a: 问？\n", "a: 甲\u{2027}\n", "a: \u{C5}\n", ""] {
            #expect(!YAMLSource.mayBeRefused(text), "\(text.debugDescription)")
        }
        // Present but harmless: `refused` is asked and finds nothing.
        #expect(YAMLSource.mayBeRefused("a: 为什么?\nb: 3*4\n") && YAMLSource.refused("a: 为什么?\nb: 3*4\n") == nil)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
