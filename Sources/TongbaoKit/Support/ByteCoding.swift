import Foundation

/// A compact binary encoding for the caches beside the output folder: integers
/// as variable-length numbers (7 bits a byte), strings as their UTF-8 length
/// and bytes. The caches are read back by the same build of tongbao only (the
/// tool's identity is in their header), so the encoding needs no versions
/// inside; a damaged or truncated file is read as no cache at all.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func int(_ value: Int) {
        // Zig-zag, so that small negative numbers stay short.
        var rest = UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Bytes written before by another writer, as they are.
    mutating func raw(_ slice: ArraySlice<UInt8>) { bytes.append(contentsOf: slice) }

    mutating func raw(_ buffer: UnsafeRawBufferPointer) { bytes.append(contentsOf: buffer) }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            int(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func optionalString(_ value: String?) {
        bool(value != nil)
        if let value { string(value) }
    }

    mutating func strings(_ values: [String]) {
        int(values.count)
        for value in values { string(value) }
    }
}

/// Reads what `ByteWriter` wrote; every read fails (nil) past the end or on a
/// malformed value, never traps.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var position: Int
    /// Where reading stops (the end of the bytes, or of one record in them).
    private let end: Int

    init(_ bytes: [UInt8], from position: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.position = position
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var atEnd: Bool { position >= end }

    /// Passes over `count` bytes (never beyond the end).
    mutating func skip(_ count: Int) { position = min(end, position + max(0, count)) }

    mutating func int() -> Int? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < end, shift < 64 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                return Int(Int64(bitPattern: result >> 1) ^ -Int64(bitPattern: result & 1))
            }
            shift += 7
        }
        return nil
    }

    /// A count or length: not negative, and not more than the bytes left could hold.
    mutating func count() -> Int? {
        guard let value = int(), value >= 0, value <= end - position else { return nil }
        return value
    }

    mutating func bool() -> Bool? {
        guard position < end, bytes[position] <= 1 else { return nil }
        position += 1
        return bytes[position - 1] == 1
    }

    mutating func string() -> String? {
        guard let length = count() else { return nil }
        let end = position + length
        // Decoded from a buffer (`String(validating:)` on a slice runs generic code, a third of the time
        // a rebuild takes to decode its cached notices); text that was not UTF-8 comes back repaired, and is refused.
        let text: String? = bytes.withUnsafeBufferPointer { all in
            let source = UnsafeBufferPointer(rebasing: all[position..<end])
            var text = String(decoding: source, as: UTF8.self)
            let same = text.withUTF8 { decoded in
                guard decoded.count == source.count, let left = decoded.baseAddress, let right = source.baseAddress else {
                    return decoded.isEmpty && source.isEmpty
                }
                return memcmp(left, right, source.count) == 0
            }
            return same ? text : nil
        }
        position = end
        return text
    }

    /// Where the next string's bytes lie, passed over without decoding them; nil when it cannot be read.
    mutating func stringRange() -> Range<Int>? {
        guard let length = count() else { return nil }
        defer { position += length }
        return position..<(position + length)
    }

    /// nil when the value cannot be read; `.some(nil)` for an absent value.
    mutating func optionalString() -> String?? {
        guard let present = bool() else { return nil }
        guard present else { return .some(nil) }
        guard let text = string() else { return nil }
        return .some(text)
    }

    mutating func strings() -> [String]? {
        guard let count = count() else { return nil }
        var result: [String] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            guard let text = string() else { return nil }
            result.append(text)
        }
        return result
    }
}
