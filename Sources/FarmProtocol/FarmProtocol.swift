/// The farm's wire protocol: frames, handshake, authentication and messages (docs/protocol.md).
public enum FarmProtocol {
    /// Protocol version carried in the handshake (docs/protocol.md, "Versioning"). 2: the
    /// connecting side proves the token first, the server proves it back in handshake-server-proof.
    public static let version: UInt16 = 2
    /// The four magic bytes that open every connection: "SDFP".
    public static let magic: UInt32 = 0x5344_4650
}
