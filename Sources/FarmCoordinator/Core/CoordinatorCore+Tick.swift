import FarmStore
import Foundation

extension CoordinatorCore {
    /// Housekeeping, called every second by the server (and by tests after moving the clock):
    /// takes silent workers offline, requeues expired leases, then dispatches.
    public func tick() async {
        let now = clock.now()
        for id in Array(workers.keys) {
            guard var entry = workers[id] else { continue }
            let action = entry.lifecycle.tick(now: now)
            workers[id] = entry
            await carryOut(action, for: id)
        }
        do {
            let expired = try await store.requeueExpiredLeases(now: now)
            var jobs: Set<Int64> = []
            for lease in expired {
                counters.leaseExpiries += 1
                if lease.newState == .failed { counters.itemsFailed += 1 }
                jobs.insert(lease.job.rawValue)
                let ref = LeaseRef(item: lease.item.rawValue, fence: lease.fence)
                if let worker = lease.worker {
                    _ = ledger.recordFailure(
                        item: lease.item.rawValue, job: lease.job.rawValue, worker: worker.rawValue, cause: .leaseLost,
                        message: "lease expired", now: now)
                    if workers[worker]?.leases[ref] != nil {
                        forgetLease(ref, of: worker, succeeded: false)
                        workers[worker]?.link.send(.cancel([ref]))
                    }
                }
            }
            for job in jobs { await publishJob(job) }
        } catch {
            logger.error("lease sweep failed: \(error)")
        }
        await dispatch()
    }
}
