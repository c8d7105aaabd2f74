/// Who may connect and how a failed handshake is answered, as a value type with no I/O
/// (docs/protocol.md, "Limits before authentication"): connection caps in total and per
/// address, a token bucket of handshakes per address, and per address a count of failed
/// handshakes that slows the answer to each and refuses the address for a while after too many.
/// Time is passed in, so it is tested step by step without sleeping.
struct PeerAdmission: Sendable {
    enum Decision: Equatable, Sendable {
        case admit
        case refuse(String)
    }

    struct Failures: Sendable {
        var count = 0
        var last: ContinuousClock.Instant
        var lockedUntil: ContinuousClock.Instant?
    }

    struct Bucket: Sendable {
        var tokens: Double
        var at: ContinuousClock.Instant
    }

    let limits: ConnectionLimits
    private(set) var open: [String: Int] = [:]
    private(set) var total = 0
    private var buckets: [String: Bucket] = [:]
    private var failures: [String: Failures] = [:]
    /// Addresses remembered before old entries are swept (bounds memory under many addresses).
    static let sweepAbove = 4096

    init(limits: ConnectionLimits) { self.limits = limits }

    /// A new connection from `address`: admitted (and counted until `closed`) or refused.
    mutating func connect(_ address: String, now: ContinuousClock.Instant) -> Decision {
        if let wait = lockedOut(address, now: now) {
            return .refuse(
                "too many failed handshakes from \(address); refused for \(Self.seconds(wait)) more s")
        }
        guard total < limits.maxConnections else {
            return .refuse(
                "the coordinator has its maximum of \(limits.maxConnections) connections; try again later")
        }
        guard open[address, default: 0] < limits.maxConnectionsPerAddress else {
            return .refuse(
                "\(address) already has its maximum of \(limits.maxConnectionsPerAddress) connections open")
        }
        if buckets.count > Self.sweepAbove || failures.count > Self.sweepAbove { sweep(now: now) }
        var bucket = refilled(buckets[address], now: now)
        guard bucket.tokens >= 1 else {
            buckets[address] = bucket
            return .refuse(
                "too many new connections from \(address) (more than \(limits.handshakesPerSecond) per second); try again shortly"
            )
        }
        bucket.tokens -= 1
        buckets[address] = bucket
        open[address, default: 0] += 1
        total += 1
        return .admit
    }

    /// An admitted connection ended.
    mutating func closed(_ address: String) {
        guard let n = open[address] else { return }
        open[address] = n > 1 ? n - 1 : nil
        total -= 1
    }

    /// A handshake from `address` failed; returns how long to wait before answering it.
    mutating func failed(_ address: String, now: ContinuousClock.Instant) -> Duration {
        failure(address, now: now).delay
    }

    /// A handshake from `address` failed: how long to wait before answering it, and whether
    /// this failure locked the address out.
    mutating func failure(_ address: String, now: ContinuousClock.Instant) -> (
        delay: Duration, lockedOut: Bool
    ) {
        var f = failures[address] ?? Failures(last: now)
        if now - f.last > limits.failureMemory { f = Failures(last: now) }
        f.count += 1
        f.last = now
        let lockedOut = f.count >= limits.failuresBeforeLockout
        if lockedOut { f.lockedUntil = now + limits.lockout }
        failures[address] = f
        var delay = limits.failureDelay
        for _ in 1..<min(f.count, 32) where delay < limits.maxFailureDelay { delay *= 2 }
        return (min(delay, limits.maxFailureDelay), lockedOut)
    }

    /// How much longer `address` is refused after too many failures, or nil.
    func lockedOut(_ address: String, now: ContinuousClock.Instant) -> Duration? {
        guard let until = failures[address]?.lockedUntil, until > now else { return nil }
        return until - now
    }

    /// Failed handshakes remembered for `address`.
    func failureCount(_ address: String) -> Int { failures[address]?.count ?? 0 }

    private func refilled(_ bucket: Bucket?, now: ContinuousClock.Instant) -> Bucket {
        let burst = Double(limits.handshakeBurst)
        guard var b = bucket else { return Bucket(tokens: burst, at: now) }
        let elapsed = now - b.at
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        b.tokens = min(burst, b.tokens + seconds * limits.handshakesPerSecond)
        b.at = now
        return b
    }

    /// Forgets buckets that are full again and failures past their memory and lockout.
    private mutating func sweep(now: ContinuousClock.Instant) {
        let burst = Double(limits.handshakeBurst)
        buckets = buckets.filter { refilled($0.value, now: now).tokens < burst }
        failures = failures.filter { _, f in
            now - f.last <= limits.failureMemory || (f.lockedUntil.map { $0 > now } ?? false)
        }
    }

    static func seconds(_ d: Duration) -> Int64 {
        d.components.seconds + (d.components.attoseconds > 0 ? 1 : 0)
    }
}
