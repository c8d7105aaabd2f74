import Foundation

/// The coordinator's tunables, with the defaults `sdfarm coordinator` uses.
public struct CoordinatorConfig: Sendable {
    public var lease = LeasePolicy()
    /// A worker silent for longer than this is taken offline and its items requeued.
    public var heartbeatTimeout: TimeInterval = 30
    /// After a worker disconnects, its leases run this much longer (so a worker that comes
    /// straight back can still deliver from its outbox) before they are requeued.
    public var disconnectGrace: TimeInterval = 5
    /// Batch keys looked at per dispatch round.
    public var queueScanLimit = 200
    /// Below this many free bytes on the result disk the coordinator claims no new work and
    /// asks workers to keep their results until space returns (docs/operations.md). 1 GiB:
    /// a few thousand 512×512 PNGs with their latents, minutes of a busy farm's output —
    /// room to finish what is in flight and for the operator to react — and small next to
    /// any disk meant for results. A percentage would be a terabyte on a large array and
    /// nothing on a small one; what matters is the absolute room for results in flight.
    public var minFreeSpace: Int64 = 1 << 30
    /// How the free space is measured (a test injects its own).
    public var freeSpace: any FreeSpaceProbe = StatvfsFreeSpace()
    /// How long a worker waits before resending a result the coordinator could not record
    /// (job store down, result disk full): `resultRetryAfter` at first, a quarter of the
    /// trouble's age as it lasts, never more than `resultRetryAfterMax` — a long outage
    /// does not make every worker upload its whole outbox every few seconds.
    public var resultRetryAfter: TimeInterval = 5
    public var resultRetryAfterMax: TimeInterval = 30
    /// A lease whose result was deferred is renewed past its usual ceiling for this long
    /// after the last deferral (each resend the coordinator cannot take defers it again), so
    /// a worker that stops resending does not hold the item for ever.
    public var resultHoldLimit: TimeInterval = 600
    /// Identical error lines are written at most once per this many seconds (with a count of
    /// those left out).
    public var repeatedErrorInterval: TimeInterval = 60

    public init() {}
}
