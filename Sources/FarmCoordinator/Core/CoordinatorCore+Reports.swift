import FarmProtocol
import FarmStore
import Foundation

extension CoordinatorCore {
    /// A worker's result, already written into the result store (`png`, and `latents` when
    /// sent). Records it and answers the worker: accepted (drop it from the outbox) or
    /// refused (not wanted). Answers nothing if the store cannot be reached: the worker keeps
    /// the result and sends it again.
    public func workerResult(id: WorkerID, lease: LeaseRef, png: StoredResult, latents: StoredResult?) async {
        let now = clock.now()
        let token = LeaseToken(item: ItemID(lease.item), fence: lease.fence)
        let result = ItemResult(sha256: png.sha256, size: png.size, location: png.location)
        let outcome: CompletionOutcome
        do {
            outcome = try await store.complete(token, worker: id, result: result, now: now)
        } catch {
            logger.error("result of item \(lease.item) from \(id.rawValue) not recorded: \(error)")
            return
        }
        let link = workers[id]?.link
        let job = workers[id]?.leases[lease]?.job
        switch outcome {
        case .completed:
            counters.itemsDone += 1
            workers[id]?.imagesDone += 1
            if let job {
                _ = ledger.recordSuccess(item: lease.item, job: job, worker: id.rawValue, now: now)
            }
            link?.send(.resultAccepted(lease))
        case .alreadyCompleted:
            link?.send(.resultAccepted(lease))
        case .staleFence(let current):
            link?.send(.resultRefused(lease, reason: "item \(lease.item) was handed out again (fence \(current))"))
        case .notRunning(let state):
            link?.send(.resultRefused(lease, reason: "item \(lease.item) is \(state.rawValue)"))
        }
        forgetLease(lease, of: id, succeeded: outcome == .completed)
        if let job { await publishJob(job) }
        await dispatch()
    }

    /// A worker reports that it could not render an item.
    public func workerFailure(id: WorkerID, lease: LeaseRef, _ failure: RenderFailure) async {
        let cause = FailureCause(failure.kind)
        if cause == .cancelled {
            await workerStopped(id: id, lease: lease, message: failure.message)
        } else {
            await workerFailure(id: id, lease: lease, cause: cause, message: failure.description)
        }
    }

    /// The worker stopped a render unfinished: the item goes back as it was (no attempt used,
    /// nothing counted), unless the lease is no longer the worker's.
    func workerStopped(id: WorkerID, lease: LeaseRef, message: String) async {
        let job = workers[id]?.leases[lease]?.job ?? 0
        let token = LeaseToken(item: ItemID(lease.item), fence: lease.fence)
        do {
            _ = try await store.unclaim([token], worker: id, now: clock.now())
        } catch {
            logger.error("item \(lease.item) stopped by \(id.rawValue) (\(message)) not put back; its lease will expire: \(error)")
        }
        forgetLease(lease, of: id, succeeded: false)
        if job != 0 { await publishJob(job) }
        await dispatch()
    }

    /// An item failed on a worker, for `cause`.
    public func workerFailure(id: WorkerID, lease: LeaseRef, cause: FailureCause, message: String) async {
        let now = clock.now()
        let info = workers[id]?.leases[lease]
        let batchSize = info.flatMap { workers[id]?.batches[$0.batch]?.size } ?? 1
        let job = info?.job ?? 0
        let decision = ledger.recordFailure(
            item: lease.item, job: job, worker: id.rawValue, cause: cause, batchSize: batchSize, message: message, now: now)
        var kind: FailureKind
        switch cause {
        case .job: kind = .permanent
        case .outOfMemory: kind = .outOfMemory
        case .worker, .leaseLost, .coordinator, .cancelled: kind = .transient
        }
        if case .failForGood = decision.item { kind = .permanent }
        if case .retrySmaller(let limit) = decision.item, var entry = workers[id] {
            entry.batchLimit = min(entry.batchLimit, limit)
            workers[id] = entry
        }
        let reason: String
        if case .failForGood(let r) = decision.item { reason = r } else { reason = message }
        let token = LeaseToken(item: ItemID(lease.item), fence: lease.fence)
        do {
            let outcome = try await store.fail(token, worker: id, kind: kind, message: "\(id.rawValue): \(reason)", now: now)
            if outcome == .failed { counters.itemsFailed += 1 }
        } catch {
            logger.error("failure of item \(lease.item) from \(id.rawValue) not recorded: \(error)")
        }
        forgetLease(lease, of: id, succeeded: false)
        if job != 0 { await publishJob(job) }
        await dispatch()
    }

    /// Progress from a worker, fanned out to the job's watchers (lossy).
    public func workerProgress(_ p: WorkerProgress) async {
        await progress.publish(.progress(p), job: p.job, key: "worker \(p.worker)")
    }

    func publishJob(_ job: Int64) async {
        guard await progress.watcherCount(job: job) > 0,
            let record = try? await store.job(JobID(job))
        else { return }
        await progress.publish(.job(record), job: job, key: "job")
        if record.state.isFinished {
            await progress.close(job: job)
        }
    }
}
