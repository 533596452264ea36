/// A position in a source file: 1-based line and column (columns count characters).
public struct SourceLocation: Hashable, Sendable, Comparable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// One problem found in the inputs, printed as `path:line:column: error: message`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        case warning
        case error
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String

    public init(_ severity: Severity, _ location: SourceLocation, _ message: String) {
        self.severity = severity
        self.location = location
        self.message = message
    }

    public var description: String {
        "\(location.file):\(location.line):\(location.column): \(severity.rawValue): \(message)"
    }
}

/// Collects diagnostics across every stage of a run, so that one run reports
/// every problem instead of stopping at the first.
public struct Diagnostics: Sendable {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public mutating func error(_ location: SourceLocation, _ message: String) {
        all.append(Diagnostic(.error, location, Diagnostics.shortened(message)))
    }

    public mutating func warning(_ location: SourceLocation, _ message: String) {
        all.append(Diagnostic(.warning, location, Diagnostics.shortened(message)))
    }

    /// A message quoting a huge value (a 5 MB line) keeps its start and end.
    static func shortened(_ message: String) -> String {
        let limit = 400
        guard message.count > limit else { return message }
        return "\(message.prefix(260))……（省略 \(message.count - 360) 字）……\(message.suffix(100))"
    }

    public mutating func append(contentsOf other: Diagnostics) {
        all.append(contentsOf: other.all)
    }

    public mutating func append(contentsOf other: [Diagnostic]) {
        all.append(contentsOf: other)
    }

    public var hasErrors: Bool { all.contains { $0.severity == .error } }
    public var errors: [Diagnostic] { all.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { all.filter { $0.severity == .warning } }

    /// In file, line, column order, errors before warnings at the same place;
    /// exact repeats removed.
    public var sorted: [Diagnostic] {
        var seen = Set<Diagnostic>()
        return all
            .sorted { ($0.location, $1.severity.rawValue, $0.message) < ($1.location, $0.severity.rawValue, $1.message) }
            .filter { seen.insert($0).inserted }
    }
}
