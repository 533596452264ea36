import CShims
import Foundation

/// The publish stage, the only code that writes the output folder: every file
/// goes into a staging folder beside the output, which then replaces it whole.
/// A failure before the swap leaves the previous output untouched.
///
/// A file whose bytes equal the previous site's file at the same path is not
/// written again: the staging folder gets a hard link to it, so it keeps its
/// inode and modification time (web servers, rsync and backups see it as
/// unchanged), and the swap stays all or nothing.
public enum Publisher {
    public struct Report: Sendable {
        public let filesWritten: Int
        /// Files carried over from the previous site unchanged (hard links).
        public let filesKept: Int
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
                removeTree(leftover.path)
                if manager.fileExists(atPath: leftover.path) { try manager.removeItem(at: leftover) }
            }
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "无法创建临时输出目录 \(staging.path)：\(error.localizedDescription)")
        }
        // Files are only reused from a folder tongbao wrote.
        let previous = manager.fileExists(atPath: output.appendingPathComponent(marker).path) ? output.path : nil
        let outcome: Outcome
        do {
            let markerData = Data(markerText.utf8), markerPath = staging.appendingPathComponent(marker).path
            if previous == nil || !keep("\(output.path)/\(marker)", equalTo: markerData, at: markerPath) {
                try write(markerData, to: markerPath)
            }
            try makeFolders(for: files, in: staging.path)
            outcome = try writeFiles(files, into: staging.path, previous: previous)
        } catch {
            try? manager.removeItem(at: staging)
            let reason = (error as? Failure)?.description ?? error.localizedDescription
            throw Failure(description: "写入输出文件失败：\(reason)；原有的 \(output.path) 未改动")
        }
        let report = Report(filesWritten: outcome.written, filesKept: outcome.kept, bytesWritten: outcome.bytes)
        // Swap: one atomic exchange where the kernel can (a web server sees the old
        // site or the new one, never neither); two renames elsewhere.
        if manager.fileExists(atPath: output.path), tongbao_exchange_paths(staging.path, output.path) == 0 {
            removeTree(staging.path) // now the previous site
            return report
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
        removeTree(retired.path)
        return report
    }

    /// Deletes a folder tree written by a build: files unlinked on all cores, then
    /// the folders, deepest first (FileManager takes several times as long on a
    /// site of thousands of folders).
    static func removeTree(_ root: String) {
        // Links are removed, never followed: the output folder may have been a link to a
        // folder elsewhere, which the swap leaves here.
        var status = stat()
        guard lstat(root, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            unlink(root)
            return
        }
        var folders = [root]
        var files: [String] = []
        var next = 0
        while next < folders.count {
            let folder = folders[next]
            next += 1
            // A folder that became a link since it was listed is not entered.
            var folderStatus = stat()
            guard lstat(folder, &folderStatus) == 0, folderStatus.st_mode & S_IFMT == S_IFDIR,
                  let handle = opendir(folder) else { continue }
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let path = "\(folder)/\(name)"
                var isFolder = entry.pointee.d_type == UInt8(DT_DIR)
                if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                    var status = stat()
                    isFolder = lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
                }
                if isFolder { folders.append(path) } else { files.append(path) }
            }
            closedir(handle)
        }
        let found = files
        _ = Parallel.mapChunks(found.count, size: 256) { range -> [Void] in
            for path in found[range] { unlink(path) }
            return []
        }
        for folder in folders.reversed() { rmdir(folder) }
        // Whatever could not be removed this way (permissions, a file added meanwhile).
        if FileManager.default.fileExists(atPath: root) { try? FileManager.default.removeItem(atPath: root) }
    }

    struct Outcome {
        var written = 0
        var kept = 0
        var bytes = 0
    }

    /// Every folder the files need, parents first.
    private static func makeFolders(for files: [OutputFile], in root: String) throws {
        var folders = Set<Substring>()
        for file in files {
            var path = file.path[...]
            while let slash = path.lastIndex(of: "/") {
                path = path[..<slash]
                guard folders.insert(path).inserted else { break }
            }
        }
        for folder in folders.sorted(by: { $0.count < $1.count }) {
            if mkdir("\(root)/\(folder)", 0o755) != 0, errno != EEXIST {
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        }
    }

    /// Writes (or links, when unchanged) every file, on all cores.
    private static func writeFiles(_ files: [OutputFile], into root: String, previous: String?) throws -> Outcome {
        let results = Parallel.mapChunks(files.count, size: 64) { range -> [Result<Outcome, any Error>] in
            var outcome = Outcome()
            do {
                for file in files[range] {
                    let destination = "\(root)/\(file.path)"
                    let data: Data
                    switch file.content {
                    case .bytes(let bytes): data = bytes
                    case .copy(let source):
                        guard let bytes = try? Data(contentsOf: source) else { throw POSIXError(.EIO) }
                        data = bytes
                    case .previous(let page):
                        // The render cache checked it is the previous site's file, as published;
                        // it is linked only if it is still that file.
                        if CacheStore.identity(of: page.file.location).map({ $0.identity == page.file.identity && $0.size == page.file.size }) == true,
                           link(page.file.location, destination) == 0 {
                            outcome.kept += 1
                            continue
                        }
                        // Changed by someone during the build: only its recorded bytes may be published.
                        guard let bytes = try? ContentFiles.contents(page.file.location), bytes.count == page.file.size,
                              SHA256.hex(bytes) == page.file.sha256 else {
                            throw Failure(description: "输出目录中的 \(file.path) 在构建期间被改动；请重新构建")
                        }
                        data = bytes
                    }
                    if let previous, keep("\(previous)/\(file.path)", equalTo: data, at: destination) {
                        outcome.kept += 1
                        continue
                    }
                    try write(data, to: destination)
                    outcome.written += 1
                    outcome.bytes += data.count
                }
                return [.success(outcome)]
            } catch {
                return [.failure(error)]
            }
        }
        var total = Outcome()
        for result in results {
            let outcome = try result.get()
            total.written += outcome.written
            total.kept += outcome.kept
            total.bytes += outcome.bytes
        }
        return total
    }

    /// Links the previous site's file into the staging folder when it is a
    /// regular file with exactly these bytes; false when it must be written.
    private static func keep(_ old: String, equalTo data: Data, at destination: String) -> Bool {
        var status = stat()
        guard lstat(old, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) == data.count,
              let existing = try? ContentFiles.contents(old), existing == data else { return false }
        return link(old, destination) == 0
    }

    /// Writes a new file with plain POSIX calls. `Data.write(to:)` syncs every
    /// file to disk, which costs more than the whole render on a site of
    /// thousands of pages; the staging folder makes a per-file sync pointless.
    private static func write(_ data: Data, to path: String) throws {
        // The staging folder is new: a file that already exists is a second file at one
        // path, and may be a link to the previous site's file, which must never be written.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
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
