import Foundation

/// Work spread over all cores, results in the order of the input: the one way
/// the pipeline runs things in parallel.
enum Parallel {
    /// `transform` of every index in `0..<count`, in order; on all cores, or one
    /// by one when `parallel` is false (the output is the same either way).
    static func map<Value: Sendable>(_ count: Int, parallel: Bool = true,
                                     _ transform: @Sendable (Int) -> Value) -> [Value] {
        guard parallel, count > 1 else { return (0..<count).map(transform) }
        // Each result is put in its place in the array by the thread that made it:
        // no lock, no copy (every index is written once, and read after all are done).
        return Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let slots = ResultSlots(base: base)
            DispatchQueue.concurrentPerform(iterations: count) { index in slots.put(transform(index), at: index) }
            initialized = count
        }
    }

    /// The same, the indices taken `chunk` at a time by each thread: for work too small per index
    /// to be worth a dispatch of its own.
    static func map<Value: Sendable>(_ count: Int, chunk: Int, parallel: Bool = true,
                                     _ transform: @Sendable (Int) -> Value) -> [Value] {
        guard parallel, count > chunk else { return (0..<count).map(transform) }
        return Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let slots = ResultSlots(base: base)
            DispatchQueue.concurrentPerform(iterations: (count + chunk - 1) / chunk) { part in
                for index in (part * chunk)..<min(count, (part + 1) * chunk) { slots.put(transform(index), at: index) }
            }
            initialized = count
        }
    }

    /// The same over chunks of `size` indices, for work that sets something up
    /// once per chunk (a compressor, a loader); the chunks' results joined in order.
    static func mapChunks<Value: Sendable>(_ count: Int, size: Int,
                                           _ transform: @Sendable (Range<Int>) -> [Value]) -> [Value] {
        let chunks = (count + size - 1) / size
        return map(chunks) { chunk in transform((chunk * size)..<min(count, (chunk + 1) * size)) }.flatMap { $0 }
    }
}

/// The uninitialized memory of `Parallel.map`'s result, shared by its threads.
private struct ResultSlots<Value>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Value>

    func put(_ value: Value, at index: Int) { (base + index).initialize(to: value) }
}

/// Results of work spread over all cores: one slot per item, each written by one thread.
final class ParallelResults<Value>: @unchecked Sendable {
    private var slots: [Value]
    private let lock = NSLock()

    init(count: Int, initial: Value) { slots = Array(repeating: initial, count: count) }

    func store(_ value: Value, at position: Int) {
        lock.lock()
        slots[position] = value
        lock.unlock()
    }

    /// Read once every store has returned.
    func value(at position: Int) -> Value { slots[position] }
}
