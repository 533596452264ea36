import Mustache

/// Personal names in masked form: the surname and 某 (`张三` → `张某`,
/// `欧阳娜娜` → `欧阳某`). Enterprises are named; people are not.
public enum NameMask {
    /// Two-character surnames, checked before the one-character rule.
    static let compoundSurnames: Set<String> = [
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕",
        "令狐", "钟离", "端木", "独孤", "南宫", "西门", "百里", "呼延", "万俟", "闻人", "澹台", "公冶", "太史", "申屠",
        "濮阳", "淳于", "单于", "赫连", "拓跋", "左丘", "东郭", "第五", "司空", "司寇", "巫马", "乐正", "壤驷", "亓官",
    ]

    public static func mask(_ name: String) -> String {
        let trimmed = name.trimmingSpaces
        guard let first = trimmed.first else { return "" }
        if trimmed.hasSuffix("某") { return trimmed }
        let two = String(trimmed.prefix(2))
        let surname = trimmed.count > 2 && compoundSurnames.contains(two) ? two : String(first)
        return surname + "某"
    }

    /// Private-use characters that mark, in rendered output, the text to mask.
    static let open: Character = "\u{E000}"
    static let close: Character = "\u{E001}"

    /// The `mask_name` lambda of the view data. A Mustache lambda sees its
    /// section unrendered, so it wraps the section in markers; `apply` masks
    /// what the section rendered to, in whatever context it stood.
    static var lambda: MustacheLambda {
        MustacheLambda { (text: String) -> Any? in "\(NameMask.open)\(text)\(NameMask.close)" }
    }

    /// Replaces every marked span of rendered output by its masked form.
    /// Works on the UTF-8 bytes: it runs over every page, most of which hold no mark.
    static func apply(_ rendered: String) -> String {
        var rendered = rendered
        return rendered.withUTF8 { bytes -> String in
            var mark = nextMark(in: bytes, from: 0)
            guard mark != nil else { return String(decoding: bytes, as: UTF8.self) }
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count)
            var span: [UInt8]?
            var position = 0
            while true {
                let text = bytes[position..<(mark ?? bytes.count)]
                if span != nil { span?.append(contentsOf: text) } else { result.append(contentsOf: text) }
                guard let at = mark else { break }
                if bytes[at + 2] == 0x80 {
                    span = [] // an opening mark; an unclosed span before it is dropped
                } else if let marked = span {
                    result.append(contentsOf: mask(String(decoding: marked, as: UTF8.self)).utf8)
                    span = nil
                } else {
                    result.append(contentsOf: bytes[at..<(at + 3)]) // a closing mark alone is left as it is
                }
                position = at + 3
                mark = nextMark(in: bytes, from: position)
            }
            if let marked = span { result.append(contentsOf: marked) }
            return String(decoding: result, as: UTF8.self)
        }
    }

    /// The offset of the next U+E000 (EE 80 80) or U+E001 (EE 80 81) at or after
    /// `start`; in UTF-8 neither sequence can occur inside another character.
    private static func nextMark(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index + 2 < bytes.count {
            if bytes[index] == 0xEE, bytes[index + 1] == 0x80, bytes[index + 2] == 0x80 || bytes[index + 2] == 0x81 { return index }
            index += 1
        }
        return nil
    }
}
