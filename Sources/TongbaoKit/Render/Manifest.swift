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

    /// The manifest of `entries` (every listed file, hashed by `FileFinishing`).
    static func make(_ entries: [Manifest.Entry], asOf: Day, inputs: String) -> OutputFile {
        let entries = entries.sorted { $0.path < $1.path }
        let json = JSON.object([
            ("generator", .string("tongbao")),
            ("as_of", .string(asOf.iso)),
            ("inputs_sha256", .string(inputs)),
            ("files", .array(entries.map { .object([("path", .string($0.path)), ("sha256", .string($0.sha256)), ("size", .int($0.size))]) })),
        ])
        return OutputFile(path: path, text: json.serialized())
    }
}
