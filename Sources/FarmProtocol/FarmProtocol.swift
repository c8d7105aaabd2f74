/// The farm's wire protocol: frames, handshake, authentication and messages (docs/protocol.md).
public enum FarmProtocol {
    /// Protocol version carried in the handshake (docs/protocol.md, "Versioning").
    public static let version: UInt16 = 1
    /// The four magic bytes that open every connection: "SDFP".
    public static let magic: UInt32 = 0x5344_4650
}
