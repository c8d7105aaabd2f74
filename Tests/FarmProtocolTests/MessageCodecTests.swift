import NIOCore
import NIOTestUtils
import Testing

@testable import FarmProtocol

/// Every message of docs/protocol.md: round trip, one byte at a time, every truncation,
/// trailing bytes, and a fixed-seed fuzz of its body — never a crash, only `ProtocolError`s.
@Suite("Protocol: every message's codec")
struct MessageCodecTests {
    static func wire(_ m: any WireMessage) -> ByteBuffer {
        var b = ByteBuffer()
        FrameEncoder.write(m.frame(), into: &b)
        return b
    }

    @Test("round trip through the frame codec and the receiver's decoder", arguments: samples)
    func roundTrip(_ s: Sample) throws {
        var wire = Self.wire(s.message)
        let frame = try #require(try FrameDecoder.parse(&wire))
        #expect(wire.readableBytes == 0)
        #expect(same(try decodeAsReceiver(frame, s.direction), s.message))
    }

    @Test("decoding one byte at a time", arguments: samples)
    func byteAtATime(_ s: Sample) throws {
        let wire = Self.wire(s.message)
        var buffer = ByteBuffer()
        var decoded: Frame?
        for (i, byte) in wire.readableBytesView.enumerated() {
            buffer.writeInteger(byte)
            let frame = try FrameDecoder.parse(&buffer)
            if i < wire.readableBytes - 1 { #expect(frame == nil) } else { decoded = frame }
        }
        let frame = try #require(decoded)
        #expect(same(try decodeAsReceiver(frame, s.direction), s.message))
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(wire, [s.message.frame()])]) {
            FrameDecoder()
        }
    }

    @Test("every truncated body is refused", arguments: samples)
    func truncations(_ s: Sample) throws {
        let full = s.message.frame()
        for cut in 0..<full.body.readableBytes {
            // result-ack's retry-later form cut back to its first 16 bytes is the short form
            // (stored), which is valid on its own (docs/protocol.md).
            if full.messageID == ResultAck.rawID, cut == 16 { continue }
            let f = Frame(
                messageID: full.messageID, body: full.body.getSlice(at: full.body.readerIndex, length: cut)!)
            #expect(throws: ProtocolError.self) { _ = try decodeAsReceiver(f, s.direction) }
        }
    }

    @Test("a trailing byte is refused", arguments: samples)
    func trailing(_ s: Sample) throws {
        var f = s.message.frame()
        f.body.writeInteger(UInt8(0))
        #expect(throws: ProtocolError.self) { _ = try decodeAsReceiver(f, s.direction) }
    }

    @Test("fuzzed bodies decode or are refused, never crash", arguments: samples)
    func fuzz(_ s: Sample) throws {
        var rng = XorShift(s: 0x5DFA_2026 ^ UInt64(s.message.frame().messageID))
        let body = Array(s.message.frame().body.readableBytesView)
        var refused = 0, accepted = 0
        for _ in 0..<300 {
            var bytes = body
            switch Int.random(in: 0..<4, using: &rng) {
            case 0 where !bytes.isEmpty:  // flip a few bytes
                for _ in 0...Int.random(in: 0..<3, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(
                        in: 0...255, using: &rng)
                }
            case 1 where bytes.count >= 4:  // a huge length or count somewhere
                let at = Int.random(in: 0...(bytes.count - 4), using: &rng)
                for k in 0..<4 { bytes[at + k] = 0xFF }
            case 2:  // random tail
                bytes += (0..<Int.random(in: 1...16, using: &rng)).map { _ in
                    UInt8.random(in: 0...255, using: &rng)
                }
            default:  // random bytes of the same length
                bytes = bytes.map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            let frame = Frame(messageID: s.message.frame().messageID, body: ByteBuffer(bytes: bytes))
            do {
                let decoded = try decodeAsReceiver(frame, s.direction)
                // Whatever decodes re-encodes to something that decodes the same.
                #expect(same(try decodeAsReceiver(decoded.frame(), s.direction), decoded))
                accepted += 1
            } catch is ProtocolError {
                refused += 1
            }
        }
        #expect(refused + accepted == 300)
    }

    @Test func everyIDInTheTablesHasASample() {
        let ids = Set(samples.map { $0.message.frame().messageID })
        for id in WorkerMessageID.allCases.map(\.rawValue)
            + CoordinatorToWorkerMessageID.allCases.map(\.rawValue)
            + ClientMessageID.allCases.map(\.rawValue) + CoordinatorToClientMessageID.allCases.map(\.rawValue)
        {
            #expect(ids.contains(id), "no sample for message id 0x\(String(id, radix: 16))")
        }
    }

    @Test func unknownIDsAreRefusedByEveryDirection() {
        let f = Frame(messageID: 0x7777, body: ByteBuffer())
        #expect(throws: ProtocolError.unknownMessage(id: 0x7777)) { try FromWorker(f) }
        #expect(throws: ProtocolError.unknownMessage(id: 0x7777)) { try ToWorker(f) }
        #expect(throws: ProtocolError.unknownMessage(id: 0x7777)) { try FromClient(f) }
        #expect(throws: ProtocolError.unknownMessage(id: 0x7777)) { try ToClient(f) }
        // A message of the other direction is unknown here too.
        #expect(throws: ProtocolError.self) {
            try FromWorker(
                Assign(
                    spec: plainSpec, modelSHA256: digestA, leaseTTLMS: 1,
                    items: [
                        .init(itemID: 1, fence: 1, jobID: 1, index: 0, seed: 0, prompt: "", negative: "")
                    ]
                ).frame())
        }
    }

    @Test func wrongMessageIDRejected() throws {
        #expect(throws: ProtocolError.unknownMessage(id: Credit.rawID)) {
            try Heartbeat.decode(frame: Credit(count: 1).frame())
        }
    }

    @Test func randomFramesNeverCrashAnyDecoder() {
        var rng = XorShift(s: 0xC0FF_EE00_2026)
        var outcomes = 0
        for _ in 0..<4000 {
            var buf = ByteBuffer(
                bytes: (0..<Int.random(in: 0...96, using: &rng)).map { _ in
                    UInt8.random(in: 0...255, using: &rng)
                })
            if buf.readableBytes >= 6 {
                buf.setInteger(UInt32(buf.readableBytes - 4), at: 0)
                // An id from the tables half the time, so bodies reach the message decoders.
                if Bool.random(using: &rng) {
                    buf.setInteger(samples.randomElement(using: &rng)!.message.frame().messageID, at: 4)
                }
            }
            guard let frame = try? FrameDecoder.parse(&buf) else { outcomes += 1; continue }
            for decode in [
                { _ = try FromWorker($0) }, { _ = try ToWorker($0) }, { _ = try FromClient($0) },
                { _ = try ToClient($0) },
                { _ = try HandshakeOpen.decode(frame: $0) },
            ] as [(Frame) throws -> Void] {
                do { try decode(frame) } catch is ProtocolError {} catch {
                    Issue.record("not a ProtocolError: \(error)")
                }
                outcomes += 1
            }
        }
        #expect(outcomes >= 4000)
    }
}
