import FarmStore
import Foundation

extension CoordinatorCore {
    /// A worker finished its handshake. A second connection of the same worker replaces the
    /// first (whose leases are given back after the disconnect grace).
    public func workerConnected(
        id: WorkerID, name: String, capabilities: WorkerCapabilities, link: any WorkerLink
    ) async throws -> Int {
        let now = clock.now()
        if workers[id] != nil {
            await workerDisconnected(
                id: id, connection: workers[id]!.connection, reason: "replaced by a new connection")
        }
        let json = String(
            decoding: (try? JSONEncoder().encode(capabilities)) ?? Data("{}".utf8), as: UTF8.self)
        do {
            _ = try await store.upsertWorker(id: id, name: name, capabilities: json, state: .idle, now: now)
            storeWorked()
        } catch {
            // The worker is refused (its connection ends) and comes back with its backoff.
            storeFailed("upsert worker", "worker \(id.rawValue) connecting", error)
            throw error
        }
        nextConnection += 1
        var lifecycle = WorkerLifecycle(connectedAt: now, heartbeatTimeout: config.heartbeatTimeout)
        _ = lifecycle.authenticated(now: now)
        workers[id] = WorkerEntry(
            id: id, name: name, capabilities: capabilities, link: link, connection: nextConnection,
            lifecycle: lifecycle, batchLimit: max(1, capabilities.maxBatch))
        logger.info(
            "worker connected",
            metadata: ["worker": "\(id.rawValue)", "models": "\(capabilities.modelNames.sorted())"])
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
        await touch(id, state: nil, now: now, why: "heartbeat")
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
        logger.info(
            "worker disconnected",
            metadata: ["worker": "\(id.rawValue)", "reason": "\(reason)", "leases": "\(held.count)"])
        let now = clock.now()
        // Leases whose results the worker holds for resending keep a full TTL: it delivers
        // them when it is back. If a renewal fails the leases run out at their own time
        // instead: later, never lost.
        let waiting = Dictionary(
            grouping: held,
            by: { entry.leases[$0]?.resultWaiting(now: now, limit: config.resultHoldLimit) == true })
        for (resultWaiting, refs) in waiting {
            let tokens = refs.map { LeaseToken(item: ItemID($0.item), fence: $0.fence) }
            let duration =
                resultWaiting ? max(config.disconnectGrace, config.lease.floor) : config.disconnectGrace
            _ = await storeCall(
                "renew", "grace for \(refs.count) leases of disconnected worker \(id.rawValue)"
            ) {
                try await store.renew(tokens, worker: id, leaseDuration: duration, now: now)
            }
        }
        await touch(id, state: .offline, now: now, why: "disconnect")
    }

    /// An operator asked the worker to drain.
    public func drainWorker(named name: String) async -> Bool {
        guard let id = workers.first(where: { $0.value.name == name || $0.key.rawValue == name })?.key,
            var entry = workers[id]
        else { return false }
        let action = entry.lifecycle.drainRequested()
        workers[id] = entry
        await carryOut(action, for: id)
        await touch(id, state: .draining, now: clock.now(), why: "drain")
        return true
    }

    /// Closes every worker's connection (coordinator shutdown). Their leases stay in the
    /// store: a restarted coordinator sees them run out, or gets the results when the workers
    /// reconnect and deliver from their outboxes.
    public func disconnectAll(reason: String) async {
        for (id, entry) in workers {
            entry.link.close(reason: reason)
            await workerDisconnected(id: id, connection: entry.connection, reason: reason)
        }
    }

    func carryOut(_ action: WorkerLifecycle.Action, for id: WorkerID) async {
        switch action {
        case .none, .requeue:
            return
        case .sendDrain:
            workers[id]?.link.send(.drain)
        case .close(let reason, let requeue):
            guard let entry = workers[id] else { return }
            entry.link.close(reason: reason)
            // A worker that went silent or broke the protocol is not coming back to deliver:
            // its items go back now, not after a grace (leases it sent results for excepted).
            let now = clock.now()
            let giveBack = requeue.filter {
                entry.leases[$0]?.resultWaiting(now: now, limit: config.resultHoldLimit) != true
            }
            if !giveBack.isEmpty {
                let tokens = giveBack.map { LeaseToken(item: ItemID($0.item), fence: $0.fence) }
                let ended = await storeCall(
                    "release", "the \(giveBack.count) leases of worker \(id.rawValue): \(reason)"
                ) {
                    try await store.release(tokens, worker: id, now: now)
                }
                if let ended {
                    counters.itemsFailed += ended.filter { $0.newState == .failed }.count
                    for ref in giveBack { forgetLease(ref, of: id, succeeded: false) }
                }
            }
            await workerDisconnected(id: id, connection: entry.connection, reason: reason)
        }
    }

    /// Records that the worker was seen (and its state word) in the store.
    func touch(_ id: WorkerID, state: WorkerState?, now: Date, why: String) async {
        _ = await storeCall("touch worker", "\(why) of worker \(id.rawValue)") {
            try await store.touchWorker(id, state: state, now: now)
        }
    }

    /// Renews the worker's leases (all, or only those the coordinator last knew to end by
    /// `dueBy`). A renewal the store cannot make is logged and counted; the leases keep
    /// their old expiry and the next heartbeat tries again.
    func renewLeases(of id: WorkerID, now: Date, dueBy: Date? = nil) async {
        guard let entry = workers[id], !entry.leases.isEmpty else { return }
        let due = entry.leases.filter { dueBy == nil || $0.value.expires <= dueBy! }
        guard !due.isEmpty else { return }
        // Leases of one batch share their claim time and TTL: one renewal per batch.
        let limit = config.resultHoldLimit
        let byBatch = Dictionary(
            grouping: due,
            by: {
                BatchRenewal(
                    batch: $0.value.batch, resultWaiting: $0.value.resultWaiting(now: now, limit: limit))
            })
        var lost: [LeaseRef] = []
        for (_, leases) in byBatch {
            let info = leases[0].value
            // A result waiting to be recorded must not lose its lease to the ceiling.
            let expiry =
                info.resultWaiting(now: now, limit: limit)
                ? max(info.expires, now + info.ttl)
                : config.lease.renewedExpiry(
                    claimedAt: info.claimedAt, ttl: info.ttl, current: info.expires, now: now)
            // Past the ceiling there is nothing to extend: the sweep takes these leases (a
            // renewal to "now" would keep them alive for ever, one tick at a time).
            guard expiry > now else { continue }
            let tokens = leases.map { LeaseToken(item: ItemID($0.key.item), fence: $0.key.fence) }
            guard
                let outcome = await storeCall(
                    "renew", "\(tokens.count) leases of worker \(id.rawValue)",
                    {
                        try await store.renew(
                            tokens, worker: id, leaseDuration: expiry.timeIntervalSince(now), now: now)
                    })
            else { continue }
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
                    entry.speed.observe(
                        cost: batch.key.cost(images: batch.size), images: batch.succeeded,
                        elapsed: now.timeIntervalSince(batch.assignedAt))
                }
            } else {
                entry.batches[info.batch] = batch
            }
        }
        workers[id] = entry
    }
}

/// Leases renewed together: one batch, split by whether their results wait to be recorded.
private struct BatchRenewal: Hashable {
    var batch: Int
    var resultWaiting: Bool
}
