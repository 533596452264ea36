import Foundation

/// The bodies of the notices the loader took from the document cache without
/// reading their files (their `FileIdentity` unchanged): the renderer asks for
/// the ones it needs (pages it must render again, the feed's summaries) once it
/// knows which, and only those files are read.
struct LateBodies: Sendable {
    let files: ContentFiles
    /// Where to read a notice's body, by the file's display path (`DocumentSource.file`); nil when it was read.
    private let unread: @Sendable (String) -> DocumentCache.Unread?
    /// Whether any notice came without its body.
    let isEmpty: Bool

    init(files: ContentFiles, cache: DocumentCache) {
        // Asked of the cache for each notice (no table of ten thousand made first).
        self.files = files
        self.unread = { cache.unread($0) }
        isEmpty = cache.unreadCount == 0
    }

    init(files: ContentFiles, unread: [String: DocumentCache.Unread]) {
        self.files = files
        self.unread = { unread[$0] }
        isEmpty = unread.isEmpty
    }

    /// Whether the notice from `file` came without its body.
    func isUnread(_ file: String) -> Bool { unread(file) != nil }

    /// The bodies of the notices from `wanted` (display paths of unread files),
    /// read on all cores. A file whose bytes are no longer the ones its record
    /// was made from changed during the build: an error, the build is run again.
    /// `changed` names the files whose bytes were not those of their records.
    func read(_ wanted: [String]) -> (bodies: [String: String], diagnostics: Diagnostics, changed: [String]) {
        let files = self.files, unread = self.unread
        let results = Parallel.map(wanted.count) { index -> (String?, Diagnostics, Bool) in
            var diagnostics = Diagnostics()
            guard let source = unread(wanted[index]) else { return (nil, diagnostics, false) }
            guard let file = files.read(source.relativePath, diagnostics: &diagnostics, listedInside: true) else {
                return (nil, diagnostics, true)
            }
            guard file.sha256 == source.sha256, case .success(let frontMatter) = FrontMatter.split(file.text) else {
                diagnostics.error(SourceLocation(file: file.displayPath, line: 1, column: 1),
                                  "文件在生成过程中被修改了：请保存好后重新运行 tongbao build")
                return (nil, diagnostics, true)
            }
            return (frontMatter.body, diagnostics, false)
        }
        var bodies: [String: String] = [:]
        var diagnostics = Diagnostics()
        var changed: [String] = []
        for (file, (body, found, differs)) in zip(wanted, results) {
            diagnostics.append(contentsOf: found)
            if let body { bodies[file] = body }
            if differs { changed.append(file) }
        }
        return (bodies, diagnostics, changed)
    }
}
