import FarmProtocol
import Foundation
import NIOCore
import Testing

@testable import FarmCoordinator
@testable import FarmTesting

/// What a peer that has not (yet) proven the token can get out of the coordinator: no memory
/// beyond a handshake frame, no connection slots beyond the caps, and no bytes that would let
/// it test guesses of the token offline (issue 13, defects 3 and 4).
@Suite("Coordinator before authentication", .serialized, .timeLimit(.minutes(2)))
struct CoordinatorPreAuthTests {
    @Test func aPreAuthFrameOverTheHandshakeCapIsRefusedBeforeItsPayloadArrives() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let peer = try await RawPeer.connect(port: farm.port)
        // 64 KiB declared: far under the 16 MiB frame limit, far over any handshake frame.
        var header = ByteBuffer()
        header.writeInteger(UInt32(64 * 1024))
        header.writeInteger(HandshakeOpen.rawID)
        try await peer.send(header)
        #expect(await peer.closed(within: 3), "the coordinator waited for a 64 KiB handshake frame")
        #expect(peer.frames.contains { $0.messageID == ErrorMessage.rawID })
        await peer.close()
        await farm.stop()
        await farm.farm.cleanUp()
    }

    @Test func theServerNeverSendsItsProofToAPeerThatHasNotProven() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        let peer = try await RawPeer.connect(port: farm.port)
        let clientNonce = Authentication.nonce()
        try await peer.send(HandshakeOpen(role: .client, clientNonce: clientNonce).frame())
        let first = try #require(await peer.frames(1, within: 5).first)
        #expect(first.messageID == HandshakeChallenge.rawID)
        let serverNonce = try #require(first.body.getBytes(at: first.body.readerIndex + 2, length: 32))
        let serverProof = Authentication.proof(
            token: LoopbackFarm.clientToken, fromServer: true, role: HandshakeOpen.Role.client.rawValue,
            clientNonce: clientNonce, serverNonce: serverNonce)
        #expect(!peer.bytes.contains(run: serverProof), "the challenge carried the server's proof")
        // A wrong proof: refused, and still nothing that proves the server's token.
        try await peer.send(HandshakeProof(clientProof: [UInt8](repeating: 7, count: 32)).frame())
        #expect(await peer.closed(within: 15))
        #expect(
            !peer.bytes.contains(run: serverProof), "a peer with a wrong proof was sent the server's proof")
        let error = try #require(peer.frames.last)
        #expect(try ErrorMessage.decode(frame: error).code == .authenticationFailed)
        await peer.close()
        await farm.stop()
        await farm.farm.cleanUp()
    }
}
