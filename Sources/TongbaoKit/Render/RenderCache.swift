import Foundation

/// What the previous build of an output folder rendered: for every page made
/// through a template, the digest of its template and view data and what was
/// published for it. A page whose digest is unchanged is not rendered,
/// scanned, compressed or hashed again: the publish stage links the previous
/// file. `CacheStore` reads it from the cache folder beside the output and
/// drops every entry whose file is no longer exactly as published.
public struct RenderCache: Sendable {
    /// A published file, as the cache knows it. (Classes, immutable: a rebuild
    /// passes twenty thousand pages from stage to stage.)
    public final class File: Sendable, Equatable {
        /// Absolute path of the file in the previous output folder.
        public let location: String
        public let size: Int
        public let sha256: String
        /// Inode and modification time (ns) when the cache was read, checked again when the file is linked.
        let stamp: FileStamp?
        /// The inode of `stamp` (the publish stage compares it for every file).
        var inode: UInt64? { stamp?.inode }

        init(location: String, size: Int, sha256: String, stamp: FileStamp?) {
            self.location = location
            self.size = size
            self.sha256 = sha256
            self.stamp = stamp
        }

        public static func == (a: File, b: File) -> Bool {
            a === b || (a.location == b.location && a.size == b.size && a.sha256 == b.sha256 && a.stamp == b.stamp)
        }
    }

    /// A published file's inode and modification time in nanoseconds, as the render cache records them.
    struct FileStamp: Sendable, Equatable {
        let inode: UInt64
        let modified: Int
    }

    public final class Page: Sendable, Equatable {
        public let digest: String
        public let file: File
        /// Its `.gz` twin, if it has one.
        public let twin: File?

        init(digest: String, file: File, twin: File?) {
            self.digest = digest
            self.file = file
            self.twin = twin
        }

        public static func == (a: Page, b: Page) -> Bool {
            a === b || (a.digest == b.digest && a.file == b.file && a.twin == b.twin)
        }
    }

    /// By output path.
    public var pages: [String: Page] = [:]

    public init(pages: [String: Page] = [:]) { self.pages = pages }

    /// The previous page at `path` when it was made from `digest`.
    func page(at path: String, digest: String) -> Page? {
        guard let page = pages[path], page.digest == digest else { return nil }
        return page
    }
}

extension RenderCache.FileStamp {
    /// The stamp of a file with this status; nil when its time does not fit (after 2262).
    init?(_ status: stat) {
        guard let modified = status.st_mtim.nanoseconds else { return nil }
        self.init(inode: UInt64(status.st_ino), modified: modified)
    }
}
