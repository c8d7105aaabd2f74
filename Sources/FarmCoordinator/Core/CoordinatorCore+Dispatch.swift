import FarmProtocol
import FarmStore
import Foundation

extension CoordinatorCore {
    /// Hands queued work to workers that asked for it. Rounds never overlap: a call during a
    /// round makes the round run once more.
    public func dispatch() async {
        if dispatching {
            dispatchRequested = true
            return
        }
        dispatching = true
        defer { dispatching = false }
        repeat {
            dispatchRequested = false
            await dispatchRound()
        } while dispatchRequested
    }

    /// Plans, claims, and plans again while claims come back short: a worker the store
    /// gives nothing for a key (it is blocked for every job waiting with that key) has that
    /// key taken off its list, so its credit goes to work it can do in the same round.
    private func dispatchRound() async {
        // Below the result disk's reserve nothing new is handed out (docs/operations.md).
        if acceptsResults() {
            await planAndClaim()
        }
    }

    private func planAndClaim() async {
        guard
            let queued = await storeCall(
                "queued batch keys", "dispatch", heals: false,
                { try await store.queuedBatchKeys(limit: config.queueScanLimit) })
        else { return }
        var waiting = queued.compactMap { q -> DispatchPolicy.Waiting? in
            guard let key = RenderSettings(batchKey: q.batchKey) else { return nil }
            return DispatchPolicy.Waiting(key: key, queued: q.queued, priority: q.topPriority)
        }
        var cannotServe: Set<DispatchPolicy.WorkerKey> = []
        // Each pass either hands out everything planned or rules a (worker, key) out; the
        // bound only stops a pathological farm from spinning here.
        for _ in 0..<16 {
            let offers = workers.values.filter { $0.lifecycle.assignable > 0 }.map {
                DispatchPolicy.Offer(
                    worker: $0.id.rawValue, credit: $0.lifecycle.assignable, batchLimit: $0.batchLimit,
                    models: $0.capabilities.modelNames, loadedModel: $0.loadedModel)
            }
            let plan = dispatchPolicy.plan(
                offers: offers, queue: waiting, connectedModels: connectedModels, cannotServe: cannotServe)
            waitReasons = plan.waiting
            var shortfall = false
            for assignment in plan.assignments {
                guard let (asked, got) = await assign(assignment) else { return }
                if let q = waiting.firstIndex(where: { $0.key == assignment.key }) {
                    waiting[q].queued -= got
                }
                if got < asked {
                    cannotServe.insert(
                        DispatchPolicy.WorkerKey(worker: assignment.worker, key: assignment.key))
                    shortfall = true
                }
            }
            if !shortfall { return }
        }
    }

    /// Claims and hands over one planned batch; returns how many items it asked for and got
    /// (nil when the store failed: the round stops).
    private func assign(_ a: DispatchPolicy.Assignment) async -> (asked: Int, got: Int)? {
        let id = WorkerID(a.worker)
        guard let entry = workers[id], entry.lifecycle.assignable > 0 else { return (0, 0) }
        let count = min(a.count, entry.lifecycle.assignable, entry.batchLimit)
        let ttl = config.lease.ttl(for: a.key.cost(images: count), speed: entry.speed)
        let now = clock.now()
        guard
            let claimed = await storeCall(
                "claim", "\(count) items of \(a.key.model) for worker \(id.rawValue)", heals: false,
                {
                    try await store.claim(
                        worker: id, batchKey: a.key.batchKey, limit: count, leaseDuration: ttl, now: now)
                })
        else { return nil }
        // A claim that found nothing may have written nothing: only one that took items shows
        // the store can write again.
        guard !claimed.isEmpty else { return (count, 0) }
        storeWorked()
        let refs = claimed.map { LeaseRef(item: $0.id.rawValue, fence: $0.fence) }
        // The worker may have gone while the claim ran: the items go straight back as if never
        // claimed (no attempt spent, nothing recorded).
        guard var current = workers[id], current.lifecycle.assigned(refs, now: now) else {
            let tokens = claimed.map(\.lease)
            _ = await storeCall(
                "unclaim", "\(tokens.count) items claimed for worker \(id.rawValue), gone meanwhile"
            ) {
                try await store.unclaim(tokens, worker: id, now: now)
            }
            return (count, 0)
        }
        nextBatch += 1
        for c in claimed {
            current.leases[LeaseRef(item: c.id.rawValue, fence: c.fence)] = LeaseInfo(
                job: c.job.rawValue, batch: nextBatch, claimedAt: now, ttl: ttl, expires: c.leaseExpiresAt)
        }
        current.batches[nextBatch] = BatchInfo(
            key: a.key, assignedAt: now, size: claimed.count, remaining: claimed.count, succeeded: 0)
        current.loadedModel = a.key.model
        workers[id] = current
        counters.itemsAssigned += claimed.count
        let batch = AssignedBatch(
            key: a.key, leaseTTL: ttl,
            items: claimed.map {
                AssignedBatch.Item(
                    lease: LeaseRef(item: $0.id.rawValue, fence: $0.fence), job: $0.job.rawValue,
                    index: $0.index,
                    prompt: $0.spec.prompt, negativePrompt: $0.spec.negativePrompt, seed: $0.spec.seed)
            })
        current.link.send(.assign(batch))
        await touch(id, state: .active, now: now, why: "assignment")
        return (count, claimed.count)
    }
}
