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
///
/// The swap is an exchange, so afterwards the staging folder holds the site
/// before, whose files are links to the live ones wherever they did not
/// change. It is kept (double buffering): the next build brings it up to date
/// in place, touching only the entries that differ from what it plans, so a
/// rebuild costs a listing of the folders plus the changed files rather than
/// a link and an unlink for every file. Nothing in it is trusted: an entry is
/// kept only when it is the very inode of the live file it must equal, and
/// every other entry is replaced or removed, never written into.
public enum Publisher {
    public struct Report: Sendable {
        public let filesWritten: Int
        /// Files carried over from the previous site unchanged (hard links).
        public let filesKept: Int
        public let bytesWritten: Int
        /// What the two trees hold, for the next builds (`StagingRecord`).
        var records = StagingRecords()
        /// Folders of the kept staging folder that were listed (the others were taken as recorded, or made).
        var foldersListed = 0
        /// Files of the previous site that the new one does not have; nil when not known.
        var filesRemoved: Int?
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A file in every output folder saying tongbao wrote it, so that a later
    /// build replaces only folders it made.
    public static let marker = ".tongbao"
    static let markerText = "此目录由 tongbao 生成，每次构建会整体替换。\n"

    /// - Parameters:
    ///   - records: what earlier builds recorded of the staging folder (`StagingRecord`); the report carries the new ones.
    ///   - margin: how much older than its record a folder's times must be for the record to be trusted (nanoseconds).
    /// - Parameter layout: the layout of the files' paths and the marker's (`Layout(paths:)`), when made beforehand.
    static func publish(_ files: PlannedFiles, to output: URL, records: StagingRecords,
                        margin: Int = StagingRecord.margin, layout planned: Layout? = nil) throws(Failure) -> Report {
        let manager = FileManager.default
        let output = output.standardizedFileURL
        let parent = output.deletingLastPathComponent()
        let staging = stagingFolder(for: output)
        let retired = parent.appendingPathComponent(".\(output.lastPathComponent).old")
        // Files are only reused from a folder tongbao wrote.
        let previous = manager.fileExists(atPath: output.appendingPathComponent(marker).path) ? output.path : nil
        // The marker is placed like any file (after the others in the layout), and not counted.
        let markerFile = OutputFile(path: marker, content: .bytes(Data(markerText.utf8)))
        let layout = planned.flatMap { $0.fits(files, marker: markerFile) ? $0 : nil } ?? Layout(files, marker: markerFile)
        let reuse: Bool
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
            try remove(retired.path)
            // The previous build's staging folder is brought up to date only beside a site
            // tongbao wrote, when it is a real folder with the marker; else it is made afresh.
            reuse = previous != nil && isKept(staging.path)
            if !reuse { try makeFresh(staging.path) }
        } catch {
            throw Failure(description: "无法创建临时输出目录 \(staging.path)：\(error.localizedDescription)")
        }
        let outcome: Outcome
        // The record of the staging tree, when it is the tree a build recorded (its root folder's device and inode).
        let stagingRoot = folderIdentity(staging.path), liveRoot = folderIdentity(output.path)
        // A folder's times are compared with the moment before any of them was taken (the margin counts from there).
        let fillStarted = Int(Date().timeIntervalSince1970 * 1e9)
        // Only on local file systems whose change times and inode numbers are reliable.
        let margin = FileSystemTrust.trustsTimes(of: parent.path) ? margin : nil
        let record = reuse ? stagingRoot.flatMap { records.record(device: $0.device, root: $0.inode) } : nil
        do {
            do {
                outcome = try fill(staging.path, layout: layout, files: files, marker: markerFile, previous: previous, reuse: reuse,
                                   record: margin.flatMap { margin in record.map { ($0, margin) } })
            } catch is Unlistable {
                // A folder of the kept staging folder could not be read as tongbao leaves it.
                try makeFresh(staging.path)
                outcome = try fill(staging.path, layout: layout, files: files, marker: markerFile, previous: previous, reuse: false,
                                   record: nil)
            }
        } catch {
            removeTree(staging.path)
            let reason = (error as? Failure)?.description ?? error.localizedDescription
            throw Failure(description: "写入输出文件失败：\(reason)；原有的 \(output.path) 未改动")
        }
        var report = Report(filesWritten: outcome.written, filesKept: outcome.kept, bytesWritten: outcome.bytes)
        report.foldersListed = outcome.listed
        // The previous site's files, as recorded when it was filled, less those at a path the new one has too.
        if previous != nil, let live = liveRoot, let before = records.files(device: live.device, root: live.inode) {
            report.filesRemoved = max(0, before - (outcome.kept + outcome.replaced + 1))
        }
        let filledFiles = files.count + 1
        // What this tree holds now, for the build that fills it next.
        let filled = folderIdentity(staging.path).map { root in
            var record = StagingRecord(device: root.device, root: root.inode, madeAt: fillStarted)
            for (inode, folder) in outcome.folders {
                record.add(folder: inode, modified: folder.modified, changed: folder.changed, names: folder.names, inodes: folder.inodes)
            }
            return record
        }
        report.records = records.replacing(with: filled, files: filledFiles, otherRoot: nil)
        // Swap: one atomic exchange where the kernel can (a web server sees the old
        // site or the new one, never neither); two renames elsewhere.
        if manager.fileExists(atPath: output.path), tongbao_exchange_paths(staging.path, output.path) == 0 {
            // The staging folder now holds the previous site: the next build starts from it (and from its record).
            report.records = records.replacing(with: filled, files: filledFiles, otherRoot: liveRoot)
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
            removeTree(staging.path)
            throw Failure(description: "无法替换输出目录 \(output.path)：\(error.localizedDescription)")
        }
        removeTree(retired.path)
        return report
    }

    /// The staging folder beside `output`: `.site.staging` for `site`.
    static func stagingFolder(for output: URL) -> URL {
        let output = output.standardizedFileURL
        return output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).staging")
    }

    /// Whether `path` is a staging folder a build left: a folder itself (not a
    /// link to one) holding the marker file.
    private static func isKept(_ path: String) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { return false }
        return lstat("\(path)/\(marker)", &status) == 0 && status.st_mode & S_IFMT == S_IFREG
    }

    /// Removes whatever is at `path` (a link itself, never its target); throws when something is left.
    private static func remove(_ path: String) throws {
        removeTree(path)
        var status = stat()
        if lstat(path, &status) == 0 { try FileManager.default.removeItem(atPath: path) }
    }

    /// An empty staging folder, whatever was at its path removed.
    private static func makeFresh(_ path: String) throws {
        try remove(path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
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
        /// Of the files written, those at a path where the previous site had a file.
        var replaced = 0
        var bytes = 0
        var listed = 0
        /// The folders this build left as they were, with what they hold (`StagingRecord`), by inode.
        var folders: [UInt64: (modified: Int, changed: Int, names: StagingRecord.Names, inodes: [UInt64])] = [:]

        static func += (total: inout Outcome, part: Outcome) {
            total.written += part.written
            total.replaced += part.replaced
            total.kept += part.kept
            total.bytes += part.bytes
            total.listed += part.listed
            total.folders.merge(part.folders) { first, _ in first }
        }
    }

    /// The device and inode of a folder itself (not what a link points to); nil when it is no folder.
    private static func folderIdentity(_ path: String) -> (device: UInt64, inode: UInt64)? {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { return nil }
        return (UInt64(status.st_dev), UInt64(status.st_ino))
    }

    /// The status of a listed or trusted folder, as a record keeps it.
    struct FolderStatus {
        let inode: UInt64
        let modified: Int
        let changed: Int

        init?(_ status: stat) {
            guard let modified = status.st_mtim.nanoseconds, let changed = status.st_ctim.nanoseconds else { return nil }
            inode = UInt64(status.st_ino)
            self.modified = modified
            self.changed = changed
        }
    }

    /// The folders the planned files need, each with the files directly in it
    /// and its subfolders; a folder comes after its parent, the root first.
    struct Layout: Sendable {
        struct Folder: Sendable {
            /// Below the output folder, `/`-separated; empty for the root.
            let path: String
            /// The last component of the path.
            let name: String
            /// Indices of the planned files.
            var files: [Int] = []
            var children: [Int] = []
        }

        private(set) var folders = [Folder(path: "", name: "")]
        /// The name of every planned file in its folder, the marker's last.
        private(set) var names: [String] = []

        init(_ files: PlannedFiles, marker: OutputFile) {
            self.init(paths: files.map(\.path) + [marker.path])
        }

        /// The layout of the planned files' paths, the marker's last (the build makes it
        /// beside the manifest, before the files are all planned).
        init(paths: [String]) {
            var ids: [Substring: Int] = ["": 0]
            names.reserveCapacity(paths.count)
            for (index, whole) in paths.enumerated() {
                let path = whole[...]
                let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
                let folder = folderID(slash.map { path[..<$0] } ?? "", ids: &ids)
                folders[folder].files.append(index)
                names.append(String(slash.map { path[path.utf8.index(after: $0)...] } ?? path))
            }
        }

        /// Whether this is the layout of `files` and the marker, in that order.
        func fits(_ files: PlannedFiles, marker: OutputFile) -> Bool {
            names.count == files.count + 1 && names.last == marker.path
        }

        private mutating func folderID(_ path: Substring, ids: inout [Substring: Int]) -> Int {
            if let id = ids[path] { return id }
            let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
            let parent = folderID(slash.map { path[..<$0] } ?? "", ids: &ids)
            let id = folders.count
            folders.append(Folder(path: String(path), name: String(slash.map { path[path.utf8.index(after: $0)...] } ?? path)))
            folders[parent].children.append(id)
            ids[path] = id
            return id
        }
    }

    /// A folder of the kept staging folder that cannot be read as tongbao leaves it
    /// (a link, another file system, no permission, a name that is not UTF-8).
    struct Unlistable: Error {}

    /// An entry of a staging folder as its folder's listing gives it: the inode
    /// and type come with the name, without a stat per file.
    struct Entry {
        enum Kind { case file, folder, other }
        let name: String
        let kind: Kind
        let inode: UInt64
    }

    /// What one group of folders did: its files, and which of their subfolders
    /// were already there (and are listed in turn; the others were just made empty).
    private struct Progress: Sendable {
        var outcome = Outcome()
        var existing: [Int] = []
    }

    /// Makes the staging folder hold exactly the planned files, one depth of
    /// folders at a time (parents first), the folders of a depth on all cores.
    /// With `reuse`, every folder that was already there is listed once and each
    /// entry compared with the plan; without, the folder is empty and every
    /// folder is made.
    private static func fill(_ root: String, layout: Layout, files: PlannedFiles, marker: OutputFile, previous: String?,
                             reuse: Bool, record: (StagingRecord, margin: Int)?) throws -> Outcome {
        // Every folder listed is opened below this one and on its device (`tongbao_open_folder`),
        // so an inode number from a listing is one on this device.
        var top: Int32 = -1, device: UInt64 = 0
        defer { if top >= 0 { close(top) } }
        if reuse {
            top = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            var status = stat()
            guard top >= 0, fstat(top, &status) == 0 else { throw Unlistable() }
            device = UInt64(status.st_dev)
        }
        let descriptor = top, rootDevice = device
        var listed = [Bool](repeating: false, count: layout.folders.count)
        listed[0] = reuse
        var level = [0], total = Outcome()
        while !level.isEmpty {
            let folders = level, known = listed
            let results = Parallel.mapChunks(folders.count, size: 32) { range -> [Result<Progress, any Error>] in
                var progress = Progress()
                let buffer = UnsafeMutableRawPointer.allocate(byteCount: listingSize, alignment: 8)
                defer { buffer.deallocate() }
                do {
                    for id in folders[range] {
                        try fill(folder: id, layout: layout, files: files, marker: marker, root: root, previous: previous,
                                 listing: known[id] ? (descriptor, rootDevice, buffer) : nil, record: record, progress: &progress)
                    }
                    return [.success(progress)]
                } catch {
                    return [.failure(error)]
                }
            }
            for result in results {
                let progress = try result.get()
                total += progress.outcome
                for id in progress.existing { listed[id] = true }
            }
            level = folders.flatMap { layout.folders[$0].children }
        }
        return total
    }

    private static let listingSize = 32768

    /// One folder: unplanned entries removed, missing subfolders made, files placed.
    private static func fill(folder id: Int, layout: Layout, files: PlannedFiles, marker: OutputFile, root: String, previous: String?,
                             listing: (top: Int32, device: UInt64, buffer: UnsafeMutableRawPointer)?,
                             record: (StagingRecord, margin: Int)?, progress: inout Progress) throws {
        let folder = layout.folders[id]
        let location = folder.path.isEmpty ? root : "\(root)/\(folder.path)"
        var present = [UInt64?](repeating: nil, count: folder.files.count)
        var existing = [Bool](repeating: false, count: folder.children.count)
        // Whether this build changes the folder (an entry added, removed or replaced): a folder left
        // as it was is recorded with its status and entries, for the build that fills it next.
        var changed = false
        var status: FolderStatus?
        var names = StagingRecord.Names(high: 0, low: 0)
        if listing != nil {
            var hasher = StagingRecord.NamesHasher(path: folder.path)
            for index in folder.files { hasher.add(layout.names[index], folder: false) }
            for child in folder.children { hasher.add(layout.folders[child].name, folder: true) }
            names = hasher.names
        }
        if let listing {
            let relative = folder.path.isEmpty ? "." : folder.path
            let entries: [Entry]
            if let record, let trusted = trustedEntries(relative, below: listing.top, device: listing.device, names: names,
                                                         folder: folder, layout: layout, record: record) {
                (entries, status) = trusted
            } else {
                (entries, status) = try list(relative, below: listing.top, buffer: listing.buffer)
                progress.outcome.listed += 1
            }
            // Planned names: files first, then subfolders.
            let fileCount = folder.files.count, total = fileCount + folder.children.count
            var positions: [String: Int] = [:]
            if total > 8 {
                positions.reserveCapacity(total)
                for (position, index) in folder.files.enumerated() { positions[layout.names[index]] = position }
                for (position, child) in folder.children.enumerated() { positions[layout.folders[child].name] = fileCount + position }
            }
            func position(of name: String) -> Int? {
                if total > 8 { return positions[name] }
                if let found = folder.files.firstIndex(where: { layout.names[$0] == name }) { return found }
                return folder.children.firstIndex { layout.folders[$0].name == name }.map { fileCount + $0 }
            }
            for entry in entries {
                if let position = position(of: entry.name) {
                    if position < fileCount {
                        if entry.kind == .file {
                            present[position] = entry.inode
                            continue
                        }
                    } else if entry.kind == .folder {
                        existing[position - fileCount] = true
                        continue
                    }
                }
                // Not in the plan as it is: removed (a link itself, never what it points to).
                changed = true
                let path = "\(location)/\(entry.name)"
                if entry.kind == .folder {
                    try remove(path)
                } else if unlink(path) != 0, errno != ENOENT {
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
            }
        }
        for (position, child) in folder.children.enumerated() {
            if existing[position] {
                progress.existing.append(child)
            } else {
                changed = true
                if mkdir("\(location)/\(layout.folders[child].name)", 0o755) != 0 {
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
            }
        }
        for (position, index) in folder.files.enumerated() {
            let staged = listing.flatMap { listing in present[position].map { (inode: $0, device: listing.device) } }
            guard index < files.count else {
                let placed = try place(marker.path, recorded: nil, bytes: { try marker.content.bytes(path: marker.path) }, in: location,
                                       as: marker.path, previous: previous, present: staged)
                if placed != .untouched { changed = true }
                continue
            }
            // Only what is needed is taken from the planned file (copying it whole costs more than the rest).
            let path = files[index].path
            let placed = try place(path, recorded: files[index].content.recorded, bytes: { try files[index].content.bytes(path: path) },
                                   in: location, as: layout.names[index], previous: previous, present: staged)
            switch placed {
            case .written(let bytes, let replacing):
                changed = true
                progress.outcome.written += 1
                progress.outcome.bytes += bytes
                if replacing { progress.outcome.replaced += 1 }
            case .linked:
                changed = true
                progress.outcome.kept += 1
            case .untouched:
                progress.outcome.kept += 1
            }
        }
        if !changed, let status, present.allSatisfy({ $0 != nil }), existing.allSatisfy({ $0 }) {
            progress.outcome.folders[status.inode] = (status.modified, status.changed, names, present.map { $0 ?? 0 })
        }
    }

    /// The entries of a folder as recorded, when its status is the recorded one
    /// (one `stat`) and the plan names the same entries; nil when it must be listed.
    private static func trustedEntries(_ path: String, below top: Int32, device: UInt64, names: StagingRecord.Names, folder: Layout.Folder,
                                       layout: Layout, record: (StagingRecord, margin: Int)) -> ([Entry], FolderStatus)? {
        var found = stat()
        guard fstatat(top, path, &found, AT_SYMLINK_NOFOLLOW) == 0, found.st_mode & S_IFMT == S_IFDIR, UInt64(found.st_dev) == device,
              let status = FolderStatus(found),
              let recorded = record.0.folder(inode: status.inode, modified: status.modified, changed: status.changed,
                                             margin: record.margin),
              recorded.names == names, recorded.inodeCount == folder.files.count else { return nil }
        var entries: [Entry] = []
        entries.reserveCapacity(folder.files.count + folder.children.count)
        for (index, inode) in zip(folder.files, record.0.inodes(of: recorded)) {
            entries.append(Entry(name: layout.names[index], kind: .file, inode: inode))
        }
        for child in folder.children { entries.append(Entry(name: layout.folders[child].name, kind: .folder, inode: 0)) }
        return (entries, status)
    }

    /// The entries of the folder at `path` below the open folder `top`, read
    /// straight from the kernel's listing.
    /// Its status is taken before it is read (a change while reading shows as a later time).
    private static func list(_ path: String, below top: Int32, buffer: UnsafeMutableRawPointer) throws -> ([Entry], FolderStatus?) {
        let descriptor = tongbao_open_folder(top, path)
        guard descriptor >= 0 else { throw Unlistable() }
        defer { close(descriptor) }
        var folderStatus = stat()
        let status = fstat(descriptor, &folderStatus) == 0 ? FolderStatus(folderStatus) : nil
        var entries: [Entry] = []
        while true {
            let count = tongbao_read_folder(descriptor, buffer, UInt(listingSize))
            guard count >= 0 else { throw Unlistable() }
            if count == 0 { return (entries, status) }
            var offset = 0
            while offset < count {
                let record = buffer + offset
                var inode = record.loadUnaligned(as: UInt64.self)
                let length = Int(record.loadUnaligned(fromByteOffset: 16, as: UInt16.self))
                let type = record.load(fromByteOffset: 18, as: UInt8.self)
                guard length > 19, offset + length <= count, memchr(record + 19, 0, length - 19) != nil,
                      let name = String(validatingCString: (record + 19).bindMemory(to: CChar.self, capacity: length - 19))
                else { throw Unlistable() }
                offset += length
                if name == "." || name == ".." { continue }
                var kind: Entry.Kind
                switch Int32(type) {
                case Int32(DT_REG): kind = .file
                case Int32(DT_DIR): kind = .folder
                case Int32(DT_UNKNOWN):
                    var status = stat()
                    guard fstatat(descriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else { throw Unlistable() }
                    switch status.st_mode & S_IFMT {
                    case S_IFREG: kind = .file
                    case S_IFDIR: kind = .folder
                    default: kind = .other
                    }
                    inode = UInt64(status.st_ino)
                default: kind = .other
                }
                entries.append(Entry(name: name, kind: kind, inode: inode))
            }
        }
    }

    /// Puts one file into the staging folder: the live file's inode when its
    /// bytes are the ones planned (nothing to do when the staging entry already
    /// is that inode), else new bytes in a new file. `recorded` is the previous
    /// site's file the render cache vouches for, if any; `bytes` gives the
    /// planned bytes. `present` is the regular file the staging folder holds at
    /// the path, if any; it is replaced, never written into (it may be a link
    /// to a live file).
    private static func place(_ path: String, recorded: RenderCache.File?, bytes: () throws -> Data, in folder: String,
                              as name: String, previous: String?, present: (inode: UInt64, device: UInt64)?) throws -> Placement {
        var data: Data?
        var live: (path: String, status: stat)?
        // The staging folder already holds the very file the render cache checked in the
        // live site when this build started (one inode, one file system): nothing to do.
        if let recorded, let present, let inode = recorded.inode, present.inode == inode { return .untouched }
        if let recorded {
            // The render cache checked it is the previous site's file, as published;
            // it is linked only if it is still that file.
            var status = stat()
            if recorded.location.withCString({ lstat($0, &status) }) == 0, status.st_mode & S_IFMT == S_IFREG,
               Int(status.st_size) == recorded.size, let stamp = recorded.stamp, RenderCache.FileStamp(status) == stamp {
                live = (recorded.location, status)
            }
        }
        // Whether the previous site has a file at this path (for the count of files removed).
        var replacing = live != nil || recorded != nil
        if live == nil {
            let planned = try bytes()
            data = planned
            if let previous {
                let old = same(planned, as: "\(previous)/\(path)")
                live = old.match
                replacing = replacing || old.exists
            }
        }
        if let live, let present, present.inode == UInt64(live.status.st_ino), present.device == UInt64(live.status.st_dev) {
            return .untouched
        }
        let destination = "\(folder)/\(name)"
        if present != nil, unlink(destination) != 0, errno != ENOENT {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        if let live, link(live.path, destination) == 0 { return .linked }
        let written = try data ?? bytes()
        try write(written, to: destination)
        return .written(written.count, replacing: replacing)
    }

    /// What placing a file did to its staging folder.
    enum Placement: Equatable {
        /// The entry already was the file: the folder is as it was.
        case untouched
        /// The entry is now a link to the live file.
        case linked
        /// New bytes, this many, in a new file; `replacing` when the previous site had a file at its path.
        case written(Int, replacing: Bool)
    }

    /// Whether the previous site has a regular file at `old`, and the file and its status when it
    /// has exactly these bytes (nil: the file must be written).
    private static func same(_ data: Data, as old: String) -> (exists: Bool, match: (path: String, status: stat)?) {
        var status = stat()
        guard lstat(old, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return (false, nil) }
        guard Int(status.st_size) == data.count, let existing = try? ContentFiles.contents(old), existing == data else { return (true, nil) }
        return (true, (old, status))
    }

    /// Writes a new file with plain POSIX calls. `Data.write(to:)` syncs every
    /// file to disk, which costs more than the whole render on a site of
    /// thousands of pages; the staging folder makes a per-file sync pointless.
    private static func write(_ data: Data, to path: String) throws {
        // Whatever was at this path in the staging folder has been removed: a file that
        // exists now is a second file at one path, or may be a link to a live file,
        // which must never be written.
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

private extension OutputFile.Content {
    /// The previous site's file, for a page the render cache vouches for.
    var recorded: RenderCache.File? {
        if case .previous(let page) = self { page.file } else { nil }
    }

    /// The bytes to publish. A page the render cache vouches for is read from
    /// the previous site: only its recorded bytes may be published.
    func bytes(path: String) throws -> Data {
        switch self {
        case .bytes(let bytes): return bytes
        case .copy(let source):
            guard let bytes = try? Data(contentsOf: source) else { throw POSIXError(.EIO) }
            return bytes
        case .previous(let page):
            guard let bytes = try? ContentFiles.contents(page.file.location), bytes.count == page.file.size,
                  SHA256.hex(bytes) == page.file.sha256 else {
                throw Publisher.Failure(description: "输出目录中的 \(path) 在构建期间被改动；请重新构建")
            }
            return bytes
        }
    }
}
