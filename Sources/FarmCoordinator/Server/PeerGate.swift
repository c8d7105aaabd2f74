import Synchronization

/// The coordinator's `PeerAdmission`, shared by every connection's task (a lock, not an
/// actor: each call is a few dictionary operations).
public final class PeerGate: Sendable {
    private let state: Mutex<PeerAdmission>
    public let limits: ConnectionLimits

    public init(_ limits: ConnectionLimits = ConnectionLimits()) {
        self.limits = limits
        state = Mutex(PeerAdmission(limits: limits))
    }

    func connect(_ address: String) -> PeerAdmission.Decision {
        let now = ContinuousClock.now
        return state.withLock { $0.connect(address, now: now) }
    }

    func closed(_ address: String) { state.withLock { $0.closed(address) } }

    func failed(_ address: String) -> (delay: Duration, lockedOut: Bool) {
        let now = ContinuousClock.now
        return state.withLock { $0.failure(address, now: now) }
    }

    func lockedOut(_ address: String) -> Duration? {
        let now = ContinuousClock.now
        return state.withLock { $0.lockedOut(address, now: now) }
    }

    /// Open connections, in all and from `address`.
    public var openConnections: Int { state.withLock { $0.total } }
    public func openConnections(from address: String) -> Int { state.withLock { $0.open[address] ?? 0 } }
}
