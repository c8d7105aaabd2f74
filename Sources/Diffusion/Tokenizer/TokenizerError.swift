/// Why a tokenizer vocabulary could not be loaded. Each case names the file at fault.
public struct TokenizerError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let reason: String

    public init(file: String, _ reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "tokenizer: \(file): \(reason)" }
}
