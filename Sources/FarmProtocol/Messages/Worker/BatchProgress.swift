import NIOCore

/// A small RGB preview (docs/protocol.md, "preview"): u16 width, u16 height (each ≤128;
/// both 0 for none), bytes rgb of exactly width × height × 3.
public struct Preview: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var rgb: [UInt8]
    public static let none = Preview(width: 0, height: 0, rgb: [])
    public init(width: Int, height: Int, rgb: [UInt8]) {
        self.width = width; self.height = height; self.rgb = rgb
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt16(width)); buffer.writeInteger(UInt16(height)); buffer.wireWriteBytes(rgb)
    }

    /// An RGB image as a preview: as it is when it fits, else shrunk (nearest pixel, aspect
    /// kept) to at most `maxPreviewSide` on its longer side; `.none` if the bytes are not
    /// width × height × 3.
    public static func fitting(rgb: [UInt8], width: Int, height: Int) -> Preview {
        guard width > 0, height > 0, rgb.count == width * height * 3 else { return .none }
        let side = WireLimits.maxPreviewSide
        if width <= side && height <= side { return Preview(width: width, height: height, rgb: rgb) }
        let scale = Double(side) / Double(max(width, height))
        let w = max(1, min(side, Int((Double(width) * scale).rounded())))
        let h = max(1, min(side, Int((Double(height) * scale).rounded())))
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let sy = min(height - 1, y * height / h)
            for x in 0..<w {
                let sx = min(width - 1, x * width / w)
                let from = (sy * width + sx) * 3, to = (y * w + x) * 3
                out[to] = rgb[from]; out[to + 1] = rgb[from + 1]; out[to + 2] = rgb[from + 2]
            }
        }
        return Preview(width: w, height: h, rgb: out)
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> Preview {
        let w = try buffer.wireReadU16("preview width", in: 0...WireLimits.maxPreviewSide)
        let h = try buffer.wireReadU16("preview height", in: 0...WireLimits.maxPreviewSide)
        let rgb = try buffer.wireReadBytes("preview", limit: w * h * 3)
        guard rgb.count == w * h * 3 else {
            throw ProtocolError.invalidValue(field: "preview length", value: rgb.count)
        }
        return Preview(width: w, height: h, rgb: rgb)
    }
}

/// The batch in hand is at `step` of `totalSteps` (docs/protocol.md, "progress"): u64 job
/// id, count items (≤256) × u64 item id, u32 step, u32 total steps, preview.
/// Lossy by design: the worker sends at a bounded rate, latest wins, older ones are dropped.
public struct BatchProgress: WireMessage {
    public static let rawID = WorkerMessageID.progress.rawValue
    public var jobID: Int64
    public var itemIDs: [Int64]
    public var step: Int
    public var totalSteps: Int
    public var preview: Preview

    public init(jobID: Int64, itemIDs: [Int64], step: Int, totalSteps: Int, preview: Preview = .none) {
        self.jobID = jobID; self.itemIDs = itemIDs; self.step = step; self.totalSteps = totalSteps;
        self.preview = preview
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteID(jobID)
        buffer.writeInteger(UInt16(itemIDs.count))
        for i in itemIDs { buffer.wireWriteID(i) }
        buffer.writeInteger(UInt32(step)); buffer.writeInteger(UInt32(totalSteps));
        preview.encode(into: &buffer)
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> BatchProgress {
        let job = try buffer.wireReadID("job id")
        let n = try buffer.wireReadCount("item count", limit: WireLimits.maxItemsPerFrame)
        var items: [Int64] = []
        items.reserveCapacity(n)
        for _ in 0..<n { items.append(try buffer.wireReadID("item id")) }
        let total = try buffer.wireReadSteps()
        return BatchProgress(
            jobID: job, itemIDs: items, step: total.step, totalSteps: total.total,
            preview: try Preview.decode(from: &buffer))
    }
}

extension ByteBuffer {
    /// u32 step, u32 total steps with 0 ≤ step ≤ total ≤ maxSteps.
    mutating func wireReadSteps() throws -> (step: Int, total: Int) {
        let step = try wireReadU32("step", in: 0...WireLimits.maxSteps)
        let total = try wireReadU32("total steps", in: 1...WireLimits.maxSteps)
        guard step <= total else { throw ProtocolError.invalidValue(field: "step", value: step) }
        return (step, total)
    }
}
