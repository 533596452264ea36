import Foundation
import TongbaoKit

/// How the command line talks to the person at the terminal: colours only on a
/// terminal and never with `NO_COLOR` (https://no-color.org) or `TERM=dumb`,
/// progress only on a terminal (or with `--verbose`) and never with `--quiet`.
struct Terminal: Sendable {
    /// Standard error is a terminal that takes colours.
    let colours: Bool
    /// Stage lines are printed to standard error as the build goes.
    let progress: Bool
    /// The success summary is printed (not with `--quiet`).
    let summary: Bool

    init(quiet: Bool, verbose: Bool, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let terminal = isatty(STDERR_FILENO) == 1
        let noColour = !(environment["NO_COLOR"] ?? "").isEmpty || environment["TERM"] == "dumb"
        colours = terminal && !noColour
        progress = !quiet && (terminal || verbose)
        summary = !quiet
    }

    enum Style: String {
        case bold = "1"
        case red = "1;31"
        case yellow = "1;33"
        case green = "32"
        case dim = "2"
    }

    func styled(_ text: String, _ style: Style) -> String {
        colours ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// A line on standard output, written at once (a long-running command's lines are not held in a buffer).
    func output(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// A diagnostic as `file:line:column: error: message`, the location bold and the severity coloured.
    func line(for diagnostic: Diagnostic) -> String {
        let location = "\(diagnostic.location.file):\(diagnostic.location.line):\(diagnostic.location.column):"
        let severity = diagnostic.severity == .error ? styled("error:", .red) : styled("warning:", .yellow)
        return "\(styled(location, .bold)) \(severity) \(diagnostic.message)"
    }

    /// What `BuildOptions.progress` is given: a line per stage on standard error, or nothing.
    func progressPrinter(output: String?) -> (@Sendable (BuildEvent) -> Void)? {
        guard progress else { return nil }
        let terminal = self
        return { event in
            switch event {
            case .loaded(let counts, let seconds):
                var parts = ["\(counts.notices) 份通知"]
                if counts.bulletins > 0 { parts.append("\(counts.bulletins) 份简报") }
                if counts.pages > 0 { parts.append("\(counts.pages) 个页面") }
                if counts.narratives > 0 { parts.append("\(counts.narratives) 份通报和曝光说明") }
                var text = parts.joined(separator: "、")
                if counts.ledgerRows + counts.referenceRows > 0 { text += "，基础数据 \(counts.referenceRows) 行、台账 \(counts.ledgerRows) 行" }
                if counts.staticFiles > 0 { text += "，static/ 文件 \(counts.staticFiles) 个" }
                if counts.noticesReused > 0 { text += "（\(counts.noticesReused) 份通知未改动）" }
                terminal.stage("读取", text, seconds)
            case .rendered(let pages, let reused, let seconds):
                terminal.stage("生成", "\(pages) 个页面" + (reused > 0 ? "（\(reused) 个未变，沿用上次的结果）" : ""), seconds)
            case .finished(let files, let seconds):
                terminal.stage("检查", "\(files) 个文件：个人信息检查、压缩、摘要", seconds)
            case .published(let written, let kept, let removed, let seconds):
                var text = "新写入 \(written) 个文件，\(kept) 个未变"
                if let removed { text += "，删除 \(removed) 个" }
                if let output { text += " → \(output)/" }
                terminal.stage("发布", text, seconds)
            }
        }
    }

    private func stage(_ name: String, _ text: String, _ seconds: Double) {
        error("\(styled(name, .bold))  \(text)  \(styled(String(format: "%.2f 秒", seconds), .dim))")
    }
}
