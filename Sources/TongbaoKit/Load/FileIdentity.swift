import Foundation

extension timespec {
    /// The time in nanoseconds since 1970; nil when it does not fit (after 2262).
    var nanoseconds: Int? {
        let (seconds, overflow) = Int(tv_sec).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = seconds.addingReportingOverflow(Int(tv_nsec))
        return overflow || overflow2 ? nil : total
    }
}

/// What `stat` tells about a content file: its device, inode, size, and the
/// times of its last modification and last change (status change: any write,
/// rename, link or mode change sets it). A rebuild trusts the document cache
/// for a notice whose identity is the one recorded when its bytes were read,
/// without reading it again, as git trusts its index.
///
/// Like git, it guards against an edit in the same clock tick as the read: an
/// identity is only made for a file whose times are older than the build's
/// start by a margin (`settledBefore`). A file changed since it was read has a
/// change time at least the time of that change, later than the recorded one.
struct FileIdentity: Hashable, Sendable {
    let device: Int
    let inode: Int
    let size: Int
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int
    let changedSeconds: Int
    let changedNanoseconds: Int

    /// How long a file must have been left alone before its identity is trusted.
    static let margin = 2

    /// The moment (seconds since the epoch) before which a file's times must
    /// lie to be trusted: the start of this build less `margin`.
    static func settledBefore(now: Date = Date()) -> Int {
        Int(now.timeIntervalSince1970.rounded(.down)) - margin
    }

    func write(into writer: inout ByteWriter) {
        for value in [device, inode, size, modifiedSeconds, modifiedNanoseconds, changedSeconds, changedNanoseconds] {
            writer.int(value)
        }
    }

    static func read(_ reader: inout ByteReader) -> FileIdentity? {
        guard let device = reader.int(), let inode = reader.int(), let size = reader.int(), size >= 0,
              let modifiedSeconds = reader.int(), let modifiedNanoseconds = reader.int(),
              let changedSeconds = reader.int(), let changedNanoseconds = reader.int() else { return nil }
        return FileIdentity(device: device, inode: inode, size: size, modifiedSeconds: modifiedSeconds,
                            modifiedNanoseconds: modifiedNanoseconds, changedSeconds: changedSeconds,
                            changedNanoseconds: changedNanoseconds)
    }
}

extension FileIdentity {
    /// The identity of a file from its status; nil when it is not a regular file or changed too recently.
    init?(_ status: stat, settledBefore: Int) {
        guard status.st_mode & S_IFMT == S_IFREG,
              status.st_mtim.tv_sec < settledBefore, status.st_ctim.tv_sec < settledBefore else { return nil }
        self.init(device: Int(bitPattern: UInt(status.st_dev)), inode: Int(bitPattern: UInt(status.st_ino)),
                  size: Int(status.st_size),
                  modifiedSeconds: status.st_mtim.tv_sec, modifiedNanoseconds: status.st_mtim.tv_nsec,
                  changedSeconds: status.st_ctim.tv_sec, changedNanoseconds: status.st_ctim.tv_nsec)
    }
}
