/// The receiving side of result-begin / result-chunk / result-end (docs/protocol.md,
/// "Results") as a value-type state machine with no I/O: it checks the order, that chunks
/// never run past the sizes declared in the begin, and that the end matches, and says which
/// file each byte belongs to. Digests are the sink's to check (it hashes as it writes).
public struct ResultReassembly: Sendable {
    public enum Part: Sendable, Equatable { case png, latents }
    public private(set) var current: ResultBegin?
    private var received = 0

    public init() {}

    public var inFlight: Bool { current != nil }

    public mutating func begin(_ b: ResultBegin) throws {
        guard current == nil else {
            throw ProtocolError.outOfOrder("result-begin while item \(current!.itemID) is in flight")
        }
        current = b
        received = 0
    }

    /// Splits a chunk into the parts it belongs to (a chunk may straddle the PNG's end).
    public mutating func chunk(_ c: ResultChunk) throws -> [(Part, ArraySlice<UInt8>)] {
        guard let b = current else { throw ProtocolError.outOfOrder("result-chunk without result-begin") }
        guard received + c.data.count <= b.totalSize else {
            throw ProtocolError.lengthOverLimit(
                field: "result bytes", length: received + c.data.count, limit: b.totalSize)
        }
        var out: [(Part, ArraySlice<UInt8>)] = []
        let pngLeft = max(0, b.pngSize - received)
        let inPNG = min(pngLeft, c.data.count)
        if inPNG > 0 { out.append((.png, c.data[0..<inPNG])) }
        if inPNG < c.data.count { out.append((.latents, c.data[inPNG...])) }
        received += c.data.count
        return out
    }

    /// The end: returns the begin it closes, once every declared byte has arrived.
    public mutating func end(_ e: ResultEnd) throws -> ResultBegin {
        guard let b = current else { throw ProtocolError.outOfOrder("result-end without result-begin") }
        guard e.itemID == b.itemID else {
            throw ProtocolError.outOfOrder("result-end for item \(e.itemID) closes item \(b.itemID)")
        }
        guard received == b.totalSize else {
            throw ProtocolError.truncated(field: "result of item \(b.itemID)")
        }
        current = nil
        return b
    }

    /// The frames that carry a result: begin, the bytes in chunks of at most `chunkSize`, end.
    public static func frames(
        _ begin: ResultBegin, png: [UInt8], latents: [UInt8], chunkSize: Int = WireLimits.maxChunk
    ) -> [Frame] {
        precondition(png.count == begin.pngSize && latents.count == begin.latentsSize)
        precondition(chunkSize >= 1 && chunkSize <= WireLimits.maxChunk)
        var frames = [begin.frame()]
        for part in [png, latents] {
            var offset = 0
            while offset < part.count {
                let n = min(chunkSize, part.count - offset)
                frames.append(ResultChunk(data: Array(part[offset..<offset + n])).frame())
                offset += n
            }
        }
        frames.append(ResultEnd(itemID: begin.itemID).frame())
        return frames
    }
}
