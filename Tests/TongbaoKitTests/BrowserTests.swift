import Foundation
import Testing
@testable import TongbaoKit

/// The pages in a real browser (Debian's chromium): at phone and desktop widths
/// no resource fails to load, the page body does not scroll sideways on a
/// phone (tables scroll in their own box), and fontconfig has a CJK font to
/// render the text. Screenshots are kept in `.build/artifacts/screenshots/`.
@Suite(.serialized) struct BrowserTests {
    /// Loads a page of the site in an iframe of the given width and reports, as
    /// JSON in the DOM that `--dump-dom` prints, what the page did.
    static let harness = """
    <!DOCTYPE html><html><head><meta charset="utf-8"><title>harness</title></head><body>
    <pre id="result">pending</pre>
    <script>
    const params = new URLSearchParams(location.search);
    const frame = document.createElement('iframe');
    frame.width = params.get('w'); frame.height = 900; frame.src = params.get('page');
    frame.onload = () => setTimeout(() => {
      const doc = frame.contentDocument, win = frame.contentWindow;
      const failed = win.performance.getEntriesByType('resource')
        .filter(e => e.responseStatus >= 400).map(e => e.name);
      const body = doc.scrollingElement;
      document.getElementById('result').textContent = JSON.stringify({
        scrollWidth: body.scrollWidth, clientWidth: body.clientWidth, failed: failed,
        title: doc.title, stylesheets: doc.styleSheets.length });
    }, 300);
    document.body.appendChild(frame);
    </script></body></html>
    """

    @Test func pagesAtPhoneAndDesktopWidths() throws {
        let tools = PrintLayoutTests.tools
        guard let chromium = tools[0], let python = tools[3] else {
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "chromium is not installed")
            return
        }
        // Chromium renders Chinese with whatever fontconfig offers for zh: there must be a CJK font.
        let fonts = try PrintLayoutTests.run("/usr/bin/fc-list", [":lang=zh", "family"])
        #expect(fonts.contains("CJK"), "no CJK font for Chinese (apt-get install fonts-noto-cjk): \(fonts.prefix(200))")
        let site = try TemporarySite(copying: Paths.repository.appendingPathComponent("content"))
        defer { site.remove() }
        #expect(site.build().succeeded)
        try Data(BrowserTests.harness.utf8).write(to: site.output.appendingPathComponent("__harness.html"))
        let server = try PrintLayoutTests.Server(folder: site.output, python: python)
        defer { server.stop() }
        let artifacts = Paths.repository.appendingPathComponent(".build/artifacts/screenshots")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let pages = [("home", "/"), ("notice", "/notices/kaohe-bushuhui-2026/"), ("circular", "/circulars/2026-10/"),
                     ("exposures", "/exposures/"), ("404", "/404.html"),
                     ("search", "/search/?q=%E5%8D%B1%E5%8C%96")]
        for (name, path) in pages {
            for width in [390, 1280] {
                let url = "http://127.0.0.1:\(server.port)/__harness.html?w=\(width)&page=\(path)"
                let arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=8000",
                                 "--user-data-dir=\(site.root.appendingPathComponent("profile").path)", "--dump-dom", url]
                // A browser that fails to start under load gets one more try; what it said is reported.
                var run = try ToolRun.run(URL(fileURLWithPath: chromium), arguments)
                if !run.output.contains("<pre id=\"result\">") { run = try ToolRun.run(URL(fileURLWithPath: chromium), arguments) }
                let dom = run.output
                guard let start = dom.range(of: "<pre id=\"result\">"), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
                    Issue.record("\(name) at \(width): no result (exit \(run.status)) in \(dom.prefix(300)); chromium said: \(run.errors.suffix(600))")
                    continue
                }
                let text = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"")
                let result = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(name): \(text)")
                #expect((result["failed"] as? [String])?.isEmpty == true, "\(name) at \(width): failed loads \(result["failed"] ?? "")")
                #expect((result["stylesheets"] as? Int ?? 0) >= 1, "\(name) at \(width): no stylesheet")
                let scroll = result["scrollWidth"] as? Int ?? 0, client = result["clientWidth"] as? Int ?? 0
                #expect(scroll <= client, "\(name) at \(width) px: the page scrolls sideways (\(scroll) > \(client))")
                _ = try PrintLayoutTests.run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                                        "--user-data-dir=\(site.root.appendingPathComponent("profile").path)",
                                                        "--window-size=\(width),1600",
                                                        "--screenshot=\(artifacts.appendingPathComponent("\(name)-\(width).png").path)",
                                                        "http://127.0.0.1:\(server.port)\(path)"])
                #expect(FileManager.default.fileExists(atPath: artifacts.appendingPathComponent("\(name)-\(width).png").path))
            }
        }
    }
}
