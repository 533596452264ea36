import Foundation
import Testing
@testable import TongbaoKit

/// `tongbao serve` as a user runs it: it builds, serves the site under its
/// base_url's path on the loopback address, rebuilds when a file changes and
/// tells open pages to reload, shows a failed build in the browser until it is
/// fixed, and stops cleanly on SIGINT and SIGTERM. `site/` never holds the
/// reload script.
@Suite(.serialized) struct ServeTests {
    /// A running `tongbao serve`, its standard output gathered as it comes.
    final class Running: @unchecked Sendable {
        let process = Process()
        private let lock = NSLock()
        private var text = ""

        init(in folder: URL, _ arguments: [String]) throws {
            process.executableURL = try CommandTests.executable
            process.arguments = ["serve"] + arguments
            process.currentDirectoryURL = folder
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            out.fileHandleForReading.readabilityHandler = { [self] handle in
                let data = handle.availableData
                lock.lock()
                text += String(decoding: data, as: UTF8.self)
                lock.unlock()
            }
            try process.run()
        }

        var output: String {
            lock.lock()
            defer { lock.unlock() }
            return text
        }

        /// Waits (up to `seconds`) until `condition` holds.
        func wait(_ seconds: Double = 20, until condition: () -> Bool) -> Bool {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                if condition() { return true }
                usleep(50_000)
            }
            return condition()
        }

        var port: Int? {
            guard let range = output.range(of: "http://127.0.0.1:") else { return nil }
            return Int(output[range.upperBound...].prefix { $0.isNumber })
        }
    }

    /// One HTTP request over a plain socket: status, headers and body (read to the end, or for `seconds`).
    static func get(_ port: Int, _ path: String, seconds: Int = 5, until: String? = nil) -> (status: Int, head: String, body: String)? {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return nil }
        defer { close(socket) }
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            bytes += buffer[0..<count]
            if let until, String(decoding: bytes, as: UTF8.self).contains(until) { break }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n"), let status = Int(text.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return (status, String(text[..<split.lowerBound]), String(text[split.upperBound...]))
    }

    @Test func servesRebuildsReloadsAndStops() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        try site.edit("site.yml") { $0.replacingOccurrences(of: "https://anwei.example.gov.cn/sub/", with: "https://www.example.gov.cn/anwei/") }
        let settings = try String(contentsOf: site.content.appendingPathComponent("site.yml"), encoding: .utf8)
        #expect(settings.contains("/anwei/"))
        let serve = try Running(in: site.root, ["--port", "0"])
        defer { if serve.process.isRunning { serve.process.terminate() } }
        #expect(serve.wait { serve.port != nil }, "\(serve.output)")
        let port = try #require(serve.port)
        #expect(serve.output.contains("http://127.0.0.1:\(port)/anwei/"))

        // The site under its base_url's path, with the reload script; the root sends there.
        let home = try #require(ServeTests.get(port, "/anwei/"))
        #expect(home.status == 200 && home.body.contains("/anwei/__tongbao/reload.js"))
        let root = try #require(ServeTests.get(port, "/"))
        #expect(root.status == 302 && root.head.contains("Location: /anwei/"))
        #expect(ServeTests.get(port, "/anwei/notices")?.status == 301)
        #expect(ServeTests.get(port, "/anwei/no-such-page/")?.status == 404)
        #expect(ServeTests.get(port, "/anwei/.tongbao")?.status == 404)
        #expect(ServeTests.get(port, "/anwei/../site.yml")?.status == 404)
        let script = try #require(ServeTests.get(port, "/anwei/__tongbao/reload.js"))
        #expect(script.status == 200 && script.body.contains("EventSource"))
        // The published files hold no script.
        #expect(!site.text("index.html").contains("__tongbao") && site.text("index.html").contains("</body>"))

        // An open page is told to reload when a rebuild ends.
        let events = Thread.detachNewThreadWithResult { ServeTests.get(port, "/anwei/__tongbao/events", seconds: 20, until: "data: reload") }
        usleep(300_000)
        let page = "notices/tuijin/index.html"
        #expect(site.text(page).contains("推进"))
        try site.edit("notices/2021-06-15-tuijin.md") { $0 + "\n预览中新加的一段。\n" }
        #expect(serve.wait { ServeTests.get(port, "/anwei/notices/tuijin/")?.body.contains("预览中新加的一段") == true })
        #expect(site.text(page).contains("预览中新加的一段") && !site.text(page).contains("__tongbao"))
        let told = events.value ?? nil
        #expect(told?.head.contains("text/event-stream") == true && told?.body.contains("data: reload") == true, "\(String(describing: told))")

        // A failed build shows in the browser; fixing the file recovers.
        try site.write("site.yml", settings + "title: 重复的标题\n")
        #expect(serve.wait { ServeTests.get(port, "/anwei/")?.body.contains("生成失败") == true })
        #expect(ServeTests.get(port, "/anwei/")?.body.contains("site.yml:") == true)
        try site.write("site.yml", settings)
        #expect(serve.wait { ServeTests.get(port, "/anwei/").map { $0.status == 200 && !$0.body.contains("生成失败") } == true })

        // SIGTERM stops it cleanly.
        kill(serve.process.processIdentifier, SIGTERM)
        #expect(serve.wait { !serve.process.isRunning })
        #expect(serve.process.terminationStatus == 0 && serve.output.contains("已停止预览"))
        #expect(ServeTests.get(port, "/anwei/") == nil)
    }

    @Test func stopsOnControlCAndRefusesABusyPort() throws {
        let site = try TemporarySite(copying: BuildTests.mini)
        defer { site.remove() }
        let serve = try Running(in: site.root, ["--port", "0", "--output", "preview"])
        defer { if serve.process.isRunning { serve.process.terminate() } }
        #expect(serve.wait { serve.port != nil })
        let port = try #require(serve.port)
        #expect(FileManager.default.fileExists(atPath: site.root.appendingPathComponent("preview/index.html").path))
        // A second server on the same port says so and exits 1.
        let busy = try CommandTests.run(["serve", "--port", String(port)], in: site.root)
        #expect(busy.status == 1 && busy.errors.contains("已被占用"))
        kill(serve.process.processIdentifier, SIGINT)
        #expect(serve.wait { !serve.process.isRunning })
        #expect(serve.process.terminationStatus == 0)
    }
}

extension Thread {
    /// Runs `work` on a new thread; `value` waits for its result.
    final class Result<Value: Sendable>: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var result: Value?
        fileprivate func finish(_ value: Value) {
            result = value
            done.signal()
        }
        var value: Value? {
            done.wait()
            done.signal()
            return result
        }
    }

    static func detachNewThreadWithResult<Value: Sendable>(_ work: @escaping @Sendable () -> Value) -> Result<Value> {
        let result = Result<Value>()
        Thread.detachNewThread { result.finish(work()) }
        return result
    }
}
