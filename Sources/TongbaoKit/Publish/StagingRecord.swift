import Foundation

/// What each folder of a staging tree held when the build that filled it
/// finished (after the swap that tree is the live site, and two builds later
/// it is the staging folder again). The build that fills it next takes a
/// folder whose status is unchanged since then (one `stat`) as holding
/// exactly the entries recorded, instead of opening and listing it: a
/// rebuild of ten thousand notices then lists the few folders that changed,
/// not eleven thousand.
///
/// A folder is recorded only when the build did not change it and its
/// modification and change times are older than the record by a margin (as
/// with `FileIdentity`): adding, removing or renaming an entry sets both times
/// to the moment of the change, later than the recorded ones. Writing into a
/// file in place leaves the folder's times alone, but no entry is trusted for
/// its contents: a staging entry is kept only when it is the inode of the live
/// file the render cache has just checked.
struct StagingRecord: Sendable, Equatable {
    /// The status of a folder and what it held: the names (a digest of them, with
    /// their kinds, in the order of the plan) and the inode of each file.
    struct Folder: Sendable, Equatable {
        let modified: Int
        let changed: Int
        let names: [UInt8]
        let inodes: [UInt64]
    }

    /// The tree's root folder (device and inode): after a swap, its staging folder is the other tree.
    let device: UInt64
    let root: UInt64
    /// When the record was made (nanoseconds since the epoch).
    let madeAt: Int
    /// By the folder's inode.
    var folders: [UInt64: Folder]

    /// The folder with this status, when it is recorded as it is now and its
    /// times were older than the record by `margin` (nanoseconds); nil when it must be listed.
    func folder(inode: UInt64, modified: Int, changed: Int, margin: Int) -> Folder? {
        guard let folder = folders[inode], folder.modified == modified, folder.changed == changed,
              max(folder.modified, folder.changed) < madeAt - margin else { return nil }
        return folder
    }

    /// How much older than its record a folder's times must be to be trusted: as for content files.
    static let margin = FileIdentity.margin * 1_000_000_000

    /// A digest of a folder's entries: their names and kinds, in order.
    static func names(_ entries: [(name: String, folder: Bool)]) -> [UInt8] {
        var bytes: [UInt8] = []
        for entry in entries {
            bytes.append(entry.folder ? 1 : 0)
            bytes += entry.name.utf8
            bytes.append(0)
        }
        return Array(SHA256.digest(bytes).prefix(16))
    }

    // MARK: Encoding

    static let format = "tongbao-staging-record 1"

    /// Up to two records (one per tree), with a checksum; nil entries are left out.
    static func encode(_ records: [StagingRecord]) -> [UInt8] {
        var writer = ByteWriter()
        writer.int(records.count)
        for record in records {
            writer.int(Int(bitPattern: UInt(record.device)))
            writer.int(Int(bitPattern: UInt(record.root)))
            writer.int(record.madeAt)
            writer.int(record.folders.count)
            for (inode, folder) in record.folders {
                writer.int(Int(bitPattern: UInt(inode)))
                writer.int(folder.modified)
                writer.int(folder.changed)
                writer.int(folder.names.count)
                writer.raw(folder.names[...])
                writer.int(folder.inodes.count)
                for inode in folder.inodes { writer.int(Int(bitPattern: UInt(inode))) }
            }
        }
        var file = ByteWriter()
        file.string(format)
        file.string(SHA256.hex(writer.bytes))
        file.raw(writer.bytes[...])
        return file.bytes
    }

    /// The records in `bytes`; none when the format, checksum or layout is wrong.
    static func decode(_ bytes: [UInt8]) -> [StagingRecord] {
        var reader = ByteReader(bytes)
        guard reader.string() == format, let checksum = reader.string(),
              SHA256.hex(bytes[reader.position...]) == checksum, let count = reader.count(), count <= 2 else { return [] }
        var records: [StagingRecord] = []
        for _ in 0..<count {
            guard let device = reader.int(), let root = reader.int(), let madeAt = reader.int(),
                  let folderCount = reader.count() else { return [] }
            var folders: [UInt64: Folder] = [:]
            folders.reserveCapacity(folderCount)
            for _ in 0..<folderCount {
                guard let inode = reader.int(), let modified = reader.int(), let changed = reader.int(),
                      let nameLength = reader.count(), nameLength == 16 else { return [] }
                var names: [UInt8] = []
                for _ in 0..<nameLength {
                    guard let byte = reader.byte() else { return [] }
                    names.append(byte)
                }
                guard let inodeCount = reader.count() else { return [] }
                var inodes: [UInt64] = []
                inodes.reserveCapacity(inodeCount)
                for _ in 0..<inodeCount {
                    guard let inode = reader.int() else { return [] }
                    inodes.append(UInt64(UInt(bitPattern: inode)))
                }
                folders[UInt64(UInt(bitPattern: inode))] = Folder(modified: modified, changed: changed, names: names, inodes: inodes)
            }
            records.append(StagingRecord(device: UInt64(UInt(bitPattern: device)), root: UInt64(UInt(bitPattern: root)),
                                         madeAt: madeAt, folders: folders))
        }
        return reader.atEnd ? records : []
    }
}
