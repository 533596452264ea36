import Foundation

/// `tongbao verify`: checks a deployed folder against its `manifest.json`.
public enum Verifier {
    public struct Result: Sendable {
        public var missing: [String] = []
        public var changed: [String] = []
        public var extra: [String] = []
        /// The manifest itself is missing or unreadable.
        public var problem: String?
        public var checked = 0

        public var isClean: Bool { problem == nil && missing.isEmpty && changed.isEmpty && extra.isEmpty }
    }

    public static func verify(output: URL) -> Result {
        var result = Result()
        let manifestURL = output.appendingPathComponent(Manifest.path)
        guard let data = try? Data(contentsOf: manifestURL) else {
            result.problem = "找不到 \(manifestURL.path)：这不是 tongbao 生成的网站，或清单已被删除"
            return result
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let entries = object["files"] as? [[String: Any]] else {
            result.problem = "\(manifestURL.path) 不是有效的清单文件"
            return result
        }
        var expected: [String: (sha256: String, size: Int)] = [:]
        for entry in entries {
            guard let path = entry["path"] as? String, let sha = entry["sha256"] as? String, let size = entry["size"] as? Int else {
                result.problem = "\(manifestURL.path) 中有不完整的条目"
                return result
            }
            expected[path] = (sha, size)
        }
        let present = Set(files(below: output))
        for path in expected.keys.sorted() {
            result.checked += 1
            guard present.contains(path), let bytes = try? Data(contentsOf: output.appendingPathComponent(path)) else {
                result.missing.append(path)
                continue
            }
            if let want = expected[path], bytes.count != want.size || SHA256.hex(bytes) != want.sha256 {
                result.changed.append(path)
            }
        }
        result.extra = present.filter { expected[$0] == nil && Manifest.isListed($0) }.sorted()
        return result
    }

    /// Regular files below a folder, as `/`-separated relative paths.
    static func files(below folder: URL) -> [String] {
        let base = folder.standardizedFileURL.path
        var result: [String] = []
        guard let walker = FileManager.default.enumerator(atPath: base) else { return result }
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                result.append(relative)
            }
        }
        return result
    }
}
