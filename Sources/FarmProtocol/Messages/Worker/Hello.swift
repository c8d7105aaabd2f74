import NIOCore

/// Worker capabilities (docs/protocol.md, "hello"): string name, string device, u64 memory bytes,
/// u16 threads, u16 max batch, u16 model count (≤ maxModels), then per model: string name, 32-byte sha256.
public struct Hello: WireMessage {
    public static let rawID = WorkerMessageID.hello.rawValue
    public struct Model: Equatable, Sendable {
        public var name: String
        public var sha256: [UInt8]
        public init(name: String, sha256: [UInt8]) { self.name = name; self.sha256 = sha256 }
    }
    public var name: String
    public var device: String
    public var memoryBytes: UInt64
    public var threads: UInt16
    public var maxBatch: UInt16
    public var models: [Model]

    public init(
        name: String, device: String, memoryBytes: UInt64, threads: UInt16, maxBatch: UInt16, models: [Model]
    ) {
        self.name = name; self.device = device; self.memoryBytes = memoryBytes
        self.threads = threads; self.maxBatch = maxBatch; self.models = models
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteString(name); buffer.wireWriteString(device)
        buffer.writeInteger(memoryBytes); buffer.writeInteger(threads); buffer.writeInteger(maxBatch)
        buffer.writeInteger(UInt16(models.count))
        for m in models {
            buffer.wireWriteString(m.name); precondition(m.sha256.count == 32); buffer.writeBytes(m.sha256)
        }
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> Hello {
        let name = try buffer.wireReadString("name", limit: WireLimits.maxName)
        let device = try buffer.wireReadString("device", limit: WireLimits.maxToken)
        let memory = try buffer.wireRead(UInt64.self, "memory")
        let threads = try buffer.wireRead(UInt16.self, "threads")
        let maxBatch = UInt16(try buffer.wireReadU16("max batch", in: 1...WireLimits.maxItemsPerFrame))
        let n = try buffer.wireReadCount("model count", limit: WireLimits.maxModels)
        var models: [Model] = []
        models.reserveCapacity(n)
        for _ in 0..<n {
            let mname = try buffer.wireReadString("model name", limit: WireLimits.maxName)
            models.append(Model(name: mname, sha256: try buffer.wireReadDigest("model sha256")))
        }
        return Hello(
            name: name, device: device, memoryBytes: memory, threads: threads, maxBatch: maxBatch,
            models: models)
    }
}
