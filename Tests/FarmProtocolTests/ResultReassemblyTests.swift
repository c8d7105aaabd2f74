import NIOCore
import Testing

@testable import FarmProtocol

@Suite("Protocol: result chunking and reassembly")
struct ResultReassemblyTests {
    static func begin(png: [UInt8], latents: [UInt8], item: Int64 = 3) -> ResultBegin {
        ResultBegin(
            itemID: item, fence: 1, jobID: 1, elapsed: 0.5, batchSize: 1, pngSize: png.count,
            pngSHA256: Digest.sha256(png),
            latentsSize: latents.count, latentsSHA256: Digest.sha256(latents))
    }

    @Test func framesReassembleIntoBothFiles() throws {
        let png = (0..<1000).map { UInt8($0 % 251) }
        let latents = (0..<333).map { UInt8($0 % 13) }
        let frames = ResultReassembly.frames(
            Self.begin(png: png, latents: latents), png: png, latents: latents, chunkSize: 64)
        #expect(frames.count == 1 + 16 + 6 + 1)
        var r = ResultReassembly()
        var got: [ResultReassembly.Part: [UInt8]] = [:]
        for f in frames {
            switch try FromWorker(f) {
            case .resultBegin(let b): try r.begin(b)
            case .resultChunk(let c): for (part, bytes) in try r.chunk(c) { got[part, default: []] += bytes }
            case .resultEnd(let e): #expect(try r.end(e).itemID == 3)
            default: Issue.record("unexpected frame")
            }
        }
        #expect(got[.png] == png)
        #expect(got[.latents] == latents)
        #expect(!r.inFlight)
    }

    @Test func aChunkMayStraddleThePNGsEnd() throws {
        var r = ResultReassembly()
        try r.begin(Self.begin(png: [1, 2, 3], latents: [4, 5]))
        let parts = try r.chunk(ResultChunk(data: [1, 2, 3, 4, 5]))
        #expect(parts.map(\.0) == [.png, .latents])
        #expect(Array(parts[0].1) == [1, 2, 3])
        #expect(Array(parts[1].1) == [4, 5])
    }

    @Test func outOfOrderAndOverrunsAreRefused() throws {
        var r = ResultReassembly()
        #expect(throws: ProtocolError.self) { _ = try r.chunk(ResultChunk(data: [1])) }
        #expect(throws: ProtocolError.self) { _ = try r.end(ResultEnd(itemID: 3)) }
        try r.begin(Self.begin(png: [1, 2], latents: []))
        #expect(throws: ProtocolError.self) { try r.begin(Self.begin(png: [1], latents: [], item: 4)) }
        #expect(throws: ProtocolError.lengthOverLimit(field: "result bytes", length: 3, limit: 2)) {
            _ = try r.chunk(ResultChunk(data: [1, 2, 3]))
        }
        _ = try r.chunk(ResultChunk(data: [1]))
        #expect(throws: ProtocolError.truncated(field: "result of item 3")) {
            _ = try r.end(ResultEnd(itemID: 3))
        }
        _ = try r.chunk(ResultChunk(data: [2]))
        #expect(throws: ProtocolError.self) { _ = try r.end(ResultEnd(itemID: 4)) }
        #expect(try r.end(ResultEnd(itemID: 3)).pngSize == 2)
    }
}

@Suite("Protocol: previews")
struct PreviewTests {
    @Test func smallPreviewsPassLargeOnesShrinkBadOnesVanish() throws {
        let small = Preview.fitting(rgb: Array(repeating: 7, count: 4 * 2 * 3), width: 4, height: 2)
        #expect(small.width == 4 && small.height == 2)
        // 512 × 256 with a red left half and a blue right half.
        var big = [UInt8]()
        for _ in 0..<256 { for x in 0..<512 { big += x < 256 ? [255, 0, 0] : [0, 0, 255] } }
        let shrunk = Preview.fitting(rgb: big, width: 512, height: 256)
        #expect(shrunk.width == 128 && shrunk.height == 64)
        #expect(Array(shrunk.rgb[0..<3]) == [255, 0, 0])
        #expect(Array(shrunk.rgb[(127 * 3)..<(128 * 3)]) == [0, 0, 255])
        // What fits() makes always encodes and decodes.
        let p = BatchProgress(jobID: 1, itemIDs: [1], step: 1, totalSteps: 2, preview: shrunk)
        #expect(try BatchProgress.decode(frame: p.frame()) == p)
        #expect(Preview.fitting(rgb: [1, 2, 3], width: 2, height: 2) == .none)
        #expect(Preview.fitting(rgb: [], width: 0, height: 0) == .none)
    }
}
