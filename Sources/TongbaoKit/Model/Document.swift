/// What every Markdown document shares: its source, its place on the site and its body.
public struct DocumentSource: Hashable, Sendable {
    /// Path of the source file, as shown in diagnostics.
    public let file: String
    /// ASCII URL segment.
    public let slug: String
    public let title: String
    public let draft: Bool
    /// A one-line summary for search engines and feeds; nil to take the start of the body.
    public let description: String?
    /// The Markdown body and the line it starts on in the file.
    public let body: String
    public let bodyLine: Int
    /// Where each front-matter field stands, for diagnostics found after loading.
    public let fieldLocations: [String: SourceLocation]

    /// The place of a front-matter field, or the start of the file.
    public func location(of field: String) -> SourceLocation {
        fieldLocations[field] ?? SourceLocation(file: file, line: 1, column: 1)
    }
}

/// 附件: a file under `static/` attached to a notice.
public struct Attachment: Hashable, Sendable {
    /// Path below `static/`, `/`-separated.
    public let file: String
    /// Display name.
    public let name: String
}

/// The meeting a meeting notice (会议通知) calls.
public struct Meeting: Hashable, Sendable {
    public let start: DayTime
    public let place: String
    public let attendees: String?
}

/// 通知: a notice; with `meeting`, a meeting notice.
///
/// An immutable class with value equality rather than a struct: a site holds
/// ten thousand notices, and every list, feed and check passes them around;
/// copying one is then one reference count instead of twenty.
public final class Notice: Hashable, Sendable {
    public let source: DocumentSource
    /// 成文日期
    public let date: Day
    public let documentNumber: DocumentNumber?
    /// 主送机关
    public let to: String?
    /// 抄送
    public let cc: [String]
    public let attachments: [Attachment]
    public let meeting: Meeting?

    public init(source: DocumentSource, date: Day, documentNumber: DocumentNumber?, to: String?, cc: [String],
                attachments: [Attachment], meeting: Meeting?) {
        self.source = source
        self.date = date
        self.documentNumber = documentNumber
        self.to = to
        self.cc = cc
        self.attachments = attachments
        self.meeting = meeting
    }

    public static func == (lhs: Notice, rhs: Notice) -> Bool {
        lhs === rhs || (lhs.source == rhs.source && lhs.date == rhs.date && lhs.documentNumber == rhs.documentNumber
            && lhs.to == rhs.to && lhs.cc == rhs.cc && lhs.attachments == rhs.attachments && lhs.meeting == rhs.meeting)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(date)
        hasher.combine(documentNumber)
        hasher.combine(to)
        hasher.combine(cc)
        hasher.combine(attachments)
        hasher.combine(meeting)
    }
}

/// 工作简报: a numbered work bulletin (第N期).
public struct Bulletin: Hashable, Sendable {
    public let source: DocumentSource
    public let date: Day
    public let issue: Int
}

/// A free page (about, contact …).
public struct Page: Hashable, Sendable {
    public let source: DocumentSource
}

/// The office's own text for one circular (`content/circulars/2021-06.md`): its
/// title, 发文字号, recipients and narrative (工作要求 …). The figures come from
/// the ledgers; this file only adds words around them.
public struct CircularNarrative: Hashable, Sendable {
    public let source: DocumentSource
    public let period: ReportingPeriod
    /// nil to use the standard title.
    public let title: String?
    /// 成文日期; nil for the reference day.
    public let date: Day?
    public let documentNumber: DocumentNumber?
    public let to: String?
    public let cc: [String]
}

/// The office's words for one month's exposure batch (`content/exposures/2026-10.md`).
public struct ExposureNarrative: Hashable, Sendable {
    public let source: DocumentSource
    public let month: ReportingPeriod
    /// nil for the standard title.
    public let title: String?
    public let date: Day?
}
