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
        var text = ""
        var tag: String?
        var count = 0
        func space() {
            if let last = text.last, last != " " { text.append(" ") }
        }
        for character in html {
            if var current = tag {
                if character == ">" {
                    let name = current.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
                    if blockTags.contains(name) { space() }
                    tag = nil
                } else {
                    current.append(character)
                    tag = current
                }
                continue
            }
            if character == "<" {
                tag = ""
            } else if character.isWhitespace {
                space()
            } else {
                text.append(character)
                count += 1
                if count >= limit * 2 { break }
            }
        }
        let decoded = text
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
            .trimmingCharacters(in: .whitespaces)
        return decoded.count > limit ? String(decoded.prefix(limit)) + "…" : decoded
    }
}
