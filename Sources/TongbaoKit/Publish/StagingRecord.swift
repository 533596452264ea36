import Foundation

/// What each folder of a staging tree held when the build that filled it
/// finished (after the swap that tree is the live site, and two builds later
/// it is the staging folder again). The build that fills it next takes a
/// folder whose status is unchanged since then (one `stat`) as holding
/// exactly the entries recorded, instead of opening and listing it.
///
/// A folder is recorded only when the build did not change it, and trusted
/// only when its modification and change times are older than the record by a
/// margin (as with `FileIdentity`): adding, removing or renaming an entry sets
/// both times to the moment of the change, later than the recorded ones.
/// Writing into a file in place leaves the folder's times alone, but no entry
/// is trusted for its contents: a staging entry is kept only when it is the
/// inode of the live file the render cache has just checked.
struct StagingRecord: Sendable, Equatable {
    /// The status of a folder and what it held: a digest of its entries' names
    /// and kinds in the order of the plan, and the inodes of its files
    /// (`inodeCount` of them from `firstInode` in the record's `inodes`).
    struct Folder: Sendable, Equatable {
        let modified: Int
        let changed: Int
        let names: Names
        let firstInode: Int
        let inodeCount: Int
    }

    /// 128 bits of SHA-256 over a folder's entry names and kinds.
    struct Names: Sendable, Equatable {
        let high: UInt64
        let low: UInt64
    }

    /// The tree's root folder (device and inode): after a swap, its staging folder is the other tree.
    let device: UInt64
    let root: UInt64
    /// When the build that made the record started filling the tree (nanoseconds since the epoch).
    let madeAt: Int
    /// By the folder's inode.
    private(set) var folders: [UInt64: Folder] = [:]
    private(set) var inodes: [UInt64] = []

    init(device: UInt64, root: UInt64, madeAt: Int) {
        self.device = device
        self.root = root
        self.madeAt = madeAt
    }

    mutating func add(folder inode: UInt64, modified: Int, changed: Int, names: Names, inodes files: [UInt64]) {
        folders[inode] = Folder(modified: modified, changed: changed, names: names, firstInode: inodes.count, inodeCount: files.count)
        inodes += files
    }

    /// Equal when they record the same folders with the same entries (wherever their inodes lie in `inodes`).
    static func == (left: StagingRecord, right: StagingRecord) -> Bool {
        guard left.device == right.device, left.root == right.root, left.madeAt == right.madeAt,
              left.folders.count == right.folders.count else { return false }
        return left.folders.allSatisfy { inode, folder in
            guard let other = right.folders[inode] else { return false }
            return folder.modified == other.modified && folder.changed == other.changed && folder.names == other.names
                && left.inodes(of: folder).elementsEqual(right.inodes(of: other))
        }
    }

    /// The inodes recorded for a folder's files.
    func inodes(of folder: Folder) -> ArraySlice<UInt64> { inodes[folder.firstInode..<(folder.firstInode + folder.inodeCount)] }

    /// The folder with this status, when it is recorded as it is now and its
    /// times were older than the record by `margin` (nanoseconds; two seconds
    /// when the file system keeps whole seconds only); nil when it must be listed.
    func folder(inode: UInt64, modified: Int, changed: Int, margin: Int) -> Folder? {
        guard let folder = folders[inode], folder.modified == modified, folder.changed == changed else { return nil }
        let wholeSeconds = folder.modified % 1_000_000_000 == 0 && folder.changed % 1_000_000_000 == 0
        let (cutoff, overflow) = madeAt.subtractingReportingOverflow(wholeSeconds ? max(margin, StagingRecord.coarseMargin) : margin)
        guard !overflow, max(folder.modified, folder.changed) < cutoff else { return nil }
        return folder
    }

    /// How much older than its record a folder's times must be to be trusted. The
    /// file systems trusted (`FileSystemTrust`) stamp times from the kernel's coarse
    /// clock, a few milliseconds a tick: a change in the same tick as the recorded
    /// times would leave them as they were, and a tenth of a second is many ticks.
    static let margin = 100_000_000
    /// The same where times have whole seconds only (ext2/3, or ext4 with small inodes): as for content files.
    static let coarseMargin = FileIdentity.margin * 1_000_000_000

    /// The digest of a folder's path and entries (their names and kinds, in order): a record
    /// taken by another folder that got the same inode number does not match.
    static func names(of path: String, _ entries: [(name: String, folder: Bool)]) -> Names {
        var hasher = NamesHasher(path: path)
        for entry in entries { hasher.add(entry.name, folder: entry.folder) }
        return hasher.names
    }

    /// `names` made entry by entry, without a list: a rebuild makes one for each of ten thousand folders.
    /// Two 64-bit lanes of a multiply-and-xor hash over the bytes, each entry closed by a byte no
    /// name holds, mixed at the end; not a cryptographic digest (the record only has to tell the
    /// folders of one site apart, and a mismatch only costs a listing).
    struct NamesHasher {
        private var first: UInt64 = 0xcbf2_9ce4_8422_2325
        private var second: UInt64 = 0x6c62_272e_07bb_0142

        init(path: String) {
            add(bytes: path)
            add(0)
        }

        mutating func add(_ name: String, folder: Bool) {
            add(folder ? 1 : 2)
            add(bytes: name)
            add(0)
        }

        private mutating func add(bytes text: String) {
            let hashed: Void? = text.utf8.withContiguousStorageIfAvailable { utf8 in
                for byte in utf8 { add(byte) }
            }
            if hashed == nil {
                for byte in text.utf8 { add(byte) }
            }
        }

        private mutating func add(_ byte: UInt8) {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            second = (second ^ UInt64(byte)) &* 0x9e37_79b9_7f4a_7c15
        }

        var names: Names {
            func mix(_ value: UInt64) -> UInt64 {
                var value = value
                value ^= value >> 33
                value &*= 0xff51_afd7_ed55_8ccd
                value ^= value >> 33
                value &*= 0xc4ce_b9fe_1a85_ec53
                value ^= value >> 33
                return value
            }
            return Names(high: mix(first ^ (second << 32 | second >> 32)), low: mix(second &+ first))
        }
    }

    // MARK: Encoding

    static let format = "tongbao-staging-record 1"

    /// The record as bytes: a header (device, root, time) and the folders.
    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 64 + folders.count * 48 + inodes.count * 6)
        writer.int(Int(bitPattern: UInt(device)))
        writer.int(Int(bitPattern: UInt(root)))
        writer.int(madeAt)
        writer.int(folders.count)
        for (inode, folder) in folders {
            writer.int(Int(bitPattern: UInt(inode)))
            writer.int(folder.modified)
            writer.int(folder.changed)
            writer.int(Int(bitPattern: UInt(folder.names.high)))
            writer.int(Int(bitPattern: UInt(folder.names.low)))
            writer.int(folder.inodeCount)
            for inode in self.inodes(of: folder) { writer.int(Int(bitPattern: UInt(inode))) }
        }
        return writer.bytes
    }

    /// A record from `encoded()`'s bytes; nil when they cannot be read.
    static func decode(_ bytes: ArraySlice<UInt8>) -> StagingRecord? {
        var reader = ByteReader(Array(bytes))
        guard let device = reader.int(), let root = reader.int(), let madeAt = reader.int(), let count = reader.count() else { return nil }
        var record = StagingRecord(device: UInt64(UInt(bitPattern: device)), root: UInt64(UInt(bitPattern: root)), madeAt: madeAt)
        record.folders.reserveCapacity(count)
        record.inodes.reserveCapacity(2 * count)
        for _ in 0..<count {
            guard let inode = reader.int(), let modified = reader.int(), let changed = reader.int(), let high = reader.int(),
                  let low = reader.int(), let inodeCount = reader.count() else { return nil }
            let first = record.inodes.count
            for _ in 0..<inodeCount {
                guard let file = reader.int() else { return nil }
                record.inodes.append(UInt64(UInt(bitPattern: file)))
            }
            record.folders[UInt64(UInt(bitPattern: inode))] = Folder(
                modified: modified, changed: changed, names: Names(high: UInt64(UInt(bitPattern: high)), low: UInt64(UInt(bitPattern: low))),
                firstInode: first, inodeCount: inodeCount)
        }
        return reader.atEnd ? record : nil
    }
}

/// The records of both trees as stored (`CacheStore.stagingFileName`): each
/// tree's root folder and its record's bytes. Only the record of the tree
/// about to be filled is decoded; the other is written back as it was.
struct StagingRecords: Sendable {
    struct Stored: Sendable {
        let device: UInt64
        let root: UInt64
        /// How many files the tree held when it was filled (the marker and manifest included).
        let files: Int
        let bytes: ArraySlice<UInt8>
    }

    var stored: [Stored] = []
    /// One of them decoded beforehand (the staging folder's, read beside the loading).
    var decoded: StagingRecord?

    /// The stored record of the tree whose root folder is `root` on `device`, decoded.
    func record(device: UInt64, root: UInt64) -> StagingRecord? {
        if let decoded, decoded.device == device, decoded.root == root { return decoded }
        return stored.first { $0.device == device && $0.root == root }.flatMap { StagingRecord.decode($0.bytes) }
    }

    /// How many files the tree whose root folder is `root` on `device` held when a build filled it; nil when not recorded.
    func files(device: UInt64, root: UInt64) -> Int? {
        stored.first { $0.device == device && $0.root == root }?.files
    }

    /// The records to keep after a build filled `filled` with `files` files: it, and the stored one of the other
    /// tree (now the staging folder).
    func replacing(with filled: StagingRecord?, files: Int, otherRoot: (device: UInt64, inode: UInt64)?) -> StagingRecords {
        var kept: [Stored] = []
        if let filled { kept.append(Stored(device: filled.device, root: filled.root, files: files, bytes: filled.encoded()[...])) }
        if let otherRoot, let other = stored.first(where: { $0.device == otherRoot.device && $0.root == otherRoot.inode }),
           other.root != filled?.root || other.device != filled?.device {
            kept.append(other)
        }
        return StagingRecords(stored: kept)
    }

    static let format = "tongbao-staging-records 2"

    func encoded() -> [UInt8] {
        var body = ByteWriter()
        body.int(stored.count)
        for record in stored {
            body.int(Int(bitPattern: UInt(record.device)))
            body.int(Int(bitPattern: UInt(record.root)))
            body.int(record.files)
            body.int(record.bytes.count)
            body.raw(record.bytes)
        }
        var file = ByteWriter(capacity: body.bytes.count + 128)
        file.string(StagingRecords.format)
        file.string(SHA256.hex(body.bytes))
        file.raw(body.bytes[...])
        return file.bytes
    }

    /// The records in `bytes`; none when the format, checksum or layout is wrong.
    static func decode(_ bytes: [UInt8]) -> StagingRecords {
        var reader = ByteReader(bytes)
        guard reader.string() == format, let checksum = reader.string(), SHA256.hex(bytes[reader.position...]) == checksum,
              let count = reader.count(), count <= 2 else { return StagingRecords() }
        var stored: [Stored] = []
        for _ in 0..<count {
            guard let device = reader.int(), let root = reader.int(), let files = reader.int(), files >= 0, let length = reader.count() else {
                return StagingRecords()
            }
            stored.append(Stored(device: UInt64(UInt(bitPattern: device)), root: UInt64(UInt(bitPattern: root)), files: files,
                                 bytes: bytes[reader.position..<(reader.position + length)]))
            reader.skip(length)
        }
        return reader.atEnd ? StagingRecords(stored: stored) : StagingRecords()
    }
}
