import FarmProtocol
import FarmStore

extension StatusReply {
    /// The farm's status as the protocol carries it.
    init(_ s: FarmStatus) {
        self.init(
            workers: s.workers.prefix(WireLimits.maxStatusWorkers).map { worker in
                var w = worker
                w.models = Array(w.models.prefix(WireLimits.maxModels))
                w.jobs = Array(w.jobs.prefix(WireLimits.maxItemsPerFrame))
                return w
            },
            jobs: s.jobs.prefix(WireLimits.maxStatusJobs).map {
                JobSummary($0.record, waiting: $0.waiting, imagesPerMinute: $0.imagesPerMinute)
            })
    }
}

extension JobSummary {
    init(_ r: JobRecord, waiting: String?, imagesPerMinute: Double?) {
        let p = r.progress
        self.init(
            id: r.id.rawValue, state: r.state.rawValue, priority: Int32(clamping: r.priority), total: p.total,
            queued: p.queued, leased: p.leased,
            done: p.done, failed: p.failed, cancelled: p.cancelled,
            waiting: waiting.map { String($0.prefix(4096)) }, imagesPerMinute: imagesPerMinute)
    }
}

extension CoordinatorCore {
    /// A job's summary with why it waits and its current rate.
    func summary(of record: JobRecord) async -> JobSummary {
        let waiting = await storeCall(
            "wait reason", "job \(record.id.rawValue)", heals: false, { try await waitReason(for: record) })
        return JobSummary(
            record, waiting: waiting ?? storeHealth.summary, imagesPerMinute: rate(ofJob: record.id.rawValue))
    }
}
