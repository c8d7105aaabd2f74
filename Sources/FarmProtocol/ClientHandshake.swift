/// The connecting side's handshake as a value-type state machine with no I/O
/// (docs/protocol.md, "Handshake and authentication"). Feed it the server's frames; it says
/// what to send next. The client proves the token first; the server proves it back after.
public struct ClientHandshake: Sendable {
    public enum State: Equatable, Sendable {
        case idle, awaitingChallenge, awaitingServerProof, authenticated, failed
    }
    public private(set) var state: State = .idle
    let role: HandshakeOpen.Role
    let token: [UInt8]
    let clientNonce: [UInt8]
    var serverNonce: [UInt8] = []

    public init(role: HandshakeOpen.Role, token: [UInt8], clientNonce: [UInt8] = Authentication.nonce()) {
        self.role = role; self.token = token; self.clientNonce = clientNonce
    }

    /// The opening frame; moves to `.awaitingChallenge`.
    public mutating func start() -> HandshakeOpen {
        precondition(state == .idle, "start() called twice")
        state = .awaitingChallenge
        return HandshakeOpen(role: role, clientNonce: clientNonce)
    }

    /// Checks the challenge's version and returns the client's proof.
    public mutating func receive(_ challenge: HandshakeChallenge) throws -> HandshakeProof {
        guard state == .awaitingChallenge else {
            state = .failed; throw ProtocolError.outOfOrder("unexpected challenge")
        }
        guard challenge.version == FarmProtocol.version else {
            state = .failed; throw ProtocolError.unsupportedVersion(challenge.version)
        }
        serverNonce = challenge.serverNonce
        state = .awaitingServerProof
        return HandshakeProof(
            clientProof: Authentication.proof(
                token: token, fromServer: false, role: role.rawValue,
                clientNonce: clientNonce, serverNonce: serverNonce))
    }

    /// Checks the server's proof; on success the connection is authenticated both ways.
    public mutating func receive(_ proof: HandshakeServerProof) throws {
        guard state == .awaitingServerProof else {
            state = .failed; throw ProtocolError.outOfOrder("server proof before the challenge")
        }
        let expected = Authentication.proof(
            token: token, fromServer: true, role: role.rawValue, clientNonce: clientNonce,
            serverNonce: serverNonce)
        guard Authentication.verify(expected, proof.serverProof) else {
            state = .failed; throw ProtocolError.authenticationFailed
        }
        state = .authenticated
    }
}
