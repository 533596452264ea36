import CDeflate
import Foundation

/// `.gz` twins of the text files, for nginx's `gzip_static`: compressed once at
/// build time instead of on every request (by `FileFinishing`). The gzip header
/// carries no time or name, so the bytes are the same on every rebuild.
enum Gzip {
    /// Text files worth a twin.
    static let extensions: Set<String> = ["html", "css", "js", "json", "xml", "svg", "txt"]
    /// Smaller files gain nothing.
    static let minimumSize = 512
    /// libdeflate's level 9: as small as zlib's best on these pages, four times as fast.
    static let level: Int32 = 9

    static func wantsTwin(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: ".") else { return false }
        return extensions.contains(String(path[path.index(after: dot)...]))
    }

    /// gzip format (RFC 1952), with a compressor of `level`; nil if it fails.
    static func compress(_ data: Data, with compressor: OpaquePointer) -> Data? {
        let bound = libdeflate_gzip_compress_bound(compressor, data.count)
        var output = Data(count: bound)
        let size = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { buffer in
                libdeflate_gzip_compress(compressor, input.baseAddress, input.count, buffer.baseAddress, buffer.count)
            }
        }
        guard size > 0 else { return nil }
        output.count = size
        return output
    }
}
