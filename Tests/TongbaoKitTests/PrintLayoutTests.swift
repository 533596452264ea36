import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking // Data(contentsOf:) for http URLs on Linux
#endif
import Testing
@testable import TongbaoKit

/// Printing a circular and a notice from a real browser (Debian's chromium)
/// gives GB/T 9704 pages: A4, the text block 28 mm from the left and 37 mm
/// from the top, the 发文字号 and title in the text. Measured with poppler.
@Suite(.serialized) struct PrintLayoutTests {
    static let tools = ["chromium", "pdfinfo", "pdftotext", "python3"].map { name in
        ["/usr/bin/\(name)", "/usr/local/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        try ToolRun.run(URL(fileURLWithPath: tool), arguments).output
    }

    /// A static file server on loopback for the built site, stopped when the test ends.
    /// The kernel picks a free port (port 0) and the server prints which one, so
    /// two servers, or anything else on the machine, can never collide on a port.
    final class Server {
        let process = Process()
        let port: Int

        enum Failure: Error, CustomStringConvertible {
            case noPort(String)
            var description: String {
                switch self { case .noPort(let said): "the test web server did not say its port: \(said)" }
            }
        }

        init(folder: URL, python: String) throws {
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", folder.path]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            // "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..." is its first line; request logs go to stderr.
            var said = Data()
            while !said.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break } // it exited
                said.append(chunk)
            }
            let line = String(decoding: said, as: UTF8.self)
            guard let range = line.range(of: " port "),
                  let port = Int(line[range.upperBound...].prefix { $0.isNumber }) else {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw Failure.noPort(line)
            }
            self.port = port
            // It listens before it prints; still, wait until a page comes back.
            for _ in 0..<100 {
                if let url = URL(string: "http://127.0.0.1:\(port)/"), (try? Data(contentsOf: url)) != nil { return }
                usleep(100_000)
            }
            Issue.record("the test web server on port \(port) does not answer")
        }

        func stop() {
            guard process.isRunning else { return }
            // Foundation starts children with SIGTERM blocked, so terminate() would not end it.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        deinit { stop() }
    }

    struct Page {
        let width: Double
        let height: Double
        /// Smallest x and y of any word on the first page, in points.
        let left: Double
        let top: Double
        let text: String
    }

    static func printed(_ url: String, chromium: String, pdfinfo: String, pdftotext: String, into folder: URL) throws -> Page {
        let pdf = folder.appendingPathComponent("print-\(UUID().uuidString).pdf")
        _ = try run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                               "--user-data-dir=\(folder.appendingPathComponent("chromium-profile").path)",
                               "--print-to-pdf=\(pdf.path)", url])
        let info = try run(pdfinfo, [pdf.path])
        let size = info.split(separator: "\n").first { $0.hasPrefix("Page size:") } ?? ""
        let numbers = size.split(separator: " ").compactMap { Double($0) }
        let bbox = try run(pdftotext, ["-f", "1", "-l", "1", "-bbox", pdf.path, "-"])
        var left = Double.infinity, top = Double.infinity
        for line in bbox.split(separator: "\n") where line.contains("<word") {
            func attribute(_ name: String) -> Double? {
                guard let range = line.range(of: "\(name)=\"") else { return nil }
                return Double(line[range.upperBound...].prefix { $0 != "\"" })
            }
            if let x = attribute("xMin"), let y = attribute("yMin") {
                left = min(left, x)
                top = min(top, y)
            }
        }
        let text = try run(pdftotext, [pdf.path, "-"])
        return Page(width: numbers.first ?? 0, height: numbers.dropFirst().first ?? 0, left: left, top: top, text: text)
    }

    @Test func circularsAndNoticesPrintAsOfficialDocuments() throws {
        let tools = PrintLayoutTests.tools
        guard let chromium = tools[0], let pdfinfo = tools[1], let pdftotext = tools[2], let python = tools[3] else {
            // CI installs them (scripts/install-deps); elsewhere the check is skipped.
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "chromium and poppler-utils are not installed")
            return
        }
        let site = try TemporarySite(copying: Paths.repository.appendingPathComponent("content"))
        defer { site.remove() }
        try site.write("circulars/2026-10.md", "---\ndate: 2026-11-05\ndoc_no: 40\nto: 各乡镇人民政府\n---\n请各地对照排名抓好整改。\n")
        #expect(site.build().succeeded)
        let server = try Server(folder: site.output, python: python)
        defer { server.stop() }
        let millimetre = 72.0 / 25.4
        let pages = [
            ("circulars/2026-10/", "安委办〔2026〕40号", "2026年10月全县安全生产工作通报"),
            ("notices/kaohe-bushuhui-2026/", "安委办〔2026〕31号", "关于召开2026年度安全生产目标责任考核工作部署会的通知"),
        ]
        for (path, number, title) in pages {
            let page = try PrintLayoutTests.printed("http://127.0.0.1:\(server.port)/\(path)", chromium: chromium, pdfinfo: pdfinfo,
                                                    pdftotext: pdftotext, into: site.root)
            #expect(abs(page.width - 595.28) < 1 && abs(page.height - 841.89) < 1, "\(path): A4, got \(page.width) × \(page.height)")
            #expect(abs(page.left - 28 * millimetre) <= 2 * millimetre, "\(path): left margin \(page.left / millimetre) mm")
            #expect(abs(page.top - 37 * millimetre) <= 2 * millimetre, "\(path): top margin \(page.top / millimetre) mm")
            let text = page.text.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\n", with: "")
            #expect(text.contains(number), "\(path): \(number)")
            #expect(text.contains(title), "\(path): \(title)")
        }
    }
}
