import Foundation

/// A fingerprint of everything a build reads: the content folder and the theme.
/// Two builds with the same digest and as-of date publish the same bytes.
///
/// It is the SHA-256 of one line per input file, sorted by name:
/// `content/<path> <size> <sha256>` or `theme/<path> <size> <sha256>`; the
/// files are hashed on all cores.
enum InputDigest {
    static func compute(content: URL, displayRoot: String, theme: Theme) -> String {
        let files = ContentFiles(root: content, displayRoot: displayRoot)
        var ignored = Diagnostics()
        let paths = files.listRecursively("", diagnostics: &ignored)
        let lines = ParallelResults<String>(count: paths.count, initial: "")
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            let path = paths[index]
            guard let data = try? Data(contentsOf: content.appendingPathComponent(path)) else { return }
            lines.store("content/\(path) \(data.count) \(SHA256.hex(data))\n", at: index)
        }
        var text = (0..<paths.count).map { lines.value(at: $0) }.joined()
        for path in theme.files.keys.sorted() {
            if let file = theme.files[path] { text += "theme/\(path) \(file.bytes.count) \(SHA256.hex(file.bytes))\n" }
        }
        return SHA256.hex(Array(text.utf8))
    }
}
