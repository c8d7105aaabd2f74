import FarmClient
import FarmProtocol
import FarmStore
import Foundation
import NIOCore
import Testing

@testable import FarmCoordinator
@testable import FarmTesting

/// Connection caps, handshake failures and buffered submissions over loopback TCP (issue 13,
/// defects 3, 4 and 5).
@Suite("Coordinator connection limits", .serialized, .timeLimit(.minutes(2)))
struct CoordinatorConnectionLimitTests {
    static func limits(_ change: (inout ConnectionLimits) -> Void) -> ConnectionLimits {
        var l = ConnectionLimits()
        l.failureDelay = .milliseconds(10)
        change(&l)
        return l
    }

    @Test func theConnectionAfterThePerAddressCapIsRefusedWithAnErrorFrame() async throws {
        let farm = try await LoopbackFarm(
            farm: try await FarmHarness.make(), limits: Self.limits { $0.maxConnectionsPerAddress = 4 })
        var peers: [RawPeer] = []
        for _ in 0..<4 {
            let p = try await RawPeer.connect(port: farm.port)
            try await p.send(HandshakeOpen(role: .client, clientNonce: Authentication.nonce()).frame())
            #expect(await p.frames(1, within: 5).first?.messageID == HandshakeChallenge.rawID)
            peers.append(p)
        }
        let extra = try await RawPeer.connect(port: farm.port)
        #expect(await extra.closed(within: 3), "the fifth connection from one address was kept open")
        let error = try ErrorMessage.decode(frame: try #require(extra.frames.first))
        #expect(error.code == .refused)
        #expect(error.message.contains("maximum of 4 connections"))
        for p in peers { #expect(p.channel.isActive) }
        // A slot comes back when a connection ends.
        await peers.removeLast().close()
        try await farm.farm.eventually("the slot is free") {
            farm.session.gate.openConnections(from: "127.0.0.1") == 3
        }
        _ = try await farm.client { try await $0.status() }
        for p in peers { await p.close() }
        await extra.close()
        await farm.stop()
        await farm.farm.cleanUp()
    }

    @Test func anAddressWithRepeatedFailedHandshakesIsRefusedForAWhile() async throws {
        let farm = try await LoopbackFarm(
            farm: try await FarmHarness.make(), limits: Self.limits { $0.failuresBeforeLockout = 2 })
        let wrong = Array("not-the-right-token-at-all".utf8)
        for _ in 0..<2 {
            await #expect(throws: FarmClientError.self) {
                try await farm.client(token: wrong) { _ = try await $0.status() }
            }
        }
        // Now even the right token is refused from this address, before any proof is checked.
        let error = await #expect(throws: FarmClientError.self) {
            try await farm.client { _ = try await $0.status() }
        }
        #expect(error?.description.contains("failed handshakes") == true)
        await farm.stop()
        await farm.farm.cleanUp()
    }

    static func item(_ i: Int, prompt: Int, _ farm: LoopbackFarm) -> SubmitItems.Item {
        SubmitItems.Item(
            prompt: String(repeating: "p", count: prompt) + " \(i)", negative: "", seed: UInt64(i),
            spec: farm.farm.key)
    }

    @Test func aSubmissionOverTheBufferCapIsRefusedWithAClearErrorAndItsMemoryIsReturned() async throws {
        let farm = try await LoopbackFarm(
            farm: try await FarmHarness.make(), limits: Self.limits { $0.maxBufferedSubmitBytes = 64 * 1024 })
        try await farm.client { conn in
            try await conn.beginSubmit(priority: 0, owner: "tester", settings: "{}")
            for i in 0..<200 { try await conn.submit(Self.item(i, prompt: 1000, farm)) }
            let error = await #expect(throws: FarmClientError.self) { _ = try await conn.commit() }
            #expect(error?.description.contains("uncommitted") == true)
            #expect(farm.session.submitBuffers.held == 0)
            // The connection stays usable, and a job under the cap goes through.
            try await conn.beginSubmit(priority: 0, owner: "tester", settings: "{}")
            for i in 0..<10 { try await conn.submit(Self.item(i, prompt: 100, farm)) }
            #expect(try await conn.commit().items == 10)
        }
        #expect(farm.session.submitBuffers.held == 0)
        await farm.stop()
        await farm.farm.cleanUp()
    }

    @Test func anUncommittedSubmissionIsFreedWhenItsConnectionCloses() async throws {
        let farm = try await LoopbackFarm(farm: try await FarmHarness.make())
        try await farm.client { conn in
            try await conn.beginSubmit(priority: 0, owner: "tester", settings: "{}")
            // More than one chunk's worth, so the first chunk reaches the coordinator.
            for i in 0..<(WireLimits.maxSubmitItemsPerFrame + 1) {
                try await conn.submit(Self.item(i, prompt: 10, farm))
            }
            try await farm.farm.eventually("the first chunk is held") { farm.session.submitBuffers.held > 0 }
        }
        try await farm.farm.eventually("the buffer is returned after the close") {
            farm.session.submitBuffers.held == 0
        }
        #expect(try await farm.farm.store.jobs(JobFilter()).isEmpty)
        await farm.stop()
        await farm.farm.cleanUp()
    }
}
