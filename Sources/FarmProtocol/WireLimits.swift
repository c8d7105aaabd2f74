/// Hard caps on every length and count on the wire (docs/protocol.md, "Limits").
/// Each is checked before any allocation is made for the value it bounds.
public enum WireLimits {
    /// Largest frame payload (message id + body), bytes.
    public static let maxFramePayload = 16 * 1024 * 1024
    /// Largest UTF-8 string (prompts, names, reasons), bytes.
    public static let maxString = 64 * 1024
    /// Largest opaque byte blob in one frame (a result chunk, a preview), bytes.
    public static let maxBlob = 8 * 1024 * 1024
    /// Most items a credit may ask for or an assign may carry.
    public static let maxItemsPerFrame = 256
    /// Most models a worker may announce.
    public static let maxModels = 256
}
