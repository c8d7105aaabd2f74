/// The sending side of progress (docs/protocol.md, "progress"): at most one frame per
/// `interval`, latest wins. A value offered too soon waits in a single slot; a newer one
/// replaces it and the replaced one is counted as dropped — progress is never queued.
/// A value type with no I/O and no clock of its own: the caller passes the time.
public struct ProgressThrottle<Value: Sendable>: Sendable {
    public let interval: Double
    private var lastSent: Double?
    private var pending: Value?
    /// Values replaced before they could be sent.
    public private(set) var dropped = 0

    public init(interval: Double) { self.interval = interval }

    /// Offers a value at `now`: returns it if it may go out now; otherwise keeps it (dropping
    /// an older one waiting) and returns nil — call `flush` at `nextDue`.
    public mutating func offer(_ value: Value, now: Double) -> Value? {
        if let lastSent, now - lastSent < interval {
            if pending != nil { dropped += 1 }
            pending = value
            return nil
        }
        if pending != nil { dropped += 1 }
        pending = nil
        lastSent = now
        return value
    }

    /// When the waiting value may go out, if one waits.
    public var nextDue: Double? { pending == nil ? nil : (lastSent ?? 0) + interval }

    /// The waiting value, if it is due at `now`.
    public mutating func flush(now: Double) -> Value? {
        guard let value = pending, let due = nextDue, now >= due else { return nil }
        pending = nil
        lastSent = now
        return value
    }

    /// Forgets the waiting value (its batch is over), counting it as dropped.
    public mutating func discard() {
        if pending != nil { dropped += 1 }
        pending = nil
    }
}
