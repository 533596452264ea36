import Foundation

/// Text in the encodings a spreadsheet saves: UTF-8, with or without a BOM,
/// and GB18030 (the superset of GBK and GB2312 that Chinese Excel writes for
/// “CSV (逗号分隔)”), converted with glibc's iconv.
enum TextEncoding {
    /// The text of `bytes` in GB18030; nil when they are not valid GB18030 (or iconv lacks it).
    static func gb18030(_ bytes: ArraySlice<UInt8>) -> String? {
        // At most four bytes of UTF-8 for every two of GB18030 (a four-byte sequence gives four).
        convert(bytes, from: "GB18030", to: "UTF-8", capacity: bytes.count * 2 + 4).map { String(decoding: $0, as: UTF8.self) }
    }

    /// `text` in GB18030; nil when iconv cannot convert it.
    static func toGB18030(_ text: String) -> [UInt8]? {
        let bytes = Array(text.utf8)
        return convert(bytes[...], from: "UTF-8", to: "GB18030", capacity: bytes.count * 2 + 4)
    }

    private static func convert(_ bytes: ArraySlice<UInt8>, from source: String, to target: String, capacity: Int) -> [UInt8]? {
        let converter = iconv_open(target, source)
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        let input = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(1, bytes.count))
        let output = UnsafeMutableBufferPointer<CChar>.allocate(capacity: max(1, capacity))
        defer {
            input.deallocate()
            output.deallocate()
        }
        for (offset, byte) in bytes.enumerated() { input[offset] = CChar(bitPattern: byte) }
        var inPointer: UnsafeMutablePointer<CChar>? = input.baseAddress
        var inLeft = bytes.count
        var outPointer: UnsafeMutablePointer<CChar>? = output.baseAddress
        var outLeft = max(1, capacity)
        guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return nil }
        return output[0..<(max(1, capacity) - outLeft)].map { UInt8(bitPattern: $0) }
    }
}
