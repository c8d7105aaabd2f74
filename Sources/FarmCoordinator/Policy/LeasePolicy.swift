import Foundation

/// How long a lease lasts: long enough for the work at the worker's measured speed, with a
/// margin, never under a floor; renewed by heartbeats, but never past a ceiling, so a worker
/// that keeps heartbeating while stuck still loses its items.
///
/// The shape follows AI Horde's (a base plus a cost term, with a minimum), but scaled by the
/// worker's own measured speed rather than a fixed rate.
public struct LeasePolicy: Sendable, Equatable {
    /// Added to every TTL: connection and model loading slack.
    public var base: TimeInterval = 30
    /// The shortest TTL.
    public var floor: TimeInterval = 60
    /// The expected duration is multiplied by this.
    public var margin: Double = 3
    /// Speed assumed for a worker not measured yet: 2 µs per pixel-step (a 512×512, 20-step
    /// image in ~10 s), a slow CPU.
    public var unmeasuredSecondsPerPixelStep: Double = 2e-6
    /// Renewals never take a lease past `claimedAt + ceilingFactor × ttl`.
    public var ceilingFactor: Double = 4

    public init() {}

    /// The TTL for a batch of this cost on a worker of this speed.
    public func ttl(for cost: WorkCost, speed: WorkerSpeed) -> TimeInterval {
        let rate = speed.secondsPerPixelStep ?? unmeasuredSecondsPerPixelStep
        return max(floor, base + margin * rate * cost.pixelSteps)
    }

    /// The expiry a heartbeat at `now` gives a lease claimed at `claimedAt` with this TTL.
    /// Never earlier than `current` (renewals only extend).
    public func renewedExpiry(claimedAt: Date, ttl: TimeInterval, current: Date, now: Date) -> Date {
        let ceiling = claimedAt + ceilingFactor * ttl
        let wanted = min(now + ttl, ceiling)
        return max(current, wanted)
    }
}
