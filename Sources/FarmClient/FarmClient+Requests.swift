import FarmProtocol

extension FarmClient {
    /// Workers and jobs (newest first, at most `jobLimit`).
    public mutating func status(jobLimit: Int = 50) async throws -> StatusReply {
        try await write([StatusRequest(jobLimit: max(1, min(jobLimit, WireLimits.maxStatusJobs))).frame()])
        guard case .statusReply(let s) = try await reply("status") else { throw unexpected("status") }
        return s
    }

    public mutating func job(_ id: Int64) async throws -> JobSummary {
        try await jobRequest(JobStatusRequest(jobID: id))
    }

    public mutating func cancel(_ id: Int64) async throws -> JobSummary {
        try await jobRequest(CancelJob(jobID: id))
    }
    public mutating func pause(_ id: Int64) async throws -> JobSummary {
        try await jobRequest(PauseJob(jobID: id))
    }
    public mutating func resume(_ id: Int64) async throws -> JobSummary {
        try await jobRequest(ResumeJob(jobID: id))
    }
    public mutating func retry(_ id: Int64) async throws -> JobSummary {
        try await jobRequest(RetryJob(jobID: id))
    }

    mutating func jobRequest(_ request: some JobRequest) async throws -> JobSummary {
        guard request.jobID >= 1 else {
            throw FarmClientError(
                .rejected(code: ErrorMessage.Code.badRequest.rawValue), "job ids start at 1")
        }
        try await write([request.frame()])
        guard case .jobReply(let r) = try await reply("the job") else { throw unexpected("a job") }
        return r.job
    }

    /// Asks a connected worker to drain; returns the coordinator's notice.
    public mutating func drain(worker: String) async throws -> String {
        try await write([DrainWorker(name: worker).frame()])
        guard case .notice(let n) = try await reply("drain") else { throw unexpected("a notice") }
        return n.text
    }

    /// Lifts a job's blocks — of one worker (by id), or of every worker when nil — and
    /// forgives the failures behind them; returns the coordinator's notice.
    public mutating func unblock(job: Int64, worker: String?) async throws -> String {
        guard job >= 1 else {
            throw FarmClientError(
                .rejected(code: ErrorMessage.Code.badRequest.rawValue), "job ids start at 1")
        }
        try await write([UnblockJob(jobID: job, worker: worker).frame()])
        guard case .notice(let n) = try await reply("unblock") else { throw unexpected("a notice") }
        return n.text
    }

    /// A watch event.
    public enum WatchEvent: Sendable {
        case job(JobSummary)
        case progress(worker: String, BatchProgress)
    }

    /// Follows a job until it ends, calling `onEvent` for each event; returns the final summary.
    public mutating func watch(_ id: Int64, onEvent: (WatchEvent) throws -> Void) async throws -> JobSummary {
        guard id >= 1 else {
            throw FarmClientError(
                .rejected(code: ErrorMessage.Code.badRequest.rawValue), "job ids start at 1")
        }
        try await write([Watch(jobID: id).frame()])
        while true {
            switch try await reply("watch events") {
            case .watchJob(let j): try onEvent(.job(j.job))
            case .watchProgress(let p): try onEvent(.progress(worker: p.worker, p.progress))
            case .watchEnd(let e): return e.job
            default: throw unexpected("a watch event")
            }
        }
    }

    /// One page of results: `onItem` gets each item and, when asked for and done, its PNG
    /// (reassembled from chunks and checked against its size and sha256).
    public mutating func fetchResults(
        job: Int64, from: Int, limit: Int = 64, images: Bool = true,
        onItem: (ResultItem, [UInt8]?) throws -> Void
    ) async throws -> ResultsEnd {
        guard job >= 1 else {
            throw FarmClientError(
                .rejected(code: ErrorMessage.Code.badRequest.rawValue), "job ids start at 1")
        }
        try await write([
            FetchResults(
                jobID: job, fromIndex: max(0, from), limit: max(1, min(limit, WireLimits.maxResultsPerPage)),
                images: images
            ).frame()
        ])
        while true {
            switch try await reply("results") {
            case .resultItem(let item):
                var png: [UInt8]?
                if item.imageSize > 0 {
                    var bytes: [UInt8] = []
                    bytes.reserveCapacity(min(item.imageSize, WireLimits.maxChunk * 4))
                    while bytes.count < item.imageSize {
                        guard case .resultItemChunk(let c) = try await reply("image bytes") else {
                            throw unexpected("image bytes")
                        }
                        guard bytes.count + c.data.count <= item.imageSize else {
                            throw FarmClientError(
                                .corrupt,
                                "item \(item.index): more image bytes than the \(item.imageSize) declared")
                        }
                        bytes += c.data
                    }
                    if let sha = item.sha256, Digest.sha256(bytes) != sha {
                        throw FarmClientError(
                            .corrupt, "item \(item.index): the image does not match its sha256")
                    }
                    png = bytes
                }
                try onItem(item, png)
            case .resultsEnd(let end):
                return end
            default:
                throw unexpected("results")
            }
        }
    }
}
