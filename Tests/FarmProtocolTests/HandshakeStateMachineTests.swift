import Testing
@testable import FarmProtocol

private let workerToken = Array("worker-secret".utf8)
private let clientToken = Array("client-secret".utf8)

@Test func handshakeSucceedsStepByStep() throws {
    var client = ClientHandshake(role: .client, token: clientToken)
    var server = ServerHandshake(workerToken: workerToken, clientToken: clientToken)
    let open = client.start()
    #expect(client.state == .awaitingChallenge)
    let challenge = try server.receive(open)
    #expect(server.state == .awaitingProof)
    let proof = try client.receive(challenge)
    #expect(client.state == .authenticated)
    #expect(try server.receive(proof) == .client)
    #expect(server.state == .authenticated(.client))
}

@Test func clientWithWorkerTokenIsRefused() throws {
    var client = ClientHandshake(role: .client, token: workerToken)
    var server = ServerHandshake(workerToken: workerToken, clientToken: clientToken)
    let challenge = try server.receive(client.start())
    // The client notices first: the server's proof was made with the client token.
    #expect(throws: ProtocolError.authenticationFailed) { _ = try client.receive(challenge) }
    #expect(client.state == .failed)
}

@Test func serverRefusesWrongClientProof() throws {
    var server = ServerHandshake(workerToken: workerToken, clientToken: clientToken)
    _ = try server.receive(HandshakeOpen(role: .worker, clientNonce: Authentication.nonce()))
    #expect(throws: ProtocolError.authenticationFailed) {
        _ = try server.receive(HandshakeProof(clientProof: [UInt8](repeating: 0, count: 32)))
    }
    #expect(server.state == .failed)
}

@Test func versionMismatchRefused() throws {
    var server = ServerHandshake(workerToken: workerToken, clientToken: clientToken)
    #expect(throws: ProtocolError.unsupportedVersion(99)) {
        _ = try server.receive(HandshakeOpen(version: 99, role: .client, clientNonce: Authentication.nonce()))
    }
}

@Test func proofBeforeOpenRefused() throws {
    var server = ServerHandshake(workerToken: workerToken, clientToken: clientToken)
    #expect(throws: ProtocolError.outOfOrder("proof before open")) {
        _ = try server.receive(HandshakeProof(clientProof: [UInt8](repeating: 0, count: 32)))
    }
}
