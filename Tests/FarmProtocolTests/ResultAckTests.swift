import NIOCore
import Testing

@testable import FarmProtocol

/// result-ack's two forms (docs/protocol.md): the short one (stored) unchanged from before,
/// and the retry-later one; anything else in the trailing bytes is refused.
@Suite("Protocol: result-ack")
struct ResultAckTests {
    static func frame(_ build: (inout ByteBuffer) -> Void) -> Frame {
        var b = ByteBuffer()
        build(&b)
        return Frame(messageID: ResultAck.rawID, body: b)
    }

    @Test func theShortFormMeansStoredAndIsSixteenBytes() throws {
        let ack = ResultAck(itemID: 5, fence: 9)
        #expect(ack.frame().body.readableBytes == 16)
        #expect(try ResultAck.decode(frame: ack.frame()) == ack)
        #expect(ack.status == .stored)
    }

    @Test func retryLaterCarriesTheDelayAndReason() throws {
        let ack = ResultAck(
            itemID: 5, fence: 9, status: .retryLater(afterMS: 5000, reason: "result disk full"))
        let decoded = try ResultAck.decode(frame: ack.frame())
        #expect(decoded.status == .retryLater(afterMS: 5000, reason: "result disk full"))
        // Reasons are cut to 4 KiB when built, so they always decode.
        let long = ResultAck(
            itemID: 5, fence: 9, status: .retryLater(afterMS: 1, reason: String(repeating: "x", count: 5000)))
        #expect(try ResultAck.decode(frame: long.frame()) == long)
    }

    @Test func malformedTrailersAreRefused() {
        let unknownStatus = Self.frame { b in
            b.writeInteger(UInt64(5)); b.writeInteger(UInt64(9)); b.writeInteger(UInt8(2));
            b.writeInteger(UInt32(1)); b.writeInteger(UInt32(0))
        }
        #expect(throws: ProtocolError.invalidValue(field: "result-ack status", value: 2)) {
            try ResultAck.decode(frame: unknownStatus)
        }
        let truncated = Self.frame { b in
            b.writeInteger(UInt64(5)); b.writeInteger(UInt64(9)); b.writeInteger(UInt8(1));
            b.writeInteger(UInt16(1))
        }
        #expect(throws: ProtocolError.self) { try ResultAck.decode(frame: truncated) }
        let overlong = Self.frame { b in
            b.writeInteger(UInt64(5)); b.writeInteger(UInt64(9)); b.writeInteger(UInt8(1));
            b.writeInteger(UInt32(1)); b.writeInteger(UInt32(5000))
        }
        #expect(throws: ProtocolError.lengthOverLimit(field: "reason", length: 5000, limit: 4096)) {
            try ResultAck.decode(frame: overlong)
        }
    }

    @Test func unblockJobRoundTripsAndAnEmptyWorkerMeansAll() throws {
        let all = UnblockJob(jobID: 3, worker: "")
        #expect(all.worker == nil)
        #expect(try UnblockJob.decode(frame: all.frame()) == all)
        let one = UnblockJob(jobID: 3, worker: "gpu-1")
        #expect(try UnblockJob.decode(frame: one.frame()) == one)
        let zero = Self.frame {
            $0.writeInteger(UInt64(0)); $0.writeInteger(UInt32(0))
        }
        #expect(throws: ProtocolError.self) {
            try FromClient(Frame(messageID: UnblockJob.rawID, body: zero.body))
        }
    }
}
