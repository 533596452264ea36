import Foundation

/// What earlier builds learnt from each notice file (通知), so that a rebuild
/// neither parses nor renders a notice whose bytes have not changed: the
/// loaded record and its diagnostics (keyed by the SHA-256 of the file's
/// bytes), and what rendering its body gave (the page's view digest, its links
/// and its warnings).
///
/// An entry is used only while its file's bytes have the recorded SHA-256 and
/// the build's `context` is the one it was made in: the same tongbao
/// executable, the same site.yml and the same name of the content folder in
/// diagnostics. Everything else a notice's record and page view are made from
/// is in the file itself. Notices with attachments are never cached (their
/// checks read `static/`). `CacheStore` keeps it beside the output folder.
final class DocumentCache: @unchecked Sendable {
    /// A link of the body, where it stands in the file.
    struct Link: Sendable, Equatable {
        let url: String
        let location: SourceLocation
    }

    /// What rendering the notice's body and page view gave.
    struct Rendered: Sendable, Equatable {
        let links: [Link]
        /// Raw HTML dropped from the body.
        let warnings: [Diagnostic]
        /// The digest of the page's own view data (`ViewDigest.own`).
        let viewDigest: String
    }

    struct Entry: Sendable {
        /// SHA-256 of the file's bytes.
        let sha256: String
        /// The record, with an empty body (the body is the file's text after the front matter).
        let notice: Notice
        let diagnostics: [Diagnostic]
        var rendered: Rendered?
    }

    static let format = "tongbao-document-cache 1"

    let context: String
    private let previous: [String: Entry]
    private var current: [String: Entry] = [:]
    private let lock = NSLock()

    init(context: String, previous: [String: Entry] = [:]) {
        self.context = context
        self.previous = previous
    }

    /// The context of a build: the executable, the settings file's bytes and the content folder's display name.
    static func context(tool: String, settings: Data, displayRoot: String) -> String {
        var hash = SHA256()
        hash.update(Array("\(format)\n\(tool)\n\(displayRoot)\n\(settings.count)\n".utf8))
        hash.update(settings)
        return hash.finalizeHex()
    }

    /// The previous entry for the file at `file` (its display path) when its bytes are unchanged; it is kept for the next build.
    func reuse(_ file: String, sha256: String) -> Entry? {
        guard let entry = previous[file], entry.sha256 == sha256 else { return nil }
        lock.lock()
        current[file] = entry
        reusedCount += 1
        lock.unlock()
        return entry
    }

    private var reusedCount = 0

    /// How many notices this build took from the cache instead of parsing them.
    var reused: Int {
        lock.lock()
        defer { lock.unlock() }
        return reusedCount
    }

    /// Keeps a freshly loaded notice for the next build.
    func remember(_ file: String, _ entry: Entry) {
        lock.lock()
        current[file] = entry
        lock.unlock()
    }

    /// What rendering gave for the notice at `file`, when this build has it.
    func rendered(_ file: String) -> Rendered? {
        lock.lock()
        defer { lock.unlock() }
        return current[file]?.rendered
    }

    func setRendered(_ file: String, _ rendered: Rendered) {
        lock.lock()
        current[file]?.rendered = rendered
        lock.unlock()
    }

    /// Whether this build keeps an entry for `file`.
    func contains(_ file: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return current[file] != nil
    }

    // MARK: Encoding

    /// The entries of this build, for the next one.
    func encoded() -> [UInt8] {
        lock.lock()
        let entries = current.sorted { $0.key < $1.key }
        lock.unlock()
        var writer = ByteWriter(capacity: 256 * entries.count + 128)
        writer.string(DocumentCache.format)
        writer.string(context)
        writer.int(entries.count)
        for (file, entry) in entries {
            writer.string(file)
            writer.string(entry.sha256)
            DocumentCache.write(entry.notice, file: file, into: &writer)
            DocumentCache.write(entry.diagnostics, file: file, into: &writer)
            writer.bool(entry.rendered != nil)
            if let rendered = entry.rendered {
                writer.int(rendered.links.count)
                for link in rendered.links {
                    writer.string(link.url)
                    DocumentCache.write(link.location, file: file, into: &writer)
                }
                DocumentCache.write(rendered.warnings, file: file, into: &writer)
                writer.string(rendered.viewDigest)
            }
        }
        return writer.bytes
    }

    /// The entries in `bytes` when they were written in `context`; none when
    /// the context differs or anything cannot be read.
    static func decode(_ bytes: [UInt8], context: String) -> [String: Entry] {
        var reader = ByteReader(bytes)
        guard reader.string() == format, reader.string() == context, let count = reader.count() else { return [:] }
        var entries: [String: Entry] = [:]
        entries.reserveCapacity(count)
        for _ in 0..<count {
            guard let file = reader.string(), let sha256 = reader.string(), let notice = readNotice(&reader, file: file),
                  let diagnostics = readDiagnostics(&reader, file: file), let hasRendered = reader.bool() else { return [:] }
            var rendered: Rendered?
            if hasRendered {
                guard let linkCount = reader.count() else { return [:] }
                var links: [Link] = []
                for _ in 0..<linkCount {
                    guard let url = reader.string(), let location = readLocation(&reader, file: file) else { return [:] }
                    links.append(Link(url: url, location: location))
                }
                guard let warnings = readDiagnostics(&reader, file: file), let viewDigest = reader.string() else { return [:] }
                rendered = Rendered(links: links, warnings: warnings, viewDigest: viewDigest)
            }
            entries[file] = Entry(sha256: sha256, notice: notice, diagnostics: diagnostics, rendered: rendered)
        }
        return reader.atEnd ? entries : [:]
    }

    /// Whether `notice` (loaded from `file`) can be cached: everything it holds can be written.
    static func canCache(_ notice: Notice, diagnostics: [Diagnostic], file: String) -> Bool {
        notice.attachments.isEmpty && notice.source.file == file
            && notice.source.fieldLocations.values.allSatisfy { $0.file == file }
            && diagnostics.allSatisfy { $0.location.file == file }
    }

    // Locations are written without their file: every one is in the notice's own file.
    private static func write(_ location: SourceLocation, file: String, into writer: inout ByteWriter) {
        writer.int(location.line)
        writer.int(location.column)
    }

    private static func readLocation(_ reader: inout ByteReader, file: String) -> SourceLocation? {
        guard let line = reader.int(), let column = reader.int() else { return nil }
        return SourceLocation(file: file, line: line, column: column)
    }

    private static func write(_ diagnostics: [Diagnostic], file: String, into writer: inout ByteWriter) {
        writer.int(diagnostics.count)
        for diagnostic in diagnostics {
            writer.bool(diagnostic.severity == .error)
            write(diagnostic.location, file: file, into: &writer)
            writer.string(diagnostic.message)
        }
    }

    private static func readDiagnostics(_ reader: inout ByteReader, file: String) -> [Diagnostic]? {
        guard let count = reader.count() else { return nil }
        var result: [Diagnostic] = []
        for _ in 0..<count {
            guard let error = reader.bool(), let location = readLocation(&reader, file: file), let message = reader.string() else { return nil }
            result.append(Diagnostic(error ? .error : .warning, location, message))
        }
        return result
    }

    private static func write(_ day: Day, into writer: inout ByteWriter) {
        writer.int(day.year)
        writer.int(day.month)
        writer.int(day.day)
    }

    private static func readDay(_ reader: inout ByteReader) -> Day? {
        guard let year = reader.int(), let month = reader.int(), let day = reader.int(),
              (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
        return Day(unchecked: year, month, day)
    }

    private static func write(_ notice: Notice, file: String, into writer: inout ByteWriter) {
        let source = notice.source
        writer.string(source.slug)
        writer.string(source.title)
        writer.bool(source.draft)
        writer.optionalString(source.description)
        writer.int(source.bodyLine)
        let fields = source.fieldLocations.sorted { $0.key < $1.key }
        writer.int(fields.count)
        for (key, location) in fields {
            writer.string(key)
            write(location, file: file, into: &writer)
        }
        write(notice.date, into: &writer)
        writer.bool(notice.documentNumber != nil)
        if let number = notice.documentNumber {
            writer.string(number.prefix)
            writer.int(number.year)
            writer.int(number.number)
        }
        writer.optionalString(notice.to)
        writer.strings(notice.cc)
        writer.bool(notice.meeting != nil)
        if let meeting = notice.meeting {
            write(meeting.start.day, into: &writer)
            writer.int(meeting.start.hour)
            writer.int(meeting.start.minute)
            writer.string(meeting.place)
            writer.optionalString(meeting.attendees)
        }
    }

    private static func readNotice(_ reader: inout ByteReader, file: String) -> Notice? {
        guard let slug = reader.string(), let title = reader.string(), let draft = reader.bool(),
              let description = reader.optionalString(), let bodyLine = reader.int(), let fieldCount = reader.count() else { return nil }
        var fieldLocations: [String: SourceLocation] = [:]
        for _ in 0..<fieldCount {
            guard let key = reader.string(), let location = readLocation(&reader, file: file) else { return nil }
            fieldLocations[key] = location
        }
        guard let date = readDay(&reader), let hasNumber = reader.bool() else { return nil }
        var documentNumber: DocumentNumber?
        if hasNumber {
            guard let prefix = reader.string(), let year = reader.int(), let number = reader.int() else { return nil }
            documentNumber = DocumentNumber(prefix: prefix, year: year, number: number)
        }
        guard let to = reader.optionalString(), let cc = reader.strings(), let hasMeeting = reader.bool() else { return nil }
        var meeting: Meeting?
        if hasMeeting {
            guard let day = readDay(&reader), let hour = reader.int(), let minute = reader.int(), let place = reader.string(),
                  let attendees = reader.optionalString() else { return nil }
            meeting = Meeting(start: DayTime(day: day, hour: hour, minute: minute), place: place, attendees: attendees)
        }
        let source = DocumentSource(file: file, slug: slug, title: title, draft: draft, description: description, body: "",
                                    bodyLine: bodyLine, fieldLocations: fieldLocations)
        return Notice(source: source, date: date, documentNumber: documentNumber, to: to, cc: cc, attachments: [], meeting: meeting)
    }
}

extension Notice {
    /// The same notice with another body (the cache keeps records without theirs).
    func replacingBody(_ body: String) -> Notice {
        let source = self.source
        return Notice(source: DocumentSource(file: source.file, slug: source.slug, title: source.title, draft: source.draft,
                                             description: source.description, body: body, bodyLine: source.bodyLine,
                                             fieldLocations: source.fieldLocations),
                      date: date, documentNumber: documentNumber, to: to, cc: cc, attachments: attachments, meeting: meeting)
    }
}
