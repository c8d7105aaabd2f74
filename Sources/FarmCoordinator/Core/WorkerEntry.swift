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
    /// The worker sent the result and was asked to resend it later (the coordinator could
    /// not record it): renewed without the usual ceiling until it is delivered.
    var resultWaiting = false
}

struct BatchInfo {
    var key: BatchKey
    var assignedAt: Date
    var size: Int
    var remaining: Int
    var succeeded: Int
}
