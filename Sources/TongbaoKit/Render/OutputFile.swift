import Foundation

/// One file of the output folder, as the render stage plans it and the publish stage writes it.
/// A class (immutable): a build passes twenty thousand of them between its stages, and
/// copying one as a value retained each of its texts.
public final class OutputFile: Sendable {
    public enum Content: Sendable {
        case bytes(Data)
        /// A file copied as is (from `static/`).
        case copy(URL)
        /// The same bytes as the previous build's file at this path, which the
        /// render cache knows (the page's template and view data are unchanged).
        case previous(RenderCache.Page)
    }

    /// Path below the output folder, `/`-separated.
    public let path: String
    public let content: Content
    /// For a page rendered through a template: the digest of its template and
    /// view data (`ViewDigest`), the key of the render cache.
    public let digest: String?
    /// For a page: the digest of its own view data (`ViewDigest.own`), which
    /// the document cache keeps for a notice's page.
    public let viewDigest: String?
    /// For a page: the digest of its template and of its section's shared view data (`ViewDigest.context`).
    public let digestContext: String?

    public init(path: String, content: Content, digest: String? = nil, viewDigest: String? = nil, digestContext: String? = nil) {
        self.path = path
        self.content = content
        self.digest = digest
        self.viewDigest = viewDigest
        self.digestContext = digestContext
    }

    public convenience init(path: String, text: String) {
        self.init(path: path, content: .bytes(Data(text.utf8)))
    }
}

/// The files of a build in parts (the planned files, their compressed twins,
/// the manifest), read as one list without copying the parts together.
struct PlannedFiles: RandomAccessCollection, Sendable {
    private let parts: [[OutputFile]]
    /// The index of each part's first file.
    private let starts: [Int]
    let endIndex: Int
    var startIndex: Int { 0 }

    init(_ parts: [[OutputFile]]) {
        self.parts = parts
        var starts: [Int] = [], total = 0
        for part in parts {
            starts.append(total)
            total += part.count
        }
        self.starts = starts
        endIndex = total
    }

    subscript(position: Int) -> OutputFile {
        // Lent in place, not copied (the publish stage reads fields of every file).
        _read {
            // The last part starting at or before the position (a build has a part per group of twins).
            var low = 0, high = parts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if starts[middle] <= position { low = middle } else { high = middle - 1 }
            }
            yield parts[low][position - starts[low]]
        }
    }
}
