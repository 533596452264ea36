import CYAML

/// Why a YAML text could not be composed, in the terms of Yams' `YamlError`, so
/// that `YAMLSource` words and places every problem as it did with Yams.
enum YAMLProblem: Error, Equatable {
    /// libyaml's reader: invalid UTF-8 or a control character, at a byte offset
    /// of the text. (Yams turned the offset into a count of Characters, which
    /// placed the problem too far left on a line with Chinese before it.)
    case reader(problem: String, offset: Int?, value: Int32)
    /// libyaml's scanner or parser, or the composer (undefined alias, a second document).
    case syntax(context: String?, contextMark: YAMLMark, problem: String, mark: YAMLMark)
    /// Keys that occur more than once in one mapping (sorted), and where the first of them is.
    case duplicateKeys([String], YAMLMark)
    case memory
}

/// Composes one YAML document into `YAMLNode`s from libyaml's events, without
/// recursion (a stack of open collections), as Yams' `compose(yaml:_:)` did with
/// `Resolver.basic`: same nodes, same places, same errors.
enum YAMLComposer {
    /// The nesting limit of the libyaml Yams vendored (`MAX_NESTING_LEVEL`), which
    /// Debian's libyaml 0.2.5 does not have: `checkNesting` applies it the same way.
    static let maximumNesting = 1000

    /// The root node; nil for a text with no document (empty, or only comments).
    static func compose(_ text: String) throws(YAMLProblem) -> YAMLNode? {
        do {
            if let result = try text.utf8.withContiguousStorageIfAvailable({ try compose(bytes: $0, text: text) }) {
                return result
            }
            return try ContiguousArray(text.utf8).withUnsafeBufferPointer { try compose(bytes: $0, text: text) }
        } catch let problem as YAMLProblem {
            throw problem
        } catch {
            throw .memory
        }
    }

    private static func compose(bytes: UnsafeBufferPointer<UInt8>, text: String) throws -> YAMLNode? {
        guard let base = bytes.baseAddress else {
            // libyaml wants an address even for no bytes.
            return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1) { buffer in
                try compose(bytes: UnsafeBufferPointer(start: buffer.baseAddress!, count: 0), text: text)
            }
        }
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else { throw YAMLProblem.memory }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, base, bytes.count)
        var composer = Composer(parser: parser, text: text)
        defer { composer.finish() }
        return try composer.document()
    }
}

private let strTag = "tag:yaml.org,2002:str"
private let seqTag = "tag:yaml.org,2002:seq"
private let mapTag = "tag:yaml.org,2002:map"

private struct Composer {
    let parser: UnsafeMutablePointer<yaml_parser_t>
    let text: String
    var event = yaml_event_t()
    /// Anchor name → node; a later anchor of the same name replaces the earlier one.
    var anchors: [String: YAMLNode] = [:]
    /// Explicit tags met so far, numbered from 1.
    var tags: [String: UInt32] = [:]
    /// The collections open at this point, innermost last.
    var stack: [Frame] = []

    struct Frame {
        let isMapping: Bool
        let mark: YAMLMark
        let anchor: String?
        let tag: UInt32
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var key: YAMLNode?
    }

    init(parser: UnsafeMutablePointer<yaml_parser_t>, text: String) {
        self.parser = parser
        self.text = text
    }

    mutating func finish() {
        yaml_event_delete(&event)
    }

    /// Yams' `Parser.singleRoot()`.
    mutating func document() throws -> YAMLNode? {
        _ = try next()  // stream start
        guard try next() != YAML_STREAM_END_EVENT else { return nil }
        let root = try node()
        _ = try next()  // document end
        if try next() != YAML_STREAM_END_EVENT {
            throw YAMLProblem.syntax(context: "expected a single document in the stream", contextMark: YAMLMark(line: 1, column: 1),
                                     problem: "but found another document", mark: mark(event.start_mark))
        }
        return root
    }

    mutating func next() throws -> yaml_event_type_t {
        yaml_event_delete(&event)
        guard yaml_parser_parse(parser, &event) == 1 else { throw problem() }
        return event.type
    }

    /// Reads events up to the end of the node that starts with the next one.
    mutating func node() throws -> YAMLNode {
        while true {
            let completed: YAMLNode
            switch try next() {
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = scalar.value.map { Composer.text(UnsafeBufferPointer(start: $0, count: scalar.length)) } ?? ""
                let tag = scalar.quoted_implicit == 1 ? 0 : number(ofTag: scalar.tag, default: strTag)
                completed = .scalar(text, YAMLScalarStyle(rawValue: UInt8(truncatingIfNeeded: scalar.style.rawValue)) ?? .any,
                                    mark(event.start_mark), tag: tag)
                if let anchor = scalar.anchor { anchors[String(cString: anchor)] = completed }
            case YAML_ALIAS_EVENT:
                guard let name = event.data.alias.anchor, let target = anchors[String(cString: name)] else {
                    throw YAMLProblem.syntax(context: nil, contextMark: .none, problem: "found undefined alias", mark: mark(event.start_mark))
                }
                completed = target
            case YAML_SEQUENCE_START_EVENT:
                let start = event.data.sequence_start
                try open(mapping: false, anchor: start.anchor, tag: start.tag, implicit: start.implicit != 0)
                continue
            case YAML_MAPPING_START_EVENT:
                let start = event.data.mapping_start
                try open(mapping: true, anchor: start.anchor, tag: start.tag, implicit: start.implicit != 0)
                continue
            case YAML_SEQUENCE_END_EVENT:
                let frame = stack.removeLast()
                completed = .sequence(frame.items, frame.mark, tag: frame.tag)
                if let anchor = frame.anchor { anchors[anchor] = completed }
            case YAML_MAPPING_END_EVENT:
                let frame = stack.removeLast()
                try Composer.checkDuplicates(frame.pairs)
                completed = .mapping(frame.pairs, frame.mark, tag: frame.tag)
                if let anchor = frame.anchor { anchors[anchor] = completed }
            default:
                // libyaml gives only node events inside a document.
                continue
            }
            guard !stack.isEmpty else { return completed }
            let top = stack.count - 1
            if !stack[top].isMapping {
                stack[top].items.append(completed)
            } else if let key = stack[top].key {
                stack[top].pairs.append(YAMLPair(key: key, value: completed))
                stack[top].key = nil
            } else {
                stack[top].key = completed
            }
        }
    }

    /// Starts a sequence or mapping (libyaml gives the two in different members
    /// of its event union, with the same fields).
    private mutating func open(mapping: Bool, anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?,
                               implicit: Bool) throws {
        try checkNesting()
        stack.append(Frame(isMapping: mapping, mark: mark(event.start_mark), anchor: anchor.map { String(cString: $0) },
                           tag: implicit ? 0 : number(ofTag: tag, default: mapping ? mapTag : seqTag)))
    }

    /// A scalar's text from libyaml's UTF-8 bytes. Less one leading U+FEFF, as Yams'
    /// `String(bytes:encoding: .utf8)` (Foundation drops a byte order mark there).
    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[3...]), as: UTF8.self)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// 0 for no tag and for the tags that resolve to the default (`!`, `!!str` on a
    /// scalar …); otherwise the tag's number.
    mutating func number(ofTag tag: UnsafeMutablePointer<yaml_char_t>?, default name: String) -> UInt32 {
        guard let tag else { return 0 }
        let text = String(cString: tag)
        if text == "!" || text == name { return 0 }
        if let number = tags[text] { return number }
        let number = UInt32(tags.count + 1)
        tags[text] = number
        return number
    }

    /// The vendored libyaml refused a collection opened by `[`, `{` or a block
    /// indentation once the scanner's indentation stack plus its flow level reached
    /// `maximumNesting`, with the token's place; the scanner has not moved on since.
    func checkNesting() throws {
        let state = parser.pointee
        guard let head = state.tokens.head, head != state.tokens.tail else { return }
        switch head.pointee.type {
        case YAML_FLOW_SEQUENCE_START_TOKEN, YAML_FLOW_MAPPING_START_TOKEN, YAML_BLOCK_SEQUENCE_START_TOKEN, YAML_BLOCK_MAPPING_START_TOKEN:
            break
        default:
            return
        }
        guard let start = state.indents.start, let top = state.indents.top else { return }
        if start.distance(to: top) >= YAMLComposer.maximumNesting - Int(state.flow_level) {
            throw YAMLProblem.syntax(context: "while parsing", contextMark: mark(event.start_mark),
                                     problem: "Maximum nesting level reached, set with yaml_set_max_nest_level())",
                                     mark: mark(head.pointee.start_mark))
        }
    }

    /// As Yams' `Parser.checkDuplicates`: at the end of a mapping, the keys that occur
    /// more than once, sorted, placed at the first occurrence of the smallest.
    static func checkDuplicates(_ pairs: [YAMLPair]) throws {
        guard pairs.count > 1 else { return }
        var firsts: [Int] = []  // index in `pairs` of each distinct key's first occurrence
        var counts: [Int] = []
        if pairs.count <= 16 {
            for index in pairs.indices {
                if let seen = firsts.firstIndex(where: { pairs[$0].key == pairs[index].key }) {
                    counts[seen] += 1
                } else {
                    firsts.append(index)
                    counts.append(1)
                }
            }
        } else {
            struct ScalarKey: Hashable { let text: String; let tag: UInt32 }
            var scalars: [ScalarKey: Int] = [:]
            var collections: [Int] = []
            for index in pairs.indices {
                if case .scalar(let text, _, _, let tag) = pairs[index].key {
                    if let seen = scalars[ScalarKey(text: text, tag: tag)] {
                        counts[seen] += 1
                        continue
                    }
                    scalars[ScalarKey(text: text, tag: tag)] = firsts.count
                } else if let seen = collections.first(where: { pairs[firsts[$0]].key == pairs[index].key }) {
                    counts[seen] += 1
                    continue
                } else {
                    collections.append(firsts.count)
                }
                firsts.append(index)
                counts.append(1)
            }
        }
        let duplicated = counts.indices.filter { counts[$0] > 1 }.map { pairs[firsts[$0]].key }
        guard !duplicated.isEmpty else { return }
        let sorted = duplicated.sorted(by: YAMLNode.precedes)
        throw YAMLProblem.duplicateKeys(sorted.map { $0.string ?? "<uncovertable>" }, sorted[0].mark)
    }

    /// libyaml's error, as Yams' `YamlError(from:with:)` read it.
    func problem() -> YAMLProblem {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? ""
        switch state.error {
        case YAML_READER_ERROR:
            return .reader(problem: problem, offset: state.problem_offset, value: state.problem_value)
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR, YAML_COMPOSER_ERROR:
            return .syntax(context: state.context.map { String(cString: $0) }, contextMark: mark(state.context_mark),
                           problem: problem, mark: mark(state.problem_mark))
        default:
            return .memory
        }
    }

    func mark(_ mark: yaml_mark_t) -> YAMLMark {
        YAMLMark(line: Int32(truncatingIfNeeded: mark.line + 1), column: Int32(truncatingIfNeeded: mark.column + 1))
    }
}
