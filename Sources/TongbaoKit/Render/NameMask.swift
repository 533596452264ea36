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
    static func apply(_ rendered: String) -> String {
        guard rendered.contains(open) else { return rendered }
        var result = ""
        var marked: String?
        for character in rendered {
            if character == open {
                marked = ""
            } else if character == close, let span = marked {
                result += mask(span)
                marked = nil
            } else if marked != nil {
                marked?.append(character)
            } else {
                result.append(character)
            }
        }
        if let span = marked { result += span }
        return result
    }
}
