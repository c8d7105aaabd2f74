import FarmStore
import Foundation

extension CoordinatorCore {
    /// Housekeeping, called every second by the server (and by tests after moving the clock):
    /// takes silent workers offline, measures the result disk, renews leases the store may
    /// think ended (after an outage heartbeats could not renew them), requeues expired
    /// leases, then dispatches.
    public func tick() async {
        let now = clock.now()
        for id in Array(workers.keys) {
            guard var entry = workers[id] else { continue }
            let action = entry.lifecycle.tick(now: now)
            workers[id] = entry
            await carryOut(action, for: id)
        }
        checkDisk()
        // A connected worker that is heard from still holds its leases: renew any that ran
        // out by the coordinator's reckoning before the sweep would requeue them (the store
        // was down while the heartbeats came, or results wait to be resent).
        for id in Array(workers.keys) {
            await renewLeases(of: id, now: now, dueBy: now + 1)
        }
        guard
            let expired = await storeCall(
                "requeue expired leases", "lease sweep", { try await store.requeueExpiredLeases(now: now) })
        else {
            await dispatch()
            return
        }
        var jobs: Set<Int64> = []
        for lease in expired {
            counters.leaseExpiries += 1
            if lease.newState == .failed { counters.itemsFailed += 1 }
            jobs.insert(lease.job.rawValue)
            let ref = LeaseRef(item: lease.item.rawValue, fence: lease.fence)
            if let worker = lease.worker, workers[worker]?.leases[ref] != nil {
                forgetLease(ref, of: worker, succeeded: false)
                workers[worker]?.link.send(.cancel([ref]))
            }
        }
        for job in jobs { await publishJob(job) }
        await dispatch()
    }
}
