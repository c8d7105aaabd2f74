import Foundation

/// A worker as the store knows it.
public struct WorkerRecord: Sendable, Equatable, Identifiable {
    public var id: WorkerID
    public var name: String
    /// What the worker announced (device, memory, models by name and hash, batch size):
    /// the coordinator's JSON, opaque to the store.
    public var capabilities: String
    public var state: WorkerState
    public var firstSeen: Date
    public var lastSeen: Date

    public init(
        id: WorkerID, name: String, capabilities: String = "{}", state: WorkerState, firstSeen: Date,
        lastSeen: Date
    ) {
        self.id = id
        self.name = name
        self.capabilities = capabilities
        self.state = state
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}

/// A worker blocked for one job after repeated failures there.
public struct BlockedWorker: Sendable, Equatable {
    public var job: JobID
    public var worker: WorkerID
    public var failures: Int
    public var blockedAt: Date
}

/// One recorded failure of one item on one worker.
public struct FailureRecord: Sendable, Equatable {
    public var item: ItemID
    public var job: JobID
    public var worker: WorkerID?
    public var attempt: Int
    public var kind: FailureKind?
    /// True when the failure was a lease running out rather than a report.
    public var leaseExpired: Bool
    public var message: String
    public var at: Date
}
