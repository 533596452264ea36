import Foundation

/// A fingerprint of everything a build reads: the content folder and the theme.
/// Two builds with the same digest and as-of date publish the same bytes.
enum InputDigest {
    static func compute(content: URL, displayRoot: String, theme: Theme) -> String {
        var hash = SHA256()
        let files = ContentFiles(root: content, displayRoot: displayRoot)
        var ignored = Diagnostics()
        func add(_ name: String, _ bytes: Data) {
            hash.update(Array("\(name)\n\(bytes.count)\n".utf8))
            hash.update(bytes)
        }
        for path in files.listRecursively("", diagnostics: &ignored) {
            if let data = try? Data(contentsOf: content.appendingPathComponent(path)) { add("content/\(path)", data) }
        }
        for path in theme.files.keys.sorted() {
            if let file = theme.files[path] { add("theme/\(path)", file.bytes) }
        }
        return hash.finalizeHex()
    }
}
