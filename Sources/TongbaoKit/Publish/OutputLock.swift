import Foundation

/// An exclusive lock on an output folder, held for a whole build, so that two
/// builds of the same folder never interleave. The lock is `flock(2)` on a
/// file beside the folder: the kernel releases it when the process ends, even
/// when it is killed, so a stale lock never blocks the next build.
public final class OutputLock {
    private let descriptor: Int32

    /// nil when another build holds the lock.
    public init?(output: URL) throws(Publisher.Failure) {
        let output = output.standardizedFileURL
        let parent = output.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw Publisher.Failure(description: "无法创建输出目录的上级目录 \(parent.path)：\(error.localizedDescription)")
        }
        let path = parent.appendingPathComponent(".\(output.lastPathComponent).lock").path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Publisher.Failure(description: "无法创建锁文件 \(path)：\(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
