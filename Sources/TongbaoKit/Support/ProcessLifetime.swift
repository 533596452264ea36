import CShims
import Foundation

/// Values a one-shot command keeps until the process exits instead of freeing
/// them: freeing the model and the planned pages of a site of ten thousand
/// documents (millions of small objects) takes longer than a rebuild's useful
/// work, and exiting returns the memory at once. Off unless the command turns
/// it on (`tongbao build` and `check` do); a long-running caller (the tests)
/// frees as usual.
public enum ProcessLifetime {
    nonisolated(unsafe) private static var enabled = false
    nonisolated(unsafe) private static var kept: [Any] = []
    private static let lock = NSLock()

    /// Called once, at the start of a command that exits when its work is done.
    ///
    /// It also tells the C allocator to grow its heaps in large steps and never to
    /// give memory back: a rebuild otherwise spent a few per cent of its time in
    /// some 2,900 `mprotect` calls growing and trimming the threads' heaps, and
    /// exiting returns everything at once. (Pages are still only taken when touched,
    /// so the peak memory does not grow.)
    public static func keepValuesUntilExit() {
        lock.lock()
        enabled = true
        lock.unlock()
        tongbao_keep_heaps()
    }

    /// Keeps `value` alive until the process exits, when enabled.
    static func keep(_ value: Any) {
        lock.lock()
        if enabled { kept.append(value) }
        lock.unlock()
    }
}
