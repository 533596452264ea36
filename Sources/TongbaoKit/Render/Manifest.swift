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
        var entries: [Entry] = []
        for file in files where isListed(file.path) {
            switch file.content {
            case .bytes(let data):
                entries.append(Entry(path: file.path, sha256: SHA256.hex(data), size: data.count))
            case .copy(let url):
                let data = (try? Data(contentsOf: url)) ?? Data()
                entries.append(Entry(path: file.path, sha256: SHA256.hex(data), size: data.count))
            }
        }
        entries.sort { $0.path < $1.path }
        let json = JSON.object([
            ("generator", .string("tongbao")),
            ("as_of", .string(asOf.iso)),
            ("inputs_sha256", .string(inputs)),
            ("files", .array(entries.map { .object([("path", .string($0.path)), ("sha256", .string($0.sha256)), ("size", .int($0.size))]) })),
        ])
        return OutputFile(path: path, text: json.serialized())
    }
}
