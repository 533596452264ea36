import Foundation

/// The HTTP server of `tongbao serve`: the output folder as a web server would
/// serve it, under the path of the site's `base_url`, on a loopback address
/// unless told otherwise. Every HTML page it sends gets a small script that
/// reloads the page when a rebuild ends (`/__tongbao/reload.js`, listening to
/// `/__tongbao/events`); the files of the output folder are never changed.
/// While the last build failed, every page is the list of its errors instead.
///
/// Plain POSIX sockets, one short-lived connection per request (GET and HEAD):
/// a preview for one person, not a production server.
public final class PreviewServer: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The port bound (the one asked for, or the one the system chose for 0).
    public let port: Int
    private let root: URL
    /// The URL path the site lives under (`/` or `/anwei/`), from `base_url`.
    private var currentPrefix: String
    private let listener: Int32
    private let lock = NSLock()
    /// Open event streams, told of every rebuild.
    private var streams: [Int32] = []
    /// The last build's errors, shown instead of the pages while there are any.
    private var failure: [String]?
    private var stopped = false

    static let reloadPath = "__tongbao/reload.js"
    static let eventsPath = "__tongbao/events"

    /// Binds `address`:`port` (0: any free port) and serves `root` under `prefix`.
    public init(root: URL, prefix: String, address: String, port: Int) throws(Failure) {
        self.root = root.standardizedFileURL
        currentPrefix = PreviewServer.normalised(prefix)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(address, String(port), &hints, &found) == 0, let info = found else {
            throw Failure(description: "地址“\(address)”无效：应为 IP 地址，如 127.0.0.1 或 ::1")
        }
        defer { freeaddrinfo(found) }
        let socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard socket >= 0 else { throw Failure(description: "无法创建网络连接：\(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        guard bind(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, listen(socket, 64) == 0 else {
            let reason = errno == EADDRINUSE ? "端口 \(port) 已被占用：请用 --port 换一个，如 --port 1314" : String(cString: strerror(errno))
            close(socket)
            throw Failure(description: "无法在 \(address):\(port) 上提供服务：\(reason)")
        }
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        let boundPort = withUnsafeBytes(of: &bound) { bytes -> UInt16 in
            // sin_port and sin6_port both follow the 2-byte family.
            UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        }
        listener = socket
        self.port = Int(boundPort)
    }

    static func normalised(_ prefix: String) -> String {
        let trimmed = prefix.hasPrefix("/") ? prefix : "/" + prefix
        return trimmed.hasSuffix("/") ? trimmed : trimmed + "/"
    }

    /// The URL path of `base_url` (`https://a.example.gov.cn/anwei/` → `/anwei/`); `/` when there is none.
    public static func path(ofBaseURL url: String?) -> String {
        guard let url, let components = URLComponents(string: url), !components.path.isEmpty else { return "/" }
        return normalised(components.path)
    }

    /// The path the site is served under.
    public var prefix: String {
        lock.lock()
        defer { lock.unlock() }
        return currentPrefix
    }

    /// Serves the site under another path (its `base_url` changed).
    public func move(to prefix: String) {
        lock.lock()
        currentPrefix = PreviewServer.normalised(prefix)
        lock.unlock()
    }

    /// Accepts connections on a thread of its own until `stop()`.
    public func start() {
        let thread = Thread { [self] in
            while true {
                let connection = accept(listener, nil, nil)
                if connection < 0 {
                    if errno == EINTR { continue }
                    return
                }
                DispatchQueue.global().async { self.handle(connection) }
            }
        }
        thread.start()
    }

    /// Stops accepting and closes the event streams.
    public func stop() {
        lock.lock()
        let open = streams
        streams = []
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        guard !wasStopped else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for stream in open { close(stream) }
    }

    /// After a build: the errors to show instead of the pages (nil when it succeeded), and every open page reloads.
    public func built(errors: [String]?) {
        lock.lock()
        failure = errors
        let open = streams
        lock.unlock()
        var dead: [Int32] = []
        for stream in open where !send(stream, "data: reload\n\n") { dead.append(stream) }
        guard !dead.isEmpty else { return }
        lock.lock()
        streams.removeAll { dead.contains($0) }
        lock.unlock()
        for stream in dead { close(stream) }
    }

    // MARK: Requests

    private func handle(_ connection: Int32) {
        let prefix = self.prefix
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let request = readRequest(connection) else {
            close(connection)
            return
        }
        let parts = request.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2 else {
            respond(connection, status: "400 Bad Request", type: "text/plain; charset=utf-8", body: Data("请求格式不对\n".utf8), head: false)
            return
        }
        let method = String(parts[0])
        guard method == "GET" || method == "HEAD" else {
            respond(connection, status: "405 Method Not Allowed", type: "text/plain; charset=utf-8", body: Data("只支持 GET 和 HEAD\n".utf8),
                    head: method == "HEAD", extra: ["Allow: GET, HEAD"])
            return
        }
        let head = method == "HEAD"
        let target = String(parts[1])
        let rawPath = String(target.split(separator: "?", maxSplits: 1).first ?? "/")
        guard let path = rawPath.removingPercentEncoding, path.hasPrefix("/") else {
            respond(connection, status: "400 Bad Request", type: "text/plain; charset=utf-8", body: Data("地址不对\n".utf8), head: head)
            return
        }
        if path == "/" + PreviewServer.eventsPath || path == prefix + PreviewServer.eventsPath {
            openStream(connection)
            return
        }
        if path == "/" + PreviewServer.reloadPath || path == prefix + PreviewServer.reloadPath {
            respond(connection, status: "200 OK", type: "text/javascript; charset=utf-8", body: Data(reloadScript.utf8), head: head)
            return
        }
        guard path.hasPrefix(prefix) else {
            // The site lives under base_url's path: from the root, go there.
            if path == "/" {
                respond(connection, status: "302 Found", type: "text/plain; charset=utf-8", body: Data(), head: head, extra: ["Location: \(prefix)"])
            } else {
                notFound(connection, head: head)
            }
            return
        }
        let relative = String(path.dropFirst(prefix.count))
        let components = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.contains(where: { $0 == ".." || $0 == "." || $0.hasPrefix(".") && !$0.isEmpty && $0 != ".well-known" }) else {
            notFound(connection, head: head)
            return
        }
        var file = relative.isEmpty ? root : root.appendingPathComponent(relative)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder) else {
            notFound(connection, head: head)
            return
        }
        if isFolder.boolValue {
            guard path.hasSuffix("/") else {
                respond(connection, status: "301 Moved Permanently", type: "text/plain; charset=utf-8", body: Data(), head: head,
                        extra: ["Location: \(target.replacingOccurrences(of: rawPath, with: rawPath + "/"))"])
                return
            }
            file = file.appendingPathComponent("index.html")
        }
        guard let data = try? ContentFiles.contents(file.path) else {
            notFound(connection, head: head)
            return
        }
        let type = PreviewServer.contentType(of: file.lastPathComponent)
        if type.hasPrefix("text/html") {
            respond(connection, status: "200 OK", type: type, body: page(data), head: head)
        } else {
            respond(connection, status: "200 OK", type: type, body: data, head: head)
        }
    }

    /// The request line of a request (its headers read and dropped); nil when the connection closed or sent too much.
    private func readRequest(_ connection: Int32) -> String? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65536 {
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 { return nil }
            bytes += buffer[0..<count]
            if let end = bytes.firstRange(of: [13, 10, 13, 10]) ?? bytes.firstRange(of: [10, 10]) {
                let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
                return head.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" }).first.map(String.init)
            }
        }
        return nil
    }

    /// A page as sent: with the reload script before `</body>`, or the build's errors while it failed.
    private func page(_ data: Data) -> Data {
        lock.lock()
        let errors = failure
        let prefix = currentPrefix
        lock.unlock()
        if let errors { return Data(errorPage(errors).utf8) }
        var html = String(decoding: data, as: UTF8.self)
        let tag = "<script src=\"\(prefix)\(PreviewServer.reloadPath)\"></script>"
        if let body = html.range(of: "</body>", options: .backwards) {
            html.insert(contentsOf: tag + "\n", at: body.lowerBound)
        } else {
            html += tag
        }
        return Data(html.utf8)
    }

    private func errorPage(_ errors: [String]) -> String {
        let prefix = self.prefix
        let items = errors.map { "<li><code>\(PreviewServer.escape($0))</code></li>" }.joined(separator: "\n")
        return """
        <!DOCTYPE html>
        <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>生成失败 - tongbao serve</title></head>
        <body>
        <main role="alert">
        <h1>生成失败：\(errors.count) 个错误</h1>
        <p>改正下列文件后保存，页面会自动刷新。终端里也列出了同样的错误。</p>
        <ol>
        \(items)
        </ol>
        </main>
        <script src="\(prefix)\(PreviewServer.reloadPath)"></script>
        </body></html>

        """
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    private var reloadScript: String {
        let prefix = self.prefix
        return """
        // tongbao serve: reloads the page when a rebuild ends. Only in the preview, never in site/.
        (function () {
          var events = new EventSource("\(prefix)\(PreviewServer.eventsPath)");
          events.onmessage = function () { window.location.reload(); };
        })();

        """
    }

    private func openStream(_ connection: Int32) {
        let header = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n: tongbao\n\n"
        guard send(connection, header) else {
            close(connection)
            return
        }
        lock.lock()
        if stopped {
            lock.unlock()
            close(connection)
            return
        }
        streams.append(connection)
        lock.unlock()
    }

    private func notFound(_ connection: Int32, head: Bool) {
        let page = (try? ContentFiles.contents(root.appendingPathComponent("404.html").path)).map(page)
            ?? Data("<!DOCTYPE html><title>404</title><p>找不到这个页面</p>".utf8)
        respond(connection, status: "404 Not Found", type: "text/html; charset=utf-8", body: page, head: head)
    }

    private func respond(_ connection: Int32, status: String, type: String, body: Data, head: Bool, extra: [String] = []) {
        var header = "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nCache-Control: no-store\r\nConnection: close\r\n"
        for line in extra { header += line + "\r\n" }
        header += "\r\n"
        if send(connection, header), !head { _ = send(connection, body) }
        close(connection)
    }

    @discardableResult
    private func send(_ connection: Int32, _ text: String) -> Bool { send(connection, Data(text.utf8)) }

    private func send(_ connection: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = Glibc.send(connection, buffer.baseAddress?.advanced(by: offset), buffer.count - offset, Int32(MSG_NOSIGNAL))
                if sent < 0, errno == EINTR { continue }
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }
    }

    static func contentType(of name: String) -> String {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "html", "htm": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js": return "text/javascript; charset=utf-8"
        case "json": return "application/json; charset=utf-8"
        case "xml": return "application/xml; charset=utf-8"
        case "svg": return "image/svg+xml"
        case "txt": return "text/plain; charset=utf-8"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "webp": return "image/webp"
        case "ico": return "image/x-icon"
        case "pdf": return "application/pdf"
        case "doc": return "application/msword"
        case "docx": return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case "xls": return "application/vnd.ms-excel"
        case "xlsx": return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        case "zip": return "application/zip"
        case "gz": return "application/gzip"
        default: return "application/octet-stream"
        }
    }
}
