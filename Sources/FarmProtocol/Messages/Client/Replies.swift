import NIOCore

/// The client is authenticated (docs/protocol.md, "ready"): string coordinator (≤256), a
/// human-readable name and version.
public struct Ready: WireMessage {
    public static let rawID = CoordinatorToClientMessageID.ready.rawValue
    public var coordinator: String
    public init(coordinator: String) { self.coordinator = coordinator }
    public func encode(into buffer: inout ByteBuffer) { buffer.wireWriteString(coordinator) }
    public static func decode(from buffer: inout ByteBuffer) throws -> Ready {
        Ready(coordinator: try buffer.wireReadString("coordinator", limit: WireLimits.maxName))
    }
}

/// The job is stored (docs/protocol.md, "submitted"): u64 job id, u32 items, count (≤256) ×
/// string model (≤256) that no connected worker holds (the job waits for one).
public struct Submitted: WireMessage {
    public static let rawID = CoordinatorToClientMessageID.submitted.rawValue
    public var jobID: Int64
    public var items: Int
    public var modelsNobodyHolds: [String]
    public init(jobID: Int64, items: Int, modelsNobodyHolds: [String]) {
        self.jobID = jobID; self.items = items; self.modelsNobodyHolds = modelsNobodyHolds
    }
    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteID(jobID); buffer.writeInteger(UInt32(items));
        buffer.wireWriteStrings(modelsNobodyHolds)
    }
    public static func decode(from buffer: inout ByteBuffer) throws -> Submitted {
        Submitted(
            jobID: try buffer.wireReadID("job id"),
            items: try buffer.wireReadU32("items", in: 1...WireLimits.maxItemsPerJob),
            modelsNobodyHolds: try buffer.wireReadStrings(
                "models", countLimit: WireLimits.maxModels, limit: WireLimits.maxName))
    }
}

/// A command without data succeeded (docs/protocol.md, "notice"): string text (≤4 KiB).
public struct Notice: WireMessage {
    public static let rawID = CoordinatorToClientMessageID.notice.rawValue
    public var text: String
    public init(text: String) { self.text = text }
    public func encode(into buffer: inout ByteBuffer) { buffer.wireWriteString(text) }
    public static func decode(from buffer: inout ByteBuffer) throws -> Notice {
        Notice(text: try buffer.wireReadString("text", limit: 4096))
    }
}

/// One job's counts (docs/protocol.md, "job summary"): u64 id, string state (≤64), i32
/// priority, u32 total, queued, leased, done, failed, cancelled, optional string waiting
/// (≤4 KiB), optional f64 images per minute.
public struct JobSummary: Equatable, Sendable {
    public var id: Int64
    public var state: String
    public var priority: Int32
    public var total: Int
    public var queued: Int
    public var leased: Int
    public var done: Int
    public var failed: Int
    public var cancelled: Int
    public var waiting: String?
    public var imagesPerMinute: Double?

    public init(
        id: Int64, state: String, priority: Int32, total: Int, queued: Int, leased: Int, done: Int,
        failed: Int, cancelled: Int,
        waiting: String? = nil, imagesPerMinute: Double? = nil
    ) {
        self.id = id; self.state = state; self.priority = priority; self.total = total; self.queued = queued;
        self.leased = leased
        self.done = done; self.failed = failed; self.cancelled = cancelled; self.waiting = waiting;
        self.imagesPerMinute = imagesPerMinute
    }

    public var isFinished: Bool { state == "done" || state == "failed" || state == "cancelled" }

    public func encode(into buffer: inout ByteBuffer) {
        buffer.wireWriteID(id); buffer.wireWriteString(state); buffer.writeInteger(priority)
        for n in [total, queued, leased, done, failed, cancelled] { buffer.writeInteger(UInt32(clamping: n)) }
        buffer.wireWriteOptionalString(waiting); buffer.wireWriteOptionalDouble(imagesPerMinute)
    }

    public static func decode(from buffer: inout ByteBuffer) throws -> JobSummary {
        let id = try buffer.wireReadID("job id")
        let state = try buffer.wireReadString("state", limit: WireLimits.maxToken)
        let priority = try buffer.wireRead(Int32.self, "priority")
        var n: [Int] = []
        for field in ["total", "queued", "leased", "done", "failed", "cancelled"] {
            n.append(try buffer.wireReadU32(field))
        }
        let waiting = try buffer.wireReadOptionalString("waiting", limit: 4096)
        let rate = try buffer.wireReadOptionalDouble("images per minute")
        return JobSummary(
            id: id, state: state, priority: priority, total: n[0], queued: n[1], leased: n[2], done: n[3],
            failed: n[4], cancelled: n[5],
            waiting: waiting, imagesPerMinute: rate)
    }
}

/// Reply to job status and to cancel/pause/resume/retry (docs/protocol.md, "job-reply"): job summary.
public struct JobReply: WireMessage {
    public static let rawID = CoordinatorToClientMessageID.jobReply.rawValue
    public var job: JobSummary
    public init(job: JobSummary) { self.job = job }
    public func encode(into buffer: inout ByteBuffer) { job.encode(into: &buffer) }
    public static func decode(from buffer: inout ByteBuffer) throws -> JobReply {
        JobReply(job: try JobSummary.decode(from: &buffer))
    }
}
