/// URL segments: ASCII only, so that links survive every mail client and log.
public enum Slug {
    /// `[A-Za-z0-9][A-Za-z0-9_-]*`
    public static func isValid(_ slug: String) -> Bool {
        guard let first = slug.utf8.first, isAlphanumeric(first) else { return false }
        return slug.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    /// The file name without extension and without a `YYYY-MM-DD-` prefix, when
    /// that is a valid slug: `notices/2021-06-15-tuijin.md` → `tuijin`.
    public static func fromFileName(_ path: String) -> String? {
        var name = Substring(path.split(separator: "/").last ?? Substring(path))
        if let dot = name.lastIndex(of: ".") { name = name[..<dot] }
        if name.count > 11, case .valid = Day.parse(name.prefix(10)), name.dropFirst(10).first == "-" {
            name = name.dropFirst(11)
        }
        let candidate = String(name)
        return isValid(candidate) ? candidate : nil
    }

    /// A relative path that stays below its folder: no leading `/`, no `..`, no empty parts.
    public static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { $0 != ".." && $0 != "." && !$0.isEmpty }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }
}
