import NIOCore

/// A batch under a lease (docs/protocol.md, "assign"): render spec, digest
/// model sha256, u32 lease TTL ms, count items (1…256) × (u64 item id, u64 fence, u64 job id,
/// u32 index, u64 seed, string prompt, string negative). Every item shares the spec and runs
/// as one U-Net batch where the engine can.
public struct Assign: WireMessage {
    public static let rawID = CoordinatorToWorkerMessageID.assign.rawValue
    public struct Item: Equatable, Sendable {
        public var itemID: Int64
        public var fence: Int64
        public var jobID: Int64
        public var index: Int
        public var seed: UInt64
        public var prompt: String
        public var negative: String
        public init(
            itemID: Int64, fence: Int64, jobID: Int64, index: Int, seed: UInt64, prompt: String,
            negative: String
        ) {
            self.itemID = itemID; self.fence = fence; self.jobID = jobID; self.index = index
            self.seed = seed; self.prompt = prompt; self.negative = negative
        }
    }
    public var spec: RenderSettings
    public var modelSHA256: [UInt8]
    public var leaseTTLMS: UInt32
    public var items: [Item]

    public init(spec: RenderSettings, modelSHA256: [UInt8], leaseTTLMS: UInt32, items: [Item]) {
        self.spec = spec; self.modelSHA256 = modelSHA256; self.leaseTTLMS = leaseTTLMS; self.items = items
    }

    public func encode(into buffer: inout ByteBuffer) {
        spec.encode(into: &buffer); buffer.wireWriteDigest(modelSHA256)
        buffer.writeInteger(leaseTTLMS); buffer.writeInteger(UInt16(items.count))
        for i in items {
            buffer.wireWriteID(i.itemID); buffer.writeInteger(UInt64(i.fence)); buffer.wireWriteID(i.jobID)
            buffer.writeInteger(UInt32(i.index)); buffer.writeInteger(i.seed)
            buffer.wireWriteString(i.prompt); buffer.wireWriteString(i.negative)
        }
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> Assign {
        let spec = try RenderSettings.decode(from: &buffer)
        let sha = try buffer.wireReadDigest("model sha256")
        let ttl = try buffer.wireRead(UInt32.self, "lease ttl")
        let n = try buffer.wireReadCount("item count", limit: WireLimits.maxItemsPerFrame)
        guard n >= 1 else { throw ProtocolError.invalidValue(field: "item count", value: 0) }
        var items: [Item] = []
        items.reserveCapacity(n)
        for _ in 0..<n {
            let item = try buffer.wireReadID("item id")
            let fence = try buffer.wireReadUInt63("fence")
            let job = try buffer.wireReadID("job id")
            let index = Int(try buffer.wireRead(UInt32.self, "index"))
            let seed = try buffer.wireRead(UInt64.self, "seed")
            let prompt = try buffer.wireReadString("prompt")
            let negative = try buffer.wireReadString("negative")
            items.append(
                Item(
                    itemID: item, fence: fence, jobID: job, index: index, seed: seed, prompt: prompt,
                    negative: negative))
        }
        return Assign(spec: spec, modelSHA256: sha, leaseTTLMS: ttl, items: items)
    }
}
