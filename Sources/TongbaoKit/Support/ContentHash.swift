/// FNV-1a, 64 bits: a fast, stable content fingerprint for asset file names
/// (cache busting), not for security.
enum ContentHash {
    static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Eight lowercase hex digits.
    static func short(_ bytes: some Sequence<UInt8>) -> String {
        let value = fnv1a(bytes) >> 32
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
