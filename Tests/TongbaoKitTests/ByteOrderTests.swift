import Foundation
import Testing
@testable import TongbaoKit

/// Sorting by UTF-8 bytes (file names, manifest and sitemap paths) gives what
/// `String`'s `<` gives for text in normal form C, and keeps equal texts in order.
@Suite struct ByteOrderTests {
    @Test func byteOrderIsStringOrderForNormalisedText() {
        // Shared prefixes longer than the sixteen bytes the keys hold, prefixes of one another,
        // Chinese and other multi-byte text, control characters and the empty string.
        var texts = ["", "a", "A", "ab", "a/b", "a-b", "a.b", "a\u{7F}", "a\u{1}", "~", "_x", "通知", "通报", "通", "é", "z",
                     "notices/n4757/index.html", "notices/n4757/index.html.gz", "notices/n4757/index.htm",
                     "notices/n475/index.html", "notices/n47570/index.html", "0123456789abcdef", "0123456789abcdeg",
                     "0123456789abcdef0", "0123456789abcde", "2021-06-27-n4757.md", "2021-06-27-n4757.md~", "2021-06-27-n475.md",
                     "files/通知 \"附件\".pdf", "files/通知.pdf", "🙂", "\u{FFFF}", "\u{10000}"]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab/.-通é0🙂")
        for _ in 0..<300 {
            let length = Int.random(in: 0...24, using: &generator)
            texts.append(String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }))
        }
        texts = texts.filter { $0.unicodeScalars.elementsEqual($0.precomposedStringWithCanonicalMapping.unicodeScalars) }
        #expect(ByteOrder.sorted(texts.shuffled()) == texts.sorted())
        // Equal texts keep their order.
        let pairs = texts.enumerated().flatMap { [($0.element, 2 * $0.offset), ($0.element, 2 * $0.offset + 1)] }.shuffled()
        let sorted = ByteOrder.sorted(pairs) { $0.0 }
        for (first, second) in zip(sorted, sorted.dropFirst()) where first.0 == second.0 {
            #expect(pairs.firstIndex { $0 == first }! < pairs.firstIndex { $0 == second }!)
        }
    }

    @Test func bridgedTextIsComparedByItsBytes() {
        let bridged = NSString(string: "notices/长的名字/index.html") as String
        #expect(ByteOrder.compare(bridged, "notices/长的名字/index.html") == .equal)
        #expect(ByteOrder.compare(bridged, "notices/长的名字/index.html.gz") == .less)
        #expect(ByteOrder.sorted(["z", bridged, "a"]) == ["a", bridged, "z"])
    }
}
