import Foundation

/// A fingerprint of everything a build reads: the content folder and the theme.
/// Two builds with the same digest and as-of date publish the same bytes.
///
/// It is the SHA-256 of one line per input file, sorted by name:
/// `content/<path> <size> <sha256>` or `theme/<path> <size> <sha256>`; the
/// files are hashed on all cores.
enum InputDigest {
    /// The lines of the content folder's files; a file the loader has read
    /// (`ContentFiles.digests`), or knew unchanged without reading it
    /// (`unread`: relative path → size and SHA-256), is not read again. Stops
    /// early, with an incomplete result, once `cancelled` says so.
    static func contentLines(_ files: ContentFiles, unread: [String: (size: Int, sha256: String)] = [:],
                             cancelled: @Sendable () -> Bool = { false }) -> String {
        var ignored = Diagnostics()
        let paths = files.listRecursively("", diagnostics: &ignored)
        let root = files.root.path
        let read = files.digests.all()
        return Parallel.map(paths.count) { index in
            if let known = read[paths[index]] ?? unread[paths[index]] { return "content/\(paths[index]) \(known.size) \(known.sha256)\n" }
            guard !cancelled(), let data = try? ContentFiles.contents(root + "/" + paths[index]) else { return "" }
            return "content/\(paths[index]) \(data.count) \(SHA256.hex(data))\n"
        }.joined()
    }

    static func combine(_ contentLines: String, theme: Theme) -> String {
        var text = contentLines
        for path in theme.files.keys.sorted() {
            if let file = theme.files[path] { text += "theme/\(path) \(file.bytes.count) \(SHA256.hex(file.bytes))\n" }
        }
        return SHA256.hex(Array(text.utf8))
    }
}

/// A value computed on another thread while the caller goes on; `value` waits
/// for it. The work must be over before the process exits (a thread still
/// inside OpenSSL while its exit handlers run can abort the process): a caller
/// that no longer needs the value calls `cancel()`, which asks the work to
/// stop early and waits for it.
final class Background<Value: Sendable>: @unchecked Sendable {
    private var result: Value?
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var stop = false

    init(_ work: @escaping @Sendable (_ cancelled: @escaping @Sendable () -> Bool) -> Value) {
        DispatchQueue.global().async {
            self.result = work { [self] in
                lock.lock()
                defer { lock.unlock() }
                return stop
            }
            self.done.signal()
        }
    }

    /// Waits for the work to finish.
    var value: Value? {
        done.wait()
        done.signal()
        return result
    }

    /// Asks the work to stop and waits until it has.
    func cancel() {
        lock.lock()
        stop = true
        lock.unlock()
        _ = value
    }
}
