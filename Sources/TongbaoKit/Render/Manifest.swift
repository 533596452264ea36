import Foundation

/// `manifest.json`: every published file with its SHA-256 and size, the as-of
/// date and a digest of the inputs, so that an archive can prove what was
/// published on a day (`tongbao verify` checks a folder against it).
public enum Manifest {
    public static let path = "manifest.json"

    /// Files a manifest does not list: itself and the publish stage's marker.
    public static func isListed(_ path: String) -> Bool { path != Manifest.path && path != Publisher.marker }

    public struct Entry: Sendable, Equatable {
        public let path: String
        public let sha256: String
        public let size: Int
    }

    static func make(_ files: [OutputFile], asOf: Day, inputs: String) -> OutputFile {
        let listed = files.filter { isListed($0.path) }
        // Hashing is independent per file: on all cores.
        let results = ParallelResults<Entry?>(count: listed.count, initial: nil)
        DispatchQueue.concurrentPerform(iterations: listed.count) { index in
            let file = listed[index]
            let data: Data
            switch file.content {
            case .bytes(let bytes): data = bytes
            case .copy(let url): data = (try? Data(contentsOf: url)) ?? Data()
            }
            results.store(Entry(path: file.path, sha256: SHA256.hex(data), size: data.count), at: index)
        }
        let entries = listed.indices.compactMap { results.value(at: $0) }.sorted { $0.path < $1.path }
        let json = JSON.object([
            ("generator", .string("tongbao")),
            ("as_of", .string(asOf.iso)),
            ("inputs_sha256", .string(inputs)),
            ("files", .array(entries.map { .object([("path", .string($0.path)), ("sha256", .string($0.sha256)), ("size", .int($0.size))]) })),
        ])
        return OutputFile(path: path, text: json.serialized())
    }
}
