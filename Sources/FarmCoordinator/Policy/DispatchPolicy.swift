import FarmProtocol

/// Decides which waiting work goes to which worker, with no I/O: the coordinator gives it the
/// workers that asked for work and what is queued per batch key, and claims from the store
/// what it plans (the store may hand out fewer — another coordinator got there first, or the
/// worker is blocked for a job).
///
/// Rules, in order:
/// 1. Higher priority first.
/// 2. Within a priority, workers that have the key's model loaded first, then workers that
///    hold it on disk; a worker that does not hold the model never gets the work.
/// 3. A batch is at most the worker's batch limit and at most what it asked for; a worker may
///    get several batches if it asked for more.
/// 4. A (worker, key) the store gave nothing for this round — the worker is blocked for every
///    job waiting with that key — is skipped, so the worker's credit goes to other work.
public struct DispatchPolicy: Sendable {
    /// A worker that wants work.
    public struct Offer: Sendable, Equatable {
        public var worker: String
        /// Items it asked for and was not given yet.
        public var credit: Int
        /// The most items per batch now (the announced maximum, lowered after an
        /// out-of-memory failure).
        public var batchLimit: Int
        /// The models it holds, by name.
        public var models: Set<String>
        /// The model it ran last (still in memory).
        public var loadedModel: String?

        public init(
            worker: String, credit: Int, batchLimit: Int, models: Set<String>, loadedModel: String? = nil
        ) {
            self.worker = worker
            self.credit = credit
            self.batchLimit = batchLimit
            self.models = models
            self.loadedModel = loadedModel
        }
    }

    /// Work waiting for one key.
    public struct Waiting: Sendable, Equatable {
        public var key: RenderSettings
        public var queued: Int
        public var priority: Int

        public init(key: RenderSettings, queued: Int, priority: Int) {
            self.key = key
            self.queued = queued
            self.priority = priority
        }
    }

    /// A worker and a batch key it cannot be given (blocked for every job waiting with it).
    public struct WorkerKey: Sendable, Hashable {
        public var worker: String
        public var key: RenderSettings

        public init(worker: String, key: RenderSettings) {
            self.worker = worker
            self.key = key
        }
    }

    /// Claim up to `count` items of `key` for `worker`.
    public struct Assignment: Sendable, Equatable {
        public var worker: String
        public var key: RenderSettings
        public var count: Int
    }

    /// Why queued work was not handed out, for `sdfarm status`.
    public enum WaitReason: String, Sendable, Equatable {
        /// No connected worker holds the model.
        case noWorkerHoldsModel = "no connected worker holds the model"
        /// Workers that hold the model are busy.
        case workersBusy = "waiting for a worker that holds the model"
    }

    public struct Plan: Sendable, Equatable {
        public var assignments: [Assignment] = []
        public var waiting: [RenderSettings: WaitReason] = [:]
    }

    public init() {}

    /// Plans one round. `connectedModels` are the models held by every connected worker,
    /// including those that asked for nothing (to tell "busy" from "nobody has it").
    public func plan(
        offers: [Offer], queue: [Waiting], connectedModels: Set<String>, cannotServe: Set<WorkerKey> = []
    ) -> Plan {
        var plan = Plan()
        var credit = offers.map { max(0, $0.credit) }
        var remaining = queue.map { max(0, $0.queued) }
        let order = queue.indices.sorted { a, b in
            let x = queue[a], y = queue[b]
            if x.priority != y.priority { return x.priority > y.priority }
            if x.queued != y.queued { return x.queued > y.queued }
            // Ties keep the queue's order (the store's ends with the batch key): no re-encoding.
            return a < b
        }
        // Workers with the most room first; names break ties so plans are reproducible.
        let workerOrder = offers.indices.sorted { a, b in
            offers[a].credit != offers[b].credit
                ? offers[a].credit > offers[b].credit : offers[a].worker < offers[b].worker
        }

        var start = 0
        while start < order.count {
            let priority = queue[order[start]].priority
            var end = start
            while end < order.count, queue[order[end]].priority == priority { end += 1 }
            let tier = order[start..<end]
            for loadedOnly in [true, false] {
                for q in tier {
                    let model = queue[q].key.model
                    for w in workerOrder where remaining[q] > 0 {
                        let offer = offers[w]
                        let eligible = loadedOnly ? offer.loadedModel == model : offer.models.contains(model)
                        guard eligible, offer.batchLimit > 0,
                            !cannotServe.contains(WorkerKey(worker: offer.worker, key: queue[q].key))
                        else { continue }
                        while credit[w] > 0, remaining[q] > 0 {
                            let count = min(credit[w], offer.batchLimit, remaining[q])
                            plan.assignments.append(
                                Assignment(worker: offer.worker, key: queue[q].key, count: count))
                            credit[w] -= count
                            remaining[q] -= count
                        }
                    }
                }
            }
            start = end
        }

        for q in queue.indices where remaining[q] > 0 {
            plan.waiting[queue[q].key] =
                connectedModels.contains(queue[q].key.model) ? .workersBusy : .noWorkerHoldsModel
        }
        return plan
    }
}
