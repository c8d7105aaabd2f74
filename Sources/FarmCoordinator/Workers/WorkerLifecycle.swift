import Foundation

/// One worker connection's lifecycle as the coordinator sees it, with no I/O:
///
///     connecting ──authenticated──▶ idle ⇄ active ──drain──▶ draining ──▶ offline
///                                     └──────── disconnect / goodbye / silence ──────▶ offline
///
/// The owner (the connection's actor) feeds it events with the time, and carries out the
/// `Action` it returns. The words are the ones operators know (Flamenco's): a worker is
/// `idle` with nothing in hand, `active` while it holds leases.
public struct WorkerLifecycle: Sendable, Equatable {
    public enum State: String, Sendable, Equatable, CaseIterable {
        case connecting, idle, active, draining, offline
    }

    /// What the owner must do after an event.
    public enum Action: Sendable, Equatable {
        case none
        /// Tell the worker to finish what it holds and leave.
        case sendDrain
        /// Give these leases back to the queue (the worker will not finish them).
        case requeue([LeaseRef])
        /// The peer broke the protocol or went silent: close the connection, requeue these.
        case close(reason: String, requeue: [LeaseRef])
    }

    public private(set) var state: State = .connecting
    /// Leases handed to this worker and not yet answered (result acknowledged or failure).
    public private(set) var inFlight: Set<LeaseRef> = []
    /// Items the worker asked for and has not been given yet.
    public private(set) var credit: Int = 0
    /// When the worker last said anything (any frame counts as a sign of life).
    public private(set) var lastHeard: Date
    /// Silence longer than this ends the connection.
    public let heartbeatTimeout: TimeInterval

    public init(connectedAt: Date, heartbeatTimeout: TimeInterval = 30) {
        precondition(heartbeatTimeout > 0)
        lastHeard = connectedAt
        self.heartbeatTimeout = heartbeatTimeout
    }

    /// Items that may be assigned to this worker now.
    public var assignable: Int {
        state == .idle || state == .active ? credit : 0
    }

    /// The handshake succeeded.
    public mutating func authenticated(now: Date) -> Action {
        guard state == .connecting else { return violation("second handshake") }
        state = .idle
        lastHeard = now
        return .none
    }

    /// The worker asks for up to `items` more (a credit replaces the previous one: it is
    /// the worker's current appetite, not an increment).
    public mutating func creditGranted(_ items: Int, now: Date) -> Action {
        guard state != .connecting, state != .offline else { return violation("credit before the handshake") }
        guard items >= 0 else { return violation("negative credit") }
        lastHeard = now
        // A draining worker may keep asking (old frames in flight); it gets nothing.
        credit = state == .draining ? 0 : items
        return .none
    }

    /// The coordinator handed these leases to the worker. Returns false (and changes
    /// nothing) if the worker cannot take them: the caller must give them back.
    public mutating func assigned(_ leases: [LeaseRef], now: Date) -> Bool {
        guard state == .idle || state == .active, leases.count <= credit, !leases.isEmpty else {
            return false
        }
        credit -= leases.count
        inFlight.formUnion(leases)
        state = .active
        return true
    }

    /// A heartbeat (or any frame) arrived.
    public mutating func heard(now: Date) {
        if now > lastHeard { lastHeard = now }
    }

    /// The lease was answered: its result acknowledged or its failure recorded — or the
    /// store says it is no longer this worker's. Unknown leases are ignored (a late report
    /// about a lease already given back).
    public mutating func leaseEnded(_ lease: LeaseRef, now: Date) {
        heard(now: now)
        inFlight.remove(lease)
        if inFlight.isEmpty, state == .active { state = .idle }
    }

    /// An operator (or shutdown) asked the worker to drain.
    public mutating func drainRequested() -> Action {
        switch state {
        case .idle, .active:
            state = .draining
            credit = 0
            return .sendDrain
        case .connecting, .draining, .offline:
            return .none
        }
    }

    /// The worker said goodbye, or the connection closed: whatever it holds goes back.
    public mutating func disconnected() -> Action {
        guard state != .offline else { return .none }
        state = .offline
        credit = 0
        let held = inFlight.sorted()
        inFlight = []
        return held.isEmpty ? .none : .requeue(held)
    }

    /// Time passed: a worker silent for longer than the timeout is taken offline.
    public mutating func tick(now: Date) -> Action {
        guard state != .offline, now.timeIntervalSince(lastHeard) > heartbeatTimeout else { return .none }
        state = .offline
        credit = 0
        let held = inFlight.sorted()
        inFlight = []
        return .close(reason: "no heartbeat for \(Int(heartbeatTimeout)) s", requeue: held)
    }

    private mutating func violation(_ what: String) -> Action {
        let held = inFlight.sorted()
        state = .offline
        credit = 0
        inFlight = []
        return .close(reason: "protocol violation: \(what)", requeue: held)
    }
}
