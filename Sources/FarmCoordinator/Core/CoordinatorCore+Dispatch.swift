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

    private func dispatchRound() async {
        let offers = workers.values.filter { $0.lifecycle.assignable > 0 }.map {
            DispatchPolicy.Offer(
                worker: $0.id.rawValue, credit: $0.lifecycle.assignable, batchLimit: $0.batchLimit,
                models: $0.capabilities.modelNames, loadedModel: $0.loadedModel)
        }
        let queued: [QueuedBatchKey]
        do {
            queued = try await store.queuedBatchKeys(limit: config.queueScanLimit)
        } catch {
            logger.error("dispatch: cannot read the queue: \(error)")
            return
        }
        let waiting = queued.compactMap { q -> DispatchPolicy.Waiting? in
            guard let key = RenderSettings(batchKey: q.batchKey) else { return nil }
            return DispatchPolicy.Waiting(key: key, queued: q.queued, priority: q.topPriority)
        }
        let plan = dispatchPolicy.plan(offers: offers, queue: waiting, connectedModels: connectedModels)
        waitReasons = plan.waiting
        for assignment in plan.assignments {
            await assign(assignment)
        }
    }

    private func assign(_ a: DispatchPolicy.Assignment) async {
        let id = WorkerID(a.worker)
        guard let entry = workers[id], entry.lifecycle.assignable > 0 else { return }
        let count = min(a.count, entry.lifecycle.assignable, entry.batchLimit)
        let ttl = config.lease.ttl(for: a.key.cost(images: count), speed: entry.speed)
        let now = clock.now()
        let claimed: [ClaimedItem]
        do {
            claimed = try await store.claim(worker: id, batchKey: a.key.batchKey, limit: count, leaseDuration: ttl, now: now)
        } catch {
            logger.error("dispatch: claim for \(id.rawValue) failed: \(error)")
            return
        }
        guard !claimed.isEmpty else { return }
        let refs = claimed.map { LeaseRef(item: $0.id.rawValue, fence: $0.fence) }
        // The worker may have gone while the claim ran: give the items straight back.
        guard var current = workers[id], current.lifecycle.assigned(refs, now: now) else {
            let tokens = claimed.map(\.lease)
            _ = try? await store.renew(tokens, worker: id, leaseDuration: 0.001, now: now)
            _ = try? await store.requeueExpiredLeases(now: now + 0.002)
            return
        }
        nextBatch += 1
        for c in claimed {
            current.leases[LeaseRef(item: c.id.rawValue, fence: c.fence)] = LeaseInfo(
                job: c.job.rawValue, batch: nextBatch, claimedAt: now, ttl: ttl, expires: c.leaseExpiresAt)
        }
        current.batches[nextBatch] = BatchInfo(key: a.key, assignedAt: now, size: claimed.count, remaining: claimed.count, succeeded: 0)
        current.loadedModel = a.key.model
        workers[id] = current
        counters.itemsAssigned += claimed.count
        let batch = AssignedBatch(
            key: a.key, leaseTTL: ttl,
            items: claimed.map {
                AssignedBatch.Item(
                    lease: LeaseRef(item: $0.id.rawValue, fence: $0.fence), job: $0.job.rawValue, index: $0.index,
                    prompt: $0.spec.prompt, negativePrompt: $0.spec.negativePrompt, seed: $0.spec.seed)
            })
        current.link.send(.assign(batch))
        try? await store.touchWorker(id, state: .active, now: now)
    }
}
