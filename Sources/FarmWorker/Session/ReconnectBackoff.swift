/// How long a worker waits before reconnecting: exponential from `base` to `cap`, with
/// "equal jitter" (half fixed, half random) so a farm of workers does not reconnect in step
/// after a coordinator restart. Reset by a successful handshake. The random source is
/// injected so tests see exact delays.
public struct ReconnectBackoff: Sendable {
    public var base: Double = 0.5
    public var cap: Double = 30
    public private(set) var failures = 0

    public init(base: Double = 0.5, cap: Double = 30) {
        precondition(base > 0 && cap >= base)
        self.base = base
        self.cap = cap
    }

    /// The delay before the next attempt; `unit` is a random number in [0, 1).
    public mutating func nextDelay(unit: Double) -> Double {
        let exponent = min(failures, 30)
        failures += 1
        let ceiling = min(cap, base * Double(1 << exponent))
        return ceiling / 2 + ceiling / 2 * min(max(unit, 0), 1)
    }

    public mutating func reset() {
        failures = 0
    }
}
