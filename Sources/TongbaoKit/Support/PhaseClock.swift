import Foundation

/// Wall time of each phase of a build, printed to standard error when the
/// environment has `TONGBAO_TIMINGS=1` or the command was given `--verbose`
/// (`PhaseClock.printAll()`); never part of the output.
public struct PhaseClock {
    let enabled = PhaseClock.printing

    private static let lock = NSLock()
    nonisolated(unsafe) private static var asked = ProcessInfo.processInfo.environment["TONGBAO_TIMINGS"] == "1"

    /// Whether phases are printed.
    static var printing: Bool {
        lock.lock()
        defer { lock.unlock() }
        return asked
    }

    /// Prints the phases of every build from now on (`--verbose`).
    public static func printAll() {
        lock.lock()
        asked = true
        lock.unlock()
    }
    private var last = DispatchTime.now().uptimeNanoseconds
    private var phases: [(String, UInt64)] = []

    mutating func mark(_ phase: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        phases.append((phase, now - last))
        last = now
    }

    /// - Parameter prefix: put before each phase's name (a stage's own phases).
    func report(prefix: String = "") {
        guard enabled else { return }
        let total = phases.reduce(0) { $0 + $1.1 }
        var text = ""
        for (phase, nanoseconds) in phases {
            text += String(format: "%-16@ %8.1f ms\n", (prefix + phase) as NSString, Double(nanoseconds) / 1e6)
        }
        text += String(format: "%-16@ %8.1f ms\n", (prefix + "total") as NSString, Double(total) / 1e6)
        FileHandle.standardError.write(Data(text.utf8))
    }
}
