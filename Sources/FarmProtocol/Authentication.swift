import Crypto

/// Challenge–response on a shared token (docs/protocol.md, "Authentication").
/// Each side sends a 32-byte CSPRNG nonce; each proves the token with
/// HMAC-SHA256(key: token, label ‖ role ‖ clientNonce ‖ serverNonce), with distinct labels
/// per direction so a proof cannot be reflected. The token itself never crosses the wire.
public enum Authentication {
    public static func nonce() -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    public static func proof(
        token: [UInt8], fromServer: Bool, role: UInt8, clientNonce: [UInt8], serverNonce: [UInt8]
    ) -> [UInt8] {
        var msg = Array((fromServer ? "sdfarm-server-proof" : "sdfarm-client-proof").utf8)
        msg.append(role); msg += clientNonce; msg += serverNonce
        return Array(HMAC<SHA256>.authenticationCode(for: msg, using: SymmetricKey(data: token)))
    }

    /// Constant-time comparison of an expected and a received proof.
    public static func verify(_ expected: [UInt8], _ received: [UInt8]) -> Bool {
        guard expected.count == received.count else { return false }
        var d: UInt8 = 0
        for i in 0..<expected.count { d |= expected[i] ^ received[i] }
        return d == 0
    }
}
