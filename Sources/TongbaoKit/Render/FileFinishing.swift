import CDeflate
import Foundation

/// What the build derives from every planned file before anything is written,
/// in one pass on all cores: the personal data found in it (privacy guard),
/// its `.gz` twin, and the SHA-256 of both for the manifest. One pass instead
/// of three keeps each page in cache while it is scanned, compressed and hashed.
struct FinishedFiles {
    /// Personal data found, in file order.
    var hits: [PrivacyGuard.Hit] = []
    /// `.gz` twins, in file order (when writing).
    var twins: [OutputFile] = []
    /// SHA-256 and size of every file and twin the manifest lists (when writing).
    var entries: [Manifest.Entry] = []
}

enum FileFinishing {
    private struct Result {
        var hits: [PrivacyGuard.Hit] = []
        var twin: OutputFile?
        var entries: [Manifest.Entry] = []
    }

    /// - Parameter publishing: also compress and hash (a build); a check only scans.
    static func finish(_ files: [OutputFile], guardian: PrivacyGuard, publishing: Bool) -> FinishedFiles {
        let chunk = 32
        let chunks = (files.count + chunk - 1) / chunk
        let results = ParallelResults<[Result]>(count: chunks, initial: [])
        DispatchQueue.concurrentPerform(iterations: chunks) { index in
            // A compressor holds its tables: one per chunk of files, never shared between threads.
            let compressor = publishing ? libdeflate_alloc_compressor(Gzip.level) : nil
            defer { if let compressor { libdeflate_free_compressor(compressor) } }
            var done: [Result] = []
            for file in files[(index * chunk)..<min(files.count, (index + 1) * chunk)] {
                done.append(finish(file, guardian: guardian, compressor: compressor, publishing: publishing))
            }
            results.store(done, at: index)
        }
        var finished = FinishedFiles()
        for index in 0..<chunks {
            for result in results.value(at: index) {
                finished.hits += result.hits
                if let twin = result.twin { finished.twins.append(twin) }
                finished.entries += result.entries
            }
        }
        return finished
    }

    private static func finish(_ file: OutputFile, guardian: PrivacyGuard, compressor: OpaquePointer?, publishing: Bool) -> Result {
        var result = Result()
        let data: Data
        switch file.content {
        case .bytes(let bytes): data = bytes
        case .copy(let url): data = (try? Data(contentsOf: url)) ?? Data()
        }
        if PrivacyGuard.isScanned(file.path) { result.hits = guardian.scan(Array(data), path: file.path) }
        guard publishing else { return result }
        if Manifest.isListed(file.path) {
            result.entries.append(Manifest.Entry(path: file.path, sha256: SHA256.hex(data), size: data.count))
        }
        if case .bytes = file.content, data.count >= Gzip.minimumSize, Gzip.wantsTwin(file.path),
           let compressor, let compressed = Gzip.compress(data, with: compressor) {
            let twin = OutputFile(path: file.path + ".gz", content: .bytes(compressed))
            result.twin = twin
            result.entries.append(Manifest.Entry(path: twin.path, sha256: SHA256.hex(compressed), size: compressed.count))
        }
        return result
    }
}
