import NIOCore

/// The farm at one moment (docs/protocol.md, "status-reply"): count workers (≤4096) ×
/// worker summary, count jobs (≤1000) × job summary.
public struct StatusReply: WireMessage {
    public static let rawID = CoordinatorToClientMessageID.statusReply.rawValue

    /// string id (≤256), string name (≤256), string state (≤64), string device (≤64),
    /// optional string loaded model (≤256), count models (≤256) × string, count jobs (≤256) ×
    /// u64, u32 items in hand, u64 images done, optional f64 images per minute.
    public struct Worker: Equatable, Sendable {
        public var id: String
        public var name: String
        public var state: String
        public var device: String
        public var loadedModel: String?
        public var models: [String]
        public var jobs: [Int64]
        public var itemsInHand: Int
        public var imagesDone: Int
        public var imagesPerMinute: Double?

        public init(id: String, name: String, state: String, device: String, loadedModel: String?, models: [String], jobs: [Int64],
                    itemsInHand: Int, imagesDone: Int, imagesPerMinute: Double?) {
            self.id = id; self.name = name; self.state = state; self.device = device; self.loadedModel = loadedModel
            self.models = models; self.jobs = jobs; self.itemsInHand = itemsInHand; self.imagesDone = imagesDone; self.imagesPerMinute = imagesPerMinute
        }
    }

    public var workers: [Worker]
    public var jobs: [JobSummary]
    public init(workers: [Worker], jobs: [JobSummary]) { self.workers = workers; self.jobs = jobs }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt16(workers.count))
        for w in workers {
            buffer.wireWriteString(w.id); buffer.wireWriteString(w.name); buffer.wireWriteString(w.state); buffer.wireWriteString(w.device)
            buffer.wireWriteOptionalString(w.loadedModel); buffer.wireWriteStrings(w.models)
            buffer.writeInteger(UInt16(w.jobs.count))
            for j in w.jobs { buffer.wireWriteID(j) }
            buffer.writeInteger(UInt32(clamping: w.itemsInHand)); buffer.writeInteger(UInt64(w.imagesDone)); buffer.wireWriteOptionalDouble(w.imagesPerMinute)
        }
        buffer.writeInteger(UInt16(jobs.count))
        for j in jobs { j.encode(into: &buffer) }
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> StatusReply {
        let nw = try buffer.wireReadCount("worker count", limit: WireLimits.maxStatusWorkers)
        var workers: [Worker] = []
        workers.reserveCapacity(min(nw, buffer.readableBytes / 40))
        for _ in 0..<nw {
            let id = try buffer.wireReadString("worker id", limit: WireLimits.maxName)
            let name = try buffer.wireReadString("worker name", limit: WireLimits.maxName)
            let state = try buffer.wireReadString("worker state", limit: WireLimits.maxToken)
            let device = try buffer.wireReadString("device", limit: WireLimits.maxToken)
            let loaded = try buffer.wireReadOptionalString("loaded model", limit: WireLimits.maxName)
            let models = try buffer.wireReadStrings("models", countLimit: WireLimits.maxModels, limit: WireLimits.maxName)
            let nj = try buffer.wireReadCount("job count", limit: WireLimits.maxItemsPerFrame)
            var jobs: [Int64] = []
            for _ in 0..<nj { jobs.append(try buffer.wireReadID("job id")) }
            let inHand = try buffer.wireReadU32("items in hand")
            let done = Int(clamping: try buffer.wireRead(UInt64.self, "images done"))
            let rate = try buffer.wireReadOptionalDouble("images per minute")
            workers.append(Worker(id: id, name: name, state: state, device: device, loadedModel: loaded, models: models, jobs: jobs,
                                  itemsInHand: inHand, imagesDone: done, imagesPerMinute: rate))
        }
        let nj = try buffer.wireReadCount("job count", limit: WireLimits.maxStatusJobs)
        var jobs: [JobSummary] = []
        jobs.reserveCapacity(min(nj, buffer.readableBytes / 40))
        for _ in 0..<nj { jobs.append(try JobSummary.decode(from: &buffer)) }
        return StatusReply(workers: workers, jobs: jobs)
    }
}
