import FarmProtocol
import FarmStore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension CoordinatorCore {
    /// A worker's result, already written into the result store (`png`, and `latents` when
    /// sent). Records it and answers the worker: accepted (drop it from the outbox), refused
    /// (not wanted), or — when the store cannot record it now — retry later (keep it and
    /// send it again after a while; its lease is kept alive meanwhile).
    public func workerResult(id: WorkerID, lease: LeaseRef, png: StoredResult, latents: StoredResult?) async {
        let now = clock.now()
        let token = LeaseToken(item: ItemID(lease.item), fence: lease.fence)
        let result = ItemResult(sha256: png.sha256, size: png.size, location: png.location)
        let outcome: CompletionOutcome
        do {
            outcome = try await store.complete(token, worker: id, result: result, now: now)
            storeWorked()
        } catch {
            storeFailed(
                "complete", "result of item \(lease.item) fence \(lease.fence) from \(id.rawValue)", error)
            askToResend(lease, of: id, reason: "the coordinator cannot record results now: \(error)")
            return
        }
        let link = workers[id]?.link
        let job = workers[id]?.leases[lease]?.job
        switch outcome {
        case .completed:
            counters.itemsDone += 1
            workers[id]?.imagesDone += 1
            link?.send(.resultAccepted(lease))
        case .alreadyCompleted:
            link?.send(.resultAccepted(lease))
        case .staleFence(let current):
            link?.send(
                .resultRefused(lease, reason: "item \(lease.item) was handed out again (fence \(current))"))
        case .notRunning(let state):
            link?.send(.resultRefused(lease, reason: "item \(lease.item) is \(state.rawValue)"))
        }
        forgetLease(lease, of: id, succeeded: outcome == .completed)
        if let job { await publishJob(job) }
        await dispatch()
    }

    /// A result the coordinator did not store. A bad result (wrong digest, too large) is a
    /// failed try on this worker and is refused. Otherwise the coordinator's disk is at fault
    /// (below its reserve, full or failing): counted against nobody, the worker keeps the
    /// result and sends it again later; until space is freed no new work is handed out.
    public func resultNotStored(id: WorkerID, lease: LeaseRef, error: ResultStoreError) async {
        guard error.isCoordinatorFault else {
            await workerFailure(id: id, lease: lease, cause: .worker, message: "\(error)")
            workers[id]?.link.send(.resultRefused(lease, reason: "\(error)"))
            return
        }
        checkDisk()
        if case .io(let operation, let code) = error.kind {
            // Without the file's name (a fresh temporary one each time), so repeats are alike.
            let reason = "\(operation): \(String(cString: strerror(code)))"
            if !disk.isLow {
                logger.error(
                    "result disk: a write failed (\(reason)): taking no results until space is freed")
            }
            disk.writeFailed(reason)
            diskLowSince = diskLowSince ?? clock.now()
            logRepeated(.error, "result disk \(results.root): cannot store results: \(reason)")
        }
        askToResend(lease, of: id, reason: "the coordinator cannot store results now: \(error)")
    }

    /// Tells the worker to keep the result and resend it after `resultRetryAfter`; the lease
    /// stays in hand and is renewed past its usual ceiling while the result waits.
    func askToResend(_ lease: LeaseRef, of id: WorkerID, reason: String) {
        counters.resultsDeferred += 1
        workers[id]?.leases[lease]?.resultDeferredAt = clock.now()
        workers[id]?.link.send(.resultRetryLater(lease, after: resendDelay(), reason: reason))
    }

    /// `resultRetryAfter`, growing to a quarter of how long the store or the result disk has
    /// been in trouble, at most `resultRetryAfterMax`.
    func resendDelay() -> TimeInterval {
        let base = config.resultRetryAfter
        let starts = [storeHealth.problem?.since, diskLowSince].compactMap { $0 }
        guard let start = starts.min() else { return base }
        let age = clock.now().timeIntervalSince(start)
        return min(max(base, age / 4), max(base, config.resultRetryAfterMax))
    }

    /// A worker reports that it could not render an item.
    public func workerFailure(id: WorkerID, lease: LeaseRef, _ failure: RenderFailure) async {
        await workerFailure(
            id: id, lease: lease, cause: FailureCause(failure.kind), message: failure.description)
    }

    /// An item failed on a worker, for `cause`. A cancelled render (the worker stopped it
    /// unfinished) goes back as it was: no attempt used, nothing counted.
    public func workerFailure(id: WorkerID, lease: LeaseRef, cause: FailureCause, message: String) async {
        let now = clock.now()
        let info = workers[id]?.leases[lease]
        let batchSize = info.flatMap { workers[id]?.batches[$0.batch]?.size } ?? 1
        let job = info?.job
        let verdict = FailureVerdict(cause: cause, batchSize: batchSize)
        if let limit = verdict.batchLimit, var entry = workers[id] {
            entry.batchLimit = min(entry.batchLimit, limit)
            workers[id] = entry
        }
        let token = LeaseToken(item: ItemID(lease.item), fence: lease.fence)
        let context = "failure of item \(lease.item) fence \(lease.fence) from \(id.rawValue)"
        switch verdict.record {
        case .fail(let kind):
            let outcome = await storeCall("fail", context) {
                try await store.fail(
                    token, worker: id, kind: kind, message: "\(id.rawValue): \(message)", now: now)
            }
            if outcome == .failed { counters.itemsFailed += 1 }
        case .release:
            let ended = await storeCall("release", context) {
                try await store.release([token], worker: id, now: now)
            }
            counters.itemsFailed += ended?.filter { $0.newState == .failed }.count ?? 0
        case .unclaim:
            _ = await storeCall("unclaim", context) { try await store.unclaim([token], worker: id, now: now) }
        }
        forgetLease(lease, of: id, succeeded: false)
        if let job { await publishJob(job) }
        await dispatch()
    }

    /// Progress from a worker, fanned out to the job's watchers (lossy).
    public func workerProgress(_ p: WorkerProgress) async {
        await progress.publish(.progress(p), job: p.job, key: "worker \(p.worker)")
    }

    func publishJob(_ job: Int64) async {
        guard await progress.watcherCount(job: job) > 0,
            let record = await storeCall(
                "job", "progress of job \(job) for its watchers", heals: false,
                { try await store.job(JobID(job)) }),
            let record
        else { return }
        await progress.publish(.job(record), job: job, key: "job")
        if record.state.isFinished {
            await progress.close(job: job)
        }
    }
}
