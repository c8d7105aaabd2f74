import NIOCore

/// The coordinator accepts a worker (docs/protocol.md, "welcome"): string worker id (≤256),
/// u16 max batch it will assign (≤ the hello's), count models (≤256) × (string name, digest
/// sha256) it will assign work for (the hello's, echoed), u32 heartbeat interval ms, u32
/// heartbeat timeout ms, u32 default lease TTL ms.
public struct Welcome: WireMessage {
    public static let rawID = CoordinatorToWorkerMessageID.welcome.rawValue
    public var workerID: String
    public var maxBatch: UInt16
    public var models: [Hello.Model]
    public var heartbeatIntervalMS: UInt32
    public var heartbeatTimeoutMS: UInt32
    public var defaultLeaseTTLMS: UInt32

    public init(
        workerID: String, maxBatch: UInt16, models: [Hello.Model], heartbeatIntervalMS: UInt32,
        heartbeatTimeoutMS: UInt32, defaultLeaseTTLMS: UInt32
    ) {
        self.workerID = workerID; self.maxBatch = maxBatch; self.models = models
        self.heartbeatIntervalMS = heartbeatIntervalMS; self.heartbeatTimeoutMS = heartbeatTimeoutMS;
        self.defaultLeaseTTLMS = defaultLeaseTTLMS
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteString(workerID); buffer.writeInteger(maxBatch)
        buffer.writeInteger(UInt16(models.count))
        for m in models { buffer.wireWriteString(m.name); buffer.wireWriteDigest(m.sha256) }
        buffer.writeInteger(heartbeatIntervalMS); buffer.writeInteger(heartbeatTimeoutMS);
        buffer.writeInteger(defaultLeaseTTLMS)
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> Welcome {
        let id = try buffer.wireReadString("worker id", limit: WireLimits.maxName)
        let maxBatch = UInt16(try buffer.wireReadU16("max batch", in: 1...WireLimits.maxItemsPerFrame))
        let n = try buffer.wireReadCount("model count", limit: WireLimits.maxModels)
        var models: [Hello.Model] = []
        models.reserveCapacity(n)
        for _ in 0..<n {
            let name = try buffer.wireReadString("model name", limit: WireLimits.maxName)
            models.append(Hello.Model(name: name, sha256: try buffer.wireReadDigest("model sha256")))
        }
        let interval = try buffer.wireRead(UInt32.self, "heartbeat interval")
        let timeout = try buffer.wireRead(UInt32.self, "heartbeat timeout")
        guard interval >= 1, timeout >= interval else {
            throw ProtocolError.invalidValue(field: "heartbeat timeout", value: Int(timeout))
        }
        let ttl = try buffer.wireRead(UInt32.self, "lease ttl")
        return Welcome(
            workerID: id, maxBatch: maxBatch, models: models, heartbeatIntervalMS: interval,
            heartbeatTimeoutMS: timeout, defaultLeaseTTLMS: ttl)
    }
}
