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
        /// The previous entry's position, when it is one (`keep` needs it).
        var slot: Int? = nil
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
        /// Its position among the previous entries (which are in the byte order of their files).
        let index: Int
        /// The file's display path.
        let file: String
        /// Where the SHA-256 of the file's bytes (64 hex digits) lies in the previous file: made a string only when needed.
        let sha256: Range<Int>
        /// The file's identity when its bytes were last read, if it was settled then.
        let identity: FileIdentity?
        let record: Range<Int>
    }

    /// A previous entry this build reused: what rendering had given, and the file's identity as seen now.
    private struct Kept {
        var rendered: Rendered?
        var identity: FileIdentity?
    }

    /// An entry made (or changed) by this build, with its file's identity when it has one.
    private struct Current {
        var entry: Entry
        var identity: FileIdentity?
    }

    let context: String
    /// The previous cache file, and its entries by file; an entry is decoded
    /// only when its file is unchanged (on the loader's threads), and written
    /// back as the same bytes when nothing about it changed.
    private let previousBytes: [UInt8]
    private let slots: [Slot]
    /// The position of each previous entry, by file.
    private let previous: [String: Int]
    /// Previous entries this build reused, by slot. Each slot is written only by the
    /// thread loading its file, without a lock (ten thousand notices on all cores
    /// contended for one); the rest reads it once the loading is over, under `lock`.
    private let kept: UnsafeMutableBufferPointer<Kept?>
    /// Where to read the body of each reused entry whose file the loading did not read, by slot
    /// (written like `kept`; it stays as the loading left it).
    private let unreadSlots: UnsafeMutableBufferPointer<Unread?>
    /// Entries made (or changed) by this build.
    private var current: [String: Current] = [:]
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

    convenience init(context: String) {
        self.init(context: context, bytes: [])
    }

    /// A cache with the entries of a previous cache file when it was written in
    /// `context`; none when the context differs, its checksum does not match
    /// (a damaged file) or its layout cannot be read.
    init(context: String, bytes: [UInt8]) {
        self.context = context
        var reader = ByteReader(bytes)
        var positions: [String: Int] = [:]
        var slots: [Slot] = []
        if reader.string() == DocumentCache.format, reader.string() == context, let checksum = reader.string(),
           SHA256.hex(bytes[reader.position...]) == checksum, let count = reader.count() {
            positions.reserveCapacity(count)
            slots.reserveCapacity(count)
            for index in 0..<count {
                guard let file = reader.string(), let sha256 = reader.stringRange(), let hasIdentity = reader.bool() else {
                    slots = []
                    break
                }
                let identity = hasIdentity ? FileIdentity.read(&reader) : nil
                guard !hasIdentity || identity != nil, let length = reader.count(), positions.updateValue(index, forKey: file) == nil else {
                    slots = []
                    break
                }
                slots.append(Slot(index: index, file: file, sha256: sha256, identity: identity,
                                  record: reader.position..<(reader.position + length)))
                reader.skip(length)
            }
            if !reader.atEnd { slots = [] }
        }
        if slots.isEmpty { positions = [:] }
        previousBytes = slots.isEmpty ? [] : bytes
        previous = positions
        self.slots = slots
        kept = .allocate(capacity: slots.count)
        kept.initialize(repeating: nil)
        unreadSlots = .allocate(capacity: slots.count)
        unreadSlots.initialize(repeating: nil)
    }

    deinit {
        kept.deinitialize()
        kept.deallocate()
        unreadSlots.deinitialize()
        unreadSlots.deallocate()
    }

    /// The context of a build: the executable, the SHA-256 of the settings file
    /// as the loader read it, and the content folder's display name.
    static func context(tool: String, settingsSHA256: String, displayRoot: String) -> String {
        SHA256.hex(Array("\(format)\n\(tool)\n\(displayRoot)\n\(settingsSHA256)\n".utf8))
    }

    /// The SHA-256 recorded with a previous entry.
    private func sha256(of slot: Slot) -> String {
        previousBytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[slot.sha256]), as: UTF8.self) }
    }

    /// The previous entry for the file at `file` (its display path) when its
    /// bytes are unchanged and the entry can be read; `keep` it once it is used.
    func previousEntry(_ file: String, sha256: String) -> Entry? {
        guard let index = previous[file], previousBytes[slots[index].sha256].elementsEqual(sha256.utf8) else { return nil }
        return DocumentCache.readRecord(previousBytes, slots[index].record, file: file, sha256: sha256, slot: index)
    }

    /// The previous entry for the file at `file` when the file's identity is the
    /// one recorded with it: its bytes are the ones cached, unread. The notice's
    /// body is read later if needed (`unreadBodies`); `keep` it with `unreadFrom` once used.
    func previousEntry(_ file: String, identity: FileIdentity) -> Entry? {
        guard let index = previous[file], slots[index].identity == identity else { return nil }
        return DocumentCache.readRecord(previousBytes, slots[index].record, file: file, sha256: sha256(of: slots[index]), slot: index)
    }

    /// Keeps a previous entry this build used (from `previousEntry`), for the next build, with the file's identity as seen now.
    /// Called once per file, from the thread loading it, while the loading goes on.
    /// - Parameter unreadFrom: the file's path relative to the content folder when it was not read
    ///   (its body, if needed, is read from there: `unreadBodies`).
    func keep(_ file: String, _ entry: Entry, identity: FileIdentity?, unreadFrom relativePath: String? = nil) {
        guard let slot = entry.slot, slot < kept.count, slots[slot].file == file else { return }
        kept[slot] = Kept(rendered: entry.rendered, identity: identity)
        unreadSlots[slot] = relativePath.flatMap { path in identity.map { Unread(relativePath: path, size: $0.size, sha256: entry.sha256) } }
    }

    /// Drops the identity of `file` (and, when this build has nothing else of it, its entry):
    /// the next build reads the file, whatever its identity.
    func forgetIdentity(_ file: String) {
        lock.lock()
        defer { lock.unlock() }
        forgotten = true
        if current[file] != nil {
            current[file]?.identity = nil
        } else if let slot = previous[file], kept[slot] != nil {
            kept[slot]?.identity = nil
        }
    }

    /// Whether `forgetIdentity` was called: the cache is then saved even by a build that fails.
    var hasForgotten: Bool {
        lock.lock()
        defer { lock.unlock() }
        return forgotten
    }

    /// Where to read the body of the notice from `file` when the loading took it from the cache
    /// without reading the file; nil otherwise. Asked once the loading is over.
    func unread(_ file: String) -> Unread? {
        guard let slot = previous[file] else { return nil }
        return unreadSlots[slot]
    }

    /// The notices the loading took from the cache without reading their files.
    var unreadBodies: [Unread] {
        lock.lock()
        defer { lock.unlock() }
        return unreadSlots.compactMap { $0 }
    }

    /// How many notices the loading took from the cache without reading their files.
    var unreadCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return unreadSlots.count { $0 != nil }
    }

    /// How many notices this build took from the cache instead of parsing them.
    var reused: Int {
        lock.lock()
        defer { lock.unlock() }
        return kept.count { $0 != nil }
    }

    /// Keeps a freshly loaded notice for the next build, with its file's identity when read.
    /// Called once per file, from the thread loading it, while the loading goes on.
    func remember(_ file: String, _ entry: Entry, identity: FileIdentity?) {
        if let slot = previous[file] {
            kept[slot] = nil
            unreadSlots[slot] = nil
        }
        lock.lock()
        current[file] = Current(entry: entry, identity: identity)
        lock.unlock()
    }

    /// What rendering gave, for every notice this build has an entry for, read once
    /// (a lock taken per notice contended on many cores).
    func allRendered() -> RenderedLookup {
        lock.lock()
        defer { lock.unlock() }
        return RenderedLookup(slots: previous, kept: kept.map { $0?.rendered }, current: current.mapValues(\.entry.rendered))
    }

    /// `rendered` of a moment, read without locking.
    struct RenderedLookup: Sendable {
        fileprivate let slots: [String: Int]
        fileprivate let kept: [Rendered?]
        fileprivate let current: [String: Rendered?]

        subscript(file: String) -> Rendered? {
            // A file is in one of the two; in a rebuild nearly every one is a kept one.
            if let slot = slots[file], slot < kept.count, let known = kept[slot] { return known }
            return current.isEmpty ? nil : current[file] ?? nil
        }
    }

    func setRendered(_ file: String, _ rendered: Rendered) {
        lock.lock()
        defer { lock.unlock() }
        if current[file] != nil {
            current[file]?.entry.rendered = rendered
        } else if let index = previous[file], let known = kept[index] {
            // A reused entry whose page rendered differently (a new template …): written anew.
            let slot = slots[index]
            guard known.rendered != rendered,
                  var entry = DocumentCache.readRecord(previousBytes, slot.record, file: file, sha256: sha256(of: slot), slot: nil) else { return }
            entry.rendered = rendered
            current[file] = Current(entry: entry, identity: known.identity)
            kept[index] = nil
        }
    }

    /// Whether this build keeps an entry for `file`.
    func contains(_ file: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if current[file] != nil { return true }
        guard let slot = previous[file] else { return false }
        return kept[slot] != nil
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
        let reused = slots.indices.compactMap { slot in kept[slot].map { (slot: slot, identity: $0.identity) } }
        lock.unlock()
        // Entries in the byte order of their files. The reused ones come in that order already
        // (the previous file was written in it), which the sort finds in one pass.
        enum Source { case fresh(Current), reused(slot: Int, identity: FileIdentity?) }
        let entries: [(file: String, source: Source)] = ByteOrder.sorted(
            reused.map { (slots[$0.slot].file, Source.reused(slot: $0.slot, identity: $0.identity)) }
                + fresh.map { ($0.key, Source.fresh($0.value)) },
            by: \.file)
        var writer = ByteWriter(capacity: previousBytes.count + 512 * fresh.count + 128)
        writer.int(entries.count)
        func identity(_ identity: FileIdentity?) {
            writer.bool(identity != nil)
            identity?.write(into: &writer)
        }
        for (file, source) in entries {
            writer.string(file)
            switch source {
            case .fresh(let current):
                writer.string(current.entry.sha256)
                identity(current.identity)
                var record = ByteWriter(capacity: 512)
                DocumentCache.writeRecord(current.entry, file: file, into: &record)
                writer.int(record.bytes.count)
                writer.raw(record.bytes[...])
            case .reused(let index, let seen):
                let slot = slots[index]
                writer.int(slot.sha256.count)
                writer.raw(previousBytes[slot.sha256])
                identity(seen)
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
        for slot in cache.slots {
            guard let entry = readRecord(bytes, slot.record, file: slot.file, sha256: cache.sha256(of: slot), slot: nil) else { return [:] }
            entries[slot.file] = entry
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

    private static func readRecord(_ bytes: [UInt8], _ range: Range<Int>, file: String, sha256: String, slot: Int?) -> Entry? {
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
        return Entry(sha256: sha256, notice: notice, diagnostics: diagnostics, rendered: rendered, slot: slot)
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
