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
    #expect(client.state == .awaitingServerProof)
    let (role, reply) = try server.receive(proof)
    #expect(role == .client)
    #expect(server.state == .authenticated(.client))
    try client.receive(reply)
    #expect(client.state == .authenticated)
}

@Test func clientWithWorkerTokenIsRefusedByTheServerFirst() throws {
    var client = ClientHandshake(role: .client, token: workerToken)
    var server = ServerHandshake(workerToken: workerToken, clientToken: clientToken)
    let challenge = try server.receive(client.start())
    // The client proves first: the server notices and sends no proof of its own.
    let proof = try client.receive(challenge)
    #expect(throws: ProtocolError.authenticationFailed) { _ = try server.receive(proof) }
    #expect(server.state == .failed)
}

/// The challenge is everything a peer without the token gets, and it depends on nothing but
/// the server's nonce: no function of the token to test guesses against offline.
@Test func theChallengeCarriesNothingDerivedFromTheToken() throws {
    let nonce = Authentication.nonce()
    var a = ServerHandshake(workerToken: workerToken, clientToken: clientToken, serverNonce: nonce)
    var b = ServerHandshake(
        workerToken: Array("other-worker".utf8), clientToken: Array("other-client".utf8), serverNonce: nonce)
    let open = HandshakeOpen(role: .client, clientNonce: Authentication.nonce())
    let ca = try a.receive(open), cb = try b.receive(open)
    #expect(ca == cb)
    #expect(ca.frame().body.readableBytes == HandshakeChallenge.bodySize)
}

@Test func aServerThatDoesNotHoldTheTokenIsRefusedByTheClient() throws {
    var client = ClientHandshake(role: .worker, token: workerToken)
    var impostor = ServerHandshake(workerToken: Array("impostor-token".utf8), clientToken: clientToken)
    let proof = try client.receive(try impostor.receive(client.start()))
    // An impostor cannot make a valid proof; a reflected client proof is no server proof.
    #expect(throws: ProtocolError.authenticationFailed) {
        try client.receive(HandshakeServerProof(serverProof: proof.clientProof))
    }
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
    var client = ClientHandshake(role: .client, token: clientToken)
    _ = client.start()
    #expect(throws: ProtocolError.unsupportedVersion(1)) {
        _ = try client.receive(HandshakeChallenge(version: 1, serverNonce: Authentication.nonce()))
    }
}

@Test func proofBeforeOpenRefused() throws {
    var server = ServerHandshake(workerToken: workerToken, clientToken: clientToken)
    #expect(throws: ProtocolError.outOfOrder("proof before open")) {
        _ = try server.receive(HandshakeProof(clientProof: [UInt8](repeating: 0, count: 32)))
    }
}

@Test func serverProofBeforeChallengeRefused() throws {
    var client = ClientHandshake(role: .client, token: clientToken)
    _ = client.start()
    #expect(throws: ProtocolError.outOfOrder("server proof before the challenge")) {
        try client.receive(HandshakeServerProof(serverProof: [UInt8](repeating: 0, count: 32)))
    }
}

/// Every handshake frame fits the limit that applies before authentication, and the limit is
/// no larger than the largest of them.
@Test func handshakeFramesFitThePreAuthenticationLimit() {
    let frames = [
        HandshakeOpen(role: .worker, clientNonce: Authentication.nonce()).frame(),
        HandshakeChallenge(serverNonce: Authentication.nonce()).frame(),
        HandshakeProof(clientProof: Authentication.nonce()).frame(),
        HandshakeServerProof(serverProof: Authentication.nonce()).frame(),
    ]
    let payloads = frames.map { 2 + $0.body.readableBytes + FrameChecksum.size }
    #expect(payloads.allSatisfy { $0 <= WireLimits.maxHandshakePayload })
    #expect(payloads.max() == WireLimits.maxHandshakePayload)
}
