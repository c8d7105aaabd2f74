import NIOCore
import Testing

@testable import FarmProtocol

/// Declared lengths and counts over their limits are refused from the declaration, before
/// anything is read or allocated: the bodies below hold only the declaration, so a decoder
/// that tried to read first would report `truncated` instead.
@Suite("Protocol: limits")
struct MessageLimitTests {
    static func frame(_ id: UInt16, _ build: (inout ByteBuffer) -> Void) -> Frame {
        var b = ByteBuffer()
        build(&b)
        return Frame(messageID: id, body: b)
    }

    @Test func oversizedStringsRejectedBeforeAllocating() throws {
        let f = Self.frame(Goodbye.rawID) { $0.writeInteger(UInt32.max) }
        #expect(throws: ProtocolError.lengthOverLimit(field: "reason", length: Int(UInt32.max), limit: 4096))
        { try FromWorker(f) }
        // A prompt one byte over 64 KiB.
        let p = Self.frame(SubmitItems.rawID) { b in
            b.writeInteger(UInt16(1))
            b.writeInteger(UInt32(WireLimits.maxString + 1))
        }
        #expect(
            throws: ProtocolError.lengthOverLimit(
                field: "prompt", length: WireLimits.maxString + 1, limit: WireLimits.maxString)
        ) { try FromClient(p) }
    }

    @Test func tooManyItemsModelsWorkersJobs() {
        let cases: [(Frame, (Frame) throws -> Void)] = [
            (
                Self.frame(SubmitItems.rawID) {
                    $0.writeInteger(UInt16(WireLimits.maxSubmitItemsPerFrame + 1))
                }, { _ = try FromClient($0) }
            ),
            (
                Self.frame(Hello.rawID) { b in
                    Hello(name: "w", device: "cpu", memoryBytes: 1, threads: 1, maxBatch: 1, models: [])
                        .encode(into: &b)
                    b.moveWriterIndex(to: b.writerIndex - 2)
                    b.writeInteger(UInt16(WireLimits.maxModels + 1))
                }, { _ = try FromWorker($0) }
            ),
            (
                Self.frame(StatusReply.rawID) { $0.writeInteger(UInt16(WireLimits.maxStatusWorkers + 1)) },
                { _ = try ToClient($0) }
            ),
            (
                Self.frame(StatusReply.rawID) { b in
                    b.writeInteger(UInt16(0)); b.writeInteger(UInt16(WireLimits.maxStatusJobs + 1))
                }, { _ = try ToClient($0) }
            ),
            (
                Self.frame(Assign.rawID) { b in
                    plainSpec.encode(into: &b)
                    b.writeBytes(digestA)
                    b.writeInteger(UInt32(1000))
                    b.writeInteger(UInt16(WireLimits.maxItemsPerFrame + 1))
                }, { _ = try ToWorker($0) }
            ),
            (
                Self.frame(Submitted.rawID) { b in
                    b.writeInteger(UInt64(1)); b.writeInteger(UInt32(1));
                    b.writeInteger(UInt16(WireLimits.maxModels + 1))
                },
                { _ = try ToClient($0) }
            ),
        ]
        for (f, decode) in cases {
            #expect(throws: ProtocolError.self) { try decode(f) }
            do { try decode(f) } catch let e as ProtocolError {
                if case .lengthOverLimit = e {
                } else {
                    Issue.record("0x\(String(f.messageID, radix: 16)): expected lengthOverLimit, got \(e)")
                }
            } catch { Issue.record("\(error)") }
        }
    }

    @Test func chunksAndResultsHaveCaps() {
        let chunk = Self.frame(ResultChunk.rawID) { $0.writeInteger(UInt32(WireLimits.maxChunk + 1)) }
        #expect(
            throws: ProtocolError.lengthOverLimit(
                field: "chunk", length: WireLimits.maxChunk + 1, limit: WireLimits.maxChunk)
        ) { try FromWorker(chunk) }
        let empty = Self.frame(ResultItemChunk.rawID) { $0.writeInteger(UInt32(0)) }
        #expect(throws: ProtocolError.invalidValue(field: "chunk length", value: 0)) { try ToClient(empty) }
        var begin = ResultBegin(
            itemID: 1, fence: 1, jobID: 1, elapsed: 0, batchSize: 1, pngSize: 1, pngSHA256: digestA,
            latentsSize: 0, latentsSHA256: digestA)
        begin.pngSize = WireLimits.maxResultFile + 1
        #expect(
            throws: ProtocolError.lengthOverLimit(
                field: "png size", length: WireLimits.maxResultFile + 1, limit: WireLimits.maxResultFile)
        ) {
            try FromWorker(begin.frame())
        }
    }

    @Test func previewsAreSmallAndExact() {
        let big = Self.frame(BatchProgress.rawID) { b in
            b.writeInteger(UInt64(1)); b.writeInteger(UInt16(0)); b.writeInteger(UInt32(1));
            b.writeInteger(UInt32(2))
            b.writeInteger(UInt16(WireLimits.maxPreviewSide + 1)); b.writeInteger(UInt16(1))
        }
        #expect(
            throws: ProtocolError.invalidValue(field: "preview width", value: WireLimits.maxPreviewSide + 1)
        ) { try FromWorker(big) }
        // 2 × 2 RGB is 12 bytes, not 11.
        var short = BatchProgress(
            jobID: 1, itemIDs: [], step: 1, totalSteps: 2,
            preview: Preview(width: 2, height: 2, rgb: Array(repeating: 0, count: 11))
        ).frame()
        #expect(throws: ProtocolError.self) { try FromWorker(short) }
        short = BatchProgress(jobID: 1, itemIDs: [], step: 3, totalSteps: 2).frame()
        #expect(throws: ProtocolError.invalidValue(field: "step", value: 3)) { try FromWorker(short) }
    }

    @Test func valuesOutOfRange() {
        #expect(throws: ProtocolError.invalidValue(field: "count", value: 4096)) {
            try Credit.decode(frame: Frame(messageID: Credit.rawID, body: ByteBuffer(bytes: [0x10, 0x00])))
        }
        #expect(throws: ProtocolError.invalidValue(field: "limit", value: 0)) {
            try FromClient(
                Self.frame(FetchResults.rawID) { b in
                    b.writeInteger(UInt64(1)); b.writeInteger(UInt32(0)); b.writeInteger(UInt16(0))
                })
        }
        #expect(throws: ProtocolError.invalidValue(field: "job id", value: 0)) {
            try FromClient(Self.frame(Watch.rawID) { $0.writeInteger(UInt64(0)) })
        }
        var zeroWidth = plainSpec
        zeroWidth.width = 0
        #expect(throws: ProtocolError.invalidValue(field: "width", value: 0)) {
            try FromClient(
                SubmitItems(items: [.init(prompt: "p", negative: "", seed: 1, spec: zeroWidth)]).frame())
        }
        var nan = plainSpec
        nan.cfg = .nan
        #expect(throws: ProtocolError.self) {
            try FromClient(SubmitItems(items: [.init(prompt: "p", negative: "", seed: 1, spec: nan)]).frame())
        }
        let badBool = Self.frame(ResultsEnd.rawID) { b in
            b.writeInteger(UInt8(2)); b.writeInteger(UInt32(0))
        }
        #expect(throws: ProtocolError.invalidValue(field: "more", value: 2)) { try ToClient(badBool) }
        let badKind = Self.frame(Failure.rawID) { b in
            b.writeInteger(UInt64(1)); b.writeInteger(UInt64(1)); b.writeInteger(UInt8(1));
            b.writeInteger(UInt8(9))
        }
        #expect(throws: ProtocolError.invalidValue(field: "kind", value: 9)) { try FromWorker(badKind) }
        let badCode = Self.frame(ErrorMessage.rawID) { $0.writeInteger(UInt16(999)) }
        #expect(throws: ProtocolError.invalidValue(field: "code", value: 999)) { try ToClient(badCode) }
    }

    @Test func extraSettingsMustBeSortedAndUnique() {
        let f = Self.frame(SubmitItems.rawID) { b in
            b.writeInteger(UInt16(1))
            b.wireWriteString("p"); b.wireWriteString(""); b.writeInteger(UInt64(1))
            plainSpec.encode(into: &b)
            b.moveWriterIndex(to: b.writerIndex - 2)
            b.writeInteger(UInt16(2))
            b.wireWriteString("z"); b.wireWriteString("1")
            b.wireWriteString("a"); b.wireWriteString("2")
        }
        #expect(throws: ProtocolError.invalidValue(field: "extra key order", value: 0)) { try FromClient(f) }
    }

    @Test func invalidUTF8Refused() {
        let f = Self.frame(Goodbye.rawID) { b in
            b.writeInteger(UInt32(2)); b.writeBytes([0xC3, 0x28])
        }
        #expect(throws: ProtocolError.invalidUTF8(field: "reason")) { try FromWorker(f) }
    }

    @Test func longErrorTextsAreCutNotRefused() throws {
        let long = String(repeating: "é", count: 5000)
        let e = ErrorMessage(.internalError, long)
        #expect(e.message.utf8.count <= ErrorMessage.maxMessage)
        #expect(try ErrorMessage.decode(frame: e.frame()) == e)
        let f = Failure(itemID: 1, fence: 1, failure: .worker(long))
        #expect(try Failure.decode(frame: f.frame()) == f)
    }
}
