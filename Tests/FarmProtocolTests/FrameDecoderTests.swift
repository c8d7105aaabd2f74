import NIOCore
import NIOTestUtils
import Testing

@testable import FarmProtocol

@Test func frameDecoderVerifier() throws {
    let msgs: [Frame] = [
        Heartbeat(sequence: 5).frame(), Goodbye(reason: "bye").frame(), Credit(count: 3).frame(),
    ]
    var all = ByteBuffer()
    var pairs: [(ByteBuffer, [Frame])] = []
    for f in msgs {
        var wire = ByteBuffer()
        FrameEncoder.write(f, into: &wire)
        pairs.append((wire, [f]))
        all.writeImmutableBuffer(wire)
    }
    pairs.append((all, msgs))  // several frames in one read
    try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { FrameDecoder() }
}

@Test func oversizedFrameRejectedFromHeader() throws {
    var wire = ByteBuffer()
    wire.writeInteger(UInt32(WireLimits.maxFramePayload + 1))  // only the header: rejected before buffering
    #expect(
        throws: ProtocolError.frameTooLarge(
            length: WireLimits.maxFramePayload + 1, limit: WireLimits.maxFramePayload)
    ) {
        _ = try FrameDecoder.parse(&wire)
    }
}

@Test func partialFrameNeedsMoreData() throws {
    var wire = ByteBuffer()
    FrameEncoder.write(Heartbeat(sequence: 9).frame(), into: &wire)
    var partial = wire.getSlice(at: 0, length: wire.readableBytes - 1)!
    #expect(try FrameDecoder.parse(&partial) == nil)
    #expect(partial.readableBytes == wire.readableBytes - 1)  // nothing consumed
}

@Test func randomBytesNeverCrash() {
    var rng = XorShift(s: 0x5DFA_2026)
    var accepted = 0, rejected = 0
    for _ in 0..<4000 {
        var buf = ByteBuffer(
            bytes: (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng)
            })
        // Small declared lengths half the time so bodies reach the message decoders.
        if Bool.random(using: &rng), buf.readableBytes >= 6 {
            buf.setInteger(UInt32(buf.readableBytes - 4), at: 0)
        }
        do {
            guard let frame = try FrameDecoder.parse(&buf) else { continue }
            for decode in [
                { _ = try Heartbeat.decode(from: &$0) }, { _ = try Hello.decode(from: &$0) },
                { _ = try Failure.decode(from: &$0) }, { _ = try HandshakeOpen.decode(from: &$0) },
                { _ = try Goodbye.decode(from: &$0) },
            ] as [(inout ByteBuffer) throws -> Void] {
                var b = frame.body
                do { try decode(&b); accepted += 1 } catch { rejected += 1 }
            }
        } catch { rejected += 1 }
    }
    #expect(accepted + rejected > 0)
}

/// Before authentication a connection's decoder refuses a frame longer than the largest
/// handshake message from its header alone; raised, the same decoder takes full-size frames.
@Test func aFrameLimitRefusesLargeFramesUntilRaised() throws {
    let limit = FrameLimit.beforeAuthentication()
    var decoder = FrameDecoder(limit: limit)
    #expect(decoder.maxPayload == WireLimits.maxHandshakePayload)
    var header = ByteBuffer()
    header.writeInteger(UInt32(WireLimits.maxHandshakePayload + 1))
    #expect(
        throws: ProtocolError.frameTooLarge(
            length: WireLimits.maxHandshakePayload + 1, limit: WireLimits.maxHandshakePayload)
    ) {
        _ = try FrameDecoder.parse(&header, maxPayload: decoder.maxPayload)
    }
    limit.raise()
    decoder = FrameDecoder(limit: limit)
    #expect(decoder.maxPayload == WireLimits.maxFramePayload)
    var big = ByteBuffer()
    FrameEncoder.write(ResultChunk(data: [UInt8](repeating: 1, count: 1000)).frame(), into: &big)
    #expect(try FrameDecoder.parse(&big, maxPayload: decoder.maxPayload) != nil)
    // The handshake messages themselves pass before authentication.
    try ByteToMessageDecoderVerifier.verifyDecoder(
        inputOutputPairs: [
            HandshakeOpen(role: .worker, clientNonce: Authentication.nonce()).frame(),
            HandshakeProof(clientProof: Authentication.nonce()).frame(),
        ]
        .map { f in
            var wire = ByteBuffer()
            FrameEncoder.write(f, into: &wire)
            return (wire, [f])
        }
    ) { FrameDecoder(limit: .beforeAuthentication()) }
}

/// CRC-32C's check value ("123456789" → 0xE3069283) and every frame's checksum: a bit
/// flipped anywhere in a frame after its length is refused (found by scripts/chaos: a flipped
/// bit in an assign's model name was rendered and stored as done).
@Test func aFrameDamagedInTransitFailsItsChecksum() throws {
    let check = Array("123456789".utf8).withUnsafeBytes { FrameChecksum.crc32c($0) }
    #expect(check == 0xE306_9283)
    var wire = ByteBuffer()
    FrameEncoder.write(Heartbeat(sequence: 7).frame(), into: &wire)
    for byte in 4..<wire.readableBytes {
        for bit in 0..<8 {
            var damaged = wire
            let original = damaged.getInteger(at: damaged.readerIndex + byte, as: UInt8.self)!
            damaged.setInteger(original ^ (1 << bit), at: damaged.readerIndex + byte)
            #expect(throws: ProtocolError.self) { _ = try FrameDecoder.parse(&damaged) }
        }
    }
    var intact = wire
    #expect(try FrameDecoder.parse(&intact)?.messageID == Heartbeat.rawID)
}
