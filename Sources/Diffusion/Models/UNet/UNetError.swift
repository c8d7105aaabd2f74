/// A U-Net that cannot be built or run as asked: a configuration diffusers' SD 1.x/2.x U-Net
/// does not describe, a parameter of the wrong shape, or inputs that do not fit the model.
public struct UNetError: Error, CustomStringConvertible, Sendable {
    /// Where the problem was found: a config file, a checkpoint, or "input".
    public let context: String
    public let message: String

    public init(_ context: String, _ message: String) {
        self.context = context
        self.message = message
    }

    public var description: String { "\(context): \(message)" }
}
