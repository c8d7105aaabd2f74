import Crypto
import Foundation

/// The interim wire's challenge–response: the coordinator sends 32 random bytes; the peer
/// answers HMAC-SHA256(token, nonce ‖ role ‖ 0 ‖ name). The token never crosses the wire.
enum WireAuth {
    static func nonce() -> Data {
        var generator = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    static func mac(token: [UInt8], nonce: Data, role: String, name: String) -> Data {
        var message = nonce
        message.append(contentsOf: Array(role.utf8) + [0] + Array(name.utf8))
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: token))
        return Data(code)
    }

    static func verify(token: [UInt8], nonce: Data, role: String, name: String, mac: Data) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: nonce + Data(Array(role.utf8) + [0] + Array(name.utf8)), using: SymmetricKey(data: token))
    }
}
