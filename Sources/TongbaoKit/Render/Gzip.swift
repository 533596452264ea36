import CZlib
import Foundation

/// `.gz` twins of the text files, for nginx's `gzip_static`: compressed once at
/// build time instead of on every request. The gzip header carries no time or
/// name, so the bytes are the same on every rebuild.
enum Gzip {
    /// Text files worth a twin.
    static let extensions: Set<String> = ["html", "css", "js", "json", "xml", "svg", "txt"]
    /// Smaller files gain nothing.
    static let minimumSize = 512

    /// The twins, in the order of `files`, compressed on all cores.
    static func twins(of files: [OutputFile]) -> [OutputFile] {
        let candidates: [(path: String, data: Data)] = files.compactMap { file in
            guard case .bytes(let data) = file.content, data.count >= minimumSize,
                  let dot = file.path.lastIndex(of: "."), extensions.contains(String(file.path[file.path.index(after: dot)...]))
            else { return nil }
            return (file.path, data)
        }
        let results = ParallelResults<Data?>(count: candidates.count, initial: nil)
        DispatchQueue.concurrentPerform(iterations: candidates.count) { index in
            results.store(compress(candidates[index].data), at: index)
        }
        return candidates.indices.compactMap { index in
            results.value(at: index).map { OutputFile(path: candidates[index].path + ".gz", content: .bytes($0)) }
        }
    }

    /// gzip format (RFC 1952), compression level 9; nil if zlib fails.
    static func compress(_ data: Data) -> Data? {
        var stream = z_stream()
        // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
        guard deflateInit2_(&stream, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        var input = [UInt8](data)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        let status = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer -> Int32 in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = uInt(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = uInt(outputBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        return Data(output.prefix(Int(stream.total_out)))
    }
}
