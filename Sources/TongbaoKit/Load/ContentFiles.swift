import Foundation

/// A text file read from the content folder: decoded, BOM removed, CRLF made LF.
struct TextFile {
    /// Path relative to the content folder, `/`-separated.
    let relativePath: String
    /// Path shown in diagnostics.
    let displayPath: String
    let text: String
    /// SHA-256 of the file's bytes as read (before decoding).
    let sha256: String
    /// The file's identity when it was read, if it had been left alone long enough to be trusted.
    var identity: FileIdentity? = nil
}

/// Finds and reads the files of a content folder. The only loader code that touches the disk.
struct ContentFiles: Sendable {
    let root: URL
    /// `root.path`, computed once (a URL makes its path anew on every call).
    let rootPath: String
    /// How the root is shown in diagnostics (`content`).
    let displayRoot: String

    /// Real paths of folders already resolved: resolving walks every component
    /// of a path with a system call each, and thousands of files share a folder.
    private let resolved = ResolvedFolders()
    /// Entries seen by `list` that are plain files or folders (not links), by
    /// relative path: their type needs no system call, and whether they are
    /// inside the content folder depends on their folder only.
    private let plain = PlainEntries()
    /// Size and SHA-256 of every file `read` has read, for the digest of the inputs.
    let digests = ReadDigests()
    /// The content folder, open: a file's status is asked for below it (two components
    /// of a path to look up instead of all of them).
    private let rootFolder: OpenFolder
    /// Files whose times are older than this (seconds since the epoch) get an identity (`FileIdentity`).
    let settledBefore: Int

    init(root: URL, displayRoot: String, settledBefore: Int = FileIdentity.settledBefore()) {
        self.root = root.standardizedFileURL
        self.rootPath = self.root.path
        self.rootFolder = OpenFolder(self.rootPath)
        self.displayRoot = displayRoot.hasSuffix("/") ? String(displayRoot.dropLast()) : displayRoot
        // No file gets an identity on a file system whose times cannot be trusted (`FileSystemTrust`).
        self.settledBefore = FileSystemTrust.trustsTimes(of: self.rootPath) ? settledBefore : Int.min
    }

    /// The identity of a file listed as a plain file inside the content folder
    /// (one `stat`, links followed), without reading it; nil when it has none.
    func identity(_ relativePath: String) -> FileIdentity? {
        var status = stat()
        let found = rootFolder.descriptor >= 0 && !relativePath.isEmpty
            ? fstatat(rootFolder.descriptor, relativePath, &status, 0) : stat(fullPath(relativePath), &status)
        guard found == 0 else { return nil }
        return FileIdentity(status, settledBefore: settledBefore)
    }


    func display(_ relativePath: String) -> String {
        displayRoot.isEmpty || displayRoot == "." ? relativePath : "\(displayRoot)/\(relativePath)"
    }

    /// The file type of a path, links followed (`S_IFDIR`, `S_IFREG` …); nil when it does not exist.
    /// Plain system calls: these run for every file of a site of thousands.
    private func type(_ path: String, following: Bool) -> mode_t? {
        if path.hasPrefix(rootPrefix), let known = plain.type(of: String(path.dropFirst(rootPrefix.count))) { return known }
        var status = stat()
        guard (following ? stat(path, &status) : lstat(path, &status)) == 0 else { return nil }
        return status.st_mode & S_IFMT
    }

    private var rootPrefix: String { rootPath + "/" }

    private func fullPath(_ relativePath: String) -> String {
        relativePath.isEmpty ? rootPath : "\(rootPath)/\(relativePath)"
    }

    func isDirectory(_ relativePath: String) -> Bool {
        type(fullPath(relativePath), following: true) == S_IFDIR
    }

    /// A file (a link to a file inside the content folder counts as one).
    func isRegularFile(_ relativePath: String) -> Bool {
        guard let kind = type(fullPath(relativePath), following: true), kind != S_IFDIR else { return false }
        return isInside(relativePath)
    }

    /// `isInside` for a path below the root, without system calls for a plain entry `list` has seen.
    private func isInside(_ relativePath: String) -> Bool {
        guard plain.type(of: relativePath) != nil else { return isInside(root.appendingPathComponent(relativePath)) }
        guard let slash = relativePath.lastIndex(of: "/") else { return true }
        let folder = resolved.path(ofRelative: String(relativePath[..<slash]), root: root)
        let base = resolved.path(ofRelative: "", root: root)
        return folder == base || folder.hasPrefix(base + "/")
    }

    /// Whether a path is a symbolic link (wherever it points, if anywhere).
    func isLink(_ relativePath: String) -> Bool {
        type(fullPath(relativePath), following: false) == S_IFLNK
    }

    /// A symbolic link whose target (followed all the way) is outside the content
    /// folder: the one rule for every kind of file the build reads or copies.
    /// Whether a folder, links followed, is inside the content folder.
    func isInsideFolder(_ relativePath: String) -> Bool {
        let folder = resolved.path(ofRelative: relativePath, root: root)
        let base = resolved.path(ofRelative: "", root: root)
        return folder == base || folder.hasPrefix(base + "/")
    }

    func isLinkOutside(_ relativePath: String) -> Bool {
        isLink(relativePath) && !isInside(relativePath)
    }

    /// Whether a path, links followed, stays inside `folder` (the content folder by default).
    func isInside(_ url: URL, folder: String = "") -> Bool {
        let target = realPath(url)
        let base = resolved.path(of: folder.isEmpty ? root : root.appendingPathComponent(folder))
        return target == base || target.hasPrefix(base + "/")
    }

    /// `url` with every link resolved; a file that is not a link itself only needs its folder resolved.
    private func realPath(_ url: URL) -> String {
        var status = stat()
        guard lstat(url.path, &status) == 0, status.st_mode & S_IFMT != S_IFLNK else { return url.resolvingSymlinksInPath().path }
        let folder = resolved.path(of: url.deletingLastPathComponent())
        return folder == "/" ? "/\(url.lastPathComponent)" : "\(folder)/\(url.lastPathComponent)"
    }

    /// Reports a top-level folder of the contract that is something else, or a
    /// file where `data/<kind>.yml` should be that is a folder; true when all is well.
    func expectFolder(_ relativePath: String, diagnostics: inout Diagnostics) -> Bool {
        let url = root.appendingPathComponent(relativePath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return true }
        if !isDirectory.boolValue {
            diagnostics.error(SourceLocation(file: display(relativePath), line: 1, column: 1),
                              "“\(relativePath)”应当是目录，却是一个文件：其中的内容不会被读取")
            return false
        }
        if !isInside(url) {
            diagnostics.error(SourceLocation(file: display(relativePath), line: 1, column: 1),
                              "“\(relativePath)”是指向内容目录之外的链接，不会读取")
            return false
        }
        return true
    }

    /// Why a path cannot be an attachment (missing, a folder, outside the content folder), or nil.
    func attachmentProblem(_ relativePath: String) -> String? {
        let url = root.appendingPathComponent(relativePath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return "文件不存在" }
        if isDirectory.boolValue { return "是一个文件夹，不是文件" }
        return isInside(url) ? nil : "指向内容目录之外，不会发布"
    }

    /// Names in a folder (not recursive, hidden files left out) with whether each is a plain
    /// file (not a link, not a folder) by its directory entry, sorted by name; empty when it does not exist.
    func entries(_ relativeDirectory: String) -> [(name: String, plainFile: Bool)] {
        folderEntries(relativeDirectory).map { ($0.name, $0.type == S_IFREG) }
    }

    /// Names in a folder (not recursive, hidden files left out), sorted; empty when it does not exist.
    /// Plain files and folders among them are remembered, so that asking their type costs no system call.
    func list(_ relativeDirectory: String) -> [String] {
        let found = folderEntries(relativeDirectory)
        plain.record(found.compactMap { entry in
            entry.type.map { (relativeDirectory.isEmpty ? entry.name : "\(relativeDirectory)/\(entry.name)", $0) }
        })
        return found.map(\.name)
    }

    /// A folder's entries, hidden ones left out, sorted by name, each with its type when
    /// the directory entry tells a plain file (`S_IFREG`) or folder (`S_IFDIR`), not a link.
    private func folderEntries(_ relativeDirectory: String) -> [(name: String, type: mode_t?)] {
        guard let handle = opendir(fullPath(relativeDirectory)) else { return [] }
        defer { closedir(handle) }
        var result: [(name: String, type: mode_t?)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): result.append((name, S_IFREG))
            case Int32(DT_DIR): result.append((name, S_IFDIR))
            default: result.append((name, nil))
            }
        }
        return ByteOrder.sorted(result) { $0.name }
    }

    /// Every regular file below a folder, as paths relative to that folder, sorted.
    /// Hidden files and folders are left out; links are followed only when they
    /// stay inside the content folder.
    func listRecursively(_ relativeDirectory: String, diagnostics: inout Diagnostics) -> [String] {
        var result: [String] = []
        var pending = [""]
        // Real paths of the folders walked, so that a link back up the tree is walked once.
        var visited: Set<String> = [root.appendingPathComponent(relativeDirectory).resolvingSymlinksInPath().path]
        while let current = pending.popLast() {
            let folder = [relativeDirectory, current].filter { !$0.isEmpty }.joined(separator: "/")
            for name in list(folder) {
                let relative = current.isEmpty ? name : "\(current)/\(name)"
                let full = relativeDirectory.isEmpty ? relative : "\(relativeDirectory)/\(relative)"
                // A plain file in a folder being walked is inside it: no system call, no URL.
                if plain.type(of: full) == S_IFREG {
                    result.append(relative)
                    continue
                }
                let url = root.appendingPathComponent(full)
                // A link may not lead out of the folder walked: out of content/, or from static/
                // into the ledgers, which would publish them.
                if isLink(full) && !isInside(url, folder: relativeDirectory) {
                    let place = isInside(url) ? "\(relativeDirectory)/ 之外" : "内容目录之外"
                    diagnostics.warning(SourceLocation(file: display(full), line: 1, column: 1), "符号链接指向\(place)，已跳过")
                    continue
                }
                if isDirectory(full) {
                    guard visited.insert(url.resolvingSymlinksInPath().path).inserted else {
                        diagnostics.warning(SourceLocation(file: display(full), line: 1, column: 1), "符号链接指向已包含的文件夹（循环），已跳过")
                        continue
                    }
                    pending.append(relative)
                } else if isRegularFile(full) {
                    result.append(relative)
                }
            }
        }
        return ByteOrder.sorted(result)
    }

    /// Reads a UTF-8 text file; a missing or undecodable file is a diagnostic and nil.
    /// - Parameter listedInside: the caller listed it as a plain file in a folder inside the content folder.
    /// - Parameter spreadsheet: the file may also be in GB18030, as Chinese Excel saves CSV.
    func read(_ relativePath: String, diagnostics: inout Diagnostics, listedInside: Bool = false, spreadsheet: Bool = false) -> TextFile? {
        let location = SourceLocation(file: display(relativePath), line: 1, column: 1)
        guard listedInside || isInside(relativePath) else {
            diagnostics.error(location, "这是指向内容目录之外的链接，不会读取：请把文件本身放进内容目录")
            return nil
        }
        let data: Data
        var status = stat()
        do {
            data = try ContentFiles.contents(fullPath(relativePath), status: &status)
        } catch {
            diagnostics.error(location, "无法读取文件：\(error.localizedDescription)")
            return nil
        }
        let sha256 = SHA256.hex(data)
        digests.record(relativePath, size: data.count, sha256: sha256)
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let hasCarriageReturn = bytes.withUnsafeBytes { buffer in buffer.baseAddress.map { memchr($0, 0x0D, buffer.count) != nil } ?? false }
        // CRLF and lone CR made LF on the bytes (a CR is one byte in UTF-8 and GB18030 alike):
        // Foundation's replacingOccurrences took most of a second on a large spreadsheet.
        if hasCarriageReturn { bytes = ContentFiles.unixLineEnds(bytes)[...] }
        guard let text = String(validating: bytes, as: UTF8.self) ?? (spreadsheet ? TextEncoding.gb18030(Array(bytes)[...]) : nil) else {
            diagnostics.error(location, spreadsheet
                ? "文件既不是 UTF-8 也不是 GB18030 编码：请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）”"
                : "文件不是有效的 UTF-8 文本（请以 UTF-8 编码保存）")
            return nil
        }
        // The status was taken before reading: a change while reading shows as a later change time next time.
        let identity = status.st_size == data.count ? FileIdentity(status, settledBefore: settledBefore) : nil
        return TextFile(relativePath: relativePath, displayPath: display(relativePath), text: text, sha256: sha256, identity: identity)
    }
}

extension ContentFiles {
    /// `bytes` with every CRLF and every lone CR made LF.
    static func unixLineEnds(_ bytes: Data.SubSequence) -> Data {
        var result = Data(capacity: bytes.count)
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 0x0D {
                result.append(0x0A)
            } else if !(byte == 0x0A && previous == 0x0D) {
                result.append(byte)
            }
            previous = byte
        }
        return result
    }

    /// A whole file with open/fstat/read (Foundation's `Data(contentsOf:)` costs
    /// several times as much per small file).
    static func contents(_ path: String) throws -> Data {
        var status = stat()
        return try contents(path, status: &status)
    }

    /// A whole file as an array of bytes (a cache file: no copy from `Data`); nil when it cannot be read.
    static func byteArray(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = max(0, Int(status.st_size))
        var complete = true
        // Read into uninitialized memory (no zeroing of megabytes first).
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var filled = 0
            while filled < size {
                let got = Glibc.read(descriptor, buffer.baseAddress?.advanced(by: filled), size - filled)
                if got < 0, errno == EINTR { continue }
                guard got > 0 else { break } // an error, or the file shrank while it was read
                filled += got
            }
            complete = filled == size
            initialized = filled
        }
        return complete ? bytes : nil
    }

    /// A whole file, and its status as `fstat` gave it before reading.
    static func contents(_ path: String, status: inout stat) throws -> Data {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        guard fstat(descriptor, &status) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        if status.st_mode & S_IFMT == S_IFDIR { throw POSIXError(.EISDIR) }
        // One byte more than the size, so that the end shows without growing; a file
        // that grew since fstat (or has no size, like a pipe) grows the buffer.
        var data = Data(count: max(0, Int(status.st_size)) + 1)
        var filled = 0
        while true {
            if filled == data.count { data.count += max(4096, data.count) }
            let got = data.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress?.advanced(by: filled), buffer.count - filled)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            if got == 0 { break }
            filled += got
        }
        data.count = filled
        return data
    }
}

/// Size and SHA-256 of the files read, by relative path, shared by the copies of one `ContentFiles`.
final class ReadDigests: @unchecked Sendable {
    private var digests: [String: (size: Int, sha256: String)] = [:]
    private let lock = NSLock()

    func record(_ relativePath: String, size: Int, sha256: String) {
        lock.lock()
        digests[relativePath] = (size, sha256)
        lock.unlock()
    }

    func digest(of relativePath: String) -> (size: Int, sha256: String)? {
        lock.lock()
        defer { lock.unlock() }
        return digests[relativePath]
    }

    /// Every digest recorded so far (read without a lock afterwards).
    func all() -> [String: (size: Int, sha256: String)] {
        lock.lock()
        defer { lock.unlock() }
        return digests
    }
}

/// Plain files and folders seen in listings, shared by the copies of one `ContentFiles`.
final class PlainEntries: @unchecked Sendable {
    private var types: [String: mode_t] = [:]
    private let lock = NSLock()

    func record(_ entries: [(String, mode_t)]) {
        lock.lock()
        for (path, type) in entries { types[path] = type }
        lock.unlock()
    }

    func type(of relativePath: String) -> mode_t? {
        lock.lock()
        defer { lock.unlock() }
        return types[relativePath]
    }
}

/// A folder held open for the lifetime of the `ContentFiles` that opened it
/// (its descriptor is -1 when it could not be opened).
final class OpenFolder: Sendable {
    let descriptor: Int32

    init(_ path: String) {
        descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }

    deinit { if descriptor >= 0 { close(descriptor) } }
}

/// A memo of folders' real paths, shared by the copies of one `ContentFiles`.
final class ResolvedFolders: @unchecked Sendable {
    private var paths: [String: String] = [:]
    private var relative: [String: String] = [:]
    private let lock = NSLock()

    /// The real path of a folder below `root` ("" for the root itself).
    func path(ofRelative folder: String, root: URL) -> String {
        lock.lock()
        if let known = relative[folder] {
            lock.unlock()
            return known
        }
        lock.unlock()
        let real = path(of: folder.isEmpty ? root : root.appendingPathComponent(folder))
        lock.lock()
        relative[folder] = real
        lock.unlock()
        return real
    }

    func path(of folder: URL) -> String {
        let key = folder.path
        lock.lock()
        defer { lock.unlock() }
        if let known = paths[key] { return known }
        let real = folder.resolvingSymlinksInPath().path
        paths[key] = real
        return real
    }
}
