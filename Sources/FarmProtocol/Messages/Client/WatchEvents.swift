import NIOCore

/// Watch event: a worker's progress on the watched job (docs/protocol.md, "watch-progress"):
/// string worker (≤256), then the progress body (job id, items, step, total, preview).
public struct WatchProgress: WireMessage {
    public static let rawID = CoordinatorToClientMessageID.watchProgress.rawValue
    public var worker: String
    public var progress: BatchProgress
    public init(worker: String, progress: BatchProgress) { self.worker = worker; self.progress = progress }
    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteString(worker); progress.encode(into: &buffer)
    }
    public static func decode(from buffer: inout ByteBuffer) throws -> WatchProgress {
        WatchProgress(
            worker: try buffer.wireReadString("worker", limit: WireLimits.maxName),
            progress: try BatchProgress.decode(from: &buffer))
    }
}

/// Watch event: the job's counts (docs/protocol.md, "watch-job"): job summary.
public struct WatchJob: WireMessage {
    public static let rawID = CoordinatorToClientMessageID.watchJob.rawValue
    public var job: JobSummary
    public init(job: JobSummary) { self.job = job }
    public func encode(into buffer: inout ByteBuffer) { job.encode(into: &buffer) }
    public static func decode(from buffer: inout ByteBuffer) throws -> WatchJob {
        WatchJob(job: try JobSummary.decode(from: &buffer))
    }
}

/// The watch is over (docs/protocol.md, "watch-end"): the final job summary.
public struct WatchEnd: WireMessage {
    public static let rawID = CoordinatorToClientMessageID.watchEnd.rawValue
    public var job: JobSummary
    public init(job: JobSummary) { self.job = job }
    public func encode(into buffer: inout ByteBuffer) { job.encode(into: &buffer) }
    public static func decode(from buffer: inout ByteBuffer) throws -> WatchEnd {
        WatchEnd(job: try JobSummary.decode(from: &buffer))
    }
}
