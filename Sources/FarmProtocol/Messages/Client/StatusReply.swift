import NIOCore

/// The farm at one moment (docs/protocol.md, "status-reply"): count workers (≤4096) ×
/// worker status (`WorkerStatus+Wire.swift`), count jobs (≤1000) × job summary.
public struct StatusReply: WireMessage {
    public static let rawID = CoordinatorToClientMessageID.statusReply.rawValue

    public var workers: [WorkerStatus]
    public var jobs: [JobSummary]
    public init(workers: [WorkerStatus], jobs: [JobSummary]) { self.workers = workers; self.jobs = jobs }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt16(workers.count))
        for w in workers { w.encode(into: &buffer) }
        buffer.writeInteger(UInt16(jobs.count))
        for j in jobs { j.encode(into: &buffer) }
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> StatusReply {
        let nw = try buffer.wireReadCount("worker count", limit: WireLimits.maxStatusWorkers)
        var workers: [WorkerStatus] = []
        workers.reserveCapacity(min(nw, buffer.readableBytes / 40))
        for _ in 0..<nw { workers.append(try WorkerStatus.decode(from: &buffer)) }
        let nj = try buffer.wireReadCount("job count", limit: WireLimits.maxStatusJobs)
        var jobs: [JobSummary] = []
        jobs.reserveCapacity(min(nj, buffer.readableBytes / 40))
        for _ in 0..<nj { jobs.append(try JobSummary.decode(from: &buffer)) }
        return StatusReply(workers: workers, jobs: jobs)
    }
}
