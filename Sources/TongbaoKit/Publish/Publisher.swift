import CShims
import Foundation

/// The publish stage, the only code that writes the output folder: every file
/// goes into a staging folder beside the output, which then replaces it whole.
/// A failure before the swap leaves the previous output untouched.
public enum Publisher {
    public struct Report: Sendable {
        public let filesWritten: Int
        public let bytesWritten: Int
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A file in every output folder saying tongbao wrote it, so that a later
    /// build replaces only folders it made.
    public static let marker = ".tongbao"
    static let markerText = "此目录由 tongbao 生成，每次构建会整体替换。\n"

    public static func publish(_ files: [OutputFile], to output: URL) throws(Failure) -> Report {
        let manager = FileManager.default
        let output = output.standardizedFileURL
        let parent = output.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(output.lastPathComponent).staging")
        let retired = parent.appendingPathComponent(".\(output.lastPathComponent).old")
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
            for leftover in [staging, retired] where manager.fileExists(atPath: leftover.path) {
                try manager.removeItem(at: leftover)
            }
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "无法创建临时输出目录 \(staging.path)：\(error.localizedDescription)")
        }
        var created: Set<String> = [""]
        var bytes = 0
        do {
            try write(Data(markerText.utf8), to: staging.appendingPathComponent(marker).path)
            for file in files {
                let destination = staging.appendingPathComponent(file.path)
                let folder = (file.path as NSString).deletingLastPathComponent
                if !created.contains(folder) {
                    try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                    created.insert(folder)
                }
                switch file.content {
                case .bytes(let data):
                    try write(data, to: destination.path)
                    bytes += data.count
                case .copy(let source):
                    try manager.copyItem(at: source, to: destination)
                    bytes += (try? manager.attributesOfItem(atPath: destination.path)[.size] as? Int) ?? 0
                }
            }
        } catch {
            try? manager.removeItem(at: staging)
            throw Failure(description: "写入输出文件失败：\(error.localizedDescription)；原有的 \(output.path) 未改动")
        }
        // Swap: one atomic exchange where the kernel can (a web server sees the old
        // site or the new one, never neither); two renames elsewhere.
        if manager.fileExists(atPath: output.path), tongbao_exchange_paths(staging.path, output.path) == 0 {
            try? manager.removeItem(at: staging) // now the previous site
            return Report(filesWritten: files.count, bytesWritten: bytes)
        }
        do {
            if manager.fileExists(atPath: output.path) {
                try manager.moveItem(at: output, to: retired)
            }
            try manager.moveItem(at: staging, to: output)
        } catch {
            if !manager.fileExists(atPath: output.path), manager.fileExists(atPath: retired.path) {
                try? manager.moveItem(at: retired, to: output)
            }
            try? manager.removeItem(at: staging)
            throw Failure(description: "无法替换输出目录 \(output.path)：\(error.localizedDescription)")
        }
        try? manager.removeItem(at: retired)
        return Report(filesWritten: files.count, bytesWritten: bytes)
    }

    /// Writes a new file with plain POSIX calls. `Data.write(to:)` syncs every
    /// file to disk, which costs more than the whole render on a site of
    /// thousands of pages; the staging folder makes a per-file sync pointless.
    private static func write(_ data: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress?.advanced(by: offset), buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                offset += written
            }
        }
    }
}
