/// Where a node starts: 1-based line and column, the column counted in Unicode
/// scalars (libyaml's `yaml_mark_t` plus one, as Yams reported it). Line 0: no place
/// (a node made up by the loader, not read from a file).
struct YAMLMark: Equatable, Sendable {
    var line: Int32
    var column: Int32

    static let none = YAMLMark(line: 0, column: 0)
}

/// A scalar's style, libyaml's `yaml_scalar_style_t`.
enum YAMLScalarStyle: UInt8, Sendable {
    case any = 0, plain, singleQuoted, doubleQuoted, literal, folded
}

/// One `key: value` of a mapping.
struct YAMLPair: Equatable, Sendable {
    var key: YAMLNode
    var value: YAMLNode
}

/// A composed YAML node. Every scalar is text (no tag resolution). An alias is the
/// node its anchor names, shared (arrays are copied on write), so an alias bomb
/// costs no more than its text. `tag` numbers an explicit tag within one parse
/// (0: none, or one that resolves to the default `str`/`seq`/`map`); it only
/// matters to tell duplicate keys apart as Yams did.
enum YAMLNode: Equatable, Sendable {
    case scalar(String, YAMLScalarStyle, YAMLMark, tag: UInt32)
    case sequence([YAMLNode], YAMLMark, tag: UInt32)
    case mapping([YAMLPair], YAMLMark, tag: UInt32)

    var mark: YAMLMark {
        switch self {
        case .scalar(_, _, let mark, _), .sequence(_, let mark, _), .mapping(_, let mark, _): return mark
        }
    }

    /// The text of a scalar; nil for a collection.
    var string: String? {
        if case .scalar(let text, _, _, _) = self { return text }
        return nil
    }

    /// An empty mapping that has no place in a file.
    static let emptyMapping = YAMLNode.mapping([], .none, tag: 0)

    /// Equal as Yams' `Node` (and YAML) compare keys: same kind, text and tag; places do not count.
    static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        switch (lhs, rhs) {
        case let (.scalar(a, _, _, tagA), .scalar(b, _, _, tagB)): return tagA == tagB && a == b
        case let (.sequence(a, _, tagA), .sequence(b, _, tagB)): return tagA == tagB && a == b
        case let (.mapping(a, _, tagA), .mapping(b, _, tagB)): return tagA == tagB && a == b
        default: return false
        }
    }

    /// Yams' `Node` ordering, used to pick which duplicated key is reported: scalars
    /// by text, collections item by item (mappings by key), different kinds unordered.
    static func precedes(_ lhs: YAMLNode, _ rhs: YAMLNode) -> Bool {
        switch (lhs, rhs) {
        case let (.scalar(a, _, _, _), .scalar(b, _, _, _)):
            return a < b
        case let (.sequence(a, _, _), .sequence(b, _, _)):
            return lexicographicallyPrecedes(a, b)
        case let (.mapping(a, _, _), .mapping(b, _, _)):
            return lexicographicallyPrecedes(a.map(\.key), b.map(\.key))
        default:
            return false
        }
    }

    private static func lexicographicallyPrecedes(_ lhs: [YAMLNode], _ rhs: [YAMLNode]) -> Bool {
        for (a, b) in zip(lhs, rhs) {
            if precedes(a, b) { return true }
            if precedes(b, a) { return false }
        }
        return lhs.count < rhs.count
    }
}
