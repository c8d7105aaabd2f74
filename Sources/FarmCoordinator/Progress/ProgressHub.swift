/// Fans progress out to the watchers of each job. Each watcher has a `LatestMailbox` keyed
/// by what the update is about (a worker's batch, the job's counts): publishing never waits
/// for a watcher and never queues; a watcher that falls behind gets the latest of each key.
public actor ProgressHub<Update: Sendable> {
    public struct Subscription: Hashable, Sendable {
        public let id: Int
        public let job: Int64
    }

    private struct Watcher {
        var mailbox = LatestMailbox<String, Update>()
        var waiting: CheckedContinuation<[Update]?, Never>?
    }

    private var watchers: [Int64: [Int: Watcher]] = [:]
    private var nextID = 0
    /// Updates replaced before a watcher took them, across all watchers (a metric).
    public private(set) var droppedTotal = 0

    public init() {}

    public func subscribe(job: Int64) -> Subscription {
        nextID += 1
        watchers[job, default: [:]][nextID] = Watcher()
        return Subscription(id: nextID, job: job)
    }

    /// Ends a subscription; a watcher waiting in `next` gets nil.
    public func unsubscribe(_ s: Subscription) {
        let watcher = watchers[s.job]?.removeValue(forKey: s.id)
        if watchers[s.job]?.isEmpty == true { watchers[s.job] = nil }
        watcher?.waiting?.resume(returning: nil)
    }

    /// Ends every subscription to a job (it finished or was cancelled).
    public func close(job: Int64) {
        for watcher in (watchers.removeValue(forKey: job) ?? [:]).values {
            watcher.waiting?.resume(returning: nil)
        }
    }

    public func watcherCount(job: Int64) -> Int { watchers[job]?.count ?? 0 }

    /// Offers an update to every watcher of `job`, replacing the previous one with the same key.
    public func publish(_ update: Update, job: Int64, key: String) {
        guard var byID = watchers[job] else { return }
        for (id, var watcher) in byID {
            if let waiting = watcher.waiting {
                watcher.waiting = nil
                waiting.resume(returning: [update])
            } else if watcher.mailbox.offer(update, for: key) {
                droppedTotal += 1
            }
            byID[id] = watcher
        }
        watchers[job] = byID
    }

    /// The updates waiting for this watcher (waits if none); nil once the subscription ended.
    public func next(_ s: Subscription) async -> [Update]? {
        guard var watcher = watchers[s.job]?[s.id] else { return nil }
        if !watcher.mailbox.isEmpty {
            let taken = watcher.mailbox.takeAll().map(\.value)
            watchers[s.job]?[s.id] = watcher
            return taken
        }
        precondition(watcher.waiting == nil, "one reader per subscription")
        return await withCheckedContinuation { continuation in
            watcher.waiting = continuation
            watchers[s.job]?[s.id] = watcher
        }
    }
}
