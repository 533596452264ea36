import Foundation

/// Display forms of dates and times used on pages.
enum DisplayText {
    static let weekdays = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"]

    /// `2021年6月18日（星期五）09:00`
    static func meetingStart(_ time: DayTime) -> String {
        "\(time.day.chinese)（\(weekdays[time.day.weekday])）\(time.clock)"
    }

    /// `2021年6月`
    static func month(_ day: Day) -> String { "\(day.year)年\(day.month)月" }

    /// Plain text of HTML: tags dropped, the few entities cmark writes decoded,
    /// white space folded. For summaries in feeds and meta descriptions.
    /// Tags after which a reader sees a break: there plain text gets a space.
    /// Inline tags (links, emphasis) join their text without one, as Chinese text needs.
    static let blockTags: Set<String> = ["p", "li", "td", "th", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6",
                                         "div", "blockquote", "pre", "table", "ul", "ol", "hr"]

    static func plainText(fromHTML html: String, limit: Int) -> String {
        var text = String.UnicodeScalarView()
        var count = 0
        var pendingSpace = false
        var scalars = html.unicodeScalars.makeIterator()
        func append(_ scalar: Unicode.Scalar) {
            if pendingSpace && count > 0 { text.append(" ") }
            pendingSpace = false
            text.append(scalar)
            count += 1
        }
        while count <= limit, let scalar = scalars.next() {
            switch scalar {
            case "<":
                var name = ""
                var inName = true
                while let next = scalars.next(), next != ">" {
                    if inName {
                        if next == "/" && name.isEmpty { continue }
                        if next.properties.isAlphabetic || ("0"..."9").contains(next) {
                            name.unicodeScalars.append(next)
                        } else {
                            inName = false
                        }
                    }
                }
                if blockTags.contains(name.lowercased()) { pendingSpace = true }
            case "&":
                var entity = ""
                while let next = scalars.next(), next != ";", entity.unicodeScalars.count < 8 {
                    entity.unicodeScalars.append(next)
                }
                switch entity {
                case "lt": append("<")
                case "gt": append(">")
                case "quot": append("\"")
                case "#39": append("'")
                default: append("&")
                }
            case " ", "\n", "\t", "\r":
                pendingSpace = true
            default:
                append(scalar)
            }
        }
        var result = String(text)
        if count > limit {
            result = String(result.prefix(limit)) + "…"
        }
        return result
    }
}
