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

extension Manifest {
    /// The paths a manifest lists (the values of its `"path"` keys, as `make` writes
    /// them); nil when the bytes are not such a manifest. Read without a JSON
    /// parser: a site of ten thousand notices lists twenty thousand files.
    static func paths(in bytes: [UInt8]) -> [String]? {
        let key = Array("\"path\": \"".utf8)
        guard bytes.starts(with: Array("{\n  \"generator\": \"tongbao\"".utf8)) else { return nil }
        var paths: [String] = []
        var index = 0
        let count = bytes.count
        while index + key.count <= count {
            // The next key: every entry starts its line with it.
            guard let found = bytes[index...].firstIndex(of: UInt8(ascii: "\"")) else { break }
            guard found + key.count <= count, bytes[found..<(found + key.count)].elementsEqual(key) else {
                index = found + 1
                continue
            }
            var position = found + key.count
            var text: [UInt8] = []
            var closed = false
            while position < count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    closed = true
                    break
                }
                if byte == UInt8(ascii: "\\") {
                    guard position + 1 < count else { return nil }
                    let escaped = bytes[position + 1]
                    position += 2
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escaped)
                    case UInt8(ascii: "n"): text.append(0x0A)
                    case UInt8(ascii: "r"): text.append(0x0D)
                    case UInt8(ascii: "t"): text.append(0x09)
                    case UInt8(ascii: "b"): text.append(0x08)
                    case UInt8(ascii: "f"): text.append(0x0C)
                    case UInt8(ascii: "u"):
                        guard position + 4 <= count, let unit = UInt16(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16)
                        else { return nil }
                        position += 4
                        var scalar: Unicode.Scalar?
                        if UTF16.isLeadSurrogate(unit), position + 6 <= count, bytes[position] == UInt8(ascii: "\\"),
                           bytes[position + 1] == UInt8(ascii: "u"),
                           let trail = UInt16(String(decoding: bytes[(position + 2)..<(position + 6)], as: UTF8.self), radix: 16),
                           UTF16.isTrailSurrogate(trail) {
                            position += 6
                            scalar = Unicode.Scalar(0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(trail - 0xDC00))
                        } else {
                            scalar = Unicode.Scalar(unit)
                        }
                        guard let scalar else { return nil }
                        text += Array(String(Character(scalar)).utf8)
                    default: return nil
                    }
                    continue
                }
                text.append(byte)
                position += 1
            }
            guard closed else { return nil }
            paths.append(String(decoding: text, as: UTF8.self))
            index = position + 1
        }
        return paths
    }
}
