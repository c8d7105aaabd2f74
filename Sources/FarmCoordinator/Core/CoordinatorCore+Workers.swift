import FarmStore
import Foundation

extension CoordinatorCore {
    /// A worker finished its handshake. A second connection of the same worker replaces the
    /// first (whose leases are given back after the disconnect grace).
    public func workerConnected(id: WorkerID, name: String, capabilities: WorkerCapabilities, link: any WorkerLink) async throws -> Int {
        let now = clock.now()
        if workers[id] != nil {
            await workerDisconnected(id: id, connection: workers[id]!.connection, reason: "replaced by a new connection")
        }
        let json = String(decoding: (try? JSONEncoder().encode(capabilities)) ?? Data("{}".utf8), as: UTF8.self)
        _ = try await store.upsertWorker(id: id, name: name, capabilities: json, state: .idle, now: now)
        nextConnection += 1
        var lifecycle = WorkerLifecycle(connectedAt: now, heartbeatTimeout: config.heartbeatTimeout)
        _ = lifecycle.authenticated(now: now)
        workers[id] = WorkerEntry(
            id: id, name: name, capabilities: capabilities, link: link, connection: nextConnection,
            lifecycle: lifecycle, batchLimit: max(1, capabilities.maxBatch))
        logger.info("worker connected", metadata: ["worker": "\(id.rawValue)", "models": "\(capabilities.modelNames.sorted())"])
        return nextConnection
    }

    /// The worker asks for `items` more.
    public func workerCredit(id: WorkerID, items: Int) async {
        guard var entry = workers[id] else { return }
        let action = entry.lifecycle.creditGranted(entry.lifecycle.credit + items, now: clock.now())
        workers[id] = entry
        await carryOut(action, for: id)
        await dispatch()
    }

    /// A heartbeat: renews the worker's leases.
    public func workerHeartbeat(id: WorkerID) async {
        guard var entry = workers[id] else { return }
        let now = clock.now()
        entry.lifecycle.heard(now: now)
        workers[id] = entry
        try? await store.touchWorker(id, state: nil, now: now)
        await renewLeases(of: id, now: now)
    }

    /// The connection ended (goodbye, error or close). Leases in hand get `disconnectGrace`
    /// more seconds — the worker may come straight back and deliver from its outbox — and are
    /// then requeued by the expiry sweep.
    public func workerDisconnected(id: WorkerID, connection: Int, reason: String) async {
        guard var entry = workers[id], entry.connection == connection else { return }
        let held = entry.leases.keys.sorted()
        _ = entry.lifecycle.disconnected()
        workers[id] = nil
        logger.info("worker disconnected", metadata: ["worker": "\(id.rawValue)", "reason": "\(reason)", "leases": "\(held.count)"])
        let now = clock.now()
        if !held.isEmpty {
            let tokens = held.map { LeaseToken(item: ItemID($0.item), fence: $0.fence) }
            _ = try? await store.renew(tokens, worker: id, leaseDuration: config.disconnectGrace, now: now)
        }
        try? await store.touchWorker(id, state: .offline, now: now)
    }

    /// An operator asked the worker to drain.
    public func drainWorker(named name: String) async -> Bool {
        guard let id = workers.first(where: { $0.value.name == name || $0.key.rawValue == name })?.key,
            var entry = workers[id]
        else { return false }
        let action = entry.lifecycle.drainRequested()
        workers[id] = entry
        await carryOut(action, for: id)
        try? await store.touchWorker(id, state: .draining, now: clock.now())
        return true
    }

    /// Drains every worker (coordinator shutdown).
    public func drainAll() async {
        for entry in workers.values { _ = await drainWorker(named: entry.id.rawValue) }
    }

    func carryOut(_ action: WorkerLifecycle.Action, for id: WorkerID) async {
        switch action {
        case .none, .requeue:
            return
        case .sendDrain:
            workers[id]?.link.send(.drain)
        case .close(let reason, _):
            if let entry = workers[id] {
                entry.link.close(reason: reason)
                await workerDisconnected(id: id, connection: entry.connection, reason: reason)
            }
        }
    }

    func renewLeases(of id: WorkerID, now: Date) async {
        guard let entry = workers[id], !entry.leases.isEmpty else { return }
        // Leases of one batch share their claim time and TTL: one renewal per batch.
        let byBatch = Dictionary(grouping: entry.leases, by: { $0.value.batch })
        var lost: [LeaseRef] = []
        for (_, leases) in byBatch {
            let info = leases[0].value
            let expiry = config.lease.renewedExpiry(claimedAt: info.claimedAt, ttl: info.ttl, current: info.expires, now: now)
            let tokens = leases.map { LeaseToken(item: ItemID($0.key.item), fence: $0.key.fence) }
            guard let outcome = try? await store.renew(tokens, worker: id, leaseDuration: max(0.001, expiry.timeIntervalSince(now)), now: now) else { continue }
            for ref in leases.map(\.key) {
                if outcome.lost.contains(ItemID(ref.item)) {
                    lost.append(ref)
                } else {
                    workers[id]?.leases[ref]?.expires = expiry
                }
            }
        }
        if !lost.isEmpty {
            for ref in lost { forgetLease(ref, of: id, succeeded: false) }
            workers[id]?.link.send(.cancel(lost.sorted()))
        }
    }

    /// Drops a lease from the worker's hand and its batch's count.
    func forgetLease(_ ref: LeaseRef, of id: WorkerID, succeeded: Bool) {
        guard var entry = workers[id], let info = entry.leases.removeValue(forKey: ref) else { return }
        let now = clock.now()
        entry.lifecycle.leaseEnded(ref, now: now)
        if var batch = entry.batches[info.batch] {
            batch.remaining -= 1
            if succeeded { batch.succeeded += 1 }
            if batch.remaining <= 0 {
                entry.batches[info.batch] = nil
                if batch.succeeded > 0 {
                    entry.speed.observe(cost: batch.key.cost(images: batch.size), images: batch.succeeded, elapsed: now.timeIntervalSince(batch.assignedAt))
                }
            } else {
                entry.batches[info.batch] = batch
            }
        }
        workers[id] = entry
    }
}
