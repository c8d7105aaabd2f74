import NIOCore

/// The farm's workers and jobs (docs/protocol.md, "status"): u16 job limit (1…1000), newest first.
public struct StatusRequest: WireMessage {
    public static let rawID = ClientMessageID.status.rawValue
    public var jobLimit: Int
    public init(jobLimit: Int) { self.jobLimit = jobLimit }
    public func encode(into buffer: inout ByteBuffer) { buffer.writeInteger(UInt16(jobLimit)) }
    public static func decode(from buffer: inout ByteBuffer) throws -> StatusRequest {
        StatusRequest(jobLimit: try buffer.wireReadU16("job limit", in: 1...WireLimits.maxStatusJobs))
    }
}

/// A request about one job: u64 job id. Job status, cancel, pause, resume, retry and watch
/// share this body and differ by message id (docs/protocol.md, "Client → coordinator").
public protocol JobRequest: WireMessage {
    var jobID: Int64 { get }
    init(jobID: Int64)
}

extension JobRequest {
    public func encode(into buffer: inout ByteBuffer) { buffer.wireWriteID(jobID) }
    public static func decode(from buffer: inout ByteBuffer) throws -> Self {
        Self(jobID: try buffer.wireReadID("job id"))
    }
}

public struct JobStatusRequest: JobRequest {
    public static let rawID = ClientMessageID.jobStatus.rawValue
    public var jobID: Int64
    public init(jobID: Int64) { self.jobID = jobID }
}

public struct CancelJob: JobRequest {
    public static let rawID = ClientMessageID.cancelJob.rawValue
    public var jobID: Int64
    public init(jobID: Int64) { self.jobID = jobID }
}

public struct PauseJob: JobRequest {
    public static let rawID = ClientMessageID.pauseJob.rawValue
    public var jobID: Int64
    public init(jobID: Int64) { self.jobID = jobID }
}

public struct ResumeJob: JobRequest {
    public static let rawID = ClientMessageID.resumeJob.rawValue
    public var jobID: Int64
    public init(jobID: Int64) { self.jobID = jobID }
}

public struct RetryJob: JobRequest {
    public static let rawID = ClientMessageID.retryJob.rawValue
    public var jobID: Int64
    public init(jobID: Int64) { self.jobID = jobID }
}

/// Subscribe to a job (docs/protocol.md, "watch"): the coordinator sends watch-job at once,
/// then watch-progress and watch-job events (lossy, latest wins, a watch-job at least every
/// few seconds as a keep-alive) until watch-end.
public struct Watch: JobRequest {
    public static let rawID = ClientMessageID.watch.rawValue
    public var jobID: Int64
    public init(jobID: Int64) { self.jobID = jobID }
}

/// Ask a connected worker to drain (docs/protocol.md, "drain-worker"): string name (≤256).
public struct DrainWorker: WireMessage {
    public static let rawID = ClientMessageID.drainWorker.rawValue
    public var name: String
    public init(name: String) { self.name = name }
    public func encode(into buffer: inout ByteBuffer) { buffer.wireWriteString(name) }
    public static func decode(from buffer: inout ByteBuffer) throws -> DrainWorker {
        DrainWorker(name: try buffer.wireReadString("name", limit: WireLimits.maxName))
    }
}

/// A page of a job's results (docs/protocol.md, "fetch-results"): u64 job id, u32 from index,
/// u16 limit (1…256), bool images. Answered by result-item (each followed by its image in
/// result-item-chunk frames when `images` and the item is done), then results-end.
public struct FetchResults: WireMessage {
    public static let rawID = ClientMessageID.fetchResults.rawValue
    public var jobID: Int64
    public var fromIndex: Int
    public var limit: Int
    public var images: Bool
    public init(jobID: Int64, fromIndex: Int, limit: Int, images: Bool) {
        self.jobID = jobID; self.fromIndex = fromIndex; self.limit = limit; self.images = images
    }
    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteID(jobID); buffer.writeInteger(UInt32(fromIndex)); buffer.writeInteger(UInt16(limit));
        buffer.wireWriteBool(images)
    }
    public static func decode(from buffer: inout ByteBuffer) throws -> FetchResults {
        FetchResults(
            jobID: try buffer.wireReadID("job id"), fromIndex: try buffer.wireReadU32("from index"),
            limit: try buffer.wireReadU16("limit", in: 1...WireLimits.maxResultsPerPage),
            images: try buffer.wireReadBool("images"))
    }
}
