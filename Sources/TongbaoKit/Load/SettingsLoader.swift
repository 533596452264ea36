/// Loads `site.yml`.
enum SettingsLoader {
    static let fields = ["title", "issuer", "doc_prefix", "base_url", "as_of", "rectification_bar", "unsafe_html", "page_size", "public_phones"]

    static func load(_ files: ContentFiles, diagnostics: inout Diagnostics) -> SiteSettings? {
        let path = "site.yml"
        guard files.isRegularFile(path) else {
            diagnostics.error(SourceLocation(file: files.display(path), line: 1, column: 1),
                              "找不到站点设置文件 site.yml（内容目录：\(files.root.path)）")
            return nil
        }
        guard let file = files.read(path, diagnostics: &diagnostics),
              let source = YAMLSource.parse(file.text, file: file.displayPath, diagnostics: &diagnostics) else { return nil }
        guard let root = source.root else {
            diagnostics.error(SourceLocation(file: file.displayPath, line: 1, column: 1), "site.yml 是空的：至少需要 title、issuer、doc_prefix 和 base_url")
            return nil
        }
        guard var reader = RecordReader(source: source, node: root, label: "site.yml ", diagnostics: &diagnostics) else { return nil }
        let title = reader.title("title", required: true)
        let issuer = reader.title("issuer", required: true)
        let prefix = reader.title("doc_prefix", required: true, limit: 20)
        var baseURL = reader.string("base_url", required: true)
        if let url = baseURL {
            if !isAbsoluteURL(url) {
                reader.error("base_url", "base_url 应为以 http:// 或 https:// 开头的完整网址，如 https://anwei.example.gov.cn/，现为“\(url)”")
                baseURL = nil
            } else if url.contains(where: { $0 == "?" || $0 == "#" || $0.isWhitespace }) {
                reader.error("base_url", "base_url 不能含有 ?、# 或空格，现为“\(url)”")
                baseURL = nil
            } else if !url.hasSuffix("/") {
                baseURL = url + "/"
            }
        }
        let asOf = reader.day("as_of")
        let bar = reader.decimal("rectification_bar", ratio: true) ?? 0.9
        let unsafe = reader.bool("unsafe_html") ?? false
        let pageSize = reader.integer("page_size", in: 1...1000) ?? 20
        var phones: [String] = []
        for (phone, location) in reader.stringList("public_phones") ?? [] {
            let digits = String(phone.filter { $0.isASCII && $0.isNumber })
            if digits.count == 11 && digits.hasPrefix("1") {
                phones.append(digits)
            } else {
                reader.error(at: location, "public_phones 中的“\(phone)”不是 11 位手机号码；座机号码不需要列出")
            }
        }
        reader.warnAboutUnknownFields(known: fields)
        diagnostics.append(contentsOf: reader.diagnostics)
        // A field in error has been reported; stand-ins let the rest of the site be checked in the same run.
        var settings = SiteSettings(title: title ?? "", issuer: issuer ?? "", documentPrefix: prefix ?? "",
                                    baseURL: baseURL ?? "https://invalid.example/", asOf: asOf,
                                    rectificationBar: bar, unsafeHTML: unsafe, pageSize: pageSize)
        settings.publicPhones = phones
        return settings
    }

    static func isAbsoluteURL(_ text: String) -> Bool {
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) {
            let host = text.dropFirst(scheme.count).prefix { $0 != "/" }
            return !host.isEmpty && !host.contains(" ")
        }
        return false
    }
}
