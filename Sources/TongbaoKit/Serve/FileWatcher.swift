import Foundation

/// Tells when anything changes below some folders (`tongbao serve` watches the
/// content folder and the templates): Linux inotify, a watch on every folder,
/// new folders watched as they appear. Changes that come together (an editor
/// saving through a temporary file, a copy of many files) are reported once,
/// after `quiet` seconds without another.
public final class FileWatcher: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    private let descriptor: Int32
    /// The folders asked for.
    private let roots: [String]
    private let lock = NSLock()
    /// Watched folders by watch descriptor.
    private var folders: [Int32: String] = [:]
    private var stopped = false

    public init(folders roots: [URL]) throws(Failure) {
        descriptor = inotify_init1(Int32(IN_CLOEXEC))
        self.roots = roots.map { $0.standardizedFileURL.path }
        guard descriptor >= 0 else { throw Failure(description: "无法监视文件变化：\(String(cString: strerror(errno)))") }
        for root in self.roots { watchTree(root) }
    }

    private static let events: UInt32 = UInt32(IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY
                                                   | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

    /// Watches `path` and every folder below it (links not followed).
    private func watchTree(_ path: String) {
        var pending = [path]
        while let folder = pending.popLast() {
            var status = stat()
            guard lstat(folder, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { continue }
            let watch = inotify_add_watch(descriptor, folder, FileWatcher.events | UInt32(IN_ONLYDIR) | UInt32(IN_DONT_FOLLOW))
            guard watch >= 0 else { continue }
            lock.lock()
            folders[watch] = folder
            lock.unlock()
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                pending.append("\(folder)/\(name)")
            }
        }
    }

    /// Calls `changed` with the paths changed, on a thread of its own, until `stop()`.
    public func start(quiet: Double = 0.15, _ changed: @escaping @Sendable ([String]) -> Void) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            var paths: [String] = []
            while true {
                // Wait for events; after the first, gather more until the folder is quiet.
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let timeout = paths.isEmpty ? 500 : Int32(quiet * 1000)
                let ready = poll(&poller, 1, timeout)
                lock.lock()
                let done = stopped
                lock.unlock()
                if done { return }
                if ready < 0 {
                    if errno == EINTR { continue }
                    return
                }
                if ready == 0 {
                    if !paths.isEmpty {
                        changed(paths)
                        paths = []
                    }
                    continue
                }
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                guard count > 0 else { continue }
                var offset = 0
                while offset + 16 <= count {
                    let (watch, mask, length) = buffer.withUnsafeBytes { bytes in
                        (bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self),
                         bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self),
                         Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                    }
                    let nameBytes = buffer[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 }
                    let name = String(decoding: nameBytes, as: UTF8.self)
                    offset += 16 + length
                    // The kernel's queue overflowed: events were lost, so something changed.
                    if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                        paths.append(roots.first ?? "")
                        continue
                    }
                    lock.lock()
                    let folder = folders[watch]
                    if mask & UInt32(IN_IGNORED) != 0 { folders[watch] = nil }
                    lock.unlock()
                    guard let folder else { continue }
                    let path = name.isEmpty ? folder : "\(folder)/\(name)"
                    // Editors' swap and backup files change nothing that is read.
                    if name.hasSuffix(".swp") || name.hasSuffix("~") || name.hasPrefix(".#") { continue }
                    if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { watchTree(path) }
                    paths.append(path)
                }
            }
        }
        thread.start()
    }

    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    deinit { close(descriptor) }
}
