/// A JSON value with ordered object keys, so that every rebuild writes the same bytes.
public indirect enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    /// A number written exactly as given (from `FixedDecimal` or a ratio).
    case number(String)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func == (lhs: JSON, rhs: JSON) -> Bool { lhs.serialized() == rhs.serialized() }

    public static func decimal(_ value: FixedDecimal) -> JSON { .number(value.description) }

    /// A ratio as the shortest decimal that reads back as the same double (`0.95`), or null.
    public static func ratio(_ value: Double?) -> JSON {
        guard let value, value.isFinite else { return .null }
        return .number(value.description)
    }

    /// Pretty-printed with two-space indentation and a final newline.
    public func serialized() -> String {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        write(into: &output, indent: 0)
        output.append(UInt8(ascii: "\n"))
        return String(decoding: output, as: UTF8.self)
    }

    private static func indentation(_ depth: Int, into output: inout [UInt8]) {
        for _ in 0..<(depth * 2) { output.append(UInt8(ascii: " ")) }
    }

    private func write(into output: inout [UInt8], indent: Int) {
        switch self {
        case .null: output += "null".utf8
        case .bool(let value): output += (value ? "true" : "false").utf8
        case .int(let value): output += String(value).utf8
        case .number(let text): output += text.utf8
        case .string(let text): JSON.writeString(text, into: &output)
        case .array(let items):
            if items.isEmpty { output += "[]".utf8; return }
            output += "[\n".utf8
            for (index, item) in items.enumerated() {
                JSON.indentation(indent + 1, into: &output)
                item.write(into: &output, indent: indent + 1)
                output += (index == items.count - 1 ? "\n" : ",\n").utf8
            }
            JSON.indentation(indent, into: &output)
            output.append(UInt8(ascii: "]"))
        case .object(let pairs):
            if pairs.isEmpty { output += "{}".utf8; return }
            output += "{\n".utf8
            for (index, pair) in pairs.enumerated() {
                JSON.indentation(indent + 1, into: &output)
                JSON.writeString(pair.0, into: &output)
                output += ": ".utf8
                pair.1.write(into: &output, indent: indent + 1)
                output += (index == pairs.count - 1 ? "\n" : ",\n").utf8
            }
            JSON.indentation(indent, into: &output)
            output.append(UInt8(ascii: "}"))
        }
    }

    /// A string literal: `"`, `\\`, control characters, `<` (safe to embed in HTML)
    /// and U+2028/U+2029 escaped; text with none of them is copied as it is.
    static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        let plain = text.withUTF8 { utf8 in
            // Nothing to escape (0xE2 starts U+2028 and U+2029): the bytes as they are.
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "<") || byte == 0xE2 {
                return false
            }
            output.append(contentsOf: utf8)
            return true
        }
        if plain {
            output.append(UInt8(ascii: "\""))
            return
        }
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case "<": escaped += "\\u003c"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        output += escaped.utf8
        output.append(UInt8(ascii: "\""))
    }
}
