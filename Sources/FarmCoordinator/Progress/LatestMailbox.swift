/// A mailbox that keeps only the latest value per key: a new value replaces one not yet
/// taken (and that one is counted as dropped). Progress and previews are lossy by design — a
/// slow watcher sees fewer updates, never stale ones, and never makes anyone wait or buffer.
public struct LatestMailbox<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var slots: [Key: Value] = [:]
    /// Keys with a value waiting, in the order they first arrived.
    private var order: [Key] = []
    /// Values replaced before anyone took them.
    public private(set) var dropped = 0

    public init() {}

    public var isEmpty: Bool { order.isEmpty }

    /// Puts a value in its key's slot. Returns true if it replaced one never taken.
    @discardableResult
    public mutating func offer(_ value: Value, for key: Key) -> Bool {
        if slots.updateValue(value, forKey: key) != nil {
            dropped += 1
            return true
        }
        order.append(key)
        return false
    }

    /// Everything waiting, oldest key first; leaves the mailbox empty.
    public mutating func takeAll() -> [(key: Key, value: Value)] {
        let taken = order.map { (key: $0, value: slots[$0]!) }
        slots.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        return taken
    }
}
