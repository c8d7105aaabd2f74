import Foundation

/// The coordinator's tunables, with the defaults `sdfarm coordinator` uses.
public struct CoordinatorConfig: Sendable {
    public var lease = LeasePolicy()
    /// A worker silent for longer than this is taken offline and its items requeued.
    public var heartbeatTimeout: TimeInterval = 30
    /// After a worker disconnects, its leases run this much longer (so a worker that comes
    /// straight back can still deliver from its outbox) before they are requeued.
    public var disconnectGrace: TimeInterval = 5
    /// Failure accounting (item gives up after failing on this many different workers).
    public var itemGivesUpAfterWorkers = 3
    /// Batch keys looked at per dispatch round.
    public var queueScanLimit = 200

    public init() {}
}
