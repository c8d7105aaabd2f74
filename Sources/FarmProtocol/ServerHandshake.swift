/// The accepting side's handshake as a value-type state machine with no I/O
/// (docs/protocol.md, "Handshake and authentication"). The token is chosen by the role the
/// peer announces, so worker and client tokens may differ. The server's proof is computed only
/// after the peer's proof checked out: a peer without the token learns nothing it could test
/// guesses against.
public struct ServerHandshake: Sendable {
    public enum State: Equatable, Sendable {
        case awaitingOpen, awaitingProof, authenticated(HandshakeOpen.Role), failed
    }
    public private(set) var state: State = .awaitingOpen
    let workerToken: [UInt8]
    let clientToken: [UInt8]
    let serverNonce: [UInt8]
    var open: HandshakeOpen?

    public init(workerToken: [UInt8], clientToken: [UInt8], serverNonce: [UInt8] = Authentication.nonce()) {
        self.workerToken = workerToken; self.clientToken = clientToken; self.serverNonce = serverNonce
    }

    /// Checks magic (in decoding) and version; returns the challenge to send.
    public mutating func receive(_ open: HandshakeOpen) throws -> HandshakeChallenge {
        guard state == .awaitingOpen else { state = .failed; throw ProtocolError.outOfOrder("second open") }
        guard open.version == FarmProtocol.version else {
            state = .failed; throw ProtocolError.unsupportedVersion(open.version)
        }
        self.open = open
        state = .awaitingProof
        return HandshakeChallenge(serverNonce: serverNonce)
    }

    /// Checks the client's proof; on success the connection is authenticated for the role and
    /// the server's own proof is returned, to be sent before anything else.
    public mutating func receive(_ proof: HandshakeProof) throws -> (
        role: HandshakeOpen.Role, reply: HandshakeServerProof
    ) {
        guard state == .awaitingProof, let open else {
            state = .failed; throw ProtocolError.outOfOrder("proof before open")
        }
        let token = token(for: open.role)
        let expected = Authentication.proof(
            token: token, fromServer: false, role: open.role.rawValue,
            clientNonce: open.clientNonce, serverNonce: serverNonce)
        guard Authentication.verify(expected, proof.clientProof) else {
            state = .failed; throw ProtocolError.authenticationFailed
        }
        state = .authenticated(open.role)
        let serverProof = Authentication.proof(
            token: token, fromServer: true, role: open.role.rawValue,
            clientNonce: open.clientNonce, serverNonce: serverNonce)
        return (open.role, HandshakeServerProof(serverProof: serverProof))
    }

    func token(for role: HandshakeOpen.Role) -> [UInt8] { role == .worker ? workerToken : clientToken }
}
