import CShims
import Foundation

/// Whether a file system's times and inode numbers can stand for a file's
/// contents (`FileIdentity`, `StagingRecord`): on the local Linux file systems
/// below, any write, rename or link sets a file's change time, which no program
/// can set back, and inode numbers are the file system's own. Elsewhere (FAT,
/// whose "change time" is a creation time; FUSE mounts, whose inode numbers the
/// client makes up; network file systems, whose times come from another clock)
/// every file is read and every folder listed, as if nothing were recorded.
enum FileSystemTrust {
    /// `statfs` magic numbers: ext2/3/4, XFS, Btrfs, tmpfs, ZFS, OverlayFS, F2FS.
    static let trusted: Set<Int> = [0xEF53, 0x5846_5342, 0x9123_683E, 0x0102_1994, 0x2FC1_2FC1, 0x794C_7630, 0xF2F5_2010]

    /// Whether the file system holding `path` is one of those.
    static func trustsTimes(of path: String) -> Bool {
        let type = tongbao_file_system_type(path)
        return type >= 0 && trusted.contains(Int(type))
    }
}
