import NIOCore
import Testing
@testable import FarmProtocol

private func roundTrip<M: WireMessage>(_ m: M) throws {
    var wire = ByteBuffer()
    FrameEncoder.write(m.frame(), into: &wire)
    let frame = try #require(try FrameDecoder.parse(&wire))
    #expect(wire.readableBytes == 0)
    #expect(try M.decode(frame: frame) == m)
}

private let digest = [UInt8](repeating: 0xAB, count: 32)

@Test func heartbeatRoundTrip() throws { try roundTrip(Heartbeat(sequence: 42)) }
@Test func creditRoundTrip() throws { try roundTrip(Credit(count: 8)) }
@Test func cancelRoundTrip() throws { try roundTrip(Cancel(itemID: 7, fence: 99)) }
@Test func goodbyeRoundTrip() throws { try roundTrip(Goodbye(reason: "SIGTERM — draining")) }
@Test func failureRoundTrip() throws {
    try roundTrip(Failure(itemID: 3, attempt: 2, fence: 11, retryable: true, kind: .outOfMemory, reason: "alloc 2 GiB"))
}
@Test func helloRoundTrip() throws {
    try roundTrip(Hello(name: "w1", device: "cpu", memoryBytes: 1 << 34, threads: 8, maxBatch: 4,
                        models: [.init(name: "sd15", sha256: digest), .init(name: "tiny", sha256: digest)]))
}
@Test func handshakeRoundTrip() throws {
    try roundTrip(HandshakeOpen(role: .worker, clientNonce: digest))
    try roundTrip(HandshakeChallenge(serverNonce: digest, serverProof: digest))
    try roundTrip(HandshakeProof(clientProof: digest))
}

@Test func creditOutOfRangeRejected() throws {
    let frame = Frame(messageID: Credit.rawID, body: ByteBuffer(bytes: [0x10, 0x00]))
    #expect(throws: ProtocolError.invalidValue(field: "count", value: 4096)) { try Credit.decode(frame: frame) }
}

@Test func trailingGarbageRejected() throws {
    var f = Heartbeat(sequence: 1).frame()
    f.body.writeInteger(UInt8(0))
    #expect(throws: ProtocolError.trailingBytes(message: "Heartbeat", count: 1)) { try Heartbeat.decode(frame: f) }
}

@Test func truncatedBodyRejected() throws {
    let full = Failure(itemID: 3, attempt: 2, fence: 11, retryable: false, kind: .engine, reason: "nan").frame()
    for cut in 0..<full.body.readableBytes {
        let f = Frame(messageID: full.messageID, body: full.body.getSlice(at: full.body.readerIndex, length: cut)!)
        #expect(throws: ProtocolError.self) { try Failure.decode(frame: f) }
    }
}

@Test func oversizedStringRejectedBeforeAllocating() throws {
    var body = ByteBuffer()
    body.writeInteger(UInt32.max)  // declared reason length far over the limit, no bytes follow
    #expect(throws: ProtocolError.lengthOverLimit(field: "reason", length: Int(UInt32.max), limit: WireLimits.maxString)) {
        try Goodbye.decode(frame: Frame(messageID: Goodbye.rawID, body: body))
    }
}

@Test func tooManyModelsRejected() throws {
    var body = ByteBuffer()
    Hello(name: "w", device: "cpu", memoryBytes: 1, threads: 1, maxBatch: 1, models: []).encode(into: &body)
    body.moveWriterIndex(to: body.writerIndex - 2)
    body.writeInteger(UInt16(WireLimits.maxModels + 1))
    #expect(throws: ProtocolError.self) { try Hello.decode(frame: Frame(messageID: Hello.rawID, body: body)) }
}

@Test func badMagicRejected() throws {
    var f = HandshakeOpen(role: .client, clientNonce: digest).frame()
    f.body.setInteger(UInt32(0x4745_5420), at: f.body.readerIndex)  // "GET "
    #expect(throws: ProtocolError.badMagic(0x4745_5420)) { try HandshakeOpen.decode(frame: f) }
}

@Test func wrongMessageIDRejected() throws {
    #expect(throws: ProtocolError.unknownMessage(id: Credit.rawID)) { try Heartbeat.decode(frame: Credit(count: 1).frame()) }
}

@Test func resultAckRoundTrip() throws { try roundTrip(ResultAck(itemID: 12, attempt: 1, fence: 40)) }
@Test func drainRoundTrip() throws { try roundTrip(Drain(reason: "operator")) }
