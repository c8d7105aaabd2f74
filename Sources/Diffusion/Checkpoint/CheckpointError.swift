/// A checkpoint that cannot be used: says which file, which tensor (when one is concerned)
/// and what is wrong.
public struct CheckpointError: Error, CustomStringConvertible, Sendable {
    public let file: String
    public let tensor: String?
    public let message: String

    public init(file: String, tensor: String? = nil, _ message: String) {
        self.file = file
        self.tensor = tensor
        self.message = message
    }

    public var description: String {
        if let tensor { return "\(file): tensor '\(tensor)': \(message)" }
        return "\(file): \(message)"
    }
}
