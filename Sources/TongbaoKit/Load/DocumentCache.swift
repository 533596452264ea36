import Foundation

/// What earlier builds learnt from each notice file (通知), so that a rebuild
/// neither parses nor renders a notice whose bytes have not changed: the
/// loaded record and its diagnostics (keyed by the SHA-256 of the file's
/// bytes), and what rendering its body gave (the page's view digest, its links
/// and its warnings).
///
/// An entry is used only while its file's bytes have the recorded SHA-256 and
/// the build's `context` is the one it was made in. A file whose `FileIdentity`
/// (device, inode, size, modification and change times) is the one recorded
/// when it was read is known unchanged without reading it: its record is used
/// and its body is read later, only if the page or the feed needs it
/// (`LateBodies`). The context is the same tongbao
/// executable, the same site.yml and the same name of the content folder in
/// diagnostics. Everything else a notice's record and page view are made from
/// is in the file itself. Notices with attachments are never cached (their
/// checks read `static/`). `CacheStore` keeps it beside the output folder.
final class DocumentCache: @unchecked Sendable {
    /// A link of the body, where it stands in the file.
    struct Link: Sendable, Equatable {
        let url: String
        let location: SourceLocation
        /// The output path it must reach (nil: it leaves the site).
        let target: String?
    }

    /// What rendering the notice's body and page view gave. (A class, immutable:
    /// a rebuild hands one for every notice from stage to stage.)
    final class Rendered: Sendable, Equatable {
        let links: [Link]
        /// Raw HTML dropped from the body.
        let warnings: [Diagnostic]
        /// The digest of the page's own view data (`ViewDigest.own`).
        let viewDigest: String
        /// The page's `ViewDigest.context` and the page digest made with it: while
        /// the template and section are unchanged, the digest need not be made again.
        let pageContext: String
        let pageDigest: String
        /// The digest of the notice's summary in list pages (`SiteRenderer.noticeSummary`); empty when not known.
        let summaryDigest: String
        /// The start of the body's text for the feed, when the notice was in the feed as it was rendered; else empty.
        let feedSummary: String

        init(links: [Link], warnings: [Diagnostic], viewDigest: String, pageContext: String, pageDigest: String,
             summaryDigest: String = "", feedSummary: String = "") {
            self.links = links
            self.warnings = warnings
            self.viewDigest = viewDigest
            self.pageContext = pageContext
            self.pageDigest = pageDigest
            self.summaryDigest = summaryDigest
            self.feedSummary = feedSummary
        }

        /// The same, with another start of the text for the feed.
        func with(feedSummary: String) -> Rendered {
            Rendered(links: links, warnings: warnings, viewDigest: viewDigest, pageContext: pageContext, pageDigest: pageDigest,
                     summaryDigest: summaryDigest, feedSummary: feedSummary)
        }

        static func == (a: Rendered, b: Rendered) -> Bool {
            a === b || (a.links == b.links && a.warnings == b.warnings && a.viewDigest == b.viewDigest && a.pageContext == b.pageContext
                        && a.pageDigest == b.pageDigest && a.summaryDigest == b.summaryDigest && a.feedSummary == b.feedSummary)
        }
    }

    struct Entry: Sendable {
        /// SHA-256 of the file's bytes.
        let sha256: String
        /// The record, with an empty body (the body is the file's text after the front matter).
        let notice: Notice
        let diagnostics: [Diagnostic]
        var rendered: Rendered?
    }

    static let format = "tongbao-document-cache 5"

    /// A cache file as read from disk, before the build's context is known
    /// (the context includes the settings file, which the loader reads first).
    struct File: Sendable {
        let bytes: [UInt8]
        /// `CacheStore.toolIdentity()` of this run.
        let tool: String
    }

    /// Where a previous entry's record lies in the previous cache file.
    private struct Slot {
        let sha256: String
        /// The file's identity when its bytes were last read, if it was settled then.
        let identity: FileIdentity?
        let record: Range<Int>
    }

    let context: String
    /// The previous cache file, and its entries by file; an entry is decoded
    /// only when its file is unchanged (on the loader's threads), and written
    /// back as the same bytes when nothing about it changed.
    private let previousBytes: [UInt8]
    private let previous: [String: Slot]
    /// Previous entries this build reused, with what rendering had given.
    private var kept: [String: Rendered?] = [:]
    /// Entries made (or changed) by this build.
    private var current: [String: Entry] = [:]
    /// The identity of each file of this build's entries, when it has one.
    private var identities: [String: FileIdentity] = [:]
    /// Notices taken from the cache by their identity, their body not read: by file, where to read it and its SHA-256.
    private var unread: [String: Unread] = [:]
    private var forgotten = false

    /// A notice file taken from the cache without reading it.
    struct Unread: Sendable {
        /// Its path relative to the content folder.
        let relativePath: String
        /// Size and SHA-256 of its bytes, as recorded (the digest of the inputs needs them).
        let size: Int
        let sha256: String
    }
    private let lock = NSLock()
    private var reusedCount = 0

    init(context: String) {
        self.context = context
        previousBytes = []
        previous = [:]
    }

    /// A cache with the entries of a previous cache file when it was written in
    /// `context`; none when the context differs, its checksum does not match
    /// (a damaged file) or its layout cannot be read.
    init(context: String, bytes: [UInt8]) {
        self.context = context
        var reader = ByteReader(bytes)
        var slots: [String: Slot] = [:]
        if reader.string() == DocumentCache.format, reader.string() == context, let checksum = reader.string(),
           SHA256.hex(bytes[reader.position...]) == checksum, let count = reader.count() {
            slots.reserveCapacity(count)
            for _ in 0..<count {
                guard let file = reader.string(), let sha256 = reader.string(), let hasIdentity = reader.bool() else {
                    slots = [:]
                    break
                }
                let identity = hasIdentity ? FileIdentity.read(&reader) : nil
                guard !hasIdentity || identity != nil, let length = reader.count() else {
                    slots = [:]
                    break
                }
                slots[file] = Slot(sha256: sha256, identity: identity, record: reader.position..<(reader.position + length))
                reader.skip(length)
            }
            if !reader.atEnd { slots = [:] }
        }
        previousBytes = slots.isEmpty ? [] : bytes
        previous = slots
        // Filled from many threads in a rebuild: room for every previous entry from the start.
        kept.reserveCapacity(slots.count)
        identities.reserveCapacity(slots.count)
        unread.reserveCapacity(slots.count)
    }

    /// The context of a build: the executable, the SHA-256 of the settings file
    /// as the loader read it, and the content folder's display name.
    static func context(tool: String, settingsSHA256: String, displayRoot: String) -> String {
        SHA256.hex(Array("\(format)\n\(tool)\n\(displayRoot)\n\(settingsSHA256)\n".utf8))
    }

    /// The previous entry for the file at `file` (its display path) when its
    /// bytes are unchanged and the entry can be read; `keep` it once it is used.
    func previousEntry(_ file: String, sha256: String) -> Entry? {
        guard let slot = previous[file], slot.sha256 == sha256 else { return nil }
        return DocumentCache.readRecord(previousBytes, slot.record, file: file, sha256: sha256)
    }

    /// The previous entry for the file at `file` when the file's identity is the
    /// one recorded with it: its bytes are the ones cached, unread. The notice's
    /// body is read later if needed (`unreadBodies`); `keep` it with `unreadFrom` once used.
    func previousEntry(_ file: String, identity: FileIdentity) -> Entry? {
        guard let slot = previous[file], slot.identity == identity else { return nil }
        return DocumentCache.readRecord(previousBytes, slot.record, file: file, sha256: slot.sha256)
    }

    /// Keeps a previous entry this build used, for the next build, with the file's identity as seen now.
    /// - Parameter unreadFrom: the file's path relative to the content folder when it was not read
    ///   (its body, if needed, is read from there: `unreadBodies`).
    func keep(_ file: String, _ entry: Entry, identity: FileIdentity?, unreadFrom relativePath: String? = nil) {
        lock.lock()
        kept[file] = .some(entry.rendered)
        identities[file] = identity
        if let relativePath, let identity { unread[file] = Unread(relativePath: relativePath, size: identity.size, sha256: entry.sha256) }
        reusedCount += 1
        lock.unlock()
    }

    /// Drops the identity of `file` (and, when this build has nothing else of it, its entry):
    /// the next build reads the file, whatever its identity.
    func forgetIdentity(_ file: String) {
        lock.lock()
        identities[file] = nil
        forgotten = true
        lock.unlock()
    }

    /// Whether `forgetIdentity` was called: the cache is then saved even by a build that fails.
    var hasForgotten: Bool {
        lock.lock()
        defer { lock.unlock() }
        return forgotten
    }


    /// The notices taken from the cache without reading their files, by file.
    var unreadBodies: [String: Unread] {
        lock.lock()
        defer { lock.unlock() }
        return unread
    }

    /// How many notices this build took from the cache instead of parsing them.
    var reused: Int {
        lock.lock()
        defer { lock.unlock() }
        return reusedCount
    }

    /// Keeps a freshly loaded notice for the next build, with its file's identity when read.
    func remember(_ file: String, _ entry: Entry, identity: FileIdentity?) {
        lock.lock()
        current[file] = entry
        kept[file] = nil
        identities[file] = identity
        lock.unlock()
    }

    /// What rendering gave for the notice at `file`, when this build has it.
    func rendered(_ file: String) -> Rendered? {
        lock.lock()
        defer { lock.unlock() }
        // A file is in one of the two; in a rebuild nearly every one is a kept one.
        if let known = kept[file] { return known }
        return current[file]?.rendered
    }

    /// What rendering gave, for every notice this build has an entry for
    /// (one lock for all of them: `rendered` for each one contends on many cores).
    func allRendered() -> RenderedLookup {
        lock.lock()
        defer { lock.unlock() }
        return RenderedLookup(kept: kept, current: current)
    }

    /// `rendered` of a moment, read without locking.
    struct RenderedLookup: Sendable {
        fileprivate let kept: [String: Rendered?]
        fileprivate let current: [String: Entry]

        subscript(file: String) -> Rendered? {
            if let known = kept[file] { return known }
            return current[file]?.rendered
        }
    }

    func setRendered(_ file: String, _ rendered: Rendered) {
        lock.lock()
        defer { lock.unlock() }
        if current[file] != nil {
            current[file]?.rendered = rendered
        } else if let known = kept[file] {
            // A reused entry whose page rendered differently (a new template …): written anew.
            guard known != rendered, let slot = previous[file],
                  var entry = DocumentCache.readRecord(previousBytes, slot.record, file: file, sha256: slot.sha256) else { return }
            entry.rendered = rendered
            current[file] = entry
            kept[file] = nil
        }
    }

    /// Whether this build keeps an entry for `file`.
    func contains(_ file: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return current[file] != nil || kept[file] != nil
    }

    // MARK: Encoding

    /// The entries of this build, for the next one: a reused entry is copied as it was.
    func encoded() -> [UInt8] {
        encodedParts().flatMap { $0 }
    }

    /// `encoded()` in two parts, the header and the entries, written one after the other
    /// (joining them copied megabytes).
    func encodedParts() -> [[UInt8]] {
        lock.lock()
        let fresh = current
        let reused = Array(kept.keys)
        let identities = self.identities
        lock.unlock()
        let files = ByteOrder.sorted(Array(fresh.keys) + reused)
        var writer = ByteWriter(capacity: previousBytes.count + 512 * fresh.count + 128)
        writer.int(files.count)
        func identity(of file: String) {
            writer.bool(identities[file] != nil)
            identities[file]?.write(into: &writer)
        }
        for file in files {
            writer.string(file)
            if let entry = fresh[file] {
                writer.string(entry.sha256)
                identity(of: file)
                var record = ByteWriter(capacity: 512)
                DocumentCache.writeRecord(entry, file: file, into: &record)
                writer.int(record.bytes.count)
                writer.raw(record.bytes[...])
            } else if let slot = previous[file] {
                writer.string(slot.sha256)
                identity(of: file)
                writer.int(slot.record.count)
                writer.raw(previousBytes[slot.record])
            }
        }
        // The header: the format, the context and a checksum of the rest.
        var header = ByteWriter(capacity: 256)
        header.string(DocumentCache.format)
        header.string(context)
        header.string(SHA256.hex(writer.bytes))
        return [header.bytes, writer.bytes]
    }

    /// Every entry in `bytes` (for tests); none when the context differs or anything cannot be read.
    static func decode(_ bytes: [UInt8], context: String) -> [String: Entry] {
        let cache = DocumentCache(context: context, bytes: bytes)
        var entries: [String: Entry] = [:]
        for (file, slot) in cache.previous {
            guard let entry = readRecord(bytes, slot.record, file: file, sha256: slot.sha256) else { return [:] }
            entries[file] = entry
        }
        return entries
    }

    private static func writeRecord(_ entry: Entry, file: String, into writer: inout ByteWriter) {
        write(entry.notice, file: file, into: &writer)
        write(entry.diagnostics, file: file, into: &writer)
        writer.bool(entry.rendered != nil)
        if let rendered = entry.rendered {
            writer.int(rendered.links.count)
            for link in rendered.links {
                writer.string(link.url)
                write(link.location, file: file, into: &writer)
                writer.optionalString(link.target)
            }
            write(rendered.warnings, file: file, into: &writer)
            writer.string(rendered.viewDigest)
            writer.string(rendered.pageContext)
            writer.string(rendered.pageDigest)
            writer.string(rendered.summaryDigest)
            writer.string(rendered.feedSummary)
        }
    }

    private static func readRecord(_ bytes: [UInt8], _ range: Range<Int>, file: String, sha256: String) -> Entry? {
        var reader = ByteReader(bytes, from: range.lowerBound, to: range.upperBound)
        guard let notice = readNotice(&reader, file: file), let diagnostics = readDiagnostics(&reader, file: file),
              let hasRendered = reader.bool() else { return nil }
        var rendered: Rendered?
        if hasRendered {
            guard let linkCount = reader.count() else { return nil }
            var links: [Link] = []
            for _ in 0..<linkCount {
                guard let url = reader.string(), let location = readLocation(&reader, file: file),
                      let target = reader.optionalString() else { return nil }
                links.append(Link(url: url, location: location, target: target))
            }
            guard let warnings = readDiagnostics(&reader, file: file), let viewDigest = reader.string(),
                  let pageContext = reader.string(), let pageDigest = reader.string(),
                  let summaryDigest = reader.string(), let feedSummary = reader.string() else { return nil }
            rendered = Rendered(links: links, warnings: warnings, viewDigest: viewDigest, pageContext: pageContext, pageDigest: pageDigest,
                                summaryDigest: summaryDigest, feedSummary: feedSummary)
        }
        guard reader.atEnd else { return nil }
        return Entry(sha256: sha256, notice: notice, diagnostics: diagnostics, rendered: rendered)
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

    /// Lines and columns a file can have; a value outside them marks a damaged cache.
    static let positions = 1...100_000_000

    private static func readLocation(_ reader: inout ByteReader, file: String) -> SourceLocation? {
        guard let line = reader.int(), let column = reader.int(), positions.contains(line), positions.contains(column) else { return nil }
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

    /// Every value read is checked as the loader checks it: a cache altered by hand
    /// is not trusted to hold only what the loader could have made.
    private static func readDay(_ reader: inout ByteReader) -> Day? {
        guard let year = reader.int(), let month = reader.int(), let day = reader.int() else { return nil }
        return Day(year: year, month: month, day: day)
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
              let description = reader.optionalString(), let bodyLine = reader.int(), positions.contains(bodyLine),
              let fieldCount = reader.count() else { return nil }
        var fieldLocations = [String: SourceLocation](minimumCapacity: fieldCount)
        for _ in 0..<fieldCount {
            guard let key = reader.string(), let location = readLocation(&reader, file: file) else { return nil }
            fieldLocations[key] = location
        }
        guard let date = readDay(&reader), let hasNumber = reader.bool() else { return nil }
        var documentNumber: DocumentNumber?
        if hasNumber {
            guard let prefix = reader.string(), let year = reader.int(), let number = reader.int(),
                  (1...9999).contains(year), (1...99999).contains(number) else { return nil }
            documentNumber = DocumentNumber(prefix: prefix, year: year, number: number)
        }
        guard let to = reader.optionalString(), let cc = reader.strings(), let hasMeeting = reader.bool() else { return nil }
        var meeting: Meeting?
        if hasMeeting {
            guard let day = readDay(&reader), let hour = reader.int(), let minute = reader.int(), (0...23).contains(hour),
                  (0...59).contains(minute), let place = reader.string(), let attendees = reader.optionalString() else { return nil }
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
        Notice(source: source.replacingBody(body), date: date, documentNumber: documentNumber, to: to, cc: cc,
               attachments: attachments, meeting: meeting)
    }
}

extension DocumentSource {
    /// The same source with another body.
    func replacingBody(_ body: String) -> DocumentSource {
        DocumentSource(file: file, slug: slug, title: title, draft: draft, description: description, body: body,
                       bodyLine: bodyLine, fieldLocations: fieldLocations)
    }
}
