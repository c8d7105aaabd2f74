import FarmProtocol
import FarmStore
import Foundation

/// One item as a client submits it.
public struct SubmittedItem: Sendable, Equatable {
    public var prompt: String
    public var negativePrompt: String
    public var seed: UInt64
    public var key: RenderSettings

    public init(prompt: String, negativePrompt: String, seed: UInt64, key: RenderSettings) {
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.seed = seed
        self.key = key
    }
}

extension CoordinatorCore {
    /// Stores a job (all items in one transaction) and dispatches.
    public func submit(owner: String, priority: Int, settings: String, items: [SubmittedItem]) async throws
        -> SubmitOutcome
    {
        // A job's items mostly share their settings: each distinct key is encoded once.
        var keys: [RenderSettings: String] = [:]
        let specs = items.map { item in
            let key = keys[item.key] ?? item.key.batchKey
            keys[item.key] = key
            return ItemSpec(
                prompt: item.prompt, negativePrompt: item.negativePrompt, seed: item.seed, settings: "{}",
                batchKey: key)
        }
        let id = try await store.submit(
            JobSubmission(owner: owner, priority: priority, settings: settings, items: specs),
            now: clock.now())
        let held = connectedModels
        let missing = Set(items.map(\.key.model)).subtracting(held).sorted()
        await dispatch()
        return SubmitOutcome(job: id, items: items.count, modelsNobodyHolds: missing)
    }

    public func cancel(job: JobID) async throws -> JobRecord {
        let record = try await store.cancel(job, now: clock.now())
        await stopLeases(ofJob: job.rawValue)
        await publishJob(job.rawValue)
        return record
    }

    public func pause(job: JobID) async throws -> JobRecord {
        let record = try await store.pause(job, now: clock.now())
        await publishJob(job.rawValue)
        return record
    }

    public func resume(job: JobID) async throws -> JobRecord {
        let record = try await store.resume(job, now: clock.now())
        await publishJob(job.rawValue)
        await dispatch()
        return record
    }

    /// Requeues the job's failed items; returns how many.
    public func retry(job: JobID) async throws -> Int {
        let count = try await store.retryFailed(job, now: clock.now())
        await publishJob(job.rawValue)
        await dispatch()
        return count
    }

    /// Lifts the job's blocks — of one worker, or of all when nil — and forgives the failures
    /// behind them (`sdfarm unblock`), then dispatches. Returns how many blocks were lifted.
    public func unblock(job: JobID, worker: WorkerID?) async throws -> Int {
        let lifted = try await store.unblock(job: job, worker: worker)
        logger.notice(
            "unblocked \(lifted) worker(s) for job \(job.rawValue)",
            metadata: ["worker": "\(worker?.rawValue ?? "all")"])
        await dispatch()
        return lifted
    }

    /// Tells workers to stop the job's items (their leases are gone from the store).
    func stopLeases(ofJob job: Int64) async {
        for (id, entry) in workers {
            let refs = entry.leases.filter { $0.value.job == job }.map(\.key).sorted()
            guard !refs.isEmpty else { continue }
            for ref in refs { forgetLease(ref, of: id, succeeded: false) }
            entry.link.send(.cancel(refs))
        }
    }

    /// Workers and jobs, for `sdfarm status` (jobs newest first, at most `jobLimit`).
    public func status(jobLimit: Int = 50) async throws -> FarmStatus {
        let workerList = workers.values.sorted { $0.name < $1.name }.map { e in
            WorkerStatus(
                id: e.id.rawValue, name: e.name, state: e.lifecycle.state.rawValue,
                device: e.capabilities.device,
                loadedModel: e.loadedModel, models: e.capabilities.modelNames.sorted(),
                jobs: Set(e.leases.values.map(\.job)).sorted(), itemsInHand: e.leases.count,
                imagesDone: e.imagesDone, imagesPerMinute: e.speed.imagesPerMinute)
        }
        let records = try await store.jobs(JobFilter(limit: jobLimit))
        var jobs: [FarmStatus.Job] = []
        for record in records {
            jobs.append(
                FarmStatus.Job(
                    record: record, waiting: try await waitReason(for: record),
                    imagesPerMinute: rate(ofJob: record.id.rawValue)))
        }
        return FarmStatus(workers: workerList, jobs: jobs)
    }

    func waitReason(for record: JobRecord) async throws -> String? {
        switch record.state {
        case .paused: return "paused"
        case .done, .failed, .cancelled: return nil
        case .active:
            // The farm's own trouble first: it holds every unfinished job (results of leased
            // items wait in the workers' outboxes too), whatever the workers hold.
            if record.progress.queued + record.progress.leased > 0 {
                if let problem = storeHealth.summary { return problem }
                if let low = disk.summary { return low }
            }
            guard record.progress.queued > 0 else { return nil }
            if workers.isEmpty { return "no worker connected" }
            let first = try await store.items(ItemFilter(job: record.id, states: [.queued], limit: 1)).first
            if let key = first.flatMap({ RenderSettings(batchKey: $0.spec.batchKey) }) {
                if !connectedModels.contains(key.model) {
                    return "no connected worker holds model \(key.model)"
                }
                let blocked = try await store.blockedWorkers(job: record.id).map(\.worker)
                let able = workers.values.filter {
                    $0.capabilities.modelNames.contains(key.model) && !blocked.contains($0.id)
                }
                if able.isEmpty { return "every worker holding \(key.model) is blocked for this job" }
                if let reason = waitReasons[key] { return reason.rawValue }
            }
            return nil
        }
    }

    func rate(ofJob job: Int64) -> Double? {
        let rates = workers.values.filter { $0.leases.values.contains { $0.job == job } }.compactMap(
            \.speed.imagesPerMinute)
        return rates.isEmpty ? nil : rates.reduce(0, +)
    }
}
