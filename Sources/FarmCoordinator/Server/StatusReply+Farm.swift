import FarmProtocol
import FarmStore

extension StatusReply {
    /// The farm's status as the protocol carries it.
    init(_ s: FarmStatus) {
        self.init(
            workers: s.workers.prefix(WireLimits.maxStatusWorkers).map {
                StatusReply.Worker(
                    id: $0.id, name: $0.name, state: $0.state, device: $0.device, loadedModel: $0.loadedModel,
                    models: Array($0.models.prefix(WireLimits.maxModels)), jobs: Array($0.jobs.prefix(WireLimits.maxItemsPerFrame)),
                    itemsInHand: $0.itemsInHand, imagesDone: $0.imagesDone, imagesPerMinute: $0.imagesPerMinute)
            },
            jobs: s.jobs.prefix(WireLimits.maxStatusJobs).map { JobSummary($0.record, waiting: $0.waiting, imagesPerMinute: $0.imagesPerMinute) })
    }
}

extension JobSummary {
    init(_ r: JobRecord, waiting: String?, imagesPerMinute: Double?) {
        let p = r.progress
        self.init(
            id: r.id.rawValue, state: r.state.rawValue, priority: Int32(clamping: r.priority), total: p.total, queued: p.queued, leased: p.leased,
            done: p.done, failed: p.failed, cancelled: p.cancelled, waiting: waiting.map { String($0.prefix(4096)) }, imagesPerMinute: imagesPerMinute)
    }
}

extension CoordinatorCore {
    /// A job's summary with why it waits and its current rate.
    func summary(of record: JobRecord) async -> JobSummary {
        let waiting = await storeCall("wait reason", "job \(record.id.rawValue)", heals: false, { try await waitReason(for: record) })
        return JobSummary(
            record, waiting: waiting ?? storeHealth.summary, imagesPerMinute: rate(ofJob: record.id.rawValue))
    }
}
