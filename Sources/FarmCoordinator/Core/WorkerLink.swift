import FarmProtocol
import FarmStore
import Foundation

/// The coordinator's way to talk to one connected worker: the server implements it over the
/// wire protocol, tests implement it in memory. Sends never wait for the worker.
public protocol WorkerLink: Sendable {
    func send(_ command: WorkerCommand)
    /// Ends the connection (after what was sent is flushed).
    func close(reason: String)
}

/// What the coordinator tells a worker.
public enum WorkerCommand: Sendable, Equatable {
    /// Render these items (one batch) under a lease.
    case assign(AssignedBatch)
    /// The result is stored: drop it from the outbox.
    case resultAccepted(LeaseRef)
    /// The result is not wanted (the lease is stale, or the item was cancelled): drop it.
    case resultRefused(LeaseRef, reason: String)
    /// The result could not be recorded now (job store down, result disk full): keep it in
    /// the outbox and send it again after `after` seconds.
    case resultRetryLater(LeaseRef, after: TimeInterval, reason: String)
    /// Stop working on these (cancelled, or the lease was lost).
    case cancel([LeaseRef])
    /// Finish what you hold, then leave.
    case drain
}

/// One batch handed to one worker: items sharing a batch key.
public struct AssignedBatch: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var lease: LeaseRef
        public var job: Int64
        public var index: Int
        public var prompt: String
        public var negativePrompt: String
        public var seed: UInt64
    }

    public var key: RenderSettings
    /// Seconds the lease lasts without renewal.
    public var leaseTTL: TimeInterval
    public var items: [Item]
}
