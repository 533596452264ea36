import Foundation

/// Sorting text by its UTF-8 bytes, the order `LC_ALL=C sort` gives. For text in
/// Unicode normal form C (every path and name a build makes, and nearly every file
/// name) it is the order of `String`'s `<`, which also normalises every pair it
/// compares: sorting the ten thousand names of a notices folder or the twenty
/// thousand paths of a manifest that way takes several milliseconds, this way a
/// fraction of one.
enum ByteOrder {
    /// A string's first sixteen bytes as two big-endian numbers (zeros after its end):
    /// comparing the numbers orders most pairs without reading the strings again.
    private struct Key {
        let high: UInt64
        let low: UInt64
        let index: Int
    }

    /// The positions of `texts` in byte order; equal texts keep their order.
    static func order(_ count: Int, _ text: (Int) -> String) -> [Int] {
        // The keys start after the bytes every text shares ("content/notices/" of every notice file).
        var shared = count > 0 ? text(0).utf8.count : 0
        for index in 1..<max(1, count) where shared > 0 {
            shared = min(shared, commonPrefix(text(0), text(index), limit: shared))
        }
        var keys: [Key] = []
        keys.reserveCapacity(count)
        for index in 0..<count {
            var start: (UInt64, UInt64) = (0, 0)
            let text = text(index)
            let copied = text.utf8.withContiguousStorageIfAvailable { utf8 in
                withUnsafeMutableBytes(of: &start) { key in
                    key.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: utf8.dropFirst(shared).prefix(16))))
                }
            }
            if copied == nil {
                withUnsafeMutableBytes(of: &start) { buffer in
                    for (offset, byte) in text.utf8.dropFirst(shared).prefix(16).enumerated() { buffer[offset] = byte }
                }
            }
            keys.append(Key(high: UInt64(bigEndian: start.0), low: UInt64(bigEndian: start.1), index: index))
        }
        keys.sort { a, b in
            if a.high != b.high { return a.high < b.high }
            if a.low != b.low { return a.low < b.low }
            switch compare(text(a.index), text(b.index)) {
            case .less: return true
            case .greater: return false
            case .equal: return a.index < b.index
            }
        }
        return keys.map(\.index)
    }

    /// `values` sorted by the text `key` gives for each, in byte order; equal keys keep their order.
    static func sorted<Value>(_ values: [Value], by key: (Value) -> String) -> [Value] {
        order(values.count) { key(values[$0]) }.map { values[$0] }
    }

    /// `texts` in byte order.
    static func sorted(_ texts: [String]) -> [String] {
        sorted(texts) { $0 }
    }

    /// How many leading bytes `a` and `b` share, up to `limit`.
    private static func commonPrefix(_ a: String, _ b: String, limit: Int) -> Int {
        let fast = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right -> Int in
                let end = min(limit, left.count, right.count)
                var index = 0
                while index < end, left[index] == right[index] { index += 1 }
                return index
            }
        }
        if let shared = fast ?? nil { return shared }
        var shared = 0
        for (l, r) in zip(a.utf8, b.utf8) {
            guard shared < limit, l == r else { break }
            shared += 1
        }
        return shared
    }

    enum Comparison { case less, equal, greater }

    /// How `a` compares with `b`, byte by byte.
    static func compare(_ a: String, _ b: String) -> Comparison {
        let fast = a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right -> Comparison in
                let common = min(left.count, right.count)
                if common > 0, let l = left.baseAddress, let r = right.baseAddress {
                    let result = memcmp(l, r, common)
                    if result != 0 { return result < 0 ? .less : .greater }
                }
                return left.count == right.count ? .equal : (left.count < right.count ? .less : .greater)
            }
        }
        if let result = fast ?? nil { return result }
        // Bridged or otherwise non-contiguous text: element by element.
        var left = a.utf8.makeIterator(), right = b.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return .equal
            case (nil, _): return .less
            case (_, nil): return .greater
            case let (l?, r?) where l != r: return l < r ? .less : .greater
            default: continue
            }
        }
    }
}
