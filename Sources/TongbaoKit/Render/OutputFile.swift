import Foundation

/// One file of the output folder, as the render stage plans it and the publish stage writes it.
public struct OutputFile: Sendable {
    public enum Content: Sendable {
        case bytes(Data)
        /// A file copied as is (from `static/`).
        case copy(URL)
    }

    /// Path below the output folder, `/`-separated.
    public let path: String
    public let content: Content

    public init(path: String, content: Content) {
        self.path = path
        self.content = content
    }

    public init(path: String, text: String) {
        self.init(path: path, content: .bytes(Data(text.utf8)))
    }
}
