import NIOCore

/// A worker in a status reply (docs/protocol.md, "status reply"): string id (≤256), string
/// name (≤256), string state (≤64), string device (≤64), optional string loaded model,
/// strings models (≤256 × ≤256), count jobs (≤256) × u64, u32 items in hand, u64 images done,
/// optional f64 images per minute.
extension WorkerStatus {
    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteString(id)
        buffer.wireWriteString(name)
        buffer.wireWriteString(state)
        buffer.wireWriteString(device)
        buffer.wireWriteOptionalString(loadedModel)
        buffer.wireWriteStrings(models)
        buffer.writeInteger(UInt16(jobs.count))
        for j in jobs { buffer.wireWriteID(j) }
        buffer.writeInteger(UInt32(clamping: itemsInHand))
        buffer.writeInteger(UInt64(imagesDone))
        buffer.wireWriteOptionalDouble(imagesPerMinute)
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> WorkerStatus {
        let id = try buffer.wireReadString("worker id", limit: WireLimits.maxName)
        let name = try buffer.wireReadString("worker name", limit: WireLimits.maxName)
        let state = try buffer.wireReadString("worker state", limit: WireLimits.maxToken)
        let device = try buffer.wireReadString("device", limit: WireLimits.maxToken)
        let loaded = try buffer.wireReadOptionalString("loaded model", limit: WireLimits.maxName)
        let models = try buffer.wireReadStrings(
            "models", countLimit: WireLimits.maxModels, limit: WireLimits.maxName)
        let nj = try buffer.wireReadCount("job count", limit: WireLimits.maxItemsPerFrame)
        var jobs: [Int64] = []
        for _ in 0..<nj { jobs.append(try buffer.wireReadID("job id")) }
        let inHand = try buffer.wireReadU32("items in hand")
        let done = Int(clamping: try buffer.wireRead(UInt64.self, "images done"))
        let rate = try buffer.wireReadOptionalDouble("images per minute")
        return WorkerStatus(
            id: id, name: name, state: state, device: device, loadedModel: loaded, models: models, jobs: jobs,
            itemsInHand: inHand, imagesDone: done, imagesPerMinute: rate)
    }
}
