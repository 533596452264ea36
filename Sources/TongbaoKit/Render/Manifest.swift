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

    /// The manifest of `entries` (every listed file, hashed by `FileFinishing`):
    /// the bytes `JSON.serialized()` gives for it, written directly (a site of
    /// ten thousand pages lists twenty thousand files).
    static func make(_ entries: [Manifest.Entry], asOf: Day, inputs: String) -> OutputFile {
        let entries = entries.sorted { $0.path < $1.path }
        var output: [UInt8] = []
        output.reserveCapacity(200 + entries.count * 170)
        output += "{\n  \"generator\": \"tongbao\",\n  \"as_of\": ".utf8
        JSON.writeString(asOf.iso, into: &output)
        output += ",\n  \"inputs_sha256\": ".utf8
        JSON.writeString(inputs, into: &output)
        output += ",\n  \"files\": ".utf8
        if entries.isEmpty {
            output += "[]".utf8
        } else {
            output += "[\n".utf8
            // Written in chunks on all cores, joined in order.
            let size = 2048
            let chunks = Parallel.map((entries.count + size - 1) / size) { chunk -> [UInt8] in
                var part: [UInt8] = []
                part.reserveCapacity(size * 170)
                for index in (chunk * size)..<min(entries.count, (chunk + 1) * size) {
                    let entry = entries[index]
                    part += "    {\n      \"path\": ".utf8
                    JSON.writeString(entry.path, into: &part)
                    part += ",\n      \"sha256\": ".utf8
                    JSON.writeString(entry.sha256, into: &part)
                    part += ",\n      \"size\": ".utf8
                    part += String(entry.size).utf8
                    part += (index == entries.count - 1 ? "\n    }\n" : "\n    },\n").utf8
                }
                return part
            }
            for chunk in chunks { output += chunk }
            output += "  ]".utf8
        }
        output += "\n}\n".utf8
        return OutputFile(path: path, content: .bytes(Data(output)))
    }
}
