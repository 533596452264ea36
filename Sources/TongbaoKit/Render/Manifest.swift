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
        make([entries], asOf: asOf, inputs: inputs)
    }

    /// The manifest of entries in parts (as `FileFinishing` makes them, a part per group of
    /// files), listed in the byte order of their paths without joining the parts.
    static func make(_ parts: [[Manifest.Entry]], asOf: Day, inputs: String) -> OutputFile {
        let located = parts.indices.flatMap { part in parts[part].indices.map { (part: part, index: $0) } }
        let order = ByteOrder.order(located.count) { parts[located[$0].part][located[$0].index].path }
        let count = order.count
        var output: [UInt8] = []
        output.reserveCapacity(200 + count * 170)
        output += "{\n  \"generator\": \"tongbao\",\n  \"as_of\": ".utf8
        JSON.writeString(asOf.iso, into: &output)
        output += ",\n  \"inputs_sha256\": ".utf8
        JSON.writeString(inputs, into: &output)
        output += ",\n  \"files\": ".utf8
        if count == 0 {
            output += "[]".utf8
        } else {
            output += "[\n".utf8
            // Written in chunks on all cores, joined in order.
            let size = 2048
            let chunks = Parallel.map((count + size - 1) / size) { chunk -> [UInt8] in
                var part: [UInt8] = []
                part.reserveCapacity(size * 170)
                for index in (chunk * size)..<min(count, (chunk + 1) * size) {
                    let (list, position) = located[order[index]]
                    let entry = parts[list][position]
                    part += "    {\n      \"path\": ".utf8
                    JSON.writeString(entry.path, into: &part)
                    part += ",\n      \"sha256\": ".utf8
                    JSON.writeString(entry.sha256, into: &part)
                    part += ",\n      \"size\": ".utf8
                    part += String(entry.size).utf8
                    part += (index == count - 1 ? "\n    }\n" : "\n    },\n").utf8
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
