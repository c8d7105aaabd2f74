import NIOCore

/// Lift a job's blocks (docs/protocol.md, "unblock-job"): id job, string worker (≤256;
/// empty: every worker blocked for the job). The failures behind the blocks are forgiven.
/// Answered by a notice saying how many blocks were lifted.
public struct UnblockJob: WireMessage {
    public static let rawID = ClientMessageID.unblockJob.rawValue
    public var jobID: Int64
    /// The worker's id; nil for every worker.
    public var worker: String?

    public init(jobID: Int64, worker: String?) {
        self.jobID = jobID
        self.worker = worker?.isEmpty == true ? nil : worker
    }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteID(jobID)
        buffer.wireWriteString(worker ?? "")
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> UnblockJob {
        UnblockJob(
            jobID: try buffer.wireReadID("job id"),
            worker: try buffer.wireReadString("worker", limit: WireLimits.maxName))
    }
}
