import Foundation

/// The theme's files: the default theme compiled into the tool, with a site's
/// own templates folder overriding single files of it.
public struct Theme: Sendable {
    public struct File: Sendable {
        public let bytes: Data
        /// Where it came from, for diagnostics: `templates/notice.mustache` or `(默认主题)/notice.mustache`.
        public let origin: String
    }

    /// Relative path (`notice.mustache`, `assets/style.css`) → file.
    public let files: [String: File]

    /// Templates by name (path without `.mustache`).
    public var templates: [(name: String, file: File)] {
        files.keys.sorted().filter { $0.hasSuffix(".mustache") }.compactMap { path in
            files[path].map { (String(path.dropLast(".mustache".count)), $0) }
        }
    }

    /// Files below `assets/`, by their path below it.
    public var assets: [(name: String, file: File)] {
        files.keys.sorted().filter { $0.hasPrefix("assets/") }.compactMap { path in
            files[path].map { (String(path.dropFirst("assets/".count)), $0) }
        }
    }
}

/// Reads the theme: the load stage's part for templates.
public enum ThemeLoader {
    public static func load(overrides directory: URL?, displayRoot: String, diagnostics: inout Diagnostics) -> Theme {
        var files: [String: Theme.File] = [:]
        for (path, encoded) in EmbeddedTheme.files {
            if let data = Data(base64Encoded: encoded) {
                files[path] = Theme.File(bytes: data, origin: "(默认主题)/\(path)")
            }
        }
        if let directory {
            let overrides = ContentFiles(root: directory, displayRoot: displayRoot)
            if overrides.isDirectory("") {
                for path in overrides.listRecursively("", diagnostics: &diagnostics) {
                    do {
                        let data = try Data(contentsOf: directory.appendingPathComponent(path))
                        files[path] = Theme.File(bytes: data, origin: overrides.display(path))
                    } catch {
                        diagnostics.error(SourceLocation(file: overrides.display(path), line: 1, column: 1),
                                          "无法读取模板文件：\(error.localizedDescription)")
                    }
                }
            }
        }
        return Theme(files: files)
    }
}
