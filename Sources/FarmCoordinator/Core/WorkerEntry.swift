import FarmProtocol
import FarmStore
import Foundation

/// Everything the coordinator keeps about one connected worker.
struct WorkerEntry {
    let id: WorkerID
    var name: String
    var capabilities: WorkerCapabilities
    let link: any WorkerLink
    /// Distinguishes this connection from a later one of the same worker.
    let connection: Int
    var lifecycle: WorkerLifecycle
    /// The most items per batch now: the announced maximum, halved after out-of-memory.
    var batchLimit: Int
    var loadedModel: String?
    var speed = WorkerSpeed()
    var imagesDone = 0
    /// Leases in hand, with what the coordinator needs to renew and measure them.
    var leases: [LeaseRef: LeaseInfo] = [:]
    /// Batches not fully answered yet, for the speed measurement.
    var batches: [Int: BatchInfo] = [:]
}

struct LeaseInfo {
    var job: Int64
    var batch: Int
    var claimedAt: Date
    var ttl: TimeInterval
    var expires: Date
    /// When the worker was last asked to resend this lease's result later (the coordinator
    /// could not record it). While that is recent (`CoordinatorConfig.resultHoldLimit`) the
    /// lease is renewed past the usual ceiling: the image exists, it only waits to land.
    var resultDeferredAt: Date?

    func resultWaiting(now: Date, limit: TimeInterval) -> Bool {
        guard let resultDeferredAt else { return false }
        return now.timeIntervalSince(resultDeferredAt) <= limit
    }
}

struct BatchInfo {
    var key: RenderSettings
    var assignedAt: Date
    var size: Int
    var remaining: Int
    var succeeded: Int
}
