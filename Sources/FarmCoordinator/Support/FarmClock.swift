import Foundation

/// Where the coordinator's actors get the time. The state machines never read a clock: they
/// take `now` as an argument; the actors that own them ask an injected `FarmClock`, so tests
/// move time by hand and never sleep.
public protocol FarmClock: Sendable {
    func now() -> Date
}

/// Wall-clock time (leases are stored as dates, so they survive a coordinator restart).
public struct SystemFarmClock: FarmClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that moves only when told to: for tests.
public final class ManualFarmClock: FarmClock, @unchecked Sendable {
    // Guarded by `lock`; a class so that every holder sees the same time.
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = start
    }

    public func now() -> Date {
        lock.withLock { current }
    }

    public func advance(by seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }
}
