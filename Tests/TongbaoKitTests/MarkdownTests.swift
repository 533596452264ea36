import Foundation
import Testing
@testable import TongbaoKit

@Suite struct MarkdownTests {
    let renderer = MarkdownRenderer()

    @Test func gfmExtensions() {
        let html = renderer.html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~旧~~ www.example.org")
        #expect(html.contains("<table>"))
        #expect(html.contains("<td>1</td>"))
        #expect(html.contains("<del>旧</del>"))
        #expect(html.contains("<a href=\"http://www.example.org\">www.example.org</a>"))
    }

    @Test func tableAlignmentBecomesClasses() {
        let html = renderer.html("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |")
        #expect(html.contains("<th class=\"align-left\">a</th>"))
        #expect(html.contains("<td class=\"align-center\">2</td>"))
        #expect(html.contains("<td class=\"align-right\">3</td>"))
        #expect(!html.contains("align=\""))
    }

    @Test func autolinksEndAtChinesePunctuation() {
        #expect(renderer.html("详见https://www.example.org/a，向各单位通报。")
            == "<p>详见<a href=\"https://www.example.org/a\">https://www.example.org/a</a>，向各单位通报。</p>\n")
        #expect(renderer.html("网址：https://x.example.org/p?q=1。")
            == "<p>网址：<a href=\"https://x.example.org/p?q=1\">https://x.example.org/p?q=1</a>。</p>\n")
        #expect(renderer.html("（见 https://x.example.org/a.pdf）")
            == "<p>（见 <a href=\"https://x.example.org/a.pdf\">https://x.example.org/a.pdf</a>）</p>\n")
        // Explicit links are left as written.
        #expect(renderer.html("[链接](https://x.example.org/a，b)").contains("%EF%BC%8Cb"))
    }

    @Test func rawHTMLIsDroppedByDefault() {
        let html = renderer.html("<script>alert(1)</script>\n\n段落<b>粗</b>")
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("raw HTML omitted"))
    }

    @Test func unsafeHTMLStillFiltersDangerousTags() {
        let unsafe = MarkdownRenderer(unsafeHTML: true)
        let html = unsafe.html("<div class=\"x\">块</div>\n\n<script>alert(1)</script>\n\n<iframe src=x></iframe>")
        #expect(html.contains("<div class=\"x\">块</div>"))
        #expect(html.contains("&lt;script>"))
        #expect(html.contains("&lt;iframe"))
    }

    @Test func siteAbsoluteLinksStayUnderTheSubPath() {
        let sub = MarkdownRenderer(rootPath: "/anwei/")
        #expect(sub.html("[甲](/notices/a/) [乙](https://x.org/) [丙](/anwei/b/) ![图](/files/a.png)")
            == "<p><a href=\"/anwei/notices/a/\">甲</a> <a href=\"https://x.org/\">乙</a> <a href=\"/anwei/b/\">丙</a> <img src=\"/anwei/files/a.png\" alt=\"图\" /></p>\n")
    }
}

/// The theme's escaping: the five characters, every other byte as it was.
@Suite struct HTMLEscapeTests {
    @Test func escapesTheFiveCharactersAndKeepsTheRest() {
        #expect(HTMLEscape.escape("张三 <b>&\"'</b> 🙂") == "张三 &lt;b&gt;&amp;&quot;&#39;&lt;/b&gt; 🙂")
        #expect(HTMLEscape.escape("安全生产") == "安全生产")
        #expect(HTMLEscape.escape("") == "")
        #expect(HTMLEscape.escape("&amp;") == "&amp;amp;")
    }
}

/// cmark-gfm parses under a lock and renders HTML in parallel: many bodies
/// rendered on all cores equal the same bodies rendered one by one (a race in
/// the parser's shared character table shows as `~~x~~` left as text or URLs
/// not linked, in some pages only).
@Suite struct MarkdownConcurrencyTests {
    @Test func parallelRenderingEqualsSerial() {
        let renderer = MarkdownRenderer()
        let bodies = (0..<600).map { index in
            """
            ## 第\(index)项 ~~删除\(index)~~

            | 地区 | 隐患 |
            |:--|--:|
            | 城关镇\(index) | \(index) |

            见 https://www.example.org/\(index)，或 <b>粗体</b> *强调* `代码`。
            - 一 \(index)
            - 二 ~~x~~
            """
        }
        let serial = bodies.map { renderer.render($0).html }
        let parallel = ParallelResults<String>(count: bodies.count, initial: "")
        DispatchQueue.concurrentPerform(iterations: bodies.count) { index in
            parallel.store(renderer.render(bodies[index]).html, at: index)
        }
        for index in bodies.indices where parallel.value(at: index) != serial[index] {
            Issue.record("body \(index) differs when rendered in parallel")
        }
        #expect(serial[7].contains("<del>删除7</del>") && serial[7].contains("<a href=\"https://www.example.org/7\">"))
    }
}
