import Foundation

/// Failure accounting, with no I/O (the lessons of Flamenco and AI Horde):
/// - a worker is blocked for a job after `blockAfter` failures there — counted only once the
///   job has succeeded on another worker, so a malformed job never blocks healthy workers;
/// - an item fails for good once it has failed on `itemGivesUpAfter` different workers (or at
///   once, for a fault of the job);
/// - faults of the coordinator and out-of-memory failures count against nobody.
///
/// The coordinator rebuilds it from the store's failure records after a restart.
public struct FailureLedger: Sendable, Equatable {
    public var blockAfter: Int
    public var itemGivesUpAfter: Int

    /// What happens to the item.
    public enum ItemFate: Sendable, Equatable {
        /// Queue it again.
        case retry
        /// Queue it again, in a batch no larger than this on that worker.
        case retrySmaller(batchLimit: Int)
        /// It failed for good.
        case failForGood(reason: String)
    }

    public struct Decision: Sendable, Equatable {
        public var item: ItemFate
        /// Workers that this event blocked for the job (each at most once).
        public var newlyBlocked: [String]
    }

    public struct JobWorker: Hashable, Sendable {
        public var job: Int64
        public var worker: String
    }

    /// Failures counted per job and worker (including ones not yet held against it).
    public private(set) var failures: [JobWorker: Int] = [:]
    /// When each block began.
    public private(set) var blocked: [JobWorker: Date] = [:]
    /// Workers on which each item failed (worker faults and lost leases).
    public private(set) var itemFailedOn: [Int64: Set<String>] = [:]
    /// Workers that finished at least one item of each job.
    public private(set) var succeeded: [Int64: Set<String>] = [:]

    public init(blockAfter: Int = 3, itemGivesUpAfter: Int = 3) {
        precondition(blockAfter >= 1 && itemGivesUpAfter >= 1)
        self.blockAfter = blockAfter
        self.itemGivesUpAfter = itemGivesUpAfter
    }

    public func isBlocked(worker: String, job: Int64) -> Bool {
        blocked[JobWorker(job: job, worker: worker)] != nil
    }

    /// Item `item` of job `job` failed on `worker`, ran in a batch of `batchSize`.
    public mutating func recordFailure(
        item: Int64, job: Int64, worker: String, cause: FailureCause, batchSize: Int = 1, message: String, now: Date
    ) -> Decision {
        switch cause {
        case .job:
            return Decision(item: .failForGood(reason: message), newlyBlocked: [])
        case .coordinator, .cancelled:
            return Decision(item: .retry, newlyBlocked: [])
        case .outOfMemory:
            return Decision(item: .retrySmaller(batchLimit: max(1, batchSize / 2)), newlyBlocked: [])
        case .leaseLost, .worker:
            var on = itemFailedOn[item, default: []]
            on.insert(worker)
            itemFailedOn[item] = on
            var newlyBlocked: [String] = []
            if cause == .worker {
                let key = JobWorker(job: job, worker: worker)
                failures[key, default: 0] += 1
                if shouldBlock(key) {
                    blocked[key] = now
                    newlyBlocked.append(worker)
                }
            }
            if on.count >= itemGivesUpAfter {
                itemFailedOn[item] = nil  // a retry by an operator starts afresh
                let names = on.sorted().joined(separator: ", ")
                return Decision(
                    item: .failForGood(reason: "failed on \(on.count) different workers (\(names)); last: \(message)"),
                    newlyBlocked: newlyBlocked)
            }
            return Decision(item: .retry, newlyBlocked: newlyBlocked)
        }
    }

    /// `worker` finished an item of `job`. Returns the workers this shows to be at fault:
    /// those with enough failures in the job, now that it has succeeded elsewhere.
    public mutating func recordSuccess(item: Int64, job: Int64, worker: String, now: Date) -> [String] {
        itemFailedOn[item] = nil
        succeeded[job, default: []].insert(worker)
        var newlyBlocked: [String] = []
        for key in failures.keys.sorted(by: { $0.worker < $1.worker }) where key.job == job && shouldBlock(key) {
            blocked[key] = now
            newlyBlocked.append(key.worker)
        }
        return newlyBlocked
    }

    /// An operator's "unblock all since T": lifts every block that began at or after `since`.
    /// Returns how many were lifted.
    public mutating func unblockAll(since: Date) -> Int {
        let lifted = blocked.filter { $0.value >= since }.map(\.key)
        for key in lifted {
            blocked[key] = nil
            failures[key] = nil
        }
        return lifted.count
    }

    /// Forgets a finished job.
    public mutating func forget(job: Int64) {
        failures = failures.filter { $0.key.job != job }
        blocked = blocked.filter { $0.key.job != job }
        succeeded[job] = nil
    }

    private func shouldBlock(_ key: JobWorker) -> Bool {
        guard blocked[key] == nil, failures[key, default: 0] >= blockAfter else { return false }
        // Only when the job has shown it can succeed somewhere else.
        return succeeded[key.job, default: []].contains { $0 != key.worker }
    }
}
